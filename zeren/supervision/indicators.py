"""Indicators electronic supervision gives performance evaluation (绩效评估指标来源).

Computed from cases received in the period, by the handling unit and everything under it (a
district government's figures are its departments' cases). A few aggregate queries: cases per
unit, alerts per unit and type; the roll-up to the requested units walks the units' paths.
On time = decided on or before the statutory deadline (行政许可法 第四十二条、第八十二条).

Special evaluations of a programme (专项评估): given a programme's selection, only the cases of its
approval items count — named by code (``supervision.item``, offered in ``PROGRAMMES``) or through the
duty items they implement (``duties.item``, matched on ``ApprovalItem.duty_code``).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.db.models import Count, F, Q

from zeren.org.models import Unit
from zeren.supervision.models import Alert, AlertType, ApprovalCase

IRREGULAR = (AlertType.FEE_OVER_STANDARD, AlertType.MISSING_STEP, AlertType.ORDER_VIOLATION,
             AlertType.SUSPENSION_ABUSE, AlertType.STEP_OVERTIME, AlertType.DENIED_WITHOUT_REASON)


def _roll_up(per_unit: dict[int, dict[str, int]], unit_codes: list[str]) -> dict[str, dict[str, int]]:
    """Sum per-unit counts into each requested unit whose subtree holds the unit."""
    wanted = set(unit_codes)
    paths = dict(Unit.objects.filter(pk__in=list(per_unit)).values_list("pk", "path"))
    out: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for unit_id, counts in per_unit.items():
        for code in paths.get(unit_id, "").strip("/").split("/"):
            if code in wanted:
                for key, n in counts.items():
                    out[code][key] += n
    return out


KINDS = ("supervision.item", "duties.item")


def _items(selection: dict | None) -> Q:
    """The approval items of a programme's selection (all items without one)."""
    if selection is None:
        return Q()
    return Q(item__code__in=selection.get("supervision.item") or []) | Q(
        item__duty_code__in=selection.get("duties.item") or [])


def _counts(unit_codes: list[str], start: date, end: date, selection: dict | None = None) -> dict[str, dict[str, int]]:
    per_unit: dict[int, dict[str, int]] = defaultdict(dict)
    items = _items(selection)
    cases = (ApprovalCase.objects.filter(items, received_date__gte=start, received_date__lte=end).values("unit_id")
             .annotate(received=Count("id"), decided=Count("id", filter=Q(decided_date__isnull=False)),
                       on_time=Count("id", filter=Q(decided_date__lte=F("statutory_deadline")))))
    for row in cases:
        per_unit[row["unit_id"]].update(received=row["received"], decided=row["decided"], on_time=row["on_time"])
    alerts = (Alert.objects.filter(items, case__received_date__gte=start, case__received_date__lte=end)
              .filter(Q(type=AlertType.RED_CARD) | Q(type__in=IRREGULAR)).values("unit_id")
              .annotate(red=Count("id", filter=Q(type=AlertType.RED_CARD)),
                        irregular=Count("id", filter=Q(type__in=IRREGULAR))))
    for row in alerts:
        per_unit[row["unit_id"]].update(red=row["red"], irregular=row["irregular"])
    return _roll_up(per_unit, unit_codes)


def on_time_rate(unit_codes: list[str], start: date, end: date,
                 selection: dict | None = None) -> dict[str, tuple[float, float | None]]:
    """Share of decided cases decided within the statutory limit (审批按时办结率), over decided cases."""
    return {code: (c["on_time"] / c["decided"], float(c["decided"]))
            for code, c in _counts(unit_codes, start, end, selection).items() if c.get("decided")}


def _per_100(key: str):
    def compute(unit_codes: list[str], start: date, end: date,
                selection: dict | None = None) -> dict[str, tuple[float, float | None]]:
        return {code: (100.0 * c.get(key, 0) / c["received"], float(c["received"]))
                for code, c in _counts(unit_codes, start, end, selection).items() if c.get("received")}

    return compute


def participants(keys: list[str], start: date, end: date) -> set[str]:
    """Units that handled cases of the programme's approval items in the period."""
    return set(ApprovalCase.objects.filter(item__code__in=keys, received_date__gte=start, received_date__lte=end)
               .values_list("unit__code", flat=True).distinct())


SOURCES = {
    "supervision.on_time_rate": {
        "label": "审批按时办结率", "label_en": "Approvals decided on time", "polarity": "higher", "measure": "%",
        "compute": on_time_rate, "programme": on_time_rate, "programme_kinds": KINDS,
    },
    "supervision.red_cards_per_100": {
        "label": "每百件红牌数", "label_en": "Red cards per 100 cases", "polarity": "lower",
        "measure": "per 100 cases", "compute": _per_100("red"), "programme": _per_100("red"), "programme_kinds": KINDS,
    },
    "supervision.irregularities_per_100": {
        "label": "每百件违规预警数", "label_en": "Irregularity alerts per 100 cases", "polarity": "lower",
        "measure": "per 100 cases", "compute": _per_100("irregular"), "programme": _per_100("irregular"),
        "programme_kinds": KINDS,
    },
}
PROGRAMMES = {
    "supervision.item": {"label": "审批事项", "label_en": "Approval items", "choices": None,
                         "participants": participants},
}
