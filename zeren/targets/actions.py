"""Writes of target management: every change here, in a transaction, with its audit entry.

``check_*`` validates permission and input, then ``do_*`` writes. Imports and the daily follow-up
write many rows at once and record one audit entry per batch with the digest of what they wrote.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from zeren.access.rules import APPROVE, EDIT, EVALUATE, SUPERVISE
from zeren.access.scope import can
from zeren.audit.actions import record_change, record_event, snapshot
from zeren.audit.rules import canonical_json
from zeren.findings.actions import (
    FindingSpec,
    do_follow_source,
    do_follow_sources,
    do_raise_finding,
    do_raise_findings,
)
from zeren.findings.models import OPEN_STATUSES, Finding
from zeren.org.models import Person, Unit
from zeren.targets import causes, rules
from zeren.targets.models import (
    OPEN_NOTICE_STATUSES,
    Appeal,
    AppealStatus,
    Assessment,
    Grade,
    IndicatorKind,
    Letter,
    Milestone,
    Notice,
    NoticeStatus,
    PaperState,
    ProgressReport,
    Target,
    TargetState,
    WhitePaper,
)


def _calendar():
    from zeren.workcal.selectors import get_calendar

    return get_calendar()


def digest(items: list[Any]) -> str:
    return hashlib.sha256(canonical_json(items).encode("utf-8")).hexdigest()


# --- letters and targets ------------------------------------------------------------------------

def check_manage_unit(actor: Any, unit: Unit) -> None:
    """Letters and targets of a unit are kept by the unit itself (EDIT) or its head (APPROVE)."""
    if not (can(actor, EDIT, unit) or can(actor, APPROVE, unit)):
        raise PermissionDenied(f"may not manage the targets of {unit.code}")


def do_save_letter(*, actor: Any, unit: Unit, year: int, signatory: Person | None = None,
                   signed_on: date | None = None, attachments: list[dict[str, Any]] | None = None) -> Letter:
    """Create or update a unit's target responsibility letter (目标管理责任书) for a year."""
    with transaction.atomic():
        letter, created = Letter.objects.select_for_update().get_or_create(unit=unit, year=year)
        before = None if created else snapshot(letter)
        letter.signatory, letter.signed_on = signatory, signed_on
        letter.attachments = attachments if attachments is not None else letter.attachments
        letter.save()
        record_change(actor=actor, action="targets.save_letter", obj=letter, before=before, after=snapshot(letter))
        return letter


@dataclass
class MilestoneSpec:
    code: str
    title: str
    due: date
    expected: float | None = None
    deliverable: str = ""


@dataclass
class TargetSpec:
    """One target as an import or a form gives it; units and people already resolved."""

    code: str
    year: int
    title: str
    unit: Unit
    start: date
    deadline: date
    source: str = "key_task"
    leader: Person | None = None
    person: Person | None = None
    parent_code: str | None = None
    weight: float = 100.0
    kind: str = IndicatorKind.QUANTITATIVE
    measure: str = ""
    baseline: float | None = None
    target_value: float | None = None
    additive: bool = False
    duty_item_ids: list[int] = field(default_factory=list)
    milestones: list[MilestoneSpec] = field(default_factory=list)
    note: str = ""


def spec_errors(spec: TargetSpec) -> list[tuple[str, str]]:
    """``(field, message)`` for what is wrong with one target on its own."""
    errors = []
    if spec.deadline < spec.start:
        errors.append(("deadline", f"完成时限 {spec.deadline} 早于开始时间 {spec.start}"))
    if spec.weight < 0:
        errors.append(("weight", "权重不能为负数"))
    if spec.kind == IndicatorKind.QUANTITATIVE and spec.target_value is None:
        errors.append(("target", "定量指标须有目标值"))
    for m in spec.milestones:
        if m.due > spec.deadline:
            errors.append(("milestones", f"里程碑 {m.code} 的时限 {m.due} 晚于完成时限 {spec.deadline}"))
    return errors


def _target_from(spec: TargetSpec, state: str) -> Target:
    return Target(
        code=spec.code, year=spec.year, title=spec.title, source=spec.source, unit=spec.unit, leader=spec.leader,
        person=spec.person, weight=spec.weight, start=spec.start, deadline=spec.deadline, kind=spec.kind,
        measure=spec.measure, baseline=spec.baseline, target_value=spec.target_value, additive=spec.additive,
        note=spec.note, state=state)


