"""Loop 1: recalibration proposals from two rounds, decided with a reason into drafts."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from zeren.audit.models import AuditEntry
from zeren.duties.actions import current_contents, do_decide_change
from zeren.duties.models import DraftChange
from zeren.duties.tests.factories import content, load
from zeren.evaluation.actions import (
    DutyDraft,
    do_create_round,
    do_decide_proposal,
    do_generate_proposals,
    do_import_system,
    do_import_values,
    do_score_round,
)
from zeren.evaluation.models import Proposal
from zeren.findings.models import Finding
from zeren.org.testing import make_small_tree, make_unit, make_user
from zeren.targets.models import Target, TargetState

pytestmark = pytest.mark.django_db
UNITS = ["SZ-SCJG", "SZ-ZJ", "SZ-D1"]
PROJECTS = {"SZ-SCJG": 15, "SZ-ZJ": 5, "SZ-D1": 10}  # far over, far under, on target — in both rounds


@pytest.fixture
def two_rounds():
    tree = make_small_tree()
    make_unit("SZ-D1", tree["city"])
    system = do_import_system(actor=None, data={
        "code": "S", "name": "体系", "peer_group": UNITS, "indicators": [
            {"code": "P", "name": "重点项目完成数", "unit": "项", "normalisation": "target", "target": 10, "weight": 2},
            {"code": "C", "name": "档案规范率", "unit": "%", "weight": 1},
            {"code": "Q", "name": "办结质量", "unit": "分", "weight": 1}]})
    rounds = []
    for year in (2025, 2026):
        rnd = do_create_round(actor=None, system=system, name=f"{year}", start=date(year, 1, 1), end=date(year, 12, 31))
        rows = [{"unit": u, "indicator": "P", "value": v} for u, v in PROJECTS.items()]
        rows += [{"unit": u, "indicator": "C", "value": 1.0} for u in UNITS]  # no variation at all
        rows += [{"unit": u, "indicator": "Q", "value": {"SZ-SCJG": 90, "SZ-ZJ": 40, "SZ-D1": 80}[u]} for u in UNITS]
        do_import_values(actor=None, rnd=rnd, rows=rows, file="v.json")
        do_score_round(actor=None, rnd=rnd)
        rounds.append(rnd)
    return tree, rounds


def test_proposals_from_two_rounds_and_their_decisions(two_rounds):
    tree, (first, second) = two_rounds
    assert do_generate_proposals(actor=None, rnd=second) >= 4
    assert do_generate_proposals(actor=None, rnd=second) == 0  # idempotent
    kinds = {(p.kind, p.unit.code if p.unit else None, p.indicator.code) for p in Proposal.objects.all()}
    assert ("target_too_soft", "SZ-SCJG", "P") in kinds
    assert ("target_unrealistic", "SZ-ZJ", "P") in kinds
    assert ("zero_variance", None, "C") in kinds
    assert ("duty_review", "SZ-ZJ", "Q") in kinds

    soft = Proposal.objects.get(kind="target_too_soft")
    officer = make_user("perf", "performance_officer", tree["city"])
    staff = make_user("staff", "staff", tree["market"])
    with pytest.raises(PermissionDenied):
        do_decide_proposal(actor=staff, proposal=soft, accept=True, reason="x")
    with pytest.raises(ValidationError, match="理由"):
        do_decide_proposal(actor=officer, proposal=soft, accept=True, reason="")
    decided = do_decide_proposal(actor=officer, proposal=soft, accept=True, reason="连续两年超额50%",
                                 suggestion="2027年目标调整为15项")
    target = Target.objects.get(code="EVAL-2027-SZ-SCJG-P")
    assert target.state == TargetState.DRAFT and target.target_value == 15 and target.year == 2027
    assert decided.draft == "targets.target:EVAL-2027-SZ-SCJG-P" and decided.suggestion == "2027年目标调整为15项"
    with pytest.raises(ValidationError, match="decided already"):
        do_decide_proposal(actor=officer, proposal=soft, accept=False, reason="again")

    # A duty to review becomes a draft change in the duties catalogue's draft batch, not a finding; the
    # 编办 approves it and the catalogue changes, audited.
    load([content("ZJ-1", "建筑工程施工许可", ["SZ-ZJ"], category="行政确认", basis="《中华人民共和国建筑法》第七条")])
    duty = Proposal.objects.get(kind="duty_review")
    with pytest.raises(ValidationError, match="权责事项编码"):
        do_decide_proposal(actor=officer, proposal=duty, accept=True, reason="连续低分")
    with pytest.raises(ValidationError, match="不存在或已取消"):
        do_decide_proposal(actor=officer, proposal=duty, accept=True, reason="连续低分",
                           duty=DutyDraft(item_code="ZJ-404", add_matter="x"))
    assert Proposal.objects.get(pk=duty.pk).status == "open"  # refused as a whole
    client = Client()  # through the proposals page, as the performance office would
    client.force_login(officer)
    assert "权责事项编码" in client.get("/evaluation/proposals/?status=open").content.decode()
    client.post(f"/evaluation/proposals/{duty.pk}/", {"decision": "accept", "reason": "连续低分", "item": "ZJ-1",
                                                      "duty_change": "amend", "add_matter": "质量责任：办结质量按季度自查整改"})
    duty.refresh_from_db()
    change = DraftChange.objects.get()
    assert duty.draft == f"duties.draftchange:{change.pk}" and change.origin == f"evaluation.proposal:{duty.pk}"
    assert change.status == "pending" and change.unit == tree["housing"] and "连续低分" in change.reason
    assert "质量责任：办结质量按季度自查整改" not in current_contents(["ZJ-1"])["ZJ-1"][1]["responsibility_matters"]
    assert not Finding.objects.filter(cause="evaluation.recalibration").exists()
    editor = make_user("bianban", "establishment_officer", tree["city"])
    do_decide_change(actor=editor, change=change, approve=True, reason="同意")
    assert "质量责任：办结质量按季度自查整改" in current_contents(["ZJ-1"])["ZJ-1"][1]["responsibility_matters"]
    assert AuditEntry.objects.filter(action="duties.approve_change", object_id=str(change.pk)).exists()
    rejected = do_decide_proposal(actor=officer, proposal=Proposal.objects.get(kind="zero_variance"), accept=False,
                                  reason="该指标为合规底线，保留")
    assert rejected.status == "rejected" and not rejected.draft
    assert AuditEntry.objects.filter(action="evaluation.decide_proposal").count() == 3


def test_the_performance_office_acts_over_the_city_when_other_roots_sort_first():
    """The city is the government at the root, not the first root by path: the people's congress (/SZ-RD/) and
    a party organ (/SZ-BB/) sort before /SZ/, and the performance office was refused every round action in the
    demo city (found by the write matrix, zeren/access/tests/write_matrix.py)."""
    from zeren.evaluation.actions import check_evaluate, city
    from zeren.org.models import UnitKind

    tree = make_small_tree()
    make_unit("SZ-RD", kind=UnitKind.PEOPLES_CONGRESS)
    make_unit("SZ-BB", kind=UnitKind.OTHER)
    assert city() == tree["city"]
    check_evaluate(make_user("perf", "performance_officer", tree["city"]))
    with pytest.raises(PermissionDenied):
        check_evaluate(make_user("ft-perf", "performance_officer", tree["district"]))
