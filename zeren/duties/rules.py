"""Pure rules of the function catalogue (权责清单): parsing, versions, diffs, overlap keys, level rules.

Legal sources:
- 中共中央办公厅 国务院办公厅《关于推行地方各级政府工作部门权责清单制度的指导意见》（中办发〔2015〕21号）:
  every power is listed with its legal basis (设定依据), implementing body (实施主体), responsibility
  matters (责任事项) and accountability situations (追责情形); overlapping powers are to be cleared up
  (理顺职责关系) and powers without responsibilities are not allowed (权责一致).
- 国务院《关于深化行政管理体制改革的意见》（2008）: the four government functions 经济调节、市场监管、社会管理、公共服务.
- 中共中央 国务院《关于加强基层治理体系和治理能力现代化建设的意见》（2021）: streets concentrate on public
  service, public management and public safety; their investment-promotion and economic tasks are cut
  back (the level rule table in ``data/level_rules.json``).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from typing import Any

from django.utils import translation

from zeren.duties.models import Area, Category, ChangeKind
from zeren.org.models import Level

# JSON import/export keys, in the order of the published column layout.
CONTENT_KEYS = (
    "code", "name", "category", "area", "level", "legal_basis", "lead_units", "assisting_units",
    "responsibility_matters", "accountability_situations", "parent",
)
LIST_SEPARATORS = re.compile(r"[、;；,，\n]+")
_NUMBERING = re.compile(r"^\s*(?:\d+|[一二三四五六七八九十]+)\s*[.、．）)]\s*")
_BASIS = re.compile(r"《(?P<law>[^》]+)》\s*(?P<article>(?:第[^：:《》\s]+?[条款项])*)\s*[：:]?\s*(?P<text>[^《]*)")


def parse_choice(value: Any, choices: type, field_label: str) -> str:
    """A choice given by its code (``licensing``), its Chinese label (行政许可) or its English label.

    The labels are read in both languages whatever the user's UI language, so a file means the
    same thing whoever imports it. ``ValueError`` otherwise, listing the Chinese labels.
    """
    text = str(value or "").strip()
    accepted: dict[str, str] = {}
    for language in ("en", "zh-hans"):
        with translation.override(language):
            accepted.update({str(label): code for code, label in choices.choices})
    accepted.update({code: code for code, _label in choices.choices})
    if text in accepted:
        return accepted[text]
    with translation.override("zh-hans"):
        allowed = "、".join(str(label) for _code, label in choices.choices)
    raise ValueError(f"{field_label}「{text}」不在允许值内（{allowed}）")


def parse_legal_basis(value: Any) -> list[dict[str, str]]:
    """设定依据 as a list of ``{law, article, text}``.

    Accepts the JSON form (a list of dicts or strings) or the published text form
    ``《中华人民共和国食品安全法》第三十五条：…``, several laws one after another.
    """
    if isinstance(value, list):
        out: list[dict[str, str]] = []
        for part in value:
            if isinstance(part, dict):
                out.append({"law": str(part.get("law", "")).strip(), "article": str(part.get("article", "")).strip(),
                            "text": str(part.get("text", "")).strip()})
            else:
                out.extend(parse_legal_basis(str(part)))
        return out
    text = str(value or "").strip()
    if not text:
        return []
    found = [
        {"law": m["law"].strip(), "article": m["article"].strip(), "text": m["text"].strip().rstrip("；;\n ")}
        for m in _BASIS.finditer(text)
    ]
    return found or [{"law": "", "article": "", "text": text}]


def format_legal_basis(basis: list[dict[str, str]]) -> str:
    """The text form of 设定依据, one law a line (the inverse of :func:`parse_legal_basis`)."""
    lines = []
    for b in basis:
        head = f"《{b['law']}》{b.get('article', '')}" if b.get("law") else ""
        text = b.get("text", "")
        lines.append(f"{head}：{text}" if head and text else head or text)
    return "\n".join(lines)


def parse_list(value: Any) -> list[str]:
    """A numbered multi-line cell (``1. 受理责任：…``) or a JSON list as a list of strings."""
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    lines = (_NUMBERING.sub("", line).strip() for line in str(value or "").splitlines())
    return [line for line in lines if line]


def format_list(values: list[str]) -> str:
    return "\n".join(f"{i}. {v}" for i, v in enumerate(values, 1))


def parse_codes(value: Any) -> list[str]:
    """Unit codes from a list or a cell separated by 、；, or new lines, order kept, duplicates dropped."""
    parts = value if isinstance(value, list) else LIST_SEPARATORS.split(str(value or ""))
    seen: dict[str, None] = {}
    for part in parts:
        if str(part).strip():
            seen.setdefault(str(part).strip(), None)
    return list(seen)


def item_content(row: dict[str, Any]) -> dict[str, Any]:
    """The canonical content of an item (the JSON export form), validated; ``ValueError`` names the field."""
    code = str(row.get("code") or "").strip()
    name = str(row.get("name") or "").strip()
    if not code:
        raise FieldError("code", "事项编码不能为空")
    if not name:
        raise FieldError("name", "事项名称不能为空")
    content = {"code": code, "name": name}
    for key, choices, label in (("category", Category, "事项类别"), ("area", Area, "职能领域"), ("level", Level, "层级")):
        try:
            content[key] = parse_choice(row.get(key), choices, label)
        except ValueError as exc:
            raise FieldError(key, str(exc)) from None
    content["legal_basis"] = parse_legal_basis(row.get("legal_basis"))
    content["lead_units"] = parse_codes(row.get("lead_units"))
    content["assisting_units"] = [c for c in parse_codes(row.get("assisting_units")) if c not in content["lead_units"]]
    content["responsibility_matters"] = parse_list(row.get("responsibility_matters"))
    content["accountability_situations"] = parse_list(row.get("accountability_situations"))
    content["parent"] = str(row.get("parent") or "").strip()
    if content["parent"] == code:
        raise FieldError("parent", "上级事项不能是事项本身")
    return content


class FieldError(ValueError):
    """A row value that is not acceptable, naming the field (JSON key)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def classify_change(before: dict[str, Any] | None, after: dict[str, Any] | None) -> str | None:
    """新增 / 取消 / 划转 (lead units changed) / 变更 (anything else); ``None`` if nothing changed."""
    if before is None and after is None:
        return None
    if before is None:
        return ChangeKind.ADDED
    if after is None:
        return ChangeKind.REMOVED
    if before == after:
        return None
    if sorted(before.get("lead_units", [])) != sorted(after.get("lead_units", [])):
        return ChangeKind.TRANSFERRED
    return ChangeKind.CHANGED


