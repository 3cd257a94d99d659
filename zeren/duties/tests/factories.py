"""Test data for the catalogue, written through the real actions."""

from __future__ import annotations

from datetime import date
from typing import Any

from zeren.duties.actions import do_get_or_create_batch, do_import_items
from zeren.duties.models import ReformBatch
from zeren.duties.rules import item_content


def content(code: str, name: str, lead: list[str], *, category: str = "行政许可", area: str = "市场监管",
            level: str = "city", basis: str = "《中华人民共和国食品安全法》第三十五条：国家对食品生产经营实行许可制度。",
            assisting: list[str] | None = None, matters: list[str] | None = None,
            situations: list[str] | None = None, parent: str = "") -> dict[str, Any]:
    return item_content({
        "code": code, "name": name, "category": category, "area": area, "level": level, "legal_basis": basis,
        "lead_units": lead, "assisting_units": assisting or [],
        "responsibility_matters": ["受理责任：依法受理申请"] if matters is None else matters,
        "accountability_situations": ["对符合法定条件的申请不予受理的"] if situations is None else situations,
        "parent": parent,
    })


def batch(name: str, day: date, doc: str = "") -> ReformBatch:
    return do_get_or_create_batch(actor=None, name=name, day=day, document_number=doc)


def load(contents: list[dict[str, Any]], name: str = "初始清单", day: date = date(2026, 1, 1)) -> ReformBatch:
    reform = batch(name, day)
    do_import_items(actor=None, contents=contents, batch=reform)
    return reform


def make_city(districts: int = 3, depts_per_district: int = 15, streets_per_district: int = 3) -> list:
    """A unit tree like the org demo's (from the generator's synthetic city), written to the database."""
    from zeren.duties.generator import synthetic_city
    from zeren.org.models import Unit

    gen = synthetic_city(districts, depts_per_district, streets_per_district)
    by_code: dict[str, Unit] = {}
    for g in gen:
        parent = by_code.get(g.path.strip("/").split("/")[-2]) if g.path.count("/") > 2 else None
        by_code[g.code] = Unit.objects.create(code=g.code, name=g.name, kind=g.kind, level=g.level, parent=parent,
                                              path=g.path, functions=["法定职责"] if g.kind != "government" else [])
    return gen
