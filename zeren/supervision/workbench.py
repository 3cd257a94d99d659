"""Electronic supervision's work queues (zeren.core.boards): alerts in force that the handling unit
must acknowledge and explain or correct (by the case's deadline for a yellow card), and alerts
explained or corrected that supervision must close (签收、说明、纠正、办结)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zeren.access.rules import SUPERVISE
from zeren.core.boards import Queue, QueueItem, QueueScope
from zeren.supervision.models import Alert, AlertStatus
from zeren.supervision.selectors import alerts_for

TO_EXPLAIN = (AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED)
TO_CLOSE = (AlertStatus.EXPLAINED, AlertStatus.CORRECTED)


def explain_open(scope: QueueScope) -> QuerySet[Alert]:
    return alerts_for(scope.user, as_of=scope.today).filter(status__in=TO_EXPLAIN)


def close_open(scope: QueueScope) -> QuerySet[Alert]:
    return alerts_for(scope.user, as_of=scope.today).filter(status__in=TO_CLOSE)


def explained(scope: QueueScope) -> QuerySet[Alert]:
    """The unit's part done: explained or corrected (closed or not yet)."""
    return (alerts_for(scope.user).filter(status__in=(*TO_CLOSE, AlertStatus.CLOSED))
            .annotate(done_on=TruncDate("closed_at")))


def closed(scope: QueueScope) -> QuerySet[Alert]:
    return alerts_for(scope.user).filter(status=AlertStatus.CLOSED).annotate(done_on=TruncDate("closed_at"))


def _row(kind: str) -> Any:
    def row(a: Any) -> QueueItem:
        return QueueItem(kind, f"supervision.alert:{a.pk}", f"{a.get_type_display()} {a.case.case_id} {a.item.name}",
                         a.unit.code, a.unit.name, a.unit.name_en, a.deadline,
                         reverse("supervision:case", args=[a.case.case_id]), a.get_status_display(),
                         getattr(a, "done_on", None))
    return row


QUEUES = [
    Queue("supervision.alert", _("告警待说明或纠正"), 30, explain_open, explained, _row("supervision.alert"),
          due="deadline", done_on="done_on"),
    Queue("supervision.alert_close", _("告警待办结"), 31, close_open, closed, _row("supervision.alert_close"),
          due="deadline", done_on="done_on", who=SUPERVISE),
]
