"""Checkpoints without ``zeren run_huey`` (issue 11, item 11): every N entries, on a timer in each web
worker, and ``zeren audit verify`` says how much of the log no checkpoint covers yet."""

from __future__ import annotations

import threading
import time

import pytest
from django.core.management import call_command

from zeren.audit import schedule
from zeren.audit.actions import do_create_checkpoint, record_event
from zeren.audit.models import Checkpoint
from zeren.audit.verify import verify_log


def write(n: int) -> None:
    for i in range(n):
        record_event(actor=None, action="test.event", object_type="test.thing", object_id=str(i))


@pytest.mark.django_db
def test_verify_says_how_many_entries_no_checkpoint_covers(capsys, settings):
    settings.ZEREN_AUDIT_CHECKPOINT_EVERY = 0
    write(4)
    do_create_checkpoint()
    write(3)
    call_command("audit", "verify")
    out = capsys.readouterr().out
    assert "7 entries, 1 checkpoints" in out
    assert "3 entries (#5–#7) are not covered by a checkpoint yet" in out
    assert verify_log().unsealed == 3
    do_create_checkpoint()
    call_command("audit", "verify")
    assert "every entry is covered by a checkpoint" in capsys.readouterr().out


@pytest.mark.django_db
def test_a_checkpoint_every_n_entries_once_committed(settings, django_capture_on_commit_callbacks):
    settings.ZEREN_AUDIT_CHECKPOINT_EVERY = 5
    for _ in range(12):  # twelve transactions, each committing one entry
        with django_capture_on_commit_callbacks(execute=True):
            write(1)
    assert list(Checkpoint.objects.order_by("pk").values_list("first_seq", "last_seq")) == [(1, 5), (6, 10)]
    assert verify_log().ok and verify_log().unsealed == 2


@pytest.mark.django_db(transaction=True)
def test_each_worker_seals_the_tail_on_a_timer(settings):
    """What ``zeren.wsgi`` starts in every web worker: a quiet log's last entries get sealed too."""
    settings.ZEREN_AUDIT_CHECKPOINT_EVERY = 0
    settings.ZEREN_AUDIT_CHECKPOINT_SECONDS = 0.2
    write(3)
    stop = threading.Event()
    schedule._started.clear()
    thread = schedule.start(stop)
    try:
        assert thread is not None and schedule.start(stop) is None  # one thread per process
        deadline = time.monotonic() + 10
        while not Checkpoint.objects.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        stop.set()
        thread.join(5)
        schedule._started.clear()
    assert list(Checkpoint.objects.values_list("first_seq", "last_seq")) == [(1, 3)]
    assert verify_log().unsealed == 0
