import json

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from zeren.audit.models import AuditEntry
from zeren.supervision.models import ApprovalItem

pytestmark = pytest.mark.django_db

ITEMS = [
    {"code": "SCJG-001", "name": "企业设立登记", "unit_code": "SZ-SCJG", "duty_code": "SZ-SCJG-0001",
     "statutory_days": 20, "promised_days": 5, "required_steps": ["review", "approve"]},
    {"code": "ZJ-001", "name": "建筑工程施工许可", "unit_code": "SZ-ZJ", "duty_code": "SZ-ZJ-0001",
     "statutory_days": 15, "promised_days": 7, "yellow_threshold_days": 3, "fee_standard": "120.50"},
]


@pytest.fixture
def tree(tree):
    """The small tree, and the 权责清单 items approval items name: two 行政许可 items, a 行政处罚 item
    and a cancelled licence."""
    from datetime import date

    from zeren.duties.actions import do_get_or_create_batch, do_remove_items
    from zeren.duties.tests.factories import content, load

    load([content("SZ-SCJG-0001", "企业设立登记", ["SZ-SCJG"]), content("SZ-ZJ-0001", "建筑工程施工许可", ["SZ-ZJ"]),
          content("SZ-SCJG-0002", "对无照经营的处罚", ["SZ-SCJG"], category="行政处罚"),
          content("SZ-SCJG-0003", "食品小作坊登记", ["SZ-SCJG"])])
    do_remove_items(actor=None, codes=["SZ-SCJG-0003"], reason="取消",
                    batch=do_get_or_create_batch(actor=None, name="取消", day=date(2026, 2, 1)))
    return tree


def test_json_then_yaml_upsert(tree, tmp_path, capsys):
    path = tmp_path / "items.json"
    path.write_text(json.dumps(ITEMS, ensure_ascii=False), encoding="utf-8")
    call_command("supervision", "load-items", str(path))
    assert "2 created, 0 updated" in capsys.readouterr().out
    item = ApprovalItem.objects.get(code="ZJ-001")
    assert (item.yellow_threshold_days, str(item.fee_standard), item.unit.code) == (3, "120.50", "SZ-ZJ")
    assert ApprovalItem.objects.get(code="SCJG-001").yellow_threshold_days == 2
    changed = [dict(ITEMS[0], promised_days=8), ITEMS[1]]
    ypath = tmp_path / "items.yaml"
    ypath.write_text(yaml.safe_dump(changed, allow_unicode=True), encoding="utf-8")
    call_command("supervision", "load-items", str(ypath))
    assert "0 created, 1 updated" in capsys.readouterr().out
    assert ApprovalItem.objects.get(code="SCJG-001").promised_days == 8
    assert AuditEntry.objects.filter(action="supervision.load_item").count() == 3


def test_bad_rows_load_nothing_and_name_row_and_field(tree, tmp_path, capsys):
    bad = [ITEMS[0], {**ITEMS[1], "promised_days": 30}, {**ITEMS[1], "code": "X", "unit_code": "NOPE"},
           {"code": "Y", "name": "缺时限", "unit_code": "SZ-ZJ"}]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(CommandError, match="nothing was loaded"):
        call_command("supervision", "load-items", str(path))
    err = capsys.readouterr().err
    assert "bad.json row 2 field promised_days" in err
    assert "bad.json row 3 field unit_code" in err
    assert "bad.json row 4 field statutory_days: missing" in err
    assert not ApprovalItem.objects.exists()


def test_excel(tree, tmp_path, capsys):
    book = Workbook()
    sheet = book.active
    sheet.append(["code", "name", "unit_code", "duty_code", "statutory_days", "promised_days", "fee_standard",
                  "required_steps", "step_limits"])
    sheet.append(["SCJG-002", "食品生产许可", "SZ-SCJG", "SZ-SCJG-0001", 20, 10, 0, "review, inspect, approve",
                  "inspect:5"])
    path = tmp_path / "items.xlsx"
    book.save(path)
    call_command("supervision", "load-items", str(path))
    item = ApprovalItem.objects.get(code="SCJG-002")
    assert item.required_steps == ["review", "inspect", "approve"] and item.step_limits == {"inspect": 5}


def test_simulate_writes_events_that_ingest_cleanly(tree, tmp_path):
    from zeren.supervision.actions import ingest_file

    path = tmp_path / "items.json"
    path.write_text(json.dumps(ITEMS, ensure_ascii=False), encoding="utf-8")
    call_command("supervision", "load-items", str(path))
    out = tmp_path / "events.jsonl"
    call_command("simulate", "approvals", "--days", "30", "--per-day", "5", "--violations", "0.5",
                 "--end", "2026-11-27", "--output", str(out))
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) > 100
    result = ingest_file(out)
    assert result.rejected == 0 and result.accepted == len(lines)


def test_each_item_names_a_licensing_item_of_the_catalogue(tree, tmp_path, capsys):
    """load-items refuses an approval item whose 权责清单 item is missing, unknown, not a 行政许可 item or
    cancelled, naming file, row and field, and loads nothing."""
    rows = [{**ITEMS[0], "duty_code": ""}, {**ITEMS[0], "code": "A2", "duty_code": "SZ-NOPE-9"},
            {**ITEMS[0], "code": "A3", "duty_code": "SZ-SCJG-0002"}, {**ITEMS[0], "code": "A4", "duty_code": "SZ-SCJG-0003"},
            ITEMS[1]]
    path = tmp_path / "linked.json"
    path.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(CommandError, match="nothing was loaded"):
        call_command("supervision", "load-items", str(path))
    err = capsys.readouterr().err
    assert "linked.json row 1 field duty_code: missing" in err
    assert "linked.json row 2 field duty_code: no item 'SZ-NOPE-9' in the 权责清单" in err
    assert "linked.json row 3 field duty_code: 'SZ-SCJG-0002' is a penalty item" in err
    assert "linked.json row 4 field duty_code: 'SZ-SCJG-0003' was cancelled" in err
    assert "row 5" not in err and not ApprovalItem.objects.exists()
