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
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.apps import apps
from django.db import models, transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from zeren.access.models import Role, RoleAssignment
from zeren.access.scope import scope_paths
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


# --- writes: every write route and action, every role, the object each one checks ---------------------------
#
# For each write, one object of the demo city, tried by a user of every role holding it over the object's unit
# ("inside") and by one holding it over another department ("outside"; the administrator is a superuser, so
# everywhere). A write counts when it appended to the audit log (every write goes through an audited action:
# zeren/audit/tests/test_coverage.py). Each attempt runs in a savepoint rolled back afterwards, so every
# role meets the same object in the same state.

@dataclass(frozen=True)
class Write:
    checks: str  # the object whose unit is checked, and the capability
    allowed: frozenset[str]  # roles that may write when the object lies in their scope
    pick: Callable[[], models.QuerySet]  # candidate objects, each with a unit
    post: Callable[[Any, Any], Any]  # (client, object) → response
    prepare: Callable[[Any], None] = lambda obj: None  # test state for the attempt (rolled back)


def _unit_of(obj) -> Unit:
    return obj if isinstance(obj, Unit) else (obj.lead_unit if hasattr(obj, "lead_unit") else obj.unit)


def _import_one_item(client, unit):
    import io
    import json

    from django.core.files.uploadedfile import SimpleUploadedFile

    from zeren.duties.models import ItemVersion

    content = {**ItemVersion.objects.filter(ended_by__isnull=True).order_by("pk").first().content,
               "code": "MATRIX-NEW-1", "lead_units": [unit.code], "assisting_units": [], "parent": ""}
    upload = SimpleUploadedFile("matrix.json", io.BytesIO(json.dumps([content], ensure_ascii=False).encode()).read())
    return client.post(reverse("duties:import"), {"file": upload, "batch": "矩阵测试", "batch_date": "2026-11-27"})


def _drafts_within_their_unit():
    """Pending duty drafts whose item is held only by units under the draft's unit (so "inside" means all of them)."""
    from zeren.duties.actions import current_contents
    from zeren.duties.models import DraftChange

    drafts = list(DraftChange.objects.filter(status="pending", unit__isnull=False).select_related("unit"))
    contents = current_contents([d.item_code for d in drafts])
    paths = dict(Unit.objects.values_list("code", "path"))
    return DraftChange.objects.filter(pk__in=[
        d.pk for d in drafts if d.item_code in contents and all(
            paths.get(u, "").startswith(d.unit.path)
            for u in contents[d.item_code][1]["lead_units"] + contents[d.item_code][1]["assisting_units"])])


def _free_stage_pair(project):
    from zeren.supervision.projects.models import Dependency

    stages = list(project.stages.order_by("pk"))
    free = [s for s in stages if not Dependency.objects.filter(stage=s).exists()]  # requires nothing: no cycle
    for requires in free:
        for stage in stages:
            if stage != requires and not Dependency.objects.filter(stage=stage, requires=requires).exists():
                return stage, requires
    return None


