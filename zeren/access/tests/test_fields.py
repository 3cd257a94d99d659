"""Field-level protection, tested with a person's phone and ID number in the org registry."""

import pytest

from zeren.access.fields import MASK, is_visible, protect, redact, redact_changes, visible_fields
from zeren.org.models import Membership, Person, Post, Rank
from zeren.org.testing import make_small_tree, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    units = make_small_tree()
    person = Person.objects.create(code="P1", name="张三", phone="13800000000", id_number="440301199001011234")
    post = Post.objects.create(code="SZ-SCJG-P1", unit=units["market_div"], label="科员", rank=Rank.STAFF)
    Membership.objects.create(person=person, post=post, unit=units["market_div"])
    return units, person


def test_hidden_from_staff_even_of_the_same_unit_and_from_other_admins(world):
    units, person = world
    staff = make_user("staff", "staff", units["market"])
    other_admin = make_user("hadmin", "admin", units["housing"])
    officer = make_user("officer", "supervision_officer", units["city"])
    for user in (staff, other_admin, officer):
        data = redact(user, person)
        assert (data["name"], data["phone"], data["id_number"]) == ("张三", MASK, MASK)
        assert visible_fields(user, person) == set()


def test_visible_to_the_registry_admin_of_the_unit_the_person_themselves_and_superusers(world):
    units, person = world
    unit_admin = make_user("madmin", "admin", units["market"])
    self_user = make_user("zhangsan", "staff", units["market_div"], person=person)
    root = make_user("root", None, None, is_superuser=True)
    for user in (unit_admin, self_user, root):
        assert redact(user, person)["id_number"] == "440301199001011234"
        assert visible_fields(user, person) == {"phone", "id_number"}


def test_anonymous_sees_nothing_and_exports_get_none(world):
    from django.contrib.auth.models import AnonymousUser

    _, person = world
    assert redact(AnonymousUser(), person, mask=None)["phone"] is None
    assert not is_visible(AnonymousUser(), person, "phone") and is_visible(AnonymousUser(), person, "name")


def test_dicts_from_values_and_audit_changes_are_redacted(world):
    units, person = world
    staff = make_user("staff", "staff", units["market"])
    row = Person.objects.values("id", "name", "phone").get(pk=person.pk)
    assert redact(staff, row, model="org.person") == {"id": person.pk, "name": "张三", "phone": MASK}
    with pytest.raises(ValueError):
        redact(staff, row)
    changes = {"phone": ["13800000000", "13900000000"], "name": ["张三", "张叁"]}
    assert redact_changes(staff, "org.person", person, changes) == {"phone": [MASK, MASK], "name": ["张三", "张叁"]}


def test_registering_a_new_protection(world, monkeypatch):
    from zeren.access import fields

    monkeypatch.setattr(fields, "REGISTRY", {k: dict(v) for k, v in fields.REGISTRY.items()})
    units, person = world
    protect("org.person", "email", may_see=lambda user, obj: user.username == "secretary")
    person.email = "zs@example.gov.cn"
    assert redact(make_user("secretary", "staff", units["city"]), person)["email"] == "zs@example.gov.cn"
    assert redact(make_user("clerk", "staff", units["city"]), person)["email"] == MASK