def do_import_targets(*, actor: Any, specs: list[TargetSpec], source_name: str = "") -> list[Target]:
    """Write validated targets (an import): all of them or none. Parents named by code may be in the
    batch or already stored. One audit entry with the digest of the codes."""
    if not specs:
        return []
    with transaction.atomic():
        created = Target.objects.bulk_create([_target_from(s, TargetState.ACTIVE) for s in specs])
        by_code = {t.code: t for t in created}
        parents = {s.parent_code for s in specs if s.parent_code} - set(by_code)
        stored = dict(Target.objects.filter(code__in=parents).values_list("code", "id"))
        for spec, target in zip(specs, created, strict=True):
            if spec.parent_code:
                target.parent_id = by_code[spec.parent_code].pk if spec.parent_code in by_code else stored[spec.parent_code]
        Target.objects.bulk_update([t for t in created if t.parent_id], ["parent"], batch_size=2000)
        _write_children(specs, created)
        codes = sorted(by_code)
        record_event(actor=actor, action="targets.import", object_type="targets.target",
                     object_id=f"import:{digest(codes)[:16]}", changes={"count": len(created)},
                     extra={"sha256": digest(codes), "file": source_name})
        return created


def _write_children(specs: list[TargetSpec], targets: list[Target]) -> None:
    milestones = [Milestone(target=t, code=m.code, title=m.title, due=m.due, expected=m.expected,
                            deliverable=m.deliverable)
                  for s, t in zip(specs, targets, strict=True) for m in s.milestones]
    Milestone.objects.bulk_create(milestones, batch_size=2000)
    through = Target.duty_items.through
    through.objects.bulk_create([through(target_id=t.pk, functionitem_id=i)
                                 for s, t in zip(specs, targets, strict=True) for i in s.duty_item_ids],
                                batch_size=2000)


def do_create_target(*, actor: Any, spec: TargetSpec, draft: bool = False) -> Target:
    """Create one target (with its milestones and duty items). ``draft``: a draft (草案) that the
    owning office must approve (:func:`do_approve_target`) before it counts."""
    errors = spec_errors(spec)
    if errors:
        raise ValidationError({f: m for f, m in errors})
    with transaction.atomic():
        target = _target_from(spec, TargetState.DRAFT if draft else TargetState.ACTIVE)
        if spec.parent_code:
            target.parent = Target.objects.get(code=spec.parent_code)
        target.save()
        _write_children([spec], [target])
        record_change(actor=actor, action="targets.create_draft" if draft else "targets.create", obj=target,
                      before=None, after=snapshot(target))
        return target


def check_create_draft_target(actor: Any, unit: Unit) -> None:
    """A draft for next year may come from the unit itself or from the performance office (evaluation)."""
    if not (can(actor, EVALUATE, unit) or can(actor, EDIT, unit) or can(actor, APPROVE, unit)):
        raise PermissionDenied(f"may not propose targets for {unit.code}")


def do_create_draft_target(*, actor: Any, spec: TargetSpec, reason: str = "") -> Target:
    """A draft target (目标草案) — e.g. evaluation's recalibration of next year's targets. It has state
    ``draft`` and counts nowhere until the owning unit's office approves it."""
    if actor is not None:
        check_create_draft_target(actor, spec.unit)
    target = do_create_target(actor=actor, spec=spec, draft=True)
    if reason:
        record_event(actor=actor, action="targets.draft_reason", object_type="targets.target",
                     object_id=str(target.pk), reason=reason)
    return target


def do_approve_target(*, actor: Any, target: Target) -> Target:
    """The owning unit's office (its head: APPROVE) approves a draft target; it becomes active."""
    if not can(actor, APPROVE, target.unit):
        raise PermissionDenied(f"only the office of {target.unit.code} approves its targets")
    with transaction.atomic():
        target = Target.objects.select_for_update().get(pk=target.pk)
        if target.state != TargetState.DRAFT:
            raise ValidationError({"state": f"目标 {target.code} 不是草案，无需审批"})
        before = snapshot(target)
        target.state = TargetState.ACTIVE
        target.save(update_fields=["state"])
        record_change(actor=actor, action="targets.approve", obj=target, before=before, after=snapshot(target))
        return target


