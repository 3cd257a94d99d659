"""Oracle: every date 2010-01-01 .. 2026-12-31 agrees with chinesecalendar.is_workday."""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar
import numpy as np
import pytest

from zeren.workdays import WorkCalendar

FIRST, LAST = date(2010, 1, 1), date(2026, 12, 31)
ALL_DAYS = [FIRST + timedelta(days=offset) for offset in range((LAST - FIRST).days + 1)]


@pytest.fixture(scope="module")
def oracle() -> list[bool]:
    return [bool(chinese_calendar.is_workday(day)) for day in ALL_DAYS]


def test_scalar_is_workday_matches_chinesecalendar_every_day(oracle: list[bool]) -> None:
    cal = WorkCalendar.china(policy="strict")
    mismatches = [day for day, expected in zip(ALL_DAYS, oracle, strict=True) if cal.is_workday(day) != expected]
    assert mismatches == []
    assert len(ALL_DAYS) == 6209


def test_array_is_workday_matches_chinesecalendar_every_day(oracle: list[bool]) -> None:
    cal = WorkCalendar.china(policy="strict")
    days = np.arange(np.datetime64(FIRST), np.datetime64(LAST) + 1, dtype="datetime64[D]")
    assert cal.is_workday_array(days).tolist() == oracle
    assert not cal.provisional_array(days).any()


def test_cumulative_counts_match_a_running_sum_of_the_oracle(oracle: list[bool]) -> None:
    cal = WorkCalendar.china()
    running = np.cumsum(oracle)
    ends = np.arange(np.datetime64(FIRST), np.datetime64(LAST) + 1, dtype="datetime64[D]")
    counted = cal.workdays_between_array(np.datetime64(FIRST - timedelta(days=1)), ends)
    assert (counted == running).all()
    assert int(running[-1]) == sum(oracle) == cal.workdays_between(FIRST - timedelta(days=1), LAST)


def test_strict_policy_accepts_every_official_day() -> None:
    strict = WorkCalendar.china(policy="strict")
    assert strict.workdays_between(date(2004, 1, 1), date(2026, 12, 31)) > 5500
