from django.contrib import admin

from zeren.targets.models import (
    Appeal,
    Assessment,
    Letter,
    Milestone,
    Notice,
    ProgressReport,
    Target,
    WhitePaper,
)


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = ("code", "year", "title", "unit", "state", "deadline")
    list_filter = ("year", "state", "source", "kind")
    search_fields = ("code", "title")
    raw_id_fields = ("unit", "leader", "person", "parent", "letter")


admin.site.register([Letter, Milestone, ProgressReport, Notice, WhitePaper, Assessment, Appeal])
