"""Evaluation indicator sources of accountability (问责数据来源), per the protocol in the team brief.

``substantiated_complaints``: complaints against a unit (its subtree) concluded substantiated or
partly substantiated in the period. Units carry no population data in ``zeren.org``, so this is a
count **per unit**, not per 10,000 population (``measure`` says so; ``n`` is None: not a rate).
``fault_cases``: fault-liability decisions against a unit (its subtree) in the period.
Imports only this app's models and org.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.db.models import QuerySet

from zeren.accountability.models import Complaint, Conclusion, FaultCase
from zeren.org.models import Unit


def _per_subtree(unit_codes: list[str], rows: QuerySet, path_field: str) -> dict[str, tuple[float, float | None]]:
    """Count the rows under each requested unit's subtree (a unit counts its divisions' records)."""
    paths = list(rows.values_list(path_field, flat=True))
    result: dict[str, tuple[float, float | None]] = {}
    for code, path in Unit.objects.filter(code__in=unit_codes).values_list("code", "path"):
        result[code] = (float(sum(1 for p in paths if p.startswith(path))), None)
    return result


def substantiated_complaints(unit_codes: list[str], start: date, end: date) -> dict[str, tuple[float, float | None]]:
    rows = Complaint.objects.filter(conclusion__in=[Conclusion.SUBSTANTIATED, Conclusion.PARTLY],
                                         concluded_on__gte=start, concluded_on__lte=end)
    return _per_subtree(unit_codes, rows, "unit__path")


def fault_cases(unit_codes: list[str], start: date, end: date) -> dict[str, tuple[float, float | None]]:
    rows = FaultCase.objects.filter(decided_on__gte=start, decided_on__lte=end, sanction__isnull=False)
    return _per_subtree(unit_codes, rows, "unit__path")


Compute = Callable[[list[str], date, date], dict[str, tuple[float, float | None]]]
SOURCES: dict[str, dict[str, str | Compute]] = {
    "accountability.substantiated_complaints": {
        "label": "属实投诉数", "label_en": "Substantiated complaints", "polarity": "lower",
        "measure": "per unit (no population data on units)", "compute": substantiated_complaints},
    "accountability.fault_cases": {
        "label": "问责决定数", "label_en": "Fault-liability decisions", "polarity": "lower",
        "measure": "per unit", "compute": fault_cases},
}
