"""Pages of electronic supervision: the live board (officers see the city, departments themselves),
a case's timeline, and the public on-time rates (阳光政务). Thin: selectors read, actions write."""

from __future__ import annotations

import json
from collections import Counter
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, Count, IntegerField, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_POST

from zeren.core.exports import download, write_csv
from zeren.core.ratelimit import ratelimit
from zeren.core.tables import ByLabel, Column, Table
from zeren.org.models import ByUnitName
from zeren.supervision.actions import ALERT_MOVES, check_move_alert, do_move_alert
from zeren.supervision.models import AlertStatus, AlertType, ScanRun
from zeren.supervision.rules import LATENESS_BUCKETS, lateness, lateness_bucket, unhandled
from zeren.supervision.selectors import (
    alerts_for,
    case_projects,
    case_timeline,
    cases_for,
    duty_item,
    filter_units,
    get_case_for,
    get_item_for,
    items_for,
    monthly_trend,
    on_time_statistics,
    public_rates,
)

# Severity classes of the board's counts and badges: irregular handling and missed statutory limits
# first (red), then what is late or about to be (amber), then the record-keeping ones.
SEVERE = {AlertType.RED_CARD, AlertType.FEE_OVER_STANDARD, AlertType.MISSING_STEP, AlertType.ORDER_VIOLATION,
          AlertType.DENIED_WITHOUT_REASON}
WARNING = {AlertType.YELLOW_CARD, AlertType.PROMISE_BROKEN, AlertType.STEP_OVERTIME, AlertType.SUSPENSION_ABUSE}
SEVERITY = [AlertType.RED_CARD, AlertType.YELLOW_CARD, AlertType.FEE_OVER_STANDARD, AlertType.MISSING_STEP, AlertType.ORDER_VIOLATION,
            AlertType.DENIED_WITHOUT_REASON, AlertType.STEP_OVERTIME, AlertType.SUSPENSION_ABUSE,
            AlertType.LATE_ENTRY, AlertType.PROMISE_BROKEN]

# The lists' sortable columns (zeren.core.tables). The alerts read prefixed parameters (asort, asize,
# apage): the board shows them above the statistics table, which keeps ``sort`` as it always had.
ALERTS = Table(
    Column("case", gettext_lazy("办件编号"), "case__case_id"),
    Column("type", gettext_lazy("类型"), ByLabel("type", [(t, t) for t in SEVERITY], declared=True)),
    Column("item", pgettext_lazy("approval item", "事项"), "item__name"), Column("unit", gettext_lazy("办理单位"), ByUnitName("unit__")),
    Column("deadline", gettext_lazy("期限"), "deadline"),
    Column("decided", gettext_lazy("决定日期"), "case__decided_date", first="desc"),
    Column("unhandled", gettext_lazy("未签收（工作日）"), "-since", first="desc", num=True),  # the oldest, the longest
    Column("status", gettext_lazy("处理状态"), ByLabel("status", AlertStatus.choices, declared=True)),
    prefix="a", anchor="alerts", size=50)


def _statistics_table(first: str, *after_name: Column, units: bool = True) -> Table:
    """On-time statistics per unit or item (computed for the last year, a row per unit or item): figures
    largest first, names in order (a unit's in pinyin order in Chinese); rows without a value last either
    way; ties by code."""
    def figure(key: str, label: str) -> Column:
        return Column(key, label, key, "code", first="desc", num=True)
    return Table(Column("name", first, ByUnitName() if units else "name", "code"), *after_name, figure("volume", gettext_lazy("受理")),
                 figure("decided", gettext_lazy("办结")), figure("on_time_statutory", gettext_lazy("法定时限内办结率")),
                 figure("on_time_promised", gettext_lazy("承诺时限内办结率")),
                 figure("avg_days_used", gettext_lazy("平均用时/法定时限（工作日）")),
                 figure("alerts", gettext_lazy("有效告警")), size=100, anchor="rates-table")


UNIT_STATISTICS = _statistics_table(gettext_lazy("办理单位"))
ITEM_STATISTICS = _statistics_table(gettext_lazy("审批事项"), units=False)
PUBLIC_STATISTICS = _statistics_table(gettext_lazy("部门"), Column("government", gettext_lazy("所属政府"),
                                                                   ByUnitName("government_"), ByUnitName()))


def severity(alert_type: str) -> str:
    return "bad" if alert_type in SEVERE else "warn" if alert_type in WARNING else ""


