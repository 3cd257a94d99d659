"""Writes of target management: every change here, in a transaction, with its audit entry.

``check_*`` validates permission and input, then ``do_*`` writes. Imports and the daily follow-up
write many rows at once and record one audit entry per batch with the digest of what they wrote.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zeren.access.rules import ADMINISTER, APPROVE, EDIT, EVALUATE, SUPERVISE
from zeren.access.scope import can
from zeren.audit.actions import record_change, record_event, snapshot
from zeren.audit.rules import canonical_json
from zeren.core.messages import message, stored
from zeren.findings.actions import (
    FindingSpec,
    do_follow_source,
    do_follow_sources,
    do_raise_finding,
    do_raise_findings,
)
from zeren.findings.causes import titled
from zeren.findings.models import OPEN_STATUSES, Finding
from zeren.org.models import Membership, Person, Unit
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
    StoredFile,
    Target,
    TargetState,
    WhitePaper,
    WhitePaperPilot,
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
        raise PermissionDenied(_("不能管理 %(unit)s 的目标和责任书") % {"unit": unit.code})


MAX_LETTER_FILES = 10


def store_files(uploads: Sequence[tuple[str, bytes]]) -> list[dict[str, Any]]:
    """Check every upload (``zeren.core.uploads.check_attachment``: the content matches its PDF, PNG,
    JPEG or .xlsx extension; a workbook has no macros and is no zip bomb) — all of them first, every
    problem named — then keep each content once by its SHA-256. Returns what a record lists of them."""
    from zeren.core.uploads import UploadRejected, check_attachment

    problems, checked = [], []
    for name, data in uploads:
        try:
            checked.append((name[:200], data, check_attachment(data, name)))
        except UploadRejected as exc:
            problems.append(str(exc))
    if problems:
        raise ValidationError({"attachments": problems})
    listed, now = [], timezone.now()
    for name, data, content_type in checked:
        sha = hashlib.sha256(data).hexdigest()
        StoredFile.objects.get_or_create(sha256=sha, defaults={"content_type": content_type, "size": len(data),
                                                               "content": data, "stored_at": now})
        listed.append({"name": name, "sha256": sha, "size": len(data), "content_type": content_type})
    return listed


def letter_errors(unit: Unit, year: int, signatory: Person | None, signed_on: date | None) -> list[str]:
    """What is wrong with a letter's signature: signed in the year before or the year itself, by a
    person holding a post in the unit (or a unit above it) on the signing day."""
    errors = []
    if signed_on is not None and not date(year - 1, 1, 1) <= signed_on <= date(year, 12, 31):
        errors.append(_("签署日期 %(day)s 不在 %(first)s—%(year)s 年内") % {"day": signed_on, "first": year - 1, "year": year})
    if signatory is not None:
        day = signed_on or date(year, 1, 1)
        posts = Membership.objects.filter(person=signatory).exclude(start_date__gt=day).exclude(end_date__lt=day)
        if not any(unit.path.startswith(path) for path in posts.values_list("unit__path", flat=True)):
            errors.append(_("签署人 %(name)s 在 %(day)s 不是 %(unit)s 或其上级单位的成员")
                          % {"name": signatory.name, "day": day, "unit": unit.display_name})
    return errors


def do_save_letter(*, actor: Any, unit: Unit, year: int, signatory: Person | None = None,
                   signed_on: date | None = None, uploads: Sequence[tuple[str, bytes]] = (),
                   remove: Collection[str] = ()) -> Letter:
    """Create or update a unit's target responsibility letter (目标管理责任书) for a year: its
    signatory and signing date, new attachments (``uploads``: ``(name, bytes)``, each checked, all or
    none) and the files to drop from it (``remove``: their SHA-256; the content stays stored)."""
    if actor is not None:
        check_manage_unit(actor, unit)
    errors = letter_errors(unit, year, signatory, signed_on)
    if errors:
        raise ValidationError({"letter": errors})
    with transaction.atomic():
        letter, created = Letter.objects.select_for_update().get_or_create(unit=unit, year=year)
        before = None if created else snapshot(letter)
        kept = [f for f in letter.attachments if f.get("sha256") not in set(remove)]
        added = [f for f in store_files(uploads) if f["sha256"] not in {k.get("sha256") for k in kept}]
        if len(kept) + len(added) > MAX_LETTER_FILES:
            raise ValidationError({"attachments": _("责任书附件最多 %(n)d 个") % {"n": MAX_LETTER_FILES}})
        letter.signatory, letter.signed_on, letter.attachments = signatory, signed_on, kept + added
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
        errors.append(("deadline", _("完成时限 %(deadline)s 早于开始时间 %(start)s") % {"deadline": spec.deadline,
                                                                                 "start": spec.start}))
    if spec.weight < 0:
        errors.append(("weight", _("权重不能为负数")))
    if spec.kind == IndicatorKind.QUANTITATIVE and spec.target_value is None:
        errors.append(("target", _("定量指标须有目标值")))
    for m in spec.milestones:
        if m.due > spec.deadline:
            errors.append(("milestones", _("里程碑 %(code)s 的时限 %(due)s 晚于完成时限 %(deadline)s")
                           % {"code": m.code, "due": m.due, "deadline": spec.deadline}))
    return errors


def _target_from(spec: TargetSpec, state: str) -> Target:
    return Target(
        code=spec.code, year=spec.year, title=spec.title, source=spec.source, unit=spec.unit, leader=spec.leader,
        person=spec.person, weight=spec.weight, start=spec.start, deadline=spec.deadline, kind=spec.kind,
        measure=spec.measure, baseline=spec.baseline, target_value=spec.target_value, additive=spec.additive,
        note=spec.note, state=state)


def do_import_targets(*, actor: Any, specs: list[TargetSpec], source_name: str = "") -> list[Target]:
    """Write validated targets (an import): all of them or none. Parents named by code may be in the
    batch or already stored. One audit entry with the digest of the codes. A user may import only targets of
    units they keep (:func:`check_manage_unit`, every row, checked here and not only by the page)."""
    if not specs:
        return []
    if actor is not None:
        for unit in {spec.unit.pk: spec.unit for spec in specs}.values():
            check_manage_unit(actor, unit)
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
        raise PermissionDenied(_("不能为 %(unit)s 提出目标草案") % {"unit": unit.code})


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
        raise PermissionDenied(_("只有 %(unit)s 的负责人可以审批其目标") % {"unit": target.unit.code})
    with transaction.atomic():
        target = Target.objects.select_for_update().get(pk=target.pk)
        if target.state != TargetState.DRAFT:
            raise ValidationError({"state": _("目标 %(code)s 不是草案，无需审批") % {"code": target.code}})
        before = snapshot(target)
        target.state = TargetState.ACTIVE
        target.save(update_fields=["state"])
        record_change(actor=actor, action="targets.approve", obj=target, before=before, after=snapshot(target))
        return target


# --- progress reports ---------------------------------------------------------------------------

def check_report_progress(actor: Any, target: Target) -> None:
    """Only the owning unit (or a unit above it) reports a target's progress."""
    if not can(actor, EDIT, target.unit):
        raise PermissionDenied(_("目标 %(code)s 属于 %(unit)s，你不能为其报告进度") % {"code": target.code,
                                                                           "unit": target.unit.code})


