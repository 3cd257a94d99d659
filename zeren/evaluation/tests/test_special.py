"""Special evaluations (专项评估) of one programme across the units that carry it (issue 15 item 4).

A programme — here the year's 民生实事 (livelihood projects) — is selected through the indicator
registry; the special system's automatic indicators count only the programme's records (its targets'
completion, its approvals), its peer group is the units that carry it, and the round is scored,
explained, ranked, shown and exported by the same machinery as every other round.
"""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.test import Client

from zeren.evaluation.actions import (
    ImportRejected,
    do_collect_values,
    do_create_round,
    do_import_system,
    do_import_values,
    do_score_round,
)
from zeren.evaluation.models import Programme, Round, Value
from zeren.evaluation.sources import compute, participants
from zeren.org.testing import make_small_tree, make_user, run_command
from zeren.targets.actions import TargetSpec, do_create_target, do_report_progress

pytestmark = pytest.mark.django_db
YEAR = (date(2026, 1, 1), date(2026, 12, 31))
LIVELIHOOD = {"targets.source": ["livelihood_project"]}
# Per unit: livelihood targets completed of two, and whether its one key task is completed.
PLAN = {"SZ-SCJG": (2, False), "SZ-ZJ": (1, False), "SZ-FT": (0, True)}


def system_json(code: str = "MSSS", programme: object = None, **extra: object) -> dict:
    return {"code": code, "name": "2026年民生实事专项评估", "programme": programme or {
        "code": "MSSS-2026", "name": "2026年民生实事", "selection": LIVELIHOOD,
        "start": "2026-01-01", "end": "2026-12-31", "description": "市政府年度民生实事项目"},
        "indicators": [
            {"code": "M1", "name": "民生实事目标完成率", "source": "targets.completion_rate", "unit": "%", "weight": 2},
            {"code": "M2", "name": "民生实事逾期占比", "source": "targets.overdue_share", "polarity": "lower",
             "unit": "%", "weight": 1},
            {"code": "M3", "name": "群众获得感评价", "source": "manual", "unit": "分", "weight": 1}], **extra}


@pytest.fixture
def city():
    tree = make_small_tree()
    admin = make_user("admin", "admin", tree["city"])
    units = {"SZ-SCJG": tree["market"], "SZ-ZJ": tree["housing"], "SZ-FT": tree["district"]}
    for code, (done, key_done) in PLAN.items():
        for k in range(3):
            source = "key_task" if k == 2 else "livelihood_project"
            target = do_create_target(actor=None, spec=TargetSpec(
                code=f"{code}-{k}", year=2026, title=f"目标{k}", unit=units[code], source=source,
                start=date(2026, 1, 5), deadline=date(2026, 6, 30), baseline=0, target_value=10))
            if (k < 2 and k < done) or (k == 2 and key_done):
                do_report_progress(actor=admin, target=target, day=date(2026, 6, 1), value=10)
    return tree


def test_programme_sources_count_only_the_programme(city):
    codes = list(PLAN)
    assert participants(LIVELIHOOD, *YEAR) == sorted(codes)
    special = compute("targets.completion_rate", codes, *YEAR, LIVELIHOOD)
    assert special == {"SZ-SCJG": (1.0, 2.0), "SZ-ZJ": (0.5, 2.0), "SZ-FT": (0.0, 2.0)}
    overall = compute("targets.completion_rate", codes, *YEAR)
    assert overall["SZ-FT"] == (pytest.approx(1 / 3), 3.0)  # its key task counts only outside the programme
    assert compute("targets.overdue_share", codes, *YEAR, {"targets.code": ["SZ-ZJ-0", "SZ-ZJ-1"]}) == {
        "SZ-ZJ": (0.5, 2.0)}
    assert compute("supervision.on_time_rate", codes, *YEAR, {"supervision.item": ["NONE"]}) == {}


