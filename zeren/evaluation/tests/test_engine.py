"""Indicator systems, rounds, values, scoring, explanations and the command line."""

from __future__ import annotations

import json
import math

import openpyxl
import pytest
from django.core.exceptions import ValidationError

from zeren.audit.models import AuditEntry
from zeren.evaluation.actions import (
    ImportRejected,
    do_create_round,
    do_import_system,
    do_import_values,
    do_move_round,
    do_score_round,
    do_supersede_round,
)
from zeren.evaluation.models import Result, Round, RoundStatus
from zeren.findings.models import Finding
from zeren.org.testing import make_small_tree, make_unit, run_command

pytestmark = pytest.mark.django_db

UNITS = ["SZ-SCJG", "SZ-ZJ", "SZ-D1", "SZ-D2", "SZ-D3"]


@pytest.fixture
def tree():
    t = make_small_tree()
    for code in UNITS[2:]:
        t[code] = make_unit(code, t["city"], name=f"部门{code[-1]}")
    return t


def system_json(**extra):
    return {
        "code": "DEPT-2025", "name": "市直部门绩效指标体系", "peer_group": UNITS,
        "indicators": [
            {"code": "D1", "name": "履职效率", "parent": None, "type": "output", "weight": 0.6},
            {"code": "D2", "name": "服务质量", "parent": None, "type": "final_outcome", "weight": 0.4},
            {"code": "I11", "name": "按时办结率", "parent": "D1", "type": "output", "polarity": "higher",
             "unit": "%", "weight": 2, "source": "manual"},
            {"code": "I12", "name": "超期件数", "parent": "D1", "type": "output", "polarity": "lower",
             "unit": "件", "weight": 1, "source": "manual"},
            {"code": "I21", "name": "群众满意度", "parent": "D2", "type": "final_outcome", "polarity": "higher",
             "unit": "分", "weight": 1, "source": "manual"},
        ],
        **extra,
    }


VALUES = {"SZ-SCJG": (0.95, 2, 90), "SZ-ZJ": (0.80, 10, 70), "SZ-D1": (0.90, 4, None), "SZ-D2": (0.70, 10, 60),
          "SZ-D3": (0.95, 2, 90)}


def value_rows():
    return [{"unit": u, "indicator": code, "value": v}
            for u, triple in VALUES.items() for code, v in zip(("I11", "I12", "I21"), triple, strict=True)
            if v is not None]


def scored_round(tree):
    system = do_import_system(actor=None, data=system_json())
    from datetime import date

    rnd = do_create_round(actor=None, system=system, name="2025年度", start=date(2025, 1, 1), end=date(2025, 12, 31))
    do_import_values(actor=None, rnd=rnd, rows=value_rows(), file="values.json")
    do_score_round(actor=None, rnd=rnd)
    return rnd


def test_effective_weights_are_path_products_and_contributions_add_up(tree):
    rnd = scored_round(tree)
    results = {r.unit.code: r for r in Result.objects.filter(round=rnd).select_related("unit")}
    top = results["SZ-SCJG"]
    weights = {d["indicator"]: d["weight"] for d in top.details}
    assert weights == pytest.approx({"I11": 0.4, "I12": 0.2, "I21": 0.4})
    for r in results.values():
        assert sum(d["contribution"] for d in r.details) == pytest.approx(r.score)
    # Best on every indicator: 100; the two identical units tie at rank 1, the next is 3rd.
    assert top.score == pytest.approx(100.0) and results["SZ-D3"].rank == 1 and top.rank == 1
    assert sorted(r.rank for r in results.values()) == [1, 1, 3, 4, 5]
    # SZ-D1 has no satisfaction value: left out, its other weights renormalised, and said so.
    d1 = results["SZ-D1"]
    assert d1.missing == ["I21"]
    eff = {d["indicator"]: d["effective_weight"] for d in d1.details}
    assert eff == pytest.approx({"I11": 0.4 / 0.6, "I12": 0.2 / 0.6, "I21": 0.0}, abs=1e-5)
    assert Round.objects.get(pk=rnd.pk).completeness == pytest.approx(14 / 15)


