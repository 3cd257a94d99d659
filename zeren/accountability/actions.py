"""Every write of accountability (行政问责): incidents and reviews, complaints, fault cases, rewards.

Each ``do_*`` runs in one transaction and writes its audit entry. A complainant's identity never
enters an audit payload: a complaint's entries carry only whether a complainant was recorded.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from zeren.access.rules import EDIT, SUPERVISE
from zeren.access.scope import can, scope_paths
from zeren.accountability import rules
from zeren.accountability.models import (
    Apology,
    ApologyMedium,
    AppealOutcome,
    CaseSource,
    CaseStatus,
    Channel,
    Commendation,
    Complainant,
    Complaint,
    ComplaintAttachment,
    ComplaintCategory,
    ComplaintStatus,
    Conclusion,
    FaultCase,
    FaultType,
    Incident,
    IncidentCategory,
    IncidentReview,
    Open311Key,
    Refusal,
    SanctionLevel,
    Severity,
    SubjectKind,
)
from zeren.audit.actions import record_change, record_event, snapshot
from zeren.core.jsoninput import read_json_file
from zeren.core.messages import STORED_LANGUAGE, message
from zeren.evaluation import causes as evaluation_causes
from zeren.findings.actions import do_follow_source, do_raise_finding, do_set_finding_status
from zeren.findings.causes import names, titled
from zeren.findings.models import Finding, FindingStatus
from zeren.org.models import Person, Unit, UnitKind

APP = "accountability"
COMPLAINT_AUDIT_FIELDS = ["tracking_number", "channel", "category_id", "unit_id", "handling_body_id", "status",
                          "acceptance_due", "accepted_on", "investigation_due", "conclusion", "concluded_on",
                          "replied_on"]


def _cal():
    from zeren.workcal.selectors import get_calendar

    return get_calendar()


def _today(on: date | None) -> date:
    return on or timezone.localdate()


def _require(condition: bool, field: str, message: str) -> None:
    if not condition:
        raise ValidationError({field: message})


def _finding_key(cause: str, evidence_type: str, evidence_id: Any) -> str:
    return f"{APP}:{cause}:{evidence_type}:{evidence_id}"


# --- incidents and responsibility reviews (责任检讨及失职道歉) --------------------------------------


def check_manage_incidents(actor: Any, units: list[Unit]) -> None:
    """The supervision body over the responsible units registers an incident (a command: ``actor=None``)."""
    denied = [u.code for u in units if actor is not None and not can(actor, SUPERVISE, u)]
    if denied:
        raise PermissionDenied(f"may not register incidents of {', '.join(denied)}")


def do_register_incidents(*, actor: Any, rows: list[dict[str, Any]], source: str = "") -> list[Incident]:
    """Register incidents with one review per responsible unit, due on the 20th working day after
    the incident (责任检讨期限). All or nothing: every problem of every row is listed first."""
    units = {u.code: u for u in Unit.objects.all()}
    where = source or "incidents"
    errors, seen = [], set()
    for number, row in enumerate(rows, 1):
        errors += rules.check_incident_row(row, f"{where} row {number}", set(IncidentCategory.values),
                                           set(Severity.values), set(units))
        code = row.get("code") if isinstance(row, dict) else None
        if isinstance(code, str):
            if code in seen:
                errors.append(f"{where} row {number} field code: {code!r} appears twice")
            seen.add(code)
    known = set(Incident.objects.filter(code__in=seen).values_list("code", flat=True))
    errors += [f"{where} field code: incident {code!r} is already registered" for code in sorted(known)]
    if errors:
        raise ValidationError(errors)
    check_manage_incidents(actor, [units[c] for row in rows for c in row["units"]])
    cal, now, created = _cal(), timezone.now(), []
    with transaction.atomic():
        for row in rows:
            incident = Incident.objects.create(
                code=row["code"].strip(), category=row["category"], occurred_on=date.fromisoformat(row["date"]),
                severity=row["severity"], title=row["title"].strip(), description=row.get("description", ""),
                registered_at=now)
            due = rules.review_due(cal, incident.occurred_on)
            IncidentReview.objects.bulk_create([IncidentReview(incident=incident, unit=units[c], due=due)
                                                for c in row["units"]])
            record_change(actor=actor, action="accountability.register_incident", obj=incident, before=None,
                          after=snapshot(incident), reason=source, extra={"units": row["units"], "due": due})
            created.append(incident)
    return created


def do_import_incidents(*, actor: Any, path: Path) -> list[Incident]:
    """``zeren accountability import-incidents FILE.json``: a JSON list of incidents, all or nothing."""
    try:
        rows = read_json_file(Path(path).read_bytes())
    except (OSError, ValueError) as exc:
        raise ValidationError([f"{Path(path).name}: {exc}"]) from exc
    if not isinstance(rows, list):
        raise ValidationError([f"{Path(path).name}: a JSON list of incidents expected"])
    return do_register_incidents(actor=actor, rows=rows, source=Path(path).name)


def check_edit_review(actor: Any, review: IncidentReview) -> None:
    if not can(actor, EDIT, review.unit):
        raise PermissionDenied(f"may not write the review of {review.unit.code}")


REVIEW_FIELDS = ["submitted_on", "measures_appropriate", "rules_missing", "findings_text", "corrective_actions",
                 "negligent", "escalated_on", "escalated_to_id", "refusal"]


def _locked_review(review: IncidentReview) -> IncidentReview:
    return IncidentReview.objects.select_for_update().select_related("unit", "incident").get(pk=review.pk)


def do_submit_review(*, actor: Any, review: IncidentReview, measures_appropriate: bool, rules_missing: bool,
                     findings_text: str, corrective_actions: str, negligent: bool,
                     on: date | None = None) -> IncidentReview:
    """The unit submits its responsibility review (责任检讨): were its measures appropriate, were
    rules missing, what it corrects, and whether it failed in its duty (then it must apologise)."""
    check_edit_review(actor, review)
    _require(bool(findings_text.strip()), "findings_text", _("责任检讨须写明检讨了哪些情况"))
    _require(bool(corrective_actions.strip()), "corrective_actions", _("须写明整改措施"))
    with transaction.atomic():
        review = _locked_review(review)
        _require(review.submitted_on is None, "review", _("该责任检讨已经提交"))
        before = snapshot(review, REVIEW_FIELDS)
        review.submitted_on = _today(on)
        review.measures_appropriate, review.rules_missing, review.negligent = (
            measures_appropriate, rules_missing, negligent)
        review.findings_text, review.corrective_actions = findings_text.strip(), corrective_actions.strip()
        if review.refusal == Refusal.REVIEW:
            review.refusal = Refusal.NONE
        review.save()
        record_change(actor=actor, action="accountability.submit_review", obj=review, before=before,
                      after=snapshot(review, REVIEW_FIELDS))
        for cause in ("review_overdue", "review_refused"):
            do_follow_source(evidence_type="accountability.incidentreview", evidence_id=str(review.pk),
                             outcome="resolved", cause=f"{APP}.{cause}", actor=actor,
                             reason=message("accountability.review_submitted", day=str(review.submitted_on)))
        return review


def do_publish_apology(*, actor: Any, review: IncidentReview, statement: str, medium: str, medium_detail: str = "",
                       on: date | None = None) -> Apology:
    """Publish the public apology for negligence (失职道歉) on the portal, recording the press
    conference or newspaper. It does not close any liability case (道歉不免除责任)."""
    check_edit_review(actor, review)
    _require(bool(statement.strip()), "statement", _("须填写道歉内容"))
    _require(medium in ApologyMedium.values, "medium", _("请选择道歉方式"))
    with transaction.atomic():
        review = _locked_review(review)
        _require(review.submitted_on is not None and bool(review.negligent), "review",
                 _("只有已提交且认定失职的责任检讨才需公开道歉"))
        _require(not Apology.objects.filter(review=review).exists(), "review", _("已经发布过道歉"))
        apology = Apology.objects.create(review=review, statement=statement.strip(), medium=medium,
                                         medium_detail=medium_detail.strip(), published_on=_today(on))
        if review.refusal == Refusal.APOLOGY:
            IncidentReview.objects.filter(pk=review.pk).update(refusal=Refusal.NONE)
        record_change(actor=actor, action="accountability.publish_apology", obj=apology, before=None,
                      after=snapshot(apology))
        do_follow_source(evidence_type="accountability.incidentreview", evidence_id=str(review.pk),
                         outcome="resolved", cause=f"{APP}.apology_refused", actor=actor,
                         reason=message("accountability.apology_published", day=str(apology.published_on)))
        return apology


def do_record_refusal(*, actor: Any, review: IncidentReview, what: str, note: str) -> Finding:
    """Record that a unit refuses to review or to apologise (拒不检讨/拒不道歉): itself a finding,
    to be sanctioned by circulated criticism (通报批评)."""
    if not can(actor, SUPERVISE, review.unit):
        raise PermissionDenied(f"may not supervise {review.unit.code}")
    _require(what in (Refusal.REVIEW, Refusal.APOLOGY), "what", _("请选择拒不检讨或拒不道歉"))
    _require(bool(note.strip()), "note", _("须写明如何认定拒不检讨或拒不道歉"))
    with transaction.atomic():
        review = _locked_review(review)
        if what == Refusal.REVIEW:
            _require(review.submitted_on is None, "what", _("该责任检讨已经提交"))
        else:
            _require(bool(review.negligent) and not Apology.objects.filter(review=review).exists(), "what",
                     _("无须道歉，或道歉已经发布"))
        before = snapshot(review, REVIEW_FIELDS)
        review.refusal = what
        review.save(update_fields=["refusal"])
        record_change(actor=actor, action="accountability.record_refusal", obj=review, before=before,
                      after=snapshot(review, REVIEW_FIELDS), reason=note)
        cause = "review_refused" if what == Refusal.REVIEW else "apology_refused"
        finding, _created = do_raise_finding(
            actor=actor, dedupe_key=_finding_key(cause, "accountability.incidentreview", review.pk),
            cause=f"{APP}.{cause}", source_app=APP, unit=review.unit,
            **titled(f"{APP}.refusal", what=what, incident=review.incident.title, unit=_names(review.unit)),
            evidence_type="accountability.incidentreview", evidence_id=str(review.pk),
            evidence_url=f"/accountability/reviews/{review.pk}/", occurred_on=timezone.localdate(),
            details={"incident": review.incident.code, "measure": "通报批评"}, reason=note)
        return finding


def _names(named: Any) -> dict[str, str]:
    """A unit's or a category's name in both languages, for a finding's title."""
    return names(named.name, named.name_en)


