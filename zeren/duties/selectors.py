"""Every read of the catalogue and its findings.

The catalogue itself is public information: 权责清单 are published to the public except for
secret matters (中办发〔2015〕21号 “除保密事项外…向社会公布”), so item reads are not narrowed by
unit scope and need no log-in. Findings (with their resolution notes) and position descriptions
are internal and scoped with :func:`zeren.access.scope.scope_queryset`; the anonymous public
gets none of them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.http import Http404
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import Schema

from zeren.access.rules import ADMINISTER_DUTIES, EVALUATE, VIEW
from zeren.access.scope import scope_paths, scope_queryset
from zeren.audit.versions import cached, query_key
from zeren.duties.analysis import level_rules
from zeren.duties.models import (
    Area,
    DraftChange,
    DutyFinding,
    FunctionItem,
    ItemResponsibility,
    ItemVersion,
    PositionDescription,
    ReformBatch,
)
from zeren.duties.rules import diff_catalogues
from zeren.org.models import Level, Post, Rank, Unit, UnitKind, display_name_of

# A search by unit name matches the items of at most this many units (a name like "局" matches most).
MAX_NAMED_UNITS = 60


class CatalogueFilter(Schema):
    """The one filter of the catalogue, shared by the list page, its export and the API (``Query[CatalogueFilter]``)."""

    q: str = ""
    category: str = ""
    area: str = ""
    level: str = ""
    unit: str = ""
    as_of: date | None = None

    @classmethod
    def from_query(cls, params: Mapping[str, str]) -> CatalogueFilter:
        """From a page's query string; an unreadable date is ignored rather than refused."""
        return cls(q=params.get("q", "").strip(), category=params.get("category", ""), area=params.get("area", ""),
                   level=params.get("level", ""), unit=params.get("unit", "").strip(),
                   as_of=parse_day(params.get("as_of")))

    def apply(self, qs: QuerySet[ItemVersion]) -> QuerySet[ItemVersion]:
        qs = versions_as_of(self.as_of, qs)
        if self.q:
            # An item's name or code, or the name of a unit that carries it (部门名称): the public looks
            # for "市场监督管理局" as often as for "食品经营许可".
            match = Q(name__icontains=self.q) | Q(code__icontains=self.q)
            for code in Unit.objects.filter(
                    Q(name__icontains=self.q) | Q(short_name__icontains=self.q) | Q(name_en__icontains=self.q)).values_list(
                    "code", flat=True)[:MAX_NAMED_UNITS]:
                match |= Q(unit_codes__contains=f"|{code}|")
            qs = qs.filter(match)
        for key in ("category", "area", "level"):
            if getattr(self, key):
                qs = qs.filter(**{key: getattr(self, key)})
        if self.unit:
            qs = qs.filter(unit_codes__contains=f"|{self.unit}|")
        return qs


def parse_day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def versions_as_of(day: date | None, qs: QuerySet[ItemVersion] | None = None) -> QuerySet[ItemVersion]:
    """The item versions in force at the end of ``day`` (current ones if ``None``)."""
    qs = ItemVersion.objects.all() if qs is None else qs
    if day is None:
        return qs.filter(ended_by__isnull=True)
    return qs.filter(valid_from__lte=day).filter(Q(valid_until__isnull=True) | Q(valid_until__gt=day))


def catalogue_for(user: Any, flt: CatalogueFilter) -> QuerySet[ItemVersion]:
    return flt.apply(ItemVersion.objects.all()).order_by("code")


def get_item_for(user: Any, code: str) -> FunctionItem:
    item = FunctionItem.objects.filter(code=code).prefetch_related("responsibilities__unit").first()
    if item is None:
        raise Http404(code)
    return item


def item_version(item: FunctionItem, as_of: date | None = None) -> ItemVersion | None:
    """The version of ``item`` in force at the end of ``as_of``; without a date, the current one
    (for a cancelled item, its last version). ``None`` if the item was not in the list that day."""
    if as_of is not None:
        return versions_as_of(as_of, item.versions.select_related("batch")).first()
    versions = item.versions.select_related("batch")
    return versions.filter(ended_by__isnull=True).first() or versions.order_by("valid_from", "pk").last()