def test_import_system_lists_every_error(tree):
    data = system_json(peer_group=["SZ-SCJG", "NOPE"])
    data["indicators"][2]["type"] = "impact"
    data["indicators"][3]["source"] = "nowhere.rate"
    data["indicators"][4]["parent"] = "D9"
    data["indicators"][1]["weight"] = "heavy"
    with pytest.raises(ImportRejected) as exc:
        do_import_system(actor=None, data=data, file="sys.json")
    errors = exc.value.errors
    assert "sys.json: peer_group[1]: unknown unit 'NOPE'" in errors
    assert any(e.startswith("sys.json: indicators[2]: type: 'impact'") for e in errors)
    assert any(e.startswith("sys.json: indicators[3]: source: 'nowhere.rate'") for e in errors)
    assert "sys.json: indicators[4]: parent: unknown indicator 'D9'" in errors
    assert "sys.json: indicators[1]: weight: 'heavy' is not a number ≥ 0" in errors


def test_ahp_weights_and_inconsistent_judgements_refused(tree):
    ok = do_import_system(actor=None, data=system_json(ahp={"": {"elements": ["D1", "D2"], "matrix": [[1, 3], [1 / 3, 1]]}}))
    assert {i.code: round(i.weight, 3) for i in ok.indicators.filter(parent=None)} == {"D1": 0.75, "D2": 0.25}
    bad = system_json(code="DEPT-B", ahp={"D1": {"elements": ["I11", "I12"], "matrix": [[1, 3], [3, 1]]}})
    with pytest.raises(ImportRejected, match=r"ahp\['D1'\]: cells \(I11, I12\) = 3 and \(I12, I11\) = 3 are not reciprocal"):
        do_import_system(actor=None, data=bad)


def test_import_values_all_or_nothing_with_every_error(tree):
    system = do_import_system(actor=None, data=system_json())
    from datetime import date

    rnd = do_create_round(actor=None, system=system, name="R", start=date(2025, 1, 1), end=date(2025, 12, 31))
    rows = [{"unit": "SZ-SCJG", "indicator": "I11", "value": 0.9},
            {"unit": "SZ-FT", "indicator": "I11", "value": 0.9},
            {"unit": "SZ-ZJ", "indicator": "X9", "value": 1},
            {"unit": "SZ-ZJ", "indicator": "D1", "value": 1},
            {"unit": "SZ-ZJ", "indicator": "I12", "value": "many"}]
    with pytest.raises(ImportRejected) as exc:
        do_import_values(actor=None, rnd=rnd, rows=rows, file="v.json")
    assert exc.value.errors == [
        "v.json 第 2 行「unit」：SZ-FT 不在参评单位组 DEPT-2025 内",
        "v.json 第 3 行「indicator」：X9 不是指标体系 DEPT-2025 的指标",
        "v.json 第 4 行「indicator」：D1 不是末级指标",
        "v.json 第 5 行「value」：'many' 不是数字",
    ]
    from django.utils import translation

    with translation.override("en"), pytest.raises(ImportRejected) as exc:
        do_import_values(actor=None, rnd=rnd, rows=rows, file="v.json")
    assert exc.value.errors[0] == "v.json row 2, unit: SZ-FT is not in the peer group DEPT-2025"
    assert rnd.values.count() == 0


def test_the_round_page_lists_every_error_of_an_upload_and_offers_the_template(tree, client):
    """Issue 12 item 5: three rows, three kinds of fault (an unknown unit, a formula, the same unit and
    indicator twice) reported in one upload, in Chinese and with the English UI in English."""
    from datetime import date
    from io import BytesIO

    from django.core.files.uploadedfile import SimpleUploadedFile

    from zeren.org.testing import make_user

    system = do_import_system(actor=None, data=system_json())
    rnd = do_create_round(actor=None, system=system, name="R", start=date(2025, 1, 1), end=date(2025, 12, 31))
    book = openpyxl.Workbook()
    sheet = book.active
    for row in (["unit", "indicator", "value"], ["SZ-NOPE", "I11", 0.9], ["SZ-ZJ", "I11", "=1/2"],
                ["SZ-ZJ", "I11", 0.8]):
        sheet.append(row)
    data = BytesIO()
    book.save(data)
    client.force_login(make_user("perf", "performance_officer", tree["city"]))

    def upload() -> str:
        page = client.post(f"/evaluation/rounds/{rnd.pk}/values/", {
            "file": SimpleUploadedFile("values.xlsx", data.getvalue())}, follow=True)
        return page.content.decode()

    page = upload()
    assert "values.xlsx 第 2 行「unit」：SZ-NOPE 不在参评单位组 DEPT-2025 内" in page
    assert "values.xlsx 第 3 行「value」：单元格 C3 含公式，请改为粘贴数值" in page
    assert "values.xlsx 第 4 行：SZ-ZJ / I11 与第 3 行重复" in page
    client.cookies["django_language"] = "en"
    page = upload()
    assert "values.xlsx row 2, unit: SZ-NOPE is not in the peer group DEPT-2025" in page
    assert "values.xlsx row 3, value: cell C3 holds a formula: paste values instead" in page
    assert "values.xlsx row 4: SZ-ZJ / I11 repeats row 3" in page and rnd.values.count() == 0
    round_page = client.get(f"/evaluation/rounds/{rnd.pk}/").content.decode()
    assert 'href="?template=xlsx"' in round_page
    template = openpyxl.load_workbook(BytesIO(client.get(f"/evaluation/rounds/{rnd.pk}/?template=xlsx").content))
    rows = list(template.active.values)
    assert rows[0] == ("unit", "indicator", "value", "n") and ("SZ-SCJG", "I11", None, None) in rows
    assert len(rows) == 1 + len(UNITS) * 3


