"""Deadlines with a time of day: the close of office hours on the last working day."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from zeren.workdays import WorkCalendar

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(scope="module")
def cal() -> WorkCalendar:
    return WorkCalendar.china()


def test_deadline_is_closing_time_of_the_nth_working_day(cal: WorkCalendar) -> None:
    deadline = cal.deadline_at(date(2026, 9, 30), 5)
    assert deadline == datetime(2026, 10, 13, 18, 0, tzinfo=SHANGHAI)
    assert deadline.utcoffset() is not None and deadline.utcoffset().total_seconds() == 8 * 3600  # type: ignore[union-attr]


def test_office_hours_and_time_zone_are_configurable(cal: WorkCalendar) -> None:
    deadline = cal.deadline_at(date(2026, 9, 30), 5, office_hours=(time(8, 30), time(17, 30)), tz="Asia/Urumqi")
    assert deadline == datetime(2026, 10, 13, 17, 30, tzinfo=ZoneInfo("Asia/Urumqi"))
    with pytest.raises(ValueError, match="office_hours"):
        cal.deadline_at(date(2026, 9, 30), 5, office_hours=(time(18), time(9)))


def test_receipt_datetime_counts_from_its_local_date(cal: WorkCalendar) -> None:
    # 2026-11-27 17:00 UTC is 2026-11-28 01:00 in Shanghai: received on Saturday.
    received = datetime(2026, 11, 27, 17, 0, tzinfo=UTC)
    assert cal.deadline_at(received, 1) == datetime(2026, 11, 30, 18, 0, tzinfo=SHANGHAI)
    late_friday = datetime(2026, 11, 27, 23, 0)  # noqa: DTZ001 - naive on purpose: local time in tz
    assert cal.deadline_at(late_friday, 1) == datetime(2026, 11, 30, 18, 0, tzinfo=SHANGHAI)


def test_deadline_flag_for_provisional_years(cal: WorkCalendar) -> None:
    flagged = cal.deadline_at(date(2026, 12, 20), 20, with_flag=True)
    assert flagged == (datetime(2027, 1, 18, 18, 0, tzinfo=SHANGHAI), True)
