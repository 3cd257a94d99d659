"""Field-level protection (敏感字段保护): some fields are visible only to a named role of a named body.

A declarative registry: each protected field names its model (``"org.person"``), the field,
and a predicate ``may_see(user, obj) -> bool``. Selectors, views, API schemas, history and
exports call :func:`redact` (or :func:`visible_fields`) before anything leaves the server,
so a hidden value shows as :data:`MASK` (or ``None`` in exports that leave the body).

Registered here: a person's phone and ID number (个人电话、身份证号) — visible to the person
themselves, to superusers, and to administrators whose scope covers a unit the person holds a
post in (the registry keepers of that unit). Later apps register theirs the same way, e.g. a
complainant's identity, visible only to officers of the handling supervision body::

    protect("accountability.complaint", "phone", may_see=handled_by_users_supervision_body, reason=...)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import models

from zeren.access.rules import ADMINISTER
from zeren.access.scope import ALL, scope_paths
from zeren.org.models import Membership  # access builds on the org tree (pyproject's layer contracts)

MASK = "●●●"
Predicate = Callable[[Any, Any], bool]


@dataclass(frozen=True)
class ProtectedField:
    model: str  # app_label.model_name, lower case
    field: str
    may_see: Predicate  # (user, obj or dict) -> bool
    reason: str = ""


REGISTRY: dict[str, dict[str, ProtectedField]] = {}


def protect(model: str, field: str, *, may_see: Predicate, reason: str = "") -> ProtectedField:
    """Declare ``model.field`` protected; ``may_see(user, obj)`` says who may read it."""
    entry = ProtectedField(model.lower(), field, may_see, reason)
    REGISTRY.setdefault(entry.model, {})[field] = entry
    return entry


def protected_fields(model: str | type[models.Model] | models.Model) -> dict[str, ProtectedField]:
    return REGISTRY.get(_label(model), {})


def visible_fields(user: Any, obj: models.Model | Mapping[str, Any], model: str | None = None) -> set[str]:
    """The protected fields of ``obj`` that ``user`` may see (unprotected fields are always visible)."""
    return {name for name, entry in protected_fields(model or obj).items() if entry.may_see(user, obj)}


def is_visible(user: Any, obj: models.Model | Mapping[str, Any], field: str, model: str | None = None) -> bool:
    entry = protected_fields(model or obj).get(field)
    return entry is None or entry.may_see(user, obj)


def redact(user: Any, obj: models.Model | Mapping[str, Any], *, model: str | None = None,
           fields: list[str] | None = None, mask: str | None = MASK) -> dict[str, Any]:
    """``obj`` as a dict (a model's concrete fields, or a copy of the given dict) with hidden fields masked.

    For a dict, pass ``model``; the dict should carry the record's ``id`` for predicates that
    need it. ``mask=None`` gives ``None`` for hidden fields (exports).
    """
    if isinstance(obj, models.Model):
        names = fields or [f.attname for f in obj._meta.concrete_fields]
        data = {name: getattr(obj, name) for name in names}
    else:
        if model is None:
            raise ValueError("redact() of a dict needs model='app_label.model_name'")
        data = dict(obj)
    for name, entry in protected_fields(model or obj).items():
        if name in data and not entry.may_see(user, obj):
            data[name] = mask
    return data


def redact_changes(user: Any, model: str, obj: Any, changes: Mapping[str, list[Any]]) -> dict[str, list[Any]]:
    """An audit entry's ``{field: [before, after]}`` with hidden fields' values masked (history views)."""
    hidden = {name for name, entry in protected_fields(model).items() if not entry.may_see(user, obj)}
    return {name: [MASK, MASK] if name in hidden else values for name, values in changes.items()}


def _label(model: str | type[models.Model] | models.Model | Mapping[str, Any]) -> str:
    if isinstance(model, str):
        return model.lower()
    if isinstance(model, Mapping):
        raise ValueError("a dict needs model='app_label.model_name'")
    return model._meta.label_lower


def _pk(obj: Any) -> Any:
    return obj.get("id", obj.get("pk")) if isinstance(obj, Mapping) else getattr(obj, "pk", None)


# --- registered protections ------------------------------------------------------------------


def person_self_or_registry_admin(user: Any, person: Any) -> bool:
    """The person themselves, a superuser, or an administrator whose scope covers one of the
    units where the person holds (or held) a post."""
    if user is None or not user.is_authenticated:
        return False
    if user.is_superuser or (user.person_id is not None and user.person_id == _pk(person)):
        return True
    paths = scope_paths(user, ADMINISTER)
    if not paths:
        return False
    if paths == ALL:
        return True
    unit_paths = Membership.objects.filter(person_id=_pk(person)).values_list("unit__path", flat=True)
    return any(p.startswith(tuple(paths)) for p in unit_paths)


for _field in ("phone", "id_number"):
    protect("org.person", _field, may_see=person_self_or_registry_admin,
            reason="个人信息保护法: personal contact and identity data, for the registry keepers and the person")
