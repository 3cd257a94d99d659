"""Investment-project API (重大投资项目审批电子监管): boards and bottlenecks within the caller's scope.

Mounted by ``zeren/api.py`` under ``/api/v1/projects/``.
"""

from __future__ import annotations

from datetime import date

from django.utils import timezone
from ninja import Router, Schema
from ninja.pagination import paginate

from zeren.core.pagination import BoundedLimitOffsetPagination
from zeren.supervision.projects.selectors import (
    ProjectBoard,
    board_for,
    boards,
    bottlenecks,
    filter_boards,
    projects_for,
)

router = Router(tags=["projects"])


class StageOut(Schema):
    code: str
    name: str
    unit_code: str
    case_id: str | None
    requires: list[str]
    state: str
    limit_days: int
    used_days: int | None
    over_days: int
    start: int
    end: int
    projected: bool
    critical: bool


class ProjectOut(Schema):
    code: str
    name: str
    applicant: str
    lead_unit_code: str
    investment: str
    started_on: date
    status: str
    elapsed_days: int
    total_days: int
    finish: date
    statutory_critical_days: int
    critical_path: list[str]
    holders: list[str]
    overdue: list[str]


class ProjectDetailOut(ProjectOut):
    stages: list[StageOut]


class UnitLoadOut(Schema):
    unit_code: str
    unit_name: str
    held_projects: int
    held_days: int
    longest: int
    overdue_now: int
    finished: int
    average_used: float | None
    average_limit: float | None
    finished_over: int


def _project(board: ProjectBoard, with_stages: bool = False) -> dict:
    s, p = board.schedule, board.project
    out = {"code": p.code, "name": p.name, "applicant": p.applicant, "lead_unit_code": p.lead_unit.code,
           "investment": f"{p.investment:.2f}", "started_on": p.started_on, "status": s.status.value,
           "elapsed_days": s.elapsed, "total_days": s.total, "finish": s.finish,
           "statutory_critical_days": s.planned.length, "critical_path": list(s.path),
           "holders": [st.unit.code for st in board.holders], "overdue": list(s.overdue)}
    if with_stages:
        out["stages"] = [{"code": st.code, "name": st.name, "unit_code": st.unit.code,
                          "case_id": st.case.case_id if st.case_id else None,
                          "requires": board.requires.get(st.code, []), "state": bar.state.value,
                          "limit_days": st.limit_days, "used_days": bar.used, "over_days": bar.over,
                          "start": bar.start, "end": bar.end, "projected": bar.projected,
                          "critical": st.code in s.path}
                         for st in board.stages for bar in [s.bars[st.code]]]
    return out


@router.get("/", response=list[ProjectOut])
@paginate(BoundedLimitOffsetPagination)
def list_projects(request, status: str = "", unit: str = ""):
    """Projects in your scope with elapsed working days, current holders and critical path
    (filters: status, the code of a unit holding the project now)."""
    rows = filter_boards(boards(projects_for(request.user), timezone.localdate()), status=status, unit_code=unit)
    return [_project(b) for b in rows]


@router.get("/bottlenecks", response=list[UnitLoadOut])
def list_bottlenecks(request):
    """Per department: projects it holds now and for how long, and its decided stages against their limits."""
    units = bottlenecks(boards(projects_for(request.user), timezone.localdate()))
    return [{"unit_code": u.unit_code, "unit_name": u.unit_name, "held_projects": u.load.held_projects,
             "held_days": u.load.held_days, "longest": u.load.longest, "overdue_now": u.load.overdue_now,
             "finished": u.load.finished, "average_used": u.load.average_used,
             "average_limit": u.load.average_limit, "finished_over": u.load.finished_over} for u in units]


@router.get("/{code}", response=ProjectDetailOut)
def get_project(request, code: str):
    return _project(board_for(request.user, code, timezone.localdate()), with_stages=True)
