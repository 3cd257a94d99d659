"""zeren.workdays — China's working-day calendar (工作日历) and deadline arithmetic.

Pure Python + numpy; imports nothing from Django. Every legal time limit in zeren is counted here:
行政许可法 第八十二条 counts limits in working days (工作日), excluding statutory holidays
(法定节假日); the holidays follow 全国年节及纪念日放假办法 (2024 amendment) and the State Council's
yearly schedule with its adjusted working days (调休).

    >>> from datetime import date
    >>> cal = WorkCalendar.china()
    >>> cal.add_workdays(date(2026, 9, 30), 5)
    datetime.date(2026, 10, 13)
    >>> cal.workdays_between(date(2026, 9, 30), date(2026, 10, 12))
    4
    >>> cal.add_workdays(date(2026, 12, 20), 20, with_flag=True)
    Flagged(value=datetime.date(2027, 1, 18), provisional=True)
"""

from zeren.workdays.days import DayKind, DaySource, SpecialDay
from zeren.workdays.errors import (
    CalendarError,
    NoOfficialScheduleError,
    OutOfCalendarRangeError,
    OverrideFileError,
)
from zeren.workdays.overrides import DayOverride, OverrideSet, load_overrides, parse_overrides
from zeren.workdays.work_calendar import (
    DEFAULT_LAST_DAY,
    DEFAULT_OFFICE_HOURS,
    DEFAULT_TIMEZONE,
    Flagged,
    FlaggedArray,
    Policy,
    WorkCalendar,
)

__all__ = [
    "DEFAULT_LAST_DAY",
    "DEFAULT_OFFICE_HOURS",
    "DEFAULT_TIMEZONE",
    "CalendarError",
    "DayKind",
    "DayOverride",
    "DaySource",
    "Flagged",
    "FlaggedArray",
    "NoOfficialScheduleError",
    "OutOfCalendarRangeError",
    "OverrideFileError",
    "OverrideSet",
    "Policy",
    "SpecialDay",
    "WorkCalendar",
    "load_overrides",
    "parse_overrides",
]
