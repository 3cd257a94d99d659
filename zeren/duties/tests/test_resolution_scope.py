"""Who may resolve a duty finding, and on what (issue 11, item 1).

Only the 编办 (``administer_duties``) resolves, and only over the finding's unit and over every
unit of every item it touches; the items must be the finding's own; a split makes new items only.
The actions check this themselves, and each changed item's own history records the change.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from zeren.access.models import Role
from zeren.audit.models import AuditEntry
from zeren.duties import actions
from zeren.duties.actions import CatalogueError, current_contents, do_record_findings
from zeren.duties.analysis import analyse
from zeren.duties.models import DutyFinding, FunctionItem
from zeren.duties.tests.factories import content, load
from zeren.org.testing import make_small_tree, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    units = make_small_tree()
    load([
        content("SC-1", "食品经营许可", ["SZ-SCJG"], matters=[]),  # no responsibilities: a finding of SZ-SCJG
        content("ZJ-1", "建筑工程施工许可", ["SZ-ZJ"], category="行政确认", basis="《中华人民共和国建筑法》第七条"),
        content("TWO", "特种设备使用登记", ["SZ-SCJG", "SZ-ZJ"], category="行政检查",
                basis="《中华人民共和国特种设备安全法》第三十三条"),
    ], "首批", date(2026, 1, 1))
    do_record_findings(actor=None, report=analyse())
    return units


def own_finding() -> DutyFinding:
    return DutyFinding.objects.get(kind="no_responsibility", item_codes=["SC-1"])


def leads(code: str) -> list[str]:
    return current_contents([code])[code][1]["lead_units"]


def test_department_staff_cannot_rewrite_another_departments_item(client, world):
    """The probe of the issue: staff of SZ-SCJG posting assign_lead on SZ-ZJ's item through a finding of their own unit."""
    client.force_login(make_user("staff", Role.STAFF, world["market"]))
    finding = own_finding()
    response = client.post(reverse("duties:resolve", args=[finding.pk]),
                           {"how": "assign_lead", "item": "ZJ-1", "unit": "SZ-SCJG", "reason": "x"})
    assert response.status_code == 403
    assert leads("ZJ-1") == ["SZ-ZJ"] and DutyFinding.objects.get(pk=finding.pk).status == "open"


@pytest.mark.parametrize("role", [Role.STAFF, Role.UNIT_HEAD, Role.SUPERVISION_OFFICER, Role.PERFORMANCE_OFFICER,
                                  Role.LEADER])
def test_only_the_establishment_office_resolves(world, role):
    user = make_user(f"u-{role}", role, world["city"])
    with pytest.raises(PermissionDenied):
        actions.do_mark_intended(actor=user, finding=own_finding(), reason="合理")
    bianban = make_user("bianban", Role.ESTABLISHMENT_OFFICER, world["city"])
    actions.do_mark_intended(actor=bianban, finding=own_finding(), reason="合理")
    assert own_finding().status == "intended"


def test_items_must_belong_to_the_finding(world):
    bianban = make_user("bianban", Role.ESTABLISHMENT_OFFICER, world["city"])
    finding = own_finding()
    with pytest.raises(CatalogueError, match="不属于该问题"):
        actions.do_assign_lead(actor=bianban, finding=finding, item_code="ZJ-1", unit_code="SZ-SCJG", reason="x")
    multi = DutyFinding.objects.get(kind="multi_head", item_codes=["TWO"])
    with pytest.raises(CatalogueError, match="不属于该问题"):
        actions.do_merge_items(actor=bianban, finding=multi, keep_code="ZJ-1", merge_codes=["TWO"], reason="x")
    with pytest.raises(CatalogueError, match="不属于该问题"):
        actions.do_split_item(actor=bianban, finding=finding, item_code="ZJ-1",
                              parts=[("ZJ-1-1", "一", "SZ-ZJ"), ("ZJ-1-2", "二", "SZ-ZJ")], reason="x")
    assert leads("ZJ-1") == ["SZ-ZJ"] and not FunctionItem.objects.filter(code__startswith="ZJ-1-").exists()