def item_history(item: FunctionItem) -> list[ItemVersion]:
    return list(item.versions.select_related("batch", "ended_by").order_by("valid_from", "batch__pk"))


def _not_after(prefix: str, batch: ReformBatch) -> Q:
    return Q(**{f"{prefix}__date__lt": batch.date}) | Q(**{f"{prefix}__date": batch.date, f"{prefix}__pk__lte": batch.pk})


def _after(prefix: str, batch: ReformBatch) -> Q:
    return Q(**{f"{prefix}__date__gt": batch.date}) | Q(**{f"{prefix}__date": batch.date, f"{prefix}__pk__gt": batch.pk})


def versions_after(batch: ReformBatch) -> QuerySet[ItemVersion]:
    """The item versions of the catalogue right after ``batch`` (batches ordered by date, then by creation)."""
    return ItemVersion.objects.filter(_not_after("batch", batch)).filter(
        Q(ended_by__isnull=True) | _after("ended_by", batch))


def _diff_versions(old: QuerySet[ItemVersion], new: QuerySet[ItemVersion]) -> dict[str, list[dict]]:
    """The diff of two catalogue states given as their item versions. A version in both states is the same
    content on both sides, so only the codes whose version differs are compared, and only their contents
    are read: a city list of 10,000 items changes by a few hundred per batch."""
    before = dict(old.values_list("code", "pk").iterator(chunk_size=5000))
    after = dict(new.values_list("code", "pk").iterator(chunk_size=5000))
    differing = [pk for code in before.keys() | after.keys() if before.get(code) != after.get(code)
                 for pk in (before.get(code), after.get(code)) if pk is not None]
    content: dict[int, dict] = {}
    for start in range(0, len(differing), 500):
        content.update(ItemVersion.objects.filter(pk__in=differing[start:start + 500]).values_list("pk", "content"))
    return diff_catalogues({code: content[pk] for code, pk in before.items() if pk in content},
                           {code: content[pk] for code, pk in after.items() if pk in content})


def batch_diff(old: ReformBatch, new: ReformBatch) -> dict[str, list[dict]]:
    """Added, removed, transferred (划转) and changed items between the states after two batches."""
    return _diff_versions(versions_after(old), versions_after(new))


def date_diff(old: date, new: date) -> dict[str, list[dict]]:
    return _diff_versions(versions_as_of(old), versions_as_of(new))


def findings_for(user: Any, *, kind: str = "", status: str = "", unit: str = "",
                 area: str = "") -> QuerySet[DutyFinding]:
    """Findings in the user's scope, most confident first and, at equal confidence, the largest cluster first."""
    qs = scope_queryset(user, DutyFinding.objects.select_related("unit"), unit_path_field="unit__path",
                        capability=VIEW).order_by(F("score").desc(nulls_last=True), "-size", "kind", "key")
    if area:
        qs = qs.filter(area=area)
    if kind:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(status=status)
    if unit:
        qs = qs.filter(unit_codes__icontains=f'"{unit}"')
    return qs


def get_finding_for(user: Any, pk: int) -> DutyFinding:
    finding = findings_for(user).filter(pk=pk).first()
    if finding is None:
        raise Http404(pk)
    return finding


def positions_for(user: Any) -> QuerySet[PositionDescription]:
    return scope_queryset(user, PositionDescription.objects.select_related("post__unit"),
                          unit_path_field="post__unit__path", capability=VIEW)


def posts_for(user: Any) -> QuerySet[Post]:
    return scope_queryset(user, Post.objects.select_related("unit"), unit_path_field="unit__path", capability=VIEW)


def position_of(post: Post) -> PositionDescription | None:
    return PositionDescription.objects.filter(post=post).first()


def items_of_post_unit(post: Post) -> list[FunctionItem]:
    """The active items held by the post's unit — or, for a post in an internal division (内设机构), by its
    department — offered when writing the post's description."""
    unit = post.unit if post.unit.kind != UnitKind.DIVISION or post.unit.parent_id is None else post.unit.parent
    return list(FunctionItem.objects.filter(is_active=True, responsibilities__unit=unit).distinct().order_by("code")
                .only("code", "name"))


