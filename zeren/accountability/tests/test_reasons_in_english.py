"""Status reasons written by code read in the UI's language: a finding's 处理说明 set by accountability
(检讨已于…提交, 立案问责…, 问责决定…) is stored in Chinese with a message and its parameters, and the finding
page, the inbox export and the findings API render it in English or Chinese; a reason a user wrote, or one
stored before reasons were messages, shows as stored. A commendation candidate taken from a finding
shows the finding's title as its 事由. The audit entries keep the reason as Chinese text (the chain is
untouched); the audit pages show a text that is exactly a known message's wording in the reader's language."""

from datetime import date

import pytest

from zeren.accountability.actions import (
    do_appeal_case,
    do_decide_case,
    do_decide_case_appeal,
    do_escalate_overdue_reviews,
    do_open_case,
    do_record_statement,
    do_register_incidents,
    do_submit_review,
    do_take_commendation_findings,
    sanction_ladder,
)
from zeren.accountability.models import Commendation, IncidentReview
from zeren.audit.models import AuditEntry
from zeren.evaluation import causes as evaluation_causes
from zeren.findings.actions import do_raise_finding, do_set_finding_status
from zeren.findings.causes import names, titled
from zeren.findings.models import Finding
from zeren.org.testing import make_user

pytestmark = pytest.mark.django_db


def pages(client, finding, language):
    """The finding page, the inbox export and the API's finding, in ``language``."""
    client.cookies["django_language"] = language
    return (client.get(f"/accountability/findings/{finding.pk}/").content.decode(),
            client.get("/accountability/inbox/export.csv?status=").content.decode("utf-8-sig"),
            client.get(f"/api/v1/findings/{finding.pk}").json()["status_reason"])


@pytest.fixture
def overdue(tree):
    do_register_incidents(actor=None, rows=[{"code": "SJ-2026-02", "category": "work_safety", "date": "2026-02-06",
                                             "severity": "relatively_major", "title": "某工地塔吊倒塌",
                                             "units": ["SZ-ZJ"]}])
    do_escalate_overdue_reviews(as_of=date(2026, 10, 29))
    return Finding.objects.get(cause="accountability.review_overdue")


def test_a_submitted_review_resolves_its_finding_with_a_reason_in_the_readers_language(client, officer, overdue):
    review = IncidentReview.objects.get()
    staff = make_user("housing_staff", "staff", review.unit)
    do_submit_review(actor=staff, review=review, measures_appropriate=True, rules_missing=False,
                     findings_text="已查明", corrective_actions="已整改", negligent=False, on=date(2026, 11, 2))
    overdue.refresh_from_db()
    assert overdue.status == "resolved" and overdue.status_reason == "检讨已于 2026-11-02 提交"  # stored in Chinese
    assert overdue.status_reason_key == "accountability.review_submitted"
    client.force_login(officer)
    html, csv, api = pages(client, overdue, "en")
    assert "Review submitted on 2026-11-02" in html and "检讨已于" not in html
    assert "Review submitted on 2026-11-02" in csv and api == "Review submitted on 2026-11-02"
    html, csv, api = pages(client, overdue, "zh-hans")
    assert "检讨已于 2026-11-02 提交" in html and "检讨已于 2026-11-02 提交" in csv and api == "检讨已于 2026-11-02 提交"


def test_opening_and_deciding_a_case_write_reasons_in_the_readers_language(client, officer, tree, overdue):
    case = do_open_case(actor=officer, subject_kind="unit", unit=tree["housing"], fault_type="negligence",
                        source="incident_review", summary="逾期未检讨", findings=[overdue], on=date(2026, 11, 2))
    client.force_login(officer)
    html, _csv, api = pages(client, overdue, "en")
    assert f"Accountability case {case.number} opened" in html and api == f"Accountability case {case.number} opened"
    do_record_statement(actor=officer, case=case, statement="放弃陈述申辩")
    ladder = {s.code: s for s in sanction_ladder()}
    do_decide_case(actor=officer, case=case, sanction=ladder["circulated_criticism"], decision="情节较轻",
                   on=date(2026, 11, 6))
    overdue.refresh_from_db()
    assert overdue.status_reason == f"问责决定 {case.number}：通报批评"
    html, csv, api = pages(client, overdue, "en")
    english = f"Decision in case {case.number}: {ladder['circulated_criticism'].name_en}"
    assert english in html and english in csv and api == english and "问责决定" not in html
    _html, _csv, api = pages(client, overdue, "zh-hans")
    assert api == f"问责决定 {case.number}：通报批评"


