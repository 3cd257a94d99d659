"""Read-only admin: projects are changed only through :mod:`zeren.supervision.projects.actions`."""

from django.contrib import admin

from zeren.core.admin import ReadOnlyAdmin
from zeren.supervision.projects.models import Dependency, Project, Stage


class StageInline(admin.TabularInline):
    model = Stage
    fields = ["sort_order", "code", "name", "unit", "case", "limit_days"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Project)
class ProjectAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "lead_unit", "investment", "started_on"]
    search_fields = ["code", "name", "applicant"]
    list_select_related = ["lead_unit"]
    inlines = [StageInline]


@admin.register(Stage)
class StageAdmin(ReadOnlyAdmin):
    list_display = ["project", "code", "name", "unit", "case", "limit_days"]
    search_fields = ["project__code", "name", "case__case_id"]
    list_select_related = ["project", "unit", "case"]


@admin.register(Dependency)
class DependencyAdmin(ReadOnlyAdmin):
    list_display = ["stage", "requires"]
    list_select_related = ["stage__project", "requires__project"]
