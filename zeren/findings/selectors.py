"""Reads of findings (问题线索), always scoped to what the user may see."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from zeren.access.scope import scope_queryset
from zeren.findings.models import Finding


def findings_for(user: Any, *, status: str = "", cause: str = "", unit_code: str = "",
                 source_app: str = "") -> QuerySet[Finding]:
    """Findings about units in the user's scope (and their subtrees), newest first, filtered."""
    qs = scope_queryset(user, Finding.objects.select_related("unit", "person"), unit_path_field="unit__path")
    if status:
        qs = qs.filter(status=status)
    if cause:
        qs = qs.filter(cause=cause)
    if source_app:
        qs = qs.filter(source_app=source_app)
    if unit_code:
        qs = qs.filter(unit__path__contains=f"/{unit_code}/")
    return qs


def get_finding_for(user: Any, finding_id: int) -> Finding:
    return get_object_or_404(findings_for(user), pk=finding_id)
