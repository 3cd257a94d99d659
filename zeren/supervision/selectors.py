"""Reads of electronic supervision, scoped to the user (or system-wide for commands)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.http import Http404

from zeren.access.rules import VIEW
from zeren.access.scope import scope_queryset
from zeren.audit.versions import cached, query_key
from zeren.org.models import Unit, UnitKind, display_name_of, english_ui
from zeren.supervision.models import Alert, AlertStatus, ApprovalCase, ApprovalEvent, ApprovalItem

ALERT_EXPORT_FIELDS = ("case__case_id", "type", "unit__code", "item__code", "deadline", "since", "status",
                       "provisional")


def in_force(qs: QuerySet[Alert], as_of: date) -> QuerySet[Alert]:
    """Alerts in force on ``as_of``: begun, not cleared by a scan, not closed by an officer by then."""
    return (qs.filter(since__lte=as_of)
            .filter(Q(cleared_on__isnull=True) | Q(cleared_on__gt=as_of))
            .exclude(status=AlertStatus.CLOSED, closed_at__date__lte=as_of))


def all_alerts_in_force(as_of: date, *, unit_code: str = "") -> QuerySet[Alert]:
    """System-wide (for commands and exports): alerts in force, optionally in a unit's subtree."""
    qs = in_force(Alert.objects.all(), as_of)
    if unit_code:
        qs = qs.filter(unit__path__contains=f"/{unit_code}/")
    return qs.order_by("unit__path", "since", "id")


def alerts_for(user: Any, *, as_of: date | None = None, unit_code: str = "", alert_type: str = "",
               status: str = "") -> QuerySet[Alert]:
    """Alerts on cases of units in the user's scope (VIEW), optionally only those in force on ``as_of``."""
    qs = scope_queryset(user, Alert.objects.select_related("case", "unit", "item"), capability=VIEW)
    if as_of is not None:
        qs = in_force(qs, as_of)
    if unit_code:
        qs = qs.filter(unit__path__contains=f"/{unit_code}/")
    if alert_type:
        qs = qs.filter(type=alert_type)
    if status:
        qs = qs.filter(status=status)
    return qs


def get_case_for(user: Any, case_id: str, source_code: str = "") -> ApprovalCase:
    """The case ``case_id`` the user may see; case ids are unique per source system, so
    ``source_code`` names the system when two report the same id (else the first reported)."""
    qs = scope_queryset(user, ApprovalCase.objects.select_related("item", "unit"), capability=VIEW)
    qs = qs.filter(case_id=case_id, **({"source__code": source_code} if source_code else {})).order_by("pk")
    case = qs.first()
    if case is None:
        raise Http404(case_id)
    return case


def case_timeline(case: ApprovalCase) -> QuerySet[ApprovalEvent]:
    """The case's events in the order the rules fold them (by ``at``, then id)."""
    return case.events.select_related("source").order_by("at", "id")


GROUPS = {"unit": ("unit__code", "unit__name"), "item": ("item__code", "item__name")}


def on_time_statistics(cases: QuerySet[ApprovalCase], start: date, end: date, *, by: str = "unit",
                       ) -> list[dict[str, Any]]:
    """Per handling unit (``by="unit"``) or per approval item (``by="item"``), cases received in
    [start, end]: volume, decided, on-time rates (statutory and promised), average working days used
    against the statutory limit, and alerts in force at ``end``; ordered by code.

    On time = decided on or before the deadline (行政许可法 第四十二条、第八十二条); rates are over decided cases.
    Cached under the cases' query and the data version of supervision (every ingestion, scan and alert
    move is audited): a year of a city's cases is read once per change, not on every page.
    """
    rows = cached(f"supervision:stats:{query_key(cases, by, start, end)}", ("supervision",),
                  lambda: _on_time_statistics(cases, start, end, by))
    if by == "unit" and english_ui() and rows:  # the units' English names in the English UI (not cached: per language)
        english = dict(Unit.objects.filter(code__in=[r["code"] for r in rows]).exclude(name_en="")
                       .values_list("code", "name_en"))
        rows = [{**r, "name": english.get(r["code"], r["name"])} for r in rows]
    return rows