def superior_of(unit: Unit) -> Unit:
    """The superior body a unit reports to (上级机关): its parent, or itself at the top."""
    return unit.parent if unit.parent_id else unit


def do_escalate_overdue_reviews(*, as_of: date | None = None, actor: Any = None) -> int:
    """The daily job: every review not submitted by its due day is escalated to the superior body
    and raises ONE finding (逾期未检讨), however many times the job runs. Returns how many escalated."""
    as_of = _today(as_of)
    escalated = 0
    with transaction.atomic():
        overdue = (IncidentReview.objects.select_for_update(of=("self",)).select_related("unit__parent", "incident")
                   .filter(submitted_on__isnull=True, escalated_on__isnull=True, due__lt=as_of).order_by("pk"))
        for review in overdue:
            before = snapshot(review, REVIEW_FIELDS)
            review.escalated_on, review.escalated_to = as_of, superior_of(review.unit)
            review.save(update_fields=["escalated_on", "escalated_to"])
            record_change(actor=actor, action="accountability.escalate_review", obj=review, before=before,
                          after=snapshot(review, REVIEW_FIELDS), reason=str(message("accountability.review_escalated", due=str(review.due))))
            do_raise_finding(
                actor=actor, dedupe_key=_finding_key("review_overdue", "accountability.incidentreview", review.pk),
                cause=f"{APP}.review_overdue", source_app=APP, unit=review.unit,
                **titled(f"{APP}.review_overdue", incident=review.incident.title, unit=_names(review.unit)),
                evidence_type="accountability.incidentreview", evidence_id=str(review.pk),
                evidence_url=f"/accountability/reviews/{review.pk}/", occurred_on=as_of,
                details={"incident": review.incident.code, "due": review.due.isoformat(),
                         "escalated_to": review.escalated_to.code})
            escalated += 1
    return escalated