# --- progress reports ---------------------------------------------------------------------------

def check_report_progress(actor: Any, target: Target) -> None:
    """Only the owning unit (or a unit above it) reports a target's progress."""
    if not can(actor, EDIT, target.unit):
        raise PermissionDenied(f"目标 {target.code} 属于 {target.unit.code}，你不能为其报告进度")


def report_errors(target: Target, *, day: date, value: float | None, milestone: Milestone | None) -> list[tuple[str, str]]:
    errors = []
    if value is None and milestone is None:
        errors.append(("value", "须填写完成值或完成的里程碑"))
    if milestone is not None and milestone.target_id != target.pk:
        errors.append(("milestone", f"里程碑 {milestone.code} 不属于目标 {target.code}"))
    if value is not None and target.kind != IndicatorKind.QUANTITATIVE:
        errors.append(("value", f"目标 {target.code} 是定性指标，只能报告里程碑完成"))
    if day < target.start:
        errors.append(("date", f"报告日期 {day} 早于开始时间 {target.start}"))
    return errors


def do_report_progress(*, actor: Any, target: Target, day: date, value: float | None = None,
                       milestone: Milestone | None = None, note: str = "",
                       attachments: list[dict[str, Any]] | None = None,
                       supersedes: ProgressReport | None = None) -> ProgressReport:
    """Record a progress report (进度报告). A correction supersedes an earlier report, which stays."""
    check_report_progress(actor, target)
    errors = report_errors(target, day=day, value=value, milestone=milestone)
    if supersedes is not None and (supersedes.target_id != target.pk or hasattr(supersedes, "superseded_by")):
        errors.append(("supersedes", "只能替代本目标尚未被替代的报告"))
    if errors:
        raise ValidationError({f: m for f, m in errors})
    with transaction.atomic():
        report = ProgressReport.objects.create(
            target=target, milestone=milestone, date=day, value=value, done=milestone is not None, note=note,
            attachments=attachments or [], supersedes=supersedes,
            reported_by=actor if getattr(actor, "is_authenticated", False) else None, reported_at=timezone.now())
        record_change(actor=actor, action="targets.report", obj=report, before=None, after=snapshot(report))
        _follow_completed(actor, _with_ancestors(target), day)
        return report


def _with_ancestors(target: Target) -> list[int]:
    ids, parent_id = [target.pk], target.parent_id
    while parent_id is not None and parent_id not in ids:
        ids.append(parent_id)
        parent_id = Target.objects.filter(pk=parent_id).values_list("parent_id", flat=True).first()
    return ids


def _follow_completed(actor: Any, target_ids: list[int], as_of: date,
                      computed: dict[int, rules.Status] | None = None) -> int:
    """Findings of overdue targets follow their source: once a target is completed (late) the reason
    is gone and its open ``targets.overdue`` findings are resolved (zeren.findings do_follow_sources)."""
    from zeren.targets.selectors import statuses

    open_ids = set(Finding.objects.filter(cause=causes.OVERDUE, evidence_type="targets.target",
                                          status__in=OPEN_STATUSES).values_list("evidence_id", flat=True))
    open_ids &= {str(i) for i in target_ids}
    if not open_ids:
        return 0
    if computed is None:
        computed = statuses(Target.objects.filter(pk__in=[int(i) for i in open_ids]), as_of)
    done = [i for i in open_ids if computed.get(int(i)) and computed[int(i)].status == rules.COMPLETED]
    return do_follow_sources(evidence_type="targets.target", evidence_ids=done, outcome="resolved",
                             reason=f"目标已于 {as_of} 完成", actor=actor, cause=causes.OVERDUE) if done else 0


