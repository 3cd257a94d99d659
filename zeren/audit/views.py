"""Audit pages: the log of one's scope, and the history of one record (an htmx partial)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy

from zeren.audit.selectors import entries_for, history_for, public_checkpoints
from zeren.core.tables import Column, Table

# The log's sortable columns (zeren.core.tables): its order (序号, the time follows it) and who did what.
LOG = Table(Column("seq", gettext_lazy("序号"), "seq", first="desc", num=True),
            Column("actor", gettext_lazy("操作人"), "actor_username"), Column("action", gettext_lazy("动作"), "action"),
            default="-seq", size=50)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    table = LOG.page(request, entries_for(request.user))
    return render(request, "audit/index.html", {"page": table.page, "table": table, "checkpoint": public_checkpoints().first()})


@login_required
def history(request: HttpRequest, object_type: str, object_id: str) -> HttpResponse:
    rows = history_for(request.user, object_type, object_id)
    template = "audit/history_table.html" if request.headers.get("HX-Request") else "audit/history.html"
    return render(request, template, {"rows": rows, "object_type": object_type, "object_id": object_id})
