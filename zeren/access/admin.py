from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from zeren.access.models import RoleAssignment, User


class RoleInline(admin.TabularInline):
    model = RoleAssignment
    raw_id_fields = ["scope_unit"]
    extra = 0


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = BaseUserAdmin.fieldsets + (("zeren", {"fields": ("person", "unit")}),)
    raw_id_fields = ["person", "unit"]
    inlines = [RoleInline]
