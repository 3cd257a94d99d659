"""Every write of the oversight network (监督网络): transactional, audited, permission-checked first."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from zeren.access.rules import APPROVE, EDIT, SUPERVISE
from zeren.access.scope import can, check
from zeren.audit.actions import record_change, record_event, snapshot
from zeren.audit.rules import canonical_json
from zeren.core.messages import message
from zeren.core.uploads import UploadRejected, check_attachment
from zeren.findings.actions import FindingSpec, do_follow_source, do_raise_finding, do_raise_findings
from zeren.findings.causes import names, titled
from zeren.findings.models import Finding
from zeren.findings.rules import dedupe_key
from zeren.org.models import Unit
from zeren.oversight import rules
from zeren.oversight.models import (
    Attachment,
    Body,
    BodyKind,
    DisclosureRequirement,
    ExternalEvaluation,
    FindingCause,
    InspectionIssue,
    InspectionStatus,
    IssueStatus,
    JointInspection,
    JointMeeting,
    MeetingTask,
    Publication,
    PublicationStatus,
    Referral,
    ReferralNote,
    ReferralOutcome,
    ReferralStatus,
    RuleAdoption,
)
from zeren.workcal.selectors import get_calendar

APP = "oversight"
Upload = tuple[str, bytes]  # (file name, content)


def add_workdays(day: date, n: int) -> date:
    """``n`` working days after ``day`` on the city's calendar (工作日, 行政许可法 第八十二条 counting)."""
    return get_calendar().add_workdays(day, n)


def belongs_to(user: Any, body: Body) -> bool:
    """Whether ``user`` works in ``body`` (their home unit is the body or one of its divisions)."""
    unit = getattr(user, "unit", None)
    return unit is not None and rules.in_subtree(unit.path, body.unit.path)


def _store_attachments(owner: Model, uploads: Sequence[Upload]) -> list[Attachment]:
    """Check every upload first (all or nothing, every problem listed), then store them."""
    problems, checked = [], []
    for name, data in uploads:
        try:
            checked.append((name, data, check_attachment(data, name)))
        except UploadRejected as exc:
            problems.append(str(exc))
    if problems:
        raise ValidationError({"attachments": problems})
    now = timezone.now()
    return Attachment.objects.bulk_create([
        Attachment(owner_type=owner._meta.label_lower, owner_id=owner.pk, name=name[:200], content_type=content_type,
                   size=len(data), sha256=hashlib.sha256(data).hexdigest(), content=data, uploaded_at=now)
        for name, data, content_type in checked])


def _audit(actor: Any, action: str, obj: Model, before: dict | None, reason: str = "", **extra: Any) -> None:
    record_change(actor=actor, action=f"oversight.{action}", obj=obj, before=before, after=snapshot(obj),
                  reason=reason, extra=extra or None)


# --- 阳光工程: publications ----------------------------------------------------------------------

def do_create_publication(*, actor: Any, unit: Unit, category: str, title: str, body: str, issued_on: date,
                          attachments: Sequence[Upload] = (), requirement: DisclosureRequirement | None = None,
                          reason: str = "") -> Publication:
    """Draft an item for the sunshine register (拟公开事项), by staff of the unit."""
    check(actor, EDIT, unit)
    if requirement is not None and requirement.unit_id != unit.pk:
        raise ValidationError({"requirement": _("公开清单事项不属于该单位")})
    with transaction.atomic():
        publication = Publication(unit=unit, category=category, title=title.strip(), body=body.strip(),
                                  issued_on=issued_on, requirement=requirement, created_at=timezone.now())
        publication.full_clean()
        publication.save()
        stored = _store_attachments(publication, attachments)
        _audit(actor, "create_publication", publication, None, reason,
               attachments=[a.sha256 for a in stored])
    return publication


