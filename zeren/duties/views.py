"""Pages of the function catalogue (thin): list, item, batches and diff, analysis with resolution forms, positions."""

from __future__ import annotations

import io
import json
from datetime import date

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zeren.access.rules import EDIT
from zeren.access.scope import can
from zeren.duties import actions, selectors
from zeren.duties.exchange import write_json, write_xlsx
from zeren.duties.models import (
    Area,
    Category,
    ChangeKind,
    FindingKind,
    FindingStatus,
    ReformBatch,
)
from zeren.duties.rules import format_legal_basis, highlight
from zeren.org.models import Level

PAGE_SIZE = 50


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _filter(request: HttpRequest) -> selectors.CatalogueFilter:
    g = request.GET
    return selectors.CatalogueFilter(q=g.get("q", "").strip(), category=g.get("category", ""), area=g.get("area", ""),
                                     level=g.get("level", ""), unit=g.get("unit", "").strip(),
                                     as_of=_date(g.get("as_of")))


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The catalogue (权责清单), current or as of a date, with search and filters."""
    flt = _filter(request)
    page = Paginator(selectors.catalogue_for(request.user, flt).only(
        "code", "name", "category", "area", "level", "unit_codes", "valid_from"), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "duties/index.html", {
        "page": page, "flt": flt, "query": query.urlencode(), "categories": Category.choices, "areas": Area.choices,
        "levels": Level.choices, "labels": {**dict(Category.choices), **dict(Area.choices), **dict(Level.choices)},
        "batches": ReformBatch.objects.order_by("-date", "-pk")[:20],
    })


@login_required
def export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The filtered catalogue in the published layout (xlsx) or as JSON."""
    flt = _filter(request)
    contents = list(selectors.catalogue_for(request.user, flt).values_list("content", flat=True))
    if fmt == "json":
        out = io.StringIO()
        write_json(contents, out)
        response = HttpResponse(out.getvalue(), content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="duties.json"'
        return response
    buffer = io.BytesIO()
    write_xlsx(contents, buffer)
    response = HttpResponse(buffer.getvalue(),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = 'attachment; filename="duties.xlsx"'
    return response


@login_required
def item_detail(request: HttpRequest, code: str) -> HttpResponse:
    item = selectors.get_item_for(request.user, code)
    return render(request, "duties/item.html", {
        "item": item, "basis": format_legal_basis(item.legal_basis),
        "history": selectors.item_history(item), "children": item.children.filter(is_active=True),
        "findings": selectors.findings_for(request.user).filter(items=item),
        "positions": selectors.positions_for(request.user).filter(items=item),
    })


@login_required
def batches(request: HttpRequest) -> HttpResponse:
    """Reform batches and the diff between two of them (added, removed, transferred, changed)."""
    all_batches = list(ReformBatch.objects.order_by("date", "pk"))
    by_pk = {str(b.pk): b for b in all_batches}
    old, new = by_pk.get(request.GET.get("old", "")), by_pk.get(request.GET.get("new", ""))
    if old is None and new is None and len(all_batches) >= 2:
        old, new = all_batches[-2], all_batches[-1]
    diff = selectors.batch_diff(old, new) if old and new else None
    sections = [(kind, ChangeKind(kind).label, diff[kind]) for kind in ("added", "removed", "transferred", "changed")] \
        if diff else []
    return render(request, "duties/batches.html", {"batches": all_batches, "old": old, "new": new,
                                                   "sections": sections})


@login_required
def analysis(request: HttpRequest) -> HttpResponse:
    """Findings of the analysis, filtered; near-duplicate pairs with their matching parts marked."""
    kind, status, unit = request.GET.get("kind", ""), request.GET.get("status", "open"), request.GET.get("unit", "")
    qs = selectors.findings_for(request.user, kind=kind, status=status, unit=unit)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    for finding in page:
        _decorate(finding)
    query = request.GET.copy()
    query.pop("page", None)
    counts = dict(selectors.finding_counts(request.user, status))
    return render(request, "duties/analysis.html", {
        "page": page, "kinds": [(k, label, counts.get(k, 0)) for k, label in FindingKind.choices],
        "statuses": FindingStatus.choices, "kind": kind, "status": status, "unit": unit,
        "query": query.urlencode(),
    })


def _decorate(finding) -> None:
    if finding.kind == FindingKind.NEAR_DUPLICATE and len(finding.evidence.get("names", [])) == 2:
        finding.left, finding.right = highlight(*finding.evidence["names"])


@login_required
def finding_detail(request: HttpRequest, pk: int) -> HttpResponse:
    finding = selectors.get_finding_for(request.user, pk)
    _decorate(finding)
    return render(request, "duties/finding.html", {"finding": finding, "may_resolve": _may_resolve(request, finding),
                                                   "evidence": json.dumps(finding.evidence, ensure_ascii=False,
                                                                          indent=1)})


def _may_resolve(request: HttpRequest, finding) -> bool:
    return finding.unit is not None and can(request.user, EDIT, finding.unit)


@login_required
@require_POST
def resolve(request: HttpRequest, pk: int) -> HttpResponse:
    """The resolution forms (htmx): assign a lead unit, merge, split, or mark as intended."""
    finding = selectors.get_finding_for(request.user, pk)
    if not _may_resolve(request, finding):
        raise PermissionDenied
    how, reason, p = request.POST.get("how", ""), request.POST.get("reason", "").strip(), request.POST
    error = ""
    try:
        if how == "intended":
            actions.do_mark_intended(actor=request.user, finding=finding, reason=reason)
        elif how == "assign_lead":
            actions.do_assign_lead(actor=request.user, finding=finding, item_code=p.get("item", ""),
                                   unit_code=p.get("unit", ""), reason=reason)
        elif how == "merge":
            keep = p.get("keep", "")
            actions.do_merge_items(actor=request.user, finding=finding, keep_code=keep,
                                   merge_codes=[c for c in finding.item_codes if c != keep], reason=reason)
        elif how == "split":
            parts = [tuple(line.split(maxsplit=2)) for line in p.get("parts", "").splitlines() if line.strip()]
            if any(len(part) != 3 for part in parts):
                raise actions.CatalogueError(_("每行须为：编码 单位代码 名称"))
            actions.do_split_item(actor=request.user, finding=finding, item_code=p.get("item", ""),
                                  parts=[(c, n, u) for c, u, n in parts], reason=reason)
        else:
            error = _("未知的处理方式")
    except actions.CatalogueError as exc:
        error = str(exc)
    finding.refresh_from_db()
    _decorate(finding)
    return render(request, "duties/_resolution.html", {"finding": finding, "error": error,
                                                       "may_resolve": _may_resolve(request, finding)})


@login_required
def positions(request: HttpRequest) -> HttpResponse:
    """Position descriptions (职位说明书) and the coverage check of the units in the user's scope."""
    unit = request.GET.get("unit", "").strip()
    report = selectors.coverage_for(request.user, unit)
    return render(request, "duties/positions.html", {"report": report, "unit": unit})


@login_required
def position_detail(request: HttpRequest, pk: int) -> HttpResponse:
    pd = get_object_or_404(selectors.positions_for(request.user).prefetch_related("items"), pk=pk)
    return render(request, "duties/position.html", {"pd": pd})
