"""Target management's work queues (zeren.core.boards): milestones whose progress report is due, and
follow-up notices (督办) to answer within their working-day limit."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zeren.access.scope import scope_queryset
from zeren.core.boards import Queue, QueueItem, QueueScope
from zeren.targets import selectors
from zeren.targets.models import Milestone, Notice, NoticeStatus, ProgressReport, TargetState


def _done_reports() -> QuerySet[ProgressReport]:
    # "Not superseded" as NOT EXISTS, not as a LEFT JOIN … IS NULL (``superseded_by__isnull``): PostgreSQL
    # estimated that join at one row and ran a nested loop of 40 million comparisons (8 s, city demo).
    superseding = ProgressReport.objects.filter(supersedes=OuterRef("pk"))
    return ProgressReport.objects.filter(milestone=OuterRef("pk"), done=True).exclude(Exists(superseding))


def _milestones(scope: QueueScope) -> QuerySet[Milestone]:
    """Milestones of this year's live targets in the user's scope."""
    qs = scope_queryset(scope.user, Milestone.objects.select_related("target__unit"), unit_path_field="target__unit__path")
    return qs.filter(target__state=TargetState.ACTIVE, target__deadline__gte=scope.today.replace(month=1, day=1))


def progress_open(scope: QueueScope) -> QuerySet[Milestone]:
    """Due: the milestone's date is within the horizon (or past) and no report marks it done."""
    return _milestones(scope).filter(due__lte=scope.horizon).exclude(Exists(_done_reports()))


def progress_closed(scope: QueueScope) -> QuerySet[Milestone]:
    first_done = _done_reports().order_by("date", "id").values("date")[:1]
    return _milestones(scope).filter(Exists(_done_reports())).annotate(done_on=Subquery(first_done))


def progress_row(m: Any) -> QueueItem:
    unit = m.target.unit
    return QueueItem("targets.progress", f"targets.milestone:{m.pk}", f"{m.target.code} {m.title}", unit.code,
                     unit.name, unit.name_en, m.due, reverse("targets:target", args=[m.target_id]),
                     str(_("待报告进度")), getattr(m, "done_on", None))


def notices_open(scope: QueueScope) -> QuerySet[Notice]:
    return selectors.notices_for(scope.user).filter(status=NoticeStatus.OPEN)


def notices_closed(scope: QueueScope) -> QuerySet[Notice]:
    return (selectors.notices_for(scope.user).exclude(status=NoticeStatus.OPEN)
            .annotate(done_on=Coalesce("replied_on", "closed_on")))


def notice_row(n: Any) -> QueueItem:
    return QueueItem("targets.notice", f"targets.notice:{n.pk}", f"{n.target.code} {n.target.title}", n.unit.code,
                     n.unit.name, n.unit.name_en, n.due_on, f"{reverse('targets:notices')}?status={n.status}",
                     n.get_status_display(), getattr(n, "done_on", None))


QUEUES = [
    Queue("targets.progress", _("目标进度报告"), 20, progress_open, progress_closed, progress_row,
          actor="target__unit__path", unit="target__unit__path", due="due", done_on="done_on"),
    Queue("targets.notice", _("督办通知待答复"), 21, notices_open, notices_closed, notice_row,
          due="due_on", done_on="done_on"),
]
