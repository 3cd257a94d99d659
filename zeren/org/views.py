"""The org browser (组织机构): tree, unit page, person page, search. Thin: selectors do the reads."""

from __future__ import annotations

from django.db.models import Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy

from zeren.core.tables import ByLabel, Column, Table
from zeren.org import selectors
from zeren.org.models import ByUnitName, Level, Unit, UnitKind, display_name_of

PAGE_SIZE = 25
# The search's sortable columns (zeren.core.tables): units, or persons.
UNITS = Table(Column("name", gettext_lazy("名称"), ByUnitName()), Column("code", gettext_lazy("单位代码"), "code"),
              Column("kind", gettext_lazy("类别"), ByLabel("kind", UnitKind.choices)),
              Column("level", gettext_lazy("层级"), ByLabel("level", Level.choices, declared=True)),
              Column("parent", gettext_lazy("上级单位"), ByUnitName("parent__")), size=PAGE_SIZE)
PERSONS = Table(Column("name", gettext_lazy("姓名"), "name"), Column("code", gettext_lazy("人员编号"), "code"),
                size=PAGE_SIZE)


def index(request: HttpRequest) -> HttpResponse:
    """The unit tree: the roots, each expandable (htmx loads children on demand)."""
    return render(request, "org/index.html", {"nodes": selectors.unit_children(request.user, None)})


def tree_children(request: HttpRequest, code: str) -> HttpResponse:
    unit = selectors.get_unit_for(request.user, code)
    return render(request, "org/_tree_nodes.html", {"nodes": selectors.unit_children(request.user, unit)})


def unit_detail(request: HttpRequest, code: str) -> HttpResponse:
    unit = selectors.get_unit_for(request.user, code)
    return render(request, "org/unit.html", {
        "unit": unit,
        "ancestors": selectors.unit_ancestors(unit),
        "posts": selectors.posts_of_unit(request.user, unit),
        "people_visible": selectors.can_see_people(request.user, unit),
        "past": selectors.past_memberships(request.user, unit)[:50],
        "children": selectors.unit_children(request.user, unit),
        "links": selectors.unit_links(request.user, unit),
    })


def person_detail(request: HttpRequest, code: str) -> HttpResponse:
    return render(request, "org/person.html", {"person": selectors.get_person_for(request.user, code)})


def search(request: HttpRequest) -> HttpResponse:
    """Units or persons by name or code, paginated; persons only within the user's scope."""
    q = request.GET.get("q", "").strip()
    what = "persons" if request.GET.get("what") == "persons" else "units"
    level = request.GET.get("level", "") if request.GET.get("level") in Level.values else ""
    kind = request.GET.get("kind", "") if request.GET.get("kind") in UnitKind.values else ""
    if what == "persons":
        qs = selectors.persons_for(request.user, q=q) if q else selectors.persons_for(request.user).none()
    else:
        qs = selectors.units_for(request.user, q=q, level=level, kind=kind)
    table = (PERSONS if what == "persons" else UNITS).page(request, qs)
    return render(request, "org/search.html", {
        "q": q, "what": what, "level": level, "kind": kind, "page": table.page, "table": table,
        "levels": Level.choices, "kinds": UnitKind.choices, "signed_in": request.user.is_authenticated,
    })


def units_json(request: HttpRequest) -> JsonResponse:
    """The unit picker's options (zeren.org.picker): "名称 · CODE" of the units whose name or code contains
    ``q``, in tree order. The tree is public, like the rest of this app's pages."""
    q = request.GET.get("q", "").strip()[:50]
    qs = Unit.objects.filter(Q(name__icontains=q) | Q(short_name__icontains=q) | Q(name_en__icontains=q)
                             | Q(code__icontains=q)) if q else Unit.objects.none()
    rows = qs.order_by("path").values_list(display_name_of(), "code")[:30]
    return JsonResponse({"units": [f"{name} · {code}" for name, code in rows]})


units_json.public = True  # type: ignore[attr-defined]  # the permission matrix reads this: the tree is public
