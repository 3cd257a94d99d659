"""Known days and deadlines, checked against the State Council schedules and the lunar calendar."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from zeren.workdays import NoOfficialScheduleError, OutOfCalendarRangeError, WorkCalendar


@pytest.fixture(scope="module")
def cal() -> WorkCalendar:
    return WorkCalendar.china()


def days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=offset) for offset in range((last - first).days + 1)]


def test_spring_festival_2024_holidays_and_adjusted_sundays(cal: WorkCalendar) -> None:
    assert not any(cal.is_workday(day) for day in days(date(2024, 2, 10), date(2024, 2, 17)))
    assert cal.is_workday(date(2024, 2, 4))  # Sunday, 调休上班
    assert cal.is_workday(date(2024, 2, 18))  # Sunday, 调休上班
    assert cal.is_workday(date(2024, 2, 9))  # the eve was a working day before the 2024 amendment
    assert cal.add_workdays(date(2024, 2, 9), 1) == date(2024, 2, 18)
    assert cal.workdays_between(date(2024, 2, 3), date(2024, 2, 18)) == 7  # 4th, 5th–9th, 18th


def test_national_day_2026(cal: WorkCalendar) -> None:
    # 2026: 10月1日至7日放假调休; Sunday 9月20日 and Saturday 10月10日 are working days.
    assert not any(cal.is_workday(day) for day in days(date(2026, 10, 1), date(2026, 10, 7)))
    assert cal.is_workday(date(2026, 9, 20))  # Sunday
    assert cal.is_workday(date(2026, 10, 10))  # Saturday
    assert not cal.is_workday(date(2026, 10, 11))  # plain Sunday
    assert cal.add_workdays(date(2026, 9, 30), 5) == date(2026, 10, 13)
    assert cal.workdays_between(date(2026, 9, 30), date(2026, 10, 12)) == 4
    assert cal.special_day(date(2026, 10, 10)).label == "国庆节"  # type: ignore[union-attr]


def test_adjusted_saturdays_and_sundays(cal: WorkCalendar) -> None:
    adjusted = [date(2024, 4, 7), date(2024, 4, 28), date(2024, 5, 11), date(2024, 9, 14), date(2025, 1, 26),
                date(2025, 2, 8), date(2025, 9, 28), date(2025, 10, 11), date(2026, 1, 4), date(2026, 2, 14)]
    assert {day.weekday() for day in adjusted} == {5, 6}
    assert all(cal.is_workday(day) for day in adjusted)
    assert not cal.is_workday(date(2024, 4, 6))  # a plain Saturday


def test_weekday_holidays_and_plain_days(cal: WorkCalendar) -> None:
    assert not cal.is_workday(date(2025, 1, 28))  # 除夕 2025, a Tuesday: a holiday since the 2024 amendment
    assert not cal.is_workday(date(2015, 9, 3))  # 抗战胜利70周年纪念日
    assert cal.is_workday(date(2026, 11, 27))  # a plain Friday
    assert not cal.is_workday(date(2026, 11, 28))  # a plain Saturday


def test_day_of_receipt_is_not_counted(cal: WorkCalendar) -> None:
    friday = date(2026, 11, 27)
    assert cal.add_workdays(friday, 1) == date(2026, 11, 30)
    assert cal.add_workdays(date(2026, 11, 28), 1) == date(2026, 11, 30)  # received on a Saturday
    assert cal.add_workdays(friday, 0) == friday
    assert cal.add_workdays(date(2026, 11, 28), 0) == date(2026, 11, 28)


def test_negative_n_counts_backwards_strictly_before(cal: WorkCalendar) -> None:
    assert cal.add_workdays(date(2026, 11, 30), -1) == date(2026, 11, 27)
    assert cal.add_workdays(date(2026, 10, 8), -1) == date(2026, 9, 30)
    assert cal.add_workdays(date(2026, 10, 12), -2) == date(2026, 10, 9)  # skips Sunday 11th, counts Sat 10th


def test_workdays_between_is_half_open_and_antisymmetric(cal: WorkCalendar) -> None:
    a, b = date(2026, 9, 30), date(2026, 10, 12)
    assert cal.workdays_between(a, a) == 0
    assert cal.workdays_between(b, a) == -4
    assert cal.workdays_between(date(2026, 11, 26), date(2026, 11, 27)) == 1
    assert cal.workdays_between(date(2026, 11, 27), date(2026, 11, 26)) == -1


def test_twenty_working_days_from_december_2026_run_into_provisional_2027(cal: WorkCalendar) -> None:
    deadline, provisional = cal.add_workdays(date(2026, 12, 20), 20, with_flag=True)
    # 12/21–25, 28–31 (9 days); 2027-01-01 元旦 (rule); 1/4–8, 11–15 (10), 1/18 is the 20th.
    assert deadline == date(2027, 1, 18)
    assert provisional is True
    assert cal.add_workdays(date(2026, 12, 1), 5, with_flag=True) == (date(2026, 12, 8), False)
    assert cal.workdays_between(date(2026, 12, 20), date(2027, 1, 18), with_flag=True) == (20, True)


def test_strict_policy_raises_naming_the_year() -> None:
    strict = WorkCalendar.china(policy="strict")
    assert strict.add_workdays(date(2026, 12, 1), 5) == date(2026, 12, 8)
    assert strict.add_workdays(date(2026, 12, 30), 1) == date(2026, 12, 31)
    with pytest.raises(NoOfficialScheduleError, match="2027") as raised:
        strict.add_workdays(date(2026, 12, 20), 20)
    assert raised.value.year == 2027
    with pytest.raises(NoOfficialScheduleError, match="2027"):
        strict.is_workday(date(2027, 3, 1))
    with pytest.raises(NoOfficialScheduleError, match="2028"):
        strict.workdays_between(date(2028, 1, 1), date(2028, 3, 1))
    with pytest.raises(NoOfficialScheduleError, match="2027"):
        strict.special_days(2027)
    assert strict.is_provisional(date(2027, 3, 1))  # asking for the flag never raises


def test_provisional_flag_per_day(cal: WorkCalendar) -> None:
    assert not cal.is_provisional(date(2026, 12, 31))
    assert cal.is_provisional(date(2027, 1, 1))
    assert cal.is_official_year(2026) and not cal.is_official_year(2027)
    assert cal.add_workdays(date(2027, 1, 18), 0, with_flag=True) == (date(2027, 1, 18), False)


def test_out_of_range_is_a_clear_error(cal: WorkCalendar) -> None:
    with pytest.raises(OutOfCalendarRangeError, match="2003-12-31"):
        cal.is_workday(date(2003, 12, 31))
    with pytest.raises(OutOfCalendarRangeError, match="2041-01-01"):
        cal.workdays_between(date(2040, 1, 1), date(2041, 1, 1))
    with pytest.raises(OutOfCalendarRangeError, match=r"working day \+5 from 2040-12-28"):
        cal.add_workdays(date(2040, 12, 28), 5)
    with pytest.raises(OutOfCalendarRangeError):
        cal.add_workdays(date(2004, 1, 2), -2)
    with pytest.raises(TypeError):
        cal.is_workday("2026-01-01")  # type: ignore[arg-type]


def test_show_a_year_lists_holidays_and_adjusted_workdays(cal: WorkCalendar) -> None:
    special = cal.special_days(2026)
    workdays = [(s.day, s.label) for s in special if s.kind == "workday"]
    assert workdays[0] == (date(2026, 1, 4), "元旦")
    assert len(workdays) == 6
    assert all(not s.provisional and s.source == "official" for s in special)
    provisional = cal.special_days(2027)
    assert provisional and all(s.provisional and s.kind == "holiday" for s in provisional)
