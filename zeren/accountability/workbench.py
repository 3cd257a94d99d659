"""Accountability's work queues (zeren.core.boards): complaints for the handling body to accept, conclude
and reply to within their working-day limits, and responsibility reviews (责任检讨) a unit must submit
within 20 working days of the incident."""

from __future__ import annotations

from typing import Any

from django.db.models import Case, DateField, F, QuerySet, When
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zeren.access.rules import SUPERVISE
from zeren.access.scope import scope_queryset
from zeren.accountability.models import OPEN_COMPLAINT_STATUSES, Complaint, ComplaintStatus
from zeren.accountability.selectors import reviews_for
from zeren.core.boards import Queue, QueueItem, QueueScope, ancestor_paths


def _handled(scope: QueueScope) -> QuerySet[Complaint]:
    """Complaints the user handles: of a body they supervise, not against their own unit (回避)."""
    qs = scope_queryset(scope.user, Complaint.objects.select_related("unit", "handling_body", "category"),
                        unit_path_field="handling_body__path", capability=SUPERVISE)
    home = getattr(scope.user, "unit", None)
    if home is not None:
        qs = qs.exclude(unit__path__in=ancestor_paths(home.path))
    return qs


def complaints_open(scope: QueueScope) -> QuerySet[Complaint]:
    due = Case(When(status=ComplaintStatus.RECEIVED, then=F("acceptance_due")),
               When(status__in=[ComplaintStatus.ACCEPTED, ComplaintStatus.CONCLUDED], then=F("investigation_due")),
               default=None, output_field=DateField())
    return _handled(scope).filter(status__in=OPEN_COMPLAINT_STATUSES).annotate(due_on=due)


def complaints_closed(scope: QueueScope) -> QuerySet[Complaint]:
    return (_handled(scope).exclude(status__in=OPEN_COMPLAINT_STATUSES)
            .annotate(done_on=Coalesce("replied_on", "concluded_on", "accepted_on")))


def complaint_row(c: Any) -> QueueItem:
    return QueueItem("accountability.complaint", f"accountability.complaint:{c.pk}",
                     f"{c.tracking_number} {c.category.display_name}", c.unit.code, c.unit.name, c.unit.name_en,
                     getattr(c, "due_on", None), reverse("accountability:complaint", args=[c.pk]),
                     c.get_status_display(), getattr(c, "done_on", None))


def reviews_open(scope: QueueScope) -> QuerySet[Any]:
    return reviews_for(scope.user).filter(submitted_on__isnull=True)


def reviews_closed(scope: QueueScope) -> QuerySet[Any]:
    return reviews_for(scope.user).filter(submitted_on__isnull=False)


def review_row(r: Any) -> QueueItem:
    return QueueItem("accountability.review", f"accountability.incidentreview:{r.pk}",
                     f"{r.incident.code} {r.incident.title}", r.unit.code, r.unit.name, r.unit.name_en, r.due,
                     reverse("accountability:review", args=[r.pk]),
                     str(_("已检讨")) if r.submitted_on else str(_("待检讨")), r.submitted_on)


QUEUES = [
    Queue("accountability.complaint", _("投诉待受理、办结或答复"), 50, complaints_open, complaints_closed, complaint_row,
          actor="handling_body__path", due="due_on", done_on="done_on", who=SUPERVISE),
    Queue("accountability.review", _("责任检讨待提交"), 51, reviews_open, reviews_closed, review_row, due="due",
          done_on="submitted_on"),
]
