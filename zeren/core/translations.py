"""Checking zeren's translations (zh-Hans, the source language, and English).

zeren's message ids are Chinese: the templates and code are written in zh-Hans, and each app keeps
an English catalogue in ``zeren/<app>/locale/en/LC_MESSAGES/django.po`` (compiled to ``.mo``,
which the repository keeps). Django merges every app's catalogue, so a message translated in one
app's file is translated everywhere it is used.

What can go wrong, and is checked here:

- a catalogue entry without a translation, or marked fuzzy (:func:`catalogue_problems`);
- a compiled ``.mo`` that is not the ``.po`` beside it (:func:`catalogue_problems`);
- a string marked for translation in the code or templates that no catalogue translates, found by
  running ``makemessages`` over a copy of the sources (:func:`extract_messages`, :func:`missing`);
- a catalogue entry that nothing uses any more (:func:`unused`);
- a message id with no Chinese in it (an English word shown as is in the Chinese UI), unless it is
  a name that is the same in both languages (:data:`SAME_IN_BOTH`);
- Chinese text in a template outside ``{% translate %}`` / ``{% blocktranslate %}`` (:func:`bare_template_text`);
  a line that must stay as it is (the product's name, a file's column headers) says so with a comment
  ``{# i18n: literal — why #}``.

``zeren translations`` prints all of it; the test suite fails on any of it.
"""

from __future__ import annotations

import ast
import gettext
import re
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

ZEREN = Path(__file__).resolve().parent.parent
LANGUAGES = ("en",)  # catalogues zeren ships; zh-Hans is the language of the message ids
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
# Message ids that read the same in Chinese and English: names, formats, placeholders.
SAME_IN_BOTH = re.compile(r"^(?:[\s\W\d_]|%\(\w+\)[sdf]|%[sdf]|\{\w*\}|PDF|CSV|JSON|API|Excel|Atom|"
                          r"XLSX|xlsx|URL|ID|zeren|RSS|Open311|OpenAPI|SHA-256|RFC\s?\d+|WCAG|AA)*$")


@dataclass
class Entry:
    """One entry of a ``.po`` file."""

    msgid: str
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)  # plural index → text; 0 for a singular entry
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False
    line: int = 0
    references: list[str] = field(default_factory=list)  # "path:line" where the message is used

    @property
    def key(self) -> tuple[str | None, str]:
        return self.msgctxt, self.msgid

    @property
    def translated(self) -> bool:
        return bool(self.msgstr) and all(self.msgstr.values())


def _unquote(text: str) -> str:
    return ast.literal_eval(text) if text.startswith('"') else ""


def read_po(path: Path) -> list[Entry]:
    """The entries of a ``.po`` file (GNU gettext format: comments, flags, context, plurals,
    multi-line strings, obsolete ``#~`` entries). The header (empty msgid) is left out."""
    entries: list[Entry] = []
    current: Entry | None = None
    pending_flags: set[str] = set()
    pending_references: list[str] = []
    field_name = ""
    previous = ""
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        obsolete = line.startswith("#~")
        if obsolete:
            line = line[2:].strip()
        if line.startswith("#,"):
            pending_flags |= {f.strip() for f in line[2:].split(",") if f.strip()}
            continue
        if line.startswith("#:"):
            pending_references += line[2:].split()
            continue
        if not line or line.startswith("#"):
            continue
        if line.startswith('"'):  # continuation of the field above
            _extend(current, field_name, _unquote(line))
            continue
        keyword, _, rest = line.partition(" ")
        if keyword == "msgctxt" or (keyword == "msgid" and previous != "msgctxt"):
            if current is not None and current.msgid:
                entries.append(current)
            current = Entry(msgid="", flags=pending_flags, obsolete=obsolete, line=number,
                            references=pending_references)
            pending_flags, pending_references = set(), []
        plural = re.fullmatch(r"msgstr\[(\d+)\]", keyword)
        field_name = f"msgstr:{plural.group(1)}" if plural else ("msgstr:0" if keyword == "msgstr" else keyword)
        _extend(current, field_name, _unquote(rest.strip()), start=True)
        previous = keyword
    if current is not None and current.msgid:
        entries.append(current)
    return entries


def _extend(entry: Entry | None, name: str, text: str, start: bool = False) -> None:
    if entry is None:
        return
    if name.startswith("msgstr:"):
        index = int(name[7:])
        entry.msgstr[index] = ("" if start else entry.msgstr.get(index, "")) + text
    elif name in ("msgid", "msgctxt", "msgid_plural"):
        setattr(entry, name, ("" if start else (getattr(entry, name) or "")) + text)


def catalogues(root: Path = ZEREN) -> list[Path]:
    """Every shipped ``.po`` file, in the languages zeren ships."""
    return sorted(p for lang in LANGUAGES for p in root.glob(f"**/locale/{lang}/LC_MESSAGES/*.po"))


