"""Every write of investment-project supervision (重大投资项目审批电子监管), each audited.

``check_*`` functions say who may: the lead unit's staff (edit) or a supervision officer
(supervise) over the lead unit; ``actor=None`` is the system (demo, imports). Prerequisites
are refused when they would close a loop, with the loop named in the message.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from zeren.access.rules import EDIT, SUPERVISE
from zeren.access.scope import can
from zeren.audit.actions import record_change, snapshot
from zeren.org.models import Unit
from zeren.supervision.models import ApprovalCase
from zeren.supervision.projects.models import Dependency, Project, Stage
from zeren.supervision.projects.rules import cycle_if_added

PROJECT_FIELDS = ["code", "name", "applicant", "lead_unit_id", "investment", "started_on"]
STAGE_FIELDS = ["project_id", "code", "name", "unit_id", "case_id", "limit_days", "sort_order"]


def check_manage_project(actor: Any, lead_unit: Unit) -> None:
    """The lead unit (edit) or supervision (supervise) over it may create and change a project."""
    if actor is None:
        return
    if not (can(actor, EDIT, lead_unit) or can(actor, SUPERVISE, lead_unit)):
        raise PermissionDenied(f"may not manage projects led by {lead_unit.code}")


def do_create_project(*, actor: Any, code: str, name: str, lead_unit: Unit, started_on: date,
                      applicant: str = "", investment: Decimal | int | str = 0) -> Project:
    """Register a major investment project (重大投资项目赋码登记)."""
    check_manage_project(actor, lead_unit)
    project = Project(code=code, name=name, lead_unit=lead_unit, started_on=started_on, applicant=applicant,
                      investment=Decimal(str(investment)))
    project.full_clean()
    with transaction.atomic():
        project.save()
        record_change(actor=actor, action="projects.create_project", obj=project, before=None,
                      after=snapshot(project, PROJECT_FIELDS))
    return project


def _case_for(stage_unit: Unit, case_id: str) -> ApprovalCase:
    cases = ApprovalCase.objects.select_related("unit", "item").filter(case_id=case_id).order_by("pk")
    # Case ids are unique per source system: the one handled under the stage's unit, if any.
    case = cases.filter(unit__path__startswith=stage_unit.path).first() or cases.first()
    if case is None:
        raise ValidationError({"case": _("办件 %(case)s 不存在") % {"case": case_id}})
    if not case.unit.path.startswith(stage_unit.path):
        raise ValidationError({"case": _("办件 %(case)s 不由 %(unit)s 办理") % {"case": case_id,
                                                                            "unit": stage_unit.name}})
    return case


def do_add_stage(*, actor: Any, project: Project, code: str, name: str, unit: Unit,
                 limit_days: int | None = None, case_id: str = "", sort_order: int | None = None) -> Stage:
    """Add an approval the project needs (审批环节), optionally with its case (办件) already filed.

    ``limit_days`` defaults to the case's item's statutory limit (法定时限).
    """
    check_manage_project(actor, project.lead_unit)
    case = _case_for(unit, case_id) if case_id else None
    if limit_days is None:
        if case is None:
            raise ValidationError({"limit_days": _("未关联办件时须填写法定时限")})
        limit_days = case.item.statutory_days
    if sort_order is None:
        sort_order = project.stages.count()
    stage = Stage(project=project, code=code, name=name, unit=unit, case=case, limit_days=limit_days,
                  sort_order=sort_order)
    stage.full_clean()
    with transaction.atomic():
        stage.save()
        record_change(actor=actor, action="projects.add_stage", obj=stage, before=None,
                      after=snapshot(stage, STAGE_FIELDS))
    return stage


def do_link_case(*, actor: Any, stage: Stage, case_id: str) -> Stage:
    """Link the case the applicant filed for this stage (关联办件), once the department received it."""
    check_manage_project(actor, stage.project.lead_unit)
    case = _case_for(stage.unit, case_id)
    with transaction.atomic():
        stage = Stage.objects.select_for_update().get(pk=stage.pk)
        before = snapshot(stage, STAGE_FIELDS)
        stage.case = case
        stage.full_clean()
        stage.save(update_fields=["case"])
        record_change(actor=actor, action="projects.link_case", obj=stage, before=before,
                      after=snapshot(stage, STAGE_FIELDS))
    return stage


def do_set_dependency(*, actor: Any, stage: Stage, requires: Stage) -> Dependency:
    """Record that ``stage`` may be filed only once ``requires`` is approved (前置审批).

    Refused, naming the loop, when it would make the prerequisites circular; idempotent.
    """
    check_manage_project(actor, stage.project.lead_unit)
    if stage.project_id != requires.project_id:
        raise ValidationError({"requires": _("前置环节必须属于同一项目")})
    with transaction.atomic():
        Project.objects.select_for_update().filter(pk=stage.project_id).first()  # one writer per project graph
        existing = Dependency.objects.filter(stage=stage, requires=requires).first()
        if existing is not None:
            return existing
        edges: dict[str, list[str]] = {}
        names = dict(Stage.objects.filter(project_id=stage.project_id).values_list("code", "name"))
        for after, before in Dependency.objects.filter(stage__project_id=stage.project_id).values_list(
                "stage__code", "requires__code"):
            edges.setdefault(after, []).append(before)
        loop = cycle_if_added(edges, stage.code, requires.code)
        if loop:
            chain = " → ".join(names.get(c, c) for c in loop)
            raise ValidationError({"requires": _("不能设置该前置环节：会形成循环依赖（%(chain)s）。"
                                                 "每个箭头表示“需要先完成”。") % {"chain": chain}})
        dependency = Dependency.objects.create(stage=stage, requires=requires)
        record_change(actor=actor, action="projects.set_dependency", obj=dependency, before=None,
                      after={"stage": stage.code, "requires": requires.code, "project": stage.project.code})
    return dependency


def do_remove_dependency(*, actor: Any, dependency: Dependency) -> None:
    """Drop a prerequisite (取消前置审批)."""
    check_manage_project(actor, dependency.stage.project.lead_unit)
    with transaction.atomic():
        before = {"stage": dependency.stage.code, "requires": dependency.requires.code,
                  "project": dependency.stage.project.code}
        record_change(actor=actor, action="projects.remove_dependency", obj=dependency, before=before, after=None)
        dependency.delete()
