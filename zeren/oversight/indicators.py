"""Indicator sources of the oversight network for evaluation (外部评价指标), per the shared protocol:
``SOURCES[name] = {label, label_en, polarity, measure, compute}`` with
``compute(unit_codes, start, end) -> {unit code: (value, n)}``. Imports only this app's models and org.

A unit's figure counts the records of the unit itself and of the units under it (a department's
divisions), as a department is evaluated for its whole organisation.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from django.db.models import Q

from zeren.org.models import Unit
from zeren.oversight.models import (
    DisclosureRequirement,
    ExternalEvaluation,
    Rating,
)


def _roll_up(unit_codes: list[str], rows: Iterable[tuple[str, bool]]) -> dict[str, tuple[float, float | None]]:
    """Share of ``True`` among ``(unit path, flag)`` rows, per requested unit (its subtree counted)."""
    roots = dict(Unit.objects.filter(code__in=unit_codes).values_list("path", "code"))
    hits: dict[str, int] = defaultdict(int)
    totals: dict[str, int] = defaultdict(int)
    for path, flag in rows:
        parts = path.strip("/").split("/")
        for i in range(1, len(parts) + 1):
            code = roots.get("/" + "/".join(parts[:i]) + "/")
            if code is not None:
                totals[code] += 1
                hits[code] += bool(flag)
    return {code: (hits[code] / n, float(n)) for code, n in totals.items()}


def _subtrees(unit_codes: list[str]) -> Q:
    paths = Unit.objects.filter(code__in=unit_codes).values_list("path", flat=True)
    condition = Q(pk__in=[])
    for path in paths:
        condition |= Q(unit__path__startswith=path)
    return condition


def deputy_satisfaction(unit_codes: list[str], start: date, end: date) -> dict[str, tuple[float, float | None]]:
    """Share of deputies' and CPPCC members' inspection evaluations rated 满意 (代表委员评议满意率)."""
    rows = (ExternalEvaluation.objects.filter(_subtrees(unit_codes), visited_on__range=(start, end))
            .values_list("unit__path", "rating"))
    return _roll_up(unit_codes, ((path, rating == Rating.SATISFIED) for path, rating in rows))


def disclosure_on_time(unit_codes: list[str], start: date, end: date) -> dict[str, tuple[float, float | None]]:
    """Share of required disclosures due in the period that were published by their due day
    (主动公开按时率, 政府信息公开条例 第二十六条)."""
    rows = (DisclosureRequirement.objects.filter(_subtrees(unit_codes), due_on__range=(start, end))
            .values_list("unit__path", "due_on", "met_on"))
    return _roll_up(unit_codes, ((path, met is not None and met <= due) for path, due, met in rows))


SOURCES: dict[str, dict] = {
    "oversight.deputy_satisfaction": {
        "label": "人大代表、政协委员评议满意率", "label_en": "Deputies' and CPPCC members' satisfaction",
        "polarity": "higher", "measure": "%", "compute": deputy_satisfaction,
    },
    "oversight.disclosure_on_time": {
        "label": "主动公开按时率", "label_en": "Required disclosures published on time",
        "polarity": "higher", "measure": "%", "compute": disclosure_on_time,
    },
}
