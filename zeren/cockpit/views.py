"""Pages of the leader cockpit (领导驾驶舱) and of the workbench (我的工作台). Thin: selectors read,
the one action urges."""

from __future__ import annotations

from dataclasses import asdict
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from zeren.cockpit import actions, registry, rules, selectors
from zeren.cockpit.models import UrgeLevel
from zeren.core.boards import unit_label
from zeren.core.tables import Table, page_of
from zeren.org.models import displayed_name_key

# The workbench's queue: merged from every app's items by deadline (zeren.cockpit.selectors), paged there.
WORK = Table(size=rules.PAGE_SIZES[0], sizes=rules.PAGE_SIZES)


@login_required
def index(request: HttpRequest, code: str = "") -> HttpResponse:
    """The cockpit of ``code`` (a unit the viewer may see whole), or of the top of their scope."""
    if not code and request.GET.get("code"):  # the "open a unit below" form
        return redirect("cockpit:unit", code=request.GET["code"][:64])
    today = timezone.localdate()
    unit = selectors.cockpit_unit_for(request.user, code) if code else selectors.home_unit_for(request.user)
    shown = selectors.panels_for(request.user, unit, today)
    charts = []
    for s in shown:
        for chart in s.data.charts:
            chart_id = f"chart-{len(charts) + 1}"
            s.chart_ids.append((chart_id, chart))
            charts.append({"id": chart_id, **asdict(chart)})
    return render(request, "cockpit/index.html", {
        "unit": unit, "unit_name": unit_label(unit.name, unit.name_en), "today": today, "shown": shown,
        "charts": charts, "breaking": selectors.breaking_for(unit, shown),
        "ancestors": selectors.ancestors_in_scope(request.user, unit),
        "children": [(c.code, unit_label(c.name, c.name_en)) for c in selectors.children_of(unit)],
    })


def _filters(request: HttpRequest) -> tuple[selectors.Filters, str, list]:
    kinds = tuple(k for k in request.GET.getlist("kind") if registry.queue(k))
    text = request.GET.get("unit", "").strip()[:100]
    units = selectors.units_matching(request.user, text) if text else []
    flt = selectors.Filters(kinds=kinds, unit_paths=tuple(u.path for u in units), overdue=bool(request.GET.get("overdue")),
                            no_match=bool(text) and not units)
    return flt, text, units


def _int(value: str | None, default: int) -> int:
    try:
        return int(value or default)
    except ValueError:
        return default


@login_required
def workbench(request: HttpRequest) -> HttpResponse:
    """My workbench: everything due from me or my unit, soonest deadline first (``view=mine``); for
    supervision, the units' open items to urge or escalate (``view=watch``); ``state=closed`` the history."""
    today = timezone.localdate()
    may_watch = selectors.may_watch(request.user)
    view = request.GET.get("view", selectors.MINE)
    view = view if view in (selectors.MINE, selectors.WATCH) and (view == selectors.MINE or may_watch) else selectors.MINE
    closed = request.GET.get("state") == "closed"
    flt, unit_text, units = _filters(request)
    work = selectors.work_page(request.user, today, mode=view, flt=flt, page=_int(request.GET.get("page"), 1),
                               size=WORK.size_of(request.GET), closed=closed)
    mine = selectors.counts(request.user, today, selectors.MINE)
    watch = selectors.counts(request.user, today, selectors.WATCH) if may_watch else {}
    current = watch if view == selectors.WATCH else mine
    return render(request, "cockpit/workbench.html", {
        "home_unit": unit_label(request.user.unit.name, request.user.unit.name_en) if request.user.unit else "",
        "work": work, "view": view, "closed": closed, "bulk": view == selectors.WATCH and not closed, "may_watch": may_watch, "today": today,
        "table": WORK.listing(request, page_of(work.rows, work.page, work.total, work.size)),
        "unit_text": unit_text, "units": units, "flt": flt,
        "kinds": [(q, current.get(q.kind, (0, 0))) for q in registry.queues() if q.kind in current or q.kind in flt.kinds],
        "mine_total": sum(n for n, _ in mine.values()), "watch_total": sum(n for n, _ in watch.values()),
        "mine_overdue": sum(late for _, late in mine.values()),
        "picker": selectors.units_for_picker(request.user, view),
        "received": selectors.received_urges(request.user), "levels": UrgeLevel,
        "here": f"{reverse('workbench:index')}?{request.GET.urlencode()}",
    })


@login_required
def count(request: HttpRequest) -> HttpResponse:
    """The navigation's badge (fetched by htmx after the page loads): my open items, red when some are late."""
    found = selectors.counts(request.user, timezone.localdate(), selectors.MINE)
    total, late = sum(n for n, _ in found.values()), sum(n for _, n in found.values())
    return render(request, "cockpit/_count.html", {"total": total, "late": late})


@login_required
@require_POST
def urge(request: HttpRequest) -> HttpResponse:
    """Urge or escalate the chosen items (bulk); answers with a confirmation message."""
    refs = []
    for value in request.POST.getlist("item"):
        kind, _sep, pk = value.rpartition(":")
        if kind and pk.isdigit():
            refs.append((kind, int(pk)))
    level = request.POST.get("level", UrgeLevel.URGE)
    try:
        created = actions.do_urge_items(actor=request.user, refs=refs, level=level, note=request.POST.get("note", ""))
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, "；".join(getattr(exc, "messages", None) or [str(exc)]))
    else:
        if level == UrgeLevel.ESCALATE:
            to = sorted({unit_label(u.escalated_to.name, u.escalated_to.name_en) for u in created if u.escalated_to},
                        key=displayed_name_key)
            messages.success(request, ngettext("已提级督办 %(n)d 项，报%(to)s", "已提级督办 %(n)d 项，报%(to)s",
                                               len(created)) % {"n": len(created), "to": "、".join(to)})
        else:
            messages.success(request, ngettext("已催办 %(n)d 项，催办记录已存档", "已催办 %(n)d 项，催办记录已存档",
                                               len(created)) % {"n": len(created)})
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = f"{reverse('workbench:index')}?{urlencode({'view': selectors.WATCH})}"
    return redirect(back)
