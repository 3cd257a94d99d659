"""The demo city for tests that read many pages: built once per test module, committed, flushed after."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

from django.core.management import call_command
from django.db import connection, connections, transaction

from zeren.demo.context import DemoContext, demo_steps

# A fixed day (a Friday, a working day): the demo's records are dated from it, whatever today is.
DEMO_DAY = date(2026, 11, 27)


def on_a_test_database() -> bool:
    """Is the default connection on the database pytest-django (or Django's test runner) made for the tests?"""
    name, test = str(connection.settings_dict["NAME"]), connection.settings_dict.get("TEST", {}).get("NAME")
    return "mode=memory" in name or name == ":memory:" or name.startswith("test_") or (bool(test) and name == str(test))


@contextmanager
def committed_demo(size: str = "small", seed: int = 2007, today: date = DEMO_DAY) -> Iterator[DemoContext]:
    """Every app's demo step, each in its own transaction, committed; the database is flushed on exit.
    Use inside ``django_db_blocker.unblock()`` from a module-scoped fixture. Refuses any database but a test
    database: pytest-django sets none up when no selected test is marked ``django_db`` (``-k`` choosing only
    tests that use nothing but the module's demo), and the demo would then be built in, and flushed out of,
    the configured database itself — mark the module's tests (``pytestmark = pytest.mark.django_db``)."""
    if not on_a_test_database():
        raise RuntimeError(f"the demo for tests is built on a test database only, not {connection.settings_dict['NAME']}")
    ctx = DemoContext(size=size, seed=seed, today=today, quiet=True)
    try:
        for step in demo_steps():
            with transaction.atomic():
                step.build(ctx)
        yield ctx
    finally:
        call_command("flush", interactive=False, verbosity=0)
        connections.close_all()  # the test database may be dropped next: no session may stay open on it
