"""Reads of accountability (行政问责), always scoped to the user.

Complaints: the handling body's officers see them whole; units in a user's view scope see the
complaints against them without the complainant (the :class:`Complainant` row is fetched only
through :func:`complainant_for`, which asks :func:`may_see_identity`).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from zeren.access.fields import protect
from zeren.access.rules import SUPERVISE
from zeren.access.scope import scope_queryset
from zeren.accountability.actions import may_handle_complaint
from zeren.accountability.models import (
    Apology,
    Complainant,
    Complaint,
    FaultCase,
    Incident,
    IncidentReview,
)
from zeren.accountability.rules import review_status
from zeren.findings.models import Finding
from zeren.org.models import display_name_of

# --- complaints ---------------------------------------------------------------------------------


def may_see_identity(user: Any, complaint: Complaint | Any) -> bool:
    """The complainant's identity (投诉人身份) is for officers of the handling body only — never for
    anyone of the accused unit, whatever their role elsewhere."""
    return isinstance(complaint, Complaint) and may_handle_complaint(user, complaint)


def _complainant_may_see(user: Any, row: Any) -> bool:
    return isinstance(row, Complainant) and may_see_identity(user, row.complaint)


for _field in ("name", "phone", "email", "address", "device_id", "account_id"):
    protect("accountability.complainant", _field, may_see=_complainant_may_see,
            reason="投诉人身份仅对受理机关办案人员可见")


def complaints_for(user: Any, *, status: str = "", unit_id: int | None = None, q: str = "",
                   channel: str = "") -> QuerySet[Complaint]:
    """Complaints the user may see: those handled by a body they supervise, and those against units
    in their view scope (without the complainant). ``q`` searches the tracking number and the text —
    never the complainant's fields."""
    handled = scope_queryset(user, Complaint.objects.all(), unit_path_field="handling_body__path",
                             capability=SUPERVISE)
    against = scope_queryset(user, Complaint.objects.all(), unit_path_field="unit__path")
    qs = Complaint.objects.filter(Q(pk__in=handled.values("pk")) | Q(pk__in=against.values("pk"))).select_related(
        "unit", "handling_body", "category")
    if status:
        qs = qs.filter(status=status)
    if channel:
        qs = qs.filter(channel=channel)
    if unit_id:
        qs = qs.filter(unit_id=unit_id)
    if q:
        qs = qs.filter(Q(tracking_number__icontains=q) | Q(description__icontains=q))
    return qs


def get_complaint_for(user: Any, complaint_id: int) -> Complaint:
    return get_object_or_404(complaints_for(user), pk=complaint_id)


def complainant_for(user: Any, complaint: Complaint) -> Complainant | None:
    """The complainant, for the handling body's officers only (``None`` for anyone else, or anonymous)."""
    if not may_see_identity(user, complaint):
        return None
    return Complainant.objects.filter(complaint=complaint).first()


def complaint_by_tracking(tracking_number: str) -> Complaint | None:
    return (Complaint.objects.select_related("category", "handling_body")
            .filter(tracking_number=tracking_number.strip().upper()).first())


# --- incidents and reviews ----------------------------------------------------------------------


def reviews_for(user: Any) -> QuerySet[IncidentReview]:
    return scope_queryset(user, IncidentReview.objects.select_related("incident", "unit", "apology"),
                          unit_path_field="unit__path")


def get_review_for(user: Any, review_id: int) -> IncidentReview:
    return get_object_or_404(reviews_for(user), pk=review_id)


def incidents_for(user: Any) -> QuerySet[Incident]:
    return Incident.objects.filter(pk__in=reviews_for(user).values("incident_id")).annotate(
        units=Count("reviews"))


def get_incident_for(user: Any, incident_id: int) -> Incident:
    return get_object_or_404(incidents_for(user), pk=incident_id)


