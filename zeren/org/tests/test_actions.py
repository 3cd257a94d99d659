from datetime import date

import pytest
from django.core.exceptions import ValidationError

from zeren.audit.models import AuditEntry
from zeren.org.actions import (
    do_close_unit,
    do_create_person,
    do_create_post,
    do_create_unit,
    do_end_membership,
    do_import_registry,
    do_start_membership,
    do_update_unit,
)
from zeren.org.models import Level, Membership, Unit, UnitKind
from zeren.org.registry import PostRow, RegistryData, RegistryError, UnitRow
from zeren.org.testing import make_small_tree

pytestmark = pytest.mark.django_db


def paths() -> dict[str, str]:
    return dict(Unit.objects.values_list("code", "path"))


def test_create_unit_infers_level_and_writes_an_audit_entry():
    tree = make_small_tree()
    unit = do_create_unit(actor=None, code="SZ-FT-J02", name="南园街道办事处", kind=UnitKind.STREET_OFFICE,
                          parent=tree["district"])
    division = do_create_unit(actor=None, code="SZ-FT-J02-1", name="党政办公室", kind=UnitKind.DIVISION, parent=unit)
    assert (unit.level, unit.path) == (Level.STREET, "/SZ/SZ-FT/SZ-FT-J02/")
    assert division.level == Level.STREET
    entry = AuditEntry.objects.filter(action="org.create_unit").last()
    assert entry.changes["code"] == [None, "SZ-FT-J02-1"]


def test_moving_a_unit_moves_its_whole_subtree():
    tree = make_small_tree()
    do_update_unit(actor=None, unit=tree["market"], parent=tree["district"], reason="划转")
    assert paths()["SZ-SCJG"] == "/SZ/SZ-FT/SZ-SCJG/"
    assert paths()["SZ-SCJG-01"] == "/SZ/SZ-FT/SZ-SCJG/SZ-SCJG-01/"
    assert paths()["SZ-ZJ"] == "/SZ/SZ-ZJ/"  # a sibling stays
    entry = AuditEntry.objects.filter(action="org.update_unit").last()
    assert entry.reason == "划转" and entry.extra == {"descendants_moved": 1}


def test_a_unit_cannot_move_under_its_own_subtree():
    tree = make_small_tree()
    with pytest.raises(ValidationError):
        do_update_unit(actor=None, unit=tree["district"], parent=tree["street"])
    assert paths()["SZ-FT"] == "/SZ/SZ-FT/"


def test_closing_a_unit_ends_its_subtree_posts_and_memberships():
    tree = make_small_tree()
    post = do_create_post(actor=None, unit=tree["market_div"], code="P1", label="处长", rank="division_chief",
                          is_leading=True)
    person = do_create_person(actor=None, code="X1", name="王伟")
    membership = do_start_membership(actor=None, person=person, post=post, start_date=date(2020, 1, 1))
    closed = do_close_unit(actor=None, unit=tree["market"], valid_until=date(2024, 6, 30), reason="机构改革合并",
                           successor=tree["housing"])
    assert closed == 2
    assert Unit.objects.get(code="SZ-SCJG-01").valid_until == date(2024, 6, 30)
    membership.refresh_from_db()
    assert membership.end_date == date(2024, 6, 30)
    entry = AuditEntry.objects.filter(action="org.close_unit").last()
    assert entry.extra["successor"] == "SZ-ZJ" and entry.extra["memberships_ended"] == 1


def test_membership_start_and_end_are_audited():
    tree = make_small_tree()
    post = do_create_post(actor=None, unit=tree["market"], code="P1", label="局长", rank="bureau_chief")
    person = do_create_person(actor=None, code="X1", name="李娜", phone="13900000000")
    m = do_start_membership(actor=None, person=person, post=post, start_date=date(2021, 3, 1))
    do_end_membership(actor=None, membership=m, end_date=date(2023, 3, 1), reason="调任")
    assert Membership.objects.get().end_date == date(2023, 3, 1)
    actions = list(AuditEntry.objects.values_list("action", flat=True))
    assert actions[-3:] == ["org.create_person", "org.start_membership", "org.end_membership"]
    assert "13900000000" not in str(AuditEntry.objects.get(action="org.create_person").changes)


def test_bulk_import_upserts_moves_subtrees_and_writes_one_audit_entry():
    make_small_tree()
    before = AuditEntry.objects.count()
    data = RegistryData(units=[
        UnitRow(code="SZ-NS", name="南山区人民政府", parent_code="SZ", classification="人民政府"),
        UnitRow(code="SZ-SCJG", name="深圳市市场监督管理局", parent_code="SZ-NS", kind="department"),
    ], posts=[PostRow(code="P1", unit_code="SZ-SCJG-01", label="处长", rank="division_chief")])
    result = do_import_registry(None, data, "test")
    assert result.counts["units"] == {"created": 1, "updated": 1, "unchanged": 0}
    assert paths()["SZ-SCJG-01"] == "/SZ/SZ-NS/SZ-SCJG/SZ-SCJG-01/"
    assert Unit.objects.get(code="SZ-NS").level == Level.DISTRICT
    assert AuditEntry.objects.count() == before + 1
    entry = AuditEntry.objects.last()
    assert entry.action == "org.import_registry" and entry.extra["sha256"] == data.digest()
    again = do_import_registry(None, data, "test")
    assert again.counts["units"] == {"created": 0, "updated": 0, "unchanged": 2}


def test_bulk_import_is_all_or_nothing():
    make_small_tree()
    before = (Unit.objects.count(), AuditEntry.objects.count())
    data = RegistryData(units=[
        UnitRow(code="A", name="新单位", parent_code="SZ", origin="row 2"),
        UnitRow(code="B", name="环", parent_code="C", origin="row 3"),
        UnitRow(code="C", name="环", parent_code="B", origin="row 4"),
    ])
    with pytest.raises(RegistryError) as exc:
        do_import_registry(None, data, "f.json")
    assert "row 3.parent_code：'B' 的上级链条成环" in str(exc.value)
    assert (Unit.objects.count(), AuditEntry.objects.count()) == before
