"""Local overrides of the working-day calendar, read from a TOML file.

A city adds its own days off, or next year's State Council schedule as soon as it is announced,
without waiting for a zeren release. The file format (all keys except the day tables optional)::

    # Where the days come from, shown in audit entries.
    source = "国务院办公厅关于2027年部分节假日安排的通知"

    # Years this file gives in full. For such a year with no packaged official schedule, the
    # provisional rule (zeren.workdays.statutory) is no longer applied: its days off are exactly
    # the weekends and the [[holiday]] entries below, minus the [[workday]] entries, and its
    # results are no longer flagged provisional.
    official_years = [2027]

    [[holiday]]                 # a day off (放假), even on a weekday
    date = 2027-01-01           # a TOML date, or the string "2027-01-01"
    label = "元旦"

    [[holiday]]                 # or a range of days off, both ends included
    start = 2027-02-05
    end = 2027-02-11
    label = "春节"

    [[workday]]                 # a working day (调休上班), even on a weekend
    date = 2027-02-20
    label = "春节调休上班"

An override wins over the packaged official data and over the provisional rule for its date. The
file is validated as a whole (all or nothing); an error names the file, the entry (``holiday #2``,
counting from 1 in file order) and the field.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from os import PathLike
from pathlib import Path
from typing import Any

from zeren.workdays.days import DayKind
from zeren.workdays.errors import OverrideFileError

FIRST_YEAR = 2004
LAST_YEAR = 2099
MAX_RANGE_DAYS = 31
MAX_LABEL_LENGTH = 200
_TOP_LEVEL_KEYS = {"source", "official_years", "holiday", "workday"}
_ENTRY_KEYS = {"date", "start", "end", "label"}


@dataclass(frozen=True, slots=True)
class DayOverride:
    """One overridden day: a holiday (放假) or a working day (上班), with its label."""

    day: date
    kind: DayKind
    label: str
    origin: str = ""  # the file (or other source) the override was read from


@dataclass(frozen=True, slots=True)
class OverrideSet:
    """A validated set of overrides: at most one per date, plus the years given in full."""

    days: tuple[DayOverride, ...] = ()
    official_years: frozenset[int] = field(default_factory=frozenset)
    source: str = ""

    def merged(self, later: OverrideSet) -> OverrideSet:
        """Both sets together; for a date in both, ``later`` wins."""
        by_day = {override.day: override for override in self.days}
        by_day.update({override.day: override for override in later.days})
        return OverrideSet(
            days=tuple(sorted(by_day.values(), key=lambda override: override.day)),
            official_years=self.official_years | later.official_years,
            source="; ".join(part for part in (self.source, later.source) if part),
        )


def load_overrides(path: str | PathLike[str]) -> OverrideSet:
    """Read and validate an override file. Raises :class:`OverrideFileError`."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise OverrideFileError(str(path), None, None, f"cannot read the file: {error}") from error
    return parse_overrides(text, source_name=str(path))


def parse_overrides(text: str, source_name: str = "<overrides>") -> OverrideSet:
    """Parse and validate the TOML text of an override file."""
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise OverrideFileError(source_name, None, None, f"not valid TOML: {error}") from error
    return overrides_from_mapping(document, source_name)


def overrides_from_mapping(document: Mapping[str, Any], source_name: str) -> OverrideSet:
    """Validate an already parsed override document (e.g. from TOML or a test)."""
    unknown = sorted(set(document) - _TOP_LEVEL_KEYS)
    if unknown:
        raise OverrideFileError(source_name, None, unknown[0], f"unknown key; expected one of {sorted(_TOP_LEVEL_KEYS)}")
    source = document.get("source", "")
    if not isinstance(source, str):
        raise OverrideFileError(source_name, None, "source", "must be a string")
    official_years = _official_years(document.get("official_years", []), source_name)
    first_entry_by_day: dict[date, str] = {}
    days: list[DayOverride] = []
    for kind in (DayKind.HOLIDAY, DayKind.WORKDAY):
        tables = document.get(kind.value, [])
        if not isinstance(tables, list):
            raise OverrideFileError(source_name, None, kind.value, f"must be an array of tables ([[{kind.value}]])")
        for position, table in enumerate(tables, start=1):
            entry = f"{kind.value} #{position}"
            for override in _entry_days(table, kind, entry, source_name):
                if override.day in first_entry_by_day:
                    raise OverrideFileError(
                        source_name, entry, "date",
                        f"{override.day.isoformat()} is already given by {first_entry_by_day[override.day]}",
                    )
                first_entry_by_day[override.day] = entry
                days.append(override)
    return OverrideSet(
        days=tuple(sorted(days, key=lambda override: override.day)),
        official_years=official_years,
        source=source,
    )


