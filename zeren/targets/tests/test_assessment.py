"""The annual assessment (公务员年度考核) through the real actions: grades proposed from the position
description's standards and the people's targets, confirmed or changed with a reason by the
committee within the 优秀 quota, and the appeal with its working-day limits.

Calendar facts (State Council schedules, as in test_rules.py): National Day 2025 with Mid-Autumn,
1–8 October off; Spring Festival 2026, 15–23 February off with Saturday 14 and Saturday 28 February
worked; Qingming 2026, 4–6 April off.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zeren.audit.models import AuditEntry
from zeren.duties.actions import do_save_position_description
from zeren.findings.models import Finding
from zeren.targets import actions
from zeren.targets.actions import Decision, MilestoneSpec, TargetSpec
from zeren.targets.models import Appeal, AppealStatus, Assessment, Grade
from zeren.targets.tests.conftest import person

CRITERIA = ["年度考核：德、能、勤、绩、廉", "事项办理按时办结率不低于95%"]


@pytest.fixture
def staff(tree, people):
    """12 non-leading staff of the registration division, each post with a position description of two
    standards; with the division's clerk (a post without a description) 13 are assessed. The bureau
    head holds a leading post: not among them."""
    found = [person(f"S{i:02d}", f"科员{i}", tree["market_div"]) for i in range(12)]
    for p in found:
        do_save_position_description(actor=None, post=p.memberships.get().post, item_codes=[], duties=["登记注册"],
                                     qualifications=[], assessment_criteria=CRITERIA, training_requirements=[])
    return found


def two_targets(tree, people, who, n: int) -> dict[str, object]:
    """Two 2025 targets of ``who``: A, 0 → 10 licences by Tue 30 Sep (weight 60); B, qualitative with
    milestones due Mon 30 Jun and Wed 31 Dec (weight 40)."""
    specs = [
        TargetSpec(code=f"A{n}", year=2025, title="办件", unit=tree["market_div"], leader=people["market_head"],
                   person=who, weight=60, start=date(2025, 1, 2), deadline=date(2025, 9, 30), baseline=0,
                   target_value=10),
        TargetSpec(code=f"B{n}", year=2025, title="制度建设", unit=tree["market_div"], leader=people["market_head"],
                   person=who, weight=40, kind="qualitative", start=date(2025, 1, 2), deadline=date(2025, 12, 31),
                   milestones=[MilestoneSpec("M1", "方案", date(2025, 6, 30), deliverable="方案"),
                               MilestoneSpec("M2", "总结", date(2025, 12, 31), deliverable="总结")]),
    ]
    return {t.code: t for t in actions.do_import_targets(actor=None, specs=specs)}


def report(users, target, day, value=None, milestone=None):
    m = target.milestones.get(code=milestone) if milestone else None
    actions.do_report_progress(actor=users["market"], target=target, day=day, value=value, milestone=m)


@pytest.fixture
def round_2025(tree, people, users, staff):
    """S00 completes both targets on time. S01 reports 6 of 10 on 30 Sep and 10 only on Thu 9 Oct, the
    first working day after the National Day holiday: completed by the year's end, but late. S02 reaches
    4 of 10 (p = 0.4) and one milestone of two (p = 0.5): weighted (60 × 0.4 + 40 × 0.5) / 100 = 0.44.
    The other nine and the clerk have no targets."""
    s0, s1, s2 = (two_targets(tree, people, staff[i], i) for i in range(3))
    for n, targets in enumerate((s0, s1, s2)):
        report(users, targets[f"B{n}"], date(2025, 6, 27), milestone="M1")
    report(users, s0["A0"], date(2025, 9, 30), 10)
    report(users, s0["B0"], date(2025, 12, 30), milestone="M2")
    report(users, s1["A1"], date(2025, 9, 30), 6)
    report(users, s1["A1"], date(2025, 10, 9), 10)
    report(users, s1["B1"], date(2025, 12, 31), milestone="M2")
    report(users, s2["A2"], date(2025, 12, 1), 4)
    return {row.person.code: row for row in actions.do_propose_assessments(
        actor=users["market"], unit=tree["market"], year=2025, as_of=date(2025, 12, 31))}


def test_grades_are_proposed_from_standards_and_targets(round_2025):
    rows = round_2025
    assert len(rows) == 13  # the bureau head holds a leading post: not in the round
    assert {code: r.proposed_grade for code, r in rows.items() if code in ("S00", "S01", "S02", "S03")} == {
        "S00": Grade.EXCELLENT, "S01": Grade.COMPETENT, "S02": Grade.BASIC, "S03": Grade.COMPETENT}
    late = rows["S01"].basis
    assert late["reasons"] == ["not_all_on_time"] and late["progress"] == 1.0
    assert {t["code"]: (t["status"], t["on_time"]) for t in late["targets"]} == {
        "A1": ("completed", False), "B1": ("completed", True)}
    assert rows["S02"].basis["progress"] == pytest.approx(0.44)
    assert [c["met"] for c in rows["S02"].basis["criteria"]] == [True, True]
    assert rows["S03"].basis["reasons"] == ["no_targets"] and rows["S03"].basis["post"]["label"] == "科员"
    clerk = rows["P-CLERK"]  # no targets, and a post without a position description
    assert clerk.proposed_grade == Grade.COMPETENT and clerk.basis["reasons"] == ["no_targets", "no_criteria"]
    assert all(not r.confirmed and r.notified_on is None for r in rows.values())


def test_a_standard_judged_unmet_re_derives_the_proposal(round_2025, tree, users):
    s02 = round_2025["S02"]
    [row] = actions.do_propose_assessments(actor=users["market"], unit=tree["market"], year=2025,
                                           as_of=date(2025, 12, 31), person_ids=[s02.person_id],
                                           unmet={s02.person_id: [1]})
    assert row.pk == s02.pk and row.proposed_grade == Grade.INCOMPETENT  # p = 0.44 < 0.5 and a standard unmet
    assert [c["met"] for c in row.basis["criteria"]] == [True, False]
    # a later proposal of the whole round keeps the judgment
    again = {r.person.code: r for r in actions.do_propose_assessments(
        actor=users["market"], unit=tree["market"], year=2025, as_of=date(2025, 12, 31))}
    assert again["S02"].proposed_grade == Grade.INCOMPETENT
    assert AuditEntry.objects.filter(action="targets.propose_assessments").count() == 3


def test_confirming_needs_the_committee_a_reason_for_a_change_and_the_quota(round_2025, tree, users):
    """13 assessed, 15 % rounded down = 1 优秀."""
    rows = round_2025
    decisions = [Decision(r, r.proposed_grade) for r in rows.values()]
    with pytest.raises(PermissionDenied):
        actions.do_confirm_assessments(actor=users["market"], unit=tree["market"], year=2025, decisions=decisions,
                                       notified_on=date(2026, 1, 20))
    s01 = next(d for d in decisions if d.assessment.person.code == "S01")
    s01.grade = Grade.EXCELLENT
    with pytest.raises(ValidationError, match="科员1：确定为优秀，与建议等次称职不同，须说明理由"):
        actions.do_confirm_assessments(actor=users["market_head"], unit=tree["market"], year=2025,
                                       decisions=decisions, notified_on=date(2026, 1, 20))
    s01.reason = "节后第一个工作日即完成，考核委员会认定实绩突出"
    with pytest.raises(ValidationError, match=r"参加考核 13 人.*15%.*即 1 人.*优秀 2 人"):
        actions.do_confirm_assessments(actor=users["market_head"], unit=tree["market"], year=2025,
                                       decisions=decisions, notified_on=date(2026, 1, 20))
    assert not Assessment.objects.exclude(grade="").exists()  # nothing half-done
    s01.grade, s01.reason = Grade.COMPETENT, ""
    s02 = next(d for d in decisions if d.assessment.person.code == "S02")
    s02.grade, s02.reason = Grade.INCOMPETENT, "全年目标完成不足一半，且工作作风存在问题"
    confirmed = actions.do_confirm_assessments(actor=users["market_head"], unit=tree["market"], year=2025,
                                               decisions=decisions, notified_on=date(2026, 1, 20))
    assert len(confirmed) == 13
    changed = Assessment.objects.get(person__code="S02")
    assert changed.grade == Grade.INCOMPETENT and changed.proposed_grade == Grade.BASIC
    assert changed.grade_reason.startswith("全年目标完成不足一半")
    entry = AuditEntry.objects.get(action="targets.change_proposed_grade")
    assert entry.object_id == str(changed.pk) and entry.reason == changed.grade_reason
    assert entry.changes["grade"] == ["", Grade.INCOMPETENT] and entry.changes["notified_on"][1] == "2026-01-20"
    assert Finding.objects.filter(cause="targets.incompetent", person=changed.person).count() == 1
    # The unit's grade distribution feeds evaluation through the indicator registry (confirmed grades only).
    from zeren.evaluation.sources import compute

    grades = [d.grade for d in decisions]
    year = (date(2025, 1, 1), date(2025, 12, 31))
    assert compute("targets.excellent_share", ["SZ-SCJG"], *year) == {
        "SZ-SCJG": (grades.count(Grade.EXCELLENT) / 13, 13.0)}
    assert compute("targets.weak_share", ["SZ-SCJG"], *year) == {
        "SZ-SCJG": ((grades.count(Grade.BASIC) + grades.count(Grade.INCOMPETENT)) / 13, 13.0)}
    assert compute("targets.weak_share", ["SZ-SCJG"], date(2026, 1, 1), date(2026, 12, 31)) == {}
    with pytest.raises(ValidationError, match="等次已确定"):
        actions.do_confirm_assessments(actor=users["market_head"], unit=tree["market"], year=2025,
                                       decisions=[Decision(changed, Grade.BASIC)], notified_on=date(2026, 1, 21))


def test_appeal_within_the_working_day_limit(round_2025, tree, users):
    """Notified Tue 10 Feb 2026, an appeal is filed within 20 working days, across the Spring Festival
    (15–23 Feb off, Sat 14 and Sat 28 Feb worked): 11–14 Feb (4), 24–28 Feb (9), 2–6 Mar (14),
    9–13 Mar (19), Mon 16 Mar (20). Filing on 16 Mar is accepted, on 17 Mar refused. The decision is
    due 20 working days after filing: 17–20 Mar (4), 23–27 Mar (9), 30 Mar–3 Apr (14), 清明 4–6 Apr
    off, 7–10 Apr (18), 13, 14 Apr (20) → Tue 14 Apr."""
    rows = round_2025
    s02 = rows["S02"]
    with pytest.raises(ValidationError, match="尚未确定"):
        actions.do_file_appeal(actor=None, assessment=s02, reason="工作量未计入", filed_on=date(2026, 2, 11))
    actions.do_confirm_assessments(actor=users["market_head"], unit=tree["market"], year=2025,
                                   decisions=[Decision(r, r.proposed_grade) for r in rows.values()],
                                   notified_on=date(2026, 2, 10))
    s02.refresh_from_db()
    assert actions.appeal_file_by(s02) == date(2026, 3, 16)
    with pytest.raises(ValidationError, match="2026-03-16"):
        actions.do_file_appeal(actor=None, assessment=s02, reason="工作量未计入", filed_on=date(2026, 3, 17))
    with pytest.raises(PermissionDenied):  # another department's staff may not appeal for them
        actions.do_file_appeal(actor=users["housing"], assessment=s02, reason="工作量未计入", filed_on=date(2026, 3, 16))
    appeal = actions.do_file_appeal(actor=users["market"], assessment=s02, reason="工作量未计入", filed_on=date(2026, 3, 16))
    assert appeal.decide_by == date(2026, 4, 14)
    # S00 holds the one 优秀 of 13: changing 基本称职 to 优秀 would make two
    with pytest.raises(ValidationError, match="即 1 人"):
        actions.do_decide_appeal(actor=users["market_head"], appeal=appeal, grade=Grade.EXCELLENT,
                                 decision="复核后认定", decided_on=date(2026, 3, 20))
    actions.do_decide_appeal(actor=users["market_head"], appeal=appeal, grade=Grade.COMPETENT,
                             decision="复核后认定部分工作量未计入", decided_on=date(2026, 3, 20))
    appeal = Appeal.objects.get(pk=appeal.pk)
    assert appeal.status == AppealStatus.CHANGED and appeal.assessment.grade == Grade.COMPETENT
    assert appeal.assessment.grade_reason == "复核变更：复核后认定部分工作量未计入"