def do_import_reports(*, actor: Any, reports: list[ProgressReport], source_name: str = "") -> int:
    """Write validated progress reports (``zeren targets report``): all or none, one audit entry."""
    now = timezone.now()
    for report in reports:
        report.reported_at = now
        report.done = report.milestone_id is not None
    with transaction.atomic():
        ProgressReport.objects.bulk_create(reports, batch_size=2000)
        keys = sorted(f"{r.target_id}:{r.date}:{r.milestone_id}:{r.value}" for r in reports)
        record_event(actor=actor, action="targets.import_reports", object_type="targets.progressreport",
                     object_id=f"import:{digest(keys)[:16]}", changes={"count": len(reports)},
                     extra={"sha256": digest(keys), "file": source_name})
    return len(reports)


# --- follow-up (督办) ---------------------------------------------------------------------------

@dataclass
class FollowUpSummary:
    as_of: date
    issued: int = 0
    escalated: int = 0
    findings: int = 0
    resolved: int = 0
    statuses: Counter = field(default_factory=Counter)


def do_follow_up(*, as_of: date, actor: Any = None) -> FollowUpSummary:
    """The daily follow-up run (督办): every active target of this year or last that is at risk or
    overdue and has no open notice gets one, addressed to its responsible leader and due in
    5 working days; an unanswered notice past due is escalated to the leader of the parent unit with
    a new 5-working-day limit. An overdue target and an escalated notice each raise a finding
    (idempotent by their keys). One audit entry records the run."""
    from zeren.targets.selectors import statuses, unit_leader

    cal = _calendar()
    summary = FollowUpSummary(as_of)
    with transaction.atomic():
        targets = Target.objects.filter(state=TargetState.ACTIVE, year__in=[as_of.year - 1, as_of.year],
                                        start__lte=as_of)
        computed = statuses(targets, as_of)
        summary.statuses = Counter(s.status for s in computed.values())
        completed = [tid for tid, s in computed.items() if s.status == rules.COMPLETED]
        summary.resolved = _follow_completed(actor, completed, as_of, computed) if completed else 0
        flagged = {tid: s for tid, s in computed.items() if s.status in rules.FOLLOW_UP_STATUSES}
        covered = set(Notice.objects.filter(status__in=OPEN_NOTICE_STATUSES).values_list("target_id", flat=True))
        info = {t["id"]: t for t in Target.objects.filter(pk__in=list(flagged)).values(
            "id", "code", "title", "unit_id", "leader_id", "deadline")}
        due = rules.notice_due(cal, as_of)
        fresh = [Notice(target_id=tid, unit_id=info[tid]["unit_id"], addressee_id=info[tid]["leader_id"],
                        reason=flagged[tid].status, issued_on=as_of, due_on=due)
                 for tid in sorted(flagged) if tid not in covered and tid in info]
        Notice.objects.bulk_create(fresh, batch_size=2000)
        summary.issued = len(fresh)
        # past due = unanswered on a day after its due date
        stale = list(Notice.objects.filter(status=NoticeStatus.OPEN, due_on__lt=as_of).select_related("unit__parent"))
        escalations: list[Notice] = []
        for notice in stale:
            parent = notice.unit.parent or notice.unit
            notice.status = NoticeStatus.ESCALATED
            escalations.append(Notice(target_id=notice.target_id, unit=parent, addressee=unit_leader(parent, as_of),
                                      reason=notice.reason, issued_on=as_of, due_on=due, level=notice.level + 1,
                                      escalated_from=notice))
        Notice.objects.bulk_update(stale, ["status"], batch_size=2000)
        Notice.objects.bulk_create(escalations, batch_size=2000)
        summary.escalated = len(escalations)
        specs = [FindingSpec(
            dedupe_key=f"targets.overdue:{info[tid]['code']}", cause=causes.OVERDUE, source_app="targets",
            title=f"目标逾期未完成：{info[tid]['code']} {info[tid]['title']}"[:300], unit_id=info[tid]["unit_id"],
            person_id=info[tid]["leader_id"], evidence_type="targets.target", evidence_id=str(tid),
            evidence_url=f"/targets/t/{tid}/", occurred_on=info[tid]["deadline"],
            details={"progress": round(s.progress, 4)})
            for tid, s in flagged.items() if s.status == rules.OVERDUE and tid in info]
        specs += [FindingSpec(
            dedupe_key=f"targets.notice_escalated:{n.pk}", cause=causes.NOTICE_ESCALATED,
            source_app="targets", title=f"督办通知逾期未答复，已升级：目标 {n.target_id}", unit_id=n.unit_id,
            person_id=n.addressee_id, evidence_type="targets.notice",
            evidence_id=str(n.pk), evidence_url=f"/targets/t/{n.target_id}/",
            occurred_on=n.due_on) for n in stale]
        summary.findings = do_raise_findings(actor=actor, specs=specs, reason="targets follow-up")
        record_event(actor=actor, action="targets.follow_up", object_type="targets.notice",
                     object_id=f"run:{as_of.isoformat()}",
                     changes={"issued": summary.issued, "escalated": summary.escalated, "findings": summary.findings},
                     extra={"as_of": as_of.isoformat(),
                            "sha256": digest(sorted([n.target_id for n in fresh]) + [n.pk for n in stale])})
    return summary


