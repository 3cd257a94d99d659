"""Fault-liability cases (行政过错责任追究) from findings: statement, decision on the ladder, filing, appeal."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zeren.accountability.actions import (
    do_appeal_case,
    do_decide_case,
    do_decide_case_appeal,
    do_dismiss_findings,
    do_file_case,
    do_open_case,
    do_record_statement,
    sanction_ladder,
)
from zeren.accountability.models import CaseSource, SanctionLevel
from zeren.accountability.rules import case_source, recommend_rank
from zeren.audit.models import AuditEntry
from zeren.findings import causes
from zeren.findings.actions import do_raise_finding
from zeren.findings.models import Finding
from zeren.org.models import Person
from zeren.org.testing import make_user

pytestmark = pytest.mark.django_db


def finding(unit, n, cause="red_card"):
    return do_raise_finding(actor=None, dedupe_key=f"supervision:{cause}:case:C{n}", cause=cause,
                            source_app="supervision", title=f"办件 C{n} 超期", unit=unit,
                            evidence_type="supervision.approvalcase", evidence_id=f"C{n}")[0]


def test_the_ladder_is_configurable_and_the_recommendation_weighs_factors(tree, settings):
    assert [s.code for s in sanction_ladder()][:2] == ["written_self_criticism", "circulated_criticism"]
    assert recommend_rank("delay", [], [], 7) == 0
    assert recommend_rank("abuse", ["repeat", "obstruction"], [], 7) == 5
    assert recommend_rank("abuse", ["repeat"], ["confessed", "minor", "self_corrected", "third_party"], 7) == 0
    assert recommend_rank("negligence", ["repeat"] * 9, [], 7) == 6
    settings.ZEREN_ACCOUNTABILITY = {"fault_base_rank": {"delay": 3}}
    assert recommend_rank("delay", [], [], 7) == 3
    assert case_source([("supervision", "fee_over_standard"), ("supervision", "red_card")]) == "red_card"
    assert case_source([("accountability", "accountability.review_overdue")]) == "incident_review"
    assert case_source([("targets", "targets.overdue")]) == "target"
    assert case_source([("oversight", "oversight.inspection")]) == "inspection"
    assert case_source([("oversight", "oversight.disclosure_overdue"), ("oversight", "oversight.referral")]) == "referral"


def test_every_declared_cause_gives_a_case_source_of_its_own_kind():
    """Each cause any producer declares (zeren.findings.causes) maps to a case source, never 'other';
    oversight's four causes to four different sources (before, all were 'referral')."""
    declared = causes.registry()
    assert all(case_source([(app, cause)]) in CaseSource.values and case_source([(app, cause)]) != "other"
               for cause, (app, _label) in declared.items())
    oversight = {cause for cause, (app, _label) in declared.items() if app == "oversight"}
    assert len(oversight) == 4 and len({case_source([("oversight", c)]) for c in oversight}) == 4


def test_a_case_from_two_findings_through_decision_filing_and_appeal(tree, officer):
    f1, f2 = finding(tree["market"], 1), finding(tree["market"], 2)
    head = Person.objects.create(code="P-1", name="李局长")
    staff = make_user("sc", "staff", tree["market"])
    with pytest.raises(PermissionDenied):
        do_open_case(actor=staff, subject_kind="unit", unit=tree["market"], fault_type="delay", source="red_card",
                     summary="x", findings=[f1])
    case = do_open_case(actor=officer, subject_kind="admin_head", unit=tree["market"], person=head,
                        fault_type="delay", source="red_card", summary="连续两件红牌", findings=[f1, f2],
                        on=date(2026, 11, 2))
    assert case.number == "WZ2026-0001" and set(Finding.objects.values_list("status", flat=True)) == {"accepted"}
    ladder = {s.code: s for s in sanction_ladder()}
    with pytest.raises(ValidationError):  # not before the statement was heard
        do_decide_case(actor=officer, case=case, sanction=ladder["admonition_talk"], decision="x")
    case = do_record_statement(actor=staff, case=case, statement="系统故障导致超期，已整改")
    with pytest.raises(ValidationError, match="未知的情节"):
        do_decide_case(actor=officer, case=case, sanction=ladder["admonition_talk"], decision="x", aggravating=["rude"])
    case = do_decide_case(actor=officer, case=case, sanction=ladder["admonition_talk"], decision="超期两件，情节较轻",
                          aggravating=["repeat"], mitigating=["self_corrected"], on=date(2026, 11, 6))
    assert case.filing_due == date(2026, 11, 27)  # 15 working days
    assert set(Finding.objects.values_list("status", flat=True)) == {"resolved"}
    case = do_file_case(actor=officer, case=case, on=date(2026, 11, 30))
    assert case.filed_with == tree["city"] and AuditEntry.objects.get(action="accountability.file_case").reason == "逾期备案"
    case = do_appeal_case(actor=staff, case=case, appeal="处理过重")
    case = do_decide_case_appeal(actor=officer, case=case, outcome="varied", decision="改为书面检查",
                                 sanction=ladder["written_self_criticism"])
    assert case.status == "closed" and case.sanction.code == "written_self_criticism"
    assert AuditEntry.objects.filter(object_type="accountability.faultcase").count() == 6
    # The annual report names the sanction in the reader's language, in its tables and its list.
    from django.utils import translation

    from zeren.accountability.stats import annual_report

    sanction = case.sanction
    with translation.override("en"):
        report = annual_report(2026)
    assert sanction.name_en and report["by_sanction"] == [(sanction.name_en, 1)]
    assert report["cases"][0]["sanction"] == sanction.name_en
    assert annual_report(2026)["by_sanction"] == [(sanction.name, 1)]


def test_a_unit_cannot_be_given_a_personal_sanction_and_findings_can_be_dismissed(tree, officer):
    f1 = finding(tree["housing"], 3)
    case = do_open_case(actor=officer, subject_kind="unit", unit=tree["housing"], fault_type="procedure",
                        source="red_card", summary="程序违规", findings=[f1])
    do_record_statement(actor=officer, case=case, statement="放弃陈述申辩")
    with pytest.raises(ValidationError, match="只适用于个人"):
        do_decide_case(actor=officer, case=case, sanction=SanctionLevel.objects.get(code="removal") if
                       sanction_ladder() else None, decision="x")
    f4 = finding(tree["housing"], 4)
    with pytest.raises(ValidationError):
        do_dismiss_findings(actor=officer, findings=[f4], reason="")
    assert do_dismiss_findings(actor=officer, findings=[f4], reason="数据录入错误，已核实") == 1
    assert Finding.objects.get(pk=f4.pk).status == "dismissed"


def test_evaluation_commendation_findings_become_candidates_and_follow_the_decision(client, tree, officer):
    from zeren.accountability.models import Commendation

    top = do_raise_finding(actor=None, dedupe_key="evaluation:evaluation.commendation:1:SZ-ZJ",
                           cause="evaluation.commendation", source_app="evaluation", title="绩效评估表彰候选：住建局 第1名",
                           unit=tree["housing"], evidence_type="evaluation.result", evidence_id="1")[0]
    client.force_login(officer)
    assert "1 个表彰线索" in client.get("/accountability/commendations/").content.decode()
    client.post("/accountability/commendations/", {"take": "1"})
    client.post("/accountability/commendations/", {"take": "1"})  # once each
    row = Commendation.objects.get()
    assert row.finding == top and row.status == "candidate"
    client.post("/accountability/commendations/", {"id": row.pk, "award": "1"})
    assert Commendation.objects.get().status == "awarded" and Finding.objects.get(pk=top.pk).status == "resolved"
