"""Scheduled work of the audit log: an hourly checkpoint (run by the huey consumer, ``zeren run_huey``)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from zeren.audit.actions import do_create_checkpoint


@db_periodic_task(crontab(minute="7"))
def create_checkpoint() -> int | None:
    """Seal the entries of the last hour; the id of the new checkpoint, ``None`` if nothing was new."""
    checkpoint = do_create_checkpoint()
    return checkpoint.pk if checkpoint else None
