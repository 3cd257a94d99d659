"""The Django admin is a read-only window on domain records.

Every change to a domain record goes through an action that writes its audit entry, so the
admin may look but not touch. :class:`ReadOnlyAdmin` is the base of every domain admin, and
models whose app registers no admin of its own get one automatically (see ``CoreConfig.ready``).
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.contrib import admin
from django.http import HttpRequest


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def register_remaining_models() -> None:
    """Give every zeren model that has no admin a read-only one listing its first fields."""
    for config in apps.get_app_configs():
        if not config.name.startswith("zeren."):
            continue
        for model in config.get_models():
            if admin.site.is_registered(model):
                continue
            fields = [f.name for f in model._meta.concrete_fields if not f.is_relation or f.many_to_one][:6]
            admin.site.register(model, type(f"{model.__name__}Admin", (ReadOnlyAdmin,), {"list_display": fields}))
