"""The one place that scopes what a user may see and do (权限范围).

Every app fetches records for a user through :func:`scope_queryset`, and checks a write
with :func:`can`. A user's scope for a capability is the union of the unit subtrees of the
role assignments that grant it. Superusers see everything. The anonymous public sees only
what the caller's ``public`` filter admits (published records), and nothing otherwise.
"""

from __future__ import annotations

from functools import reduce
from operator import or_
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q

from zeren.access.rules import VIEW, path_in_scope, role_grants

M = TypeVar("M", bound=models.Model)
ALL = ["/"]  # every path starts with "/"


def scope_paths(user: Any, capability: str = VIEW) -> list[str]:
    """The unit paths under which ``user`` holds ``capability`` (``["/"]`` means everywhere)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return []
    if user.is_superuser:
        return ALL
    cache = user.__dict__.setdefault("_zeren_scope_cache", {})
    if capability not in cache:
        assignments = user.roles.select_related("scope_unit")
        cache[capability] = sorted(
            {a.scope_unit.path for a in assignments if role_grants(a.role, capability)}
        )
    return cache[capability]


def scope_queryset(
    user: Any,
    queryset: models.QuerySet[M],
    *,
    unit_path_field: str = "unit__path",
    capability: str = VIEW,
    public: Q | None = None,
) -> models.QuerySet[M]:
    """Narrow ``queryset`` to the records ``user`` may see.

    ``unit_path_field`` is the lookup from the model to its unit's path (``"path"`` for
    ``Unit`` itself). ``public`` is the filter for what anyone may see (e.g. published
    records); without it the public sees nothing.
    """
    paths = scope_paths(user, capability)
    conditions = [Q(**{f"{unit_path_field}__startswith": p}) for p in paths]
    if public is not None:
        conditions.append(public)
    if ALL[0] in paths:
        return queryset
    if not conditions:
        return queryset.none()
    return queryset.filter(reduce(or_, conditions))


def can(user: Any, capability: str, unit: Any) -> bool:
    """May ``user`` exercise ``capability`` on records of ``unit``?"""
    return path_in_scope(unit.path, scope_paths(user, capability))


def check(user: Any, capability: str, unit: Any) -> None:
    """Raise ``PermissionDenied`` unless :func:`can` holds — the ``check_*`` step before a ``do_*``."""
    if not can(user, capability, unit):
        raise PermissionDenied(f"{capability} not allowed on {unit.code}")
