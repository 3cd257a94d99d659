"""The provisional rule: 全国年节及纪念日放假办法 (2024 amendment) 第二条 and 第六条, lunar dates."""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar
import pytest

from zeren.workdays import WorkCalendar
from zeren.workdays.statutory import festival_days, lunar_to_solar, qingming, statutory_holidays


def rule_days(year: int) -> dict[date, str]:
    return {special.day: special.label for special in statutory_holidays(year)}


def test_spring_festival_2027_is_the_eve_and_first_three_lunar_days() -> None:
    assert lunar_to_solar(2027, 1, 1) == date(2027, 2, 6)  # 正月初一
    festivals = dict(festival_days(2027))
    assert festivals["春节"] == [date(2027, 2, 5), date(2027, 2, 6), date(2027, 2, 7), date(2027, 2, 8)]


def test_eve_is_the_29th_when_the_12th_lunar_month_is_short() -> None:
    # 2025: 腊月 had 29 days, so 除夕 was 腊月廿九 = 2025-01-28 (official holiday).
    assert dict(festival_days(2025))["春节"][0] == date(2025, 1, 28)
    assert not chinese_calendar.is_workday(date(2025, 1, 28))


def test_provisional_2027_days() -> None:
    days = rule_days(2027)
    assert days[date(2027, 1, 1)] == "元旦"
    assert qingming(2027) == date(2027, 4, 5) and days[date(2027, 4, 5)] == "清明节"
    assert days[date(2027, 5, 1)] == days[date(2027, 5, 2)] == "劳动节"
    assert lunar_to_solar(2027, 5, 5) == date(2027, 6, 9) and days[date(2027, 6, 9)] == "端午节"
    assert lunar_to_solar(2027, 8, 15) == date(2027, 9, 15) and days[date(2027, 9, 15)] == "中秋节"
    assert [days[date(2027, 10, d)] for d in (1, 2, 3)] == ["国庆节"] * 3


def test_weekend_festival_days_are_made_up_on_the_next_weekdays() -> None:
    days = rule_days(2027)
    # 2027-02-06/07 (Sat/Sun) are 春节 days: made up on Tue 9th and Wed 10th (第六条 补假).
    assert days[date(2027, 2, 9)] == days[date(2027, 2, 10)] == "春节补假"
    assert date(2027, 2, 11) not in days
    # 2027-05-01/02 fall on Sat/Sun: made up on Mon 3rd, Tue 4th.
    assert days[date(2027, 5, 3)] == days[date(2027, 5, 4)] == "劳动节补假"
    # 2028: 元旦 on a Saturday; 中秋 (10-03) coincides with 国庆节, so it is made up too.
    days_2028 = rule_days(2028)
    assert days_2028[date(2028, 1, 3)] == "元旦补假"
    assert days_2028[date(2028, 10, 4)] == "国庆节补假" and days_2028[date(2028, 10, 5)] == "中秋节补假"
    assert not rule_days(2027)[date(2027, 2, 5)].endswith("补假")
    assert statutory_holidays(2027, make_up=False)[-1].day == date(2027, 10, 3)


def test_no_adjusted_working_weekends_in_a_provisional_year() -> None:
    cal = WorkCalendar.china()
    saturdays = [date(2027, 1, 2) + timedelta(weeks=w) for w in range(52)]
    assert not any(cal.is_workday(day) for day in saturdays)


@pytest.mark.parametrize("year", [2025, 2026])
def test_rule_agrees_with_the_official_schedules_under_the_2024_amendment(year: int) -> None:
    """Every rule-computed day off is off in the official schedule, and the year has exactly as
    many days off: the State Council's 调休 only moves days around."""
    days = rule_days(year)
    assert all(not chinese_calendar.is_workday(day) for day in days)
    all_days = [date(year, 1, 1) + timedelta(days=o) for o in range((date(year + 1, 1, 1) - date(year, 1, 1)).days)]
    official_off = sum(not chinese_calendar.is_workday(day) for day in all_days)
    rule_off = sum(day.weekday() >= 5 or day in days for day in all_days)
    assert rule_off == official_off == 117


@pytest.mark.parametrize("year", range(2008, 2027))
def test_lunar_festivals_and_qingming_are_days_off_in_official_years(year: int) -> None:
    """lunar_python's dates for 清明, 端午, 中秋 and 正月初一 fall on official days off since 2008."""
    for day in (qingming(year), lunar_to_solar(year, 5, 5), lunar_to_solar(year, 8, 15), lunar_to_solar(year, 1, 1)):
        assert not chinese_calendar.is_workday(day), day
