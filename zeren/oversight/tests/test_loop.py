"""Loop 2 from the oversight network: each of its findings opens a fault case of its own source, and
its overdue checks run on a schedule and from the command line."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from zeren.findings.models import Finding
from zeren.org.testing import run_command
from zeren.oversight import actions
from zeren.oversight.causes import CAUSES

from .conftest import REFERRED_ON
from .test_network import plan
from .test_referrals import refer

pytestmark = pytest.mark.django_db

# What each oversight cause is as a case source (案件来源): one entry per cause the app declares.
SOURCES = {"oversight.referral": "referral", "oversight.inspection": "inspection",
           "oversight.disclosure_overdue": "disclosure", "oversight.meeting_task_overdue": "joint_meeting"}


def raise_every_oversight_finding(net) -> dict[str, Finding]:
    """One finding of each cause, through the network's own actions."""
    officer = net["users"]["officer"]
    refer(net)
    actions.do_record_inspection_issue(actor=officer, inspection=plan(net), unit=net["units"]["market"],
                                       description="专项资金未专账核算", found_on=REFERRED_ON)
    actions.do_add_requirement(actor=officer, unit=net["units"]["market"], category="plan", title="“十五五”规划",
                               due_on=date(2026, 10, 9))
    meeting = actions.do_hold_meeting(actor=officer, convener=net["bodies"]["city"], members=[net["bodies"]["finance"]],
                                      title="第一次", held_on=date(2026, 9, 1), agenda="1. 通报")
    actions.do_add_meeting_task(actor=officer, meeting=meeting, decision="清理专项资金", owner=net["bodies"]["finance"],
                                workdays=15)
    actions.do_check_disclosures(actor=None, today=date(2026, 10, 12))
    actions.do_escalate_overdue_tasks(actor=None, today=date(2026, 10, 12))
    return {f.cause: f for f in Finding.objects.filter(source_app="oversight")}


def test_each_oversight_finding_opens_a_case_of_its_own_source(client, net):
    assert set(SOURCES) == set(CAUSES)  # a new cause of the network needs its case source decided here
    findings = raise_every_oversight_finding(net)
    assert set(findings) == set(CAUSES)
    client.force_login(net["users"]["officer"])
    for cause, finding in findings.items():
        response = client.post("/api/v1/accountability/cases", {
            "subject_kind": "unit", "unit_code": finding.unit.code, "fault_type": "not_performing",
            "summary": f"由{finding.title}立案", "findings": [finding.pk]}, content_type="application/json")
        assert response.status_code == 201, response.content
        assert response.json()["source"] == SOURCES[cause], cause


def overdue_items(net, held_on: date, due_on: date):
    """A follow-up of a meeting held on ``held_on`` (five working days) and a required disclosure due ``due_on``."""
    officer = net["users"]["officer"]
    actions.do_add_requirement(actor=officer, unit=net["units"]["market"], category="plan", title="年度规划",
                               due_on=due_on)
    meeting = actions.do_hold_meeting(actor=officer, convener=net["bodies"]["city"], members=[net["bodies"]["finance"]],
                                      title="联席会议", held_on=held_on, agenda="1. 通报")
    return actions.do_add_meeting_task(actor=officer, meeting=meeting, decision="清理专项资金",
                                       owner=net["bodies"]["finance"], workdays=5)


def overdue_findings() -> list[str]:
    return sorted(Finding.objects.filter(source_app="oversight", status="open").values_list("cause", flat=True))


def test_zeren_oversight_check_as_of_a_day_is_idempotent(net):
    task = overdue_items(net, held_on=date(2026, 9, 28), due_on=date(2026, 10, 10))
    assert task.due_on == date(2026, 10, 10)  # 28 Sep + 5 working days: 29, 30 Sep, (1–7 Oct off) 8, 9, Sat 10 Oct
    code, out = run_command("oversight", "check", "--as-of", "2026-10-10")  # due today: nothing is late yet
    assert code == 0 and out == "as of 2026-10-10: 0 disclosure(s) newly overdue, 0 follow-up(s) newly escalated\n"
    assert overdue_findings() == []
    for expected in (1, 0):  # a later day, twice: found once
        code, out = run_command("oversight", "check", "--as-of", "2026-10-12")
        assert code == 0 and f"{expected} disclosure(s) newly overdue, {expected} follow-up(s)" in out
    assert overdue_findings() == ["oversight.disclosure_overdue", "oversight.meeting_task_overdue"]
    task.refresh_from_db()
    assert task.escalated_on == date(2026, 10, 12)
    code, out = run_command("oversight", "check", "--as-of", "12/10/2026")
    assert code == 1 and "--as-of: '12/10/2026' is not a date (YYYY-MM-DD)" in out


def test_the_daily_job_runs_the_checks_as_of_today(net):
    from zeren.oversight.tasks import check_overdue

    today = timezone.localdate()
    overdue_items(net, held_on=today - timedelta(days=40), due_on=today - timedelta(days=1))
    # huey matches its crontab against a naive time (in UTC, its default)
    assert check_overdue.s().validate_datetime(datetime(2026, 10, 12, 1, 20))  # noqa: DTZ001 — every day at 01:20
    assert not check_overdue.s().validate_datetime(datetime(2026, 10, 12, 13, 20))  # noqa: DTZ001
    found = check_overdue.call_local()
    assert (found.as_of, found.disclosures, found.follow_ups) == (today, 1, 1)
    assert check_overdue.call_local().disclosures == 0  # however often it runs
    assert overdue_findings() == ["oversight.disclosure_overdue", "oversight.meeting_task_overdue"]


def test_the_overview_button_runs_the_same_checks(client, net):
    today = timezone.localdate()
    overdue_items(net, held_on=today - timedelta(days=40), due_on=today - timedelta(days=1))
    client.force_login(net["users"]["officer"])
    response = client.post("/oversight/checks/", follow=True)
    assert "新发现逾期未公开 1 项，逾期议定事项升级督办 1 项" in response.content.decode()
