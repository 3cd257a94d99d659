"""Public pages (公开门户): what anyone may read without logging in."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from zeren.audit.selectors import public_checkpoints


def index(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/index.html")


def transparency(request: HttpRequest) -> HttpResponse:
    """The audit log's published checkpoints and how to check them (透明度：审计检查点)."""
    page = Paginator(public_checkpoints(), 50).get_page(request.GET.get("page"))
    return render(request, "portal/transparency.html", {"page": page})
