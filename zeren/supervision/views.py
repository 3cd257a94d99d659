"""Pages of electronic supervision: the live board (officers see the city, departments themselves),
a case's timeline, and the public on-time rates (阳光政务). Thin: selectors read, actions write."""

from __future__ import annotations

import json
from collections import Counter
from datetime import timedelta

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
from zeren.supervision.actions import ALERT_MOVES, do_move_alert
from zeren.supervision.models import AlertStatus, AlertType, ApprovalCase, ScanRun
from zeren.supervision.selectors import (
    alerts_for,
    case_timeline,
    cases_for,
    get_case_for,
    monthly_trend,
    unit_statistics,
)

SEVERITY = [AlertType.RED_CARD, AlertType.FEE_OVER_STANDARD, AlertType.MISSING_STEP, AlertType.ORDER_VIOLATION,
            AlertType.DENIED_WITHOUT_REASON, AlertType.STEP_OVERTIME, AlertType.SUSPENSION_ABUSE,
            AlertType.LATE_ENTRY, AlertType.PROMISE_BROKEN, AlertType.YELLOW_CARD]
AGE_BUCKETS = [(0, 3, "0–3"), (4, 10, "4–10"), (11, 30, "11–30"), (31, 10**6, ">30")]


@login_required
def index(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    unit = request.GET.get("unit", "")
    kind = request.GET.get("type", "")
    alerts = alerts_for(request.user, as_of=today, unit_code=unit)
    by_type = dict(alerts.order_by().values_list("type").annotate(n=Count("id")))
    ages = Counter()
    for since in alerts.filter(type=AlertType.RED_CARD).values_list("since", flat=True):
        age = (today - since).days
        ages[next(label for low, high, label in AGE_BUCKETS if low <= age <= high)] += 1
    listed = alerts.filter(type=kind) if kind else alerts.filter(type=AlertType.RED_CARD)
    start = today - timedelta(days=365)
    cases = cases_for(request.user)
    stats = unit_statistics(cases, start, today)
    trend = monthly_trend(cases, start, today)
    labels = dict(AlertType.choices)
    return render(request, "supervision/index.html", {
        "today": today, "unit": unit, "kind": kind,
        "counts": [(t, labels[t], by_type.get(t, 0)) for t in SEVERITY],
        "ages": [(label, ages.get(label, 0)) for *_, label in AGE_BUCKETS],
        "alerts": listed.order_by("since", "id")[:100], "stats": stats, "scan": ScanRun.objects.first(),
        "chart": json.dumps({"units": [s["unit_name"] for s in stats],
                             "statutory": [s["on_time_statutory"] for s in stats],
                             "promised": [s["on_time_promised"] for s in stats],
                             "months": [t["month"] for t in trend], "volume": [t["volume"] for t in trend],
                             "late": [t["late"] for t in trend]}, ensure_ascii=False),
    })


@login_required
def case_detail(request: HttpRequest, case_id: str) -> HttpResponse:
    case = get_case_for(request.user, case_id)
    alerts = list(case.alerts.select_related("unit").order_by("since"))
    for alert in alerts:
        alert.moves = [(s, AlertStatus(s).label) for s in ALERT_MOVES[alert.status]]
    return render(request, "supervision/case.html", {
        "case": case, "events": case_timeline(case), "alerts": alerts, "labels": dict(AlertType.choices),
    })


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
