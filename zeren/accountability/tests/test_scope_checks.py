"""The actions check the actor's scope themselves, whatever page or API calls them (issue 11, the write matrix):
a complaint taken by phone, letter or visit is registered by the handling body's officers only; commendation
candidates are taken by the supervision side only."""

import pytest
from django.core.exceptions import PermissionDenied

from zeren.accountability.actions import (
    do_propose_commendation,
    do_submit_complaint,
    do_take_commendation_findings,
)
from zeren.accountability.models import Commendation, Complaint
from zeren.accountability.tests.factories import category
from zeren.audit.models import AuditEntry
from zeren.findings.actions import do_raise_finding
from zeren.org.testing import make_user

pytestmark = pytest.mark.django_db


def submit(actor, unit, channel):
    return do_submit_complaint(actor=actor, channel=channel, category=category(), unit=unit,
                               description="电话反映：窗口推诿", complainant={"name": "王小明"})


@pytest.mark.parametrize("channel", ["hotline", "letter", "visit"])
def test_only_the_handling_bodys_officers_register_a_complaint_received_by_staff(tree, officer, channel):
    staff = make_user("staff", "staff", tree["market"])
    other = make_user("other", "staff", tree["housing"])
    leader = make_user("leader", "leader", tree["city"])
    district_officer = make_user("ft", "supervision_officer", tree["district"])  # not over the city's bureau
    entries = AuditEntry.objects.count()
    for actor in (staff, other, leader, district_officer):
        with pytest.raises(PermissionDenied):
            submit(actor, tree["market"], channel)
    assert Complaint.objects.count() == 0 and AuditEntry.objects.count() == entries
    complaint, created = submit(officer, tree["market"], channel)
    assert created and complaint.channel == channel and complaint.handling_body.code == "SZ-JC"


def test_anyone_files_through_the_public_form(tree):
    staff = make_user("staff", "staff", tree["market"])
    assert submit(staff, tree["housing"], "web")[1]
    assert submit(None, tree["housing"], "letter")[1]  # the system (imports, the demo)


def test_only_the_supervision_side_takes_commendation_candidates(tree, officer):
    finding, _ = do_raise_finding(actor=None, dedupe_key="evaluation:evaluation.commendation:9:SZ-SCJG",
                                  cause="evaluation.commendation", source_app="evaluation", title="第1名",
                                  unit=tree["market"], evidence_type="evaluation.result", evidence_id="9")
    head = make_user("head", "unit_head", tree["market"])
    perf = make_user("perf", "performance_officer", tree["city"])
    for actor in (head, perf):
        with pytest.raises(PermissionDenied):
            do_take_commendation_findings(actor=actor, findings=[finding])
        with pytest.raises(PermissionDenied):
            do_propose_commendation(actor=actor, unit=tree["market"], reason="表彰", finding=finding)
    district_officer = make_user("ft", "supervision_officer", tree["district"])
    with pytest.raises(PermissionDenied):  # supervises somewhere, but not the market bureau
        do_take_commendation_findings(actor=district_officer, findings=[finding])
    assert not Commendation.objects.exists()
    assert do_take_commendation_findings(actor=officer, findings=[finding]) == 1
