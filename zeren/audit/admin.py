from django.contrib import admin

from zeren.audit.models import AuditEntry
from zeren.core.admin import ReadOnlyAdmin


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """Read-only: the log is written only by actions."""

    list_display = ["seq", "at", "actor_username", "action", "object_type", "object_id"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_id", "actor_username"]
