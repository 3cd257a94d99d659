"""Background jobs (huey): the supervision scan on a schedule, so alerts stay live without anyone
running ``zeren supervision scan``. Run the consumer with ``zeren run_huey`` once
``huey.contrib.djhuey`` is in INSTALLED_APPS."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from zeren.supervision.actions import ScanSummary, do_scan


@db_periodic_task(crontab(minute="*/15"))
def scan_approvals() -> ScanSummary:
    """Every 15 minutes: scan all open cases as of today (opens, updates, clears alerts; raises findings)."""
    return do_scan()
