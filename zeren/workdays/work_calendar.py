"""The working-day calendar (工作日历): which days are working days, and deadline arithmetic.

Legal basis: 中华人民共和国行政许可法 第八十二条 — the time limits of the law are counted in working
days (工作日), excluding statutory holidays (法定节假日). A working day is a Monday–Friday that is
not a day off by the State Council's schedule, or a weekend day that the schedule makes a working
day (调休上班). The schedule implements 全国年节及纪念日放假办法 (2024 amendment).

Counting rules (the same for every deadline in zeren):

- ``add_workdays(d, n)``, n ≥ 1: the n-th working day strictly after ``d``; the day of receipt is
  not counted, whether or not it is a working day. n = 0: ``d`` itself. n ≤ -1: the |n|-th working
  day strictly before ``d``.
- ``workdays_between(a, b)``: the number of working days in the half-open interval (a, b];
  negative when b < a (minus the working days in (b, a]). Hence, for n ≥ 0,
  ``workdays_between(d, add_workdays(d, n)) == n``.

Years with no official schedule (after the last published year): under the ``provisional`` policy
their statutory holidays come from the rule in :mod:`zeren.workdays.statutory`, with no 调休, and
every result whose days reach into such a year is flagged provisional; under ``strict`` such a
result raises :class:`NoOfficialScheduleError` naming the year.

Implementation: a boolean working-day array over the whole range, its cumulative sum (how many
working days lie before each day) and the positions of the working days, computed once. Every
query is then a couple of array look-ups — O(1) per element, also for numpy arrays of dates.
"""

from __future__ import annotations

import copy
import enum
from collections.abc import Iterable
from datetime import date, datetime, time
from os import PathLike
from typing import Generic, Literal, NamedTuple, TypeVar, overload
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt

from zeren.workdays.days import DayKind, DaySource, SpecialDay
from zeren.workdays.errors import NoOfficialScheduleError, OutOfCalendarRangeError
from zeren.workdays.official import OfficialSchedule, china_schedule
from zeren.workdays.overrides import OverrideSet, load_overrides
from zeren.workdays.statutory import statutory_holidays

DEFAULT_LAST_DAY = date(2040, 12, 31)
DEFAULT_OFFICE_HOURS = (time(9, 0), time(18, 0))
DEFAULT_TIMEZONE = "Asia/Shanghai"
_UNIX_EPOCH_WEEKDAY = 3  # 1970-01-01 was a Thursday; Monday is 0

