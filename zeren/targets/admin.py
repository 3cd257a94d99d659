from django.contrib import admin

from zeren.core.admin import ReadOnlyAdmin
from zeren.targets.models import Target


@admin.register(Target)
class TargetAdmin(ReadOnlyAdmin):
    """Targets change only through zeren.targets.actions (audited); the other models get the
    automatic read-only admin (zeren.core.admin.register_remaining_models)."""

    list_display = ("code", "year", "title", "unit", "state", "deadline")
    list_filter = ("year", "state", "source", "kind")
    search_fields = ("code", "title")
    raw_id_fields = ("unit", "leader", "person", "parent", "letter")
