"""联合检查, 联席会议, the vertical network, the People's Congress report and the indicator sources."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zeren.findings.actions import do_raise_finding
from zeren.findings.models import Finding
from zeren.oversight import actions, selectors
from zeren.oversight.indicators import SOURCES
from zeren.oversight.models import InspectionStatus, IssueStatus

from .conftest import PDF, REFERRED_ON
from .test_referrals import refer

pytestmark = pytest.mark.django_db


def plan(net, lead="city", team=("finance", "audit"), targets=("market",)):
    return actions.do_plan_inspection(
        actor=net["users"]["officer"], lead=net["bodies"][lead], team=[net["bodies"][b] for b in team],
        targets=[net["units"][u] for u in targets], title="2026年专项资金联合检查", plan="抽查专项资金使用",
        starts_on=date(2026, 9, 21), ends_on=date(2026, 10, 30))


def test_joint_inspection_workflow_with_working_day_deadlines(net):
    with pytest.raises(ValidationError, match="两个以上"):
        plan(net, team=())
    with pytest.raises(ValidationError, match="不在牵头单位监督范围内"):
        plan(net, lead="district", team=("finance",), targets=("market",))
    inspection = plan(net)
    officer = net["users"]["officer"]
    with pytest.raises(ValidationError, match="不是本次检查的被检查单位"):
        actions.do_record_inspection_issue(actor=officer, inspection=inspection, unit=net["units"]["housing"],
                                           description="x", found_on=REFERRED_ON)
    issue = actions.do_record_inspection_issue(actor=officer, inspection=inspection, unit=net["units"]["market"],
                                               description="专项资金未专账核算", found_on=REFERRED_ON)
    assert issue.rectify_due == date(2026, 11, 3)  # 20 working days after 30 Sep: 1–7 Oct off, Sat 10 Oct worked
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.UNDERWAY
    assert Finding.objects.filter(cause="oversight.inspection", unit=net["units"]["market"]).count() == 1
    with pytest.raises(ValidationError, match="未整改验收"):
        actions.do_close_inspection(actor=officer, inspection=inspection, conclusion="x", closed_on=date(2026, 11, 2))
    with pytest.raises(PermissionDenied):  # another unit's staff cannot report for the market bureau
        actions.do_report_rectification(actor=net["users"]["finance"], issue=issue, report="x",
                                        reported_on=date(2026, 10, 20))
    with pytest.raises(ValidationError, match="尚未报送"):
        actions.do_accept_rectification(actor=officer, issue=issue, accepted_on=date(2026, 10, 21))
    actions.do_report_rectification(actor=net["users"]["market_staff"], issue=issue, report="已设立专账",
                                    reported_on=date(2026, 10, 20), attachments=[("专账.pdf", PDF)])
    issue = actions.do_accept_rectification(actor=officer, issue=issue, accepted_on=date(2026, 10, 21))
    assert issue.status == IssueStatus.ACCEPTED
    assert Finding.objects.get(cause="oversight.inspection").status == "resolved"  # the finding follows its source
    inspection = actions.do_close_inspection(actor=officer, inspection=inspection, conclusion="整改到位",
                                             closed_on=date(2026, 11, 2))
    assert inspection.status == InspectionStatus.CLOSED


def test_inspection_visibility(client, net):
    inspection = plan(net)
    client.force_login(net["users"]["market_staff"])  # the inspected unit sees its inspection
    assert client.get(f"/oversight/inspections/{inspection.pk}/").status_code == 200
    client.force_login(net["users"]["district_officer"])  # a district body does not see the city's
    assert client.get(f"/oversight/inspections/{inspection.pk}/").status_code == 404
    assert not selectors.inspections_for(net["users"]["district_officer"]).exists()


def test_meeting_agenda_from_data_and_overdue_escalation(net):
    officer = net["users"]["officer"]
    city = net["bodies"]["city"]
    first = actions.do_hold_meeting(actor=officer, convener=city, members=[net["bodies"]["finance"]], title="第一次",
                                    held_on=date(2026, 9, 1), agenda="1. 通报")
    task = actions.do_add_meeting_task(actor=officer, meeting=first, decision="清理专项资金", owner=net["bodies"]["finance"],
                                       workdays=15)
    assert task.due_on == date(2026, 9, 21)  # Sun 20 Sep 2026 is a working day (调休 for National Day)
    for i in range(3):
        do_raise_finding(actor=None, dedupe_key=f"supervision:red_card:{i}", cause="red_card", source_app="supervision",
                         title=f"红牌 {i}", unit=net["units"]["housing"], evidence_type="supervision.approvalcase",
                         evidence_id=str(i))
    do_raise_finding(actor=None, dedupe_key="supervision:red_card:m", cause="red_card", source_app="supervision",
                     title="红牌 m", unit=net["units"]["market"], evidence_type="supervision.approvalcase", evidence_id="m")
    do_raise_finding(actor=None, dedupe_key="targets:overdue:1", cause="targets.overdue", source_app="targets",
                     title="目标逾期", unit=net["units"]["market"], evidence_type="targets.target", evidence_id="1")
    referral = refer(net)
    draft = selectors.draft_agenda(city, date(2026, 10, 15))
    assert draft.since == date(2026, 9, 1)
    assert draft.red_card_units == [("深圳市住房和建设局", 3), ("深圳市市场监督管理局", 1)]
    assert draft.overdue_targets == [("深圳市市场监督管理局", 1)]
    assert draft.open_referrals == [referral]
    text = draft.as_text(date(2026, 10, 15))
    assert "清理专项资金" in text and "逾期" in text and referral.number in text
    assert actions.do_escalate_overdue_tasks(actor=None, today=date(2026, 9, 21)) == 0
    assert actions.do_escalate_overdue_tasks(actor=None, today=date(2026, 9, 22)) == 1
    assert actions.do_escalate_overdue_tasks(actor=None, today=date(2026, 9, 23)) == 0  # once
    task.refresh_from_db()
    assert task.escalated_on == date(2026, 9, 22)
    assert Finding.objects.get(cause="oversight.meeting_task_overdue").unit == net["units"]["finance"]


def test_meeting_pages(client, net):
    client.force_login(net["users"]["officer"])
    page = client.get("/oversight/meetings/new/").content.decode()
    assert "一、红牌预警最多的单位" in page
    client.cookies["django_language"] = "en"  # the agenda the page proposes is in the reader's language
    assert "1. Units with the most red cards" in client.get("/oversight/meetings/new/").content.decode()
    client.cookies["django_language"] = "zh-hans"
    response = client.post("/oversight/meetings/new/", {
        "convener": net["bodies"]["city"].pk, "title": "联席会议", "held_on": "2026-10-15",
        "members": [net["bodies"]["finance"].pk], "agenda": "议程", "minutes": ""})
    assert response.status_code == 302
    client.force_login(net["users"]["finance"])  # a member body sees the meeting
    assert "联席会议" in client.get(response["Location"]).content.decode()


def test_network_loads_by_level(client, net):
    refer(net)  # to the city body, registration due 13 Oct
    refer(net, unit="street", to="district")
    actions.do_record_rule_adoption(actor=net["users"]["district_officer"], unit=net["units"]["district"],
                                    title="福田区行政过错责任追究办法", adopted_on=date(2006, 5, 1))
    city_view = {load.body.unit.code: load for load in selectors.network_loads(net["users"]["officer"], date(2026, 10, 14))}
    assert set(city_view) == {"SZ-JC", "SZ-FT-JC"}  # the higher body sees the lower body's load
    assert city_view["SZ-JC"].received == 1 and city_view["SZ-JC"].overdue == 1
    assert city_view["SZ-FT-JC"].findings_open == 1 and city_view["SZ-JC"].findings_open == 2
    district_view = selectors.network_loads(net["users"]["district_officer"], date(2026, 10, 14))
    assert [load.body.unit.code for load in district_view] == ["SZ-FT-JC"]
    client.force_login(net["users"]["district_officer"])
    page = client.get("/oversight/network/").content.decode()
    assert "福田区行政过错责任追究办法" in page and "深圳市监察局" not in page


def test_external_evaluations_feed_the_indicator_source(net):
    officer = net["users"]["officer"]
    for rating in ("satisfied", "satisfied", "dissatisfied"):
        actions.do_record_external_evaluation(actor=officer, unit=net["units"]["market_div"], evaluator_kind="deputy",
                                              evaluator="张代表", visited_on=date(2026, 6, 1), rating=rating)
    compute = SOURCES["oversight.deputy_satisfaction"]["compute"]
    result = compute(["SZ-SCJG", "SZ-ZJ"], date(2026, 1, 1), date(2026, 12, 31))
    assert result == {"SZ-SCJG": (pytest.approx(2 / 3), 3.0)}  # the division counts for its department
    assert compute(["SZ-SCJG"], date(2025, 1, 1), date(2025, 12, 31)) == {}


def test_congress_report_page_and_pdf(client, net, tmp_path):
    r = refer(net)
    actions.do_register_referral(actor=net["users"]["officer"], referral=r, registered_on=date(2026, 10, 9))
    client.force_login(net["users"]["officer"])
    page = client.get("/oversight/report/?year=2026").content.decode()
    assert "关于 2026 年度行政责任体系运行情况的报告" in page and "100.0%" in page
    pdf = client.get("/oversight/report.pdf?year=2026")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF-")
    if shutil.which("pdftotext"):
        (tmp_path / "r.pdf").write_bytes(pdf.content)
        text = subprocess.run(["pdftotext", str(tmp_path / "r.pdf"), "-"], capture_output=True, text=True).stdout
        assert "行政责任体系运行情况" in text and "移送案件" in text
    assert client.get("/oversight/report/?year=99999").status_code == 404
    assert "已投入运行（全市数据量" not in page  # the city's officer gets the element counts
    client.force_login(net["users"]["finance"])  # a department: no city-wide counts under its own scope
    department = client.get("/oversight/report/?year=2026").content.decode()
    assert "已投入运行（全市数据量仅向全市范围的用户列出）" in department


def test_bad_ids_are_not_errors(client, net):
    client.force_login(net["users"]["officer"])
    assert client.get("/oversight/meetings/new/?convener=abc").status_code == 200
    assert client.get("/oversight/inspections/new/?lead=1x").status_code == 200
    inspection = plan(net)
    response = client.post(f"/oversight/inspections/{inspection.pk}/", {"step": "accept", "issue": "x"})
    assert response.status_code == 404


def test_pages_in_english(client, net):
    refer(net)
    client.force_login(net["users"]["officer"])
    client.cookies["django_language"] = "en"
    page = client.get("/oversight/referrals/").content.decode()
    assert "Referrals" in page and "Finance body：1" in page and "违规使用财政资金" not in page
    assert "Sunshine disclosure" in client.get("/sunshine/").content.decode()


def test_the_agenda_counts_in_the_readers_language():
    from django.utils import translation

    from zeren.oversight.selectors import AgendaDraft

    draft = AgendaDraft(since=None, red_card_units=[("A", 1), ("B", 3)], overdue_targets=[("C", 1), ("D", 2)],
                        open_referrals=[], last_tasks=[])
    with translation.override("en"):
        text = draft.as_text(date(2026, 12, 4))
    assert "A: 1 red card\n" in text and "B: 3 red cards" in text and "C: 1 target\n" in text and "D: 2 targets" in text
    with translation.override("zh-hans"):
        assert "A：1 张红牌" in draft.as_text(date(2026, 12, 4))