# --- complaints (行政过错投诉) ----------------------------------------------------------------------


def supervision_bodies() -> list[rules.Body]:
    bodies = Unit.objects.filter(kind=UnitKind.SUPERVISION).select_related("parent")
    return [rules.Body(b.pk, b.path, b.parent.path if b.parent_id else "/") for b in bodies]


def route_complaint(unit: Unit) -> Unit:
    """The competent supervision body for a complaint against ``unit`` (按被投诉单位层级确定受理机关)."""
    body = rules.competent_body(unit.path, supervision_bodies())
    if body is None:
        raise ValidationError({"unit": _("没有对该单位有管辖权的监察机关")})
    return Unit.objects.get(pk=body.unit_id)


def new_tracking_number() -> str:
    """A tracking number (查询编号) that cannot be guessed: it alone opens the public status page."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "TS" + "".join(secrets.choice(alphabet) for _ in range(12))


ATTACHMENT_TYPES = {b"%PDF": ("application/pdf", ".pdf"), b"\x89PNG": ("image/png", ".png"),
                    b"\xff\xd8\xff": ("image/jpeg", ".jpg")}
MAX_ATTACHMENTS = 3


def check_attachment(name: str, data: bytes) -> str:
    """An attachment must be a PDF, PNG or JPEG by its content (not its name) and within the upload
    size limit (``zeren.core.uploads``); returns its content type."""
    from zeren.core.uploads import MB, UploadRejected, limits

    max_bytes = limits()["max_bytes"]
    if len(data) > max_bytes:
        raise UploadRejected(f"{name}: larger than {max_bytes // MB} MB")
    for magic, (content_type, _suffix) in ATTACHMENT_TYPES.items():
        if data.startswith(magic):
            return content_type
    raise UploadRejected(f"{name}: only PDF, PNG or JPEG files are accepted")


# Channels through which a complaint reaches an officer, who registers it (电话、来信、来访登记); the web form
# and Open311 are open to anyone.
STAFF_CHANNELS = frozenset({Channel.HOTLINE, Channel.LETTER, Channel.VISIT})


def check_register_complaint(actor: Any, channel: str, handling_body: Unit) -> None:
    """A complaint received by phone, letter or visit is registered by an officer of the body that handles it
    (supervise over it), never by anyone else — not by the accused unit (行政过错投诉的登记). The system
    (``actor`` None: the demo, imports) may."""
    if actor is not None and channel in STAFF_CHANNELS and not can(actor, SUPERVISE, handling_body):
        raise PermissionDenied(_("电话、来信、来访投诉由受理机关 %(body)s 的工作人员登记") % {"body": handling_body.display_name})


def do_submit_complaint(*, actor: Any, channel: str, category: ComplaintCategory, unit: Unit, description: str,
                        complainant: dict[str, str] | None = None, address: str = "", lat: float | None = None,
                        long: float | None = None, client_token: str | None = None,
                        attachments: list[tuple[str, bytes]] | None = None,
                        received_at: datetime | None = None) -> tuple[Complaint, bool]:
    """File a complaint (投诉登记) from any channel; returns ``(complaint, created)``.

    A re-submitted form (the same ``client_token``) returns the first complaint. The complaint is
    routed to the competent supervision body and must be accepted or refused within the
    acceptance limit (working days). The audit entry says whether a complainant was named, never who.
    ``received_at`` is when a letter or call was received, if earlier than its entry (not in the future).
    """
    from zeren.core.uploads import UploadRejected

    _require(channel in Channel.values, "channel", _("请选择投诉渠道"))
    _require(bool(description.strip()), "description", _("请描述事情经过"))
    _require(len(description) <= 5000, "description", _("不能超过 5000 字"))
    if client_token:
        existing = Complaint.objects.filter(client_token=client_token).first()
        if existing is not None:
            return existing, False
    checked = []
    for name, data in (attachments or [])[:MAX_ATTACHMENTS + 1]:
        _require(len(attachments or []) <= MAX_ATTACHMENTS, "attachment", _("最多 %(n)d 个附件") % {"n": MAX_ATTACHMENTS})
        try:
            checked.append((name[:200], check_attachment(name, data), data))
        except UploadRejected as exc:
            raise ValidationError({"attachment": str(exc)}) from exc
    handling_body = route_complaint(unit)
    check_register_complaint(actor, channel, handling_body)
    now = timezone.now()
    _require(received_at is None or received_at <= now, "received_at", _("不能晚于当前时间"))
    now = received_at or now
    received = timezone.localdate(now)
    person = {k: (v or "").strip() for k, v in (complainant or {}).items() if k in
              ("name", "phone", "email", "address", "device_id", "account_id")}
    try:
        with transaction.atomic():
            complaint = Complaint.objects.create(
                tracking_number=new_tracking_number(), client_token=client_token or None, channel=channel,
                category=category, unit=unit, handling_body=handling_body, description=description.strip(),
                address=address.strip(), lat=lat, long=long, submitted_at=now, updated_at=now,
                acceptance_due=_cal().add_workdays(received, rules.setting("acceptance_days")))
            named = any(person.values())
            if named:
                Complainant.objects.create(complaint=complaint, **person)
            ComplaintAttachment.objects.bulk_create([
                ComplaintAttachment(complaint=complaint, name=name, content_type=ctype, size=len(data),
                                    sha256=hashlib.sha256(data).hexdigest(), data=data)
                for name, ctype, data in checked])
            record_change(actor=actor, action="accountability.submit_complaint", obj=complaint, before=None,
                          after=snapshot(complaint, COMPLAINT_AUDIT_FIELDS),
                          extra={"complainant": "named" if named else "anonymous", "attachments": len(checked)})
    except IntegrityError:  # the same token raced in: the first one wins
        existing = Complaint.objects.filter(client_token=client_token).first() if client_token else None
        if existing is None:
            raise
        return existing, False
    return complaint, True


def is_in_accused_unit(user: Any, complaint: Complaint) -> bool:
    """Whether ``user`` belongs to the accused unit or below it (their home unit)."""
    home = getattr(user, "unit", None)
    return home is not None and home.path.startswith(complaint.unit.path)


def may_handle_complaint(user: Any, complaint: Complaint) -> bool:
    """Officers of the handling body (supervision over it), never someone of the accused unit."""
    return can(user, SUPERVISE, complaint.handling_body) and not is_in_accused_unit(user, complaint)


def check_handle_complaint(actor: Any, complaint: Complaint) -> None:
    if not may_handle_complaint(actor, complaint):
        raise PermissionDenied("only officers of the handling body handle this complaint")


def _move(actor: Any, obj: Any, fields: list[str], action: str, reason: str = "", **changes: Any) -> Any:
    """Apply ``changes`` to ``obj``, save, and audit the ``fields`` before and after."""
    before = snapshot(obj, fields)
    for name, value in changes.items():
        setattr(obj, name, value)
    obj.save()
    record_change(actor=actor, action=f"accountability.{action}", obj=obj, before=before,
                  after=snapshot(obj, fields), reason=reason)
    return obj


def _move_complaint(actor: Any, complaint: Complaint, action: str, reason: str = "", **changes: Any) -> Complaint:
    # Only COMPLAINT_AUDIT_FIELDS enter the entry: the free texts (internal notes, reply, reasons)
    # may quote the complainant. The entry records the move, its dates and status.
    return _move(actor, complaint, COMPLAINT_AUDIT_FIELDS, action, reason, updated_at=timezone.now(), **changes)


def _locked(complaint: Complaint, *statuses: str) -> Complaint:
    complaint = Complaint.objects.select_for_update().select_related("unit", "handling_body").get(pk=complaint.pk)
    _require(complaint.status in statuses, "status",
             _("投诉处于“%(status)s”状态，不能进行此操作") % {"status": complaint.get_status_display()})
    return complaint


def do_accept_complaint(*, actor: Any, complaint: Complaint, accept: bool, reason: str = "",
                        on: date | None = None) -> Complaint:
    """Accept (受理) with an investigation deadline, or refuse (不予受理) with a reason."""
    check_handle_complaint(actor, complaint)
    with transaction.atomic():
        complaint = _locked(complaint, ComplaintStatus.RECEIVED)
        day = _today(on)
        if accept:
            due = _cal().add_workdays(day, rules.setting("investigation_days"))
            return _move_complaint(actor, complaint, "accept_complaint", status=ComplaintStatus.ACCEPTED,
                                   accepted_on=day, investigation_due=due)
        _require(bool(reason.strip()), "reason", _("不予受理须写明理由"))
        return _move_complaint(actor, complaint, "reject_complaint", str(message("accountability.complaint_rejected")), status=ComplaintStatus.REJECTED,
                               rejection_reason=reason.strip(), concluded_on=day)


def do_add_complaint_note(*, actor: Any, complaint: Complaint, note: str) -> Complaint:
    """An internal note of the investigation (内部办理记录): never shown to the public."""
    check_handle_complaint(actor, complaint)
    _require(bool(note.strip()), "note", _("备注不能为空"))
    with transaction.atomic():
        complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
        stamp = timezone.localtime().strftime("%Y-%m-%d %H:%M")
        notes = f"{complaint.internal_notes}\n[{stamp}] {note.strip()}".strip()
        return _move_complaint(actor, complaint, "note_complaint", internal_notes=notes)


def do_conclude_complaint(*, actor: Any, complaint: Complaint, conclusion: str, note: str,
                          on: date | None = None) -> Complaint:
    """Conclude the investigation (调查结论). A substantiated complaint becomes a finding about the
    accused unit (问题线索), for an officer to turn into a fault case."""
    check_handle_complaint(actor, complaint)
    _require(conclusion in (Conclusion.SUBSTANTIATED, Conclusion.PARTLY, Conclusion.UNSUBSTANTIATED), "conclusion",
             _("请选择调查结论：属实、部分属实或不属实"))
    _require(bool(note.strip()), "note", _("须写明调查情况"))
    with transaction.atomic():
        complaint = _locked(complaint, ComplaintStatus.ACCEPTED)
        stamp = timezone.localtime().strftime("%Y-%m-%d %H:%M")
        complaint = _move_complaint(
            actor, complaint, "conclude_complaint", status=ComplaintStatus.CONCLUDED, conclusion=conclusion,
            concluded_on=_today(on), internal_notes=f"{complaint.internal_notes}\n[{stamp}] {note.strip()}".strip())
        if conclusion != Conclusion.UNSUBSTANTIATED:
            raise_complaint_finding(actor, complaint)
        return complaint


def raise_complaint_finding(actor: Any, complaint: Complaint) -> Finding:
    finding, _created = do_raise_finding(
        actor=actor, dedupe_key=_finding_key("complaint_substantiated", "accountability.complaint", complaint.pk),
        cause=f"{APP}.complaint_substantiated", source_app=APP, unit=complaint.unit,
        **titled(f"{APP}.complaint", conclusion=complaint.conclusion, unit=_names(complaint.unit),
                 category=_names(complaint.category)),
        evidence_type="accountability.complaint", evidence_id=str(complaint.pk),
        evidence_url=f"/accountability/complaints/{complaint.pk}/", occurred_on=complaint.concluded_on,
        details={"tracking_number": complaint.tracking_number, "category": complaint.category.code})
    return finding


def do_reply_complaint(*, actor: Any, complaint: Complaint, reply: str, on: date | None = None) -> Complaint:
    """Reply to the complainant (答复): the text shown on the public status page."""
    check_handle_complaint(actor, complaint)
    _require(bool(reply.strip()), "reply", _("须填写答复意见"))
    with transaction.atomic():
        complaint = _locked(complaint, ComplaintStatus.CONCLUDED, ComplaintStatus.REJECTED)
        return _move_complaint(actor, complaint, "reply_complaint", status=ComplaintStatus.REPLIED,
                               reply=reply.strip(), replied_on=_today(on))


def do_appeal_complaint(*, complaint: Complaint, reason: str, on: date | None = None) -> Complaint:
    """The complainant asks for a review of the answer (申请复查) within the appeal limit after the
    reply; whoever holds the tracking number may do so from the status page."""
    from django.contrib.auth.models import AnonymousUser

    _require(bool(reason.strip()), "reason", _("请说明对答复不满意的理由"))
    _require(len(reason) <= 2000, "reason", _("不能超过 2000 字"))
    with transaction.atomic():
        complaint = _locked(complaint, ComplaintStatus.REPLIED)
        day = _today(on)
        limit = _cal().add_workdays(complaint.replied_on, rules.setting("appeal_days"))
        _require(day <= limit, "reason", _("申请复查的期限已于 %(day)s 届满") % {"day": limit})
        return _move_complaint(AnonymousUser(), complaint, "appeal_complaint", status=ComplaintStatus.APPEALED,
                               appeal_reason=reason.strip())


def do_decide_complaint_appeal(*, actor: Any, complaint: Complaint, outcome: str, reopen: bool) -> Complaint:
    """Decide the review (复查): uphold the answer and close, or reopen the investigation."""
    check_handle_complaint(actor, complaint)
    _require(bool(outcome.strip()), "outcome", _("须填写复查意见"))
    with transaction.atomic():
        complaint = _locked(complaint, ComplaintStatus.APPEALED)
        if reopen:
            due = _cal().add_workdays(_today(None), rules.setting("investigation_days"))
            return _move_complaint(actor, complaint, "reopen_complaint", status=ComplaintStatus.ACCEPTED,
                                   appeal_outcome=outcome.strip(), conclusion="", investigation_due=due)
        return _move_complaint(actor, complaint, "close_complaint", status=ComplaintStatus.CLOSED,
                               appeal_outcome=outcome.strip())


def do_close_complaint(*, actor: Any, complaint: Complaint) -> Complaint:
    """Close a replied complaint (结案) once the complainant has not asked for a review."""
    check_handle_complaint(actor, complaint)
    with transaction.atomic():
        complaint = _locked(complaint, ComplaintStatus.REPLIED)
        return _move_complaint(actor, complaint, "close_complaint", status=ComplaintStatus.CLOSED)


def key_digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def do_create_open311_key(*, actor: Any, name: str) -> tuple[Open311Key, str]:
    """A new Open311 ``api_key`` (shown once; only its digest is stored)."""
    _require(bool(name.strip()), "name", _("请填写接入方名称"))
    key = secrets.token_urlsafe(24)
    with transaction.atomic():
        row = Open311Key.objects.create(name=name.strip()[:100], key_sha256=key_digest(key), created_at=timezone.now())
        record_change(actor=actor, action="accountability.create_open311_key", obj=row, before=None,
                      after=snapshot(row, ["name", "active"]))
    return row, key


# --- fault-liability cases (行政过错责任追究) ------------------------------------------------------


def sanction_ladder() -> list[SanctionLevel]:
    """The configured ladder (问责方式), created from ``ZEREN_ACCOUNTABILITY["sanction_ladder"]`` on first use."""
    ladder = list(SanctionLevel.objects.filter(active=True))
    if ladder:
        return ladder
    with transaction.atomic():
        for rank, (code, name, name_en, for_units) in enumerate(rules.setting("sanction_ladder")):
            SanctionLevel.objects.get_or_create(code=code, defaults={"name": name, "name_en": name_en, "rank": rank,
                                                                     "for_units": for_units})
        record_event(actor=None, action="accountability.seed_ladder", object_type="accountability.sanctionlevel",
                     object_id="ladder", changes={"rungs": len(rules.setting("sanction_ladder"))})
    return list(SanctionLevel.objects.filter(active=True))


def check_run_case(actor: Any, case: FaultCase) -> None:
    if not can(actor, SUPERVISE, case.handling_body) or not can(actor, SUPERVISE, case.unit):
        raise PermissionDenied("only the handling supervision body runs this case")


CASE_FIELDS = ["number", "subject_kind", "unit_id", "person_id", "handling_body_id", "fault_type", "source",
               "complaint_id", "review_id", "status", "opened_on", "statement_on", "sanction_id", "aggravating",
               "mitigating", "decided_on", "filing_due", "filed_on", "filed_with_id", "appealed_on",
               "appeal_outcome"]


def _next_number(year: int) -> str:
    last = FaultCase.objects.filter(number__startswith=f"WZ{year}-").aggregate(n=Max("number"))["n"]
    return f"WZ{year}-{int(last.rsplit('-', 1)[1]) + 1 if last else 1:04d}"


def do_open_case(*, actor: Any, subject_kind: str, unit: Unit, fault_type: str, source: str, summary: str,
                 findings: list[Finding] = (), person: Person | None = None, complaint: Complaint | None = None,
                 review: IncidentReview | None = None, on: date | None = None) -> FaultCase:
    """Open a fault-liability case (立案) from one or several findings, a complaint or a review.
    Its findings are accepted (已受理) and name the case; nothing is decided yet."""
    _require(subject_kind in SubjectKind.values, "subject_kind", _("请选择问责对象类别"))
    _require(fault_type in FaultType.values, "fault_type", _("请选择过错类型"))
    _require(source in CaseSource.values, "source", _("请选择案件来源"))
    _require(bool(summary.strip()), "summary", _("请填写案情摘要"))
    _require(subject_kind == SubjectKind.UNIT or person is not None, "person", _("问责对象为个人时须指明责任人"))
    handling_body = route_complaint(unit)
    if not can(actor, SUPERVISE, unit) or not can(actor, SUPERVISE, handling_body):
        raise PermissionDenied(f"may not open cases about {unit.code}")
    for finding in findings:
        _require(finding.is_open, "findings", _("问题线索 %(id)s 已不再待处理") % {"id": finding.pk})
    with transaction.atomic():
        day = _today(on)
        case = FaultCase.objects.create(
            number=_next_number(day.year), subject_kind=subject_kind, unit=unit, person=person,
            handling_body=handling_body, fault_type=fault_type, source=source, complaint=complaint, review=review,
            summary=summary.strip(), opened_on=day)
        case.findings.set(findings)
        record_change(actor=actor, action="accountability.open_case", obj=case, before=None,
                      after=snapshot(case, CASE_FIELDS), extra={"findings": sorted(f.pk for f in findings)})
        for finding in findings:
            if finding.status == FindingStatus.OPEN:
                do_set_finding_status(actor=actor, finding=finding, status=FindingStatus.ACCEPTED,
                                      reason=message("accountability.case_opened", case=case.number))
        return case


def do_dismiss_findings(*, actor: Any, findings: list[Finding], reason: str) -> int:
    """Dismiss findings without a case (不予问责), each with the reason; returns how many moved."""
    _require(bool(reason.strip()), "reason", _("不予采纳须写明理由"))
    moved = 0
    with transaction.atomic():
        for finding in findings:
            if finding.status != FindingStatus.DISMISSED:
                do_set_finding_status(actor=actor, finding=finding, status=FindingStatus.DISMISSED,
                                      reason=reason.strip())
                moved += 1
    return moved


def do_accept_findings(*, actor: Any, findings: list[Finding], reason: str = "") -> int:
    """Accept findings for handling (受理) in bulk; returns how many moved."""
    moved = 0
    with transaction.atomic():
        for finding in findings:
            if finding.status == FindingStatus.OPEN:
                do_set_finding_status(actor=actor, finding=finding, status=FindingStatus.ACCEPTED,
                                      reason=reason.strip() or message("accountability.accepted"))
                moved += 1
    return moved


def _move_case(actor: Any, case: FaultCase, action: str, reason: str = "", **changes: Any) -> FaultCase:
    return _move(actor, case, CASE_FIELDS, action, reason, **changes)


def _locked_case(case: FaultCase, *statuses: str) -> FaultCase:
    case = FaultCase.objects.select_for_update().select_related("unit", "handling_body").get(pk=case.pk)
    _require(case.status in statuses, "status", _("案件处于“%(status)s”状态，不能进行此操作") % {"status": case.get_status_display()})
    return case


def check_state_case(actor: Any, case: FaultCase) -> None:
    """The subject's unit (edit) records its own statement; the handling body may record it too."""
    if not (can(actor, EDIT, case.unit) or can(actor, SUPERVISE, case.handling_body)):
        raise PermissionDenied("may not record the statement of this case")


