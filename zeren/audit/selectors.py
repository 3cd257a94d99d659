"""Reading the audit log for a user (审计日志查询), scoped by the org tree.

The rule: a user sees the whole history of a record whose unit lies in their view scope; of
other records, only the entries written by people of units in their scope. Administrators
and supervision officers usually hold city-wide scope and so see everything in it. Values of
protected fields (``zeren.access.fields``) are masked for users who may not see them.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db import models

from zeren.access.fields import redact_changes
from zeren.access.rules import VIEW
from zeren.access.scope import ALL, scope_paths
from zeren.audit.models import AuditEntry, Checkpoint
from zeren.org.models import Unit


def object_for(object_type: str, object_id: str) -> models.Model | None:
    """The live record an audit ``object_type``/``object_id`` names, if it still exists."""
    try:
        model = apps.get_model(object_type)
        return model._default_manager.filter(pk=object_id).first()
    except (LookupError, ValueError, TypeError):
        return None


def unit_path_of(obj: models.Model | None) -> str | None:
    """The org path a record belongs to: a unit's own path, or its ``unit``'s, or ``audit_unit_path()``."""
    if obj is None:
        return None
    if isinstance(obj, Unit):
        return obj.path
    if hasattr(obj, "audit_unit_path"):
        return obj.audit_unit_path()
    unit = getattr(obj, "unit", None)
    return unit.path if isinstance(unit, Unit) else None


def entries_for(user: Any) -> models.QuerySet[AuditEntry]:
    """Entries written by people of units in ``user``'s view scope (all of them for city-wide scope)."""
    paths = scope_paths(user, VIEW)
    if paths == ALL:
        return AuditEntry.objects.all()
    if not paths:
        return AuditEntry.objects.none()
    codes = Unit.objects.filter(models.Q(*[models.Q(path__startswith=p) for p in paths], _connector=models.Q.OR))
    return AuditEntry.objects.filter(actor_unit__in=codes.values("code"))


def history_for(user: Any, object_type: str, object_id: str) -> list[dict[str, Any]]:
    """The entries about one record that ``user`` may see, newest first, protected values masked."""
    obj = object_for(object_type, object_id)
    path = unit_path_of(obj)
    paths = scope_paths(user, VIEW)
    in_scope = bool(paths) and path is not None and any(path.startswith(p) for p in paths)
    qs = AuditEntry.objects.all() if in_scope else entries_for(user)
    rows = qs.filter(object_type=object_type, object_id=str(object_id)).order_by("-seq")
    return [
        {"entry": e, "changes": redact_changes(user, object_type, obj, e.changes)}
        for e in rows
    ]


def public_checkpoints() -> models.QuerySet[Checkpoint]:
    """Checkpoints are public: roots and sizes only, no entry content."""
    return Checkpoint.objects.order_by("-last_seq")
