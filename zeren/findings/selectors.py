"""Reads of findings (问题线索), always scoped to what the user may see."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.module_loading import import_string

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


# Where each producer keeps the labelled choices of the causes it raises: ``source_app`` →
# (choices class, prefix the producer puts before a choice value to make the cause). A cause with
# no entry here is shown as its code.
CAUSE_CHOICES = {
    "supervision": ("zeren.supervision.models.AlertType", ""),
    "duties": ("zeren.duties.models.FindingKind", "duties_"),
    "accountability": ("zeren.accountability.models.FindingCause", "accountability."),
}


def cause_labels() -> dict[tuple[str, str], str]:
    """``(source_app, cause) → label`` in the active language, from the producers' own choices."""
    labels: dict[tuple[str, str], str] = {}
    for source_app, (path, prefix) in CAUSE_CHOICES.items():
        try:
            choices = import_string(path).choices
        except ImportError:  # producer not installed
            continue
        labels.update({(source_app, prefix + value): str(label) for value, label in choices})
    return labels


def cause_options(user: Any) -> list[tuple[str, str]]:
    """The causes found among the user's findings, labelled, for the filter."""
    labels = {cause: label for (_, cause), label in cause_labels().items()}
    causes = findings_for(user).order_by().values_list("cause", flat=True).distinct()
    return sorted(((c, labels.get(c, c)) for c in causes), key=lambda option: option[1])


def evidence_label(evidence_type: str) -> str:
    """A readable name of the evidence record's kind: the model's verbose name (``supervision.approvalcase``
    → 办件), or the raw type when it names no installed model."""
    try:
        return str(apps.get_model(evidence_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return evidence_type
