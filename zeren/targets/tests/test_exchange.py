"""Import and export from the command line: all or nothing with every error listed, round trips
through JSON and the offices' Excel sheet, progress reports, the status lines."""

from __future__ import annotations

import json
from datetime import date

import openpyxl

from zeren.org.testing import run_command
from zeren.targets.models import Milestone, ProgressReport, Target


def rows():
    return [
        {"code": "A", "year": 2026, "title": "新增就业", "source": "livelihood_project", "unit": "SZ", "leader": "P-MAYOR",
         "person": None, "parent": None, "weight": 100, "start": "2026-01-05", "deadline": "2026-12-31",
         "duty_items": [], "indicator": {"kind": "quantitative", "unit": "万人", "baseline": 0, "target": 10,
                                         "additive": True},
         "milestones": [{"code": "H1", "title": "上半年", "due": "2026-06-30", "expected": 5}]},
        {"code": "A-1", "year": 2026, "title": "市场主体带动就业", "source": "key_task", "unit": "SZ-SCJG",
         "leader": "P-SCJG", "person": "P-CLERK", "parent": "A", "weight": 60, "start": "2026-01-05",
         "deadline": "2026-12-31", "duty_items": [],
         "indicator": {"kind": "quantitative", "unit": "万人", "baseline": 0, "target": 6, "additive": False},
         "milestones": []},
        {"code": "B", "year": 2026, "title": "住房保障条例修订", "source": "major_decision", "unit": "SZ-ZJ",
         "leader": "P-ZJ", "person": None, "parent": None, "weight": 100, "start": "2026-02-02",
         "deadline": "2026-10-30", "duty_items": [], "indicator": {"kind": "qualitative"},
         "milestones": [{"code": "M1", "title": "征求意见", "due": "2026-05-29", "deliverable": "征求意见稿"},
                        {"code": "M2", "title": "提请审议", "due": "2026-10-30", "deliverable": "送审稿"}]},
    ]


def write(tmp_path, name, data):
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_json_round_trip_and_xlsx_round_trip(tmp_path, people):
    code, out = run_command("targets", "import", str(write(tmp_path, "t.json", rows())))
    assert code == 0, out
    assert Target.objects.get(code="A-1").parent.code == "A"
    exported = tmp_path / "out.json"
    assert run_command("targets", "export", "--format", "json", "--output", str(exported))[0] == 0
    assert json.loads(exported.read_text(encoding="utf-8")) == rows()
    sheet = tmp_path / "out.xlsx"
    assert run_command("targets", "export", "--format", "xlsx", "--output", str(sheet))[0] == 0
    header = [c.value for c in openpyxl.load_workbook(sheet).worksheets[0][1]]
    assert header[:3] == ["序号", "目标编号", "年度"] and "里程碑" in header
    Milestone.objects.all().delete()
    Target.objects.filter(parent__isnull=False).delete()
    Target.objects.all().delete()
    code, out = run_command("targets", "import", str(sheet))
    assert code == 0, out
    assert run_command("targets", "export", "--format", "json", "--output", str(exported))[0] == 0
    assert json.loads(exported.read_text(encoding="utf-8")) == rows()


def test_bad_import_is_refused_whole_with_every_error(tmp_path, people):
    bad = rows()
    bad[0]["unit"] = "SZ-NOPE"
    bad[0]["weight"] = "很多"
    bad[1]["leader"] = "P-NOBODY"
    bad[1]["deadline"] = "2025-12-01"
    bad[2]["milestones"][0]["due"] = "2026-11-30"
    bad.append({**rows()[1], "code": "C", "parent": "D"})
    bad.append({**rows()[1], "code": "D", "parent": "C"})
    bad.append({**rows()[1], "code": "E", "parent": "ZZZ"})
    code, out = run_command("targets", "import", str(write(tmp_path, "bad.json", bad)))
    assert code != 0
    for expected in ("bad.json 第 1 行「unit」：未知单位：SZ-NOPE", "第 1 行「weight」：不是数字", "第 2 行「leader」：未知人员：P-NOBODY",
                     "第 2 行「deadline」：完成时限 2025-12-01 早于开始时间 2026-01-05",
                     "第 3 行「milestones」：里程碑 M1 的时限 2026-11-30 晚于完成时限 2026-10-30",
                     "上级目标成环：C → D → C", "第 6 行「parent」：未知上级目标：ZZZ"):
        assert expected in out, out
    assert Target.objects.count() == 0


def test_progress_reports_and_status_lines(tmp_path, people):
    run_command("targets", "import", str(write(tmp_path, "t.json", rows())))
    reports = [{"target": "A-1", "date": "2026-03-02", "value": 3}, {"target": "B", "date": "2026-05-20", "milestone": "M1",
                                                                    "note": "已公开征求意见"}]
    foreign = write(tmp_path, "foreign.json", reports)
    code, out = run_command("targets", "report", str(foreign), "--unit", "SZ-SCJG")
    assert code != 0 and "目标 B 属于 SZ-ZJ，无权报告" in out and ProgressReport.objects.count() == 0
    assert run_command("targets", "report", str(foreign))[0] == 0
    code, out = run_command("targets", "status", "--as-of", "2026-06-01")
    lines = {r["code"]: r for r in map(json.loads, out.splitlines())}
    assert set(lines["B"]) == {"code", "status", "progress", "expected", "working_days_left"}
    assert lines["A-1"]["progress"] == 0.5 and lines["A"]["progress"] == 0.5  # one child: the parent follows it
    assert lines["B"]["progress"] == 0.5 and lines["B"]["status"] in {"on_track", "at_risk"}
    csv_out = tmp_path / "s.csv"
    assert run_command("targets", "status", "--as-of", "2026-06-01", "--format", "csv", "--output", str(csv_out))[0] == 0
    assert csv_out.read_text(encoding="utf-8-sig").splitlines()[0] == "code,status,progress,expected,working_days_left"


def test_check_reports_consistency_problems_as_findings(tmp_path, people, tree):
    data = rows()
    data[1]["leader"] = None  # no responsible leader
    data[1]["person"] = "P-ZJ"  # a housing head is no member of the market bureau
    run_command("targets", "import", str(write(tmp_path, "t.json", data)))
    code, out = run_command("targets", "check", "--year", "2026")
    assert code == 0
    assert "targets.additive_shortfall\tA\t下级目标值合计比 A 的目标值少 4" in out
    assert "targets.no_leader\tA-1" in out and "targets.not_member\tA-1" in out
    assert "警告\ttargets.weights\tA" in out
    again = run_command("targets", "check", "--year", "2026")[1]
    assert again.rstrip().endswith("新问题线索 0 条")
    assert date(2026, 1, 5) == Target.objects.get(code="A").start
