"""Oversight API (监督网络): the public sunshine register, and referrals, inspections, meetings and
the network's case loads within the caller's scope. Referrers get the status view of a referral."""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate
from ninja.security import django_auth

from zeren.core.pagination import BoundedLimitOffsetPagination
from zeren.core.params import YEAR
from zeren.oversight import actions, selectors

router = Router(tags=["oversight"])


class PublicationOut(Schema):
    id: int
    unit_code: str
    unit_name: str
    category: str
    title: str
    body: str
    issued_on: date
    published_at: datetime | None
    status: str
    withdrawn_at: datetime | None
    withdrawal_reason: str

    @staticmethod
    def resolve_unit_code(obj) -> str:
        return obj.unit.code

    @staticmethod
    def resolve_unit_name(obj) -> str:
        return obj.unit.name


class ReferralStatusOut(Schema):
    """What the referring body sees (状态): no facts beyond its own, no internal notes."""

    id: int
    number: str
    from_body: str
    to_body: str
    unit_code: str
    type: str
    title: str
    referred_on: date
    register_due: date
    registered_on: date | None
    report_due: date | None
    reported_on: date | None
    status: str
    outcome: str
    result_summary: str

    @staticmethod
    def resolve_from_body(obj) -> str:
        return obj.from_body.unit.code

    @staticmethod
    def resolve_to_body(obj) -> str:
        return obj.to_body.unit.code

    @staticmethod
    def resolve_unit_code(obj) -> str:
        return obj.unit.code


class NoteOut(Schema):
    created_at: datetime
    body: str


class ReferralOut(ReferralStatusOut):
    """One referral: ``view`` is ``full`` for the supervision side, which also gets its internal
    handling notes, or ``status`` for the referring body, whose ``notes`` stay empty."""

    view: str
    facts: str
    notes: list[NoteOut]

    @staticmethod
    def resolve_notes(obj) -> list:
        return obj.visible_notes


def referral_out(referral, view: str):
    """The referral with what ``view`` allows attached: the notes for the supervision side only."""
    referral.view = view
    referral.visible_notes = list(referral.notes.all()) if view == "full" else []
    return referral


class ReferralIn(Schema):
    registered_on: date | None = None


class ReportIn(Schema):
    outcome: str
    summary: str
    reported_on: date


class InspectionOut(Schema):
    id: int
    title: str
    lead: str
    starts_on: date
    ends_on: date
    status: str
    closed_on: date | None

    @staticmethod
    def resolve_lead(obj) -> str:
        return obj.lead.unit.code


class LoadOut(Schema):
    body: str
    level: str
    jurisdiction: str
    findings_open: int
    received: int
    open: int
    overdue: int
    registered: int
    registered_on_time: int
    on_time_rate: float | None
    inspections: int
    issues_overdue: int


@router.get("/publications", response=list[PublicationOut], auth=None, openapi_extra={"x-zeren-public": True})
@paginate(BoundedLimitOffsetPagination)
def list_publications(request, q: str = "", category: str = "", unit: str = "", year: int | None = YEAR):
    """The public sunshine register (published and withdrawn items, newest first); no log-in needed."""
    return selectors.public_publications(q=q[:100], category=category, unit=unit, year=year)


@router.get("/referrals", response=list[ReferralStatusOut], auth=django_auth)
@paginate(BoundedLimitOffsetPagination)
def list_referrals(request, status: str = "", type: str = ""):
    """Referrals you may see, as status (use the detail route for the receiving side's full view)."""
    return selectors.referrals_for(request.user, status=status, type=type)


@router.get("/referrals/{referral_id}", response=ReferralOut, auth=django_auth)
def get_referral(request, referral_id: int):
    """The full referral for the supervision side; the referring body gets the status view (no notes)."""
    referral, view = selectors.get_referral_for(request.user, referral_id)
    return referral_out(referral, view)


def _call(action):
    try:
        return action()
    except PermissionDenied as exc:
        raise HttpError(403, str(exc) or "forbidden") from exc
    except ValidationError as exc:
        raise HttpError(422, "; ".join(exc.messages)) from exc


@router.post("/referrals/{referral_id}/register", response=ReferralOut, auth=django_auth)
def register_referral(request, referral_id: int, payload: ReferralIn):
    referral, view = selectors.get_referral_for(request.user, referral_id)
    return referral_out(_call(lambda: actions.do_register_referral(
        actor=request.user, referral=referral, registered_on=payload.registered_on or timezone.localdate())), view)


@router.post("/referrals/{referral_id}/report", response=ReferralOut, auth=django_auth)
def report_referral(request, referral_id: int, payload: ReportIn):
    referral, view = selectors.get_referral_for(request.user, referral_id)
    return referral_out(_call(lambda: actions.do_report_referral(
        actor=request.user, referral=referral, outcome=payload.outcome, summary=payload.summary,
        reported_on=payload.reported_on)), view)


@router.get("/referral-statistics", response=dict[str, list[list[str | int]]], auth=django_auth)
def referral_statistics(request, year: int | None = YEAR):
    """Referrals in your scope counted by source, type, outcome and status."""
    return selectors.referral_statistics(request.user, year=year)


@router.get("/inspections", response=list[InspectionOut], auth=django_auth)
@paginate(BoundedLimitOffsetPagination)
def list_inspections(request):
    return selectors.inspections_for(request.user)


@router.get("/network", response=list[LoadOut], auth=django_auth)
def network(request):
    """Each supervision body in your scope with its case load, timeliness and overdue items."""
    return [LoadOut(body=load.body.unit.code, level=load.body.level, jurisdiction=load.body.jurisdiction.code,
                    findings_open=load.findings_open, received=load.received, open=load.open, overdue=load.overdue,
                    registered=load.registered, registered_on_time=load.registered_on_time,
                    on_time_rate=load.on_time_rate, inspections=load.inspections, issues_overdue=load.issues_overdue)
            for load in selectors.network_loads(request.user, timezone.localdate())]

