"""The in-memory organisation registry that every bulk write goes through (组织机构批量数据).

Popolo import, org-xlsx import and the demo city all build a :class:`RegistryData` and hand it
to :func:`zeren.org.actions.do_import_registry`. :func:`plan_registry` checks it as a whole
against what the database already holds — before anything is written — and names each problem
by where it came from (a JSON path, or a sheet, row and column), through the data's ``locate``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from zeren.audit.rules import canonical_json
from zeren.core.importing import MAX_LISTED
from zeren.org.models import Gender, Level, Rank, Unit, UnitKind
from zeren.org.rules import infer_kind, infer_level, valid_code

MAX_PROBLEMS = MAX_LISTED  # listed; the rest are counted


@dataclass
class UnitRow:
    code: str
    name: str
    parent_code: str | None = None
    kind: str | None = None  # None: inferred from ``classification``
    classification: str = ""
    level: str | None = None  # None: inferred from the tree
    name_en: str = ""
    short_name: str = ""
    functions: list[str] = field(default_factory=list)
    valid_from: date | None = None
    valid_until: date | None = None
    sort_order: int = 0
    population: int | None = None  # None: not given, the recorded figure is kept
    origin: str = field(default="", compare=False)


@dataclass
class PostRow:
    code: str
    unit_code: str
    label: str
    rank: str = Rank.STAFF
    is_leading: bool = False
    valid_from: date | None = None
    valid_until: date | None = None
    origin: str = field(default="", compare=False)


@dataclass
class PersonRow:
    code: str
    name: str
    gender: str = ""
    birth_date: date | None = None
    email: str = ""
    phone: str = ""
    id_number: str = ""
    origin: str = field(default="", compare=False)


@dataclass
class MembershipRow:
    person_code: str
    post_code: str
    start_date: date | None = None
    end_date: date | None = None
    unit_code: str | None = None  # when given, must be the post's unit
    origin: str = field(default="", compare=False)


def default_locate(origin: str, field_name: str) -> str:
    return f"{origin}.{field_name}" if origin else field_name


@dataclass
class RegistryData:
    """Units, posts, persons and memberships to upsert by code, with how to name their origin."""

    units: list[UnitRow] = field(default_factory=list)
    posts: list[PostRow] = field(default_factory=list)
    persons: list[PersonRow] = field(default_factory=list)
    memberships: list[MembershipRow] = field(default_factory=list)
    # (row origin, our field name) -> how the source names that place, e.g. "organizations[3].parent_id".
    locate: Callable[[str, str], str] = default_locate
    # (place, message) of the problems found while reading the file (a bad cell), listed with the plan's.
    problems: list[tuple[str, str]] = field(default_factory=list)

    def canonical(self) -> dict[str, list[dict]]:
        """The rows as plain data, sorted by key and without origins: what the digest covers."""
        def rows(items: list, key: Callable) -> list[dict]:
            if not items:
                return []
            names = [f.name for f in fields(items[0]) if f.name != "origin"]  # shallow: asdict deep-copies
            return [{name: getattr(item, name) for name in names} for item in sorted(items, key=key)]

        return {
            "units": rows(self.units, lambda r: r.code),
            "posts": rows(self.posts, lambda r: r.code),
            "persons": rows(self.persons, lambda r: r.code),
            "memberships": rows(self.memberships, lambda r: (r.person_code, r.post_code, str(r.start_date))),
        }

    def digest(self) -> str:
        """SHA-256 of the canonical JSON of :meth:`canonical` (the audit entry carries it)."""
        return hashlib.sha256(canonical_json(self.canonical()).encode("utf-8")).hexdigest()


class RegistryError(Exception):
    """The data cannot be imported; ``problems`` name each place (``where：reason``, in the UI language)."""

    def __init__(self, problems: list[str], source: str = ""):
        self.problems = problems
        self.source = source
        lines = [f"{source} {p}" if source else p for p in problems[:MAX_PROBLEMS]]
        if len(problems) > MAX_PROBLEMS:
            lines.append(_("……另有 %(n)s 处错误") % {"n": len(problems) - MAX_PROBLEMS})
        super().__init__("\n".join(lines))


@dataclass(frozen=True)
class PlannedUnit:
    kind: str
    level: str
    parent_code: str | None
    path: str


@dataclass
class Plan:
    """The checked result: every unit's final kind, level, parent and path (the file's and the database's)."""

    units: dict[str, PlannedUnit]


def _date_range_ok(start: date | None, end: date | None) -> bool:
    return start is None or end is None or end >= start


class _Checker:
    """Every problem of the data, in one pass, at most one per place (a cell already found bad while the
    file was read is not reported again by the plan)."""

    def __init__(self, data: RegistryData):
        self.data = data
        self.problems: list[str] = []
        self.places: set[str] = set()
        for place, reason in data.problems:
            self.at(place, reason)

    def at(self, place: str, reason: str) -> None:
        if place not in self.places:
            self.places.add(place)
            self.problems.append(_("%(place)s：%(message)s") % {"place": place, "message": reason})

    def add(self, origin: str, field_name: str, reason: str) -> None:
        self.at(self.data.locate(origin, field_name), reason)

    def code(self, row, field_name: str, value: str, seen: set[str], what: str) -> None:
        if not value or not valid_code(value):
            self.add(row.origin, field_name, _("%(what)s代码 %(value)r 为空，或含有字母、数字、“-”“_”“.”以外的字符") % {
                "what": what, "value": value})
        elif value in seen:
            self.add(row.origin, field_name, _("%(what)s代码 %(value)r 重复") % {"what": what, "value": value})
        seen.add(value)


