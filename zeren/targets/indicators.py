"""Indicator sources of target management for evaluation (the protocol of ``zeren.evaluation``).

Each source computes, per unit code, ``(value, n)`` over the targets a unit owns (its own, active
targets) whose deadline falls in the period: the status at the period's end, from the same rules
as every page. Rates are plain ratios with their denominator ``n``.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from zeren.targets import rules
from zeren.targets.models import Target, TargetState


def _statuses_by_unit(unit_codes: list[str], start: date, end: date) -> dict[str, list[str]]:
    from zeren.targets.selectors import statuses

    due = Target.objects.filter(unit__code__in=unit_codes, state=TargetState.ACTIVE, deadline__gte=start,
                                deadline__lte=end)
    units = dict(due.values_list("id", "unit__code"))
    found: dict[str, list[str]] = defaultdict(list)
    if not units:
        return found
    for target_id, s in statuses(due, end).items():
        if target_id in units:
            found[units[target_id]].append(s.status)
    return found


def completion_rate(unit_codes: list[str], start: date, end: date) -> dict[str, tuple[float, float | None]]:
    """目标完成率: completed targets ÷ targets due in the period, as of its last day."""
    return {code: (sum(s == rules.COMPLETED for s in found) / len(found), float(len(found)))
            for code, found in _statuses_by_unit(unit_codes, start, end).items()}


def overdue_share(unit_codes: list[str], start: date, end: date) -> dict[str, tuple[float, float | None]]:
    """逾期目标占比: targets overdue at the period's end ÷ targets due in the period."""
    return {code: (sum(s == rules.OVERDUE for s in found) / len(found), float(len(found)))
            for code, found in _statuses_by_unit(unit_codes, start, end).items()}


SOURCES: dict[str, dict[str, Any]] = {
    "targets.completion_rate": {"label": "目标完成率", "label_en": "Target completion rate", "polarity": "higher",
                                "measure": "%", "compute": completion_rate},
    "targets.overdue_share": {"label": "逾期目标占比", "label_en": "Share of targets overdue", "polarity": "lower",
                              "measure": "%", "compute": overdue_share},
}
