"""The board and the case page as each role sees them (counts, ages, who may move an alert)."""

from datetime import date

import pytest
from django.utils import timezone

from zeren.org.testing import make_user
from zeren.supervision.actions import cli_source, do_ingest_events, do_scan
from zeren.supervision.tests.conftest import event
from zeren.workcal.selectors import get_calendar

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(items):
    """Case A: received long ago, undecided (a red card today). Case Y: its 20-day statutory
    deadline is one working day after today (a yellow card)."""
    cal = get_calendar()
    # The last working day on or before today (on a weekend the yellow card's arithmetic is off by one).
    today = cal.add_workdays(cal.add_workdays(timezone.localdate(), 1), -1)
    received = cal.add_workdays(today, 1 - 20)
    do_ingest_events(source=cli_source(), events=[
        event("a1", "A", "received", "2026-09-21T09:00:00+08:00"),
        event("y1", "Y", "received", f"{received.isoformat()}T09:00:00+08:00"),
    ])
    do_scan(as_of=today)
    return today


def test_counts_are_stat_numbers_and_ages_in_working_days(client, tree, data):
    client.force_login(make_user("o", "supervision_officer", tree["city"]))
    html = client.get("/supervision/").content.decode()
    assert '<div class="stat bad">1</div>' in html  # the red card, as big as the others
    assert '<div class="stat warn">1</div>' in html  # the yellow card
    late = get_calendar().workdays_between(date(2026, 10, 26), data)  # A: 20 working days from 21 Sep
    assert f"{'超期'} {late}" in html
    yellow = client.get("/supervision/?type=yellow_card").content.decode()
    assert 'href="/supervision/cases/Y/"' in yellow and "剩余 1" in yellow


def test_only_the_department_is_offered_acknowledge(client, tree, data):
    officer = make_user("o", "supervision_officer", tree["city"])
    client.force_login(officer)
    html = client.get("/supervision/cases/A/").content.decode()
    assert 'value="acknowledged"' not in html and "等待办理单位签收" in html
    client.force_login(make_user("s", "staff", tree["market"]))
    html = client.get("/supervision/cases/A/").content.decode()
    assert 'value="acknowledged"' in html


def test_board_in_english(client, tree, data):
    client.force_login(make_user("o", "supervision_officer", tree["city"]))
    client.cookies["django_language"] = "en"
    html = client.get("/supervision/").content.decode()
    assert "Red cards by working days overdue" in html and " late</span>" in html
