"""Indicator sources of target management for evaluation (the protocol of ``zeren.evaluation``).

Each source computes, per unit code, ``(value, n)`` over the targets a unit owns (its own, active
targets) whose deadline falls in the period: the status at the period's end, from the same rules
as every page. Rates are plain ratios with their denominator ``n``.

Special evaluations of a programme (专项评估): ``PROGRAMMES`` offers the kinds a programme's targets are
selected by — a target source (``targets.source``, e.g. 民生实事), target codes (``targets.code``, with
the targets decomposed from them) or duty items (``duties.item``: the targets that implement them,
with theirs) — and both sources count only those targets when given a programme's selection.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from django.db.models import Q

from zeren.targets import rules
from zeren.targets.models import Assessment, Grade, Source, Target, TargetState

KINDS = ("targets.source", "targets.code", "duties.item")


def _programme_ids(selection: dict[str, Any]) -> set[int]:
    """Ids of the programme's targets: those of its sources, its codes and those implementing its duty
    items, with every target decomposed from them (下级分解目标)."""
    condition = Q(pk__in=[])
    if selection.get("targets.source"):
        condition |= Q(source__in=selection["targets.source"])
    roots = Q(pk__in=[])
    if selection.get("targets.code"):
        roots |= Q(code__in=selection["targets.code"])
    if selection.get("duties.item"):
        roots |= Q(duty_items__code__in=selection["duties.item"])
    found = set(Target.objects.filter(condition).values_list("id", flat=True))
    level = set(Target.objects.filter(roots).values_list("id", flat=True))
    while level - found:
        found |= level
        level = set(Target.objects.filter(parent_id__in=level).values_list("id", flat=True))
    return found


def _due(start: date, end: date, selection: dict[str, Any] | None) -> Any:
    due = Target.objects.filter(state=TargetState.ACTIVE, deadline__gte=start, deadline__lte=end)
    return due if selection is None else due.filter(pk__in=_programme_ids(selection))


def participants(keys: list[str], start: date, end: date, kind: str = "") -> set[str]:
    """Units owning targets of the programme due in the period (承担专项任务的单位)."""
    return set(_due(start, end, {kind: keys}).values_list("unit__code", flat=True).distinct())


def _statuses_by_unit(unit_codes: list[str], start: date, end: date,
                      selection: dict[str, Any] | None = None) -> dict[str, list[str]]:
    from zeren.targets.selectors import statuses

    due = _due(start, end, selection).filter(unit__code__in=unit_codes)
    units = dict(due.values_list("id", "unit__code"))
    found: dict[str, list[str]] = defaultdict(list)
    if not units:
        return found
    for target_id, s in statuses(due, end).items():
        if target_id in units:
            found[units[target_id]].append(s.status)
    return found


def completion_rate(unit_codes: list[str], start: date, end: date,
                    selection: dict[str, Any] | None = None) -> dict[str, tuple[float, float | None]]:
    """目标完成率: completed targets ÷ targets due in the period, as of its last day."""
    return {code: (sum(s == rules.COMPLETED for s in found) / len(found), float(len(found)))
            for code, found in _statuses_by_unit(unit_codes, start, end, selection).items()}


def overdue_share(unit_codes: list[str], start: date, end: date,
                  selection: dict[str, Any] | None = None) -> dict[str, tuple[float, float | None]]:
    """逾期目标占比: targets overdue at the period's end ÷ targets due in the period."""
    return {code: (sum(s == rules.OVERDUE for s in found) / len(found), float(len(found)))
            for code, found in _statuses_by_unit(unit_codes, start, end, selection).items()}


def _grade_share(grades: set[str]) -> Any:
    def share(unit_codes: list[str], start: date, end: date) -> dict[str, tuple[float, float | None]]:
        """Share of a unit's confirmed annual assessments (公务员年度考核, 公务员法 第三十五-三十七条) of
        the years the period touches that carry one of ``grades``: the unit's grade distribution."""
        counted: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        rows = (Assessment.objects.filter(unit__code__in=unit_codes, year__gte=start.year, year__lte=end.year)
                .exclude(grade="").values_list("unit__code", "grade"))
        for code, grade in rows:
            counted[code][0] += grade in grades
            counted[code][1] += 1
        return {code: (hits / n, float(n)) for code, (hits, n) in counted.items()}
    return share


excellent_share = _grade_share({Grade.EXCELLENT})
weak_share = _grade_share({Grade.BASIC, Grade.INCOMPETENT})


SOURCES: dict[str, dict[str, Any]] = {
    "targets.excellent_share": {"label": "年度考核优秀比例", "label_en": "Share of staff assessed excellent",
                                "polarity": "higher", "measure": "%", "compute": excellent_share},
    "targets.weak_share": {"label": "年度考核基本称职及不称职比例",
                           "label_en": "Share of staff assessed basically competent or incompetent",
                           "polarity": "lower", "measure": "%", "compute": weak_share},
    "targets.completion_rate": {"label": "目标完成率", "label_en": "Target completion rate", "polarity": "higher",
                                "measure": "%", "compute": completion_rate, "programme": completion_rate,
                                "programme_kinds": KINDS},
    "targets.overdue_share": {"label": "逾期目标占比", "label_en": "Share of targets overdue", "polarity": "lower",
                              "measure": "%", "compute": overdue_share, "programme": overdue_share,
                              "programme_kinds": KINDS},
}
PROGRAMMES: dict[str, dict[str, Any]] = {
    "targets.source": {"label": "目标来源", "label_en": "Target source",
                       "choices": lambda: {k: str(v) for k, v in Source.choices},
                       "participants": lambda keys, start, end: participants(keys, start, end, "targets.source")},
    "targets.code": {"label": "指定目标（含分解目标）", "label_en": "Targets (with their decomposition)", "choices": None,
                     "participants": lambda keys, start, end: participants(keys, start, end, "targets.code")},
}