def _ages(alerts: list, today) -> None:
    """What the board says of each alert, in working days (行政许可法 第八十二条): how late the decision
    was (a red card or broken promise: deadline to decision, or to today while undecided), how many
    days a yellow card has left, how long anything else has stood — and, apart from all of these,
    how long the alert has waited for the department to sign for it (``unhandled``)."""
    from zeren.workcal.selectors import get_calendar

    cal = get_calendar()
    for alert in alerts:
        alert.severity = severity(alert.type)
        alert.late = alert.left = alert.standing = None
        alert.unhandled = unhandled(alert.since, today, cal) if alert.status == AlertStatus.OPEN else None
        if alert.type == AlertType.YELLOW_CARD and alert.deadline:
            alert.left = max(0, cal.workdays_between(today, alert.deadline))
        elif alert.type not in (AlertType.RED_CARD, AlertType.PROMISE_BROKEN) or not alert.deadline:
            alert.standing = max(0, cal.workdays_between(alert.since, today))
    late = [a for a in alerts if a.type in (AlertType.RED_CARD, AlertType.PROMISE_BROKEN) and a.deadline]
    if late:
        days = lateness([a.deadline for a in late], [a.case.decided_date or "NaT" for a in late], today, cal)
        for alert, n in zip(late, days.tolist(), strict=True):
            alert.late = n


def _lateness_buckets(alerts, today) -> list[tuple[str, int]]:
    """Red cards in force per lateness bucket (:data:`LATENESS_BUCKETS`): by how late the decision was,
    not by how long the alert has gone unhandled."""
    from zeren.workcal.selectors import get_calendar

    rows = list(alerts.filter(type=AlertType.RED_CARD, deadline__isnull=False)
                .values_list("deadline", "case__decided_date"))
    counts = Counter()
    if rows:
        days = lateness([r[0] for r in rows], [r[1] or "NaT" for r in rows], today, get_calendar())
        counts.update(lateness_bucket(n) for n in days.tolist())
    return [(label, counts.get(label, 0)) for *_, label in LATENESS_BUCKETS]


def _unit_options(user) -> list[tuple[str, str]]:
    """The unit filter's options: code and name, indented by depth below the city."""
    return [(code, "\u3000" * depth + name) for code, name, depth in filter_units(user)]


def _rates_chart(stats: list[dict]) -> list[dict]:
    """The rates chart's rows: every row with decided cases, the lowest statutory on-time rate first."""
    decided = [s for s in stats if s["on_time_statutory"] is not None]
    return sorted(decided, key=lambda s: (s["on_time_statutory"], s["on_time_promised"] or 0, s["code"]))


def _chart_json(stats: list[dict], trend: list[dict] | None = None) -> str:
    rows = _rates_chart(stats)
    data: dict = {"units": [s["name"] for s in rows], "statutory": [s["on_time_statutory"] for s in rows],
                  "promised": [s["on_time_promised"] for s in rows]}
    if trend is not None:
        data.update(months=[t["month"] for t in trend], volume=[t["volume"] for t in trend],
                    late=[t["late"] for t in trend])
    return json.dumps(data, ensure_ascii=False)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    unit = request.GET.get("unit", "")
    kind = request.GET.get("type", "")
    alerts = alerts_for(request.user, as_of=today, unit_code=unit)
    by_type = dict(alerts.order_by().values_list("type").annotate(n=Count("id")))
    listed = alerts.filter(type=kind) if kind else alerts.filter(type=AlertType.RED_CARD)
    alert_table = ALERTS.page(request, listed.order_by("since", "id"))
    _ages(list(alert_table.page), today)
    start = today - timedelta(days=365)
    cases = cases_for(request.user)
    if unit:
        cases = cases.filter(unit__path__contains=f"/{unit}/")
    stats = on_time_statistics(cases, start, today)
    stat_table = UNIT_STATISTICS.page(request, stats)
    trend = monthly_trend(cases, start, today)
    labels = dict(AlertType.choices)
    return render(request, "supervision/index.html", {
        "today": today, "unit": unit, "kind": kind, "units": _unit_options(request.user),
        "counts": [(t, labels[t], by_type.get(t, 0), severity(t)) for t in SEVERITY],
        "kind_label": labels.get(kind, labels[AlertType.RED_CARD]),
        "ages": _lateness_buckets(alerts, today),
        "alert_table": alert_table, "stat_table": stat_table,
        "scan": ScanRun.objects.first(), "chart": _chart_json(stats, trend),
    })


@login_required
def items(request: HttpRequest) -> HttpResponse:
    """Approval items (审批事项) in the user's scope with their limits and on-time rates over the last year."""
    today = timezone.localdate()
    unit = request.GET.get("unit", "")
    start = today - timedelta(days=365)
    cases = cases_for(request.user)
    listed = items_for(request.user)
    if unit:
        cases = cases.filter(unit__path__contains=f"/{unit}/")
        listed = listed.filter(unit__path__contains=f"/{unit}/")
    stats = {s["code"]: s for s in on_time_statistics(cases, start, today, by="item")}
    rows = []
    for item in listed.order_by("unit__path", "code"):
        row = stats.get(item.code) or {"code": item.code, "name": item.name, "volume": 0, "decided": 0,
                                       "on_time_statutory": None, "on_time_promised": None,
                                       "avg_days_used": None, "avg_days_limit": None, "alerts": 0}
        rows.append({**row, "item": item})
    return render(request, "supervision/items.html", {
        "stat_table": ITEM_STATISTICS.page(request, rows), "unit": unit, "units": _unit_options(request.user),
        "start": start, "today": today,
    })


