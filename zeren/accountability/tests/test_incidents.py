"""Incidents and responsibility reviews (责任检讨及失职道歉): due dates, escalation, refusals, apologies."""

import json
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zeren.accountability.actions import (
    do_escalate_overdue_reviews,
    do_publish_apology,
    do_record_refusal,
    do_register_incidents,
    do_submit_review,
)
from zeren.accountability.models import Incident, IncidentReview
from zeren.accountability.rules import review_due
from zeren.audit.models import AuditEntry
from zeren.findings.models import Finding
from zeren.org.testing import make_user, run_command
from zeren.workdays import WorkCalendar

pytestmark = pytest.mark.django_db
CAL = WorkCalendar.china()


def test_the_review_is_due_on_the_20th_working_day_across_spring_festival_and_national_day():
    # Spring Festival 2026: off 02-15..02-23, Saturdays 02-14 and 02-28 worked (调休). From Fri 02-06:
    # 02-09..13 (5), Sat 02-14 (6), 02-24..27 (10), Sat 02-28 (11), 03-02..06 (16), 03-09..12 (20).
    assert review_due(CAL, date(2026, 2, 6)) == date(2026, 3, 12)
    # National Day 2026: off 10-01..10-07, Saturday 10-10 worked. From Fri 09-25: 09-28..30 (3),
    # 10-08, 10-09 (5), Sat 10-10 (6), 10-12..16 (11), 10-19..23 (16), 10-26..29 (20).
    assert review_due(CAL, date(2026, 9, 25)) == date(2026, 10, 29)
    # An incident on a holiday: 10-08, 10-09 (2), Sat 10-10 (3), 10-12..16 (8), 10-19..23 (13),
    # 10-26..30 (18), 11-02, 11-03 (20).
    assert review_due(CAL, date(2026, 10, 1)) == date(2026, 11, 3)


def incident_rows():
    return [{"code": "SJ-2026-01", "category": "food_safety", "date": "2026-09-25", "severity": "major",
             "title": "某学校食堂集体食物中毒", "units": ["SZ-SCJG", "SZ-FT-SCJG"]},
            {"code": "SJ-2026-02", "category": "work_safety", "date": "2026-02-06", "severity": "relatively_major",
             "title": "某工地塔吊倒塌", "units": ["SZ-ZJ"]}]


def test_import_incidents_command_then_reviews_jsonl(tree, write_json, capsys):
    code, out = run_command("accountability", "import-incidents", str(write_json(incident_rows())))
    assert code == 0 and "2 registered, 3 reviews due" in out
    assert IncidentReview.objects.get(incident__code="SJ-2026-01", unit__code="SZ-SCJG").due == date(2026, 10, 29)
    code, out = run_command("accountability", "reviews", "--as-of", "2026-10-29", "--format", "jsonl")
    lines = [json.loads(line) for line in out.splitlines()]
    assert lines[0] == {"incident": "SJ-2026-02", "unit": "SZ-ZJ", "due": "2026-03-12", "status": "overdue"}
    assert {line["unit"]: line["status"] for line in lines[1:]} == {"SZ-FT-SCJG": "pending", "SZ-SCJG": "pending"}
    assert AuditEntry.objects.filter(action="accountability.register_incident").count() == 2


def test_a_bad_incident_file_is_refused_whole_with_every_error(tree, write_json):
    rows = incident_rows()
    rows[0]["units"] = ["SZ-SCJG", "NOPE"]
    rows[1].update(category="earthquake", date="2026-02-30", severity="huge")
    code, out = run_command("accountability", "import-incidents", str(write_json(rows)))
    assert code != 0 and "nothing was imported" in out
    for expected in ("incidents.json row 1 field units: unknown unit 'NOPE'", "row 2 field category: 'earthquake'",
                     "row 2 field date: '2026-02-30'", "row 2 field severity: 'huge'"):
        assert expected in out
    assert not Incident.objects.exists()
    code, out = run_command("accountability", "import-incidents", str(write_json({"not": "a list"}, "x.json")))
    assert code != 0 and "a JSON list of incidents expected" in out


def test_overdue_review_escalates_once_and_raises_one_finding_however_often_the_job_runs(tree):
    do_register_incidents(actor=None, rows=incident_rows())
    assert do_escalate_overdue_reviews(as_of=date(2026, 10, 29)) == 1  # only SJ-2026-02 is late by then
    assert do_escalate_overdue_reviews(as_of=date(2026, 10, 30)) == 2
    for _ in range(3):  # the daily job, again and again
        assert do_escalate_overdue_reviews(as_of=date(2026, 10, 30)) == 0
        assert do_escalate_overdue_reviews(as_of=date(2026, 11, 2)) == 0
    code, out = run_command("accountability", "escalate", "--as-of", "2026-11-03")
    assert code == 0 and "escalated 0" in out
    findings = Finding.objects.filter(cause="accountability.review_overdue")
    assert findings.count() == 3 and set(findings.values_list("status", flat=True)) == {"open"}
    review = IncidentReview.objects.get(incident__code="SJ-2026-01", unit__code="SZ-FT-SCJG")
    assert review.escalated_on == date(2026, 10, 30) and review.escalated_to.code == "SZ-FT"
    assert AuditEntry.objects.filter(action="accountability.escalate_review").count() == 3

    staff = make_user("ft", "staff", tree["district_market"])
    do_submit_review(actor=staff, review=review, measures_appropriate=False, rules_missing=True,
                     findings_text="日常巡查缺位", corrective_actions="建立校园食堂周检制度", negligent=True,
                     on=date(2026, 11, 3))
    late = findings.get(evidence_id=str(review.pk))
    assert late.status == "resolved" and "2026-11-03" in late.status_reason


def test_refusals_are_findings_and_the_apology_is_published_but_closes_nothing(tree, officer):
    do_register_incidents(actor=None, rows=incident_rows())
    review = IncidentReview.objects.get(incident__code="SJ-2026-01", unit__code="SZ-SCJG")
    staff = make_user("sc", "staff", tree["market"])
    with pytest.raises(PermissionDenied):
        do_record_refusal(actor=staff, review=review, what="review", note="x")
    finding = do_record_refusal(actor=officer, review=review, what="review", note="两次督促仍拒不检讨")
    assert finding.cause == "accountability.review_refused" and finding.details["measure"] == "通报批评"
    with pytest.raises(ValidationError):
        do_publish_apology(actor=staff, review=review, statement="致歉", medium="newspaper")  # no review yet
    do_submit_review(actor=staff, review=review, measures_appropriate=False, rules_missing=False,
                     findings_text="抽检频次不足", corrective_actions="加密抽检", negligent=True)
    assert Finding.objects.get(pk=finding.pk).status == "resolved"
    apology_refusal = do_record_refusal(actor=officer, review=review, what="apology", note="逾期未道歉")
    apology = do_publish_apology(actor=staff, review=review, statement="我局对此次事件监管失职，向公众诚恳道歉。",
                                 medium="press_conference", medium_detail="市政府新闻办发布会")
    assert IncidentReview.objects.get(pk=review.pk).refusal == "" and apology.published_on
    assert Finding.objects.get(pk=apology_refusal.pk).status == "resolved"
    with pytest.raises(ValidationError):
        do_publish_apology(actor=staff, review=review, statement="again", medium="newspaper")
    with pytest.raises(ValidationError):
        do_record_refusal(actor=officer, review=review, what="apology", note="x")
