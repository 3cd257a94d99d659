"""Reads of performance evaluation, scoped to the user.

Published (and superseded) rounds are public: their results are on the portal. Rounds still in
collection, review or approval are seen by the performance office (EVALUATE) in its scope, and
by a unit's own staff for their unit's result only.
"""

from __future__ import annotations

import math
from statistics import median
from typing import Any

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from zeren.access.rules import EVALUATE, VIEW
from zeren.access.scope import scope_paths, scope_queryset
from zeren.evaluation import methods
from zeren.evaluation.models import FROZEN, Proposal, Quota, Response, Result, Round, Survey


def is_performance_office(user: Any) -> bool:
    return bool(scope_paths(user, EVALUATE))


def rounds_for(user: Any) -> QuerySet[Round]:
    qs = Round.objects.select_related("system", "system__peer_group", "system__programme")
    return qs if is_performance_office(user) else qs.filter(status__in=FROZEN)


def get_round_for(user: Any, pk: int) -> Round:
    return get_object_or_404(rounds_for(user), pk=pk)


def results_for(user: Any, rnd: Round) -> QuerySet[Result]:
    qs = rnd.results.select_related("unit").order_by("rank", "unit__code")
    if rnd.frozen:
        return qs
    capability = EVALUATE if is_performance_office(user) else VIEW
    return scope_queryset(user, qs, unit_path_field="unit__path", capability=capability)


def get_result_for(user: Any, rnd: Round, unit_code: str) -> Result:
    return get_object_or_404(results_for(user, rnd), unit__code=unit_code)


def peer_median(rnd: Round) -> dict[str, float]:
    """Per leaf indicator, the peer group's median normalised value (the radar's reference)."""
    columns: dict[str, list[float]] = {}
    for details in rnd.results.values_list("details", flat=True):
        for d in details:
            if d.get("normalised") is not None:
                columns.setdefault(d["indicator"], []).append(d["normalised"])
    return {k: median(v) for k, v in columns.items()}


def trend(user: Any, result: Result) -> list[dict[str, Any]]:
    """The unit's score and rank in every round of the same peer group it was scored in, oldest first,
    with the change from the round before (纵向比较)."""
    rows = list(Result.objects.filter(unit=result.unit, round__system__peer_group=result.round.system.peer_group,
                                      round__in=rounds_for(user)).exclude(round__status="superseded")
                .select_related("round").order_by("round__period_end", "round__pk"))
    out, previous = [], None
    for r in rows:
        count = r.round.results.filter(rank__gt=0).count()
        out.append({"round": r.round, "score": r.score, "rank": r.rank, "of": count,
                    "delta": None if previous is None or r.score is None or previous.score is None
                    else r.score - previous.score,
                    "rank_delta": None if previous is None or not r.rank or not previous.rank
                    else previous.rank - r.rank})
        previous = r
    return out


def heat_map(results: list[Result]) -> dict[str, Any]:
    """Indicator × unit normalised values for the heat map (ECharts ``[x, y, value]``)."""
    if not results:
        return {"units": [], "indicators": [], "cells": []}
    indicators = [d["name"] for d in results[0].details]
    cells = [[j, i, None if d.get("normalised") is None else round(d["normalised"], 3)]
             for i, r in enumerate(results) for j, d in enumerate(r.details)]
    return {"units": [r.unit.display_short_name for r in results], "indicators": indicators, "cells": cells}


def survey_results(survey: Survey) -> list[dict[str, Any]]:
    """Per district: responses, quota fill, satisfaction index 0–100 with its 95 % interval."""
    by_district: dict[int, list[float]] = {}
    for district_id, value in Response.objects.filter(survey=survey).values_list("district_id", "satisfaction"):
        if value is not None:
            by_district.setdefault(district_id, []).append(value)
    rows = []
    for quota in Quota.objects.filter(survey=survey).select_related("district").order_by("district__sort_order",
                                                                                           "district__code"):
        values = by_district.get(quota.district_id, [])
        mean, low, high = methods.mean_interval(values)
        rows.append({"district": quota.district, "responses": len(values), "target": quota.target,
                     "filled": quota.filled, "full": quota.full,
                     "index": None if math.isnan(mean) else mean,
                     "low": None if math.isnan(low) else max(0.0, low),
                     "high": None if math.isnan(high) else min(100.0, high)})
    return rows


def proposals_for(user: Any, *, status: str = "") -> QuerySet[Proposal]:
    qs = Proposal.objects.select_related("round", "unit", "indicator", "decided_by")
    if not is_performance_office(user):
        return qs.none()
    qs = scope_queryset(user, qs, unit_path_field="unit__path", capability=EVALUATE, public=Q(unit__isnull=True))
    return qs.filter(status=status) if status else qs


def value_template_rows(rnd: Round) -> list[list[Any]]:
    """The value import sheet of a round (指标值导入模板): the header ``unit, indicator, value, n`` and one row
    per unit of the peer group and indicator entered by hand (a leaf with the manual source), value empty."""
    from zeren.evaluation import sources
    from zeren.evaluation.actions import leaves

    manual = [leaf.code for leaf in leaves(rnd.system) if leaf.source == sources.MANUAL]
    units = list(rnd.system.peer_group.units.order_by("path").values_list("code", flat=True))
    return [["unit", "indicator", "value", "n"], *([unit, code, None, None] for unit in units for code in manual)]
