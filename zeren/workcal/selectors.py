"""Reads of the working-day calendar. Every app gets its calendar from :func:`get_calendar`."""

from __future__ import annotations

import threading
import time

from django.conf import settings
from django.db.models import QuerySet

from zeren.workcal.models import CalendarOverride, CalendarVersion, OfficialYear
from zeren.workdays import DayKind, DayOverride, OverrideSet, Policy, WorkCalendar
from zeren.workdays.overrides import override_set

# How often (seconds) a process asks the database whether another process changed the
# overrides. Changes made in this process take effect at once (see invalidate_calendar).
VERSION_CHECK_SECONDS = 5.0

_lock = threading.Lock()
_cached: tuple[int, WorkCalendar] | None = None
_checked_at = 0.0


def calendar_policy() -> Policy:
    """The configured policy for years with no official schedule (setting ZEREN_CALENDAR_POLICY)."""
    return Policy(getattr(settings, "ZEREN_CALENDAR_POLICY", Policy.PROVISIONAL))


def current_calendar_version() -> int:
    row = CalendarVersion.objects.filter(pk=1).values_list("version", flat=True).first()
    return int(row or 0)


def get_database_overrides() -> OverrideSet:
    """All imported overrides, as the pure calendar takes them."""
    days = [
        DayOverride(day=row.day, kind=DayKind(row.kind), label=row.label, origin=row.source_file)
        for row in CalendarOverride.objects.all()
    ]
    return override_set(days, official_years=OfficialYear.objects.values_list("year", flat=True))


def get_calendar(policy: Policy | str | None = None) -> WorkCalendar:
    """The process-wide China calendar with the database overrides applied.

    Cached per process; rebuilt when the override version in the database moves (checked at most
    every VERSION_CHECK_SECONDS, or at once after an import in this process). ``policy``
    defaults to the ZEREN_CALENDAR_POLICY setting (``provisional``).
    """
    global _cached, _checked_at
    chosen = Policy(policy) if policy is not None else calendar_policy()
    with _lock:
        now = time.monotonic()
        if _cached is None or now - _checked_at >= VERSION_CHECK_SECONDS:
            version = current_calendar_version()
            if _cached is None or _cached[0] != version:
                _cached = (version, WorkCalendar.china(overrides=get_database_overrides()))
            _checked_at = now
        calendar = _cached[1]
    return calendar if calendar.policy is chosen else calendar.with_policy(chosen)


def invalidate_calendar() -> None:
    """Forget the cached calendar: the next get_calendar() rebuilds it from the database."""
    global _cached
    with _lock:
        _cached = None


def list_calendar_overrides(year: int | None = None) -> QuerySet[CalendarOverride]:
    overrides = CalendarOverride.objects.all()
    return overrides.filter(day__year=year) if year is not None else overrides
