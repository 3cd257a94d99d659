"""Complaints (行政过错投诉): routing, limits, idempotent form, attachments, the workflow to a finding."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zeren.accountability.actions import (
    do_accept_complaint,
    do_appeal_complaint,
    do_conclude_complaint,
    do_decide_complaint_appeal,
    do_reply_complaint,
    route_complaint,
)
from zeren.accountability.models import Complaint, ComplaintAttachment
from zeren.accountability.tests.factories import category, complain
from zeren.audit.models import AuditEntry
from zeren.findings.models import Finding
from zeren.org.models import Level, Unit, UnitKind
from zeren.org.testing import make_unit, make_user

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 100


def test_routing_by_the_accused_units_level(tree):
    assert route_complaint(tree["market"]).code == "SZ-JC"
    assert route_complaint(tree["street"]).code == "SZ-JC"  # no district body yet: the city's
    district_body = make_unit("SZ-FT-JC", tree["district"], kind=UnitKind.SUPERVISION, level=Level.DISTRICT)
    assert route_complaint(tree["street"]) == district_body
    assert route_complaint(tree["district_market"]) == district_body
    assert route_complaint(tree["housing"]).code == "SZ-JC"


def test_the_same_client_token_files_one_complaint(tree):
    first, created = complain(tree["market"], token="tok-1")
    again, created_again = complain(tree["market"], token="tok-1")
    assert created and not created_again and first.pk == again.pk and Complaint.objects.count() == 1
    # 5 working days to decide on acceptance, counted from the day of receipt
    assert first.handling_body.code == "SZ-JC" and first.acceptance_due > first.submitted_at.date()


def test_attachments_are_checked_by_content_and_size(tree, settings):
    complaint, _ = complain(tree["market"], attachments=[("photo.png", PNG)])
    assert ComplaintAttachment.objects.get(complaint=complaint).content_type == "image/png"
    with pytest.raises(ValidationError, match="only PDF, PNG or JPEG"):
        complain(tree["market"], attachments=[("evil.png", b"MZ\x90\x00 not an image")])
    settings.ZEREN_UPLOAD_LIMITS = {"max_bytes": 50}
    with pytest.raises(ValidationError, match="larger than"):
        complain(tree["market"], attachments=[("big.png", PNG)])
    assert Complaint.objects.count() == 1


def test_workflow_to_a_finding_reply_and_appeal(tree, officer):
    complaint, _ = complain(tree["market"])
    staff = make_user("sc", "unit_head", tree["market"])
    with pytest.raises(PermissionDenied):
        do_accept_complaint(actor=staff, complaint=complaint, accept=True)
    complaint = do_accept_complaint(actor=officer, complaint=complaint, accept=True, on=date(2026, 9, 28))
    assert complaint.investigation_due == date(2026, 11, 13)  # 30 working days, National Day skipped
    complaint = do_conclude_complaint(actor=officer, complaint=complaint, conclusion="substantiated",
                                      note="调取窗口录像，属实")
    finding = Finding.objects.get(cause="accountability.complaint_substantiated")
    assert finding.unit == tree["market"] and finding.evidence_id == str(complaint.pk)
    complaint = do_reply_complaint(actor=officer, complaint=complaint, reply="经查属实，已责令整改", on=date(2026, 11, 20))
    with pytest.raises(ValidationError, match="届满"):
        do_appeal_complaint(complaint=complaint, reason="整改不到位", on=date(2027, 1, 20))
    complaint = do_appeal_complaint(complaint=complaint, reason="整改不到位", on=date(2026, 11, 25))
    complaint = do_decide_complaint_appeal(actor=officer, complaint=complaint, outcome="维持原答复", reopen=False)
    assert complaint.status == "closed"
    actions = list(AuditEntry.objects.filter(object_type="accountability.complaint").values_list("action", flat=True))
    assert actions == ["accountability.submit_complaint", "accountability.accept_complaint",
                       "accountability.conclude_complaint", "accountability.reply_complaint",
                       "accountability.appeal_complaint", "accountability.close_complaint"]


def test_a_refusal_needs_its_reason(tree, officer):
    complaint, _ = complain(tree["market"])
    with pytest.raises(ValidationError):
        do_accept_complaint(actor=officer, complaint=complaint, accept=False, reason=" ")
    assert do_accept_complaint(actor=officer, complaint=complaint, accept=False, reason="不属于行政过错").status == "rejected"
    assert category().complaints.count() == 1


def test_substantiated_complaints_per_10000_of_the_population_served(tree, officer):
    from zeren.accountability.indicators import SOURCES

    Unit.objects.filter(code="SZ").update(population=17_661_800)
    Unit.objects.filter(code="SZ-FT").update(population=1_530_700)
    for unit, conclusion in ((tree["market"], "substantiated"), (tree["market_div"], "partly"),
                             (tree["housing"], "unsubstantiated"), (tree["district_market"], "substantiated"),
                             (tree["street"], "substantiated")):
        complaint, _ = complain(unit)
        complaint = do_accept_complaint(actor=officer, complaint=complaint, accept=True)
        do_conclude_complaint(actor=officer, complaint=complaint, conclusion=conclusion, note="查明",
                              on=date(2026, 3, 1))
    outside = make_unit("XX", kind="government", name="无人口数据的单位")
    compute = SOURCES["accountability.substantiated_complaints"]["compute"]
    assert SOURCES["accountability.substantiated_complaints"]["measure"] == "per 10,000 population"
    values = compute(["SZ-SCJG", "SZ-ZJ", "SZ-FT", "SZ-FT-SCJG", "SZ-FT-J01", "SZ", outside.code],
                     date(2026, 1, 1), date(2026, 12, 31))
    assert {code: value for code, (value, _n) in values.items()} == pytest.approx({
        "SZ-SCJG": 2 * 10_000 / 17_661_800,  # a city department: the city's residents; its division counts
        "SZ-ZJ": 0.0,
        "SZ-FT": 2 * 10_000 / 1_530_700,  # the district: its bureau's and its street's complaints
        "SZ-FT-SCJG": 10_000 / 1_530_700,  # a district bureau serves the district
        "SZ-FT-J01": 10_000 / 1_530_700,  # a street without its own figure: the district's
        "SZ": 4 * 10_000 / 17_661_800,
    })  # the unit with no population on itself or above has no value
    assert {n for _value, n in values.values()} == {None}
    Unit.objects.filter(code="SZ-FT-J01").update(population=95_000)
    assert compute(["SZ-FT-J01"], date(2026, 1, 1), date(2026, 12, 31))["SZ-FT-J01"][0] == pytest.approx(10_000 / 95_000)
    assert compute(["SZ-SCJG"], date(2025, 1, 1), date(2025, 12, 31)) == {"SZ-SCJG": (0.0, None)}