def diff_catalogues(old: dict[str, dict], new: dict[str, dict]) -> dict[str, list[dict[str, Any]]]:
    """What changed between two catalogue states (code → content): added, removed, transferred, changed.

    Each entry carries the code, both contents and, for changes, the keys that differ.
    """
    out: dict[str, list[dict[str, Any]]] = {k: [] for k in ("added", "removed", "transferred", "changed")}
    for code in sorted(set(old) | set(new)):
        before, after = old.get(code), new.get(code)
        kind = classify_change(before, after)
        if kind is None:
            continue
        fields = sorted(k for k in set(before or {}) | set(after or {}) if (before or {}).get(k) != (after or {}).get(k))
        out[str(kind)].append({"code": code, "before": before, "after": after, "fields": fields})
    return out


def government_path(path: str, kind_by_code: dict[str, str]) -> str:
    """The path of the government a unit belongs to (本级政府): its nearest ancestor-or-self that is a
    people's government or a street office. Overlap is judged among the units of one government."""
    codes = [c for c in path.strip("/").split("/") if c]
    for i in range(len(codes), 0, -1):
        if kind_by_code.get(codes[i - 1]) in ("government", "street_office"):
            return "/" + "/".join(codes[:i]) + "/"
    return "/" + (codes[0] + "/" if codes else "")


def comparable(gov_a: str, level_a: str, gov_b: str, level_b: str) -> bool:
    """Whether two units' items may overlap: same government, or a city department against a
    department of a district of that city (vertical, 上下级同责). Two districts never overlap —
    each district's market regulator holding the same powers is normal."""
    if gov_a == gov_b:
        return True
    levels = {level_a, level_b}
    if levels == {Level.CITY, Level.DISTRICT}:
        city, district = (gov_a, gov_b) if level_a == Level.CITY else (gov_b, gov_a)
        return district.startswith(city)
    return False


def matter_key(content: dict[str, Any]) -> tuple[str, tuple[tuple[str, str], ...]] | None:
    """Same legal basis and same action (多头执法): category plus the set of (law, article); ``None`` without a basis."""
    basis = tuple(sorted({(b["law"], b["article"]) for b in content.get("legal_basis", []) if b.get("law")}))
    if not basis:
        return None
    return content["category"], basis


def similarity_text(name: str, legal_basis: list[dict[str, str]]) -> str:
    """The text compared for near-duplicates: the name and the laws it rests on (articles are too generic)."""
    laws = " ".join(sorted({_short_law(b.get("law", "")) for b in legal_basis if b.get("law")}))
    return f"{name} {laws}".strip()


def _short_law(law: str) -> str:
    return law.removeprefix("中华人民共和国")


def highlight(a: str, b: str) -> tuple[list[tuple[str, bool]], list[tuple[str, bool]]]:
    """Both texts cut into ``(segment, matched)`` runs, for marking the matching parts of a pair."""
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    left: list[tuple[str, bool]] = []
    right: list[tuple[str, bool]] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        same = tag == "equal"
        if i2 > i1:
            left.append((a[i1:i2], same))
        if j2 > j1:
            right.append((b[j1:j2], same))
    return left, right


def rule_matches(rule: dict[str, Any], item: dict[str, Any], lead_levels: Iterable[str],
                 lead_kinds: Iterable[str]) -> bool:
    """Does a level rule (层级规则) fire for an item? A rule's ``when`` holds lists of allowed values for
    ``level`` / ``area`` / ``category`` of the item and ``lead_level`` / ``lead_kind`` of its lead units;
    every key given must match (for lead units: any one of them)."""
    when = rule.get("when", {})
    for key in ("level", "area", "category"):
        if key in when and item.get(key) not in when[key]:
            return False
    if "lead_level" in when and not set(lead_levels) & set(when["lead_level"]):
        return False
    if "lead_kind" in when and not set(lead_kinds) & set(when["lead_kind"]):
        return False
    # "level_differs_from_lead": fires only when some lead unit sits at another level than the item.
    return not (when.get("level_differs_from_lead") and not set(lead_levels) - {item.get("level")})
