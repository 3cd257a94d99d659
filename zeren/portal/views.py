"""Public pages (公开门户): what anyone may read without logging in.

The home page (``/``) is the portal for the anonymous visitor: white papers, sunshine disclosures,
on-time rates, evaluation results, the complaint form and its tracking, surveys, apologies, the
annual accountability report and the audit checkpoints — each a page of its own app, linked here.
A signed-in user is sent to their landing page (``settings.LOGIN_REDIRECT_URL``); the portal stays
at ``/public/`` for them.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils import timezone
from django.utils.translation import gettext_lazy

from zeren.audit.selectors import public_checkpoints
from zeren.core.ratelimit import ratelimit
from zeren.core.tables import Column, Table
from zeren.portal import selectors

# The public lists' sortable columns (zeren.core.tables).
RESULTS = Table(Column("name", gettext_lazy("评估轮次"), "name"), Column("system", gettext_lazy("指标体系"), "system__name"),
                Column("period", gettext_lazy("评估期"), "period_end", "period_start", first="desc"),
                Column("published", gettext_lazy("发布时间"), "published_at", first="desc"), size=30)
CHECKPOINTS = Table(Column("time", gettext_lazy("时间"), "created_at", first="desc"),
                    Column("size", gettext_lazy("树大小"), "tree_size", first="desc", num=True), size=50)


def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated and resolve_url(settings.LOGIN_REDIRECT_URL) != request.path:
        return redirect(settings.LOGIN_REDIRECT_URL)
    return index(request)


@ratelimit("public")
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/index.html", {"front": selectors.front_page()})


@ratelimit("public")
def results(request: HttpRequest) -> HttpResponse:
    """Published evaluation results (绩效评估结果公开): each round's ranking page and PDF report."""
    table = RESULTS.page(request, selectors.published_rounds())
    return render(request, "portal/results.html", {"page": table.page, "table": table})


@ratelimit("public")
def accountability(request: HttpRequest) -> HttpResponse:
    """The public side of accountability (问责公开): complain, track a complaint, apologies, annual reports."""
    this_year = timezone.localdate().year
    return render(request, "portal/accountability.html", {
        "apologies": selectors.latest_apologies(5), "years": list(range(this_year, this_year - 5, -1))})


def transparency(request: HttpRequest) -> HttpResponse:
    """The audit log's published checkpoints and how to check them (透明度：审计检查点)."""
    table = CHECKPOINTS.page(request, public_checkpoints())
    return render(request, "portal/transparency.html", {"page": table.page, "table": table})
