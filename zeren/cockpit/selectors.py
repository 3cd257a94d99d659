"""Reads of the cockpit and the workbench, scoped to the viewer.

Cached: a panel's data is the same for everyone who may see the unit's whole subtree (panels compute
what VIEW over it shows), so it is cached per unit, language and day under a data version
(:mod:`zeren.audit.versions`): the highest audit entry of the apps the panel depends on. Every change
in zeren is recorded in the audit log (the project's rule), so a change to the data moves the version
and the next request computes afresh; nothing else expires the entry (a day later the key changes with the date).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import reduce
from operator import or_
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import F, Q, QuerySet
from django.http import Http404
from django.utils.translation import get_language

from zeren.access.rules import SUPERVISE, VIEW
from zeren.access.scope import ALL, can, scope_paths
from zeren.audit.versions import CACHE_SECONDS, data_versions, version_of
from zeren.cockpit import registry, rules
from zeren.cockpit.models import Urge
from zeren.core.boards import UNIT, Panel, PanelData, PanelScope, Queue, QueueItem, QueueScope, unit_label
from zeren.org.models import Unit, UnitKind


def caching() -> bool:
    """The panels' cache is on unless settings.ZEREN_COCKPIT_CACHE is False (bench/pages.py compares)."""
    return bool(getattr(settings, "ZEREN_COCKPIT_CACHE", True))


# --- the unit shown ------------------------------------------------------------------------------


def home_unit_for(user: Any) -> Unit:
    """The cockpit a user lands on: the top of their view scope (the city for a city leader)."""
    paths = scope_paths(user, VIEW)
    if not paths:
        raise PermissionDenied("no view scope")
    if paths == ALL:
        unit = (Unit.objects.filter(parent__isnull=True, kind=UnitKind.GOVERNMENT).order_by("path").first()
                or Unit.objects.filter(parent__isnull=True).order_by("path").first())
    else:
        unit = Unit.objects.filter(path=min(paths, key=lambda p: (p.count("/"), p))).first()
    if unit is None:
        raise Http404("no unit")
    return unit


def cockpit_unit_for(user: Any, code: str) -> Unit:
    """The unit ``code`` if the user may see its whole subtree: 404 unknown, 403 outside their scope."""
    unit = Unit.objects.filter(code=code).first()
    if unit is None:
        raise Http404(code)
    if not can(user, VIEW, unit):
        raise PermissionDenied(code)
    return unit


def ancestors_in_scope(user: Any, unit: Unit) -> list[tuple[str, str]]:
    """(code, name) of the unit's ancestors the user may also open, top down (the cockpit's breadcrumb)."""
    codes = unit.ancestor_codes()
    return [(u.code, unit_label(u.name, u.name_en)) for u in Unit.objects.filter(code__in=codes).order_by("path")
            if can(user, VIEW, u)]


def children_of(unit: Unit) -> list[Unit]:
    return list(Unit.objects.filter(parent=unit).exclude(kind=UnitKind.DIVISION).order_by("sort_order", "code"))


# --- panels --------------------------------------------------------------------------------------


@dataclass
class Shown:
    """A panel as the page shows it."""

    panel: Panel
    data: PanelData
    cached: bool = False
    chart_ids: list[tuple[str, Any]] = field(default_factory=list)  # (the page's element id, chart)


def panels_for(user: Any, unit: Unit, today: date) -> list[Shown]:
    """Every element's panel for ``unit`` (which the caller checked the user may see), cached."""
    scope = PanelScope(user=user, unit=unit, today=today)
    if not caching():
        return [Shown(p, p.compute(scope)) for p in registry.panels()]
    versions = data_versions()
    keys = {p.element: f"cockpit:panel:{p.element}:{unit.pk}:{get_language()}:{today.isoformat()}:"
                       f"{version_of(p.depends_on or (p.element,), versions)}" for p in registry.panels()}
    found = cache.get_many(list(keys.values()))
    shown = []
    for panel in registry.panels():
        key = keys[panel.element]
        if key in found:
            shown.append(Shown(panel, found[key], cached=True))
            continue
        data = panel.compute(scope)
        cache.set(key, data, CACHE_SECONDS)
        shown.append(Shown(panel, data))
    return shown


@dataclass
class BreakingRow:
    unit: Unit
    elements: list[tuple[str, Any]]  # (element, title)
    total: int
    is_self: bool = False

    @property
    def name(self) -> str:
        return unit_label(self.unit.name, self.unit.name_en)


def breaking_for(unit: Unit, shown: list[Shown]) -> list[BreakingRow]:
    """The units (children of ``unit``, or itself) on the most elements' problem lists."""
    codes = {code for s in shown for code in s.data.problems}
    paths = dict(Unit.objects.filter(code__in=codes).values_list("code", "path"))
    by_element = {s.panel.element: rules.roll_up(s.data.problems, paths, unit.path) for s in shown}
    order = [s.panel.element for s in shown]
    ranked = rules.breaking_units(by_element, order)
    units = {u.path: u for u in Unit.objects.filter(path__in=[b.path for b in ranked])}
    titles = {s.panel.element: s.panel.title for s in shown}
    return [BreakingRow(units[b.path], [(e, titles[e]) for e in b.elements], b.total, b.path == unit.path)
            for b in ranked if b.path in units]


