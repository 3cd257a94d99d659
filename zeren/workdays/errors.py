"""Errors raised by the working-day calendar (工作日历)."""

from __future__ import annotations

from datetime import date


class CalendarError(Exception):
    """Base class of every error raised by :mod:`zeren.workdays`."""


class OutOfCalendarRangeError(CalendarError, ValueError):
    """A date, or a computed result, lies outside the range the calendar covers."""

    def __init__(self, what: str, first_day: date, last_day: date) -> None:
        self.first_day = first_day
        self.last_day = last_day
        super().__init__(
            f"{what} is outside the working-day calendar, "
            f"which covers {first_day.isoformat()} .. {last_day.isoformat()}"
        )


class NoOfficialScheduleError(CalendarError, LookupError):
    """Strict policy: a result depends on a year with no official holiday schedule.

    The State Council publishes each year's schedule (节假日安排, with 调休) some weeks before
    the year starts; until then the year has no official working days.
    """

    def __init__(self, year: int) -> None:
        self.year = year
        super().__init__(
            f"no official holiday schedule for {year}: the strict calendar policy refuses to "
            f"count working days in {year} (import the State Council schedule for {year}, "
            f"or use the provisional policy)"
        )


class OverrideFileError(CalendarError, ValueError):
    """An override file is invalid. Names the file, the entry and the field at fault.

    ``template`` and ``params`` give the message before formatting (``message = template % params``), so an
    interface can show it in its own language; ``problems`` are every problem found in the file (this one
    first), the whole file being checked in one pass.
    """

    def __init__(self, source: str, entry: str | None, field: str | None, message: str, *, template: str = "",
                 params: dict | None = None, problems: list[OverrideFileError] | None = None) -> None:
        self.source = source
        self.entry = entry
        self.field = field
        self.message = message
        self.template = template or message.replace("%", "%%")
        self.params = params or {}
        self.problems = problems or [self]
        super().__init__("\n".join(problem.line() for problem in self.problems))

    def line(self) -> str:
        where = self.source
        if self.entry:
            where += f", entry {self.entry}"
        if self.field:
            where += f", field {self.field!r}"
        return f"{where}: {self.message}"
