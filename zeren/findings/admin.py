from django.contrib import admin

from zeren.findings.models import Finding


@admin.register(Finding)
class FindingAdmin(admin.ModelAdmin):
    list_display = ["raised_at", "cause", "source_app", "title", "unit", "status"]
    list_filter = ["status", "source_app", "cause"]
    search_fields = ["title", "dedupe_key", "evidence_id", "unit__code"]
    readonly_fields = [f.name for f in Finding._meta.fields]  # writes go through zeren.findings.actions

    def has_add_permission(self, request):
        return False
