"""Organisation API (组织机构): units and posts (public), persons (scoped to the caller)."""

from __future__ import annotations

from datetime import date

from ninja import Field, Router, Schema
from ninja.pagination import paginate

from zeren.core.pagination import BoundedLimitOffsetPagination
from zeren.org import selectors
from zeren.org.models import Level, Post, Rank, UnitKind

router = Router(tags=["org"])


class UnitOut(Schema):
    code: str
    name: str
    name_en: str
    short_name: str
    kind: UnitKind
    level: Level
    parent_code: str | None
    path: str
    valid_from: date | None
    valid_until: date | None
    population: int | None = Field(None, description="resident population of the area governed (常住人口); "
                                                     "empty for departments, which serve their parent area's")

    @staticmethod
    def resolve_parent_code(obj) -> str | None:
        return obj.parent.code if obj.parent_id else None


class PostOut(Schema):
    code: str
    unit_code: str
    label: str
    rank: Rank
    is_leading: bool
    valid_from: date | None
    valid_until: date | None

    @staticmethod
    def resolve_unit_code(obj) -> str:
        return obj.unit.code


class UnitDetailOut(UnitOut):
    functions: list[str]
    children: list[str]
    posts: list[PostOut]

    @staticmethod
    def resolve_children(obj) -> list[str]:
        return obj.child_codes

    @staticmethod
    def resolve_posts(obj) -> list[Post]:
        return obj.post_list


class MembershipOut(Schema):
    post_code: str
    post_label: str
    unit_code: str
    start_date: date | None
    end_date: date | None


class PersonOut(Schema):
    code: str
    name: str
    gender: str


class PersonDetailOut(PersonOut):
    memberships: list[MembershipOut]


@router.get("/units/", response=list[UnitOut])
@paginate(BoundedLimitOffsetPagination)
def list_units(request, q: str = "", level: str = "", kind: str = "", parent: str = "", include_closed: bool = True):
    """Units of the tree (public), filtered by name/code search, level, kind and parent code."""
    return selectors.units_for(request.user, q=q, level=level, kind=kind, parent=parent, include_closed=include_closed)


@router.get("/units/{code}", response=UnitDetailOut)
def get_unit(request, code: str):
    unit = selectors.get_unit_for(request.user, code)
    unit.post_list = selectors.posts_of_unit(request.user, unit)
    for post in unit.post_list:
        post.unit = unit
    unit.child_codes = [c.code for c in selectors.unit_children(request.user, unit)]
    return unit


@router.get("/posts/", response=list[PostOut])
@paginate(BoundedLimitOffsetPagination)
def list_posts(request, unit: str = "", leading: bool | None = None):
    """Posts (public), optionally of one unit (code) and leading/non-leading only."""
    qs = Post.objects.select_related("unit").order_by("unit__path", "code")
    if unit:
        qs = qs.filter(unit__code=unit)
    if leading is not None:
        qs = qs.filter(is_leading=leading)
    return qs


@router.get("/persons/", response=list[PersonOut])
@paginate(BoundedLimitOffsetPagination)
def list_persons(request, q: str = "", unit: str = ""):
    """Persons holding or having held a post in your scope (none for the public), by name/code and unit subtree."""
    return selectors.persons_for(request.user, q=q, unit=unit)


@router.get("/persons/{code}", response=PersonDetailOut)
def get_person(request, code: str):
    """One person in your scope with their memberships; 404 when out of scope."""
    person = selectors.get_person_for(request.user, code)
    memberships = [MembershipOut(post_code=m.post.code, post_label=m.post.label, unit_code=m.unit.code,
                                 start_date=m.start_date, end_date=m.end_date) for m in person.membership_list]
    return PersonDetailOut(code=person.code, name=person.name, gender=person.gender, memberships=memberships)
