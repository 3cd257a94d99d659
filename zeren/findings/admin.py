from django.contrib import admin

from zeren.core.admin import ReadOnlyAdmin
from zeren.findings.models import Finding


@admin.register(Finding)
class FindingAdmin(ReadOnlyAdmin):
    list_display = ["raised_at", "cause", "source_app", "title", "unit", "status"]
    list_filter = ["status", "source_app", "cause"]
    search_fields = ["title", "dedupe_key", "evidence_id", "unit__code"]