def test_special_round_scored_explained_ranked_and_shown(city):
    system = do_import_system(actor=None, data=system_json())
    assert system.programme.code == "MSSS-2026" and system.programme.selection == LIVELIHOOD
    assert sorted(system.peer_group.units.values_list("code", flat=True)) == sorted(PLAN)  # the carriers
    programme = system.programme
    rnd = do_create_round(actor=None, system=system, name="2026年民生实事专项评估", start=programme.period_start,
                          end=programme.period_end)
    do_import_values(actor=None, rnd=rnd, rows=[{"unit": u, "indicator": "M3", "value": v} for u, v in
                                                 {"SZ-SCJG": 80, "SZ-ZJ": 90, "SZ-FT": 70}.items()], file="m3.json")
    assert do_collect_values(actor=None, rnd=rnd) == 6
    assert dict(Value.objects.filter(round=rnd, indicator__code="M1").values_list("unit__code", "value")) == {
        "SZ-SCJG": 1.0, "SZ-ZJ": 0.5, "SZ-FT": 0.0}
    do_score_round(actor=None, rnd=rnd)
    results = {r.unit.code: r for r in rnd.results.select_related("unit")}
    for r in results.values():
        assert sum(d["contribution"] for d in r.details) == pytest.approx(r.score, abs=1e-9)
    assert [results[c].rank for c in ("SZ-SCJG", "SZ-ZJ", "SZ-FT")] == [1, 2, 3]

    perf = make_user("perf", "performance_officer", city["city"])
    client = Client()
    client.force_login(perf)
    page = client.get(f"/evaluation/rounds/{rnd.pk}/").content.decode()
    assert "专项评估" in page and "2026年民生实事" in page and "目标来源：民生实事" in page
    listing = client.get("/evaluation/?kind=special").content.decode()
    assert rnd.name in listing
    assert rnd.name not in client.get("/evaluation/?kind=regular").content.decode()
    unit_page = client.get(f"/evaluation/rounds/{rnd.pk}/units/SZ-ZJ/").content.decode()
    assert "民生实事目标完成率" in unit_page and "2026年民生实事" in unit_page
    api = client.get("/api/v1/evaluation/rounds").json()
    assert [r["programme"] for r in api["items"]] == ["MSSS-2026"]
    pdf = client.get(f"/evaluation/rounds/{rnd.pk}/report.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_special_systems_refuse_what_cannot_count_the_programme(city):
    bad = system_json(programme={"code": "X", "name": "x", "selection": {"targets.source": ["nonsense"], "nope": ["a"]},
                                 "start": "2026-01-01", "end": "2025-01-01"})
    with pytest.raises(ImportRejected) as exc:
        do_import_system(actor=None, data=bad, file="bad.json")
    errors = "\n".join(exc.value.errors)
    assert "bad.json: programme.selection['targets.source']: 'nonsense' is not one of" in errors
    assert "bad.json: programme.selection['nope']: unknown kind" in errors
    data = system_json()
    data["indicators"].append({"code": "M4", "name": "职责问题", "source": "duties.open_findings"})
    with pytest.raises(ImportRejected, match=r"indicators\[3\]: source: duties.open_findings cannot count only"):
        do_import_system(actor=None, data=data)
    do_import_system(actor=None, data=system_json())
    with pytest.raises(ImportRejected, match="programme MSSS-2026 exists already"):
        do_import_system(actor=None, data=system_json(code="MSSS2"))
    again = do_import_system(actor=None, data=system_json(code="MSSS2", programme="MSSS-2026",
                                                          peer_group=["SZ-SCJG", "SZ-ZJ"]))
    assert again.programme == Programme.objects.get() and again.peer_group.units.count() == 2


def test_command_line_special_evaluation(city, tmp_path):
    path = tmp_path / "special.json"
    path.write_text(json.dumps(system_json(), ensure_ascii=False), encoding="utf-8")
    code, out = run_command("evaluation", "import-system", str(path))
    assert code in (0, None) and "special evaluation of MSSS-2026" in out, out
    values = tmp_path / "m3.json"
    values.write_text(json.dumps([{"unit": u, "indicator": "M3", "value": 75} for u in PLAN]), encoding="utf-8")
    code, out = run_command("evaluation", "import-values", str(values), "--system", "MSSS", "--round", "民生实事专项")
    assert code in (0, None), out
    rnd = Round.objects.get(name="民生实事专项")
    assert (rnd.period_start, rnd.period_end) == YEAR  # the programme's period
    code, out = run_command("evaluation", "score", "--round", "民生实事专项")
    lines = [json.loads(line) for line in out.strip().splitlines()]
    assert [line["unit"] for line in lines] == ["SZ-SCJG", "SZ-ZJ", "SZ-FT"] and lines[0]["rank"] == 1
