"""Catalogue API (权责清单): items (current or as of a date) and analysis findings (scoped)."""

from datetime import date
from typing import Any

from ninja import Query, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.security import django_auth

from zeren.duties import selectors
from zeren.duties.models import Area, Category, FindingKind, FindingStatus
from zeren.org.models import Level

router = Router(tags=["duties"], auth=django_auth)


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


class ItemFilter(Schema):
    q: str = ""
    category: str = ""
    area: str = ""
    level: str = ""
    unit: str = ""
    as_of: date | None = None


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


@router.get("/items", response=list[ItemOut])
@paginate(LimitOffsetPagination)
def list_items(request, filters: Query[ItemFilter]):
    """The catalogue, filtered like the list page; ``as_of`` gives the catalogue in force at the end of that day."""
    flt = selectors.CatalogueFilter(**filters.dict())
    return [_item(v) for v in selectors.catalogue_for(request.user, flt)]


@router.get("/items/{code}", response=ItemOut)
def get_item(request, code: str):
    item = selectors.get_item_for(request.user, code)
    version = item.versions.order_by("-valid_from", "-pk").first()
    return _item(version)


@router.get("/findings", response=list[FindingOut])
@paginate(LimitOffsetPagination)
def list_findings(request, kind: str = "", status: str = "", unit: str = ""):
    """Analysis findings in the caller's scope."""
    return [_finding(f) for f in selectors.findings_for(request.user, kind=kind, status=status, unit=unit)]


@router.get("/findings/{finding_id}", response=FindingOut)
def get_finding(request, finding_id: int):
    return _finding(selectors.get_finding_for(request.user, finding_id))
