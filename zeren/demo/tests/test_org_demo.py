"""The organisation part of `zeren demo`: deterministic, realistic shape, working log-ins."""

import hashlib
from datetime import date

import pytest
from django.contrib.auth import get_user_model

from zeren.access.models import Role
from zeren.audit.rules import canonical_json
from zeren.demo.context import DemoContext
from zeren.org import demo
from zeren.org.models import Level, Membership, Person, Post, Unit, UnitKind
from zeren.org.popolo import to_popolo
from zeren.org.testing import wipe_registry

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 27)


def export_digest() -> str:
    return hashlib.sha256(canonical_json(to_popolo(include_personal=True)).encode()).hexdigest()


def build(seed: int) -> DemoContext:
    ctx = DemoContext(size="small", seed=seed, today=TODAY, quiet=True)
    demo.build(ctx)
    return ctx


def test_same_seed_same_city_other_seed_other_city():
    build(11)
    first = export_digest()
    wipe_registry()
    build(11)
    assert export_digest() == first
    wipe_registry()
    build(12)
    assert export_digest() != first


def test_small_city_has_the_documented_shape_and_notes():
    ctx = build(2007)
    notes = ctx.notes
    assert notes["city_code"] == "SZ" and len(notes["district_codes"]) == 2 and len(notes["street_codes"]) == 6
    assert notes["department_codes"]["market"] == "SZ-SCJG"
    assert Unit.objects.get(code=notes["department_codes"]["supervision"]).kind == UnitKind.SUPERVISION
    assert Unit.objects.get(code=notes["department_codes"]["performance"]).kind == UnitKind.PERFORMANCE_OFFICE
    assert Unit.objects.filter(kind=UnitKind.DEPARTMENT, level=Level.CITY).count() >= 8
    assert 400 <= Person.objects.count() <= 650
    assert set(Unit.objects.filter(code__in=notes["street_codes"]).values_list("level", flat=True)) == {Level.STREET}
    assert Post.objects.filter(unit__code="SZ-SCJG", label="局长", is_leading=True).exists()
    assert Membership.objects.filter(end_date__isnull=False).exists()  # predecessors keep history
    assert Unit.objects.filter(valid_until__isnull=False).exists()  # a unit abolished in the 2019 reform


LOGINS = [
    ("admin", Role.ADMIN, "SZ-ZSJ", "SZ"), ("leader", Role.LEADER, "SZ", "SZ"),
    ("officer", Role.SUPERVISION_OFFICER, "SZ-JC", "SZ"), ("perf", Role.PERFORMANCE_OFFICER, "SZ-JXB", "SZ"),
    ("head", Role.UNIT_HEAD, "SZ-SCJG", "SZ-SCJG"), ("staff", Role.STAFF, "SZ-SCJG", "SZ-SCJG"),
    ("bianban", Role.ESTABLISHMENT_OFFICER, "SZ-BB", "SZ"),
]


def test_demo_logins_work_and_are_linked_to_persons(client, settings):
    ctx = build(2007)
    for username, role, unit, scope in LOGINS:
        user = get_user_model().objects.get(username=username)
        assert user.person.code == ctx.notes["login_persons"][username]
        assert user.unit.code == unit
        assert list(user.roles.values_list("role", "scope_unit__code")) == [(role, scope)]
        assert user.is_superuser == (username == "admin")
        assert client.login(username=username, password=settings.ZEREN_DEMO_PASSWORD), username
    head = get_user_model().objects.get(username="head")
    assert head.person.memberships.get().post.label == "局长"
