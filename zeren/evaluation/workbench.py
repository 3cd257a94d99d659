"""Performance evaluation's work queues (zeren.core.boards), for the performance office (EVALUATE):
rounds to finish by their planned date, and recalibration proposals (校准建议) to decide."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zeren.access.rules import EVALUATE
from zeren.core.boards import Queue, QueueItem, QueueScope
from zeren.evaluation.models import FROZEN, ProposalStatus, RoundStatus
from zeren.evaluation.selectors import is_performance_office, proposals_for, rounds_for

RUNNING = (RoundStatus.COLLECTING, RoundStatus.REVIEW, RoundStatus.APPROVED)


def rounds_open(scope: QueueScope) -> QuerySet[Any]:
    qs = rounds_for(scope.user).filter(status__in=RUNNING)
    return qs if is_performance_office(scope.user) else qs.none()


def rounds_closed(scope: QueueScope) -> QuerySet[Any]:
    qs = rounds_for(scope.user).filter(status__in=FROZEN).annotate(done_on=TruncDate("published_at"))
    return qs if is_performance_office(scope.user) else qs.none()


def round_row(r: Any) -> QueueItem:
    return QueueItem("evaluation.round", f"evaluation.round:{r.pk}", r.name, "", "", "", r.due,
                     reverse("evaluation:round", args=[r.pk]), r.get_status_display(), getattr(r, "done_on", None))


def proposals_open(scope: QueueScope) -> QuerySet[Any]:
    return proposals_for(scope.user, status=ProposalStatus.OPEN)


def proposals_closed(scope: QueueScope) -> QuerySet[Any]:
    return proposals_for(scope.user).exclude(status=ProposalStatus.OPEN).annotate(done_on=TruncDate("decided_at"))


def proposal_row(p: Any) -> QueueItem:
    unit = p.unit
    return QueueItem("evaluation.proposal", f"evaluation.proposal:{p.pk}", p.display_summary, unit.code if unit else "",
                     unit.name if unit else "", unit.name_en if unit else "", None,
                     f"{reverse('evaluation:proposals')}#proposal-{p.pk}", p.get_status_display(),
                     getattr(p, "done_on", None))


QUEUES = [
    Queue("evaluation.round", _("评估轮次待完成"), 40, rounds_open, rounds_closed, round_row, actor="", unit="",
          due="due", done_on="done_on", who=EVALUATE),
    Queue("evaluation.proposal", _("校准建议待决定"), 41, proposals_open, proposals_closed, proposal_row, actor="",
          done_on="done_on", who=EVALUATE),
]