def do_record_statement(*, actor: Any, case: FaultCase, statement: str, on: date | None = None) -> FaultCase:
    """The subject's statement and defence (陈述申辩), heard before any decision."""
    check_state_case(actor, case)
    _require(bool(statement.strip()), "statement", _("须记录当事人的陈述申辩（或其放弃陈述申辩）"))
    with transaction.atomic():
        case = _locked_case(case, CaseStatus.OPEN, CaseStatus.STATEMENT)
        return _move_case(actor, case, "record_statement", status=CaseStatus.STATEMENT, statement=statement.strip(),
                          statement_on=_today(on))


def do_decide_case(*, actor: Any, case: FaultCase, sanction: SanctionLevel, decision: str,
                   aggravating: list[str] = (), mitigating: list[str] = (), on: date | None = None) -> FaultCase:
    """Decide (问责决定) after the statement was heard: a rung of the ladder, with the aggravating and
    mitigating factors weighed; the decision must be filed (备案) within the filing limit. The case's
    findings are resolved by it."""
    check_run_case(actor, case)
    _require(bool(decision.strip()), "decision", _("须写明决定理由"))
    unknown = rules.unknown_factors(aggravating, mitigating)
    _require(not unknown, "factors", _("未知的情节：%(factors)s") % {"factors": "、".join(unknown)})
    _require(sanction.active, "sanction", _("该问责方式不在处理等级中"))
    _require(case.subject_kind != SubjectKind.UNIT or sanction.for_units, "sanction",
             _("“%(sanction)s”只适用于个人，不适用于单位") % {"sanction": sanction.name})
    with transaction.atomic():
        case = _locked_case(case, CaseStatus.STATEMENT)
        day = _today(on)
        case = _move_case(actor, case, "decide_case", decision.strip()[:200], status=CaseStatus.DECIDED,
                          sanction=sanction, aggravating=sorted(set(aggravating)), mitigating=sorted(set(mitigating)),
                          decision=decision.strip(), decided_on=day,
                          filing_due=_cal().add_workdays(day, rules.setting("filing_days")))
        for finding in case.findings.filter(status=FindingStatus.ACCEPTED):
            do_set_finding_status(actor=actor, finding=finding, status=FindingStatus.RESOLVED,
                                  reason=message("accountability.case_decided", case=case.number,
                                                     sanction=names(sanction.name, sanction.name_en)))
        return case


