"""Pure rules of the organisation registry (组织机构): kinds, levels and paths of units.

No database here. The level rules follow the three tiers of government powers named in the
seed (市/区/街道事权): a city government (市人民政府) sits at the root, district governments
(区人民政府) under it, street offices (街道办事处) are the agencies of a district government;
every other body works at the level of the government it belongs to (三定方案: a department
and its internal divisions share their government's level).
"""

from __future__ import annotations

import re
from typing import Any

from django.db.models import TextChoices
from django.utils import translation

from zeren.org.models import Level, UnitKind

# Units codes: letters, digits, "-", "_" and "." (they appear in paths between "/").
CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")

# Checked in this order: the first keyword found in the classification text decides the kind.
KIND_KEYWORDS: list[tuple[tuple[str, ...], str]] = [
    (("街道", "street"), UnitKind.STREET_OFFICE),
    (("人民代表大会", "人大", "congress"), UnitKind.PEOPLES_CONGRESS),
    (("政协", "政治协商", "cppcc"), UnitKind.CPPCC),
    (("监察", "supervision"), UnitKind.SUPERVISION),
    (("绩效", "performance"), UnitKind.PERFORMANCE_OFFICE),
    (("人民政府", "government"), UnitKind.GOVERNMENT),
    (("内设机构", "division", "处室", "科室"), UnitKind.DIVISION),
    (("事业单位", "public institution", "public_institution"), UnitKind.PUBLIC_INSTITUTION),
]

# Bodies that set the level of everything under them.
GOVERNING_KINDS = frozenset({UnitKind.GOVERNMENT, UnitKind.STREET_OFFICE})


def valid_code(code: str) -> bool:
    """A unit, post or person code (单位代码/职位代码/人员编号) fits in a path segment."""
    return bool(CODE_RE.match(code))


def chinese_labels(choices: type[TextChoices]) -> dict[str, str]:
    """``{中文标签: value}`` of a choices class, whatever language is active (imports read Chinese)."""
    with translation.override("zh-hans"):
        return {str(label): value for value, label in choices.choices}


def infer_kind(classification: str | None) -> str:
    """The unit kind (单位类别) named by a Popolo ``classification`` or a spreadsheet's 类别 cell.

    A known kind value (``government``, ``division``…) or its Chinese label is taken as is;
    otherwise keywords decide (街道 → street office, 人民政府 → government, 内设机构 → division…),
    and anything else is a government department (政府工作部门).
    """
    text = (classification or "").strip()
    if text in UnitKind.values:
        return text
    if text in (labels := chinese_labels(UnitKind)):
        return labels[text]
    lowered = text.lower()
    for keywords, kind in KIND_KEYWORDS:
        if any(k in lowered for k in keywords):
            return kind
    return UnitKind.DEPARTMENT


def infer_level(kind: str, ancestors: list[tuple[str, str]]) -> str:
    """The level (层级) of a unit of ``kind`` whose ancestors, nearest first, are ``(kind, level)``.

    A root government is the city (市); a government under a government is a district (区); a
    street office is a street (街道); any other unit takes the level of its nearest governing
    ancestor (government or street office), and the city level when it has none.
    """
    if kind == UnitKind.STREET_OFFICE:
        return Level.STREET
    governing = [level for k, level in ancestors if k in GOVERNING_KINDS]
    if kind == UnitKind.GOVERNMENT:
        return Level.DISTRICT if governing else Level.CITY
    return governing[0] if governing else Level.CITY



# A unit name's sort key (拼音排序): for every character, its pinyin without tone padded to SYLLABLE
# letters, then its code point in CODE_POINT hex digits — 市 (shi4) and 是 (shi4) sound alike, and the
# code point keeps them apart, so that all the names starting with 市 stay together. Only [0-9a-z] and a
# fixed width per character, so that the key sorts the same under SQLite's binary comparison and under
# any PostgreSQL collation (a locale's collation skips spaces and punctuation, which a separator would need).
SYLLABLE = 6  # the longest pinyin syllables: zhuang, chuang, shuang
CODE_POINT = 6  # hex digits of U+10FFFF
KEY_WIDTH = SYLLABLE + CODE_POINT
_NOT_PINYIN = "\0"
_LETTERS = re.compile(r"[^a-z]")


def _not_pinyin(chars: str) -> Any:
    """pypinyin's ``errors`` callback: one marked item per character without pinyin (pypinyin documents a
    list as a callback's answer; its type hints say a text)."""
    return [_NOT_PINYIN + c for c in chars]


def _readings(text: str) -> list[str]:
    """The toneless pinyin of each character of ``text``, read by phrases; marked ones for the others."""
    from pypinyin import Style, lazy_pinyin  # imported on first use: its dictionaries take ~0.3 s to load

    return lazy_pinyin(text, style=Style.NORMAL, errors=_not_pinyin)


def name_sort_key(name: str) -> str:
    """The sort key of a unit's Chinese name (名称排序码) in pinyin order, as Chinese government directories
    list units (按汉语拼音排序): character by character, by toneless pinyin, then by the character itself.

    pypinyin reads the name by phrases, so a polyphonic character takes its reading in the phrase it is
    in when pypinyin's phrase dictionary knows it (银行 yin hang, 行政 xing zheng, 长沙 chang sha,
    重庆 chong qing), else its most common reading. A character without pinyin (a digit, a Latin
    letter, a bracket) sorts before every Chinese character, by its (lower-case) code point — so
    ``12345热线`` comes first and ``A区`` before ``B区``.
    """
    syllables = _readings(name)
    if len(syllables) != len(name):  # not expected (one reading per character); never mis-pair them
        syllables = [_readings(char)[0] for char in name]
    parts = []
    for char, syllable in zip(name, syllables, strict=True):
        if syllable.startswith(_NOT_PINYIN):
            lower = char.lower()
            parts.append("0" * SYLLABLE + f"{ord(lower if len(lower) == 1 else char):0{CODE_POINT}x}")
        else:
            letters = _LETTERS.sub("", syllable.lower())[:SYLLABLE]
            parts.append(letters.ljust(SYLLABLE, "0") + f"{ord(char):0{CODE_POINT}x}")
    return "".join(parts)
