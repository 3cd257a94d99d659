"""Readable names for the audit log (审计日志): of its actions, of the records they name, of the fields
they changed and of those fields' values — contributed by the apps that write the entries.

An app that writes audit entries declares every action it writes in a module
``zeren/<app>/audit_labels.py`` defining ``ACTIONS``: ``{"<app>.<verb>": gettext_lazy("中文标签"), …}``
(the English in the app's locale); for records that are not models, ``OBJECTS``:
``{"<app>.<thing>": gettext_lazy("…")}``; and for fields holding lists or maps of codes (without
Django choices), ``VALUES``: ``{("<app>.<model>", "<field>"): {code: label}}``. The audit app discovers these modules through the installed
apps (as findings finds ``causes.py``), so it imports no element app. A record type that is a model is
named by the model's ``verbose_name``; a field by its ``verbose_name``, and a value of a field with
choices by the choice's label. An action no app declares (one since removed) is shown as the app's
name and "其他操作", never as the bare code.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db import models
from django.utils.translation import gettext as _

from zeren.core.registry import app_modules


@cache
def registry() -> tuple[dict[str, Any], dict[str, Any], dict[tuple[str, str], dict[str, Any]]]:
    """``(actions, objects, values)``: code → lazy label over every installed app's ``audit_labels``;
    a code declared by two apps is an error (an action names one thing)."""
    actions: dict[str, Any] = {}
    objects: dict[str, Any] = {}
    values: dict[tuple[str, str], dict[str, Any]] = {}
    owner: dict[str, str] = {}
    for config, module in app_modules("audit_labels"):
        values.update(getattr(module, "VALUES", {}))
        for table, found in ((getattr(module, "ACTIONS", {}), actions), (getattr(module, "OBJECTS", {}), objects)):
            for code, label in table.items():
                if code in owner and owner[code] != config.label:
                    raise ImproperlyConfigured(f"audit label {code!r} is declared by both {owner[code]} and {config.label}")
                owner[code] = config.label
                found[code] = label
    return actions, objects, values


def _model(object_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def _app_name(code: str) -> str:
    label = code.split(".", 1)[0]
    try:
        return str(apps.get_app_config(label).verbose_name)
    except LookupError:
        return _("系统")


def actor_label(username: str) -> str:
    """An entry's actor as the pages name it (``record_event`` writes "" for the system and
    "anonymous" for the public)."""
    if not username:
        return _("系统")
    return _("公众") if username == "anonymous" else username


def action_label(code: str) -> str:
    """The action's label in the active language."""
    label = registry()[0].get(code)
    if label is not None:
        return str(label)
    return _("%(app)s · 其他操作") % {"app": _app_name(code)}


def object_type_label(object_type: str) -> str:
    """The kind of record: a model's ``verbose_name``, or the label an app gave a record that is not a model."""
    label = registry()[1].get(object_type)
    if label is not None:
        return str(label)
    model = _model(object_type)
    return str(model._meta.verbose_name) if model is not None else _app_name(object_type)


def _field(object_type: str, name: str) -> models.Field | None:
    model = _model(object_type)
    if model is None:
        return None
    try:
        return model._meta.get_field(name.removesuffix("_id"))  # type: ignore[return-value]
    except FieldDoesNotExist:
        return None


def field_label(object_type: str, name: str) -> str:
    """A changed field's ``verbose_name``; the name itself for a field the model does not have (any more)."""
    field = _field(object_type, name)
    return str(field.verbose_name) if field is not None else name


def value_label(object_type: str, name: str, value: Any) -> Any:
    """A value as the pages show it: a choice's label for a field with choices, 是/否 for a boolean,
    the codes of a list or map through the app's ``VALUES``, a list joined with 、."""
    codes = registry()[2].get((object_type, name))
    if codes is not None and isinstance(value, list | dict):
        if isinstance(value, dict):
            return "；".join(f"{codes.get(k, k)}：{v}" for k, v in value.items())
        return "、".join(str(codes.get(v, v)) for v in value)
    if isinstance(value, list) and all(isinstance(v, str | int | float) for v in value):
        return "、".join(str(v) for v in value)
    field = _field(object_type, name)
    if field is None or value is None or value == "":
        return value
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("是") if value else _("否")
    return value


def labelled_changes(object_type: str, changes: dict[str, Any]) -> list[tuple[str, Any, Any]]:
    """An entry's changes as ``(field label, before, after)``, values as :func:`value_label` shows them;
    a change recorded as a single value (an event's figures) has no "before"."""
    rows = []
    for name, values in changes.items():
        before, after = values if isinstance(values, list | tuple) and len(values) == 2 else (None, values)
        rows.append((field_label(object_type, name), value_label(object_type, name, before),
                     value_label(object_type, name, after)))
    return rows