def _move_publication(actor: Any, publication: Publication, new: str, reason: str = "") -> Publication:
    check(actor, APPROVE, publication.unit)
    with transaction.atomic():
        publication = Publication.objects.select_for_update().get(pk=publication.pk)
        if not rules.can_move_publication(publication.status, new):
            raise ValidationError({"status": _("不能从“%(old)s”转为“%(new)s”") % {
                "old": publication.get_status_display(), "new": PublicationStatus(new).label}})
        before = snapshot(publication)
        publication.status = new
        now = timezone.now()
        if new == PublicationStatus.PUBLISHED:
            publication.published_at = now
        elif new == PublicationStatus.WITHDRAWN:
            publication.withdrawn_at, publication.withdrawal_reason = now, reason
        publication.save()
        _audit(actor, f"{new}_publication" if new != "draft" else "return_publication", publication, before, reason)
        if new == PublicationStatus.PUBLISHED and publication.requirement_id:
            DisclosureRequirement.objects.filter(pk=publication.requirement_id, met_on__isnull=True).update(
                met_on=timezone.localdate())
            do_follow_source(evidence_type="oversight.disclosurerequirement", evidence_id=str(publication.requirement_id),
                             outcome="resolved", reason=f"published: {publication.title}", actor=actor)
    return publication


def do_approve_publication(*, actor: Any, publication: Publication) -> Publication:
    """The unit head signs off a draft (保密审查和审核, 政府信息公开条例 第十七条)."""
    return _move_publication(actor, publication, PublicationStatus.APPROVED)


def do_return_publication(*, actor: Any, publication: Publication, reason: str) -> Publication:
    """Send an approved item back to draft, before it is published."""
    return _move_publication(actor, publication, PublicationStatus.DRAFT, reason)


def do_publish_publication(*, actor: Any, publication: Publication) -> Publication:
    """Publish an approved item: from now on it is public for good (公开)."""
    return _move_publication(actor, publication, PublicationStatus.PUBLISHED)


def do_withdraw_publication(*, actor: Any, publication: Publication, reason: str) -> Publication:
    """Withdraw a published item (撤回): it keeps its public page, which shows the reason given here."""
    if not reason.strip():
        raise ValidationError({"reason": _("撤回已公开事项必须说明理由，理由将向社会公开")})
    return _move_publication(actor, publication, PublicationStatus.WITHDRAWN, reason.strip())


def do_add_requirement(*, actor: Any, unit: Unit, category: str, title: str, due_on: date,
                       reason: str = "") -> DisclosureRequirement:
    """Put a required disclosure on a unit's checklist (主动公开清单), by a supervision officer."""
    check(actor, SUPERVISE, unit)
    with transaction.atomic():
        requirement = DisclosureRequirement(unit=unit, category=category, title=title.strip(), due_on=due_on)
        requirement.full_clean()
        requirement.save()
        _audit(actor, "add_requirement", requirement, None, reason)
    return requirement


def do_check_disclosures(*, actor: Any, today: date) -> int:
    """Raise a finding (``oversight.disclosure_overdue``) for each required disclosure past its due
    day and not yet published. Idempotent: each requirement is raised once. Returns how many are new."""
    overdue = DisclosureRequirement.objects.filter(met_on__isnull=True, due_on__lt=today).select_related("unit")
    cause = FindingCause.DISCLOSURE_OVERDUE.value
    specs = [FindingSpec(
        dedupe_key=dedupe_key(APP, cause, "oversight.disclosurerequirement", str(r.pk)), cause=cause, source_app=APP,
        **titled(cause, unit=names(r.unit.name, r.unit.name_en), title=r.title, due=f"{r.due_on:%Y-%m-%d}"),
        unit_id=r.unit_id,
        evidence_type="oversight.disclosurerequirement", evidence_id=str(r.pk), evidence_url="/oversight/checklist/",
        occurred_on=r.due_on, details={"due_on": r.due_on.isoformat()}) for r in overdue]
    return do_raise_findings(actor=actor, specs=specs, reason=str(message("oversight.disclosure_check", day=f"{today:%Y-%m-%d}")))


# --- 移送处理: referrals ---------------------------------------------------------------------------

