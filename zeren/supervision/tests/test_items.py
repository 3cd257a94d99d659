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
    with pytest.raises(CommandError, match="未写入任何数据") as info:
        call_command("supervision", "load-items", str(path))
    err = str(info.value)
    assert "bad.json 第 2 行「promised_days」：承诺时限 30 超过法定时限 15" in err
    assert "bad.json 第 3 行「unit_code」：未知单位 'NOPE'" in err
    assert "bad.json 第 4 行「statutory_days」：必填" in err and "bad.json 第 4 行「duty_code」：必填" in err
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
    with pytest.raises(CommandError, match="未写入任何数据") as info:
        call_command("supervision", "load-items", str(path))
    err = str(info.value)
    assert "linked.json 第 1 行「duty_code」：必填" in err
    assert "linked.json 第 2 行「duty_code」：权责清单中没有事项 'SZ-NOPE-9'" in err
    assert "linked.json 第 3 行「duty_code」：'SZ-SCJG-0002' 是权责清单中的行政处罚事项，不是行政许可" in err
    assert "linked.json 第 4 行「duty_code」：'SZ-SCJG-0003' 已在权责清单中取消" in err
    assert "第 5 行" not in err and not ApprovalItem.objects.exists()


def test_every_problem_of_an_item_sheet_at_once(tree, tmp_path):
    """Issue 12 item 5: per-field errors of a row, a formula and a code used twice, in one run, in Chinese and,
    with the English UI, in English."""
    from django.utils import translation

    book = Workbook()
    sheet = book.active
    sheet.append(["code", "name", "unit_code", "duty_code", "statutory_days", "promised_days"])
    sheet.append(["A1", "企业设立登记", "SZ-NOPE", "SZ-SCJG-0001", "二十", 5])
    sheet.append(["A2", "=UPPER(\"x\")", "SZ-SCJG", "SZ-SCJG-0001", 20, 5])
    sheet.append(["A1", "企业变更登记", "SZ-SCJG", "SZ-SCJG-0001", 20, 5])
    path = tmp_path / "items.xlsx"
    book.save(path)
    with pytest.raises(CommandError) as info:
        call_command("supervision", "load-items", str(path))
    lines = str(info.value).splitlines()
    assert lines == ["导入被拒绝，未写入任何数据（4 处错误）：",
                     "items.xlsx 第 2 行「unit_code」：未知单位 'SZ-NOPE'",
                     "items.xlsx 第 2 行「statutory_days」：'二十' 不是整数个工作日",
                     "items.xlsx 第 3 行「name」：单元格 B3 含公式，请改为粘贴数值",
                     "items.xlsx 第 4 行「code」：事项编码 'A1' 与第 2 行重复"]
    with translation.override("en"), pytest.raises(CommandError) as info:
        call_command("supervision", "load-items", str(path))
    assert "items.xlsx row 2, statutory_days: '二十' is not a whole number of working days" in str(info.value)
    assert "items.xlsx row 4, code: item code 'A1' repeats row 2" in str(info.value)
    assert not ApprovalItem.objects.exists()
