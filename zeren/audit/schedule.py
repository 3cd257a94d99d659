"""Checkpoints without a separate scheduler (定时检查点): the chain's tail is sealed by whatever runs the app.

Two triggers, both calling :func:`zeren.audit.actions.do_create_checkpoint` in a transaction of its own:

- every ``ZEREN_AUDIT_CHECKPOINT_EVERY`` entries: when an entry whose sequence number is a multiple of
  it commits (an ``on_commit`` hook registered by ``record_event``), so a busy log is sealed as it grows;
- every ``ZEREN_AUDIT_CHECKPOINT_SECONDS`` in each web worker (:func:`start`, called by ``zeren.wsgi``,
  i.e. ``zeren serve`` and any gunicorn/uwsgi deployment), so a quiet log's last entries do not stay
  protected by the chain alone. Several workers may try at once: the chain head's row lock lets one
  seal and the others find nothing new.

The hourly huey task (``zeren.audit.tasks``) still runs where ``zeren run_huey`` does.
"""

from __future__ import annotations

import logging
import random
import threading

from django.conf import settings
from django.db import close_old_connections, connection

log = logging.getLogger(__name__)
_started = threading.Event()


def every_entries() -> int:
    return int(getattr(settings, "ZEREN_AUDIT_CHECKPOINT_EVERY", 0) or 0)


def seal_quietly() -> None:
    """Create a checkpoint if there is anything new; log (never raise) when the chain does not verify."""
    from zeren.audit.actions import ChainBroken, do_create_checkpoint

    try:
        checkpoint = do_create_checkpoint()
    except ChainBroken as exc:
        log.error("audit checkpoint refused, the chain does not verify: %s", exc)
        return
    if checkpoint is not None:
        log.info("audit checkpoint %s: entries #%s-#%s", checkpoint.pk, checkpoint.first_seq, checkpoint.last_seq)


def _loop(seconds: float, stop: threading.Event) -> None:
    # Workers start together: spread their first attempts over the interval.
    while not stop.wait(seconds * random.uniform(0.5, 1.0)):  # noqa: S311 (timing jitter, not security)
        try:
            close_old_connections()
            seal_quietly()
        except Exception:  # a database that is briefly away must not end the thread
            log.exception("audit checkpoint failed")
        finally:
            connection.close()


def start(stop: threading.Event | None = None) -> threading.Thread | None:
    """Start this process's checkpoint thread (once); ``None`` when ``ZEREN_AUDIT_CHECKPOINT_SECONDS`` is 0."""
    seconds = float(getattr(settings, "ZEREN_AUDIT_CHECKPOINT_SECONDS", 0) or 0)
    if seconds <= 0 or _started.is_set():
        return None
    _started.set()
    thread = threading.Thread(target=_loop, args=(seconds, stop or threading.Event()), name="zeren-audit-checkpoint",
                              daemon=True)
    thread.start()
    return thread
