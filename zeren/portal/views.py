"""Public pages (公开门户): what anyone may read without logging in.

The home page (``/``) is the portal for the anonymous visitor: white papers, sunshine disclosures,
on-time rates, evaluation results, the complaint form and its tracking, surveys, apologies, the
annual accountability report and the audit checkpoints — each a page of its own app, linked here.
A signed-in user is sent to their landing page (``settings.LOGIN_REDIRECT_URL``); the portal stays
at ``/public/`` for them.
"""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils import timezone

from zeren.audit.selectors import public_checkpoints
from zeren.core.ratelimit import ratelimit
from zeren.portal import selectors


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
    page = Paginator(selectors.published_rounds(), 30).get_page(request.GET.get("page"))
    return render(request, "portal/results.html", {"page": page})


@ratelimit("public")
def accountability(request: HttpRequest) -> HttpResponse:
    """The public side of accountability (问责公开): complain, track a complaint, apologies, annual reports."""
    this_year = timezone.localdate().year
    return render(request, "portal/accountability.html", {
        "apologies": selectors.latest_apologies(5), "years": list(range(this_year, this_year - 5, -1))})


def transparency(request: HttpRequest) -> HttpResponse:
    """The audit log's published checkpoints and how to check them (透明度：审计检查点)."""
    page = Paginator(public_checkpoints(), 50).get_page(request.GET.get("page"))
    return render(request, "portal/transparency.html", {"page": page})
