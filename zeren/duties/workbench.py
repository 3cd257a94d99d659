"""The duties catalogue's work queue (zeren.core.boards): open analysis findings for the 编办
(ADMINISTER_DUTIES) to resolve — assign a lead, merge, split, or confirm as intended."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zeren.access.rules import ADMINISTER_DUTIES
from zeren.core.boards import Queue, QueueItem, QueueScope
from zeren.duties.models import FindingStatus
from zeren.duties.selectors import findings_for


def open_findings(scope: QueueScope) -> QuerySet[Any]:
    return findings_for(scope.user, status=FindingStatus.OPEN)


def closed_findings(scope: QueueScope) -> QuerySet[Any]:
    return (findings_for(scope.user).filter(status__in=[FindingStatus.RESOLVED, FindingStatus.INTENDED])
            .annotate(done_on=TruncDate("resolved_at")))


def row(f: Any) -> QueueItem:
    unit = f.unit
    return QueueItem("duties.finding", f"duties.dutyfinding:{f.pk}", f"{f.get_kind_display()} {f.display_summary}",
                     unit.code if unit else "", unit.name if unit else "", unit.name_en if unit else "", None,
                     reverse("duties:finding", args=[f.pk]), f.get_status_display(), getattr(f, "done_on", None))


QUEUES = [Queue("duties.finding", _("职责问题待处理"), 10, open_findings, closed_findings, row, done_on="done_on",
                who=ADMINISTER_DUTIES)]