def catalogue_problems(paths: Iterable[Path]) -> list[str]:
    """Untranslated or fuzzy entries, and ``.mo`` files that are not their ``.po``."""
    problems = []
    for path in paths:
        entries = [e for e in read_po(path) if not e.obsolete]
        for e in entries:
            if not e.translated:
                problems.append(f"{path}:{e.line}: untranslated: {e.msgid!r}")
            if "fuzzy" in e.flags:
                problems.append(f"{path}:{e.line}: fuzzy: {e.msgid!r}")
        mo = path.with_suffix(".mo")
        if not mo.exists():
            problems.append(f"{mo}: missing (run compilemessages)")
            continue
        with mo.open("rb") as f:
            compiled = gettext.GNUTranslations(f)._catalog  # type: ignore[attr-defined]
        for e in entries:
            if "fuzzy" in e.flags or not e.translated:
                continue
            key = e.msgid if e.msgctxt is None else f"{e.msgctxt}\x04{e.msgid}"
            got = compiled.get((key, 0) if e.msgid_plural else key)
            if got != e.msgstr[0]:
                problems.append(f"{mo}: out of date for {e.msgid!r} (run compilemessages)")
                break
    return problems


def translated_keys(paths: Iterable[Path]) -> set[tuple[str | None, str]]:
    """``(context, msgid)`` of every translated, non-fuzzy entry of the catalogues."""
    return {e.key for path in paths for e in read_po(path)
            if not e.obsolete and e.translated and "fuzzy" not in e.flags}


def extract_messages(root: Path = ZEREN) -> list[Entry]:
    """Every message marked for translation in zeren's code and templates, as ``makemessages``
    extracts them — run over a copy of the sources in a temporary folder, so the shipped
    catalogues are not touched. References are relative to ``root``."""
    from django.core.management import call_command
    from django.test.utils import override_settings

    with tempfile.TemporaryDirectory(prefix="zeren-i18n-") as tmp:
        copy = Path(tmp) / "zeren"
        shutil.copytree(root, copy, ignore=shutil.ignore_patterns(
            "locale", "static", "tests", "migrations", "__pycache__", "*.pyc", "*.mo", "*.po", "data"))
        locale = Path(tmp) / "locale"
        locale.mkdir()
        import os

        cwd = os.getcwd()
        os.chdir(copy)
        try:
            with override_settings(LOCALE_PATHS=[str(locale)]):
                call_command("makemessages", locale=["en"], domain="django", extensions=["html", "txt", "py", "js"],
                             verbosity=0, no_obsolete=True)
        finally:
            os.chdir(cwd)
        return read_po(locale / "en" / "LC_MESSAGES" / "django.po")


def missing(extracted: Iterable[Entry], paths: Iterable[Path]) -> list[Entry]:
    """The extracted messages that no shipped catalogue translates."""
    done = translated_keys(paths)
    return [e for e in extracted if e.key not in done]


def unused(extracted: Iterable[Entry], paths: Iterable[Path]) -> list[str]:
    """``path:line: msgid`` of catalogue entries no code or template uses any more (left behind by a
    change): they only hide that a string was reworded without its translation."""
    used = {e.key for e in extracted}
    return [f"{path}:{e.line}: {e.msgid!r}" for path in paths for e in read_po(path)
            if not e.obsolete and e.key not in used]


def not_chinese(extracted: Iterable[Entry]) -> list[Entry]:
    """Message ids that would show untranslated in the Chinese UI: no Chinese in them, and not a name
    that reads the same in both languages."""
    return [e for e in extracted if not CJK.search(e.msgid) and not SAME_IN_BOTH.match(e.msgid)]


TRANSLATED_BLOCKS = re.compile(
    r"{%\s*(?:blocktranslate|blocktrans)\b.*?{%\s*(?:endblocktranslate|endblocktrans)\s*%}"
    r"|{%\s*comment\s*%}.*?{%\s*endcomment\s*%}|{#.*?#}|{%.*?%}|{{.*?}}", re.S)


def bare_template_text(root: Path = ZEREN) -> Iterator[str]:
    """``path:line: text`` of Chinese in a template outside the translation tags (and outside
    comments, variables and other tags), which would show in Chinese to an English reader."""
    for path in sorted(root.glob("**/templates/**/*")):
        if not path.is_file() or "tests" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        blanked = TRANSLATED_BLOCKS.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)
        for number, line in enumerate(blanked.splitlines(), start=1):
            if CJK.search(line) and "{# i18n: literal" not in lines[number - 1]:
                yield f"{path.relative_to(root.parent)}:{number}: {lines[number - 1].strip()[:100]}"
