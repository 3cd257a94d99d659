"""Named days of the calendar: statutory holidays (法定节假日) and adjusted workdays (调休上班)."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date


class DayKind(enum.StrEnum):
    """What a named day does to the working-day count."""

    HOLIDAY = "holiday"  # 放假: a day off, even on a weekday (法定节假日, 调休休息, 补假)
    WORKDAY = "workday"  # 上班: a working day, even on a weekend (调休上班)


class DaySource(enum.StrEnum):
    """Where a named day comes from."""

    OFFICIAL = "official"  # the State Council schedule, packaged in data/china.json
    RULE = "rule"  # computed from 全国年节及纪念日放假办法 for a year with no official schedule
    OVERRIDE = "override"  # a local override file (or the database-backed overrides)


@dataclass(frozen=True, slots=True)
class SpecialDay:
    """A day whose status differs from the plain Monday–Friday rule, or is labelled."""

    day: date
    kind: DayKind
    label: str
    source: DaySource
    provisional: bool = False