def do_file_case(*, actor: Any, case: FaultCase, on: date | None = None) -> FaultCase:
    """File the decision with the superior body (备案); a late filing is recorded as such."""
    check_run_case(actor, case)
    with transaction.atomic():
        case = _locked_case(case, CaseStatus.DECIDED)
        day = _today(on)
        late = case.filing_due is not None and day > case.filing_due
        return _move_case(actor, case, "file_case", str(message("accountability.filed_late")) if late else "", status=CaseStatus.FILED, filed_on=day,
                          filed_with=superior_of(case.handling_body))


def do_appeal_case(*, actor: Any, case: FaultCase, appeal: str, on: date | None = None) -> FaultCase:
    """The subject appeals the decision (申诉)."""
    check_state_case(actor, case)
    _require(bool(appeal.strip()), "appeal", _("须写明申请复核的理由"))
    with transaction.atomic():
        case = _locked_case(case, CaseStatus.DECIDED, CaseStatus.FILED)
        return _move_case(actor, case, "appeal_case", status=CaseStatus.APPEALED, appeal=appeal.strip(),
                          appealed_on=_today(on))


APPEAL_OUTCOMES = AppealOutcome.values


def do_decide_case_appeal(*, actor: Any, case: FaultCase, outcome: str, decision: str,
                          sanction: SanctionLevel | None = None) -> FaultCase:
    """Decide the appeal: uphold, vary (another rung) or revoke the sanction; the case is closed."""
    check_run_case(actor, case)
    _require(outcome in APPEAL_OUTCOMES, "outcome", _("请选择复核结果：维持、变更或撤销"))
    _require(bool(decision.strip()), "decision", _("须写明复核理由"))
    _require(outcome != "varied" or sanction is not None, "sanction", _("变更决定须指明新的问责方式"))
    with transaction.atomic():
        case = _locked_case(case, CaseStatus.APPEALED)
        changes: dict[str, Any] = {"status": CaseStatus.CLOSED, "appeal_outcome": outcome,
                                   "appeal_decision": decision.strip()}
        if outcome == "varied":
            changes["sanction"] = sanction
        elif outcome == "revoked":
            changes["sanction"] = None
        with translation.override(STORED_LANGUAGE):  # the audit entry's reason, in Chinese like every other
            reason = str(AppealOutcome(outcome).label)
        return _move_case(actor, case, "decide_case_appeal", reason, **changes)