def check_refer(actor: Any, from_body: Body, to_body: Body, unit: Unit, attachments: Sequence[Upload]) -> None:
    """Who may refer what to whom; every refusal says why in words the referrer understands."""
    if from_body.kind not in {k.value for k in BodyKind} - {BodyKind.SUPERVISION}:
        raise ValidationError({"from_body": _("只有财政、审计、法制、人事部门可以移送案件")})
    if not (getattr(actor, "is_superuser", False) or belongs_to(actor, from_body)):
        raise PermissionDenied(_("您不属于移送机关 %(body)s") % {"body": from_body.unit.display_name})
    if not rules.competent(to_body.kind, to_body.jurisdiction.path, unit.path):
        raise ValidationError({"to_body": _("%(body)s 不负责监督 %(unit)s，请移送有管辖权的监察机关") % {
            "body": to_body.unit.display_name, "unit": unit.display_name}})
    if not attachments:
        raise ValidationError({"attachments": _("移送案件必须附证据材料（至少一个附件）")})


def do_refer_case(*, actor: Any, from_body: Body, to_body: Body, unit: Unit, type: str, title: str, facts: str,
                  attachments: Sequence[Upload], referred_on: date, source_finding: Finding | None = None) -> Referral:
    """Refer a case to the competent supervision body (移送), with evidence; raises the finding
    ``oversight.referral`` on the unit so accountability can open a fault case from it."""
    check_refer(actor, from_body, to_body, unit, attachments)
    with transaction.atomic():
        referral = Referral(from_body=from_body, to_body=to_body, unit=unit, type=type, title=title.strip(),
                            facts=facts.strip(), source_finding=source_finding, referred_on=referred_on,
                            register_due=add_workdays(referred_on, rules.limit("register")),
                            number=rules.referral_number(referred_on.year, Referral.objects.filter(
                                number__startswith=rules.referral_number(referred_on.year, 0)[:8]).count() + 1))
        referral.full_clean()
        referral.save()
        stored = _store_attachments(referral, attachments)
        _audit(actor, "refer_case", referral, None, extra_evidence=[a.sha256 for a in stored])
        raise_referral_finding(actor, referral)
    return referral


def raise_referral_finding(actor: Any, referral: Referral) -> None:
    cause = FindingCause.REFERRAL.value
    do_raise_finding(
        actor=actor, dedupe_key=dedupe_key(APP, cause, "oversight.referral", str(referral.pk)), cause=cause,
        source_app=APP, unit=referral.unit, **titled(cause, title=referral.title, body=names(
            referral.from_body.unit.name, referral.from_body.unit.name_en)),
        evidence_type="oversight.referral", evidence_id=str(referral.pk),
        evidence_url=f"/oversight/referrals/{referral.pk}/", occurred_on=referral.referred_on,
        details={"number": referral.number, "type": referral.type, "from": referral.from_body.unit.code})


def check_receive(actor: Any, referral: Referral) -> None:
    """Only the supervision side (SUPERVISE over the unit, not the referring body) handles a referral."""
    if belongs_to(actor, referral.from_body) or not can(actor, SUPERVISE, referral.unit):
        raise PermissionDenied(_("只有受理机关可以办理移送案件"))


def do_register_referral(*, actor: Any, referral: Referral, registered_on: date) -> Referral:
    """Register a referral (登记受理): starts the working-day limit for reporting the result."""
    check_receive(actor, referral)
    with transaction.atomic():
        referral = Referral.objects.select_for_update().get(pk=referral.pk)
        if referral.status != ReferralStatus.REFERRED:
            raise ValidationError({"status": _("该案件已登记")})
        if registered_on < referral.referred_on:
            raise ValidationError({"registered_on": _("登记日期不能早于移送日期")})
        before = snapshot(referral)
        referral.status, referral.registered_on = ReferralStatus.REGISTERED, registered_on
        referral.report_due = add_workdays(registered_on, rules.limit("report"))
        referral.save()
        _audit(actor, "register_referral", referral, before,
               late=rules.late(referral.register_due, registered_on, registered_on))
    return referral


