"""Draft adjustment batches (调整批次草案): proposed changes the 编办 approves or rejects (issue 15, loop 1).

A change proposed by the performance office (or a unit head, or the 编办) waits in a draft batch and
changes nothing; the 编办 (``administer_duties`` over every unit it touches) approves it — the
catalogue changes under a reform batch, versioned and audited — or rejects it with a reason.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from zeren.audit.models import AuditEntry
from zeren.duties.actions import CatalogueError, current_contents, do_decide_change, do_propose_change
from zeren.duties.models import DraftChange, FunctionItem, ItemVersion
from zeren.duties.tests.factories import content, load
from zeren.org.testing import make_small_tree, make_user

pytestmark = pytest.mark.django_db
DAY = date(2026, 3, 2)


@pytest.fixture
def world():
    units = make_small_tree()
    load([content("SC-1", "食品经营许可", ["SZ-SCJG"]),
          content("ZJ-1", "建筑工程施工许可", ["SZ-ZJ"], category="行政确认", basis="《中华人民共和国建筑法》第七条")],
         "首批", date(2026, 1, 1))
    return units


def test_amend_remove_and_add_are_drafts_until_the_establishment_office_approves(world):
    perf = make_user("perf", "performance_officer", world["city"])
    editor = make_user("bianban", "establishment_officer", world["city"])
    amend = do_propose_change(actor=perf, kind="amend", item_code="SC-1", content={"assisting_units": ["SZ-ZJ"]},
                              append={"responsibility_matters": ["整改责任：按季度报送审批时效整改情况"]},
                              reason="连续两轮审批按时办结率低分", unit=world["market"], origin="evaluation.proposal:7")
    remove = do_propose_change(actor=perf, kind="remove", item_code="ZJ-1", reason="已由上级下放", unit=world["housing"])
    add = do_propose_change(actor=editor, kind="add", item_code="SC-9", reason="新设事项", content=content(
        "SC-9", "食品小作坊登记", ["SZ-SCJG"]))
    assert amend.batch_id == remove.batch_id == add.batch_id
    assert amend.content["responsibility_matters"] == ["受理责任：依法受理申请", "整改责任：按季度报送审批时效整改情况"]
    # Nothing changed yet.
    assert current_contents(["SC-1"])["SC-1"][1]["assisting_units"] == []
    assert not FunctionItem.objects.filter(code="SC-9").exists()

    with pytest.raises(PermissionDenied):  # the performance office proposes; only the 编办 decides
        do_decide_change(actor=perf, change=amend, approve=True, reason="同意", day=DAY)
    with pytest.raises(CatalogueError, match="审核意见"):
        do_decide_change(actor=editor, change=amend, approve=True, reason=" ", day=DAY)
    do_decide_change(actor=editor, change=amend, approve=True, reason="同意：增设协办与整改责任", day=DAY)
    now = current_contents(["SC-1"])["SC-1"]
    assert now[1]["assisting_units"] == ["SZ-ZJ"] and "整改责任：按季度报送审批时效整改情况" in now[1]["responsibility_matters"]
    assert now[0].batch.name == f"{amend.batch.name}（2026-03-02）" and now[0].valid_from == DAY
    assert ItemVersion.objects.filter(code="SC-1").count() == 2  # the old version closed, a new one opened
    do_decide_change(actor=editor, change=add, approve=True, reason="同意新设", day=DAY)
    assert FunctionItem.objects.get(code="SC-9").is_active

    rejected = do_decide_change(actor=editor, change=remove, approve=False, reason="下放文件尚未印发，暂不取消", day=DAY)
    assert rejected.status == "rejected" and rejected.applied_batch is None
    assert FunctionItem.objects.get(code="ZJ-1").is_active
    with pytest.raises(CatalogueError, match="已不予批准"):
        do_decide_change(actor=editor, change=remove, approve=True, reason="再议", day=DAY)

    actions = list(AuditEntry.objects.filter(object_type="duties.draftchange").values_list("action", flat=True))
    assert actions.count("duties.propose_change") == 3 and "duties.approve_change" in actions
    assert "duties.reject_change" in actions
    item_entry = AuditEntry.objects.get(action="duties.item.draft_amend")
    assert item_entry.reason == "同意：增设协办与整改责任"


def test_bad_drafts_are_refused_with_the_reason(world):
    perf = make_user("perf", "performance_officer", world["city"])
    staff = make_user("staff", "staff", world["market"])
    with pytest.raises(PermissionDenied):
        do_propose_change(actor=staff, kind="remove", item_code="SC-1", reason="x", unit=world["market"])
    with pytest.raises(CatalogueError, match="不存在或已取消"):
        do_propose_change(actor=perf, kind="amend", item_code="NOPE", content={"name": "x"}, reason="x")
    with pytest.raises(CatalogueError, match="不能修订的字段：code"):
        do_propose_change(actor=perf, kind="amend", item_code="SC-1", content={"code": "X"}, reason="x")
    with pytest.raises(CatalogueError, match="单位代码不存在：SZ-NONE"):
        do_propose_change(actor=perf, kind="amend", item_code="SC-1", content={"lead_units": ["SZ-NONE"]}, reason="x")
    with pytest.raises(CatalogueError, match="须写明要修改的内容"):
        do_propose_change(actor=perf, kind="amend", item_code="SC-1", content={"name": "食品经营许可"}, reason="x")
    with pytest.raises(CatalogueError, match="已存在"):
        do_propose_change(actor=perf, kind="add", item_code="SC-1", content=content("SC-1", "x", ["SZ-SCJG"]), reason="x")
    assert not DraftChange.objects.exists()


def test_an_establishment_officer_of_a_district_cannot_approve_a_city_item(world):
    district_editor = make_user("ft", "establishment_officer", world["district"])
    change = do_propose_change(actor=None, kind="remove", item_code="SC-1", reason="x")
    with pytest.raises(PermissionDenied):
        do_decide_change(actor=district_editor, change=change, approve=True, reason="同意", day=DAY)
    assert FunctionItem.objects.get(code="SC-1").is_active


def test_review_page_approves_and_rejects(client, world):
    editor = make_user("bianban", "establishment_officer", world["city"])
    perf = make_user("perf", "performance_officer", world["city"])
    change = do_propose_change(actor=perf, kind="amend", item_code="SC-1", content={"name": "食品经营许可（含网络经营）"},
                               reason="名称不全", unit=world["market"])
    client.force_login(perf)
    page = client.get(reverse("duties:drafts")).content.decode()
    assert "食品经营许可（含网络经营）" in page and "待编办审核" in page and "批准并写入清单" not in page
    client.force_login(editor)
    page = client.get(reverse("duties:drafts")).content.decode()
    assert "批准并写入清单" in page and "名称不全" in page
    client.post(reverse("duties:draft_decide", args=[change.pk]), {"decision": "approve", "reason": ""})
    change.refresh_from_db()
    assert change.status == "pending"  # an opinion is required
    client.post(reverse("duties:draft_decide", args=[change.pk]), {"decision": "approve", "reason": "同意"})
    change.refresh_from_db()
    assert change.status == "approved" and FunctionItem.objects.get(code="SC-1").name == "食品经营许可（含网络经营）"
    page = client.get(reverse("duties:drafts") + "?status=approved").content.decode()
    assert "已批准" in page and change.applied_batch.name in page
    staff = make_user("staff", "staff", world["market"])
    client.force_login(staff)
    assert "食品经营许可（含网络经营）" not in client.get(reverse("duties:drafts") + "?status=").content.decode()