DateArray = npt.NDArray[np.datetime64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
ResultT = TypeVar("ResultT", date, int, datetime)


class Policy(enum.StrEnum):
    """What to do with a year that has no official holiday schedule."""

    PROVISIONAL = "provisional"  # compute its holidays by rule and flag results provisional
    STRICT = "strict"  # refuse: raise NoOfficialScheduleError naming the year


class Flagged(NamedTuple, Generic[ResultT]):
    """A scalar result and whether it depends on a year with no official schedule (暂定)."""

    value: ResultT
    provisional: bool


class FlaggedArray(NamedTuple):
    """An array result and, element by element, whether it is provisional."""

    values: npt.NDArray[np.datetime64] | npt.NDArray[np.int64]
    provisional: BoolArray


class WorkCalendar:
    """Working days (工作日) of one jurisdiction, from ``first_day`` to ``last_day``.

    Build it with :meth:`china`; it is immutable and safe to share between threads.
    """

    def __init__(
        self,
        schedule: OfficialSchedule,
        *,
        policy: Policy | str = Policy.PROVISIONAL,
        overrides: OverrideSet | None = None,
        last_day: date = DEFAULT_LAST_DAY,
    ) -> None:
        self.policy = Policy(policy)
        self.first_day = date(schedule.first_year, 1, 1)
        self.last_day = last_day
        if last_day < self.first_day:
            raise ValueError(f"last_day {last_day} is before the first day {self.first_day}")
        self.overrides = overrides or OverrideSet()
        years = range(schedule.first_year, last_day.year + 1)
        self.provisional_years = frozenset(
            year for year in years if not schedule.covers(year) and year not in self.overrides.official_years
        )
        self._special = _special_days(schedule, self.provisional_years, self.overrides)
        self._epoch = np.datetime64(self.first_day, "D")
        self._build_index()

    @classmethod
    def china(
        cls,
        policy: Policy | str = Policy.PROVISIONAL,
        overrides: OverrideSet | str | PathLike[str] | None = None,
        *,
        last_day: date = DEFAULT_LAST_DAY,
    ) -> WorkCalendar:
        """China's calendar: the packaged official schedule (2004–2026) plus ``overrides``.

        ``overrides`` is an :class:`OverrideSet` or the path of a TOML override file.
        """
        if overrides is not None and not isinstance(overrides, OverrideSet):
            overrides = load_overrides(overrides)
        return cls(china_schedule(), policy=policy, overrides=overrides, last_day=last_day)

    def with_policy(self, policy: Policy | str) -> WorkCalendar:
        """The same calendar under another policy (shares the precomputed index)."""
        other = copy.copy(self)
        other.policy = Policy(policy)
        return other

    # --- the index -------------------------------------------------------------------------

    def _build_index(self) -> None:
        day_count = (self.last_day - self.first_day).days + 1
        day_numbers = self._epoch.astype(np.int64) + np.arange(day_count, dtype=np.int64)
        is_workday = (day_numbers + _UNIX_EPOCH_WEEKDAY) % 7 < 5
        is_provisional = np.zeros(day_count, dtype=bool)
        for special in self._special.values():
            position = (special.day - self.first_day).days
            if 0 <= position < day_count:
                is_workday[position] = special.kind is DayKind.WORKDAY
        for year in self.provisional_years:
            start = max(0, (date(year, 1, 1) - self.first_day).days)
            stop = min(day_count, (date(year, 12, 31) - self.first_day).days + 1)
            is_provisional[start:stop] = True
        self._is_workday = is_workday
        self._is_provisional = is_provisional
        # _workdays_before[i]: working days among positions [0, i); same for _provisional_before.
        self._workdays_before = np.concatenate(([0], np.cumsum(is_workday, dtype=np.int64)))
        self._provisional_before = np.concatenate(([0], np.cumsum(is_provisional, dtype=np.int64)))
        self._workday_positions = np.flatnonzero(is_workday).astype(np.int64)

    def _position(self, day: date, what: str = "date") -> int:
        if isinstance(day, datetime) or not isinstance(day, date):
            raise TypeError(f"expected a datetime.date, got {type(day).__name__} {day!r}")
        position = (day - self.first_day).days
        if not 0 <= position <= (self.last_day - self.first_day).days:
            raise OutOfCalendarRangeError(f"{what} {day.isoformat()}", self.first_day, self.last_day)
        return position

    def _day(self, position: int) -> date:
        return date.fromordinal(self.first_day.toordinal() + int(position))

    def _provisional_count(self, first: int, last: int) -> int:
        """Provisional days among positions first..last (inclusive); 0 for an empty range."""
        if last < first:
            return 0
        return int(self._provisional_before[last + 1] - self._provisional_before[first])

    def _check_policy(self, first: int, last: int) -> bool:
        """Whether positions first..last touch a provisional year; raises under strict."""
        if self._provisional_count(first, last) == 0:
            return False
        if self.policy is Policy.STRICT:
            offset = int(np.searchsorted(self._provisional_before, self._provisional_before[first] + 1)) - 1
            raise NoOfficialScheduleError(self._day(offset).year)
        return True

    # --- scalar API ------------------------------------------------------------------------

    def is_workday(self, day: date) -> bool:
        """Whether ``day`` is a working day (工作日), per 行政许可法 第八十二条.

        A Monday–Friday that is not a day off (法定节假日, 调休 rest day, local holiday), or a
        weekend day made a working day (调休上班).
        """
        position = self._position(day)
        self._check_policy(position, position)
        return bool(self._is_workday[position])

    def is_provisional(self, day: date) -> bool:
        """Whether ``day`` lies in a year with no official schedule (its status is 暂定). Never raises
        for the policy."""
        return bool(self._is_provisional[self._position(day)])

    def is_official_year(self, year: int) -> bool:
        """Whether ``year`` has an official schedule (packaged, or given in full by overrides)."""
        return self.first_day.year <= year <= self.last_day.year and year not in self.provisional_years

    @overload
    def add_workdays(self, day: date, n: int, *, with_flag: Literal[False] = False) -> date: ...
    @overload
    def add_workdays(self, day: date, n: int, *, with_flag: Literal[True]) -> Flagged[date]: ...
    def add_workdays(self, day: date, n: int, *, with_flag: bool = False) -> date | Flagged[date]:
        """The n-th working day strictly after ``day`` (n ≥ 1); ``day`` for n = 0; the |n|-th
        working day strictly before ``day`` (n ≤ -1).

        行政许可法 第八十二条: limits are counted in working days (工作日), excluding statutory
        holidays (法定节假日); the day of receipt is not counted. With ``with_flag=True`` returns
        ``Flagged(date, provisional)``: provisional when a day between ``day`` (excluded) and the
        result (included) lies in a year with no official schedule.
        """
        position = self._position(day)
        if n == 0:
            return Flagged(day, False) if with_flag else day
        if n > 0:
            rank = int(self._workdays_before[position + 1]) + n - 1
        else:
            rank = int(self._workdays_before[position]) + n
        if not 0 <= rank < len(self._workday_positions):
            raise OutOfCalendarRangeError(
                f"the working day {n:+d} from {day.isoformat()}", self.first_day, self.last_day
            )
        result_position = int(self._workday_positions[rank])
        if n > 0:
            provisional = self._check_policy(position + 1, result_position)
        else:
            provisional = self._check_policy(result_position, position - 1)
        result = self._day(result_position)
        return Flagged(result, provisional) if with_flag else result

    @overload
    def workdays_between(self, start: date, end: date, *, with_flag: Literal[False] = False) -> int: ...
    @overload
    def workdays_between(self, start: date, end: date, *, with_flag: Literal[True]) -> Flagged[int]: ...
    def workdays_between(self, start: date, end: date, *, with_flag: bool = False) -> int | Flagged[int]:
        """Working days (工作日) in the half-open interval (start, end]; negative when end < start.

        行政许可法 第八十二条. ``workdays_between(d, add_workdays(d, n)) == n`` for n ≥ 0.
        """
        first, last = self._position(start), self._position(end, "end date")
        count = int(self._workdays_before[last + 1] - self._workdays_before[first + 1])
        low, high = min(first, last), max(first, last)
        provisional = self._check_policy(low + 1, high)
        return Flagged(count, provisional) if with_flag else count

    @overload
    def deadline_at(
        self, day: date, n: int, office_hours: tuple[time, time] = ..., tz: str = ...,
        *, with_flag: Literal[False] = False,
    ) -> datetime: ...
    @overload
    def deadline_at(
        self, day: date, n: int, office_hours: tuple[time, time] = ..., tz: str = ...,
        *, with_flag: Literal[True],
    ) -> Flagged[datetime]: ...
    def deadline_at(
        self,
        day: date,
        n: int,
        office_hours: tuple[time, time] = DEFAULT_OFFICE_HOURS,
        tz: str = DEFAULT_TIMEZONE,
        *,
        with_flag: bool = False,
    ) -> datetime | Flagged[datetime]:
        """The instant a limit of ``n`` working days from ``day`` runs out: the closing time of
        the office on ``add_workdays(day, n)``, as an aware datetime in ``tz``.

        行政许可法 第八十二条 (working days, day of receipt not counted). ``day`` may be a date or
        a datetime of receipt (aware, or naive meaning local time in ``tz``); the time of
        receipt does not move the deadline, since the day of receipt is never counted. An act
        at or before the returned instant is on time. ``office_hours`` is (opening, closing).
        """
        opening, closing = office_hours
        if closing.tzinfo is not None or opening.tzinfo is not None or not opening < closing:
            raise ValueError(f"office_hours must be two naive times, opening before closing: {office_hours!r}")
        zone = ZoneInfo(tz)
        if isinstance(day, datetime):
            day = (day.astimezone(zone) if day.tzinfo is not None else day).date()
        result, provisional = self.add_workdays(day, n, with_flag=True)
        deadline = datetime.combine(result, closing, tzinfo=zone)
        return Flagged(deadline, provisional) if with_flag else deadline

    def special_day(self, day: date) -> SpecialDay | None:
        """The named day at ``day`` (holiday, 调休上班, override), or None for a plain day."""
        self._position(day)
        return self._special.get(day)

    def special_days(self, year: int) -> list[SpecialDay]:
        """Holidays and adjusted working days of ``year`` with their labels, by date.

        Under the strict policy a year with no official schedule raises NoOfficialScheduleError.
        """
        if not self.first_day.year <= year <= self.last_day.year:
            raise OutOfCalendarRangeError(f"year {year}", self.first_day, self.last_day)
        if self.policy is Policy.STRICT and year in self.provisional_years:
            raise NoOfficialScheduleError(year)
        return [special for day, special in sorted(self._special.items()) if day.year == year]

    # --- array API (numpy datetime64[D]) -------------------------------------------------

    def _positions(self, days: npt.ArrayLike, what: str = "date") -> IntArray:
        as_days = np.asarray(days, dtype="datetime64[D]")
        positions = (as_days - self._epoch).astype(np.int64)
        out_of_range = (positions < 0) | (positions > (self.last_day - self.first_day).days) | np.isnat(as_days)
        if out_of_range.any():
            bad = as_days.reshape(-1)[int(np.flatnonzero(out_of_range.reshape(-1))[0])]
            raise OutOfCalendarRangeError(f"{what} {bad}", self.first_day, self.last_day)
        return positions

    def _check_policy_array(self, first: IntArray, last: IntArray) -> BoolArray:
        """Element-wise: whether positions first..last (inclusive) touch a provisional year."""
        counts = np.where(
            last >= first,
            self._provisional_before[np.maximum(last, first - 1) + 1] - self._provisional_before[first],
            0,
        )
        provisional = counts > 0
        if self.policy is Policy.STRICT and provisional.any():
            index = int(np.flatnonzero(provisional.reshape(-1))[0])
            first_provisional = np.searchsorted(
                self._provisional_before, self._provisional_before[first.reshape(-1)[index]] + 1
            ) - 1
            raise NoOfficialScheduleError(self._day(int(first_provisional)).year)
        return provisional

    def _as_dates(self, positions: IntArray) -> DateArray:
        return self._epoch + positions.astype("timedelta64[D]")

    def is_workday_array(self, days: npt.ArrayLike) -> BoolArray:
        """Element-wise :meth:`is_workday` on an array of dates."""
        positions = self._positions(days)
        self._check_policy_array(positions, positions)
        return self._is_workday[positions]

    def provisional_array(self, days: npt.ArrayLike) -> BoolArray:
        """Element-wise :meth:`is_provisional` on an array of dates."""
        return self._is_provisional[self._positions(days)]

    @overload
    def add_workdays_array(
        self, starts: npt.ArrayLike, ns: npt.ArrayLike, *, with_flag: Literal[False] = False
    ) -> DateArray: ...
    @overload
    def add_workdays_array(
        self, starts: npt.ArrayLike, ns: npt.ArrayLike, *, with_flag: Literal[True]
    ) -> FlaggedArray: ...
    def add_workdays_array(
        self, starts: npt.ArrayLike, ns: npt.ArrayLike, *, with_flag: bool = False
    ) -> DateArray | FlaggedArray:
        """Element-wise :meth:`add_workdays` (行政许可法 第八十二条); ``starts`` and ``ns`` broadcast.

        Returns ``datetime64[D]`` values, or ``FlaggedArray(values, provisional)``.
        """
        positions = self._positions(starts, "start date")
        counts = np.asarray(ns)
        if counts.dtype.kind not in "iu":
            raise TypeError(f"ns must be integers, got dtype {counts.dtype}")
        positions, counts = np.broadcast_arrays(positions, counts.astype(np.int64))
        ranks = np.where(
            counts > 0,
            self._workdays_before[positions + 1] + counts - 1,
            self._workdays_before[positions] + counts,
        )
        out_of_range = (counts != 0) & ((ranks < 0) | (ranks >= len(self._workday_positions)))
        if out_of_range.any():
            index = int(np.flatnonzero(out_of_range.reshape(-1))[0])
            start = self._day(int(positions.reshape(-1)[index]))
            raise OutOfCalendarRangeError(
                f"the working day {int(counts.reshape(-1)[index]):+d} from {start.isoformat()}",
                self.first_day, self.last_day,
            )
        safe_ranks = np.clip(ranks, 0, len(self._workday_positions) - 1)
        results = np.where(counts == 0, positions, self._workday_positions[safe_ranks])
        forward = counts > 0
        first = np.where(forward, positions + 1, results)
        last = np.where(forward, results, positions - 1)
        values = self._as_dates(results)
        if with_flag or self.policy is Policy.STRICT:
            provisional = self._check_policy_array(first, last)
            if with_flag:
                return FlaggedArray(values, provisional)
        return values

    @overload
    def workdays_between_array(
        self, starts: npt.ArrayLike, ends: npt.ArrayLike, *, with_flag: Literal[False] = False
    ) -> IntArray: ...
    @overload
    def workdays_between_array(
        self, starts: npt.ArrayLike, ends: npt.ArrayLike, *, with_flag: Literal[True]
    ) -> FlaggedArray: ...
    def workdays_between_array(
        self, starts: npt.ArrayLike, ends: npt.ArrayLike, *, with_flag: bool = False
    ) -> IntArray | FlaggedArray:
        """Element-wise :meth:`workdays_between` (行政许可法 第八十二条); the arrays broadcast."""
        first, last = np.broadcast_arrays(self._positions(starts), self._positions(ends, "end date"))
        counts: IntArray = self._workdays_before[last + 1] - self._workdays_before[first + 1]
        if with_flag or self.policy is Policy.STRICT:
            provisional = self._check_policy_array(np.minimum(first, last) + 1, np.maximum(first, last))
            if with_flag:
                return FlaggedArray(counts, provisional)
        return counts


def _special_days(
    schedule: OfficialSchedule, provisional_years: Iterable[int], overrides: OverrideSet
) -> dict[date, SpecialDay]:
    """Named days: official data, then the rule for provisional years, then local overrides."""
    provisional_years = frozenset(provisional_years)
    special = {entry.day: entry for entry in schedule.days}
    for year in sorted(provisional_years):
        special.update((entry.day, entry) for entry in statutory_holidays(year))
    for override in overrides.days:
        special[override.day] = SpecialDay(
            day=override.day,
            kind=override.kind,
            label=override.label,
            source=DaySource.OVERRIDE,
            provisional=override.day.year in provisional_years,
        )
    return special
