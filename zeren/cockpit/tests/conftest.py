"""The small demo city (every element, every demo role), built and committed once for the cockpit's tests
and flushed after them. Tests read it inside their own transaction (rolled back); the browser test reads
it from the live server's thread, which sees committed data on SQLite and PostgreSQL alike."""

from __future__ import annotations

import pytest
from django.utils import timezone

from zeren.demo.testing import committed_demo
from zeren.org.demo import LOGINS
from zeren.workcal.selectors import get_calendar

ROLES = [username for username, *_rest in LOGINS]  # every demo log-in


def last_workday():
    """The last working day on or before today: the demo's reference date, whatever the weekday."""
    cal = get_calendar()
    return cal.add_workdays(cal.add_workdays(timezone.localdate(), 1), -1)


@pytest.fixture(scope="package")
def city(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), committed_demo(today=last_workday()) as ctx:
        yield ctx


@pytest.fixture(autouse=True)
def no_rate_limits(settings):
    settings.ZEREN_RATELIMITS = {}


@pytest.fixture
def demo_user(city, db):
    from django.contrib.auth import get_user_model

    return lambda username: get_user_model().objects.get(username=username)
