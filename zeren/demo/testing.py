"""The demo city for tests that read many pages: built once per test module, committed, flushed after."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

from django.core.management import call_command
from django.db import transaction

from zeren.demo.context import DemoContext, demo_steps

# A fixed day (a Friday, a working day): the demo's records are dated from it, whatever today is.
DEMO_DAY = date(2026, 11, 27)


@contextmanager
def committed_demo(size: str = "small", seed: int = 2007, today: date = DEMO_DAY) -> Iterator[DemoContext]:
    """Every app's demo step, each in its own transaction, committed; the database is flushed on exit.
    Use inside ``django_db_blocker.unblock()`` from a module-scoped fixture."""
    ctx = DemoContext(size=size, seed=seed, today=today, quiet=True)
    try:
        for step in demo_steps():
            with transaction.atomic():
                step.build(ctx)
        yield ctx
    finally:
        call_command("flush", interactive=False, verbosity=0)
