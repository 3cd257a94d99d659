from datetime import date

import pytest

from zeren.demo.context import DemoContext


@pytest.fixture
def demo_city(db):
    """The small demo city, built through the real demo step."""
    from zeren.org import demo

    ctx = DemoContext(size="small", seed=7, today=date(2026, 11, 27), quiet=True)
    demo.build(ctx)
    return ctx