def plan_registry(
    data: RegistryData,
    existing_units: dict[str, PlannedUnit],
    existing_posts: dict[str, str],
    existing_persons: set[str],
) -> Plan:
    """Check ``data`` as a whole against the database's units (code → planned unit), posts
    (code → unit code) and person codes; return the plan or raise :class:`RegistryError`."""
    check = _Checker(data)
    rows = _check_units(check, data)
    units = _plan_tree(check, rows, existing_units)
    post_units = dict(existing_posts)
    seen: set[str] = set()
    for row in data.posts:
        check.code(row, "code", row.code, seen, pgettext("registry record", "职位"))
        if row.unit_code not in units:
            check.add(row.origin, "unit_code", _("未知的单位代码 %(code)r") % {"code": row.unit_code})
        if not row.label.strip():
            check.add(row.origin, "label", _("职位名称为空"))
        if row.rank not in Rank.values:
            check.add(row.origin, "rank", _("未知职级 %(value)r（可选 %(allowed)s）") % {"value": row.rank,
                                                                              "allowed": ", ".join(Rank.values)})
        if not _date_range_ok(row.valid_from, row.valid_until):
            check.add(row.origin, "valid_until", _("结束早于开始"))
        post_units[row.code] = row.unit_code
    persons = set(existing_persons)
    seen = set()
    for row in data.persons:
        check.code(row, "code", row.code, seen, pgettext("registry record", "人员"))
        if not row.name.strip():
            check.add(row.origin, "name", _("名称为空"))
        if row.gender not in ("", *Gender.values):
            check.add(row.origin, "gender", _("未知性别 %(value)r（male、female 或留空）") % {"value": row.gender})
        persons.add(row.code)
    keys: set[tuple] = set()
    for row in data.memberships:
        if row.person_code not in persons:
            check.add(row.origin, "person_code", _("未知的人员编号 %(code)r") % {"code": row.person_code})
        if row.post_code not in post_units:
            check.add(row.origin, "post_code", _("未知的职位代码 %(code)r") % {"code": row.post_code})
        elif row.unit_code and row.unit_code != post_units[row.post_code]:
            check.add(row.origin, "unit_code", _("职位 %(post)r 属于单位 %(unit)r，不是 %(given)r") % {
                "post": row.post_code, "unit": post_units[row.post_code], "given": row.unit_code})
        if not _date_range_ok(row.start_date, row.end_date):
            check.add(row.origin, "end_date", _("结束早于开始"))
        key = (row.person_code, row.post_code, row.start_date)
        if key in keys:
            check.add(row.origin, "start_date", _("文件中同一人员已自该日起担任此职位"))
        keys.add(key)
    if check.problems:
        raise RegistryError(check.problems)
    return Plan(units=units)


def _check_units(check: _Checker, data: RegistryData) -> dict[str, UnitRow]:
    seen: set[str] = set()
    rows: dict[str, UnitRow] = {}
    for row in data.units:
        check.code(row, "code", row.code, seen, pgettext("registry record", "单位"))
        if not row.name.strip():
            check.add(row.origin, "name", _("名称为空"))
        if row.kind is not None and row.kind not in UnitKind.values:
            check.add(row.origin, "kind", _("未知类别 %(value)r（可选 %(allowed)s）") % {"value": row.kind,
                                                                             "allowed": ", ".join(UnitKind.values)})
        if row.level is not None and row.level not in Level.values:
            check.add(row.origin, "level", _("未知层级 %(value)r（可选 %(allowed)s）") % {"value": row.level,
                                                                               "allowed": ", ".join(Level.values)})
        if row.parent_code == row.code:
            check.add(row.origin, "parent_code", _("单位不能是自己的上级"))
        if not _date_range_ok(row.valid_from, row.valid_until):
            check.add(row.origin, "valid_until", _("结束早于开始"))
        rows[row.code] = row
    return rows


def _plan_tree(check: _Checker, rows: dict[str, UnitRow], existing: dict[str, PlannedUnit]) -> dict[str, PlannedUnit]:
    """Parents, paths and levels of the merged tree, top-down; reports unknown parents and cycles."""
    parents = {code: unit.parent_code for code, unit in existing.items()}
    parents.update({code: row.parent_code or None for code, row in rows.items()})
    for code, row in rows.items():
        if row.parent_code and row.parent_code not in parents:
            check.add(row.origin, "parent_code", _("未知的上级单位代码 %(code)r") % {"code": row.parent_code})
            parents[code] = None
    planned: dict[str, PlannedUnit] = {}

    def plan(code: str, trail: tuple[str, ...]) -> PlannedUnit | None:
        if code in planned:
            return planned[code]
        if code in trail:
            return None
        parent_code = parents[code]
        parent = plan(parent_code, (*trail, code)) if parent_code else None
        if parent_code and parent is None:
            return None
        row = rows.get(code)
        if row is None:
            old = existing[code]
            kind, level = old.kind, old.level
        else:
            kind = row.kind or infer_kind(row.classification or row.name)
            level = row.level or infer_level(kind, _ancestors(parent_code, planned))
        planned[code] = PlannedUnit(kind, level, parent_code, Unit.path_for(code, parent.path if parent else None))
        return planned[code]

    for code in parents:
        if plan(code, ()) is None and code in rows and (parents[code] is not None):
            check.add(rows[code].origin, "parent_code", _("%(code)r 的上级链条成环") % {"code": code})
    return planned


def _ancestors(code: str | None, planned: dict[str, PlannedUnit]) -> list[tuple[str, str]]:
    out = []
    while code:
        unit = planned[code]
        out.append((unit.kind, unit.level))
        code = unit.parent_code
    return out
