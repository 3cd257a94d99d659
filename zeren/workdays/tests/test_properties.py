"""Property tests: the numpy index agrees with a naive day-by-day walk, scalar and array forms."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zeren.workdays import DayKind, DayOverride, NoOfficialScheduleError, WorkCalendar
from zeren.workdays.overrides import override_set
from zeren.workdays.tests.naive import (
    naive_add_workdays,
    naive_is_workday_function,
    naive_touches_provisional,
    naive_workdays_between,
)

CAL = WorkCalendar.china()
STRICT = CAL.with_policy("strict")
NAIVE_IS_WORKDAY = naive_is_workday_function()
ONE_DAY = timedelta(days=1)

# Inside the range with room for ±150 working days or ±400 days either way.
days_in_range = st.dates(min_value=date(2005, 3, 1), max_value=date(2039, 11, 1))
# Dense around the official/provisional boundary, where the flags change.
days_near_2027 = st.dates(min_value=date(2026, 6, 1), max_value=date(2027, 8, 1))
any_day = st.one_of(days_in_range, days_near_2027)
counts = st.integers(min_value=-150, max_value=150)
PROPERTY_SETTINGS = settings(max_examples=300, deadline=None)


def naive_add_flag(start: date, n: int, result: date, official_years: frozenset[int] = frozenset()) -> bool:
    if n > 0:
        return naive_touches_provisional(start + ONE_DAY, result, official_years)
    if n < 0:
        return naive_touches_provisional(result, start - ONE_DAY, official_years)
    return False


@PROPERTY_SETTINGS
@given(start=any_day, n=counts)
def test_add_workdays_matches_naive_walk(start: date, n: int) -> None:
    expected = naive_add_workdays(NAIVE_IS_WORKDAY, start, n)
    result, provisional = CAL.add_workdays(start, n, with_flag=True)
    assert result == expected
    assert provisional == naive_add_flag(start, n, expected)
    if n != 0:
        assert CAL.is_workday(result)
    if n >= 0:
        assert CAL.workdays_between(start, result) == n


@PROPERTY_SETTINGS
@given(start=any_day, span=st.integers(min_value=-400, max_value=400))
def test_workdays_between_matches_naive_walk(start: date, span: int) -> None:
    end = start + timedelta(days=span)
    count, provisional = CAL.workdays_between(start, end, with_flag=True)
    assert count == naive_workdays_between(NAIVE_IS_WORKDAY, start, end)
    assert count == -CAL.workdays_between(end, start)
    assert provisional == naive_touches_provisional(min(start, end) + ONE_DAY, max(start, end))


@PROPERTY_SETTINGS
@given(start=any_day, n=counts)
def test_strict_raises_exactly_when_the_result_is_provisional(start: date, n: int) -> None:
    result, provisional = CAL.add_workdays(start, n, with_flag=True)
    if provisional:
        with pytest.raises(NoOfficialScheduleError) as raised:
            STRICT.add_workdays(start, n)
        assert raised.value.year >= 2027
    else:
        assert STRICT.add_workdays(start, n) == result


pairs = st.lists(st.tuples(any_day, counts), min_size=1, max_size=60)


@settings(max_examples=60, deadline=None)
@given(pairs=pairs)
def test_add_workdays_array_matches_naive_walk(pairs: list[tuple[date, int]]) -> None:
    starts = np.array([start for start, _ in pairs], dtype="datetime64[D]")
    ns = np.array([n for _, n in pairs], dtype=np.int64)
    values, provisional = CAL.add_workdays_array(starts, ns, with_flag=True)
    expected = [naive_add_workdays(NAIVE_IS_WORKDAY, start, n) for start, n in pairs]
    assert values.dtype == np.dtype("datetime64[D]")
    assert values.tolist() == expected
    assert provisional.tolist() == [naive_add_flag(s, n, r) for (s, n), r in zip(pairs, expected, strict=True)]
    assert (CAL.add_workdays_array(starts, ns) == values).all()


@settings(max_examples=60, deadline=None)
@given(pairs=st.lists(st.tuples(any_day, st.integers(-400, 400)), min_size=1, max_size=60))
def test_workdays_between_array_matches_naive_walk(pairs: list[tuple[date, int]]) -> None:
    starts = np.array([start for start, _ in pairs], dtype="datetime64[D]")
    ends = np.array([start + timedelta(days=span) for start, span in pairs], dtype="datetime64[D]")
    counts_, provisional = CAL.workdays_between_array(starts, ends, with_flag=True)
    expected = [naive_workdays_between(NAIVE_IS_WORKDAY, a, b) for a, b in zip(starts.tolist(), ends.tolist(), strict=True)]
    assert counts_.tolist() == expected
    assert provisional.tolist() == [
        naive_touches_provisional(min(a, b) + ONE_DAY, max(a, b))
        for a, b in zip(starts.tolist(), ends.tolist(), strict=True)
    ]


overrides_strategy = st.lists(
    st.tuples(st.dates(min_value=date(2025, 10, 1), max_value=date(2028, 3, 1)), st.sampled_from(list(DayKind))),
    max_size=40,
)


@settings(max_examples=40, deadline=None)
@given(
    raw=overrides_strategy,
    official=st.sets(st.sampled_from([2027, 2028]), max_size=2),
    pairs=st.lists(st.tuples(days_near_2027, st.integers(-80, 80)), min_size=1, max_size=20),
)
def test_overrides_match_naive_walk(
    raw: list[tuple[date, DayKind]], official: set[int], pairs: list[tuple[date, int]]
) -> None:
    overrides = override_set([DayOverride(day, kind, "test") for day, kind in raw], official_years=official)
    cal = WorkCalendar.china(overrides=overrides)
    naive = naive_is_workday_function(overrides)
    official_years = frozenset(official)
    for start, n in pairs:
        expected = naive_add_workdays(naive, start, n)
        assert cal.add_workdays(start, n, with_flag=True) == (expected, naive_add_flag(start, n, expected, official_years))
    starts = np.array([s for s, _ in pairs], dtype="datetime64[D]")
    ends = starts + np.array([n for _, n in pairs], dtype="timedelta64[D]")
    assert cal.workdays_between_array(starts, ends).tolist() == [
        naive_workdays_between(naive, a, b) for a, b in zip(starts.tolist(), ends.tolist(), strict=True)
    ]


def test_array_forms_broadcast_and_accept_other_units() -> None:
    starts = np.array(["2026-09-30T10:00", "2026-12-20T23:59"], dtype="datetime64[m]")
    assert CAL.add_workdays_array(starts, 5).tolist() == [date(2026, 10, 13), date(2026, 12, 25)]
    assert CAL.workdays_between_array(np.datetime64("2026-09-30"), ["2026-10-12", "2026-09-30"]).tolist() == [4, 0]
    grid = CAL.add_workdays_array(np.array([["2026-09-30"], ["2026-10-09"]], dtype="datetime64[D]"), [0, 1, -1])
    assert grid.shape == (2, 3)
    assert grid[1].tolist() == [date(2026, 10, 9), date(2026, 10, 10), date(2026, 10, 8)]


def test_array_forms_reject_bad_input_clearly() -> None:
    from zeren.workdays import OutOfCalendarRangeError

    with pytest.raises(OutOfCalendarRangeError, match="2003-05-05"):
        CAL.add_workdays_array(np.array(["2026-01-01", "2003-05-05"], dtype="datetime64[D]"), 1)
    with pytest.raises(OutOfCalendarRangeError, match="NaT"):
        CAL.workdays_between_array(np.array(["NaT"], dtype="datetime64[D]"), np.datetime64("2026-01-01"))
    with pytest.raises(OutOfCalendarRangeError, match=r"\+10 from 2040-12-24"):
        CAL.add_workdays_array(["2026-01-01", "2040-12-24"], 10)
    with pytest.raises(TypeError, match="integers"):
        CAL.add_workdays_array(["2026-01-01"], [1.5])
    with pytest.raises(NoOfficialScheduleError, match="2027"):
        STRICT.add_workdays_array(["2026-01-01", "2026-12-20"], 20)
    with pytest.raises(NoOfficialScheduleError, match="2029"):
        STRICT.workdays_between_array(["2026-01-01", "2029-06-01"], ["2026-02-01", "2029-07-01T00"])
    assert STRICT.workdays_between_array(["2029-06-01"], ["2029-06-01"]).tolist() == [0]