def _writes() -> dict[str, Write]:
    from zeren.duties.models import DutyFinding
    from zeren.findings.models import Finding
    from zeren.org.models import Post
    from zeren.supervision.models import Alert
    from zeren.supervision.projects.models import Project
    from zeren.targets.models import Assessment, Letter, WhitePaper, WhitePaperPilot

    def move(status: str):
        return lambda c, alert: c.post(reverse("supervision:move_alert", args=[alert.pk]), {"status": status,
                                                                                          "note": "矩阵测试"})

    def add_dependency(c, project):
        stage, requires = _free_stage_pair(project)
        return c.post(reverse("projects:add_dependency", args=[project.code]),
                      {"stage": stage.code, "requires": requires.code})

    return {
        "duties:resolve": Write(
            "duties.DutyFinding: its unit, every unit on the items it changes and every unit it names "
            "(administer_duties, checked in the actions)", frozenset({Role.ESTABLISHMENT_OFFICER, Role.ADMIN}),
            lambda: DutyFinding.objects.filter(status="open", unit__isnull=False),
            lambda c, f: c.post(reverse("duties:resolve", args=[f.pk]), {"how": "intended", "reason": "矩阵测试"})),
        "duties:draft_decide": Write(
            "duties.DraftChange: every unit on its item now and after the change (administer_duties, checked in "
            "do_decide_change); the performance office sees the draft but cannot decide it",
            frozenset({Role.ESTABLISHMENT_OFFICER, Role.ADMIN}), _drafts_within_their_unit,
            lambda c, d: c.post(reverse("duties:draft_decide", args=[d.pk]), {"decision": "reject",
                                                                               "reason": "矩阵测试"})),
        "duties:position_edit": Write(
            "org.Post: its unit (administer, or approve: the unit head)", frozenset({Role.UNIT_HEAD, Role.ADMIN}),
            lambda: Post.objects.all(),
            lambda c, p: c.post(reverse("duties:position_edit", args=[p.pk]), {"duties": "矩阵测试"})),
        "duties:import": Write(
            "org.Unit: every unit a row names and every unit now holding its code (administer, or approve)",
            frozenset({Role.UNIT_HEAD, Role.ADMIN}),
            lambda: Unit.objects.filter(kind="department"), _import_one_item),
        "supervision:move_alert": Write(
            "supervision.Alert: its unit (edit to acknowledge, explain, correct)",
            frozenset({Role.STAFF, Role.UNIT_HEAD, Role.ADMIN}),
            lambda: Alert.objects.filter(status="open"), move("acknowledged")),
        "supervision:move_alert#close": Write(
            "supervision.Alert: its unit (supervise to close)", frozenset({Role.SUPERVISION_OFFICER, Role.ADMIN}),
            lambda: Alert.objects.filter(status="open"), move("closed"),
            prepare=lambda a: Alert.objects.filter(pk=a.pk).update(status="explained", note="已说明")),
        "projects:add_dependency": Write(
            "projects.Project: its lead unit (edit or supervise)",
            frozenset({Role.STAFF, Role.UNIT_HEAD, Role.SUPERVISION_OFFICER, Role.ADMIN}),
            lambda: Project.objects.filter(pk__in=[p.pk for p in Project.objects.all() if _free_stage_pair(p)]),
            add_dependency),
        "POST /api/v1/findings/{finding_id}/status": Write(
            "findings.Finding: its unit (supervise or evaluate)",
            frozenset({Role.SUPERVISION_OFFICER, Role.PERFORMANCE_OFFICER, Role.ADMIN}),
            lambda: Finding.objects.filter(status="open"),
            lambda c, f: c.post(f"/api/v1/findings/{f.pk}/status", {"status": "accepted", "reason": "矩阵测试"},
                                content_type="application/json")),
        "POST /api/v1/supervision/events": Write(
            "a source system's token (its unit's cases): no user session writes here", frozenset(),
            lambda: Unit.objects.filter(kind="department"),
            lambda c, u: c.post("/api/v1/supervision/events", [], content_type="application/json")),
        "targets:letter": Write(
            "targets.Letter: its unit (edit or approve) — targets.actions.check_manage_unit",
            frozenset({Role.STAFF, Role.UNIT_HEAD, Role.ADMIN}), lambda: Letter.objects.all(),
            lambda c, letter: c.post(reverse("targets:letter", args=[letter.unit.code, letter.year]),
                                     {"signatory": "", "signed_on": ""})),
        "targets:assessments": Write(
            "org.Unit: the unit whose round is proposed (edit or approve) — check_propose_assessments",
            frozenset({Role.STAFF, Role.UNIT_HEAD, Role.ADMIN}), lambda: Unit.objects.filter(kind="department"),
            lambda c, u: c.post(reverse("targets:assessments") + "?year=2025", {"unit": u.code, "do": "propose"})),
        "targets:assessment": Write(
            "targets.Assessment: its unit (approve: the head or its assessment committee confirms the grade) — "
            "check_confirm_assessments", frozenset({Role.UNIT_HEAD, Role.ADMIN}),
            lambda: Assessment.objects.filter(grade="", proposed_grade="competent"),
            lambda c, a: c.post(reverse("targets:assessment", args=[a.pk]),
                                {"do": "confirm", "grade": "competent", "notified_on": "2026-11-27"})),
        "targets:assessment#judge": Write(
            "targets.Assessment: its unit (edit or approve: standards judged, the proposal recomputed) — "
            "check_propose_assessments", frozenset({Role.STAFF, Role.UNIT_HEAD, Role.ADMIN}),
            lambda: Assessment.objects.filter(grade=""),
            lambda c, a: c.post(reverse("targets:assessment", args=[a.pk]), {"do": "judge", "unmet": ["0"]})),
        "targets:papers_manage": Write(
            "org.Unit: a unit publishing that year drafts its white paper (edit or approve) — check_manage_unit",
            frozenset({Role.STAFF, Role.UNIT_HEAD, Role.ADMIN}),
            lambda: Unit.objects.filter(pk__in=WhitePaperPilot.objects.filter(year=2026).exclude(
                unit__white_papers__year=2026, unit__white_papers__state__in=["approved", "published"]).values("unit_id")),
            lambda c, u: c.post(reverse("targets:papers_manage") + "?year=2026", {"unit": u.code, "do": "draft"})),
        "targets:papers_manage#pilots": Write(
            "org.Unit: which units publish in a year (administer) — check_set_white_paper_pilots",
            frozenset({Role.ADMIN}), lambda: Unit.objects.filter(kind="department"),
            lambda c, u: c.post(reverse("targets:papers_manage") + "?year=2027", {"unit": u.code, "do": "add_pilot"})),
        "targets:paper_manage": Write(
            "targets.WhitePaper: its unit (approve: the head approves, publishes, withdraws)",
            frozenset({Role.UNIT_HEAD, Role.ADMIN}), lambda: WhitePaper.objects.filter(state="draft"),
            lambda c, p: c.post(reverse("targets:paper_manage", args=[p.pk]), {"to": "approved"})),
    }


