"""Findings API (问题线索): list and read within the caller's scope; move a finding's status."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate
from ninja.security import django_auth

from zeren.core.pagination import BoundedLimitOffsetPagination
from zeren.findings.actions import do_set_finding_status
from zeren.findings.causes import labels
from zeren.findings.models import FindingStatus
from zeren.findings.selectors import findings_for, get_finding_for

router = Router(tags=["findings"])


class FindingOut(Schema):
    id: int
    dedupe_key: str
    cause: str
    cause_label: str  # in the caller's language (zh-Hans, or the language cookie's)
    source_app: str
    title: str  # in the caller's language when the finding was raised with a title message, else as stored
    unit_code: str
    person_code: str | None
    evidence_type: str
    evidence_id: str
    evidence_url: str
    occurred_on: date | None
    raised_at: datetime
    status: str
    status_label: str
    status_reason: str  # in the caller's language when code wrote it as a message, else as stored
    details: dict[str, Any]

    @staticmethod
    def resolve_cause_label(obj) -> str:
        return labels().get(obj.cause, obj.cause)

    @staticmethod
    def resolve_title(obj) -> str:
        return obj.display_title

    @staticmethod
    def resolve_status_reason(obj) -> str:
        return obj.display_status_reason

    @staticmethod
    def resolve_status_label(obj) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_unit_code(obj) -> str:
        return obj.unit.code

    @staticmethod
    def resolve_person_code(obj) -> str | None:
        return obj.person.code if obj.person_id else None


class StatusIn(Schema):
    status: FindingStatus
    reason: str = ""


@router.get("/", response=list[FindingOut])
@paginate(BoundedLimitOffsetPagination)
def list_findings(request, status: str = "", cause: str = "", unit: str = "", source_app: str = ""):
    """Findings about units in your scope, newest first (filters: status, cause, unit code, source app)."""
    return findings_for(request.user, status=status, cause=cause, unit_code=unit, source_app=source_app)


@router.get("/{finding_id}", response=FindingOut)
def get_finding(request, finding_id: int):
    return get_finding_for(request.user, finding_id)


@router.post("/{finding_id}/status", response=FindingOut, auth=django_auth)
def set_status(request, finding_id: int, payload: StatusIn):
    """Move a finding: open → accepted → resolved, or dismissed (with a reason)."""
    finding = get_finding_for(request.user, finding_id)
    try:
        return do_set_finding_status(actor=request.user, finding=finding, status=payload.status,
                                     reason=payload.reason)
    except PermissionDenied as exc:
        raise HttpError(403, str(exc)) from exc
    except ValidationError as exc:
        raise HttpError(422, "; ".join(exc.messages)) from exc
