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
file is validated as a whole (all or nothing), every problem found in one pass; each names the file,
the entry (``holiday #2``, counting from 1 in file order) and the field.
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
    """Read and validate an override file. Raises :class:`OverrideFileError` listing every problem."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise _problem(str(path), None, None, "cannot read the file: %(error)s", error=error) from error
    return parse_overrides(text, source_name=str(path))


def parse_overrides(text: str, source_name: str = "<overrides>") -> OverrideSet:
    """Parse and validate the TOML text of an override file."""
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise _problem(source_name, None, None, "not valid TOML: %(error)s", error=error) from error
    return overrides_from_mapping(document, source_name)


def _problem(source: str, entry: str | None, field_name: str | None, template: str, **params: Any) -> OverrideFileError:
    """One problem; ``template`` (English, %-style with named ``params``) is kept for translation."""
    return OverrideFileError(source, entry, field_name, template % params, template=template, params=params)


class _Problems:
    """Every problem of one file, collected in one pass; raised together at the end."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.found: list[OverrideFileError] = []

    def add(self, entry: str | None, field_name: str | None, template: str, **params: Any) -> None:
        self.found.append(_problem(self.source, entry, field_name, template, **params))

    def raise_any(self) -> None:
        if self.found:
            first = self.found[0]
            raise OverrideFileError(first.source, first.entry, first.field, first.message, template=first.template,
                                    params=first.params, problems=self.found)


def overrides_from_mapping(document: Mapping[str, Any], source_name: str) -> OverrideSet:
    """Validate an already parsed override document (e.g. from TOML or a test): every problem of it is
    reported at once (:class:`OverrideFileError` ``.problems``)."""
    problems = _Problems(source_name)
    for key in sorted(set(document) - _TOP_LEVEL_KEYS):
        problems.add(None, key, "unknown key; expected one of %(keys)s", keys=sorted(_TOP_LEVEL_KEYS))
    source = document.get("source", "")
    if not isinstance(source, str):
        problems.add(None, "source", "must be a string")
        source = ""
    official_years = _official_years(document.get("official_years", []), problems)
    first_entry_by_day: dict[date, str] = {}
    days: list[DayOverride] = []
    for kind in (DayKind.HOLIDAY, DayKind.WORKDAY):
        tables = document.get(kind.value, [])
        if not isinstance(tables, list):
            problems.add(None, kind.value, "must be an array of tables ([[%(kind)s]])", kind=kind.value)
            continue
        for position, table in enumerate(tables, start=1):
            entry = f"{kind.value} #{position}"
            for override in _entry_days(table, kind, entry, problems):
                if override.day in first_entry_by_day:
                    problems.add(entry, "date", "%(day)s is already given by %(other)s",
                                 day=override.day.isoformat(), other=first_entry_by_day[override.day])
                    continue
                first_entry_by_day[override.day] = entry
                days.append(override)
    problems.raise_any()
    return OverrideSet(
        days=tuple(sorted(days, key=lambda override: override.day)),
        official_years=official_years,
        source=source,
    )


def _official_years(value: Any, problems: _Problems) -> frozenset[int]:
    if not isinstance(value, list):
        problems.add(None, "official_years", "must be a list of years")
        return frozenset()
    years = set()
    for year in value:
        if isinstance(year, bool) or not isinstance(year, int) or not FIRST_YEAR <= year <= LAST_YEAR:
            problems.add(None, "official_years", "%(year)r is not a year in %(first)s..%(last)s",
                         year=year, first=FIRST_YEAR, last=LAST_YEAR)
        else:
            years.add(year)
    return frozenset(years)


def _entry_days(table: Any, kind: DayKind, entry: str, problems: _Problems) -> list[DayOverride]:
    """The days of one entry; its problems (every field checked) go to ``problems``."""
    if not isinstance(table, dict):
        problems.add(entry, None, "must be a table")
        return []
    before = len(problems.found)
    for key in sorted(set(table) - _ENTRY_KEYS):
        problems.add(entry, key, "unknown field; expected %(keys)s", keys=sorted(_ENTRY_KEYS))
    label = table.get("label")
    if not isinstance(label, str) or not label.strip():
        problems.add(entry, "label", "required: a non-empty string")
    elif len(label.strip()) > MAX_LABEL_LENGTH:
        problems.add(entry, "label", "longer than %(n)s characters", n=MAX_LABEL_LENGTH)
    first = last = None
    if "date" in table:
        if "start" in table or "end" in table:
            problems.add(entry, "date", "give either date, or start and end, not both")
        first = last = _parse_day(table["date"], entry, "date", problems)
    elif "start" in table and "end" in table:
        first = _parse_day(table["start"], entry, "start", problems)
        last = _parse_day(table["end"], entry, "end", problems)
        if first and last and last < first:
            problems.add(entry, "end", "%(end)s is before start %(start)s", end=last.isoformat(), start=first.isoformat())
        elif first and last and (last - first).days >= MAX_RANGE_DAYS:
            problems.add(entry, "end", "a range may span at most %(n)s days", n=MAX_RANGE_DAYS)
    else:
        missing = "date" if "start" not in table and "end" not in table else ("end" if "start" in table else "start")
        problems.add(entry, missing, "required: give date, or start and end")
    if len(problems.found) > before or first is None or last is None:
        return []
    return [
        DayOverride(day=first + timedelta(days=offset), kind=kind, label=str(label).strip(), origin=problems.source)
        for offset in range((last - first).days + 1)
    ]


def _parse_day(value: Any, entry: str, field_name: str, problems: _Problems) -> date | None:
    if isinstance(value, datetime):
        problems.add(entry, field_name, "%(value)r has a time of day; give a date", value=value)
        return None
    if isinstance(value, date):
        day = value
    elif isinstance(value, str):
        try:
            day = date.fromisoformat(value)
        except ValueError:
            problems.add(entry, field_name, "%(value)r is not a date YYYY-MM-DD", value=value)
            return None
    else:
        problems.add(entry, field_name, "%(value)r is not a date YYYY-MM-DD", value=value)
        return None
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        problems.add(entry, field_name, "%(day)s is outside %(first)s..%(last)s",
                     day=day.isoformat(), first=FIRST_YEAR, last=LAST_YEAR)
        return None
    return day


def override_set(days: Iterable[DayOverride], official_years: Iterable[int] = (), source: str = "") -> OverrideSet:
    """Build an :class:`OverrideSet` from already validated days (e.g. database rows)."""
    by_day = {override.day: override for override in days}
    return OverrideSet(
        days=tuple(sorted(by_day.values(), key=lambda override: override.day)),
        official_years=frozenset(official_years),
        source=source,
    )
