"""Loop 2 from the oversight network: each of its findings opens a fault case of its own source, and
its overdue checks run on a schedule and from the command line."""

from __future__ import annotations

from datetime import date

import pytest

from zeren.findings.models import Finding
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