# --- the workbench -------------------------------------------------------------------------------

MINE, WATCH = "mine", "watch"


def own_paths(user: Any) -> list[str]:
    """"My unit": the user's home unit and its internal divisions (内设机构), not the bodies under it
    (a government's departments are units of their own)."""
    cached = user.__dict__.get("_zeren_own_paths")
    if cached is not None:
        return cached
    unit = getattr(user, "unit", None)
    paths: list[str] = []
    if unit is not None:
        paths, level = [unit.path], [unit.pk]
        while level:
            rows = list(Unit.objects.filter(parent_id__in=level, kind=UnitKind.DIVISION).values_list("pk", "path"))
            level = [pk for pk, _ in rows]
            paths += [path for _, path in rows]
    user.__dict__["_zeren_own_paths"] = paths
    return paths


def _under(lookup: str, paths: list[str]) -> Q:
    return reduce(or_, [Q(**{f"{lookup}__startswith": p}) for p in paths])


def may_watch(user: Any) -> bool:
    """Supervision (SUPERVISE somewhere) watches the units' queues and urges them."""
    return bool(scope_paths(user, SUPERVISE))


def narrow(queue: Queue, qs: QuerySet[Any], user: Any, mode: str) -> QuerySet[Any]:
    """``mine``: what the user's unit must do (unit queues) or what the user acts on as an officer
    (capability queues); ``watch``: the unit queues of the units the user supervises, but their own."""
    if mode == MINE:
        if queue.who == UNIT:
            mine = own_paths(user)
            return qs.filter(**{f"{queue.actor}__in": mine}) if mine else qs.none()
        paths = scope_paths(user, queue.who)
        if not paths:
            return qs.none()
        return qs if paths == ALL or not queue.actor else qs.filter(_under(queue.actor, paths))
    if queue.who != UNIT:
        return qs.none()
    paths = scope_paths(user, SUPERVISE)
    if not paths:
        return qs.none()
    qs = qs if paths == ALL else qs.filter(_under(queue.actor, paths))
    return qs.exclude(**{f"{queue.actor}__in": own_paths(user)})


@dataclass(frozen=True)
class Filters:
    kinds: tuple[str, ...] = ()
    unit_paths: tuple[str, ...] = ()  # the picked units' subtrees; () for all
    overdue: bool = False
    no_match: bool = False  # the unit text matched nothing: show nothing, and say so


def _filtered(queue: Queue, qs: QuerySet[Any], flt: Filters, today: date) -> QuerySet[Any]:
    if flt.no_match:
        return qs.none()
    if flt.unit_paths:
        qs = qs.filter(_under(queue.unit, list(flt.unit_paths))) if queue.unit else qs.none()
    if flt.overdue:
        qs = qs.filter(**{f"{queue.due}__lt": today}) if queue.due else qs.none()
    return qs


def queue_scope(user: Any, today: date) -> QueueScope:
    from zeren.workcal.selectors import get_calendar

    return QueueScope(user=user, today=today, horizon=get_calendar().add_workdays(today, rules.HORIZON_WORKDAYS))


def _sources(scope: QueueScope, mode: str, flt: Filters, *, closed: bool = False) -> list[tuple[Queue, QuerySet[Any]]]:
    out = []
    for queue in registry.queues():
        if flt.kinds and queue.kind not in flt.kinds:
            continue
        qs = (queue.closed if closed else queue.open)(scope)
        out.append((queue, _filtered(queue, narrow(queue, qs, scope.user, mode), flt, scope.today)))
    return out


def counts(user: Any, today: date, mode: str) -> dict[str, tuple[int, int]]:
    """Per queue kind: (open items, of which overdue) for ``mode``, cached per user and data version."""
    key = f"cockpit:counts:{user.pk}:{mode}:{today.isoformat()}:{data_versions()['head']}"
    found = cache.get(key)
    if found is not None:
        return found
    scope = queue_scope(user, today)
    out = {}
    for queue, qs in _sources(scope, mode, Filters()):
        n = qs.count()
        late = qs.filter(**{f"{queue.due}__lt": today}).count() if queue.due and n else 0
        if n:
            out[queue.kind] = (n, late)
    cache.set(key, out, CACHE_SECONDS)
    return out


@dataclass
class Row:
    item: QueueItem
    queue: Queue
    left: int | None
    tone: str
    urges: int = 0
    last_urge: Any = None
    escalated: bool = False
    may_escalate: bool = False

    @property
    def overdue_by(self) -> int:
        return -self.left if self.left is not None and self.left < 0 else 0


@dataclass
class WorkPage:
    rows: list[Row]
    total: int
    page: int
    pages: int
    size: int
    by_kind: list[tuple[Queue, int]] = field(default_factory=list)


def _order(queue: Queue, qs: QuerySet[Any], closed: bool) -> QuerySet[Any]:
    if closed:
        return qs.order_by(F(queue.done_on).desc(nulls_last=True), "-pk") if queue.done_on else qs.order_by("-pk")
    return qs.order_by(F(queue.due).asc(nulls_last=True), "pk") if queue.due else qs.order_by("pk")


