"""Targets API (目标管理): targets with their computed status, progress reports, follow-up notices —
all within the caller's scope."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate
from ninja.security import django_auth

from zeren.core.pagination import BoundedLimitOffsetPagination
from zeren.targets import actions, selectors
from zeren.targets.models import Target

router = Router(tags=["targets"])


class TargetOut(Schema):
    id: int
    code: str
    year: int
    title: str
    source: str
    unit_code: str
    leader_code: str | None
    person_code: str | None
    parent_code: str | None
    weight: float
    start: date
    deadline: date
    kind: str
    measure: str
    baseline: float | None
    target_value: float | None
    state: str

    @staticmethod
    def resolve_unit_code(obj) -> str:
        return obj.unit.code

    @staticmethod
    def resolve_leader_code(obj) -> str | None:
        return obj.leader.code if obj.leader_id else None

    @staticmethod
    def resolve_person_code(obj) -> str | None:
        return obj.person.code if obj.person_id else None

    @staticmethod
    def resolve_parent_code(obj) -> str | None:
        return obj.parent.code if obj.parent_id else None


class StatusOut(Schema):
    code: str
    status: str
    progress: float
    expected: float
    working_days_left: int


class ReportIn(Schema):
    date: date
    value: float | None = None
    milestone: str | None = None
    note: str = ""


class ReportOut(Schema):
    id: int
    date: date
    value: float | None
    milestone_code: str | None
    note: str

    @staticmethod
    def resolve_milestone_code(obj) -> str | None:
        return obj.milestone.code if obj.milestone_id else None


class NoticeOut(Schema):
    id: int
    target_code: str
    unit_code: str
    reason: str
    issued_on: date
    due_on: date
    level: int
    status: str
    reply: str

    @staticmethod
    def resolve_target_code(obj) -> str:
        return obj.target.code

    @staticmethod
    def resolve_unit_code(obj) -> str:
        return obj.unit.code


@router.get("/", response=list[TargetOut])
@paginate(BoundedLimitOffsetPagination)
def list_targets(request, year: int | None = None, unit: str = ""):
    """Targets of units in your scope (filters: year, unit code — the unit's subtree)."""
    qs = selectors.targets_for(request.user, year=year).select_related("parent")
    return qs.filter(unit__path__contains=f"/{unit}/") if unit else qs


@router.get("/notices/", response=list[NoticeOut])
@paginate(BoundedLimitOffsetPagination)
def list_notices(request, open_only: bool = False):
    """Follow-up notices (督办通知) in your scope."""
    return selectors.notices_for(request.user, open_only=open_only)


@router.get("/{target_id}", response=TargetOut)
def get_target(request, target_id: int):
    return selectors.get_target_for(request.user, target_id)


@router.get("/{target_id}/status", response=StatusOut)
def get_status(request, target_id: int, as_of: date | None = None):
    """The computed status at ``as_of`` (default today): progress, expected progress, working days left."""
    target = selectors.get_target_for(request.user, target_id)
    s = selectors.statuses(Target.objects.filter(pk=target.pk), as_of or timezone.localdate())[target.pk]
    return {"code": target.code, "status": s.status, "progress": round(s.progress, 4),
            "expected": round(s.expected, 4), "working_days_left": s.working_days_left}


@router.post("/{target_id}/reports", response={201: ReportOut}, auth=django_auth)
def post_report(request, target_id: int, payload: ReportIn):
    """Report progress: a cumulative value or a milestone done. Only the owning unit may (403)."""
    target = selectors.get_target_for(request.user, target_id)
    milestone = None
    if payload.milestone:
        milestone = target.milestones.filter(code=payload.milestone).first()
        if milestone is None:
            raise HttpError(422, f"目标 {target.code} 没有里程碑 {payload.milestone}")
    try:
        report = actions.do_report_progress(actor=request.user, target=target, day=payload.date, value=payload.value,
                                            milestone=milestone, note=payload.note)
    except PermissionDenied as exc:
        raise HttpError(403, str(exc)) from exc
    except ValidationError as exc:
        raise HttpError(422, "; ".join(exc.messages)) from exc
    return Status(201, report)