def finding_counts(user: Any, status: str = "") -> list[tuple[str, int]]:
    qs = findings_for(user, status=status)
    return list(qs.order_by().values_list("kind").annotate(n=Count("pk")))


@dataclass
class UnitCoverage:
    unit: Unit
    items: int  # items the unit leads
    covered: int  # of which performed by at least one of its posts
    uncovered: list[str]  # codes of the others
    posts: int
    described: int  # posts whose description names at least one item
    without_by_rank: list[tuple[str, int]]  # posts without duties, counted by rank (职级)

    @property
    def coverage(self) -> float | None:
        """Share of the led items performed by some post (None when the unit leads none)."""
        return self.covered / self.items if self.items else None


def coverage_for(user: Any, unit_code: str = "") -> list[UnitCoverage]:
    """Coverage check (职责覆盖): every item a unit leads should be among the duties of at least one post of
    the unit (or of its internal divisions); posts without duties are counted by rank. Units in the user's
    scope, the least covered first. Five queries whatever the size of the city (no post is loaded as an
    object: the page shows figures, the posts of one unit are listed by :func:`posts_of_unit_for`)."""
    units_qs = scope_queryset(user, Unit.objects.filter(kind__in=["department", "street_office"]),
                              unit_path_field="path")
    if unit_code:
        units_qs = units_qs.filter(code=unit_code)
    # Cached until the catalogue, a description or the org tree changes (all audited): the check reads
    # every post of the units in scope, 30,000 in the city demo.
    return cached(f"duties:coverage:{get_language()}:{query_key(units_qs)}", ("duties",),
                  lambda: _coverage(units_qs))


def _coverage(units_qs: QuerySet[Unit]) -> list[UnitCoverage]:
    units = {u.pk: u for u in units_qs.only("id", "code", "name", "name_en", "path", "kind")}
    # The units, posts and described posts are selected by subqueries, never by lists of ids: the city's
    # lists run to tens of thousands of ids, which Django would turn into as many query parameters.
    unit_ids = units_qs.values("pk")
    led: dict[int, set[int]] = {}
    codes: dict[int, str] = {}
    for unit_id, item_id, code in ItemResponsibility.objects.filter(
            role="lead", item__is_active=True, unit_id__in=unit_ids).values_list("unit_id", "item_id", "item__code"):
        led.setdefault(unit_id, set()).add(item_id)
        codes[item_id] = code
    # Posts are counted in SQL by owner (the list-holding unit: the post's unit, or the department of its
    # division) and rank; only the few described posts are read one by one.
    by_rank: dict[int, Counter] = {}
    for owner, rank, n in [
            *Post.objects.filter(unit_id__in=unit_ids).values_list("unit_id", "rank").annotate(n=Count("pk")),
            *Post.objects.filter(unit__parent_id__in=unit_ids).exclude(unit_id__in=unit_ids).values_list(
                "unit__parent_id", "rank").annotate(n=Count("pk"))]:
        by_rank.setdefault(owner, Counter())[rank] += n
    covered: dict[int, set[int]] = {}
    described: dict[int, tuple[int, str]] = {}  # post → (owner, rank)
    for post_id, unit_id, parent_id, rank, item_id in PositionDescription.items.through.objects.filter(
            Q(positiondescription__post__unit_id__in=unit_ids)
            | Q(positiondescription__post__unit__parent_id__in=unit_ids)).values_list(
            "positiondescription__post_id", "positiondescription__post__unit_id",
            "positiondescription__post__unit__parent_id", "positiondescription__post__rank", "functionitem_id"):
        owner = unit_id if unit_id in units else parent_id
        covered.setdefault(owner, set()).add(item_id)
        described[post_id] = (owner, rank)
    described_by_rank: dict[int, Counter] = {}
    for owner, rank in described.values():
        described_by_rank.setdefault(owner, Counter())[rank] += 1
    labels = {rank: str(label) for rank, label in Rank.choices}
    order = {rank: i for i, rank in enumerate(labels)}
    rows = []
    for pk, unit in units.items():
        items = led.get(pk, set())
        ranks = by_rank.get(pk, Counter())
        if not items and not ranks:
            continue
        uncovered = sorted(codes[i] for i in items - covered.get(pk, set()))
        without = ranks - described_by_rank.get(pk, Counter())
        rows.append(UnitCoverage(unit, len(items), len(items) - len(uncovered), uncovered, ranks.total(),
                                 described_by_rank.get(pk, Counter()).total(),
                                 [(labels.get(r, r), n) for r, n in sorted(without.items(),
                                                                           key=lambda x: (-x[1], order.get(x[0], 99)))]))
    rows.sort(key=lambda r: (-len(r.uncovered), -(r.posts - r.described), r.unit.path))
    return rows