def do_add_referral_note(*, actor: Any, referral: Referral, body: str) -> ReferralNote:
    """An internal handling note (内部办理记录), seen by the supervision side only."""
    check_receive(actor, referral)
    if not body.strip():
        raise ValidationError({"body": _("记录内容不能为空")})
    with transaction.atomic():
        note = ReferralNote.objects.create(referral=referral, author=actor if getattr(actor, "pk", None) else None,
                                           body=body.strip(), created_at=timezone.now())
        # The note's text stays out of the audit entry's changes: only its digest.
        record_event(actor=actor, action="oversight.add_referral_note", object_type="oversight.referralnote",
                     object_id=str(note.pk), changes={"referral_id": referral.pk},
                     extra={"sha256": hashlib.sha256(note.body.encode("utf-8")).hexdigest()})
    return note


def do_report_referral(*, actor: Any, referral: Referral, outcome: str, summary: str, reported_on: date) -> Referral:
    """Report the result back to the referring body (结果反馈); a finding of no violation is dismissed."""
    check_receive(actor, referral)
    if not summary.strip():
        raise ValidationError({"summary": _("请填写向移送机关反馈的处理结果")})
    with transaction.atomic():
        referral = Referral.objects.select_for_update().get(pk=referral.pk)
        if referral.status != ReferralStatus.REGISTERED:
            raise ValidationError({"status": _("案件须先登记受理，且只能反馈一次")})
        if reported_on < referral.registered_on:
            raise ValidationError({"reported_on": _("反馈日期不能早于登记日期")})
        before = snapshot(referral)
        referral.status, referral.outcome = ReferralStatus.REPORTED, outcome
        referral.result_summary, referral.reported_on = summary.strip(), reported_on
        referral.full_clean()
        referral.save()
        _audit(actor, "report_referral", referral, before, late=rules.late(referral.report_due, reported_on, reported_on))
        if outcome == ReferralOutcome.NO_VIOLATION:
            do_follow_source(evidence_type="oversight.referral", evidence_id=str(referral.pk), outcome="dismissed",
                             reason=summary.strip(), actor=actor)
    return referral


# --- 垂直网络: bodies and rule adoption -----------------------------------------------------------

def do_register_body(*, actor: Any, unit: Unit, kind: str, jurisdiction: Unit, reason: str = "") -> Body:
    """Register a body of the network (监督主体) at its level, with the government it oversees."""
    check(actor, SUPERVISE, jurisdiction)
    with transaction.atomic():
        body = Body(unit=unit, kind=kind, level=jurisdiction.level, jurisdiction=jurisdiction)
        body.full_clean()
        body.save()
        _audit(actor, "register_body", body, None, reason)
    return body


def do_record_rule_adoption(*, actor: Any, unit: Unit, title: str, adopted_on: date, document_no: str = "",
                            reason: str = "") -> RuleAdoption:
    """Record that a government adopted its administrative-fault liability rules (建立问责制度)."""
    check(actor, SUPERVISE, unit)
    with transaction.atomic():
        adoption = RuleAdoption(unit=unit, title=title.strip(), adopted_on=adopted_on, document_no=document_no.strip())
        adoption.full_clean()
        adoption.save()
        _audit(actor, "record_rule_adoption", adoption, None, reason)
    return adoption


# --- 联席会议: joint meetings ----------------------------------------------------------------------

def do_hold_meeting(*, actor: Any, convener: Body, members: Sequence[Body], title: str, held_on: date,
                    agenda: str, minutes: str = "") -> JointMeeting:
    """Record a joint meeting (联席会议) convened by the supervision body."""
    check(actor, SUPERVISE, convener.jurisdiction)
    if convener.kind != BodyKind.SUPERVISION:
        raise ValidationError({"convener": _("联席会议由监察机关召集")})
    if not agenda.strip():
        raise ValidationError({"agenda": _("议程不能为空")})
    with transaction.atomic():
        meeting = JointMeeting.objects.create(convener=convener, title=title.strip(), held_on=held_on,
                                              agenda=agenda.strip(), minutes=minutes.strip())
        meeting.members.set([convener, *members])
        _audit(actor, "hold_meeting", meeting, None, members=sorted(b.unit.code for b in meeting.members.all()))
    return meeting


