"""Catalogue API (权责清单): items (current or as of a date) and analysis findings (scoped)."""

from collections.abc import Callable
from datetime import date
from typing import Any

from django.http import Http404
from ninja import Query, Router, Schema
from ninja.pagination import paginate
from ninja.security import django_auth

from zeren.core.pagination import BoundedLimitOffsetPagination
from zeren.duties import selectors
from zeren.duties.models import Area, Category, FindingKind, FindingStatus
from zeren.org.models import Level

# The items are public (published 权责清单, see selectors); the findings need a log-in.
router = Router(tags=["duties"])
PUBLIC = {"x-zeren-public": True}  # read by the permission matrix (zeren/access/tests/test_matrix_api.py)


class LegalBasisOut(Schema):
    law: str
    article: str
    text: str


class ItemOut(Schema):
    code: str
    name: str
    category: Category
    area: Area
    level: Level
    legal_basis: list[LegalBasisOut]
    lead_units: list[str]
    assisting_units: list[str]
    responsibility_matters: list[str]
    accountability_situations: list[str]
    parent: str
    valid_from: date


class FindingOut(Schema):
    id: int
    kind: FindingKind
    status: FindingStatus
    items: list[str]
    units: list[str]
    score: float | None
    summary: str
    evidence: dict[str, Any]
    resolution: str
    resolution_reason: str


def _item(version) -> dict[str, Any]:
    return {**version.content, "parent": version.content.get("parent", ""), "valid_from": version.valid_from}


def _finding(f) -> dict[str, Any]:
    return {"id": f.pk, "kind": f.kind, "status": f.status, "items": f.item_codes, "units": f.unit_codes,
            "score": f.score, "summary": f.summary, "evidence": f.evidence, "resolution": f.resolution,
            "resolution_reason": f.resolution_reason}


class _Mapped:
    """A queryset as the pagination sees it: counted and sliced in the database, and only the page's rows
    turned into output dicts (not every row of the catalogue for each page)."""

    def __init__(self, qs, row: Callable[[Any], dict[str, Any]]) -> None:
        self.qs, self.row = qs, row

    def all(self):
        return self.qs

    def __len__(self) -> int:
        return self.qs.count()

    def __getitem__(self, page: slice) -> list[dict[str, Any]]:
        return [self.row(obj) for obj in self.qs[page]]


@router.get("/items", response=list[ItemOut], openapi_extra=PUBLIC)
@paginate(BoundedLimitOffsetPagination)
def list_items(request, filters: Query[selectors.CatalogueFilter]):
    """The catalogue (public), filtered like the list page; ``as_of`` gives the catalogue in force at the end of
    that day."""
    return _Mapped(selectors.catalogue_for(request.user, filters), _item)


@router.get("/items/{code}", response=ItemOut, openapi_extra=PUBLIC)
def get_item(request, code: str, as_of: date | None = None):
    """One item (public): as it stands (a cancelled item: its last version), or in force at the end of ``as_of``."""
    version = selectors.item_version(selectors.get_item_for(request.user, code), as_of)
    if version is None:
        raise Http404(code)
    return _item(version)


@router.get("/findings", response=list[FindingOut], auth=django_auth)
@paginate(BoundedLimitOffsetPagination)
def list_findings(request, kind: str = "", status: str = "", unit: str = ""):
    """Analysis findings in the caller's scope."""
    return _Mapped(selectors.findings_for(request.user, kind=kind, status=status, unit=unit), _finding)


@router.get("/findings/{finding_id}", response=FindingOut, auth=django_auth)
def get_finding(request, finding_id: int):
    return _finding(selectors.get_finding_for(request.user, finding_id))


class DraftOut(Schema):
    id: int
    batch: str
    kind: str
    item_code: str
    content: dict[str, Any]
    unit: str | None
    reason: str
    origin: str
    status: str
    decision_reason: str
    applied_batch: str | None

    @staticmethod
    def resolve_batch(obj) -> str:
        return obj.batch.name

    @staticmethod
    def resolve_reason(obj) -> str:  # in the caller's language when code wrote it as a message
        return obj.display_reason

    @staticmethod
    def resolve_unit(obj) -> str | None:
        return obj.unit.code if obj.unit_id else None

    @staticmethod
    def resolve_applied_batch(obj) -> str | None:
        return obj.applied_batch.name if obj.applied_batch_id else None


@router.get("/drafts", response=list[DraftOut], auth=django_auth)
@paginate(BoundedLimitOffsetPagination)
def list_drafts(request, status: str = ""):
    """Proposed catalogue changes (调整批次草案) for the 编办 and the performance office, in their scope."""
    return selectors.draft_changes_for(request.user, status=status)
