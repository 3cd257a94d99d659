"""Background jobs (huey): the oversight network's daily overdue checks, so overdue disclosures and
joint-meeting follow-ups are found without anyone pressing the button or running ``zeren oversight check``."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from zeren.oversight.actions import OverdueChecks, do_check_overdue


@db_periodic_task(crontab(hour="1", minute="20"))
def check_overdue() -> OverdueChecks:
    """Every day at 01:20: required disclosures past their due day and follow-ups past their deadline
    each raise one finding (the follow-up is escalated), however often the job runs."""
    return do_check_overdue()