def do_add_meeting_task(*, actor: Any, meeting: JointMeeting, decision: str, owner: Body, workdays: int) -> MeetingTask:
    """A decision of the meeting with its owner and a deadline in working days (议定事项督办)."""
    check(actor, SUPERVISE, meeting.convener.jurisdiction)
    if workdays < 1:
        raise ValidationError({"workdays": _("办理时限至少 1 个工作日")})
    with transaction.atomic():
        task = MeetingTask.objects.create(meeting=meeting, decision=decision.strip(), owner=owner, workdays=workdays,
                                          due_on=add_workdays(meeting.held_on, workdays))
        _audit(actor, "add_meeting_task", task, None)
    return task


def do_complete_meeting_task(*, actor: Any, task: MeetingTask, report: str, done_on: date) -> MeetingTask:
    """The owner reports the task done (办结)."""
    if not (belongs_to(actor, task.owner) or can(actor, SUPERVISE, task.owner.unit)):
        raise PermissionDenied(_("只有责任单位可以报告办理情况"))
    if not report.strip():
        raise ValidationError({"report": _("请填写办理情况")})
    with transaction.atomic():
        task = MeetingTask.objects.select_for_update().get(pk=task.pk)
        before = snapshot(task)
        task.report, task.done_on = report.strip(), done_on
        task.save()
        _audit(actor, "complete_meeting_task", task, before, late=rules.late(task.due_on, done_on, done_on))
        do_follow_source(evidence_type="oversight.meetingtask", evidence_id=str(task.pk), outcome="resolved",
                         reason=task.report, actor=actor)
    return task


def do_escalate_overdue_tasks(*, actor: Any, today: date) -> int:
    """Escalate every follow-up past its deadline (逾期督办升级): mark it, raise a finding on its owner."""
    with transaction.atomic():
        overdue = list(MeetingTask.objects.select_related("owner__unit", "meeting")
                       .filter(done_on__isnull=True, escalated_on__isnull=True, due_on__lt=today))
        if not overdue:
            return 0
        MeetingTask.objects.filter(pk__in=[t.pk for t in overdue]).update(escalated_on=today)
        cause = FindingCause.MEETING_TASK_OVERDUE.value
        do_raise_findings(actor=actor, reason=str(message("oversight.meeting_check", day=f"{today:%Y-%m-%d}")), specs=[
            FindingSpec(dedupe_key=dedupe_key(APP, cause, "oversight.meetingtask", str(t.pk)), cause=cause,
                        source_app=APP, **titled(cause, decision=t.decision[:80]), unit_id=t.owner.unit_id,
                        evidence_type="oversight.meetingtask", evidence_id=str(t.pk),
                        evidence_url=f"/oversight/meetings/{t.meeting_id}/", occurred_on=t.due_on)
            for t in overdue])
        record_event(actor=actor, action="oversight.escalate_meeting_tasks", object_type="oversight.meetingtask",
                     object_id=f"escalation:{today:%Y-%m-%d}", changes={"escalated_on": today},
                     extra={"tasks": [t.pk for t in overdue]})
    return len(overdue)


@dataclass
class OverdueChecks:
    """What one run of the network's overdue checks found new."""

    as_of: date
    disclosures: int  # required disclosures newly found overdue (each raises one finding)
    follow_ups: int  # joint-meeting follow-ups newly escalated (each raises one finding)


def do_check_overdue(*, actor: Any = None, as_of: date | None = None) -> OverdueChecks:
    """The network's daily overdue checks (逾期检查) as of ``as_of`` (default today): overdue required
    disclosures (逾期未公开) and overdue joint-meeting follow-ups (议定事项逾期督办). Idempotent: a
    requirement or a follow-up is found once however often this runs. Run daily by
    :func:`zeren.oversight.tasks.check_overdue`, by ``zeren oversight check`` and from the overview page."""
    as_of = as_of or timezone.localdate()
    with transaction.atomic():
        return OverdueChecks(as_of, do_check_disclosures(actor=actor, today=as_of),
                             do_escalate_overdue_tasks(actor=actor, today=as_of))