def check_reply_notice(actor: Any, notice: Notice) -> None:
    if not can(actor, EDIT, notice.unit) and not can(actor, APPROVE, notice.unit):
        raise PermissionDenied(f"督办通知发给 {notice.unit.code}，你不能答复")


def do_reply_notice(*, actor: Any, notice: Notice, reply: str, revised_plan: str = "",
                    on: date | None = None) -> Notice:
    """The addressed unit answers a notice (答复) with a narrative and optionally a revised plan."""
    check_reply_notice(actor, notice)
    if not reply.strip():
        raise ValidationError({"reply": "答复内容不能为空"})
    with transaction.atomic():
        notice = Notice.objects.select_for_update().get(pk=notice.pk)
        if notice.status != NoticeStatus.OPEN:
            raise ValidationError({"status": f"通知状态为 {notice.get_status_display()}，不能答复"})
        before = snapshot(notice)
        notice.reply, notice.revised_plan = reply.strip(), revised_plan.strip()
        notice.replied_on = on or timezone.localdate()
        notice.status = NoticeStatus.ANSWERED
        notice.save()
        record_change(actor=actor, action="targets.reply_notice", obj=notice, before=before, after=snapshot(notice))
        if notice.escalated_from_id:  # the escalation's finding: the unanswered notice is answered now
            do_follow_source(evidence_type="targets.notice", evidence_id=str(notice.escalated_from_id),
                             outcome="resolved", reason="升级后的督办通知已答复", actor=actor)
        return notice


def do_close_notice(*, actor: Any, notice: Notice, on: date | None = None, reason: str = "") -> Notice:
    """The supervision office closes a notice (办结)."""
    if not can(actor, SUPERVISE, notice.unit):
        raise PermissionDenied(f"只有监察机关可以办结 {notice.unit.code} 的督办通知")
    with transaction.atomic():
        notice = Notice.objects.select_for_update().get(pk=notice.pk)
        if notice.status not in OPEN_NOTICE_STATUSES:
            raise ValidationError({"status": f"通知状态为 {notice.get_status_display()}，不能办结"})
        before = snapshot(notice)
        notice.status, notice.closed_on = NoticeStatus.CLOSED, on or timezone.localdate()
        notice.save(update_fields=["status", "closed_on"])
        record_change(actor=actor, action="targets.close_notice", obj=notice, before=before,
                      after=snapshot(notice), reason=reason)
        return notice


# --- white papers (部门责任白皮书) ----------------------------------------------------------------

PAPER_MOVES = {
    PaperState.DRAFT: {PaperState.APPROVED},
    PaperState.APPROVED: {PaperState.PUBLISHED, PaperState.DRAFT},
    PaperState.PUBLISHED: {PaperState.WITHDRAWN},
    PaperState.WITHDRAWN: {PaperState.DRAFT},
}


def do_draft_white_paper(*, actor: Any, unit: Unit, year: int, content: dict[str, Any]) -> WhitePaper:
    """Draft (or redraft) a unit's white paper for a year with ``content`` frozen as it is now."""
    with transaction.atomic():
        paper, created = WhitePaper.objects.select_for_update().get_or_create(
            unit=unit, year=year, defaults={"drafted_at": timezone.now(), "content": content})
        if not created and paper.state not in (PaperState.DRAFT, PaperState.WITHDRAWN):
            raise ValidationError({"state": f"{unit.name} {year} 年白皮书已{paper.get_state_display()}，先撤回再修改"})
        before = None if created else snapshot(paper)
        paper.content, paper.state, paper.drafted_at = content, PaperState.DRAFT, timezone.now()
        paper.save()
        record_change(actor=actor, action="targets.draft_white_paper", obj=paper, before=before, after=snapshot(paper))
        return paper


