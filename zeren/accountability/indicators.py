"""Evaluation indicator sources of accountability (问责数据来源), per the protocol in the team brief.

``substantiated_complaints``: complaints against a unit (its subtree) concluded substantiated or
partly substantiated in the period, **per 10,000 population** of the area the unit serves (每万人
属实投诉数): a district or city government, or a street office, with its own ``population``
(常住人口); a department with that of the nearest unit above it that has one — a city department
the city's, a district bureau its district's, a division its department's
(:meth:`zeren.org.models.UnitQuerySet.served_populations`). A unit with no population on itself or
above gets no value (absent, as the protocol says of a unit without data). ``n`` is None: not a rate.
``fault_cases``: fault-liability decisions against a unit (its subtree) in the period (a count).
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
    population = Unit.objects.served_populations(unit_codes)
    rows = Complaint.objects.filter(conclusion__in=[Conclusion.SUBSTANTIATED, Conclusion.PARTLY],
                                    concluded_on__gte=start, concluded_on__lte=end)
    counts = _per_subtree([c for c in unit_codes if population.get(c)], rows, "unit__path")
    return {code: (count * PER / population[code], None) for code, (count, _n) in counts.items()}


def fault_cases(unit_codes: list[str], start: date, end: date) -> dict[str, tuple[float, float | None]]:
    rows = FaultCase.objects.filter(decided_on__gte=start, decided_on__lte=end, sanction__isnull=False)
    return _per_subtree(unit_codes, rows, "unit__path")


PER = 10_000  # complaints per this many residents
Compute = Callable[[list[str], date, date], dict[str, tuple[float, float | None]]]
SOURCES: dict[str, dict[str, str | Compute]] = {
    "accountability.substantiated_complaints": {
        "label": "每万人属实投诉数", "label_en": "Substantiated complaints per 10,000 population", "polarity": "lower",
        "measure": "per 10,000 population", "compute": substantiated_complaints},
    "accountability.fault_cases": {
        "label": "问责决定数", "label_en": "Fault-liability decisions", "polarity": "lower",
        "measure": "per unit", "compute": fault_cases},
}
