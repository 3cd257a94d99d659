"""Every read of the catalogue and its findings.

The catalogue itself is public information: 权责清单 are published to the public except for
secret matters (中办发〔2015〕21号 “除保密事项外…向社会公布”), so item reads are not narrowed by
unit scope. Findings and position descriptions are internal and scoped with
:func:`zeren.access.scope.scope_queryset`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from zeren.access.rules import VIEW
from zeren.access.scope import scope_queryset
from zeren.duties.models import DutyFinding, FunctionItem, ItemVersion, PositionDescription, ReformBatch
from zeren.duties.rules import diff_catalogues


@dataclass
class CatalogueFilter:
    """The one filter of the catalogue, shared by the list page and the API."""

    q: str = ""
    category: str = ""
    area: str = ""
    level: str = ""
    unit: str = ""
    as_of: date | None = None

    def apply(self, qs: QuerySet[ItemVersion]) -> QuerySet[ItemVersion]:
        qs = versions_as_of(self.as_of, qs)
        if self.q:
            qs = qs.filter(Q(name__icontains=self.q) | Q(code__icontains=self.q))
        for key in ("category", "area", "level"):
            if getattr(self, key):
                qs = qs.filter(**{key: getattr(self, key)})
        if self.unit:
            qs = qs.filter(unit_codes__contains=f"|{self.unit}|")
        return qs


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


def item_history(item: FunctionItem) -> list[ItemVersion]:
    return list(item.versions.select_related("batch", "ended_by").order_by("valid_from", "batch__pk"))


def _not_after(prefix: str, batch: ReformBatch) -> Q:
    return Q(**{f"{prefix}__date__lt": batch.date}) | Q(**{f"{prefix}__date": batch.date, f"{prefix}__pk__lte": batch.pk})


def _after(prefix: str, batch: ReformBatch) -> Q:
    return Q(**{f"{prefix}__date__gt": batch.date}) | Q(**{f"{prefix}__date": batch.date, f"{prefix}__pk__gt": batch.pk})


def state_after(batch: ReformBatch) -> dict[str, dict]:
    """The catalogue right after ``batch`` (batches ordered by date, then by creation) — code → content."""
    qs = ItemVersion.objects.filter(_not_after("batch", batch)).filter(
        Q(ended_by__isnull=True) | _after("ended_by", batch))
    return dict(qs.values_list("code", "content").iterator(chunk_size=2000))


def state_as_of(day: date | None) -> dict[str, dict]:
    return dict(versions_as_of(day).values_list("code", "content").iterator(chunk_size=2000))


def batch_diff(old: ReformBatch, new: ReformBatch) -> dict[str, list[dict]]:
    """Added, removed, transferred (划转) and changed items between the states after two batches."""
    return diff_catalogues(state_after(old), state_after(new))


def date_diff(old: date, new: date) -> dict[str, list[dict]]:
    return diff_catalogues(state_as_of(old), state_as_of(new))


def findings_for(user: Any, *, kind: str = "", status: str = "", unit: str = "") -> QuerySet[DutyFinding]:
    qs = scope_queryset(user, DutyFinding.objects.select_related("unit"), unit_path_field="unit__path",
                        capability=VIEW)
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
