from __future__ import annotations

from collections.abc import Iterator

import pytest

from zeren.workcal.selectors import invalidate_calendar


@pytest.fixture(autouse=True)
def fresh_calendar_cache() -> Iterator[None]:
    """The process-wide calendar cache must not leak overrides between tests (or into others)."""
    invalidate_calendar()
    yield
    invalidate_calendar()