def work_page(user: Any, today: date, *, mode: str = MINE, flt: Filters = Filters(), page: int = 1,
              size: int = 25, closed: bool = False) -> WorkPage:
    """One page of the user's queue (or history, ``closed``), all kinds merged by deadline (soonest
    first; closed: most recently done first), each row with its working days left and its urges."""
    from zeren.workcal.selectors import get_calendar

    scope = queue_scope(user, today)
    sources = _sources(scope, mode, flt, closed=closed)
    sized = [(q, qs, qs.count()) for q, qs in sources]
    total = sum(n for _, _, n in sized)
    pages = max(1, -(-total // size))
    page = min(max(1, page), pages)
    offset = (page - 1) * size
    order = {q.kind: i for i, q in enumerate(registry.queues())}
    keyed = []
    for queue, qs, n in sized:
        if not n:
            continue
        field_name = queue.done_on if closed else queue.due
        values = (_order(queue, qs, closed).values_list("pk", field_name) if field_name
                  else _order(queue, qs, closed).values_list("pk", "pk"))[:offset + size]
        as_date = [(pk, _day(d) if field_name else None) for pk, d in values]
        keyer = rules.done_key if closed else rules.due_key
        keyed.append([(keyer(d, order[queue.kind], pk), queue.kind, pk) for pk, d in as_date])
    chosen = rules.merged_page(keyed, key=lambda r: r[0], offset=offset, limit=size)
    wanted: dict[str, list[Any]] = defaultdict(list)
    for _, kind, pk in chosen:
        wanted[kind].append(pk)
    queues = {q.kind: (q, qs) for q, qs, _ in sized}
    items: dict[tuple[str, Any], QueueItem] = {}
    for kind, pks in wanted.items():
        queue, qs = queues[kind]
        for obj in qs.filter(pk__in=pks):
            items[(kind, obj.pk)] = queue.row(obj)
    cal = get_calendar()
    rows = []
    for _, kind, pk in chosen:
        item = items.get((kind, pk))
        if item is None:
            continue
        left = rules.workdays_left(cal, today, item.due)
        rows.append(Row(item, queues[kind][0], left, "" if closed else rules.urgency(left)))
    _attach_urges(rows)
    return WorkPage(rows, total, page, pages, size, [(q, n) for q, _, n in sized if n])


def _day(value: Any) -> date | None:
    if value is None:
        return None
    return value.date() if hasattr(value, "date") and callable(value.date) else value


def _attach_urges(rows: list[Row]) -> None:
    refs = [r.item.ref.split(":", 1) for r in rows]
    if not refs:
        return
    found = (Urge.objects.filter(reduce(or_, [Q(object_type=t, object_id=i) for t, i in refs]))
             .order_by("at", "id").values_list("object_type", "object_id", "level", "at"))
    seen: dict[str, list[tuple[str, Any]]] = defaultdict(list)
    for object_type, object_id, level, at in found:
        seen[f"{object_type}:{object_id}"].append((level, at))
    for row in rows:
        urges = seen.get(row.item.ref, [])
        row.urges = len(urges)
        row.last_urge = urges[-1][1] if urges else None
        row.escalated = any(level == rules.ESCALATE for level, _ in urges)
        row.may_escalate = rules.may_escalate(row.left, row.urges)


def received_urges(user: Any, limit: int = 20) -> QuerySet[Urge]:
    """Urges of the user's own unit, and escalations to it, newest first."""
    mine = own_paths(user)
    if not mine:
        return Urge.objects.none()
    return (Urge.objects.filter(Q(unit__path__in=mine) | Q(escalated_to__path__in=mine))
            .select_related("unit", "escalated_to", "by").order_by("-at", "-id")[:limit])


def units_for_picker(user: Any, mode: str) -> list[tuple[str, str]]:
    """(label, value) of the units a workbench may filter by: those in the user's view scope, but the
    internal divisions (a department is picked by its name)."""
    paths = scope_paths(user, VIEW)
    if not paths:
        return []
    qs = Unit.objects.exclude(kind=UnitKind.DIVISION)
    if paths != ALL:
        qs = qs.filter(_under("path", paths))
    return [(f"{unit_label(name, name_en)} · {code}", code)
            for code, name, name_en in qs.order_by("path").values_list("code", "name", "name_en")[:2000]]


def units_matching(user: Any, text: str) -> list[Unit]:
    """The units in the user's view scope that a picker text names: ``名称 · CODE``, a code, or a
    part of a name (Chinese, English or short name)."""
    text = text.strip()
    if not text:
        return []
    paths = scope_paths(user, VIEW)
    if not paths:
        return []
    qs = Unit.objects.all() if paths == ALL else Unit.objects.filter(_under("path", paths))
    code = text.rsplit("·", 1)[-1].strip()
    exact = list(qs.filter(code=code))
    if exact:
        return exact
    return list(qs.filter(Q(name__icontains=text) | Q(name_en__icontains=text) | Q(short_name__icontains=text))
                .exclude(kind=UnitKind.DIVISION).order_by("path")[:50])