def review_rows(as_of: date, qs: QuerySet[IncidentReview] | None = None) -> list[dict[str, str]]:
    """One row per review: ``{"incident", "unit", "due", "status"}`` (``zeren accountability reviews``)."""
    qs = qs if qs is not None else IncidentReview.objects.all()
    rows = qs.order_by("due", "incident__code", "unit__code").values_list(
        "incident__code", "unit__code", "due", "submitted_on", "apology__id")
    return [{"incident": incident, "unit": unit, "due": due.isoformat(),
             "status": review_status(due=due, submitted_on=submitted, apologised=apology is not None, as_of=as_of)}
            for incident, unit, due, submitted, apology in rows]


def public_apologies() -> QuerySet[Apology]:
    """Apologies are public (失职道歉 is made in public): all of them, newest first."""
    return Apology.objects.select_related("review__incident", "review__unit")


# --- cases --------------------------------------------------------------------------------------


def cases_for(user: Any, *, status: str = "", unit_id: int | None = None, year: int | None = None) -> QuerySet[FaultCase]:
    qs = scope_queryset(user, FaultCase.objects.select_related("unit", "person", "sanction", "handling_body"),
                        unit_path_field="unit__path")
    if status:
        qs = qs.filter(status=status)
    if unit_id:
        qs = qs.filter(unit_id=unit_id)
    if year:
        qs = qs.filter(opened_on__year=year)
    return qs


def get_case_for(user: Any, case_id: int) -> FaultCase:
    return get_object_or_404(cases_for(user), pk=case_id)


# --- the inbox (问题线索) -------------------------------------------------------------------------

AGES = {"7": 7, "30": 30, "90": 90}


def inbox_for(user: Any, *, status: str = "", cause: str = "", unit_id: int | None = None, age: str = "",
              source_app: str = "") -> QuerySet[Finding]:
    """The findings inbox: findings about units in the user's supervision or evaluation scope,
    filtered by unit (its subtree), cause, status, and age (``age`` = raised more than N days ago)."""
    qs = scope_queryset(user, Finding.objects.select_related("unit", "person"), unit_path_field="unit__path")
    if status == "open_all":
        qs = qs.filter(status__in=["open", "accepted"])
    elif status:
        qs = qs.filter(status=status)
    if cause:
        qs = qs.filter(cause=cause)
    if source_app:
        qs = qs.filter(source_app=source_app)
    if unit_id:
        from zeren.org.models import Unit

        unit = Unit.objects.filter(pk=unit_id).first()
        qs = qs.filter(unit__path__startswith=unit.path) if unit else qs.none()
    if age in AGES:
        qs = qs.filter(raised_at__lt=timezone.now() - timedelta(days=AGES[age]))
    return qs


def repeat_subjects(user: Any, *, start: date, end: date, minimum: int = 2) -> list[dict[str, Any]]:
    """治庸: units and persons with at least ``minimum`` findings raised between ``start`` and ``end``."""
    qs = inbox_for(user).filter(raised_at__date__gte=start, raised_at__date__lte=end).order_by()
    units = (qs.values("unit_id", "unit__code", unit_label=display_name_of("unit__")).annotate(n=Count("id"), causes=Count("cause", distinct=True))
             .filter(n__gte=minimum).order_by("-n", "unit__code"))
    persons = (qs.filter(person__isnull=False).values("person_id", "person__code", "person__name", unit_label=display_name_of("unit__"))
               .annotate(n=Count("id"), causes=Count("cause", distinct=True)).filter(n__gte=minimum)
               .order_by("-n", "person__code"))
    return [{"kind": "unit", "code": u["unit__code"], "name": u["unit_label"], "n": u["n"], "causes": u["causes"],
             "unit_id": u["unit_id"]} for u in units] + [
        {"kind": "person", "code": p["person__code"], "name": p["person__name"], "unit": p["unit_label"],
         "n": p["n"], "causes": p["causes"]} for p in persons]
