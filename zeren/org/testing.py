"""Small builders for tests: a unit tree and users with roles. Not for production writes."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from zeren.access.models import RoleAssignment
from zeren.org.models import Level, Unit, UnitKind


def make_unit(code: str, parent: Unit | None = None, *, kind: str = UnitKind.DEPARTMENT,
              level: str | None = None, name: str | None = None, **fields) -> Unit:
    """A unit under ``parent``; level defaults to the parent's (city for a root)."""
    return Unit.objects.create(
        code=code, name=name or code, kind=kind, parent=parent,
        level=level or (parent.level if parent else Level.CITY),
        path=Unit.path_for(code, parent.path if parent else None), **fields,
    )


def make_user(username: str, role: str | None = None, scope_unit: Unit | None = None, *,
              unit: Unit | None = None, password: str = "pw-zeren-test", **fields):
    """A user whose home unit is ``unit`` (default ``scope_unit``), holding ``role`` over ``scope_unit``."""
    user = get_user_model().objects.create_user(username, password=password, unit=unit or scope_unit, **fields)
    if role:
        RoleAssignment.objects.create(user=user, role=role, scope_unit=scope_unit)
    return user


def make_small_tree() -> dict[str, Unit]:
    """City → two departments (one with a division), a supervision bureau, one district with a department and a street."""
    city = make_unit("SZ", kind=UnitKind.GOVERNMENT, name="深圳市人民政府")
    units = {"city": city}
    units["market"] = make_unit("SZ-SCJG", city, name="深圳市市场监督管理局")
    units["market_div"] = make_unit("SZ-SCJG-01", units["market"], kind=UnitKind.DIVISION, name="登记注册处")
    units["housing"] = make_unit("SZ-ZJ", city, name="深圳市住房和建设局")
    units["supervision"] = make_unit("SZ-JC", city, kind=UnitKind.SUPERVISION, name="深圳市监察局")
    units["district"] = make_unit("SZ-FT", city, kind=UnitKind.GOVERNMENT, level=Level.DISTRICT, name="福田区人民政府")
    units["district_market"] = make_unit("SZ-FT-SCJG", units["district"], name="福田区市场监督管理局")
    units["street"] = make_unit("SZ-FT-J01", units["district"], kind=UnitKind.STREET_OFFICE, level=Level.STREET,
                                name="园岭街道办事处")
    return units


def wipe_registry() -> None:
    """Delete every log-in, membership, post, person and unit (children before parents), for tests
    that rebuild the registry in the same database. The audit log is append-only and stays."""
    from django.contrib.auth import get_user_model

    from zeren.org.models import Membership, Person, Post

    get_user_model().objects.all().delete()
    Membership.objects.all().delete()
    Post.objects.all().delete()
    Person.objects.all().delete()
    units = list(Unit.objects.only("id", "path"))
    for depth in sorted({u.depth for u in units}, reverse=True):
        Unit.objects.filter(pk__in=[u.pk for u in units if u.depth == depth]).delete()


def run_command(*args: str, **options) -> tuple[int, str]:
    """Run a ``zeren`` command in-process on the test database: ``(exit code, stdout + stderr)``.

    ``call_command`` rather than the console script, whose ``run_from_argv`` closes the database
    connection (and with it the test transaction on PostgreSQL); a ``CommandError`` gives the
    exit code the console script would have returned.
    """
    from io import StringIO

    from django.core.management import CommandError, call_command

    out = StringIO()
    try:
        call_command(*args, stdout=out, stderr=out, **options)
    except CommandError as exc:
        return exc.returncode, f"{out.getvalue()}CommandError: {exc}"
    return 0, out.getvalue()
