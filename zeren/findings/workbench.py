"""The findings' work queue (zeren.core.boards): findings (问题线索) not yet taken up, for supervision to
accept into a case or dismiss. A finding has no legal time limit of its own: it is listed after the
items with a deadline, oldest first."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zeren.access.rules import SUPERVISE
from zeren.core.boards import Queue, QueueItem, QueueScope
from zeren.findings.models import Finding, FindingStatus
from zeren.findings.selectors import cause_labels, findings_for


def open_findings(scope: QueueScope) -> QuerySet[Finding]:
    return findings_for(scope.user, status=FindingStatus.OPEN)


def closed_findings(scope: QueueScope) -> QuerySet[Finding]:
    return findings_for(scope.user).filter(status__in=[FindingStatus.RESOLVED, FindingStatus.DISMISSED])


def row(f: Any) -> QueueItem:
    label = cause_labels().get(f.cause, f.cause)
    title = _("%(cause)s：%(title)s") % {"cause": label, "title": f.display_title}
    return QueueItem("findings.finding", f"findings.finding:{f.pk}", title, f.unit.code, f.unit.name, f.unit.name_en, None, f"{reverse('findings:index')}?unit={f.unit.code}&status={f.status}",
                     f.get_status_display())


QUEUES = [Queue("findings.finding", _("问题线索待处理"), 60, open_findings, closed_findings, row, who=SUPERVISE)]