# --- 联合检查: joint inspections -------------------------------------------------------------------

def do_plan_inspection(*, actor: Any, lead: Body, team: Sequence[Body], targets: Sequence[Unit], title: str,
                       plan: str, starts_on: date, ends_on: date) -> JointInspection:
    """Plan a joint inspection (联合检查计划): a team of at least two bodies, at least one target unit."""
    check(actor, SUPERVISE, lead.jurisdiction)
    members = {b.pk: b for b in [lead, *team]}
    problems = []
    if len(members) < 2:
        problems.append(_("联合检查组须由两个以上成员单位组成"))
    if not targets:
        problems.append(_("请选择被检查单位"))
    outside = [u.name for u in targets if not rules.in_subtree(u.path, lead.jurisdiction.path)]
    if outside:
        problems.append(_("不在牵头单位监督范围内：%(units)s") % {"units": "、".join(outside)})
    if ends_on < starts_on:
        problems.append(_("结束日期不能早于开始日期"))
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        inspection = JointInspection.objects.create(lead=lead, title=title.strip(), plan=plan.strip(),
                                                    starts_on=starts_on, ends_on=ends_on)
        inspection.team.set(members.values())
        inspection.targets.set(targets)
        _audit(actor, "plan_inspection", inspection, None, team=sorted(b.unit.code for b in members.values()),
               targets=sorted(u.code for u in targets))
    return inspection


def do_record_inspection_issue(*, actor: Any, inspection: JointInspection, unit: Unit, description: str,
                               found_on: date, workdays: int | None = None) -> InspectionIssue:
    """Record a problem found and send the rectification request (整改通知) with its working-day deadline;
    raises the finding ``oversight.inspection``."""
    check(actor, SUPERVISE, unit)
    if inspection.status == InspectionStatus.CLOSED:
        raise ValidationError({"inspection": _("检查已结束")})
    if not inspection.targets.filter(pk=unit.pk).exists():
        raise ValidationError({"unit": _("%(unit)s 不是本次检查的被检查单位") % {"unit": unit.display_name}})
    days = workdays or rules.limit("rectify")
    with transaction.atomic():
        issue = InspectionIssue.objects.create(inspection=inspection, unit=unit, description=description.strip(),
                                               found_on=found_on, workdays=days,
                                               rectify_due=add_workdays(found_on, days))
        if inspection.status == InspectionStatus.PLANNED:
            JointInspection.objects.filter(pk=inspection.pk).update(status=InspectionStatus.UNDERWAY)
        _audit(actor, "record_inspection_issue", issue, None)
        cause = FindingCause.INSPECTION.value
        do_raise_finding(actor=actor, dedupe_key=dedupe_key(APP, cause, "oversight.inspectionissue", str(issue.pk)),
                         cause=cause, source_app=APP, title=f"{inspection.title}：{issue.description[:80]}", unit=unit,
                         evidence_type="oversight.inspectionissue", evidence_id=str(issue.pk),
                         evidence_url=f"/oversight/inspections/{inspection.pk}/", occurred_on=found_on)
    return issue


def do_report_rectification(*, actor: Any, issue: InspectionIssue, report: str, reported_on: date,
                            attachments: Sequence[Upload] = ()) -> InspectionIssue:
    """The inspected unit reports its rectification (整改报告)."""
    check(actor, EDIT, issue.unit)
    if not report.strip():
        raise ValidationError({"report": _("请填写整改报告")})
    with transaction.atomic():
        issue = InspectionIssue.objects.select_for_update().get(pk=issue.pk)
        if issue.status == IssueStatus.ACCEPTED:
            raise ValidationError({"status": _("该问题已验收")})
        before = snapshot(issue)
        issue.status, issue.report, issue.reported_on = IssueStatus.REPORTED, report.strip(), reported_on
        issue.save()
        _store_attachments(issue, attachments)
        _audit(actor, "report_rectification", issue, before, late=rules.late(issue.rectify_due, reported_on, reported_on))
    return issue


