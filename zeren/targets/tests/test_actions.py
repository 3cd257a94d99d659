"""Actions: progress reports (scoped, superseded never edited), follow-up notices with the
5-working-day limit and escalation, the 优秀 quota and the appeal limit, draft targets."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zeren.access.models import Role
from zeren.audit.models import AuditEntry
from zeren.findings.models import Finding
from zeren.org.testing import make_user
from zeren.targets import actions, selectors
from zeren.targets.models import (
    Appeal,
    AppealStatus,
    Grade,
    Notice,
    NoticeStatus,
    ProgressReport,
    Target,
    TargetState,
)
from zeren.targets.tests.conftest import person


def test_report_of_another_units_target_is_refused(targets, users):
    with pytest.raises(PermissionDenied, match="SZ-ZJ"):
        actions.do_report_progress(actor=users["market"], target=targets["T-2"], day=date(2026, 3, 1),
                                   milestone=targets["T-2"].milestones.get(code="M1"))


def test_a_correction_supersedes_and_only_the_latest_counts(targets, users):
    leaf = targets["T-1-1-1"]
    first = actions.do_report_progress(actor=users["market"], target=leaf, day=date(2026, 3, 2), value=30)
    actions.do_report_progress(actor=users["market"], target=leaf, day=date(2026, 3, 2), value=12, supersedes=first,
                               note="更正：重复统计")
    with pytest.raises(ValidationError):  # a superseded report cannot be superseded again
        actions.do_report_progress(actor=users["market"], target=leaf, day=date(2026, 3, 3), value=13, supersedes=first)
    assert ProgressReport.objects.filter(target=leaf).count() == 2  # nothing edited or deleted
    status = selectors.statuses(Target.objects.filter(code="T-1"), date(2026, 3, 3))  # T-1 and its subtree
    assert status[leaf.pk].progress == pytest.approx(12 / 60)
    # the roll-up: T-1-1 has one child → same progress; T-1 likewise
    assert status[targets["T-1"].pk].progress == pytest.approx(12 / 60)
    assert AuditEntry.objects.filter(action="targets.report").count() == 2


def test_follow_up_issues_escalates_and_raises_findings_once(targets, users, people):
    """As of Mon 16 Mar 2026 nothing is reported and e ≥ 0.2: every target is at risk and gets a notice
    due 5 working days later (Mon 23 Mar). Unanswered on Tue 24 Mar, each escalates to the leader of
    the parent unit (the market bureau's notice → the city's mayor) with a new limit (Tue 31 Mar).
    The housing bureau answers its notice and is not escalated. Findings are raised once."""
    first = actions.do_follow_up(as_of=date(2026, 3, 16))
    assert first.issued == 4 and first.escalated == 0
    notices = {n.target.code: n for n in Notice.objects.select_related("target")}
    assert {n.due_on for n in notices.values()} == {date(2026, 3, 23)}
    assert notices["T-1-1"].addressee == people["market_head"]
    actions.do_reply_notice(actor=users["housing"], notice=notices["T-2"], reply="方案已上报，待审批",
                            revised_plan="4 月上旬完成报批", on=date(2026, 3, 18))
    again = actions.do_follow_up(as_of=date(2026, 3, 23))  # on the due day: not yet past due
    assert (again.issued, again.escalated) == (0, 0)
    later = actions.do_follow_up(as_of=date(2026, 3, 24))
    assert later.escalated == 3
    escalated = Notice.objects.get(escalated_from=notices["T-1-1"])
    assert (escalated.unit.code, escalated.addressee, escalated.due_on, escalated.level) == (
        "SZ", people["mayor"], date(2026, 3, 31), 1)
    assert Notice.objects.get(pk=notices["T-2"].pk).status == NoticeStatus.ANSWERED
    keys = set(Finding.objects.values_list("dedupe_key", flat=True))
    assert f"targets.notice_escalated:{notices['T-1-1'].pk}" in keys
    assert actions.do_follow_up(as_of=date(2026, 3, 24)).findings == 0  # idempotent


def test_overdue_target_raises_a_finding_that_follows_its_completion(targets, users):
    summary = actions.do_follow_up(as_of=date(2026, 7, 1))
    assert summary.statuses["overdue"] == 3  # T-2 runs to 30 Sep
    assert Finding.objects.filter(cause="targets.overdue", status="open").count() == 3
    # completed late: the division's 60 of 60 completes it and (one child each) its parents
    actions.do_report_progress(actor=users["market"], target=targets["T-1-1-1"], day=date(2026, 7, 3), value=60)
    assert Finding.objects.filter(cause="targets.overdue", status="open").count() == 0
    assert Finding.objects.filter(cause="targets.overdue", status="resolved").count() == 3


def test_answering_the_escalated_notice_resolves_the_escalation_finding(targets, users):
    actions.do_follow_up(as_of=date(2026, 3, 16))
    actions.do_follow_up(as_of=date(2026, 3, 24))
    escalated = Notice.objects.get(target=targets["T-2"], level=1)
    finding = Finding.objects.get(cause="targets.notice_escalated", evidence_id=str(escalated.escalated_from_id))
    with pytest.raises(PermissionDenied):  # the escalated notice is the city government's to answer
        actions.do_reply_notice(actor=users["housing"], notice=escalated, reply="已补报方案")
    city = make_user("city_office", Role.STAFF, escalated.unit)
    actions.do_reply_notice(actor=city, notice=escalated, reply="已督促住建局补报方案")
    finding.refresh_from_db()
    assert finding.status == "resolved"


def test_supervision_closes_a_notice(targets, users):
    actions.do_follow_up(as_of=date(2026, 3, 16))
    notice = Notice.objects.get(target=targets["T-2"])
    with pytest.raises(PermissionDenied):
        actions.do_close_notice(actor=users["housing"], notice=notice)
    assert actions.do_close_notice(actor=users["officer"], notice=notice).status == NoticeStatus.CLOSED


@pytest.fixture
def staff(tree):
    return [person(f"S{i:02d}", f"科员{i}", tree["market_div"]) for i in range(13)]


def test_excellent_quota_names_the_numbers(tree, users, staff):
    """13 assessed, 15 % rounded down = 1: two 优秀 are refused with both numbers in the message."""
    entries = [actions.AssessmentEntry(p, Grade.EXCELLENT if i < 2 else Grade.COMPETENT) for i, p in enumerate(staff)]
    with pytest.raises(ValidationError, match=r"参加考核 13 人.*15%.*即 1 人.*优秀 2 人"):
        actions.do_record_assessments(actor=users["market_head"], unit=tree["market"], year=2025, entries=entries,
                                      notified_on=date(2026, 1, 20))
    entries[1].grade = Grade.INCOMPETENT
    rows = actions.do_record_assessments(actor=users["market_head"], unit=tree["market"], year=2025,
                                         entries=entries, notified_on=date(2026, 1, 20))
    assert len(rows) == 13
    assert Finding.objects.filter(cause="targets.incompetent", person=staff[1]).count() == 1


def test_appeal_within_the_working_day_limit(tree, users, staff):
    """Notified Tue 10 Feb 2026, an appeal is filed within 20 working days, across the Spring Festival
    (15–23 Feb off, Sat 14 and Sat 28 Feb worked): 11–14 Feb (4), 24–28 Feb (9), 2–6 Mar (14),
    9–13 Mar (19), Mon 16 Mar (20). Filing on 16 Mar is accepted, on 17 Mar refused. The decision is
    due 20 working days after filing: 17–20 Mar (4), 23–27 Mar (9), 30 Mar–3 Apr (14), 清明 4–6 Apr
    off, 7–10 Apr (18), 13, 14 Apr (20) → Tue 14 Apr."""
    rows = actions.do_record_assessments(
        actor=users["market_head"], unit=tree["market"], year=2025, notified_on=date(2026, 2, 10),
        entries=[actions.AssessmentEntry(p, Grade.BASIC if i == 0 else Grade.COMPETENT) for i, p in enumerate(staff)])
    target = next(r for r in rows if r.grade == Grade.BASIC)
    with pytest.raises(ValidationError, match="2026-03-16"):
        actions.do_file_appeal(actor=None, assessment=target, reason="工作量未计入", filed_on=date(2026, 3, 17))
    appeal = actions.do_file_appeal(actor=None, assessment=target, reason="工作量未计入", filed_on=date(2026, 3, 16))
    assert appeal.decide_by == date(2026, 4, 14)
    # changing 基本称职 to 优秀 keeps within the quota (13 → 1 excellent allowed, none yet)
    actions.do_decide_appeal(actor=users["market_head"], appeal=appeal, grade=Grade.EXCELLENT,
                             decision="复核后认定", decided_on=date(2026, 3, 20))
    appeal = Appeal.objects.get(pk=appeal.pk)
    assert appeal.status == AppealStatus.CHANGED and appeal.assessment.grade == Grade.EXCELLENT


def test_draft_target_waits_for_the_owning_office(tree, users):
    spec = actions.TargetSpec(code="T-2027-1", year=2027, title="审批时限压缩", unit=tree["market"],
                              start=date(2027, 1, 4), deadline=date(2027, 12, 31), baseline=10, target_value=8)
    draft = actions.do_create_draft_target(actor=users["perf"], spec=spec, reason="评估结果：审批超时率偏高")
    assert draft.state == TargetState.DRAFT
    with pytest.raises(PermissionDenied):
        actions.do_approve_target(actor=users["market"], target=draft)
    assert actions.do_approve_target(actor=users["market_head"], target=draft).state == TargetState.ACTIVE


def test_indicator_sources_for_evaluation(targets, users):
    """As of 30 Jun 2026 the three market/city targets are due; the division reports 60 of 60 on
    29 Jun: its target and (one child each) its parents are completed."""
    from zeren.targets.indicators import SOURCES

    actions.do_report_progress(actor=users["market"], target=targets["T-1-1-1"], day=date(2026, 6, 29), value=60)
    period = (date(2026, 1, 1), date(2026, 6, 30))
    rate = SOURCES["targets.completion_rate"]["compute"](["SZ", "SZ-SCJG", "SZ-ZJ"], *period)
    assert rate == {"SZ": (1.0, 1.0), "SZ-SCJG": (1.0, 1.0)}  # housing's target is due in September: absent
    later = SOURCES["targets.overdue_share"]["compute"](["SZ-ZJ"], date(2026, 1, 1), date(2026, 12, 31))
    assert later == {"SZ-ZJ": (1.0, 1.0)}
