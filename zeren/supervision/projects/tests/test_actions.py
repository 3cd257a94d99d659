import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zeren.audit.models import AuditEntry
from zeren.org.testing import make_user
from zeren.supervision.projects.actions import (
    do_add_stage,
    do_create_project,
    do_link_case,
    do_remove_dependency,
    do_set_dependency,
)
from zeren.supervision.projects.models import Dependency, Stage

pytestmark = pytest.mark.django_db


def test_writes_are_audited(projects):
    actions = set(AuditEntry.objects.filter(action__startswith="projects.").values_list("action", flat=True))
    assert actions == {"projects.create_project", "projects.add_stage", "projects.set_dependency"}
    stage = Stage.objects.get(project__code="P1", code="approval")
    assert stage.case.case_id == "P1-approval" and stage.limit_days == 20  # the item's statutory limit


def test_cycle_is_refused_with_the_loop_named(projects):
    p1 = projects["P1"]
    approval, construction = (Stage.objects.get(project=p1, code=c) for c in ("approval", "construction"))
    with pytest.raises(ValidationError) as err:
        do_set_dependency(actor=None, stage=approval, requires=construction)
    message = " ".join(err.value.messages)
    assert "循环" in message and "企业投资项目核准 → 建筑工程施工许可证核发 → 企业投资项目核准" in message
    with pytest.raises(ValidationError):
        do_set_dependency(actor=None, stage=approval, requires=approval)
    assert Dependency.objects.filter(stage=approval).count() == 0
    # a repeated prerequisite is not a second row
    do_set_dependency(actor=None, stage=construction, requires=approval)
    assert Dependency.objects.filter(stage=construction).count() == 2


def test_prerequisite_from_another_project_is_refused(projects):
    with pytest.raises(ValidationError):
        do_set_dependency(actor=None, stage=Stage.objects.get(project__code="P1", code="eia"),
                          requires=Stage.objects.get(project__code="P2", code="approval"))


def test_only_the_lead_unit_or_supervision_manage(city, projects):
    outsider = make_user("env", "staff", city["environment"])
    with pytest.raises(PermissionDenied):
        do_create_project(actor=outsider, code="P9", name="x", lead_unit=city["development"], started_on="2026-01-05")
    dependency = Dependency.objects.filter(stage__project__code="P1").first()
    with pytest.raises(PermissionDenied):
        do_remove_dependency(actor=outsider, dependency=dependency)
    officer = make_user("officer", "supervision_officer", city["city"])
    do_remove_dependency(actor=officer, dependency=dependency)
    assert not Dependency.objects.filter(pk=dependency.pk).exists()


def test_a_case_must_belong_to_the_stage_unit_and_only_once(city, projects):
    p2 = projects["P2"]
    construction = Stage.objects.get(project=p2, code="construction")
    with pytest.raises(ValidationError):
        do_link_case(actor=None, stage=construction, case_id="P1-eia")  # handled by the environment bureau
    with pytest.raises(ValidationError):
        do_add_stage(actor=None, project=p2, code="again", name="again", unit=city["development"],
                     case_id="P1-approval")  # already P1's
    with pytest.raises(ValidationError):
        do_add_stage(actor=None, project=p2, code="nolimit", name="x", unit=city["housing"])
