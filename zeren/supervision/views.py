"""Pages of electronic supervision: the live board (officers see the city, departments themselves),
a case's timeline, and the public on-time rates (阳光政务). Thin: selectors read, actions write."""

from __future__ import annotations

import json
from collections import Counter
from datetime import timedelta

import numpy as np
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from zeren.core.ratelimit import ratelimit
from zeren.org.models import UnitKind
from zeren.supervision.actions import ALERT_MOVES, check_move_alert, do_move_alert
from zeren.supervision.models import AlertStatus, AlertType, ApprovalCase, ScanRun
from zeren.supervision.selectors import (
    alerts_for,
    case_projects,
    case_timeline,
    cases_for,
    get_case_for,
    monthly_trend,
    unit_statistics,
)

# Severity classes of the board's counts and badges: irregular handling and missed statutory limits
# first (red), then what is late or about to be (amber), then the record-keeping ones.
SEVERE = {AlertType.RED_CARD, AlertType.FEE_OVER_STANDARD, AlertType.MISSING_STEP, AlertType.ORDER_VIOLATION,
          AlertType.DENIED_WITHOUT_REASON}
WARNING = {AlertType.YELLOW_CARD, AlertType.PROMISE_BROKEN, AlertType.STEP_OVERTIME, AlertType.SUSPENSION_ABUSE}
SEVERITY = [AlertType.RED_CARD, AlertType.YELLOW_CARD, AlertType.FEE_OVER_STANDARD, AlertType.MISSING_STEP, AlertType.ORDER_VIOLATION,
            AlertType.DENIED_WITHOUT_REASON, AlertType.STEP_OVERTIME, AlertType.SUSPENSION_ABUSE,
            AlertType.LATE_ENTRY, AlertType.PROMISE_BROKEN]
AGE_BUCKETS = [(0, 3, "0–3"), (4, 10, "4–10"), (11, 30, "11–30"), (31, 10**6, ">30")]  # working days


def severity(alert_type: str) -> str:
    return "bad" if alert_type in SEVERE else "warn" if alert_type in WARNING else ""


def _ages(alerts: list, today) -> None:
    """Each alert's age in working days (行政许可法 第八十二条): how far past its deadline a red card
    or broken promise is, how many days a yellow card has left, how long anything else has stood."""
    from zeren.workcal.selectors import get_calendar

    cal = get_calendar()
    for alert in alerts:
        alert.severity = severity(alert.type)
        alert.late = alert.left = alert.standing = None
        if alert.type in (AlertType.RED_CARD, AlertType.PROMISE_BROKEN) and alert.deadline:
            alert.late = max(0, cal.workdays_between(alert.deadline, today))
        elif alert.type == AlertType.YELLOW_CARD and alert.deadline:
            alert.left = max(0, cal.workdays_between(today, alert.deadline))
        else:
            alert.standing = max(0, cal.workdays_between(alert.since, today))


@login_required
def index(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    unit = request.GET.get("unit", "")
    kind = request.GET.get("type", "")
    alerts = alerts_for(request.user, as_of=today, unit_code=unit)
    by_type = dict(alerts.order_by().values_list("type").annotate(n=Count("id")))
    ages = Counter()
    deadlines = list(alerts.filter(type=AlertType.RED_CARD, deadline__isnull=False).values_list("deadline", flat=True))
    if deadlines:
        from zeren.workcal.selectors import get_calendar

        late = get_calendar().workdays_between_array(np.array(deadlines, dtype="datetime64[D]"),
                                                      np.datetime64(today, "D"))
        for age in late.tolist():
            ages[next(label for low, high, label in AGE_BUCKETS if low <= max(0, age) <= high)] += 1
    listed = alerts.filter(type=kind) if kind else alerts.filter(type=AlertType.RED_CARD)
    shown = list(listed.order_by("since", "id")[:100])
    _ages(shown, today)
    start = today - timedelta(days=365)
    cases = cases_for(request.user)
    stats = unit_statistics(cases, start, today)
    trend = monthly_trend(cases, start, today)
    labels = dict(AlertType.choices)
    return render(request, "supervision/index.html", {
        "today": today, "unit": unit, "kind": kind,
        "counts": [(t, labels[t], by_type.get(t, 0), severity(t)) for t in SEVERITY],
        "kind_label": labels.get(kind, labels[AlertType.RED_CARD]),
        "ages": [(label, ages.get(label, 0)) for *_, label in AGE_BUCKETS],
        "alerts": shown, "stats": stats, "scan": ScanRun.objects.first(),
        "chart": json.dumps({"units": [s["unit_name"] for s in stats],
                             "statutory": [s["on_time_statutory"] for s in stats],
                             "promised": [s["on_time_promised"] for s in stats],
                             "months": [t["month"] for t in trend], "volume": [t["volume"] for t in trend],
                             "late": [t["late"] for t in trend]}, ensure_ascii=False),
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
    """每个部门的按时办结率 — aggregate numbers only, no case is shown (阳光政务)."""
    today = timezone.localdate()
    start = today - timedelta(days=365)
    cases = ApprovalCase.objects.filter(unit__kind=UnitKind.DEPARTMENT)
    stats = [{k: s[k] for k in ("unit_name", "volume", "decided", "on_time_statutory", "on_time_promised",
                                "avg_days_used", "avg_days_limit")} for s in unit_statistics(cases, start, today)]
    stats.sort(key=lambda s: -(s["on_time_statutory"] or 0))
    return render(request, "supervision/public.html", {
        "stats": stats, "start": start, "today": today,
        "chart": json.dumps({"units": [s["unit_name"] for s in stats],
                             "statutory": [s["on_time_statutory"] for s in stats],
                             "promised": [s["on_time_promised"] for s in stats]}, ensure_ascii=False),
    })
