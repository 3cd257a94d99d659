"""The registry as Popolo JSON (http://www.popoloproject.com/): to and from one object with the
arrays ``organizations``, ``persons``, ``posts`` and ``memberships``, as EveryPolitician's files.

zeren's extras travel in ``classification`` (the unit kind) and documented extra keys (see
docs/popolo.md): organizations ``level``, ``functions``, ``sort_order``, ``population``, ``other_names`` notes
``name_en``/``short_name``; posts ``rank``, ``is_leading``. Phone numbers and ID numbers are
protected personal data (个人信息) and leave only with ``include_personal``.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from zeren.org.models import MAX_POPULATION, Membership, Person, Post, Unit
from zeren.org.registry import MembershipRow, PersonRow, PostRow, RegistryData, RegistryError, UnitRow

ID_SCHEME = "cn_resident_id"  # identifiers[].scheme of the 身份证号 (only with include_personal)
PHONE_TYPE = "voice"
DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?(?:T.*)?$")

# Our field names → the Popolo key that carries them, per array (for error messages).
FIELD_KEYS = {
    "organizations": {"code": "id", "parent_code": "parent_id", "kind": "classification", "valid_from": "founding_date",
                      "valid_until": "dissolution_date", "name_en": "other_names", "short_name": "other_names"},
    "persons": {"code": "id"},
    "posts": {"code": "id", "unit_code": "organization_id", "valid_from": "start_date", "valid_until": "end_date"},
    "memberships": {"person_code": "person_id", "post_code": "post_id", "unit_code": "organization_id"},
}


def locate(origin: str, field_name: str) -> str:
    """``organizations[3]`` + ``parent_code`` → ``organizations[3].parent_id``."""
    array = origin.split("[", 1)[0]
    return f"{origin}.{FIELD_KEYS.get(array, {}).get(field_name, field_name)}"


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _compact(obj: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in obj.items() if v not in (None, "", [])}


def to_popolo(*, include_personal: bool = False) -> dict[str, list[dict[str, Any]]]:
    """The whole registry as one Popolo document (ordered by unit path and code, so it diffs well)."""
    codes = dict(Unit.objects.values_list("id", "code"))
    organizations = []
    for u in Unit.objects.order_by("path").values():
        other_names = [{"name": u[key], "note": key} for key in ("name_en", "short_name") if u[key]]
        organizations.append(_compact({
            "id": u["code"], "name": u["name"], "classification": u["kind"],
            "parent_id": codes.get(u["parent_id"]), "founding_date": _iso(u["valid_from"]),
            "dissolution_date": _iso(u["valid_until"]), "other_names": other_names,
            "level": u["level"], "functions": u["functions"],
        }) | ({"sort_order": u["sort_order"]} if u["sort_order"] else {})
            | ({"population": u["population"]} if u["population"] is not None else {}))
    persons = []
    for p in Person.objects.order_by("code").values():
        person = _compact({"id": p["code"], "name": p["name"], "gender": p["gender"],
                           "birth_date": _iso(p["birth_date"]), "email": p["email"]})
        if include_personal:
            person.update(_compact({
                "contact_details": [{"type": PHONE_TYPE, "value": p["phone"]}] if p["phone"] else [],
                "identifiers": [{"scheme": ID_SCHEME, "identifier": p["id_number"]}] if p["id_number"] else [],
            }))
        persons.append(person)
    posts = [
        _compact({"id": p["code"], "label": p["label"], "organization_id": codes[p["unit_id"]],
                  "start_date": _iso(p["valid_from"]), "end_date": _iso(p["valid_until"]), "rank": p["rank"]})
        | {"is_leading": p["is_leading"]}
        for p in Post.objects.order_by("code").values()
    ]
    memberships = [
        _compact({"person_id": m["person__code"], "post_id": m["post__code"], "organization_id": codes[m["unit_id"]],
                  "start_date": _iso(m["start_date"]), "end_date": _iso(m["end_date"])})
        for m in Membership.objects.order_by("post__code", "start_date", "person__code").values(
            "person__code", "post__code", "unit_id", "start_date", "end_date")
    ]
    return {"organizations": organizations, "persons": persons, "posts": posts, "memberships": memberships}


class _Reader:
    """Reads one Popolo document, collecting every structural problem with its JSON path."""

    def __init__(self) -> None:
        self.problems: list[tuple[str, str]] = []  # (JSON path, message)

    def text(self, obj: dict, where: str, key: str, *, required: bool = False) -> str:
        value = obj.get(key)
        if value is None:
            if required:
                self.problems.append((f"{where}.{key}", _("必填")))
            return ""
        if not isinstance(value, str):
            self.problems.append((f"{where}.{key}", _("须为字符串，不是 %(type)s") % {"type": type(value).__name__}))
            return ""
        return value.strip()

    def day(self, obj: dict, where: str, key: str) -> date | None:
        value = self.text(obj, where, key)
        if not value:
            return None
        match = DATE_RE.match(value)
        try:
            if not match:
                raise ValueError
            year, month, day = match.groups()
            return date(int(year), int(month or 1), int(day or 1))
        except ValueError:
            self.problems.append((f"{where}.{key}", _("%(value)r 不是日期（YYYY-MM-DD）") % {"value": value}))
            return None

    def objects(self, doc: dict, key: str) -> list[tuple[str, dict]]:
        items = doc.get(key, [])
        if not isinstance(items, list):
            self.problems.append((key, _("须为数组")))
            return []
        out = []
        for i, item in enumerate(items):
            if isinstance(item, dict):
                out.append((f"{key}[{i}]", item))
            else:
                self.problems.append((f"{key}[{i}]", _("须为对象")))
        return out


def from_popolo(doc: Any, source: str = "") -> RegistryData:
    """A :class:`RegistryData` from a Popolo document; the structural problems, each with its JSON path and
    field, are kept in its ``problems`` and listed with the plan's (a document that is no object raises
    :class:`RegistryError`). Partial dates (``1998``, ``1998-07``) mean the first day."""
    if not isinstance(doc, dict):
        raise RegistryError([_("$：文档须为 JSON 对象，含数组 organizations、persons、posts、memberships")], source)
    read = _Reader()
    data = RegistryData(locate=locate)
    for where, o in read.objects(doc, "organizations"):
        names = {n.get("note"): n.get("name", "") for n in o.get("other_names") or [] if isinstance(n, dict)}
        functions = o.get("functions") or []
        if not isinstance(functions, list) or not all(isinstance(f, str) for f in functions):
            read.problems.append((f"{where}.functions", _("须为字符串数组")))
            functions = []
        sort_order = o.get("sort_order", 0)
        if not isinstance(sort_order, int) or isinstance(sort_order, bool):
            read.problems.append((f"{where}.sort_order", _("须为整数")))
            sort_order = 0
        population = o.get("population")
        if population is not None and (not isinstance(population, int) or isinstance(population, bool)
                                       or not 0 <= population <= MAX_POPULATION):
            read.problems.append((f"{where}.population", _("须为人数（0 至 %(max)s 的整数）") % {"max": f"{MAX_POPULATION:,}"}))
            population = None
        data.units.append(UnitRow(
            code=read.text(o, where, "id", required=True), name=read.text(o, where, "name", required=True),
            parent_code=read.text(o, where, "parent_id") or None, classification=read.text(o, where, "classification"),
            level=read.text(o, where, "level") or None, name_en=names.get("name_en", ""),
            short_name=names.get("short_name", ""), functions=functions,
            valid_from=read.day(o, where, "founding_date"), valid_until=read.day(o, where, "dissolution_date"),
            sort_order=sort_order, population=population, origin=where))
    for where, p in read.objects(doc, "persons"):
        phones = [c.get("value", "") for c in p.get("contact_details") or []
                  if isinstance(c, dict) and c.get("type") == PHONE_TYPE]
        ids = [i.get("identifier", "") for i in p.get("identifiers") or []
               if isinstance(i, dict) and i.get("scheme") == ID_SCHEME]
        data.persons.append(PersonRow(
            code=read.text(p, where, "id", required=True), name=read.text(p, where, "name", required=True),
            gender=read.text(p, where, "gender"), birth_date=read.day(p, where, "birth_date"),
            email=read.text(p, where, "email"), phone=phones[0] if phones else "", id_number=ids[0] if ids else "",
            origin=where))
    for where, p in read.objects(doc, "posts"):
        leading = p.get("is_leading", False)
        if not isinstance(leading, bool):
            read.problems.append((f"{where}.is_leading", _("须为 true 或 false")))
        data.posts.append(PostRow(
            code=read.text(p, where, "id", required=True), unit_code=read.text(p, where, "organization_id", required=True),
            label=read.text(p, where, "label", required=True), rank=read.text(p, where, "rank") or "staff",
            is_leading=leading is True, valid_from=read.day(p, where, "start_date"),
            valid_until=read.day(p, where, "end_date"), origin=where))
    for where, m in read.objects(doc, "memberships"):
        data.memberships.append(MembershipRow(
            person_code=read.text(m, where, "person_id", required=True),
            post_code=read.text(m, where, "post_id", required=True),
            unit_code=read.text(m, where, "organization_id") or None,
            start_date=read.day(m, where, "start_date"), end_date=read.day(m, where, "end_date"), origin=where))
    data.problems = read.problems  # listed with the plan's, every one (zeren.org.registry.plan_registry)
    return data
