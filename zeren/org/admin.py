"""Read-only admin: the registry changes through zeren.org.actions (imports, pages), which audit."""

from django.contrib import admin

from zeren.core.admin import ReadOnlyAdmin
from zeren.org.models import Membership, Person, Post, Unit


@admin.register(Unit)
class UnitAdmin(ReadOnlyAdmin):
    list_display = ["code", "chinese_name", "kind", "level", "parent", "valid_from", "valid_until"]
    list_filter = ["kind", "level"]
    search_fields = ["code", "name", "name_en"]
    raw_id_fields = ["parent"]

    @admin.display(description=Unit._meta.get_field("name").verbose_name, ordering="name_sort")
    def chinese_name(self, unit: Unit) -> str:
        """The name, its column sorted in pinyin order (拼音排序)."""
        return unit.name


@admin.register(Post)
class PostAdmin(ReadOnlyAdmin):
    list_display = ["code", "label", "unit", "rank", "is_leading"]
    list_filter = ["rank", "is_leading"]
    search_fields = ["code", "label", "unit__name"]
    raw_id_fields = ["unit"]


@admin.register(Person)
class PersonAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "gender"]
    search_fields = ["code", "name"]


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    list_display = ["person", "post", "unit", "start_date", "end_date"]
    raw_id_fields = ["person", "post", "unit"]
