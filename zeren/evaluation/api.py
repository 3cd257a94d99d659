"""Evaluation API (绩效评估): rounds, their results, and a unit's explained result, within the caller's scope."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.pagination import paginate
from ninja.security import django_auth

from zeren.core.pagination import BoundedLimitOffsetPagination
from zeren.evaluation import selectors
from zeren.evaluation.models import Round

router = Router(tags=["evaluation"])


class RoundOut(Schema):
    id: int
    name: str
    system: str
    period_start: date
    period_end: date
    pilot: bool
    status: str
    completeness: float
    superseded_by: int | None
    programme: str | None  # a special evaluation's (专项评估) programme code; null for a regular round

    @staticmethod
    def resolve_system(obj: Round) -> str:
        return obj.system.code

    @staticmethod
    def resolve_programme(obj: Round) -> str | None:
        return obj.system.programme.code if obj.system.programme_id else None

    @staticmethod
    def resolve_superseded_by(obj: Round) -> int | None:
        return obj.superseded_by_id


class ResultOut(Schema):
    unit: str
    unit_name: str
    score: float | None
    rank: int
    missing: list[str]

    @staticmethod
    def resolve_unit(obj) -> str:
        return obj.unit.code

    @staticmethod
    def resolve_unit_name(obj) -> str:
        return obj.unit.name

    @staticmethod
    def resolve_score(obj) -> float | None:
        return None if obj.score is None else round(obj.score, 4)


class ExplainedOut(ResultOut):
    details: list[dict[str, Any]]


@router.get("/rounds", response=list[RoundOut], auth=django_auth)
@paginate(BoundedLimitOffsetPagination)
def list_rounds(request):
    return selectors.rounds_for(request.user)


@router.get("/rounds/{round_id}/results", response=list[ResultOut], auth=django_auth)
@paginate(BoundedLimitOffsetPagination)
def round_results(request, round_id: int):
    return selectors.results_for(request.user, get_object_or_404(selectors.rounds_for(request.user), pk=round_id))


@router.get("/rounds/{round_id}/units/{code}", response=ExplainedOut, auth=django_auth)
def unit_result(request, round_id: int, code: str):
    rnd = get_object_or_404(selectors.rounds_for(request.user), pk=round_id)
    return selectors.get_result_for(request.user, rnd, code)
