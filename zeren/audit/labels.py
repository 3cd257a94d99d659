"""Readable names for the audit log (审计日志): of its actions, of the records they name, of the fields
they changed and of those fields' values — contributed by the apps that write the entries.

An app that writes audit entries declares every action it writes in a module
``zeren/<app>/audit_labels.py`` defining ``ACTIONS``: ``{"<app>.<verb>": gettext_lazy("中文标签"), …}``
(the English in the app's locale); for records that are not models, ``OBJECTS``:
``{"<app>.<thing>": gettext_lazy("…")}``; and for fields holding lists or maps of codes (without
Django choices), ``VALUES``: ``{("<app>.<model>", "<field>"): {code: label}}``; for what an entry records
that is not a model field (a count, a summary), ``FIELDS``: ``{("<app>.<model>", "<name>"): label}``. The
bookkeeping names every app uses (counts of created, updated, unchanged rows…) are labelled here, in
:data:`COMMON`; a map's keys are labelled like field names. The audit app discovers these modules through the installed
apps (as findings finds ``causes.py``), so it imports no element app. A record type that is a model is
named by the model's ``verbose_name``; a field by its ``verbose_name``, and a value of a field with
choices by the choice's label. An action no app declares (one since removed) is shown as the app's
name and "其他操作", never as the bare code.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zeren.core.messages import recognise
from zeren.core.registry import app_modules

COMMON = {
    "count": gettext_lazy("条数"), "created": gettext_lazy("新建"), "updated": gettext_lazy("更新"),
    "unchanged": gettext_lazy("未变"), "new": gettext_lazy("新增"), "added": gettext_lazy("新增"),
    "changed": gettext_lazy("变更"), "removed": gettext_lazy("删除"), "transferred": gettext_lazy("划转"),
    "seen": gettext_lazy("仍存在"), "cleared": gettext_lazy("已消除"), "counts": gettext_lazy("数量"),
    "units": gettext_lazy("单位"), "persons": gettext_lazy("人员"), "posts": gettext_lazy("职务"),
    "memberships": gettext_lazy("任职"), "values": gettext_lazy("指标值"),
}



@cache
def registry() -> tuple[dict[str, Any], dict[str, Any], dict[tuple[str, str], dict[str, Any]], dict[tuple[str, str], Any]]:
    """``(actions, objects, values, fields)``: code → lazy label over every installed app's ``audit_labels``;
    a code declared by two apps is an error (an action names one thing)."""
    actions: dict[str, Any] = {}
    objects: dict[str, Any] = {}
    values: dict[tuple[str, str], dict[str, Any]] = {}
    fields: dict[tuple[str, str], Any] = {}
    owner: dict[str, str] = {}
    for config, module in app_modules("audit_labels"):
        values.update(getattr(module, "VALUES", {}))
        fields.update(getattr(module, "FIELDS", {}))
        for table, found in ((getattr(module, "ACTIONS", {}), actions), (getattr(module, "OBJECTS", {}), objects)):
            for code, label in table.items():
                if code in owner and owner[code] != config.label:
                    raise ImproperlyConfigured(f"audit label {code!r} is declared by both {owner[code]} and {config.label}")
                owner[code] = config.label
                found[code] = label
    return actions, objects, values, fields


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
        field = model._meta.get_field(name.removesuffix("_id"))
    except FieldDoesNotExist:
        return None
    return field if isinstance(field, models.Field) else None  # a reverse relation has no label of its own


def field_label(object_type: str, name: str) -> str:
    """A changed field's ``verbose_name``, else the label the app declares (``FIELDS``) or a common one;
    the name itself for a field nobody labels (one the model does not have any more)."""
    field = _field(object_type, name)
    if field is not None:
        return str(field.verbose_name)
    return str(registry()[3].get((object_type, name)) or COMMON.get(name) or name)


_INSTANT = re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)")


def value_label(object_type: str, name: str, value: Any) -> Any:
    """A value as the pages show it: a recorded time as local time to the minute, a choice's label for
    a field with choices, 是/否 for a boolean,
    a code, or the codes of a list or map, through the app's ``VALUES``, a list joined with 、, a map or a
    list of maps as labelled fields."""
    codes = registry()[2].get((object_type, name))
    if codes is not None:
        if isinstance(value, dict):
            return "；".join(f"{codes.get(k, k)}：{v}" for k, v in value.items())
        if isinstance(value, list):
            return "、".join(str(codes.get(v, v)) for v in value)
        return str(codes.get(value, value)) if isinstance(value, str) else value
    if isinstance(value, dict):  # a summary or a record: its keys labelled as field names
        return "；".join(f"{field_label(object_type, k)}：{value_label(object_type, k, v)}" for k, v in value.items())
    if isinstance(value, list) and all(isinstance(v, str | int | float) for v in value):
        return "、".join(str(v) for v in value)
    if isinstance(value, list) and all(isinstance(v, dict) for v in value):
        return "；".join(str(value_label(object_type, name, v)) for v in value)
    if isinstance(value, str) and _INSTANT.fullmatch(value):  # a recorded time: local, to the minute
        moment = parse_datetime(value)
        return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment and moment.tzinfo else value
    field = _field(object_type, name)
    if field is None or value is None or value == "":
        return value
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("是") if value else _("否")
    return value


def _shown(value: Any) -> Any:
    """A text code wrote (a status reason: 立案问责 WZ2026-0001) in the reader's language (zeren.core.messages)."""
    return recognise(value) if isinstance(value, str) else value


def labelled_changes(object_type: str, changes: dict[str, Any]) -> list[tuple[str, Any, Any, bool]]:
    """An entry's changes as ``(field label, before, after, changed)``, values as :func:`value_label` shows
    them; a change recorded as a single value (an event's figures, a count) has no "before" and is not
    ``changed``: it is shown as the value alone."""
    rows = []
    for name, values in changes.items():
        pair = isinstance(values, list | tuple) and len(values) == 2
        before, after = values if pair else (None, values)
        rows.append((field_label(object_type, name), _shown(value_label(object_type, name, before)),
                     _shown(value_label(object_type, name, after)), pair))
    return rows
