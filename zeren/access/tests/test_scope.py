import pytest

from zeren.access.models import Role, RoleAssignment, User
from zeren.access.rules import EDIT, SUPERVISE, VIEW
from zeren.access.scope import can, scope_queryset
from zeren.org.models import Unit


def _unit(code, parent=None, kind="department", level="city"):
    return Unit.objects.create(code=code, name=code, kind=kind, level=level, parent=parent,
                               path=Unit.path_for(code, parent.path if parent else None))


@pytest.mark.django_db
def test_scope_is_the_union_of_role_subtrees():
    city = _unit("C", kind="government")
    dept = _unit("C-A", city)
    div = _unit("C-A-1", dept, kind="division")
    other = _unit("C-B", city)
    staff = User.objects.create_user("s", password="x")
    RoleAssignment.objects.create(user=staff, role=Role.STAFF, scope_unit=dept)
    seen = set(scope_queryset(staff, Unit.objects.all(), unit_path_field="path").values_list("code", flat=True))
    assert seen == {"C-A", "C-A-1"}
    assert can(staff, EDIT, div) and not can(staff, EDIT, other) and not can(staff, SUPERVISE, dept)
    assert not scope_queryset(None, Unit.objects.all(), unit_path_field="path").exists()
    assert can(User(is_superuser=True, is_active=True), VIEW, other)