def do_move_white_paper(*, actor: Any, paper: WhitePaper, state: str, reason: str = "") -> WhitePaper:
    """Approve (the unit's head), publish or withdraw a white paper; audited with the reason."""
    if not can(actor, APPROVE, paper.unit):
        raise PermissionDenied(f"只有 {paper.unit.code} 的负责人可以审核、发布或撤回白皮书")
    with transaction.atomic():
        paper = WhitePaper.objects.select_for_update().get(pk=paper.pk)
        if state not in PAPER_MOVES[PaperState(paper.state)]:
            raise ValidationError({"state": f"白皮书不能从 {paper.get_state_display()} 变为 {PaperState(state).label}"})
        before = snapshot(paper)
        paper.state = state
        if state == PaperState.PUBLISHED:
            paper.published_at = timezone.now()
        paper.save(update_fields=["state", "published_at"])
        record_change(actor=actor, action=f"targets.white_paper_{state}", obj=paper, before=before,
                      after=snapshot(paper), reason=reason)
        return paper


# --- civil-servant assessment (公务员年度考核) -----------------------------------------------------

def excellent_share() -> str:
    """The 优秀 cap as a share of a unit's assessed staff (setting ZEREN_TARGETS_EXCELLENT_SHARE)."""
    return str(getattr(settings, "ZEREN_TARGETS_EXCELLENT_SHARE", rules.EXCELLENT_SHARE))


def quota_message(assessed: int, excellent: int) -> str | None:
    quota = rules.excellent_quota(assessed, excellent_share())
    if excellent <= quota:
        return None
    share = float(rules.Fraction(excellent_share())) * 100
    return (f"优秀名额超限：本单位参加考核 {assessed} 人，优秀比例上限 {share:g}%（向下取整）即 {quota} 人，"
            f"现评定优秀 {excellent} 人")


@dataclass
class AssessmentEntry:
    person: Person
    grade: str
    comment: str = ""
    basis: dict[str, Any] = field(default_factory=dict)


def do_record_assessments(*, actor: Any, unit: Unit, year: int, entries: list[AssessmentEntry],
                          notified_on: date) -> list[Assessment]:
    """Record a unit's annual assessment round for non-leading staff (公务员法 第三十五—三十七条). The
    优秀 grades of the unit that year may not exceed the quota; 不称职 raises a finding."""
    if not can(actor, APPROVE, unit):
        raise PermissionDenied(f"只有 {unit.code} 的负责人可以确定考核等次")
    with transaction.atomic():
        existing = Assessment.objects.filter(unit=unit, year=year)
        known = set(existing.values_list("person_id", flat=True))
        repeated = [e.person.code for e in entries if e.person.pk in known]
        if repeated:
            raise ValidationError({"person": f"{year} 年已考核：{', '.join(repeated)}"})
        assessed = existing.count() + len(entries)
        excellent = existing.filter(grade=Grade.EXCELLENT).count() + sum(e.grade == Grade.EXCELLENT for e in entries)
        message = quota_message(assessed, excellent)
        if message:
            raise ValidationError({"grade": message})
        rows = Assessment.objects.bulk_create([
            Assessment(unit=unit, person=e.person, year=year, grade=e.grade, comment=e.comment, basis=e.basis,
                       notified_on=notified_on) for e in entries])
        rows = list(Assessment.objects.filter(unit=unit, year=year, person__in=[e.person for e in entries]))
        record_event(actor=actor, action="targets.assess", object_type="targets.assessment",
                     object_id=f"{unit.code}:{year}", changes={"count": len(rows)},
                     extra={"grades": dict(Counter(r.grade for r in rows))})
        for row in rows:
            if row.grade == Grade.INCOMPETENT:
                _raise_incompetent(actor, row)
        return rows


