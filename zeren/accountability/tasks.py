"""Background jobs (huey): the daily escalation of overdue responsibility reviews."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from zeren.accountability.actions import do_escalate_overdue_reviews


@db_periodic_task(crontab(hour="1", minute="10"))
def escalate_overdue_reviews() -> int:
    """Every day at 01:10: reviews past their 20th working day go to the superior body, one finding each."""
    return do_escalate_overdue_reviews()
