"""Accountability API (行政问责) under ``/api/v1/accountability/``: scoped reads, and the case and
complaint steps through the same actions as the pages. A complaint's complainant appears only for
officers of the handling body."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate
from ninja.security import django_auth

from zeren.accountability import actions, selectors
from zeren.accountability.models import SanctionLevel
from zeren.accountability.rules import case_source
from zeren.core.pagination import BoundedLimitOffsetPagination
from zeren.core.params import YEAR
from zeren.findings.models import Finding
from zeren.org.models import Person, Unit

router = Router(tags=["accountability"], auth=django_auth)


def _call(fn: Callable[[], Any]) -> Any:
    try:
        return fn()
    except PermissionDenied as exc:
        raise HttpError(403, str(exc) or "forbidden") from exc
    except ValidationError as exc:
        raise HttpError(422, "; ".join(exc.messages)) from exc


class ComplainantOut(Schema):
    name: str
    phone: str
    email: str
    address: str


class ComplaintOut(Schema):
    id: int
    tracking_number: str
    channel: str
    category: str
    unit_code: str
    handling_body_code: str
    description: str
    submitted_at: datetime
    status: str
    acceptance_due: date
    accepted_on: date | None
    investigation_due: date | None
    conclusion: str
    reply: str
    replied_on: date | None
    complainant: ComplainantOut | None = None

    @staticmethod
    def resolve_complainant(obj, context) -> ComplainantOut | None:
        """Only for officers of the handling body (``selectors.complainant_for``); ``None`` for anyone else."""
        person = selectors.complainant_for(context["request"].user, obj)
        return ComplainantOut(name=person.name, phone=person.phone, email=person.email,
                              address=person.address) if person else None

    @staticmethod
    def resolve_category(obj) -> str:
        return obj.category.code

    @staticmethod
    def resolve_unit_code(obj) -> str:
        return obj.unit.code

    @staticmethod
    def resolve_handling_body_code(obj) -> str:
        return obj.handling_body.code


@router.get("/complaints", response=list[ComplaintOut])
@paginate(BoundedLimitOffsetPagination)
def list_complaints(request, status: str = "", q: str = ""):
    """Complaints in your scope; the complainant only where you handle the complaint."""
    return selectors.complaints_for(request.user, status=status, q=q)


@router.get("/complaints/{complaint_id}", response=ComplaintOut)
def get_complaint(request, complaint_id: int):
    return selectors.get_complaint_for(request.user, complaint_id)


class AcceptIn(Schema):
    accept: bool
    reason: str = ""


@router.post("/complaints/{complaint_id}/accept", response=ComplaintOut)
def accept_complaint(request, complaint_id: int, payload: AcceptIn):
    complaint = selectors.get_complaint_for(request.user, complaint_id)
    return _call(lambda: actions.do_accept_complaint(actor=request.user, complaint=complaint, accept=payload.accept,
                                                     reason=payload.reason))


class CaseOut(Schema):
    id: int
    number: str
    subject_kind: str
    unit_code: str
    person_code: str | None
    fault_type: str
    source: str
    status: str
    opened_on: date
    sanction: str | None
    aggravating: list[str]
    mitigating: list[str]
    decided_on: date | None
    filing_due: date | None
    filed_on: date | None
    findings: list[int]

    @staticmethod
    def resolve_unit_code(obj) -> str:
        return obj.unit.code

    @staticmethod
    def resolve_person_code(obj) -> str | None:
        return obj.person.code if obj.person_id else None

    @staticmethod
    def resolve_sanction(obj) -> str | None:
        return obj.sanction.code if obj.sanction_id else None

    @staticmethod
    def resolve_findings(obj) -> list[int]:
        return [f.pk for f in obj.findings.all()]


@router.get("/cases", response=list[CaseOut])
@paginate(BoundedLimitOffsetPagination)
def list_cases(request, status: str = "", year: int | None = YEAR):
    return selectors.cases_for(request.user, status=status, year=year).prefetch_related("findings")


@router.get("/cases/{case_id}", response=CaseOut)
def get_case(request, case_id: int):
    return selectors.get_case_for(request.user, case_id)


class CaseIn(Schema):
    subject_kind: str
    unit_code: str
    person_code: str = ""
    fault_type: str
    summary: str
    findings: list[int] = []


@router.post("/cases", response={201: CaseOut})
def open_case(request, payload: CaseIn):
    """Open a fault case from findings in your scope (never automatic)."""
    unit = get_object_or_404(Unit, code=payload.unit_code)
    person = get_object_or_404(Person, code=payload.person_code) if payload.person_code else None
    findings = list(selectors.inbox_for(request.user).filter(pk__in=payload.findings))
    if len(findings) != len(set(payload.findings)):
        raise HttpError(404, "a finding was not found in your scope")
    return 201, _call(lambda: actions.do_open_case(
        actor=request.user, subject_kind=payload.subject_kind, unit=unit, person=person,
        fault_type=payload.fault_type, source=case_source((f.source_app, f.cause) for f in findings), summary=payload.summary, findings=findings))


class StepIn(Schema):
    step: str
    text: str = ""
    sanction: str = ""
    aggravating: list[str] = []
    mitigating: list[str] = []
    outcome: str = ""


@router.post("/cases/{case_id}/steps", response=CaseOut)
def case_step(request, case_id: int, payload: StepIn):
    """One step of a case: ``statement``, ``decide``, ``file``, ``appeal``, ``appeal_decision``, ``close``."""
    case = selectors.get_case_for(request.user, case_id)
    sanction = SanctionLevel.objects.filter(code=payload.sanction).first() if payload.sanction else None
    steps: dict[str, Callable[[], Any]] = {
        "statement": lambda: actions.do_record_statement(actor=request.user, case=case, statement=payload.text),
        "decide": lambda: actions.do_decide_case(actor=request.user, case=case, sanction=_need(sanction),
                                                 decision=payload.text, aggravating=payload.aggravating,
                                                 mitigating=payload.mitigating),
        "file": lambda: actions.do_file_case(actor=request.user, case=case),
        "appeal": lambda: actions.do_appeal_case(actor=request.user, case=case, appeal=payload.text),
        "appeal_decision": lambda: actions.do_decide_case_appeal(actor=request.user, case=case,
                                                                 outcome=payload.outcome, decision=payload.text,
                                                                 sanction=sanction),
        "close": lambda: actions.do_close_case(actor=request.user, case=case),
    }
    if payload.step not in steps:
        raise HttpError(422, f"step must be one of {', '.join(steps)}")
    return _call(steps[payload.step])


def _need(sanction: SanctionLevel | None) -> SanctionLevel:
    if sanction is None:
        raise ValidationError({"sanction": _("请指明处理等级中的问责方式")})
    return sanction


class ReviewOut(Schema):
    id: int
    incident: str
    unit: str
    due: date
    status: str
    submitted_on: date | None
    negligent: bool | None
    escalated_on: date | None


@router.get("/reviews", response=list[ReviewOut])
@paginate(BoundedLimitOffsetPagination)
def list_reviews(request):
    today = timezone.localdate()
    return [ReviewOut(id=r.pk, incident=r.incident.code, unit=r.unit.code, due=r.due, submitted_on=r.submitted_on,
                      negligent=r.negligent, escalated_on=r.escalated_on,
                      status=selectors.review_status(due=r.due, submitted_on=r.submitted_on,
                                                     apologised=hasattr(r, "apology"), as_of=today))
            for r in selectors.reviews_for(request.user).order_by("due", "pk")[:5000]]


class BulkIn(Schema):
    findings: list[int]
    action: str
    reason: str = ""


@router.post("/inbox/bulk")
def inbox_bulk(request, payload: BulkIn):
    """Accept or dismiss (with a reason) several findings in your scope."""
    findings: list[Finding] = list(selectors.inbox_for(request.user).filter(pk__in=payload.findings))
    if len(findings) != len(set(payload.findings)):
        raise HttpError(404, "a finding was not found in your scope")
    if payload.action == "accept":
        return {"moved": _call(lambda: actions.do_accept_findings(actor=request.user, findings=findings,
                                                                  reason=payload.reason))}
    if payload.action == "dismiss":
        return {"moved": _call(lambda: actions.do_dismiss_findings(actor=request.user, findings=findings,
                                                                   reason=payload.reason))}
    raise HttpError(422, "action must be accept or dismiss")
