"""Read-only admin: overrides change only through ``zeren calendar import`` (an audited action)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from zeren.workcal.models import CalendarOverride, OfficialYear


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(ReadOnlyAdmin):
    list_display = ["day", "kind", "label", "source_file", "imported_at"]
    list_filter = ["kind"]
    search_fields = ["label", "source_file"]
    date_hierarchy = "day"


@admin.register(OfficialYear)
class OfficialYearAdmin(ReadOnlyAdmin):
    list_display = ["year", "source_file", "imported_at"]