def do_close_case(*, actor: Any, case: FaultCase) -> FaultCase:
    """Close a filed case (结案)."""
    check_run_case(actor, case)
    with transaction.atomic():
        case = _locked_case(case, CaseStatus.FILED)
        return _move_case(actor, case, "close_case", status=CaseStatus.CLOSED)


# --- commendations (奖勤) -------------------------------------------------------------------------


def do_propose_commendation(*, actor: Any, unit: Unit, reason: str, finding: Finding | None = None,
                            person: Person | None = None, on: date | None = None) -> tuple[Commendation, bool]:
    """Propose a commendation candidate (表彰候选), e.g. from an excellent evaluation result; once per finding.
    The supervision side over the unit proposes (as it decides, :func:`do_decide_commendation`)."""
    if actor is not None and not can(actor, SUPERVISE, unit):
        raise PermissionDenied(_("不能为 %(unit)s 提出表彰候选") % {"unit": unit.display_name})
    _require(bool(reason.strip()), "reason", _("请写明表彰事由"))
    with transaction.atomic():
        if finding is not None:
            known = Commendation.objects.filter(finding=finding).first()
            if known is not None:
                return known, False
        row = Commendation.objects.create(unit=unit, person=person, finding=finding, reason=reason.strip(),
                                          created_on=_today(on))
        record_change(actor=actor, action="accountability.propose_commendation", obj=row, before=None,
                      after=snapshot(row, ["unit_id", "person_id", "finding_id", "status"]))
        return row, True


