"""Background jobs (huey): the daily follow-up run (督办), so notices go out and escalate without
anyone running ``zeren targets follow-up``."""

from __future__ import annotations

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from zeren.targets.actions import FollowUpSummary, do_follow_up


@db_periodic_task(crontab(minute="30", hour="6"))
def follow_up_targets() -> FollowUpSummary:
    """Every morning at 06:30: notices for targets at risk or overdue, escalation of unanswered ones."""
    return do_follow_up(as_of=timezone.localdate())