def do_accept_rectification(*, actor: Any, issue: InspectionIssue, accepted_on: date) -> InspectionIssue:
    """The team accepts the rectification (整改验收); the finding follows as resolved."""
    check(actor, SUPERVISE, issue.unit)
    with transaction.atomic():
        issue = InspectionIssue.objects.select_for_update().get(pk=issue.pk)
        if issue.status != IssueStatus.REPORTED:
            raise ValidationError({"status": _("尚未报送整改报告")})
        before = snapshot(issue)
        issue.status, issue.accepted_on = IssueStatus.ACCEPTED, accepted_on
        issue.save()
        _audit(actor, "accept_rectification", issue, before)
        do_follow_source(evidence_type="oversight.inspectionissue", evidence_id=str(issue.pk), outcome="resolved",
                         reason=issue.report, actor=actor)
    return issue


def do_close_inspection(*, actor: Any, inspection: JointInspection, conclusion: str, closed_on: date) -> JointInspection:
    """Close the inspection (检查结束) once every rectification is accepted."""
    check(actor, SUPERVISE, inspection.lead.jurisdiction)
    pending = inspection.issues.exclude(status=IssueStatus.ACCEPTED).count()
    if pending:
        raise ValidationError({"status": _("还有 %(n)s 个问题未整改验收，不能结束检查") % {"n": pending}})
    if not conclusion.strip():
        raise ValidationError({"conclusion": _("请填写检查结论")})
    with transaction.atomic():
        inspection = JointInspection.objects.select_for_update().get(pk=inspection.pk)
        before = snapshot(inspection)
        inspection.status, inspection.closed_on, inspection.conclusion = InspectionStatus.CLOSED, closed_on, conclusion.strip()
        inspection.save()
        _audit(actor, "close_inspection", inspection, before)
    return inspection


# --- 外部监督: deputies' evaluations --------------------------------------------------------------

def do_record_external_evaluation(*, actor: Any, unit: Unit, evaluator_kind: str, evaluator: str, visited_on: date,
                                  rating: str, comments: str = "") -> ExternalEvaluation:
    """Record a deputy's or CPPCC member's inspection evaluation of a unit (代表委员视察评议)."""
    check(actor, SUPERVISE, unit)
    with transaction.atomic():
        evaluation = ExternalEvaluation(unit=unit, evaluator_kind=evaluator_kind, evaluator=evaluator.strip(),
                                        visited_on=visited_on, rating=rating, comments=comments.strip())
        evaluation.full_clean()
        evaluation.save()
        _audit(actor, "record_external_evaluation", evaluation, None)
    return evaluation


# --- 批量导入 -------------------------------------------------------------------------------------

def do_import_batch(*, actor: Any, objects: Sequence[Model], reason: str) -> list[Model]:
    """Insert a batch of new records of one model at once (批量导入: the demo city, a migration from an
    old system) with ONE audit entry naming the model, the count and the SHA-256 of their snapshots.

    The records' own fields are validated first (the foreign keys by the database's constraints, not
    a query each); a batch with an invalid record is refused whole, every problem listed."""
    if not objects:
        return []
    model = type(objects[0])
    relations = [f.name for f in model._meta.concrete_fields if f.is_relation]
    problems = []
    for i, obj in enumerate(objects):
        try:
            obj.full_clean(exclude=relations, validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            problems.append(f"#{i + 1}: {'; '.join(exc.messages)}")
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        created = model.objects.bulk_create(objects, batch_size=2000)
        names = [f.attname for f in model._meta.concrete_fields]
        digest = hashlib.sha256(canonical_json(
            [[getattr(o, name) for name in names] for o in created]).encode("utf-8")).hexdigest()
        record_event(actor=actor, action="oversight.import_batch", object_type=model._meta.label_lower,
                     object_id=f"batch:{digest[:16]}", changes={"count": len(created)}, reason=reason,
                     extra={"sha256": digest})
    return created