def _on_time_statistics(cases: QuerySet[ApprovalCase], start: date, end: date, by: str) -> list[dict[str, Any]]:
    import numpy as np

    from zeren.workcal.selectors import get_calendar

    code_field, name_field = GROUPS[by]
    rows = list(cases.filter(received_date__gte=start, received_date__lte=end).values_list(
        code_field, name_field, "received_date", "decided_date", "statutory_deadline", "promised_deadline",
        "item__statutory_days", "extension_days"))
    if not rows:
        return []
    cal = get_calendar()
    # One pass over the rows, in arrays: each row's group as an index (codes in order), dates as numpy
    # days (from ordinals: numpy converts date objects one by one, slowly), sums per group by bincount.
    names = {r[0]: r[1] for r in rows}
    codes = sorted(names)
    index = {code: i for i, code in enumerate(codes)}
    group = np.fromiter((index[r[0]] for r in rows), dtype=np.intp, count=len(rows))

    done = np.fromiter((r[3] is not None for r in rows), dtype=bool, count=len(rows))
    received, decided = _days(r[2] for r in rows), _days(r[3] or r[2] for r in rows)
    stat, prom = _days(r[4] for r in rows), _days(r[5] for r in rows)
    used = cal.workdays_between_array(received, decided) - np.fromiter((r[7] for r in rows), dtype=np.int64)
    limit = np.fromiter((r[6] for r in rows), dtype=np.int64)

    def per_group(values: np.ndarray | None = None, *, where: np.ndarray = done) -> np.ndarray:
        return np.bincount(group[where], weights=None if values is None else values[where], minlength=len(codes))

    volume, n_done = np.bincount(group, minlength=len(codes)), per_group()
    statutory, promised = per_group(where=done & (decided <= stat)), per_group(where=done & (decided <= prom))
    used_sum, limit_sum = per_group(used), per_group(limit)
    alerts = dict(in_force(Alert.objects.filter(case__in=cases), end).values_list(code_field)
                  .annotate(n=Count("id")).values_list(code_field, "n"))
    return [{
        "code": code, "name": names[code], "volume": int(volume[i]), "decided": int(n_done[i]),
        "on_time_statutory": _rate(statutory[i], n_done[i]), "on_time_promised": _rate(promised[i], n_done[i]),
        "avg_days_used": round(float(used_sum[i] / n_done[i]), 1) if n_done[i] else None,
        "avg_days_limit": round(float(limit_sum[i] / n_done[i]), 1) if n_done[i] else None,
        "alerts": alerts.get(code, 0),
    } for i, code in enumerate(codes)]


@dataclass(frozen=True)
class PublicRates:
    """The public on-time table (阳光政务): one row per department (:func:`on_time_statistics`), each with
    the government it belongs to (``government_code``/``government_name``: the city's or a district's),
    and the governments to filter by (``(code, name)``, the city first)."""

    rows: list[dict[str, Any]]
    governments: list[tuple[str, str]]


def public_rates(start: date, end: date, *, q: str = "", government: str = "") -> PublicRates:
    """Per department (政府工作部门), its cases received in [start, end], narrowed to departments whose
    name contains ``q`` and that belong to ``government`` (a government unit's code), best statutory
    on-time rate first. Aggregates only: no case is shown."""
    rows = on_time_statistics(ApprovalCase.objects.filter(unit__kind=UnitKind.DEPARTMENT), start, end)
    paths = dict(Unit.objects.filter(code__in=[r["code"] for r in rows]).values_list("code", "path"))
    govs = {code: (name, level) for code, name, level in
            Unit.objects.filter(kind=UnitKind.GOVERNMENT).values_list("code", display_name_of(), "level")}
    for row in rows:
        # The department's government: the nearest government above it in the tree.
        above = [c for c in paths.get(row["code"], "").strip("/").split("/")[:-1] if c in govs]
        row["government_code"] = above[-1] if above else ""
        row["government_name"] = govs[above[-1]][0] if above else ""
    present = {r["government_code"] for r in rows if r["government_code"]}
    governments = sorted(((c, govs[c][0]) for c in present), key=lambda g: (govs[g[0]][1] != "city", g[0]))
    if q:
        rows = [r for r in rows if q.casefold() in r["name"].casefold()]  # the name in the UI's language
    if government:
        rows = [r for r in rows if r["government_code"] == government]
    rows.sort(key=lambda r: (-(r["on_time_statutory"] if r["on_time_statutory"] is not None else -1), r["code"]))
    return PublicRates(rows=rows, governments=governments)