def test_published_round_is_frozen_and_only_superseded_with_a_reason(tree):
    rnd = scored_round(tree)
    for step in ("submit", "approve", "publish"):
        rnd = do_move_round(actor=None, rnd=rnd, step=step)
    assert rnd.status == RoundStatus.PUBLISHED
    with pytest.raises(ValidationError, match="cannot change"):
        do_score_round(actor=None, rnd=rnd)
    with pytest.raises(ValidationError, match="理由"):
        do_supersede_round(actor=None, rnd=rnd, reason=" ")
    new = do_supersede_round(actor=None, rnd=rnd, reason="满意度数据录入错误")
    old = Round.objects.get(pk=rnd.pk)
    assert old.status == RoundStatus.SUPERSEDED and old.superseded_by == new and new.values.count() == 14
    assert AuditEntry.objects.filter(action="evaluation.supersede_round", reason="满意度数据录入错误").exists()
    # Publishing raised the bottom (last 10 %, and < 60) as findings and the top as commendations.
    low = Finding.objects.filter(cause="evaluation.low_score").values_list("unit__code", flat=True)
    assert set(low) == {"SZ-D2"} | {r.unit.code for r in old.results.all() if r.score < 60}
    assert set(Finding.objects.filter(cause="evaluation.commendation").values_list("unit__code", flat=True)) == \
        {"SZ-SCJG", "SZ-D3"}


def test_commands_import_score_and_report(tree, tmp_path):
    (tmp_path / "sys.json").write_text(json.dumps(system_json(), ensure_ascii=False), encoding="utf-8")
    code, out = run_command("evaluation", "import-system", str(tmp_path / "sys.json"))
    assert code == 0 and "5 indicators" in out
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["unit", "indicator", "value"])
    for row in value_rows():
        sheet.append([row["unit"], row["indicator"], row["value"]])
    book.save(tmp_path / "values.xlsx")
    code, out = run_command("evaluation", "import-values", str(tmp_path / "values.xlsx"), "--system", "DEPT-2025",
                            "--round", "2025年度")
    assert code == 0 and "14 value(s) imported" in out
    code, out = run_command("evaluation", "score", "--round", "2025年度")
    lines = [json.loads(line) for line in out.strip().splitlines()]
    assert lines[0] == {"unit": "SZ-D3", "score": 100.0, "rank": 1}
    assert [line["rank"] for line in lines] == [1, 1, 3, 4, 5]
    assert all(isinstance(line["score"], float) and round(line["score"], 4) == line["score"] for line in lines)
    code, out = run_command("evaluation", "report", "--round", "2025年度", "--output", str(tmp_path / "r.pdf"))
    assert code == 0 and (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF")
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps([{"unit": "SZ-FT", "indicator": "I11", "value": "x"}]), encoding="utf-8")
    code, out = run_command("evaluation", "import-values", str(bad), "--system", "DEPT-2025", "--round", "2025年度")
    assert code != 0 and "bad.json 第 1 行「unit」：SZ-FT" in out and "第 1 行「value」：'x' 不是数字" in out
    assert "导入被拒绝，未写入任何数据（2 处错误）" in out
    assert not math.isnan(Result.objects.filter(round__name="2025年度").first().score)