def test_a_reason_a_user_wrote_or_stored_before_shows_as_stored(client, officer, tree, overdue):
    do_set_finding_status(actor=officer, finding=overdue, status="dismissed", reason="已另案处理")
    overdue.refresh_from_db()
    assert overdue.status_reason_key == "" and overdue.status_reason_params == {}
    Finding.objects.filter(pk=overdue.pk).update(status_reason="立案问责 WZ2025-0001")  # a row of an older version
    client.force_login(officer)
    html, _csv, api = pages(client, overdue, "en")
    assert "立案问责 WZ2025-0001" in html and api == "立案问责 WZ2025-0001"
    # a key no installed app declares, or parameters that no longer fit: the stored text
    Finding.objects.filter(pk=overdue.pk).update(status_reason_key="accountability.case_decided",
                                                 status_reason_params={"case": "WZ2025-0001"})
    _html, _csv, api = pages(client, overdue, "en")
    assert api == "立案问责 WZ2025-0001"


def test_a_commendation_taken_from_a_finding_shows_its_title_in_the_readers_language(client, officer, tree):
    tree["housing"].name_en = "Housing Bureau"
    tree["housing"].save()
    top, _ = do_raise_finding(
        actor=None, dedupe_key="evaluation:top:1", cause=evaluation_causes.COMMENDATION, source_app="evaluation",
        unit=tree["housing"], evidence_type="evaluation.round", evidence_id="1",
        **titled(evaluation_causes.COMMENDATION, unit=names(tree["housing"].name, "Housing Bureau"), round="2026",
                 rank=1))
    do_take_commendation_findings(actor=officer, findings=[top])
    assert Commendation.objects.get().reason == top.title  # stored in Chinese
    client.force_login(officer)
    client.cookies["django_language"] = "en"
    html = client.get("/accountability/commendations/").content.decode()
    assert "Housing Bureau" in html and top.title not in html
    client.cookies["django_language"] = "zh-hans"
    assert top.title in client.get("/accountability/commendations/").content.decode()


def test_the_audit_pages_show_a_reason_code_wrote_in_the_readers_language(client, officer, tree, overdue):
    case = do_open_case(actor=officer, subject_kind="unit", unit=tree["housing"], fault_type="negligence",
                        source="incident_review", summary="逾期未检讨", findings=[overdue], on=date(2026, 11, 2))
    entry = AuditEntry.objects.get(action="findings.set_status", object_id=str(overdue.pk))
    assert entry.reason == f"立案问责 {case.number}"  # stored as written, Chinese
    assert "status_reason_key" not in entry.changes and entry.changes["status_reason"] == ["", entry.reason]
    client.force_login(officer)
    history = f"/audit/history/findings.finding/{overdue.pk}/"
    client.cookies["django_language"] = "en"
    for page in (history, "/audit/"):
        html = client.get(page).content.decode()
        assert f"Accountability case {case.number} opened" in html and "立案问责" not in html, page
    client.cookies["django_language"] = "zh-hans"
    assert f"立案问责 {case.number}" in client.get(history).content.decode()


def test_an_appeals_outcome_is_labelled_in_the_readers_language(client, officer, tree, overdue):
    """The case page showed the stored code (varied) as the appeal's outcome, and offered the outcomes in
    Chinese in the English UI; the audit entry's reason stays Chinese (变更)."""
    case = do_open_case(actor=officer, subject_kind="unit", unit=tree["housing"], fault_type="negligence",
                        source="incident_review", summary="逾期未检讨", findings=[overdue], on=date(2026, 11, 2))
    client.force_login(officer)
    client.cookies["django_language"] = "en"
    do_record_statement(actor=officer, case=case, statement="放弃陈述申辩")
    ladder = {s.code: s for s in sanction_ladder()}
    do_decide_case(actor=officer, case=case, sanction=ladder["circulated_criticism"], decision="情节较轻")
    do_appeal_case(actor=officer, case=case, appeal="处理过重")
    html = client.get(f"/accountability/cases/{case.pk}/").content.decode()
    assert all(f">{label}</option>" in html for label in ("Upheld", "Varied", "Revoked"))
    do_decide_case_appeal(actor=officer, case=case, outcome="varied", decision="改为书面检查",
                          sanction=ladder["written_self_criticism"])
    assert AuditEntry.objects.get(action="accountability.decide_case_appeal").reason == "变更"
    html = client.get(f"/accountability/cases/{case.pk}/").content.decode()
    assert "<strong>Varied</strong>" in html and ">varied<" not in html
    client.cookies["django_language"] = "zh-hans"
    assert "<strong>变更</strong>" in client.get(f"/accountability/cases/{case.pk}/").content.decode()