def _days(values: Iterable[date]) -> Any:
    """Dates as a numpy ``datetime64[D]`` array, through their ordinals (numpy converts date objects one
    by one, ten times slower)."""
    import numpy as np

    return (np.fromiter((d.toordinal() for d in values), dtype=np.int64) - _EPOCH).astype("datetime64[D]")


_EPOCH = date(1970, 1, 1).toordinal()


def _rate(hits: int, total: int) -> float | None:
    return round(100 * float(hits / total), 1) if total else None


def monthly_trend(cases: QuerySet[ApprovalCase], start: date, end: date) -> list[dict[str, Any]]:
    """Per month of receipt: cases received, decided, and decided after the statutory deadline; cached
    as :func:`on_time_statistics`."""
    return cached(f"supervision:trend:{query_key(cases, start, end)}", ("supervision",),
                  lambda: _monthly_trend(cases, start, end))


def _monthly_trend(cases: QuerySet[ApprovalCase], start: date, end: date) -> list[dict[str, Any]]:
    """Counted per day in SQL and summed per month here: truncating to the month in SQL is a Python
    function per row on SQLite."""
    qs = (cases.filter(received_date__gte=start, received_date__lte=end).values("received_date")
          .annotate(volume=Count("id"), decided=Count("id", filter=Q(decided_date__isnull=False)),
                    late=Count("id", filter=Q(decided_date__gt=F("statutory_deadline"))))
          .order_by("received_date"))
    months: dict[str, dict[str, Any]] = {}
    for r in qs:
        month = months.setdefault(r["received_date"].strftime("%Y-%m"), {"volume": 0, "decided": 0, "late": 0})
        for key in month:
            month[key] += r[key]
    return [{"month": m, **counts} for m, counts in months.items()]


def cases_for(user: Any) -> QuerySet[ApprovalCase]:
    return scope_queryset(user, ApprovalCase.objects.all(), capability=VIEW)


def case_projects(case: ApprovalCase) -> list:
    """The investment-project stages (重大投资项目审批环节) this case is filed for, with their projects."""
    from zeren.supervision.projects.models import Stage

    return list(Stage.objects.filter(case=case).select_related("project"))


def items_for(user: Any) -> QuerySet[ApprovalItem]:
    """Approval items (审批事项) of units in the user's scope (VIEW)."""
    return scope_queryset(user, ApprovalItem.objects.select_related("unit"), capability=VIEW)


def get_item_for(user: Any, code: str) -> ApprovalItem:
    """The approval item ``code`` if the user may see its unit, else 404."""
    item = items_for(user).filter(code=code).first()
    if item is None:
        raise Http404(code)
    return item


def duty_item(item: ApprovalItem) -> Any:
    """The 权责清单 item (a 行政许可 ``duties.FunctionItem``) the approval item names, or None."""
    from zeren.duties.models import FunctionItem

    return FunctionItem.objects.filter(code=item.duty_code).first() if item.duty_code else None


def filter_units(user: Any) -> list[tuple[str, str, int]]:
    """``(code, name, depth)`` of the units the board can be narrowed to: the units handling
    approval items in the user's scope and the governments above them (a district as a whole),
    in tree order."""
    holders = list(items_for(user).values_list("unit__path", flat=True).distinct())
    codes = {code for path in holders for code in path.strip("/").split("/")}
    units = (Unit.objects.filter(code__in=codes)
             .filter(Q(kind=UnitKind.GOVERNMENT) | Q(approval_items__isnull=False)).distinct()
             .order_by("path").values_list("code", "name", "path"))
    return [(code, name, path.count("/") - 2) for code, name, path in units]