def _official_years(value: Any, source_name: str) -> frozenset[int]:
    if not isinstance(value, list):
        raise OverrideFileError(source_name, None, "official_years", "must be a list of years")
    for year in value:
        if isinstance(year, bool) or not isinstance(year, int) or not FIRST_YEAR <= year <= LAST_YEAR:
            raise OverrideFileError(
                source_name, None, "official_years", f"{year!r} is not a year in {FIRST_YEAR}..{LAST_YEAR}"
            )
    return frozenset(value)


def _entry_days(table: Any, kind: DayKind, entry: str, source_name: str) -> list[DayOverride]:
    if not isinstance(table, dict):
        raise OverrideFileError(source_name, entry, None, "must be a table")
    unknown = sorted(set(table) - _ENTRY_KEYS)
    if unknown:
        raise OverrideFileError(source_name, entry, unknown[0], f"unknown field; expected {sorted(_ENTRY_KEYS)}")
    label = table.get("label")
    if not isinstance(label, str) or not label.strip():
        raise OverrideFileError(source_name, entry, "label", "required: a non-empty string")
    if len(label.strip()) > MAX_LABEL_LENGTH:
        raise OverrideFileError(source_name, entry, "label", f"longer than {MAX_LABEL_LENGTH} characters")
    if "date" in table:
        if "start" in table or "end" in table:
            raise OverrideFileError(source_name, entry, "date", "give either date, or start and end, not both")
        first = last = _parse_day(table["date"], entry, "date", source_name)
    elif "start" in table and "end" in table:
        first = _parse_day(table["start"], entry, "start", source_name)
        last = _parse_day(table["end"], entry, "end", source_name)
        if last < first:
            raise OverrideFileError(source_name, entry, "end", f"{last.isoformat()} is before start {first.isoformat()}")
        if (last - first).days >= MAX_RANGE_DAYS:
            raise OverrideFileError(source_name, entry, "end", f"a range may span at most {MAX_RANGE_DAYS} days")
    else:
        missing = "date" if "start" not in table and "end" not in table else ("end" if "start" in table else "start")
        raise OverrideFileError(source_name, entry, missing, "required: give date, or start and end")
    return [
        DayOverride(day=first + timedelta(days=offset), kind=kind, label=label.strip(), origin=source_name)
        for offset in range((last - first).days + 1)
    ]


def _parse_day(value: Any, entry: str, field_name: str, source_name: str) -> date:
    if isinstance(value, datetime):
        raise OverrideFileError(source_name, entry, field_name, f"{value!r} has a time of day; give a date")
    if isinstance(value, date):
        day = value
    elif isinstance(value, str):
        try:
            day = date.fromisoformat(value)
        except ValueError as error:
            raise OverrideFileError(source_name, entry, field_name, f"{value!r} is not a date YYYY-MM-DD") from error
    else:
        raise OverrideFileError(source_name, entry, field_name, f"{value!r} is not a date YYYY-MM-DD")
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise OverrideFileError(source_name, entry, field_name, f"{day.isoformat()} is outside {FIRST_YEAR}..{LAST_YEAR}")
    return day


def override_set(days: Iterable[DayOverride], official_years: Iterable[int] = (), source: str = "") -> OverrideSet:
    """Build an :class:`OverrideSet` from already validated days (e.g. database rows)."""
    by_day = {override.day: override for override in days}
    return OverrideSet(
        days=tuple(sorted(by_day.values(), key=lambda override: override.day)),
        official_years=frozenset(official_years),
        source=source,
    )