NOT_DOMAIN_WRITES = {"login", "logout", "set_language"}  # sessions and the language cookie, no domain table


def write_routes() -> set[str]:
    """Every page whose view reads a POST (by its source) and every API operation that is not a GET."""
    import inspect

    found = set()
    for _route, namespace, pattern in page_patterns():
        view = inspect.unwrap(getattr(pattern.callback, "view_class", pattern.callback))
        key = f"{namespace}:{pattern.name}" if namespace else pattern.name
        if key not in NOT_DOMAIN_WRITES and re.search(r"request\.POST|require_POST|request\.method",
                                                      inspect.getsource(view)):
            found.add(key)
    return found | {f"{method} {path}" for method, path, _public in operations() if method != "GET"}


# Write routes whose role-by-role rows are not written yet (they landed while the matrix was being written),
# with the object their actions check as the actions say; only the anonymous and cross-unit checks above
# cover them for now. Move each into _writes() with a payload.
NOT_YET_IN_THE_MATRIX = {
    "workbench:urge": "each urged item's acting unit (supervise) — cockpit.actions.do_urge_items; tried in "
                      "zeren/cockpit/tests/test_views.py",
    "targets:report": "targets.Target: its unit (edit) — targets.actions.check_report_progress",
    "POST /api/v1/targets/{target_id}/reports": "targets.Target: its unit (edit) — check_report_progress",
    "targets:notice_action": "targets.Notice: its unit (edit or approve to reply; supervise to close)",
    "targets:import": "org.Unit of each letter and target (edit or approve) — targets.actions.check_manage_unit",
    "POST /api/v1/accountability/cases": "the case's unit and handling body (supervise over both)",
    "POST /api/v1/accountability/cases/{case_id}/steps": "accountability.FaultCase: handling body and unit "
                                                          "(supervise) — check_run_case",
    "POST /api/v1/accountability/complaints/{complaint_id}/accept": "accountability.Complaint: its handling body "
                                                                    "— check_handle_complaint",
    "POST /api/v1/accountability/inbox/bulk": "each finding's unit and the handling body (supervise)",
    "accountability:case": "accountability.FaultCase: handling body and unit (supervise; the unit's statement: edit)",
    "accountability:case_new": "the case's unit and handling body (supervise over both)",
    "accountability:commendations": "accountability.Commendation: its unit (supervise)",
    "accountability:complain": "none: the public complaint form (no account, rate-limited)",
    "accountability:complaint": "accountability.Complaint: its handling body — check_handle_complaint",
    "accountability:complaint_new": "the handling body of the complaint an officer registers",
    "accountability:inbox_bulk": "each finding's unit and the handling body (supervise)",
    "accountability:review": "accountability.IncidentReview: its unit (edit to write, supervise to decide)",
    "accountability:track": "none: the complainant's tracking code (public)",
    "accountability:track_lookup": "none: the complainant's tracking code (public)",
    "evaluation:proposal": "the performance office (evaluate) — evaluation.actions.check_evaluate",
    "evaluation:round_act": "the performance office (evaluate) — check_evaluate",
    "evaluation:round_values": "the performance office (evaluate) — check_evaluate",
    "evaluation:survey_form": "none: a public satisfaction survey (rate-limited)",
    "POST /api/v1/oversight/referrals/{referral_id}/register": "oversight.Referral: its receiving body — check_receive",
    "POST /api/v1/oversight/referrals/{referral_id}/report": "oversight.Referral: its receiving body — check_receive",
    "oversight:referral": "oversight.Referral: receiving body to handle (check_receive), referring body reads status",
    "oversight:referral_new": "the referring body the user works in and a receiver overseeing the unit — check_refer",
    "oversight:publication": "oversight.Publication: its unit (edit to draft, approve to approve and publish)",
    "oversight:publications": "the unit of the new publication (edit)",
    "oversight:inspection": "oversight.Inspection: its team's bodies (supervise); a target unit reports (edit)",
    "oversight:inspection_new": "the bodies of the team (supervise)",
    "oversight:meeting": "oversight.Meeting: the joint meeting's member bodies (supervise)",
    "oversight:meeting_new": "the joint meeting's member bodies (supervise)",
    "oversight:external": "the unit evaluated by deputies (supervise records the evaluation)",
    "oversight:run_checks": "the supervision office (supervise): overdue disclosures and meeting tasks",
}


