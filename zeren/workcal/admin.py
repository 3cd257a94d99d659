"""Read-only admin: overrides change only through ``zeren calendar import`` (an audited action)."""

from __future__ import annotations

from django.contrib import admin

from zeren.core.admin import ReadOnlyAdmin
from zeren.workcal.models import CalendarOverride, OfficialYear


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(ReadOnlyAdmin):
    list_display = ["day", "kind", "label", "source_file", "imported_at"]
    list_filter = ["kind"]
    search_fields = ["label", "source_file"]
    date_hierarchy = "day"


@admin.register(OfficialYear)
class OfficialYearAdmin(ReadOnlyAdmin):
    list_display = ["year", "source_file", "imported_at"]