def posts_of_unit_for(user: Any, unit: Unit) -> QuerySet[Post]:
    """The posts of a list-holding unit and of its divisions, by rank then code, with their descriptions."""
    return (posts_for(user).filter(Q(unit=unit) | Q(unit__parent=unit))
            .select_related("unit", "description").annotate(n_items=Count("description__items"))
            .order_by("rank", "unit__path", "code"))


def draft_changes_for(user: Any, *, status: str = "") -> QuerySet[DraftChange]:
    """Proposed catalogue changes (草案条目) for the 编办 (``administer_duties``) and the performance
    office (``evaluate``, to follow its proposals) in their scope; a change of no unit concerns the
    whole catalogue and is seen by both. Nobody else: drafts are internal until approved."""
    qs = DraftChange.objects.select_related("batch", "unit", "applied_batch", "proposed_by", "decided_by")
    paths = set(scope_paths(user, ADMINISTER_DUTIES)) | set(scope_paths(user, EVALUATE))
    if not paths:
        return qs.none()
    if "/" not in paths:
        condition = Q(unit__isnull=True)
        for path in paths:
            condition |= Q(unit__path__startswith=path)
        qs = qs.filter(condition)
    return qs.filter(status=status) if status else qs


def draft_rows(change: DraftChange) -> list[tuple[str, Any, Any]]:
    """``(field, now, proposed)`` of the fields a change touches, for the review page."""
    if change.kind == "remove":
        return [("name", change.base.get("name"), None)]
    before = change.base if change.kind == "amend" else {}
    return [(key, before.get(key), value) for key, value in change.content.items() if key != "code"]


def finding_evidence_fields(evidence: Mapping[str, Any]) -> list[tuple[str, str]]:
    """A finding's evidence as labelled fields in the UI's language (证据), for what the finding page does
    not already show as its items, members and link table (``names``, ``links``, per-item lead units).
    Codes become their labels: areas, levels, a level rule's message, units by their display names."""
    def units(codes: Any) -> str:
        codes = [codes] if isinstance(codes, str) else list(codes)
        named = dict(Unit.objects.filter(code__in=codes).values_list("code", display_name_of()))
        return "、".join(f"{named[c]}（{c}）" if c in named else c for c in codes)

    def levels(values: Any) -> str:
        values = [values] if isinstance(values, str) else values
        return "、".join(str(Level(v).label) if v in Level.values else v for v in values)

    def rule(rule_id: str) -> str:
        return next((r.get("message", rule_id) for r in level_rules() if r["id"] == rule_id), rule_id)

    shown = {
        "rule": (_("层级规则"), rule),
        "basis": (_("依据"), str),
        "level": (_("实施层级"), levels),
        "lead_levels": (_("牵头层级"), levels),
        "area": (_("领域"), lambda v: str(Area(v).label) if v in Area.values else v),
        "action": (_("行为"), str),
        "shared_basis": (_("共同依据"), lambda v: "、".join(v)),
        "size": (_("事项数"), str),
        "missing": (_("缺少的要素"), lambda v: "、".join(v)),
        "unit": (_("单位"), units),
        "assisting_units": (_("协办单位"), units),
        "lead_units": (_("牵头单位"), units),
    }
    return [(str(shown[key][0]), shown[key][1](value)) for key, value in evidence.items()
            if key in shown and value not in (None, "", []) and not (key == "lead_units" and isinstance(value, dict))]
