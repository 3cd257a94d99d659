"""Every read of the organisation registry for a user (组织机构查询).

The unit tree and its posts are published (政府信息公开: 机构设置 and 职位): anyone sees them.
People are personal data: a user sees a person only when one of the person's memberships lies in
a unit subtree where the user holds the ``view`` capability (:mod:`zeren.access.scope`). Phone and
ID numbers are never part of these reads.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from zeren.access.rules import VIEW, path_in_scope
from zeren.access.scope import scope_paths, scope_queryset
from zeren.org.models import Membership, Person, Post, Unit

PERSON_FIELDS = ["id", "code", "name", "gender"]  # what the org pages and API may show of a person


def filter_units(qs: QuerySet[Unit], *, q: str = "", level: str = "", kind: str = "", parent: str = "",
                 include_closed: bool = True) -> QuerySet[Unit]:
    """The one unit filter the list page and the API share: name/code search, level, kind, parent code."""
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(code__istartswith=q) | Q(name_en__icontains=q))
    if level:
        qs = qs.filter(level=level)
    if kind:
        qs = qs.filter(kind=kind)
    if parent:
        qs = qs.filter(parent__code=parent)
    if not include_closed:
        qs = qs.filter(valid_until__isnull=True)
    return qs


def units_for(user: Any, **filters: Any) -> QuerySet[Unit]:
    """Units anyone may see (all of them: the tree is public), filtered."""
    return filter_units(Unit.objects.select_related("parent"), **filters).order_by("path")


def get_unit_for(user: Any, code: str) -> Unit:
    unit = Unit.objects.select_related("parent").filter(code=code).first()
    if unit is None:
        raise Http404(f"no unit {code}")
    return unit


def unit_children(user: Any, unit: Unit | None) -> QuerySet[Unit]:
    """Children of ``unit`` (the roots when ``None``) with their own child counts, in display order."""
    qs = Unit.objects.filter(parent=unit) if unit else Unit.objects.filter(parent__isnull=True)
    return qs.annotate(child_count=Count("children")).order_by("valid_until", "sort_order", "code")


def unit_ancestors(unit: Unit) -> list[Unit]:
    by_code = {u.code: u for u in Unit.objects.filter(code__in=unit.ancestor_codes())}
    return [by_code[c] for c in unit.ancestor_codes() if c in by_code]


def can_see_people(user: Any, unit: Unit) -> bool:
    """May ``user`` see who holds the posts of ``unit``?"""
    return path_in_scope(unit.path, scope_paths(user, VIEW))


def posts_of_unit(user: Any, unit: Unit) -> list[Post]:
    """The unit's posts, leading first; each has ``holders`` (current memberships) when the user may see people."""
    posts = Post.objects.filter(unit=unit).order_by("-is_leading", "code")
    if not can_see_people(user, unit):
        return [_without_holders(p) for p in posts]
    current = Membership.objects.filter(end_date__isnull=True).select_related("person").only(
        "id", "post_id", "start_date", "end_date", "person__code", "person__name", "person__gender")
    return list(posts.prefetch_related(Prefetch("memberships", queryset=current, to_attr="holders")))


def _without_holders(post: Post) -> Post:
    post.holders = None
    return post


def past_memberships(user: Any, unit: Unit) -> QuerySet[Membership]:
    """Ended memberships in the unit (任职历史), only for users who may see its people."""
    if not can_see_people(user, unit):
        return Membership.objects.none()
    return (Membership.objects.filter(unit=unit, end_date__isnull=False).select_related("post", "person")
            .only("start_date", "end_date", "post__label", "post__code", "person__code", "person__name")
            .order_by("-end_date"))


def persons_for(user: Any, *, q: str = "", unit: str = "") -> QuerySet[Person]:
    """Persons with a membership in the user's scope, optionally by name/code and unit subtree."""
    memberships = scope_queryset(user, Membership.objects.all(), unit_path_field="unit__path")
    if unit:
        memberships = memberships.filter(unit__path__contains=f"/{unit}/")
    qs = Person.objects.filter(pk__in=memberships.values("person_id")).only(*PERSON_FIELDS)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(code__istartswith=q))
    return qs.order_by("code")


def get_person_for(user: Any, code: str) -> Person:
    """A person the user may see, with their memberships; 404 otherwise (the same as not existing)."""
    person = persons_for(user).filter(code=code).first()
    if person is None:
        raise Http404(f"no person {code}")
    person.membership_list = list(
        person.memberships.select_related("post", "unit").order_by("end_date", "-start_date"))
    return person


def unit_links(user: Any, unit: Unit) -> list[tuple[str, str]]:
    """``(label, url)`` of the unit's records in the element apps — its duties, targets, alerts, findings,
    cases, evaluation results — each app contributing the links this user may follow through a module
    ``zeren/<app>/unit_links.py`` defining ``links(unit, user)`` (org imports no element app)."""
    from zeren.core.registry import app_modules

    return [link for _config, module in app_modules("unit_links") for link in module.links(unit, user)]
