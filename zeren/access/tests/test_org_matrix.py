"""Permission matrix of the org browser and API: every role × every org scope × every endpoint.

The unit tree and posts are public; people are visible only inside the user's scope. Each user
works in (or oversees) the district 福田区: staff and head in its market bureau (own unit), the
supervision officer, performance officer and leader over the district government, the admin
everywhere. Phone and ID numbers never appear anywhere.
"""

from __future__ import annotations

import pytest

from zeren.access.models import Role
from zeren.org.actions import do_create_person, do_create_post, do_start_membership
from zeren.org.models import Level, UnitKind
from zeren.org.testing import make_unit, make_user

ROLES = ["anonymous", Role.STAFF, Role.UNIT_HEAD, Role.SUPERVISION_OFFICER, Role.PERFORMANCE_OFFICER,
         Role.LEADER, Role.ADMIN]
SCOPES = ["own", "sibling", "parent_government", "other_district", "street"]
# Where each person works (unit code) and their name.
PEOPLE = {
    "own": ("SZ-FT-SCJG", "王自家"), "sibling": ("SZ-FT-ZJ", "李邻居"), "parent_government": ("SZ-FT", "张上级"),
    "other_district": ("SZ-NS-SCJG", "赵外区"), "street": ("SZ-FT-J01", "陈街道"),
}
DISTRICT_WIDE = {"own", "sibling", "parent_government", "street"}
# The declared table: whose people each role may see.
PEOPLE_VISIBLE: dict[str, set[str]] = {
    "anonymous": set(),
    Role.STAFF: {"own"},
    Role.UNIT_HEAD: {"own"},
    Role.SUPERVISION_OFFICER: DISTRICT_WIDE,
    Role.PERFORMANCE_OFFICER: DISTRICT_WIDE,
    Role.LEADER: DISTRICT_WIDE,
    Role.ADMIN: set(SCOPES),
}
PHONE, ID_NUMBER = "13912345678", "440304198001011234"


def _text(response) -> str:
    return response.content.decode()


# endpoint name → (what it shows: "unit" is public, "people" is scoped; check(client, unit, person) → seen?)
ENDPOINTS = {
    "view: tree": ("unit", lambda c, u, p: u in _text(c.get(f"/org/tree/{_parent(u)}/"))),
    "view: unit page": ("unit", lambda c, u, p: c.get(f"/org/units/{u}/").status_code == 200),
    "view: unit search": ("unit", lambda c, u, p: f"/org/units/{u}/" in _text(c.get("/org/search/", {"q": u}))),
    "api: unit list": ("unit", lambda c, u, p: u in [x["code"] for x in c.get(
        "/api/v1/org/units/", {"q": u}).json()["items"]]),
    "api: unit detail": ("unit", lambda c, u, p: c.get(f"/api/v1/org/units/{u}").status_code == 200),
    "api: posts": ("unit", lambda c, u, p: f"{u}-P1" in _text(c.get("/api/v1/org/posts/", {"unit": u}))),
    "view: holders on unit page": ("people", lambda c, u, p: p.name in _text(c.get(f"/org/units/{u}/"))),
    # The person's link, not the bare code: "M3" can turn up inside a random CSRF token.
    "view: person search": ("people", lambda c, u, p: f"/org/persons/{p.code}/" in _text(c.get(
        "/org/search/", {"q": p.name, "what": "persons"}))),
    "view: person page": ("people", lambda c, u, p: _ok_or_404(c.get(f"/org/persons/{p.code}/"))),
    "api: person list": ("people", lambda c, u, p: p.code in [x["code"] for x in c.get(
        "/api/v1/org/persons/", {"q": p.name}).json()["items"]]),
    "api: person detail": ("people", lambda c, u, p: _ok_or_404(c.get(f"/api/v1/org/persons/{p.code}"))),
}


def _parent(code: str) -> str:
    return code.rsplit("-", 1)[0] if code.count("-") > 1 else ("SZ" if code != "SZ" else code)


def _ok_or_404(response) -> bool:
    assert response.status_code in (200, 404), response.status_code
    return response.status_code == 200


@pytest.fixture
def world(db):
    city = make_unit("SZ", kind=UnitKind.GOVERNMENT, name="深圳市人民政府")
    ft = make_unit("SZ-FT", city, kind=UnitKind.GOVERNMENT, level=Level.DISTRICT, name="福田区人民政府")
    ns = make_unit("SZ-NS", city, kind=UnitKind.GOVERNMENT, level=Level.DISTRICT, name="南山区人民政府")
    units = {"SZ-FT": ft, "SZ-NS": ns,
             "SZ-FT-SCJG": make_unit("SZ-FT-SCJG", ft, name="福田区市场监督管理局"),
             "SZ-FT-ZJ": make_unit("SZ-FT-ZJ", ft, name="福田区住房和建设局"),
             "SZ-FT-J01": make_unit("SZ-FT-J01", ft, kind=UnitKind.STREET_OFFICE, level=Level.STREET,
                                    name="园岭街道办事处"),
             "SZ-NS-SCJG": make_unit("SZ-NS-SCJG", ns, name="南山区市场监督管理局")}
    persons = {}
    for i, (scope, (code, name)) in enumerate(PEOPLE.items()):
        post = do_create_post(actor=None, unit=units[code], code=f"{code}-P1", label="科员", rank="staff")
        person = do_create_person(actor=None, code=f"M{i}", name=name, phone=PHONE, id_number=ID_NUMBER)
        do_start_membership(actor=None, person=person, post=post, start_date=None)
        persons[scope] = person
    return {"city": city, **units, "persons": persons}


def _client_for(client, role: str, world):
    if role == "anonymous":
        return client
    scope = world["SZ-FT-SCJG"] if role in (Role.STAFF, Role.UNIT_HEAD) else world["SZ-FT"]
    if role == Role.ADMIN:
        scope = world["city"]
    user = make_user(f"u-{role}", role, scope, password=None, is_superuser=role == Role.ADMIN)
    client.force_login(user)
    return client


@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
@pytest.mark.parametrize("role", ROLES)
def test_org_permission_matrix(client, world, role, endpoint):
    shows, check = ENDPOINTS[endpoint]
    client = _client_for(client, role, world)
    seen = {scope: check(client, PEOPLE[scope][0], world["persons"][scope]) for scope in SCOPES}
    expected = {scope: shows == "unit" or scope in PEOPLE_VISIBLE[role] for scope in SCOPES}
    assert seen == expected


@pytest.mark.parametrize("role", ROLES)
def test_phone_and_id_number_never_appear(client, world, role):
    client = _client_for(client, role, world)
    for scope in SCOPES:
        code, person = PEOPLE[scope][0], world["persons"][scope]
        for url in (f"/org/units/{code}/", f"/org/persons/{person.code}/", f"/api/v1/org/persons/{person.code}",
                    f"/org/search/?what=persons&q={person.name}", "/api/v1/org/persons/", f"/api/v1/org/units/{code}"):
            body = client.get(url).content.decode()
            assert PHONE not in body and ID_NUMBER not in body, url
