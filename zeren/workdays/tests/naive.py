"""A naive day-by-day reference for the working-day rules, independent of the numpy index.

Official years ask ``chinesecalendar.is_workday`` directly (not our generated data file); later
years apply the statutory rule; overrides win. Counting walks one day at a time.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import chinese_calendar

from zeren.workdays.days import DayKind
from zeren.workdays.overrides import OverrideSet
from zeren.workdays.statutory import statutory_holidays

LAST_OFFICIAL_YEAR = 2026
ONE_DAY = timedelta(days=1)


def naive_is_workday_function(overrides: OverrideSet | None = None) -> Callable[[date], bool]:
    by_day = {override.day: override.kind is DayKind.WORKDAY for override in (overrides or OverrideSet()).days}
    official_years = (overrides or OverrideSet()).official_years
    rule_cache: dict[int, set[date]] = {}

    def is_workday(day: date) -> bool:
        if day in by_day:
            return by_day[day]
        if day.year <= LAST_OFFICIAL_YEAR:
            return bool(chinese_calendar.is_workday(day))
        if day.year in official_years:
            return day.weekday() < 5
        if day.year not in rule_cache:
            rule_cache[day.year] = {special.day for special in statutory_holidays(day.year)}
        return day.weekday() < 5 and day not in rule_cache[day.year]

    return is_workday


def naive_add_workdays(is_workday: Callable[[date], bool], start: date, n: int) -> date:
    """n ≥ 1: the n-th working day strictly after start; 0: start; n ≤ -1: strictly before."""
    step = ONE_DAY if n > 0 else -ONE_DAY
    day, remaining = start, abs(n)
    while remaining:
        day += step
        if is_workday(day):
            remaining -= 1
    return day


def naive_workdays_between(is_workday: Callable[[date], bool], start: date, end: date) -> int:
    """Working days in (start, end]; minus those in (end, start] when end < start."""
    low, high, sign = (start, end, 1) if start <= end else (end, start, -1)
    count, day = 0, low
    while day < high:
        day += ONE_DAY
        count += is_workday(day)
    return sign * count


def naive_touches_provisional(low: date, high: date, official_years: frozenset[int] = frozenset()) -> bool:
    """Whether low..high (inclusive) reaches a year after 2026 not given in full by overrides."""
    return any(
        year > LAST_OFFICIAL_YEAR and year not in official_years for year in range(low.year, high.year + 1)
    ) if low <= high else False
