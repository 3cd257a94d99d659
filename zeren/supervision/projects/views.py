"""Pages of investment-project supervision: the project list, a project's stage graph with its
critical path, and the cross-project bottleneck view. Thin: selectors read, actions write."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from zeren.core.tables import Column, Table
from zeren.org.picker import unit_choice
from zeren.supervision.projects.actions import check_manage_project, do_set_dependency
from zeren.supervision.projects.models import PROJECT_STATUS_LABELS, STAGE_STATE_LABELS, Stage
from zeren.supervision.projects.rules import ProjectStatus, StageState
from zeren.supervision.projects.selectors import (
    ProjectBoard,
    board_for,
    boards,
    bottlenecks,
    filter_boards,
    get_project_for,
    projects_for,
)

STATE_COLOURS = {StageState.APPROVED: "#1e7d3a", StageState.HANDLING: "#1f5fa8", StageState.SUSPENDED: "#7a869a",
                 StageState.READY: "#b7791f", StageState.WAITING: "#c3cad4", StageState.DENIED: "#5b2ea6",
                 StageState.WITHDRAWN: "#5b2ea6"}
LIGHT = {StageState.WAITING}
STATUS_BADGE = {ProjectStatus.PREPARING: "", ProjectStatus.IN_PROGRESS: "yellow", ProjectStatus.BLOCKED: "red",
                ProjectStatus.COMPLETED: "green"}


def _decorate(board: ProjectBoard) -> ProjectBoard:
    """Labels the templates show, on the board itself (no logic in templates)."""
    status = board.schedule.status
    board.status_label = PROJECT_STATUS_LABELS[status]
    board.status_badge = STATUS_BADGE[status]
    for stage in board.stages:
        bar = board.schedule.bars[stage.code]
        stage.bar = bar
        stage.state_label = STAGE_STATE_LABELS[bar.state]
        stage.critical = stage.code in board.schedule.path
        stage.requires_names = [board.by_code[c].name for c in board.requires.get(stage.code, [])]
    return board


# The projects' sortable columns (zeren.core.tables); their schedules are computed in Python, a row per project.
PROJECTS = Table(
    Column("name", gettext_lazy("项目"), "project__name"),
    Column("investment", gettext_lazy("总投资（亿元）"), "project__investment_yi", first="desc", num=True),
    Column("started", gettext_lazy("赋码日期"), "project__started_on", first="desc"),
    Column("elapsed", gettext_lazy("已用工作日"), "schedule__elapsed", first="desc", num=True),
    Column("critical", gettext_lazy("法定关键路径"), "schedule__planned__length", first="desc", num=True),
    Column("status", gettext_lazy("状态"), "status_label"), size=50)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    status = request.GET.get("status", "")
    unit = unit_choice(request)  # a name or a code (zeren.org.picker)
    rows = [_decorate(b) for b in filter_boards(boards(projects_for(request.user), today), status=status,
                                                 unit_code=unit.code)]
    rows.sort(key=lambda b: (b.schedule.status == ProjectStatus.COMPLETED, -b.schedule.elapsed))
    table = PROJECTS.page(request, rows)
    return render(request, "projects/index.html", {
        "page": table.page, "table": table, "status": status, "unit": unit, "today": today, "tab": "list",
        "statuses": [(s.value, PROJECT_STATUS_LABELS[s]) for s in ProjectStatus],
    })


def _chart(board: ProjectBoard) -> dict[str, Any]:
    """The stage graph (columns by depth in the DAG) and the Gantt bars, for ECharts."""
    schedule = board.schedule
    depth: dict[str, int] = {}
    for code in schedule.bars:  # bars are in topological order
        depth[code] = 1 + max((depth[r] for r in board.requires.get(code, [])), default=-1)
    rows: dict[int, int] = {}
    nodes = []
    on_path = set(schedule.path)
    for stage in board.stages:
        bar = schedule.bars[stage.code]
        column = depth[stage.code]
        rows[column] = rows.get(column, 0) + 1
        nodes.append({"id": stage.code, "name": stage.name, "unit": stage.unit.display_name, "x": column * 220,
                      "y": rows[column] * 90, "state": str(STAGE_STATE_LABELS[bar.state]),
                      "colour": STATE_COLOURS[bar.state], "text": "#1d2733" if bar.state in LIGHT else "#fff",
                      "critical": stage.code in on_path,
                      "start": bar.start, "end": bar.end, "used": bar.used, "limit": bar.limit,
                      "projected": bar.projected, "over": bar.over})
    edges = [{"source": before, "target": after, "critical": after in on_path and before in on_path
              and schedule.path.index(before) + 1 == schedule.path.index(after)}
             for after, needs in board.requires.items() for before in needs]
    order = list(schedule.bars)
    return {"nodes": nodes, "edges": edges, "order": order,
            "now": schedule.elapsed if schedule.status != ProjectStatus.COMPLETED else None,
            "labels": {"today": _("今天"), "days": _("工作日"), "used": _("用时/法定时限"),
                       "axis": _("自赋码起的工作日")}}


@login_required
def detail(request: HttpRequest, code: str) -> HttpResponse:
    today = timezone.localdate()
    board = _decorate(board_for(request.user, code, today))
    try:
        check_manage_project(request.user, board.project.lead_unit)
        may_manage = True
    except PermissionDenied:
        may_manage = False
    names = board.by_code
    return render(request, "projects/detail.html", {
        "board": board, "project": board.project, "schedule": board.schedule, "today": today,
        "path_names": [names[c].name for c in board.schedule.path], "may_manage": may_manage,
        "stages_by_order": [names[c] for c in board.schedule.bars],
        "chart": json.dumps(_chart(board), ensure_ascii=False),
    })


@login_required
@require_POST
def add_dependency(request: HttpRequest, code: str) -> HttpResponse:
    project = get_project_for(request.user, code)
    stage = get_object_or_404(Stage, project=project, code=request.POST.get("stage", ""))
    requires = get_object_or_404(Stage, project=project, code=request.POST.get("requires", ""))
    try:
        do_set_dependency(actor=request.user, stage=stage, requires=requires)
    except (PermissionDenied, ValidationError) as exc:
        messages.error(request, "; ".join(getattr(exc, "messages", [str(exc)])))
    return redirect("projects:detail", code=project.code)


@login_required
def bottleneck_view(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    units = bottlenecks([_decorate(b) for b in boards(projects_for(request.user), today)])
    shown = [u for u in units if u.load.held_projects or u.load.finished]
    chart = {"units": [u.unit_name for u in shown[:15]][::-1],
             "held": [u.load.held_days for u in shown[:15]][::-1],
             "projects": [u.load.held_projects for u in shown[:15]][::-1],
             "labels": {"days": _("当前累计压件工作日"), "projects": _("当前在办项目"), "unit": _("个项目")}}
    return render(request, "projects/bottlenecks.html", {
        "units": shown, "today": today, "tab": "bottlenecks", "chart": json.dumps(chart, ensure_ascii=False),
    })
