"""Reads of findings (问题线索), always scoped to what the user may see."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from zeren.access.scope import scope_queryset
from zeren.findings import causes
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


def cause_labels() -> dict[str, str]:
    """``cause → label`` in the active language, as the producers declare them (:mod:`zeren.findings.causes`)."""
    return causes.labels()


def cause_options(user: Any) -> list[tuple[str, str]]:
    """The causes found among the user's findings, labelled, for the filter."""
    labels = cause_labels()
    found = findings_for(user).order_by().values_list("cause", flat=True).distinct()
    return sorted(((c, labels.get(c, c)) for c in found), key=lambda option: option[1])


def evidence_label(evidence_type: str) -> str:
    """A readable name of the evidence record's kind: the model's verbose name (``supervision.approvalcase``
    → 办件), or the raw type when it names no installed model."""
    try:
        return str(apps.get_model(evidence_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return evidence_type