def report_errors(target: Target, *, day: date, value: float | None, milestone: Milestone | None) -> list[tuple[str, str]]:
    errors = []
    if value is None and milestone is None:
        errors.append(("value", _("须填写完成值或完成的里程碑")))
    if milestone is not None and milestone.target_id != target.pk:
        errors.append(("milestone", _("里程碑 %(m)s 不属于目标 %(code)s") % {"m": milestone.code, "code": target.code}))
    if value is not None and target.kind != IndicatorKind.QUANTITATIVE:
        errors.append(("value", _("目标 %(code)s 是定性指标，只能报告里程碑完成") % {"code": target.code}))
    if day < target.start:
        errors.append(("date", _("报告日期 %(day)s 早于开始时间 %(start)s") % {"day": day, "start": target.start}))
    return errors


def do_report_progress(*, actor: Any, target: Target, day: date, value: float | None = None,
                       milestone: Milestone | None = None, note: str = "",
                       attachments: list[dict[str, Any]] | None = None,
                       supersedes: ProgressReport | None = None) -> ProgressReport:
    """Record a progress report (进度报告). A correction supersedes an earlier report, which stays."""
    check_report_progress(actor, target)
    errors = report_errors(target, day=day, value=value, milestone=milestone)
    if supersedes is not None and (supersedes.target_id != target.pk or hasattr(supersedes, "superseded_by")):
        errors.append(("supersedes", _("只能替代本目标尚未被替代的报告")))
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
                             reason=message("targets.completed", day=str(as_of)), actor=actor, cause=causes.OVERDUE) if done else 0


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
        stale = list(Notice.objects.filter(status=NoticeStatus.OPEN, due_on__lt=as_of)
                     .select_related("unit__parent", "target"))
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
            **titled(causes.OVERDUE, code=info[tid]["code"], title=info[tid]["title"]), unit_id=info[tid]["unit_id"],
            person_id=info[tid]["leader_id"], evidence_type="targets.target", evidence_id=str(tid),
            evidence_url=f"/targets/t/{tid}/", occurred_on=info[tid]["deadline"],
            details={"progress": round(s.progress, 4)})
            for tid, s in flagged.items() if s.status == rules.OVERDUE and tid in info]
        specs += [FindingSpec(
            dedupe_key=f"targets.notice_escalated:{n.pk}", cause=causes.NOTICE_ESCALATED,
            source_app="targets", **titled(causes.NOTICE_ESCALATED, target=n.target.code), unit_id=n.unit_id,
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
        raise PermissionDenied(_("督办通知发给 %(unit)s，你不能答复") % {"unit": notice.unit.code})


def do_reply_notice(*, actor: Any, notice: Notice, reply: str, revised_plan: str = "",
                    on: date | None = None) -> Notice:
    """The addressed unit answers a notice (答复) with a narrative and optionally a revised plan."""
    check_reply_notice(actor, notice)
    if not reply.strip():
        raise ValidationError({"reply": _("答复内容不能为空")})
    with transaction.atomic():
        notice = Notice.objects.select_for_update().get(pk=notice.pk)
        if notice.status != NoticeStatus.OPEN:
            raise ValidationError({"status": _("通知状态为 %(s)s，不能答复") % {"s": notice.get_status_display()}})
        before = snapshot(notice)
        notice.reply, notice.revised_plan = reply.strip(), revised_plan.strip()
        notice.replied_on = on or timezone.localdate()
        notice.status = NoticeStatus.ANSWERED
        notice.save()
        record_change(actor=actor, action="targets.reply_notice", obj=notice, before=before, after=snapshot(notice))
        if notice.escalated_from_id:  # the escalation's finding: the unanswered notice is answered now
            do_follow_source(evidence_type="targets.notice", evidence_id=str(notice.escalated_from_id),
                             outcome="resolved", reason=message("targets.escalated_notice_answered"), actor=actor)
        return notice


def do_close_notice(*, actor: Any, notice: Notice, on: date | None = None, reason: str = "") -> Notice:
    """The supervision office closes a notice (办结)."""
    if not can(actor, SUPERVISE, notice.unit):
        raise PermissionDenied(_("只有监察机关可以办结 %(unit)s 的督办通知") % {"unit": notice.unit.code})
    with transaction.atomic():
        notice = Notice.objects.select_for_update().get(pk=notice.pk)
        if notice.status not in OPEN_NOTICE_STATUSES:
            raise ValidationError({"status": _("通知状态为 %(s)s，不能办结") % {"s": notice.get_status_display()}})
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


def check_set_white_paper_pilots(actor: Any, units: Sequence[Unit]) -> None:
    """Which units publish in a year is the city government's choice (an administrator of them)."""
    refused = [u.code for u in units if not can(actor, ADMINISTER, u)]
    if refused:
        raise PermissionDenied(_("不能设定白皮书发布单位：%(units)s") % {"units": ", ".join(refused)})


def do_set_white_paper_pilots(*, actor: Any, year: int, add: Sequence[Unit] = (),
                              remove: Sequence[Unit] = ()) -> list[Unit]:
    """Add units to, or take them off, the list of units that publish a white paper in ``year``
    (白皮书试点单位: the seed's pilot had 5 departments in 2006 and 16 in 2007). A unit whose paper
    of that year is published stays on the list. Returns the list after the change."""
    if actor is not None:
        check_set_white_paper_pilots(actor, [*add, *remove])
    with transaction.atomic():
        published = set(WhitePaper.objects.filter(year=year, unit__in=list(remove), state=PaperState.PUBLISHED)
                        .values_list("unit__code", flat=True))
        if published:
            raise ValidationError({"unit": _("%(year)s 年白皮书已发布，不能移出试点：%(units)s")
                                           % {"year": year, "units": ", ".join(sorted(published))}})
        before = sorted(WhitePaperPilot.objects.filter(year=year).values_list("unit__code", flat=True))
        WhitePaperPilot.objects.filter(year=year, unit__in=list(remove)).delete()
        WhitePaperPilot.objects.bulk_create([WhitePaperPilot(unit=u, year=year) for u in add], ignore_conflicts=True)
        pilots = list(Unit.objects.filter(pk__in=WhitePaperPilot.objects.filter(year=year).values("unit_id"))
                      .order_by("path"))
        record_event(actor=actor, action="targets.white_paper_pilots", object_type="targets.whitepaperpilot",
                     object_id=str(year), changes={"units": [before, [u.code for u in pilots]]})
        return pilots


def do_draft_white_paper(*, actor: Any, unit: Unit, year: int, content: dict[str, Any]) -> WhitePaper:
    """Draft (or redraft) a unit's white paper for a year with ``content`` frozen as it is now. Only
    the units chosen to publish that year (:func:`do_set_white_paper_pilots`) draft one."""
    if actor is not None:
        check_manage_unit(actor, unit)
    if not WhitePaperPilot.objects.filter(unit=unit, year=year).exists():
        raise ValidationError({"unit": _("%(unit)s 不在 %(year)s 年发布白皮书的单位之列") % {"unit": unit.display_name, "year": year}})
    with transaction.atomic():
        paper, created = WhitePaper.objects.select_for_update().get_or_create(
            unit=unit, year=year, defaults={"drafted_at": timezone.now(), "content": content})
        if not created and paper.state not in (PaperState.DRAFT, PaperState.WITHDRAWN):
            raise ValidationError({"state": _("%(unit)s %(year)s 年白皮书已%(state)s，先撤回再修改")
                                            % {"unit": unit.display_name, "year": year, "state": paper.get_state_display()}})
        before = None if created else snapshot(paper)
        paper.content, paper.state, paper.drafted_at = content, PaperState.DRAFT, timezone.now()
        paper.save()
        record_change(actor=actor, action="targets.draft_white_paper", obj=paper, before=before, after=snapshot(paper))
        return paper


def do_move_white_paper(*, actor: Any, paper: WhitePaper, state: str, reason: str = "") -> WhitePaper:
    """Approve (the unit's head), publish or withdraw a white paper; audited with the reason."""
    if actor is not None and not can(actor, APPROVE, paper.unit):
        raise PermissionDenied(_("只有 %(unit)s 的负责人可以审核、发布或撤回白皮书") % {"unit": paper.unit.code})
    if state == PaperState.WITHDRAWN and not reason.strip():
        raise ValidationError({"reason": _("撤回已发布的白皮书须说明理由")})
    with transaction.atomic():
        paper = WhitePaper.objects.select_for_update().get(pk=paper.pk)
        if state not in PAPER_MOVES[PaperState(paper.state)]:
            raise ValidationError({"state": _("白皮书不能从 %(a)s 变为 %(b)s") % {"a": paper.get_state_display(),
                                                                               "b": PaperState(state).label}})
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
    return _("优秀名额超限：本单位参加考核 %(assessed)d 人，优秀比例上限 %(share)s%%（向下取整）即 %(quota)d 人，"
             "现评定优秀 %(excellent)d 人") % {"assessed": assessed, "share": f"{share:g}", "quota": quota,
                                           "excellent": excellent}


# What an audit entry records of an assessment: every field but its reason's message (the entry records the
# reason as text); entries keep the shape they had before reasons were messages.
ASSESSMENT_AUDITED = [f.attname for f in Assessment._meta.concrete_fields
                      if f.name not in ("grade_reason_key", "grade_reason_params")]


def check_propose_assessments(actor: Any, unit: Unit) -> None:
    """The unit (its staff office or supervising leader: EDIT or APPROVE) prepares the proposals."""
    if not (can(actor, EDIT, unit) or can(actor, APPROVE, unit)):
        raise PermissionDenied(_("不能为 %(unit)s 提出考核等次建议") % {"unit": unit.code})


def check_confirm_assessments(actor: Any, unit: Unit) -> None:
    """The head of the organ or its assessment committee (APPROVE) determines the grades
    (公务员法 第三十五条)."""
    if not can(actor, APPROVE, unit):
        raise PermissionDenied(_("只有 %(unit)s 的负责人（考核委员会）可以确定考核等次") % {"unit": unit.code})


def _basis_json(basis: Any, unmet: set[int], proposal: rules.Proposal, as_of: date) -> dict[str, Any]:
    return {"as_of": as_of.isoformat(), "post": basis.post,
            "criteria": [{"text": text, "met": i not in unmet} for i, text in enumerate(basis.criteria)],
            "targets": basis.targets, "progress": None if proposal.progress is None else round(proposal.progress, 4),
            "criteria_share": None if proposal.criteria is None else round(proposal.criteria, 4),
            "reasons": list(proposal.reasons), "proposed": proposal.grade}


def do_propose_assessments(*, actor: Any, unit: Unit, year: int, as_of: date | None = None,
                           unmet: Mapping[int, Collection[int]] | None = None,
                           person_ids: list[int] | None = None) -> list[Assessment]:
    """Propose the grade of every non-leading staff member of ``unit`` for ``year`` (or of
    ``person_ids``) by :func:`zeren.targets.rules.propose_grade`, from their position description's
    standards and their targets' outcome at ``as_of`` (the year's end by default), freezing the basis.

    ``unmet`` gives, per person id, the indexes of the standards the supervising leader judges not met
    (from the 平时考核 record); a standard counts as met unless judged otherwise, and earlier
    judgments of a still unconfirmed proposal are kept when a person is not in ``unmet``. Confirmed
    assessments are left alone; a person in another unit's round that year is skipped. One audit
    entry lists every proposal."""
    from zeren.targets.selectors import assessment_bases

    if actor is not None:
        check_propose_assessments(actor, unit)
    as_of = as_of or min(date(year, 12, 31), timezone.localdate())
    unmet = unmet or {}
    with transaction.atomic():
        bases = assessment_bases(unit, year, as_of, person_ids)
        existing = {a.person_id: a for a in Assessment.objects.select_for_update().filter(
            year=year, person_id__in=list(bases))}
        refused = [a.person_id for a in existing.values() if a.confirmed and a.person_id in unmet]
        if refused:
            raise ValidationError({"grade": _("%(year)s 年考核等次已确定，不能再调整考核标准的评定") % {"year": year}})
        fresh, changed, entries = [], [], []
        for person_id, basis in sorted(bases.items()):
            row = existing.get(person_id)
            if row is not None and (row.confirmed or row.unit_id != unit.pk):
                continue
            if person_id in unmet:
                judged = {int(i) for i in unmet[person_id] if 0 <= int(i) < len(basis.criteria)}
            else:
                judged = {i for i, c in enumerate((row.basis or {}).get("criteria", []) if row else [])
                          if not c.get("met", True)}
            proposal = rules.propose_grade([i not in judged for i in range(len(basis.criteria))], basis.outcomes)
            content = _basis_json(basis, judged, proposal, as_of)
            if row is None:
                fresh.append(Assessment(unit=unit, person_id=person_id, year=year, proposed_grade=proposal.grade,
                                        basis=content))
            else:
                row.proposed_grade, row.basis = proposal.grade, content
                changed.append(row)
            entries.append([person_id, proposal.grade, sorted(judged)])
        Assessment.objects.bulk_create(fresh, batch_size=1000)
        Assessment.objects.bulk_update(changed, ["proposed_grade", "basis"], batch_size=1000)
        record_event(actor=actor, action="targets.propose_assessments", object_type="targets.assessment",
                     object_id=f"{unit.code}:{year}",
                     changes={"count": len(entries), "proposed": dict(Counter(e[1] for e in entries))},
                     extra={"as_of": as_of.isoformat(), "entries": entries})
        return list(Assessment.objects.filter(unit=unit, year=year, person_id__in=[e[0] for e in entries])
                    .select_related("person"))


@dataclass
class Decision:
    """The committee's decision on one proposal: the grade, and why when it is not the proposed one."""

    assessment: Assessment
    grade: str
    reason: str = ""
    comment: str = ""


def do_confirm_assessments(*, actor: Any, unit: Unit, year: int, decisions: list[Decision],
                           notified_on: date) -> list[Assessment]:
    """The head of the organ or its assessment committee confirms (确定) proposed grades or changes
    them with a reason, and the people are notified on ``notified_on`` (公务员法 第三十五、三十六条).
    All or nothing, every problem named: a grade other than the proposal without a reason, an
    assessment already confirmed or not of this round; the 优秀 grades of the round may not exceed
    the quota (15 % of the unit's assessed staff, rounded down). A changed grade is audited with its
    reason, the round with every decision; 不称职 raises a finding."""
    if actor is not None:
        check_confirm_assessments(actor, unit)
    with transaction.atomic():
        rows = {a.pk: a for a in Assessment.objects.select_for_update().filter(unit=unit, year=year)
                .select_related("person")}
        errors: list[str] = []
        for d in decisions:
            row = rows.get(d.assessment.pk)
            if row is None:
                errors.append(_("%(name)s：不在 %(unit)s %(year)s 年的考核名单中")
                              % {"name": d.assessment.person, "unit": unit.display_name, "year": year})
            elif row.confirmed:
                errors.append(_("%(name)s：等次已确定为%(grade)s") % {"name": row.person.name, "grade": row.get_grade_display()})
            elif d.grade not in Grade.values:
                errors.append(_("%(name)s：没有等次 %(grade)s") % {"name": row.person.name, "grade": d.grade})
            elif d.grade != row.proposed_grade and not d.reason.strip():
                errors.append(_("%(name)s：确定为%(grade)s，与建议等次%(proposed)s不同，须说明理由") % {
                    "name": row.person.name, "grade": Grade(d.grade).label,
                    "proposed": row.get_proposed_grade_display()})
        if errors:
            raise ValidationError({"grade": errors})
        decided = {d.assessment.pk for d in decisions}
        excellent = (sum(a.grade == Grade.EXCELLENT for a in rows.values() if a.pk not in decided)
                     + sum(d.grade == Grade.EXCELLENT for d in decisions))
        message = quota_message(len(rows), excellent)
        if message:
            raise ValidationError({"grade": message})
        confirmed = []
        for d in decisions:
            row = rows[d.assessment.pk]
            before = snapshot(row, ASSESSMENT_AUDITED) if d.grade != row.proposed_grade else None
            row.grade, row.notified_on = d.grade, notified_on
            row.grade_reason = d.reason.strip() if d.grade != row.proposed_grade else ""
            row.comment = d.comment.strip() or row.comment
            confirmed.append(row)
            if before is not None:
                record_change(actor=actor, action="targets.change_proposed_grade", obj=row, before=before,
                              after=snapshot(row, ASSESSMENT_AUDITED), reason=row.grade_reason)
        # one UPDATE per distinct decision (most of a round is confirmed as proposed), not a CASE per row
        same: dict[tuple[str, str, str], list[int]] = defaultdict(list)
        for row in confirmed:
            same[row.grade, row.grade_reason, row.comment].append(row.pk)
        for (grade, reason, comment), ids in same.items():
            Assessment.objects.filter(pk__in=ids).update(grade=grade, grade_reason=reason, grade_reason_key="",
                                                         grade_reason_params={}, comment=comment,
                                                         notified_on=notified_on)
        record_event(actor=actor, action="targets.confirm_assessments", object_type="targets.assessment",
                     object_id=f"{unit.code}:{year}",
                     changes={"count": len(confirmed), "grades": dict(Counter(a.grade for a in confirmed)),
                              "changed": sum(a.grade != a.proposed_grade for a in confirmed)},
                     extra={"notified_on": notified_on.isoformat(),
                            "entries": [[a.pk, a.person.code, a.proposed_grade, a.grade] for a in confirmed]})
        for row in confirmed:
            if row.grade == Grade.INCOMPETENT:
                _raise_incompetent(actor, row)
        return confirmed


def _raise_incompetent(actor: Any, assessment: Assessment) -> None:
    do_raise_finding(
        actor=actor, dedupe_key=f"targets.incompetent:{assessment.year}:{assessment.person_id}",
        cause=causes.INCOMPETENT, source_app="targets",
        **titled(causes.INCOMPETENT, year=assessment.year, person=assessment.person.name), unit=assessment.unit,
        person=assessment.person, evidence_type="targets.assessment", evidence_id=str(assessment.pk),
        evidence_url=f"/targets/assessments/{assessment.pk}/", occurred_on=assessment.notified_on)


def appeal_file_by(assessment: Assessment) -> date | None:
    """The last day to appeal a confirmed assessment (None before it is notified)."""
    if assessment.notified_on is None:
        return None
    return rules.appeal_file_by(_calendar(), assessment.notified_on,
                                getattr(settings, "ZEREN_TARGETS_APPEAL_FILE_WORKDAYS", rules.APPEAL_FILE_WORKDAYS))


def check_file_appeal(actor: Any, assessment: Assessment) -> None:
    """The assessed person appeals; the unit (EDIT) may record an appeal handed in on paper."""
    own = getattr(actor, "person_id", None) == assessment.person_id
    if not (own or can(actor, EDIT, assessment.unit) or can(actor, APPROVE, assessment.unit)):
        raise PermissionDenied(_("只有被考核人本人或其单位可以申请复核"))


def do_file_appeal(*, actor: Any, assessment: Assessment, reason: str, filed_on: date) -> Appeal:
    """A civil servant appeals (申请复核) a confirmed grade within the working-day limit after being
    notified."""
    if actor is not None:
        check_file_appeal(actor, assessment)
    last = appeal_file_by(assessment)
    if last is None:
        raise ValidationError({"assessment": _("考核等次尚未确定，不能申请复核")})
    if filed_on > last:
        raise ValidationError({"filed_on": _("已超过复核申请时限：%(notified)s 告知，最迟 %(last)s 前申请")
                                           % {"notified": assessment.notified_on, "last": last}})
    if filed_on < (assessment.notified_on or filed_on):
        raise ValidationError({"filed_on": _("申请日期 %(filed)s 早于告知日期 %(notified)s")
                                           % {"filed": filed_on, "notified": assessment.notified_on}})
    if not reason.strip():
        raise ValidationError({"reason": _("须说明复核理由")})
    with transaction.atomic():
        if Appeal.objects.filter(assessment=assessment).exists():
            raise ValidationError({"assessment": _("该考核结果已申请复核")})
        appeal = Appeal.objects.create(
            assessment=assessment, filed_on=filed_on, reason=reason.strip(), original_grade=assessment.grade,
            decide_by=rules.appeal_decide_by(_calendar(), filed_on, getattr(
                settings, "ZEREN_TARGETS_APPEAL_DECIDE_WORKDAYS", rules.APPEAL_DECIDE_WORKDAYS)))
        record_change(actor=actor, action="targets.file_appeal", obj=appeal, before=None, after=snapshot(appeal))
        return appeal


def do_decide_appeal(*, actor: Any, appeal: Appeal, grade: str | None, decision: str, decided_on: date) -> Appeal:
    """Decide an appeal: keep the grade (维持) or change it (变更, within the 优秀 quota); the decision
    is the reason of a changed grade."""
    assessment = appeal.assessment
    if actor is not None and not can(actor, APPROVE, assessment.unit):
        raise PermissionDenied(_("只有 %(unit)s 的负责人可以作出复核决定") % {"unit": assessment.unit.code})
    if not decision.strip():
        raise ValidationError({"decision": _("须写明复核意见")})
    if grade is not None and grade not in Grade.values:
        raise ValidationError({"grade": _("没有等次 %(grade)s") % {"grade": grade}})
    with transaction.atomic():
        appeal = Appeal.objects.select_for_update().get(pk=appeal.pk)
        if appeal.status != AppealStatus.FILED:
            raise ValidationError({"status": _("复核已作出决定")})
        if decided_on < appeal.filed_on:
            raise ValidationError({"decided_on": _("复核日期 %(decided)s 早于申请日期 %(filed)s")
                                                 % {"decided": decided_on, "filed": appeal.filed_on}})
        before_assessment = snapshot(assessment, ASSESSMENT_AUDITED)
        changed = grade is not None and grade != assessment.grade
        if grade is not None and changed:
            others = Assessment.objects.filter(unit=assessment.unit, year=assessment.year).exclude(pk=assessment.pk)
            excellent = others.filter(grade=Grade.EXCELLENT).count() + (grade == Grade.EXCELLENT)
            over_quota = quota_message(others.count() + 1, excellent)
            if over_quota:
                raise ValidationError({"grade": over_quota})
            assessment.grade = grade
            reason = "" if grade == assessment.proposed_grade else message("targets.grade_changed_on_review",
                                                                           decision=decision.strip())
            assessment.grade_reason, assessment.grade_reason_key, assessment.grade_reason_params = stored(reason)
            assessment.save(update_fields=["grade", "grade_reason", "grade_reason_key", "grade_reason_params"])
            record_change(actor=actor, action="targets.change_grade", obj=assessment, before=before_assessment,
                          after=snapshot(assessment, ASSESSMENT_AUDITED), reason=decision)
            if grade == Grade.INCOMPETENT:
                _raise_incompetent(actor, assessment)
        before = snapshot(appeal)
        appeal.status = AppealStatus.CHANGED if changed else AppealStatus.UPHELD
        appeal.decision, appeal.decided_on = decision.strip(), decided_on
        appeal.save()
        record_change(actor=actor, action="targets.decide_appeal", obj=appeal, before=before, after=snapshot(appeal),
                      extra={"late": decided_on > appeal.decide_by})
        return appeal


def do_raise_check_findings(*, actor: Any, year: int, issues: list[Any]) -> int:
    """Raise the consistency problems of ``zeren targets check`` as findings (idempotent); warnings
    (siblings' weights) are only reported. Returns how many findings were new."""
    specs = [FindingSpec(
        dedupe_key=f"{i.cause}:{year}:{i.code}:{i.person_id or ''}", cause=i.cause, source_app="targets",
        **titled(i.title_key, **i.params), unit_id=i.unit_id, person_id=i.person_id, evidence_type="targets.target",
        evidence_id=i.code, details={"year": year}) for i in issues if not i.warning]
    return do_raise_findings(actor=actor, specs=specs, reason=f"targets check {year}")
