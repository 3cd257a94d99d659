"""Audit pages: the log of one's scope, and the history of one record (an htmx partial)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from zeren.audit.selectors import entries_for, history_for, public_checkpoints


@login_required
def index(request: HttpRequest) -> HttpResponse:
    page = Paginator(entries_for(request.user).order_by("-seq"), 50).get_page(request.GET.get("page"))
    return render(request, "audit/index.html", {"page": page, "checkpoint": public_checkpoints().first()})


@login_required
def history(request: HttpRequest, object_type: str, object_id: str) -> HttpResponse:
    rows = history_for(request.user, object_type, object_id)
    template = "audit/history_table.html" if request.headers.get("HX-Request") else "audit/history.html"
    return render(request, template, {"rows": rows, "object_type": object_type, "object_id": object_id})
