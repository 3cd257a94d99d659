"""Reads of electronic supervision, scoped to the user (or system-wide for commands)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from zeren.access.rules import VIEW
from zeren.access.scope import scope_queryset
from zeren.supervision.models import Alert, AlertStatus, ApprovalCase, ApprovalEvent

ALERT_EXPORT_FIELDS = ("case__case_id", "type", "unit__code", "item__code", "deadline", "since", "status",
                       "provisional")


def in_force(qs: QuerySet[Alert], as_of: date) -> QuerySet[Alert]:
    """Alerts in force on ``as_of``: begun, not cleared by a scan, not closed by an officer by then."""
    return (qs.filter(since__lte=as_of)
            .filter(Q(cleared_on__isnull=True) | Q(cleared_on__gt=as_of))
            .exclude(status=AlertStatus.CLOSED, closed_at__date__lte=as_of))


def all_alerts_in_force(as_of: date, *, unit_code: str = "") -> QuerySet[Alert]:
    """System-wide (for commands and exports): alerts in force, optionally in a unit's subtree."""
    qs = in_force(Alert.objects.all(), as_of)
    if unit_code:
        qs = qs.filter(unit__path__contains=f"/{unit_code}/")
    return qs.order_by("unit__path", "since", "id")


def alerts_for(user: Any, *, as_of: date | None = None, unit_code: str = "", alert_type: str = "",
               status: str = "") -> QuerySet[Alert]:
    """Alerts on cases of units in the user's scope (VIEW), optionally only those in force on ``as_of``."""
    qs = scope_queryset(user, Alert.objects.select_related("case", "unit", "item"), capability=VIEW)
    if as_of is not None:
        qs = in_force(qs, as_of)
    if unit_code:
        qs = qs.filter(unit__path__contains=f"/{unit_code}/")
    if alert_type:
        qs = qs.filter(type=alert_type)
    if status:
        qs = qs.filter(status=status)
    return qs


def get_case_for(user: Any, case_id: str) -> ApprovalCase:
    qs = scope_queryset(user, ApprovalCase.objects.select_related("item", "unit"), capability=VIEW)
    return get_object_or_404(qs, case_id=case_id)


def case_timeline(case: ApprovalCase) -> QuerySet[ApprovalEvent]:
    """The case's events in the order the rules fold them (by ``at``, then id)."""
    return case.events.select_related("source").order_by("at", "id")
