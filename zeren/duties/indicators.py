"""Indicators the duties catalogue gives performance evaluation (绩效评估指标来源).

Duty findings open (未处理职责问题): findings of the catalogue analysis (overlaps, orphans, no
responsibility…) still open at the end of the period that name the unit, or a unit under it.

A programme (专项) may be selected by duty items (``duties.item`` in ``PROGRAMMES``): the units that
carry it are the items' lead units; targets and approvals follow the items in their own apps.
"""

from __future__ import annotations

from datetime import date

from zeren.duties.models import DutyFinding, FindingStatus, ItemResponsibility, ResponsibilityRole
from zeren.org.models import Unit


def open_findings(unit_codes: list[str], start: date, end: date) -> dict[str, tuple[float, float | None]]:
    wanted = set(unit_codes)
    rows = list(DutyFinding.objects.filter(status=FindingStatus.OPEN, first_seen__date__lte=end)
                .values_list("unit_codes", "unit__code"))
    named = {c for codes, own in rows for c in [*(codes or []), own] if c}
    paths = dict(Unit.objects.filter(code__in=named).values_list("code", "path"))
    counts = dict.fromkeys(wanted, 0)
    for codes, own in rows:
        hit: set[str] = set()
        for code in {*(codes or []), own} - {None}:
            hit.update(c for c in paths.get(code, "").strip("/").split("/") if c in wanted)
        for code in hit:
            counts[code] += 1
    return {code: (float(n), None) for code, n in counts.items()}


SOURCES = {
    "duties.open_findings": {
        "label": "未处理职责问题数", "label_en": "Duty findings open", "polarity": "lower", "measure": "findings",
        "compute": open_findings,
    },
}


def item_leads(keys: list[str], start: date, end: date) -> set[str]:
    """The lead units (牵头单位) of the programme's duty items."""
    return set(ItemResponsibility.objects.filter(item__code__in=keys, item__is_active=True,
                                                 role=ResponsibilityRole.LEAD).values_list("unit__code", flat=True))


PROGRAMMES = {
    "duties.item": {"label": "权责事项", "label_en": "Duty items", "choices": None, "participants": item_leads},
}