def _raise_incompetent(actor: Any, assessment: Assessment) -> None:
    do_raise_finding(
        actor=actor, dedupe_key=f"targets.incompetent:{assessment.year}:{assessment.person_id}",
        cause=causes.INCOMPETENT, source_app="targets",
        title=f"{assessment.year} 年度考核不称职：{assessment.person.name}", unit=assessment.unit,
        person=assessment.person, evidence_type="targets.assessment", evidence_id=str(assessment.pk),
        evidence_url="/targets/assessments/", occurred_on=assessment.notified_on)


def do_file_appeal(*, actor: Any, assessment: Assessment, reason: str, filed_on: date) -> Appeal:
    """A civil servant appeals (申请复核) within the working-day limit after being notified."""
    cal = _calendar()
    last = rules.appeal_file_by(cal, assessment.notified_on,
                                getattr(settings, "ZEREN_TARGETS_APPEAL_FILE_WORKDAYS", rules.APPEAL_FILE_WORKDAYS))
    if filed_on > last:
        raise ValidationError({"filed_on": f"已超过复核申请时限：{assessment.notified_on} 告知，最迟 {last} 前申请"})
    if not reason.strip():
        raise ValidationError({"reason": "须说明复核理由"})
    with transaction.atomic():
        if Appeal.objects.filter(assessment=assessment).exists():
            raise ValidationError({"assessment": "该考核结果已申请复核"})
        appeal = Appeal.objects.create(
            assessment=assessment, filed_on=filed_on, reason=reason.strip(), original_grade=assessment.grade,
            decide_by=rules.appeal_decide_by(cal, filed_on, getattr(
                settings, "ZEREN_TARGETS_APPEAL_DECIDE_WORKDAYS", rules.APPEAL_DECIDE_WORKDAYS)))
        record_change(actor=actor, action="targets.file_appeal", obj=appeal, before=None, after=snapshot(appeal))
        return appeal


def do_decide_appeal(*, actor: Any, appeal: Appeal, grade: str | None, decision: str, decided_on: date) -> Appeal:
    """Decide an appeal: keep the grade (维持) or change it (变更, within the 优秀 quota)."""
    assessment = appeal.assessment
    if not can(actor, APPROVE, assessment.unit):
        raise PermissionDenied(f"只有 {assessment.unit.code} 的负责人可以作出复核决定")
    with transaction.atomic():
        appeal = Appeal.objects.select_for_update().get(pk=appeal.pk)
        if appeal.status != AppealStatus.FILED:
            raise ValidationError({"status": "复核已作出决定"})
        before_assessment = snapshot(assessment)
        changed = grade is not None and grade != assessment.grade
        if grade is not None and changed:
            others = Assessment.objects.filter(unit=assessment.unit, year=assessment.year).exclude(pk=assessment.pk)
            excellent = others.filter(grade=Grade.EXCELLENT).count() + (grade == Grade.EXCELLENT)
            message = quota_message(others.count() + 1, excellent)
            if message:
                raise ValidationError({"grade": message})
            assessment.grade = grade
            assessment.save(update_fields=["grade"])
            record_change(actor=actor, action="targets.change_grade", obj=assessment, before=before_assessment,
                          after=snapshot(assessment), reason=decision)
            if grade == Grade.INCOMPETENT:
                _raise_incompetent(actor, assessment)
        before = snapshot(appeal)
        appeal.status = AppealStatus.CHANGED if changed else AppealStatus.UPHELD
        appeal.decision, appeal.decided_on = decision, decided_on
        appeal.save()
        record_change(actor=actor, action="targets.decide_appeal", obj=appeal, before=before, after=snapshot(appeal),
                      extra={"late": decided_on > appeal.decide_by})
        return appeal


def do_raise_check_findings(*, actor: Any, year: int, issues: list[Any]) -> int:
    """Raise the consistency problems of ``zeren targets check`` as findings (idempotent); warnings
    (siblings' weights) are only reported. Returns how many findings were new."""
    specs = [FindingSpec(
        dedupe_key=f"{i.cause}:{year}:{i.code}:{i.person_id or ''}", cause=i.cause, source_app="targets",
        title=i.message[:300], unit_id=i.unit_id, person_id=i.person_id, evidence_type="targets.target",
        evidence_id=i.code, details={"year": year}) for i in issues if not i.warning]
    return do_raise_findings(actor=actor, specs=specs, reason=f"targets check {year}")
