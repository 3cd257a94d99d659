"""Writes to the working-day calendar overrides. Each writes its audit entry."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from zeren.audit.actions import record_event
from zeren.workcal.models import CalendarOverride, CalendarVersion, OfficialYear
from zeren.workcal.selectors import invalidate_calendar
from zeren.workdays import OverrideSet, load_overrides


@dataclass
class ImportSummary:
    """What an import changed."""

    source_file: str
    created: list[date] = field(default_factory=list)
    updated: list[date] = field(default_factory=list)
    unchanged: list[date] = field(default_factory=list)
    official_years_added: list[int] = field(default_factory=list)
    version: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.official_years_added)


def check_import_calendar_overrides(path: str | Path) -> OverrideSet:
    """Validate an override file as a whole; raises zeren.workdays.OverrideFileError naming the
    file, the entry and the field."""
    return load_overrides(path)


def do_import_calendar_overrides(
    overrides: OverrideSet, *, source_file: str, actor: Any = None, file_sha256: str = ""
) -> ImportSummary:
    """Load validated overrides into the database-backed calendar, all or nothing.

    A day already imported is replaced (the later file wins), as in ``OverrideSet.merged``.
    Years in ``official_years`` stop being provisional (暂定): deadlines depending on them should
    be recomputed by their owners. Legal basis of the days: the State Council's yearly
    节假日安排 under 全国年节及纪念日放假办法, or the city's own decision for local days.
    """
    summary = ImportSummary(source_file=source_file)
    now = timezone.now()
    with transaction.atomic():
        existing = {row.day: row for row in CalendarOverride.objects.select_for_update().filter(
            day__in=[override.day for override in overrides.days])}
        for override in overrides.days:
            row = existing.get(override.day)
            if row is None:
                CalendarOverride.objects.create(
                    day=override.day, kind=override.kind.value, label=override.label,
                    source_file=source_file, source=overrides.source, imported_at=now,
                )
                summary.created.append(override.day)
            elif (row.kind, row.label) != (override.kind.value, override.label):
                row.kind, row.label = override.kind.value, override.label
                row.source_file, row.source, row.imported_at = source_file, overrides.source, now
                row.save()
                summary.updated.append(override.day)
            else:
                summary.unchanged.append(override.day)
        known_years = set(OfficialYear.objects.values_list("year", flat=True))
        for year in sorted(overrides.official_years - known_years):
            OfficialYear.objects.create(year=year, source_file=source_file, source=overrides.source, imported_at=now)
            summary.official_years_added.append(year)
        if summary.changed:
            CalendarVersion.objects.get_or_create(pk=1)
            CalendarVersion.objects.filter(pk=1).update(version=F("version") + 1, changed_at=now)
        summary.version = CalendarVersion.objects.filter(pk=1).values_list("version", flat=True).first() or 0
        record_event(
            actor=actor,
            action="workcal.import_overrides",
            object_type="workcal.calendar",
            object_id=str(summary.version),
            reason=overrides.source,
            extra={
                "source_file": source_file,
                "sha256": file_sha256,
                "created": summary.created,
                "updated": summary.updated,
                "unchanged": len(summary.unchanged),
                "official_years_added": summary.official_years_added,
            },
        )
        transaction.on_commit(invalidate_calendar)
    return summary


def import_calendar_file(path: str | Path, *, actor: Any = None) -> ImportSummary:
    """Validate the file, then import it (what ``zeren calendar import FILE`` does)."""
    overrides = check_import_calendar_overrides(path)
    digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()
    return do_import_calendar_overrides(overrides, source_file=str(path), actor=actor, file_sha256=digest)