def test_a_split_makes_new_items_only(world):
    bianban = make_user("bianban", Role.ESTABLISHMENT_OFFICER, world["city"])
    with pytest.raises(CatalogueError, match="已存在"):
        actions.do_split_item(actor=bianban, finding=own_finding(), item_code="SC-1",
                              parts=[("ZJ-1", "改写他人事项", "SZ-SCJG"), ("SC-1-2", "二", "SZ-SCJG")], reason="x")
    assert current_contents(["ZJ-1"])["ZJ-1"][1]["name"] == "建筑工程施工许可"


def test_every_unit_touched_must_be_in_scope(world):
    """A district 编办 holds no scope over city departments: neither the item's units nor a new lead may be outside."""
    district = make_user("ft-bianban", Role.ESTABLISHMENT_OFFICER, world["district"])
    city = make_user("bianban", Role.ESTABLISHMENT_OFFICER, world["city"])
    finding = own_finding()
    with pytest.raises(PermissionDenied):  # the finding's unit (SZ-SCJG) is outside the district
        actions.do_assign_lead(actor=district, finding=finding, item_code="SC-1", unit_code="SZ-FT-SCJG", reason="x")
    # A finding in the district's scope cannot be used to hand an item to a unit outside it, nor to move one in.
    finding.unit = world["district"]
    finding.save()
    with pytest.raises(PermissionDenied, match="SZ-SCJG"):
        actions.do_assign_lead(actor=district, finding=finding, item_code="SC-1", unit_code="SZ-FT-SCJG", reason="x")
    assert leads("SC-1") == ["SZ-SCJG"]
    actions.do_assign_lead(actor=city, finding=finding, item_code="SC-1", unit_code="SZ-ZJ", reason="三定规定")
    assert leads("SC-1") == ["SZ-ZJ"]


def test_the_change_is_on_each_items_own_history(world):
    bianban = make_user("bianban", Role.ESTABLISHMENT_OFFICER, world["city"])
    multi = DutyFinding.objects.get(kind="multi_head", item_codes=["TWO"])
    actions.do_assign_lead(actor=bianban, finding=multi, item_code="TWO", unit_code="SZ-ZJ", reason="按三定规定")
    two = FunctionItem.objects.get(code="TWO")
    entry = AuditEntry.objects.get(object_type="duties.functionitem", object_id=str(two.pk),
                                   action="duties.item.assign_lead")
    assert entry.actor_username == "bianban" and entry.reason == "按三定规定" and entry.extra["finding"] == multi.pk
    assert entry.changes["lead_units"] == [["SZ-SCJG", "SZ-ZJ"], ["SZ-ZJ"]]

    actions.do_split_item(actor=bianban, finding=own_finding(), item_code="SC-1",
                          parts=[("SC-1-1", "食品销售许可", "SZ-SCJG"), ("SC-1-2", "餐饮服务许可", "SZ-SCJG")],
                          reason="分开办理")
    codes = dict(FunctionItem.objects.values_list("pk", "code"))
    split = AuditEntry.objects.filter(action="duties.item.split")
    assert sorted(codes[int(e.object_id)] for e in split) == ["SC-1", "SC-1-1", "SC-1-2"]


def test_the_import_action_checks_the_catalogue_scope_itself(world):
    """A unit head imports only rows of their own units — checked by do_import_items, not only by the page's
    validation (issue 11, the write matrix: every action checks every object it touches)."""
    head = make_user("head", Role.UNIT_HEAD, world["market"])
    reform = actions.do_get_or_create_batch(actor=None, name="矩阵", day=date(2026, 2, 1))
    entries = AuditEntry.objects.count()
    with pytest.raises(PermissionDenied):
        actions.do_import_items(actor=head, contents=[content("ZJ-2", "建设工程竣工验收备案", ["SZ-ZJ"])], batch=reform)
    with pytest.raises(PermissionDenied):  # taking another unit's item over
        actions.do_import_items(actor=head, contents=[content("ZJ-1", "建筑工程施工许可", ["SZ-SCJG"])], batch=reform)
    assert AuditEntry.objects.count() == entries and leads("ZJ-1") == ["SZ-ZJ"]
    actions.do_import_items(actor=head, contents=[content("SC-2", "食品生产许可", ["SZ-SCJG"])], batch=reform)
    assert leads("SC-2") == ["SZ-SCJG"]
