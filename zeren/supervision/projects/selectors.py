"""Reads of investment-project supervision, scoped to the user.

A user sees a project when its lead unit or the unit of any of its stages is in their scope:
a department sees the projects it has a hand in, supervision officers the whole city. Boards are
built in three queries (projects, stages with their units and cases, prerequisites) whatever
the number of projects.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from zeren.access.rules import VIEW
from zeren.access.scope import scope_queryset
from zeren.supervision.projects.models import Dependency, Project, Stage
from zeren.supervision.projects.rules import (
    ProjectStatus,
    Schedule,
    StageFacts,
    UnitLoad,
    project_schedule,
    unit_bottlenecks,
)


def projects_for(user: Any) -> QuerySet[Project]:
    """Projects led by, or with a stage handled by, a unit in the user's scope."""
    led = scope_queryset(user, Project.objects.all(), unit_path_field="lead_unit__path", capability=VIEW)
    handled = scope_queryset(user, Stage.objects.all(), unit_path_field="unit__path", capability=VIEW)
    return Project.objects.select_related("lead_unit").filter(
        Q(pk__in=led.values("pk")) | Q(pk__in=handled.values("project_id")))


def get_project_for(user: Any, code: str) -> Project:
    project = projects_for(user).filter(code=code).first()
    if project is None:
        raise Http404("no such project")
    return project


@dataclass
class ProjectBoard:
    """A project with its stages, their prerequisites and the derived schedule."""

    project: Project
    stages: list[Stage]
    requires: dict[str, list[str]]
    schedule: Schedule

    @property
    def by_code(self) -> dict[str, Stage]:
        return {s.code: s for s in self.stages}

    @property
    def holders(self) -> list[Stage]:
        """Stages a department holds now (the project's current holders)."""
        stages = self.by_code
        return [stages[c] for c in self.schedule.held]

    @property
    def ready(self) -> list[Stage]:
        stages = self.by_code
        return [stages[c] for c in self.schedule.ready]

    @property
    def overdue(self) -> list[Stage]:
        stages = self.by_code
        return [stages[c] for c in self.schedule.overdue]


def stage_facts(stage: Stage, requires: Iterable[str]) -> StageFacts:
    case = stage.case
    if case is None:
        return StageFacts(stage.code, stage.limit_days, tuple(requires))
    return StageFacts(stage.code, stage.limit_days, tuple(requires), received=case.received_date,
                      decided=case.decided_date, outcome=case.outcome, withdrawn=case.withdrawn_date,
                      suspended_since=case.suspended_since, extension_days=case.extension_days)


def boards(projects: QuerySet[Project], as_of: date) -> list[ProjectBoard]:
    """Each project's board on ``as_of``: stages, prerequisites and schedule (three queries)."""
    from zeren.workcal.selectors import get_calendar

    cal = get_calendar()
    chosen = list(projects)
    ids = [p.pk for p in chosen]
    stages: dict[int, list[Stage]] = {pk: [] for pk in ids}
    for stage in Stage.objects.filter(project_id__in=ids).select_related("unit", "case").order_by(
            "project_id", "sort_order", "id"):
        stages[stage.project_id].append(stage)
    requires: dict[int, dict[str, list[str]]] = {pk: {} for pk in ids}
    for project_id, after, before in Dependency.objects.filter(stage__project_id__in=ids).values_list(
            "stage__project_id", "stage__code", "requires__code").order_by("requires__sort_order", "requires_id"):
        requires[project_id].setdefault(after, []).append(before)
    out = []
    for project in chosen:
        needs = requires[project.pk]
        facts = [stage_facts(s, needs.get(s.code, ())) for s in stages[project.pk]]
        schedule = project_schedule(facts, project.started_on, max(as_of, project.started_on), cal)
        out.append(ProjectBoard(project, stages[project.pk], needs, schedule))
    return out


def board_for(user: Any, code: str, as_of: date) -> ProjectBoard:
    return boards(projects_for(user).filter(pk=get_project_for(user, code).pk), as_of)[0]


def filter_boards(rows: list[ProjectBoard], *, status: str = "", unit_code: str = "") -> list[ProjectBoard]:
    """The list filter shared by the page and the API: status, and a unit holding the project now."""
    if status:
        rows = [b for b in rows if b.schedule.status == status]
    if unit_code:
        rows = [b for b in rows if any(s.unit.code == unit_code or f"/{unit_code}/" in s.unit.path
                                       for s in b.holders)]
    return rows


@dataclass
class UnitBottleneck:
    unit_code: str
    unit_name: str
    load: UnitLoad
    projects: list[ProjectBoard]  # the projects it holds now, longest-held first


def bottlenecks(rows: list[ProjectBoard]) -> list[UnitBottleneck]:
    """Across the given projects: which departments hold most projects longest (梗阻部门)."""
    names: dict[str, str] = {}
    facts = []
    held: dict[str, list[tuple[int, ProjectBoard]]] = {}
    for board in rows:
        for stage in board.stages:
            bar = board.schedule.bars[stage.code]
            names[stage.unit.code] = stage.unit.display_name
            facts.append((board.project.code, stage.unit.code, bar))
            if stage.code in board.schedule.held:
                held.setdefault(stage.unit.code, []).append((bar.used or 0, board))
    out = []
    for load in unit_bottlenecks(facts):
        projects = [b for _, b in sorted(held.get(load.unit, []), key=lambda x: -x[0])]
        out.append(UnitBottleneck(load.unit, names[load.unit], load, projects))
    return out


STATUSES = [s.value for s in ProjectStatus]
