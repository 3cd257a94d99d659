"""Actions: progress reports (scoped, superseded never edited), follow-up notices with the
5-working-day limit and escalation, draft targets (assessments: test_assessment.py)."""

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
    Notice,
    NoticeStatus,
    ProgressReport,
    Target,
    TargetState,
)


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


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_letter_signature_and_attachments_are_checked(tree, people, users):
    """A letter is signed by a member of the unit (or above) in the year or the one before; every
    attachment passes the upload checks or none is kept; each is listed by its SHA-256."""
    import hashlib

    from zeren.targets.models import Letter, StoredFile

    letter = actions.do_save_letter(actor=users["market"], unit=tree["market"], year=2026,
                                    signatory=people["market_head"], signed_on=date(2026, 1, 15),
                                    uploads=[("目标管理责任书.pdf", PDF), ("签字页.png", PNG)])
    assert [f["name"] for f in letter.attachments] == ["目标管理责任书.pdf", "签字页.png"]
    assert letter.attachments[0]["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert StoredFile.objects.count() == 2
    with pytest.raises(ValidationError) as refused:
        actions.do_save_letter(actor=users["market"], unit=tree["market"], year=2026, signatory=people["market_head"],
                               signed_on=date(2026, 1, 15), uploads=[("说明.pdf", b"<html>x</html>"), ("x.exe", b"MZ"),
                                                                     ("ok.png", PNG)])
    text = "；".join(refused.value.messages)
    assert "说明.pdf" in text and "x.exe" in text and "ok.png" not in text
    assert len(Letter.objects.get(pk=letter.pk).attachments) == 2  # nothing half-done
    with pytest.raises(ValidationError, match="陈局长 在 2026-01-15 不是 深圳市市场监督管理局 或其上级单位的成员"):
        actions.do_save_letter(actor=users["market"], unit=tree["market"], year=2026, signatory=people["housing_head"],
                               signed_on=date(2026, 1, 15))
    with pytest.raises(ValidationError, match="签署日期 2024-12-31 不在 2025—2026 年内"):
        actions.do_save_letter(actor=users["market"], unit=tree["market"], year=2026, signatory=people["market_head"],
                               signed_on=date(2024, 12, 31))
    with pytest.raises(PermissionDenied):
        actions.do_save_letter(actor=users["housing"], unit=tree["market"], year=2026)
    kept = actions.do_save_letter(actor=users["market_head"], unit=tree["market"], year=2026,
                                  signatory=people["market_head"], signed_on=date(2026, 1, 16),
                                  remove=[letter.attachments[1]["sha256"]])
    assert [f["name"] for f in kept.attachments] == ["目标管理责任书.pdf"]
    last = AuditEntry.objects.filter(action="targets.save_letter").order_by("-seq").first()
    assert len(last.changes["attachments"][0]) == 2 and len(last.changes["attachments"][1]) == 1


def test_the_import_action_checks_every_targets_unit_itself(tree, users, people):
    """do_import_targets refuses a target of a unit the user does not keep, whoever calls it (issue 11, the
    write matrix: the check is in the action, not only in the import page)."""
    from zeren.targets.actions import TargetSpec, do_import_targets
    from zeren.targets.models import Target

    def spec(code, unit):
        return TargetSpec(code=code, year=2026, title="矩阵", unit=unit, start=date(2026, 1, 5),
                          deadline=date(2026, 6, 30), baseline=0, target_value=10, additive=True)

    for who in ("housing", "officer", "perf"):
        with pytest.raises(PermissionDenied):
            do_import_targets(actor=users[who], specs=[spec("M-1", tree["market"])])
    with pytest.raises(PermissionDenied):  # one foreign row refuses the whole file
        do_import_targets(actor=users["market"], specs=[spec("M-1", tree["market"]), spec("M-2", tree["housing"])])
    assert not Target.objects.filter(code__in=["M-1", "M-2"]).exists()
    assert [t.code for t in do_import_targets(actor=users["market_head"], specs=[spec("M-1", tree["market_div"])])] == ["M-1"]