COMMENDATION_CAUSE = evaluation_causes.COMMENDATION  # what evaluation raises for the top of a ranking (奖勤)


def do_decide_commendation(*, actor: Any, commendation: Commendation, award: bool, reason: str = "") -> Commendation:
    """Commend or not (表彰/不予表彰); the candidate's finding, if any, is resolved or dismissed with it."""
    if not can(actor, SUPERVISE, commendation.unit):
        raise PermissionDenied("may not decide commendations for this unit")
    with transaction.atomic():
        row = Commendation.objects.select_for_update().get(pk=commendation.pk)
        _require(row.status == "candidate", "status", _("已经作出决定"))
        before = snapshot(row, ["status"])
        row.status = "awarded" if award else "declined"
        row.decided_by = actor if getattr(actor, "is_authenticated", False) else None
        row.save(update_fields=["status", "decided_by"])
        record_change(actor=actor, action="accountability.decide_commendation", obj=row, before=before,
                      after=snapshot(row, ["status"]), reason=reason)
        if row.finding_id:
            finding = Finding.objects.get(pk=row.finding_id)
            for status in ([FindingStatus.ACCEPTED, FindingStatus.RESOLVED] if award else [FindingStatus.DISMISSED]):
                do_set_finding_status(actor=actor, finding=finding, status=status,
                                      reason=reason or message("accountability.commended" if award
                                                                     else "accountability.not_commended"))
        return row


def do_take_commendation_findings(*, actor: Any, findings: list[Finding]) -> int:
    """Turn commendation findings (e.g. the top of an evaluation ranking) into candidates; once each. Only the
    supervision side (supervise over each finding's unit, checked by :func:`do_propose_commendation`)."""
    if actor is not None and not scope_paths(actor, SUPERVISE):
        raise PermissionDenied(_("只有监察机关可以列入表彰候选"))
    return sum(do_propose_commendation(actor=actor, unit=f.unit, person=f.person, finding=f, reason=f.title)[1]
               for f in findings if f.cause == COMMENDATION_CAUSE and f.is_open)