@login_required
def item_detail(request: HttpRequest, code: str) -> HttpResponse:
    """One approval item: its limits (法定/承诺时限), fee and steps, the 权责清单 item it implements,
    its on-time rates over the last year and its alerts in force, the most severe first."""
    item = get_item_for(request.user, code)
    today = timezone.localdate()
    start = today - timedelta(days=365)
    stats = on_time_statistics(cases_for(request.user).filter(item=item), start, today, by="item")
    severest = Case(*[When(type=t, then=Value(n)) for n, t in enumerate(SEVERITY)], output_field=IntegerField())
    alert_table = ALERTS.page(request, alerts_for(request.user, as_of=today).filter(item=item).annotate(rank=severest)
                              .order_by("rank", "since", "id"))
    _ages(list(alert_table.page), today)
    return render(request, "supervision/item.html", {
        "item": item, "duty": duty_item(item), "stats": stats[0] if stats else None, "start": start,
        "today": today, "alert_table": alert_table,
    })


@login_required
def case_detail(request: HttpRequest, case_id: str) -> HttpResponse:
    case = get_case_for(request.user, case_id, request.GET.get("source", ""))
    alerts = list(case.alerts.select_related("unit").order_by("since"))
    for alert in alerts:
        alert.severity = severity(alert.type)
        alert.moves = [(s, AlertStatus(s).label) for s in sorted(ALERT_MOVES[alert.status])
                       if _may_move(request.user, alert, s)]
        # who acts next, when it is not this user: the department, or supervision to close
        alert.waiting_for = "" if alert.moves or alert.status == AlertStatus.CLOSED else (
            "supervision" if AlertStatus.CLOSED in ALERT_MOVES[alert.status] else "department")
    return render(request, "supervision/case.html", {
        "case": case, "events": case_timeline(case), "alerts": alerts, "labels": dict(AlertType.choices),
        "project_stages": case_projects(case),
    })


def _may_move(user, alert, status: str) -> bool:
    """Offer a move only to who may make it: the department acknowledges, explains or corrects;
    the supervision officer closes (``check_move_alert``)."""
    try:
        check_move_alert(user, alert, status)
    except (PermissionDenied, ValidationError):
        return False
    return True


@login_required
@require_POST
def move_alert(request: HttpRequest, alert_id: int) -> HttpResponse:
    alert = get_object_or_404(alerts_for(request.user), pk=alert_id)
    try:
        do_move_alert(actor=request.user, alert=alert, status=request.POST.get("status", ""),
                      note=request.POST.get("note", ""))
    except (PermissionDenied, ValidationError) as exc:
        messages.error(request, "; ".join(getattr(exc, "messages", [str(exc)])))
    return redirect("supervision:case", case_id=alert.case.case_id)


@ratelimit("public")
def public(request: HttpRequest) -> HttpResponse:
    """每个部门的按时办结率 — aggregate numbers only, no case is shown (阳光政务): searchable by the
    department's name, filtered by district (the government it belongs to), downloadable as CSV."""
    today = timezone.localdate()
    start = today - timedelta(days=365)
    q = request.GET.get("q", "").strip()[:100]
    government = request.GET.get("district", "").strip()[:64]
    rates = public_rates(start, today, q=q, government=government)
    if request.GET.get("format") == "csv":
        columns = [("name", _("部门")), ("code", _("单位代码")), ("government_name", _("所属政府")),
                   ("volume", _("受理")), ("decided", _("办结")), ("on_time_statutory", _("法定时限内办结率（%）")),
                   ("on_time_promised", _("承诺时限内办结率（%）")), ("avg_days_used", _("平均用时（工作日）")),
                   ("avg_days_limit", _("平均法定时限（工作日）"))]
        content = write_csv([[label for _key, label in columns], *([r[k] for k, _label in columns] for r in rates.rows)])
        return download(content, f"on-time-rates-{today:%Y%m%d}.csv")
    query = request.GET.copy()
    query["format"] = "csv"
    return render(request, "supervision/public.html", {
        "stats": rates.rows, "stat_table": PUBLIC_STATISTICS.page(request, rates.rows), "start": start, "today": today, "q": q, "district": government,
        "governments": rates.governments, "csv_query": query.urlencode(), "chart": _chart_json(rates.rows),
    })
