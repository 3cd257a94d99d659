"""Generated permission matrix: every URL pattern and every API operation, anonymous and cross-unit.

Built from the URL resolver and the NinjaAPI's OpenAPI document, so a new app's pages and
routes are covered the day they are mounted. Data: the demo city (every app's ``demo.py``).

- Anonymous: a page outside the public portal redirects to the login page (or answers
  401/403/404/405); an API read answers 401/403/404/405/422 or an empty result; an API write
  never succeeds. Public on purpose: the ``portal`` namespace, the home and login pages, pages
  an app names ``public`` or ``public_*`` (``supervision:public``, the on-time rates), views
  that declare it with a ``public = True`` attribute (``index.public = True`` after the
  function), and API operations that declare it in their OpenAPI entry
  (``@router.get(..., openapi_extra={"x-zeren-public": True})``) or are listed in :data:`PUBLIC_API`.
- A staff member of one department asking for another unit's record by id or code (a route
  parameter named ``pk``, ``id``, ``*_id``, ``code`` or ``*_code``) is not shown it: the answer is
  403/404/405, or a page that does not contain the record (the route may be about another model
  of the app); and a non-public API list shows only records of units in their scope.

The detailed per-role matrix of the org registry is in ``test_org_matrix.py`` (org's file).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.apps import apps
from django.db import models, transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from zeren.access.models import Role, RoleAssignment
from zeren.access.scope import scope_paths
from zeren.access.tests import write_matrix
from zeren.api import api
from zeren.demo.testing import committed_demo
from zeren.org.models import Unit

PUBLIC_NAMESPACES = {"portal"}
PUBLIC_NAMES = {
    "home", "login", "logout", "set_language",
    # The unit tree and posts are public (zeren/org/api.py, test_org_matrix.py); people stay scoped.
    "org:index", "org:tree_children", "org:unit", "org:search",
    # Accountability's public side (zeren/accountability/views.py: no log-in): the complaint form and its
    # tracking by code (投诉), the public apologies (失职道歉) and the annual report.
    "accountability:complain", "accountability:track", "accountability:track_lookup", "accountability:apologies",
    "accountability:report", "accountability:report_pdf",
}
PUBLIC_API = {
    "/api/v1/openapi.json", "/api/v1/docs", "/api/v1/",
    "/api/v1/audit/checkpoints",  # published Merkle roots: public by design (docs/trust.md)
    "/api/v1/org/units/", "/api/v1/org/units/{code}", "/api/v1/org/posts/",  # the public org registry
}
DENIED = {401, 403, 404, 405, 422}


def page_patterns(patterns=None, prefix: str = "", namespace: str | None = None):
    """(route, namespace, pattern) of every page, admin and the API excluded (the API is taken from OpenAPI)."""
    for p in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(p.pattern)
        if route.startswith(("admin/", "api/", "static/")):
            continue
        if isinstance(p, URLResolver):
            yield from page_patterns(p.url_patterns, route, p.namespace or namespace)
        elif isinstance(p, URLPattern):
            yield route, namespace, p


def url_patterns():
    """(route, namespace, name, public) of every page."""
    for route, namespace, p in page_patterns():
        public = (namespace in PUBLIC_NAMESPACES or p.name in PUBLIC_NAMES or f"{namespace}:{p.name}" in PUBLIC_NAMES
                  or (p.name or "").split("_")[0] == "public" or getattr(p.callback, "public", False))
        yield route, namespace, p.name, public


ID_PARAM = re.compile(r"^(pk|id|code|\w+_id|\w+_code)$")


def fill(route: str, value: str = "1") -> str:
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: "org.unit" if m.group(1) == "object_type" else value, route)


def operations():
    """(method, path, public) of every API operation in the OpenAPI document."""
    for path, ops in api.get_openapi_schema()["paths"].items():
        for method, op in ops.items():
            public = path in PUBLIC_API or path.startswith("/api/v1/portal/") or bool(op.get("x-zeren-public"))
            yield method.upper(), path, public


def key_of(obj, param: str) -> str:
    """The value a route parameter takes for ``obj``: its code for ``*code`` parameters, else its pk."""
    return str(getattr(obj, "code", obj.pk)) if param.endswith("code") else str(obj.pk)


def is_empty(response) -> bool:
    if response.status_code != 200 or "json" not in response.get("Content-Type", ""):
        return False
    data = response.json()
    return data in ([], {}) or (isinstance(data, dict) and (data.get("items") == [] or data.get("count") == 0))


# Every test is marked, so that pytest-django sets the test database up even when only tests that use nothing
# but the module's city are selected (``-k write_matrix``): without a marked test it sets up no database, and
# the city below would be built in, and flushed out of, the configured database itself (committed_demo refuses).
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def city(django_db_setup, django_db_blocker):
    """The small demo city, committed for this module and flushed after it."""
    with django_db_blocker.unblock(), committed_demo() as ctx:
        yield ctx


@pytest.fixture
def staff(city, db):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username="staff")


@pytest.fixture(autouse=True)
def no_rate_limits(settings):
    settings.ZEREN_RATELIMITS = {}


def test_anonymous_pages_redirect_to_login(city, client, db):
    checked = 0
    for route, _, _, public in url_patterns():
        if public:
            assert client.get(fill(route)).status_code < 500, route
            continue
        response = client.get(fill(route))
        checked += 1
        if response.status_code == 302:
            assert "/login/" in response["Location"], f"{route} redirects elsewhere: {response['Location']}"
        else:
            assert response.status_code in DENIED, f"{route} answers {response.status_code} to the anonymous public"
    assert checked >= 2


def test_anonymous_api_reads_nothing_and_writes_nothing(city, client, db):
    for method, path, public in operations():
        url = re.sub(r"\{\w+\}", "1", path)
        if public:
            continue
        if method == "GET":
            response = client.get(url)
            assert response.status_code in DENIED or is_empty(response), \
                f"GET {path} answers {response.status_code} with data to the anonymous public"
        else:
            response = client.generic(method, url, data="{}", content_type="application/json")
            assert response.status_code in DENIED, f"{method} {path} answers {response.status_code} to the anonymous public"


def unit_models() -> list[type[models.Model]]:
    """zeren models that belong to a unit (a ``unit`` foreign key to org.Unit)."""
    found = []
    for model in apps.get_models():
        if not model.__module__.startswith("zeren."):
            continue
        field = next((f for f in model._meta.concrete_fields if f.name == "unit"), None)
        if field is not None and field.is_relation and field.related_model is Unit:
            found.append(model)
    return found


def foreign_object(model, paths):
    """A record of ``model`` whose unit lies outside the scope ``paths``."""
    qs = model._default_manager.exclude(
        models.Q(*[models.Q(unit__path__startswith=p) for p in paths], _connector=models.Q.OR))
    return qs.order_by("pk").first()


def leaks(response, obj) -> bool:
    """Did the answer show ``obj``? (its text representation appears in a successful answer)"""
    label = str(obj)
    return response.status_code == 200 and len(label) >= 2 and label in response.content.decode()


def test_staff_cannot_fetch_another_units_record_by_id(staff, client):
    client.force_login(staff)
    paths = scope_paths(staff)
    assert paths and paths != ["/"]
    for model in unit_models():
        obj = foreign_object(model, paths)
        if obj is None:
            continue
        app = model._meta.app_label
        for method, path, public in operations():
            params = re.findall(r"\{(\w+)\}", path)
            if (method != "GET" or public or len(params) != 1 or not ID_PARAM.match(params[0])
                    or not path.startswith(f"/api/v1/{app}/")):
                continue
            response = client.get(path.replace("{" + params[0] + "}", key_of(obj, params[0])))
            assert not leaks(response, obj), f"GET {path} shows {model._meta.label} {obj.pk} of {obj.unit.code}"
        for route, namespace, _, public in url_patterns():
            params = re.findall(r"<(?:\w+:)?(\w+)>", route)
            if namespace != app or public or len(params) != 1 or not ID_PARAM.match(params[0]):
                continue
            response = client.get(fill(route, key_of(obj, params[0])))
            assert not leaks(response, obj), f"/{route} shows {model._meta.label} {obj.pk} of {obj.unit.code}"


def test_staff_api_lists_stay_in_scope(staff, client):
    client.force_login(staff)
    paths = scope_paths(staff)
    codes_in_scope = set(Unit.objects.filter(
        models.Q(*[models.Q(path__startswith=p) for p in paths], _connector=models.Q.OR)).values_list("code", flat=True))
    for method, path, public in operations():
        if method != "GET" or "{" in path or public:
            continue
        response = client.get(path)
        if response.status_code != 200 or "json" not in response.get("Content-Type", ""):
            continue
        data = response.json()
        items = data.get("items", []) if isinstance(data, dict) else data
        for item in items if isinstance(items, list) else []:
            code = isinstance(item, dict) and (item.get("unit_code") or item.get("unit"))
            if isinstance(code, str):
                assert code in codes_in_scope, f"GET {path} shows a record of {code} to staff of {staff.unit.code}"


# --- writes: every write route and each of its steps, every demo log-in, the object each one checks ----------
#
# The rows are in write_matrix.py (what each log-in must get, and the object whose unit the action checks);
# the tests below find every write route, demand a row for each, and play every row.

WRITES = {w.route: w for w in write_matrix.writes()}
NOT_DOMAIN_WRITES = {"login", "logout", "set_language"}  # sessions and the language cookie, no domain table
POSTS = re.compile(r"request\.(POST|FILES|method)|require_POST|require_http_methods")


def _view_sources(view: Any) -> list[str]:
    """The source of a view, of what its decorators wrap (closures), and of the functions of its own module it
    calls (one level: ``_submit``, ``_import``…), so a view that reads the POST through a helper is found."""
    import inspect

    seen, sources, todo = set(), [], [inspect.unwrap(view)]
    while todo:
        fn = todo.pop()
        if fn in seen or not inspect.isfunction(fn):
            continue
        seen.add(fn)
        try:
            source = inspect.getsource(fn)
        except (OSError, TypeError):
            continue
        sources.append(source)
        todo += [cell.cell_contents for cell in fn.__closure__ or () if inspect.isfunction(cell.cell_contents)]
        if len(seen) <= 2:  # the view and what it wraps: follow the module's own helpers it names
            module = inspect.getmodule(fn)
            todo += [getattr(module, name) for name in re.findall(r"\b(_?\w+)\(", source)
                     if inspect.isfunction(getattr(module, name, None))
                     and getattr(module, name).__module__ == fn.__module__]
    return sources


def write_routes() -> set[str]:
    """Every page whose view (or a helper of its module that it calls) reads a POST, and every API operation
    that is not a GET."""
    found = set()
    for _route, namespace, pattern in page_patterns():
        key = f"{namespace}:{pattern.name}" if namespace else pattern.name
        view = getattr(pattern.callback, "view_class", pattern.callback)
        if key not in NOT_DOMAIN_WRITES and any(POSTS.search(src) for src in _view_sources(view)):
            found.add(key)
    return found | {f"{method} {path}" for method, path, _public in operations() if method != "GET"}


def test_every_write_route_has_a_row_in_the_write_matrix():
    declared = {route.split("#")[0] for route in WRITES}
    found = write_routes()
    assert not found - declared, (
        f"write routes without a row in the permission matrix: {sorted(found - declared)} — add a row to "
        "zeren/access/tests/write_matrix.py: the object its action checks and what every log-in gets")
    assert not declared - found, f"rows for routes that are not write routes (renamed?): {sorted(declared - found)}"


def test_the_write_route_finder_follows_decorators_and_helpers():
    """The Open311 endpoint is wrapped by a decorator that keeps no __wrapped__, and the complaint form reads
    the POST in a helper: both are found."""
    found = write_routes()
    assert {"open311:requests", "accountability:complain", "accountability:track"} <= found
    assert "accountability:apologies" not in found and "targets:papers" not in found


@pytest.fixture(scope="module")
def logins(city):
    """The demo log-ins by column of the matrix, plus ``other_staff`` (staff of another department) and the
    credentials that are not log-ins (an Open311 key, a survey's invitation token)."""
    from django.contrib.auth import get_user_model

    from zeren.accountability.actions import do_create_open311_key
    from zeren.evaluation.actions import do_issue_invitations
    from zeren.evaluation.models import Survey

    users = {u.username: u for u in get_user_model().objects.filter(username__in=write_matrix.USERS)}
    housing = Unit.objects.get(code="SZ-ZJ")
    users["other_staff"] = get_user_model().objects.create_user("other_staff", unit=housing)
    RoleAssignment.objects.create(user=users["other_staff"], role=Role.STAFF, scope_unit=housing)
    assert set(users) == set(write_matrix.USERS) - {"anonymous"}, "a demo log-in of the matrix is missing"
    write_matrix.SECRETS["open311"] = do_create_open311_key(actor=None, name="矩阵测试")[1]
    survey = Survey.objects.filter(status="open").order_by("pk").first()
    district = Unit.objects.get(code=city.notes["district_codes"][0])
    write_matrix.SECRETS["survey"] = do_issue_invitations(actor=None, survey=survey, district=district, count=1)[0]
    return users


@pytest.fixture(scope="module")
def clients(logins):
    """One browser per column, logged in once (its session outlives every attempt's rollback)."""
    from django.test import Client

    browsers = {name: Client() for name in write_matrix.USERS}
    for name, user in logins.items():
        browsers[name].force_login(user)
    return browsers


def play(write: write_matrix.Write, clients: dict[str, Any]) -> dict[str, tuple[str, str]]:
    """Every log-in tries the write on the same object in the same state (a savepoint rolled back after each):
    ``{log-in: (outcome, what the answer said)}``."""
    obj = write.pick()
    observed = {}
    for name in write_matrix.USERS:
        clients[name].cookies.pop("messages", None)  # messages left unread by an earlier attempt
        with transaction.atomic():
            write.prepare(obj)
            before = write_matrix.fingerprint(write, obj)
            response = write.send(clients[name], obj)
            observed[name] = (write_matrix.outcome(response, before, write_matrix.fingerprint(write, obj)),
                              write_matrix.said(response))
            transaction.set_rollback(True)
    return observed


@pytest.mark.parametrize("route", list(WRITES))
def test_write_matrix(clients, route):
    """Every demo log-in gets exactly the outcome its row says; a refused write changed nothing."""
    write = WRITES[route]
    expected, observed = write.outcomes, play(write, clients)
    wrong = [f"{name}: expected {expected[name]}, got {observed[name][0]} ({observed[name][1]})"
             for name in write_matrix.USERS if observed[name][0] != expected[name]]
    assert not wrong, (f"{route} checks {write.checks}\n  " + "\n  ".join(wrong)
                       + "\n  observed row: " + " ".join(observed[n][0] for n in write_matrix.USERS))


def test_only_the_administrator_reaches_the_django_admin(clients):
    """The Django admin is outside the matrix: read-only for domain records (zeren.core.admin), it writes only
    log-ins and roles, and only a superuser reaches it — every other log-in is sent to its log-in page."""
    from zeren.access.models import User

    for name in write_matrix.USERS:
        response = clients[name].post(reverse("admin:access_user_add"), {"username": f"x-{name}"})
        if name == "admin":
            assert response.status_code == 200  # the form again: no password given
        else:
            assert response.status_code == 302 and "/admin/login/" in response["Location"], name
    assert not User.objects.filter(username__startswith="x-").exists()
