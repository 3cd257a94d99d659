"""Zero untranslated strings: every shipped catalogue complete and compiled, every message marked in
the code and templates translated, no English message id in the Chinese UI, no bare Chinese in a
template (zeren.core.translations)."""

from __future__ import annotations

from pathlib import Path

import pytest

from zeren.core import translations

CATALOGUES = translations.catalogues()


def test_there_are_catalogues():
    assert len(CATALOGUES) >= 12 and all(p.parts[-3] == "en" for p in CATALOGUES)


def test_catalogues_are_complete_and_compiled():
    assert translations.catalogue_problems(CATALOGUES) == []


@pytest.fixture(scope="module")
def extracted():
    return translations.extract_messages()


def test_every_marked_message_is_translated(extracted):
    assert len(extracted) > 1000  # the extraction ran over the whole of zeren
    missing = translations.missing(extracted, CATALOGUES)
    assert [f"{e.msgid!r} ({', '.join(e.references[:2])})" for e in missing] == []


def test_no_catalogue_entry_is_left_unused(extracted):
    assert translations.unused(extracted, CATALOGUES) == []


def test_no_english_message_id_shows_in_the_chinese_ui(extracted):
    assert [f"{e.msgid!r} ({', '.join(e.references[:2])})" for e in translations.not_chinese(extracted)] == []


def test_templates_have_no_chinese_outside_translation_tags():
    assert list(translations.bare_template_text()) == []


def test_the_checks_catch_what_they_look_for(tmp_path: Path):
    """The parser and checks on a catalogue with one of each fault."""
    po = tmp_path / "en" / "LC_MESSAGES" / "django.po"
    po.parent.mkdir(parents=True)
    po.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                  'msgid "好"\nmsgstr "Good"\n\n#, fuzzy\nmsgid "坏"\nmsgstr "Bad"\n\n'
                  'msgid "空"\nmsgstr ""\n\nmsgctxt "status"\nmsgid "已完成"\nmsgstr ""\n"Comp"\n"leted"\n\n'
                  'msgid "%(n)s 项"\nmsgid_plural "%(n)s 项"\nmsgstr[0] "%(n)s item"\nmsgstr[1] ""\n\n'
                  '#~ msgid "旧"\n#~ msgstr ""\n', encoding="utf-8")
    entries = translations.read_po(po)
    assert {e.key: e.translated for e in entries} == {
        (None, "好"): True, (None, "坏"): True, (None, "空"): False, ("status", "已完成"): True,
        (None, "%(n)s 项"): False, (None, "旧"): False}
    assert entries[3].msgstr == {0: "Completed"} and entries[-1].obsolete
    problems = translations.catalogue_problems([po])
    assert any("fuzzy: '坏'" in p for p in problems) and any("untranslated: '空'" in p for p in problems)
    assert any("untranslated: '%(n)s 项'" in p for p in problems) and any("django.mo: missing" in p for p in problems)
    assert not any("旧" in p for p in problems)
    english = translations.Entry(msgid="Approved")
    assert translations.not_chinese([english, translations.Entry(msgid="%(n)s · PDF")]) == [english]
