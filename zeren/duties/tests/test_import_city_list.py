"""Issue 12 item 2 acceptance: ``zeren duties import`` of a city's and ten districts' 50,000-item JSON list,
larger than the web upload limit (20 MB), from the command line."""

from __future__ import annotations

import json
import time
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from zeren.duties.models import FunctionItem, ItemResponsibility, ItemVersion, ReformBatch
from zeren.duties.tests.factories import make_city

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

ITEMS = 50_000


def write_city_list(path: Path, units: list, count: int) -> None:
    """``count`` items over the departments of ``units``, shaped as the demo generator shapes them
    (:mod:`zeren.duties.generator`): each department's domain subject matters through the enforcement name
    templates (许可, 处罚, 监督检查, 查封扣押, 备案, 奖励…) and their sub-items (新办, 变更, 延续, 注销), the
    law and article as 设定依据, the category's responsibility matters and accountability situations.
    Written one item at a time, as a city's export would be."""
    from zeren.duties.generator import (
        DEFAULT_MATTERS,
        DOMAINS,
        ENFORCEMENT,
        MATTERS,
        SITUATIONS,
        SUB_ITEMS,
        chinese_number,
    )

    depts = [u for u in units if u.kind == "department"]
    per_dept = -(-count // len(depts))
    written = 0
    with path.open("w", encoding="utf-8") as out:
        out.write("[")
        for d, unit in enumerate(depts):
            _keys, area, objects = DOMAINS[d % len(DOMAINS)]
            for k in range(min(per_dept, count - written)):
                obj, law = objects[k % len(objects)]
                category, template, _paraphrase = ENFORCEMENT[k // len(objects) % len(ENFORCEMENT)]
                rounds = k // (len(objects) * len(ENFORCEMENT))
                name = template.format(o=obj, l=law.removeprefix("中华人民共和国"))
                if rounds:
                    name += f"（{SUB_ITEMS[(rounds - 1) % len(SUB_ITEMS)]}{'' if rounds <= 4 else rounds}）"
                item = {
                    "code": f"{unit.code}-{k:04d}", "name": name, "category": category, "area": area,
                    "level": unit.level,
                    "legal_basis": [{"law": law, "article": f"第{chinese_number(k % 120 + 1)}条",
                                     "text": f"{obj}应当依法办理。"}],
                    "lead_units": [unit.code], "assisting_units": [],
                    "responsibility_matters": MATTERS.get(category, DEFAULT_MATTERS)[:2],
                    "accountability_situations": SITUATIONS[:1], "parent": "",
                }
                out.write(("," if written else "") + json.dumps(item, ensure_ascii=False))
                written += 1
        out.write("]")


def test_the_command_imports_a_city_list_of_50000_items_over_20_mb(tmp_path):
    units = make_city(districts=10, depts_per_district=19, streets_per_district=0)
    path = tmp_path / "items.json"
    write_city_list(path, units, ITEMS)
    assert path.stat().st_size > 20 * 1024 * 1024  # over the web upload limit the issue hit

    out = StringIO()
    cpu = time.process_time()
    call_command("duties", "import", str(path), "--batch", "2026年权责清单", "--batch-date", "2026-06-01",
                 verbosity=0, stdout=out)
    cpu = time.process_time() - cpu
    print(f"zeren duties import: {ITEMS:,} items, {path.stat().st_size / 2**20:.1f} MB, {cpu:.1f} s of CPU")

    assert f"items.json: {ITEMS} 行" in out.getvalue() and "2026年权责清单" in out.getvalue()
    batch = ReformBatch.objects.get(name="2026年权责清单")
    assert FunctionItem.objects.filter(is_active=True).count() == ITEMS
    assert ItemVersion.objects.filter(batch=batch, ended_by__isnull=True).count() == ITEMS
    assert ItemResponsibility.objects.filter(role="lead").count() == ITEMS
    assert FunctionItem.objects.filter(category="licensing").count() > 4_000
    assert set(FunctionItem.objects.values_list("level", flat=True).distinct()) == {"city", "district"}