def test_every_write_route_is_in_the_write_matrix():
    declared = {key.split("#")[0] for key in _writes()} | set(NOT_YET_IN_THE_MATRIX)
    missing = sorted(write_routes() - declared)
    assert not missing, (f"write routes missing from the permission matrix: {missing} — add each to _writes() in "
                         "zeren/access/tests/test_matrix_api.py with the object it checks and the roles allowed")


ROLES_AND_ANONYMOUS = ["anonymous", *Role.values]


@pytest.mark.parametrize("write", [
    "duties:resolve", "duties:draft_decide", "duties:position_edit", "duties:import", "supervision:move_alert",
    "supervision:move_alert#close", "projects:add_dependency", "POST /api/v1/findings/{finding_id}/status",
    "POST /api/v1/supervision/events", "targets:letter", "targets:assessments", "targets:assessment",
    "targets:assessment#judge", "targets:papers_manage", "targets:papers_manage#pilots", "targets:paper_manage"])
def test_write_matrix(city, client, write):
    """Every role, on an object in its scope and on one outside it: writes exactly when the table says so."""
    from django.contrib.auth import get_user_model

    from zeren.audit.models import AuditEntry

    spec = _writes()[write]
    candidates = sorted(spec.pick().order_by("pk")[:300], key=lambda o: -len(_unit_of(o).path))  # deepest first
    assert candidates, f"the demo has nothing to try {write} on"
    target = candidates[0]
    home = _unit_of(target)
    # "outside": the same object, tried by a user holding the role over a unit that neither contains it nor
    # lies within it (another department).
    elsewhere = next(u for u in Unit.objects.filter(kind="department").order_by("path")
                     if not u.path.startswith(home.path) and not home.path.startswith(u.path))
    seen: dict[tuple[str, str], bool] = {}
    for role in ROLES_AND_ANONYMOUS:
        for where, scope in (("inside", home), ("outside", elsewhere)):
            client.logout()
            if role != "anonymous":
                user = get_user_model().objects.create_user(f"m-{role}-{where}-{write}"[:150], unit=scope,
                                                            is_superuser=role == Role.ADMIN)
                RoleAssignment.objects.create(user=user, role=role, scope_unit=scope)
                client.force_login(user)
            with transaction.atomic():
                spec.prepare(target)
                before = AuditEntry.objects.count()
                response = spec.post(client, target)
                assert response.status_code < 500, (write, role, where, response.status_code)
                seen[role, where] = AuditEntry.objects.count() > before
                transaction.set_rollback(True)
    expected = {(role, where): role in spec.allowed and (where == "inside" or role == Role.ADMIN)
                for role in ROLES_AND_ANONYMOUS for where in ("inside", "outside")}
    assert seen == expected, f"{write} checks {spec.checks}"
