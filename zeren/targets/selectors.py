"""Reads of target management, scoped to the user (zeren.access.scope), and the loading of the plain
facts the status rules run on."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from zeren.access.rules import SUPERVISE
from zeren.access.scope import scope_queryset
from zeren.org.models import Membership, Person, Unit
from zeren.targets import rules
from zeren.targets.models import (
    OPEN_NOTICE_STATUSES,
    Assessment,
    IndicatorKind,
    Letter,
    Milestone,
    Notice,
    PaperState,
    ProgressReport,
    Target,
    TargetState,
    WhitePaper,
)


def targets_for(user: Any, *, year: int | None = None, unit: Unit | None = None) -> QuerySet[Target]:
    """Targets the user may see, optionally of one year and one unit's subtree."""
    qs = scope_queryset(user, Target.objects.select_related("unit", "leader", "person"))
    if year is not None:
        qs = qs.filter(year=year)
    if unit is not None:
        qs = qs.filter(unit__path__startswith=unit.path)
    return qs


def get_target_for(user: Any, target_id: int) -> Target:
    return get_object_or_404(targets_for(user), pk=target_id)


def letters_for(user: Any, *, unit: Unit | None = None) -> QuerySet[Letter]:
    qs = scope_queryset(user, Letter.objects.select_related("unit", "signatory"))
    return qs.filter(unit__path__startswith=unit.path) if unit is not None else qs


def notices_for(user: Any, *, open_only: bool = False) -> QuerySet[Notice]:
    """Follow-up notices: the supervision office sees those of its scope, a unit its own."""
    qs = scope_queryset(user, Notice.objects.select_related("target", "unit", "addressee"))
    return qs.filter(status__in=OPEN_NOTICE_STATUSES) if open_only else qs


def supervised_notices_for(user: Any) -> QuerySet[Notice]:
    return scope_queryset(user, Notice.objects.select_related("target", "unit", "addressee"), capability=SUPERVISE)


def assessments_for(user: Any, *, year: int | None = None) -> QuerySet[Assessment]:
    qs = scope_queryset(user, Assessment.objects.select_related("unit", "person").prefetch_related("appeal"))
    return qs.filter(year=year) if year is not None else qs


def published_papers() -> QuerySet[WhitePaper]:
    return WhitePaper.objects.filter(state=PaperState.PUBLISHED).select_related("unit")


def load_facts(targets: QuerySet[Target]) -> list[rules.Facts]:
    """The facts of ``targets`` for :func:`rules.evaluate`: three queries whatever their number."""
    rows = list(targets.values_list("id", "parent_id", "weight", "start", "deadline", "kind", "baseline",
                                    "target_value"))
    facts = {r[0]: rules.Facts(id=r[0], parent_id=r[1], weight=r[2], start=r[3], deadline=r[4],
                               quantitative=r[5] == IndicatorKind.QUANTITATIVE, baseline=r[6], target=r[7])
             for r in rows}
    ids = targets.values("id")
    done: dict[int, date] = {}
    for target_id, milestone_id, day, value, is_done in (
            ProgressReport.objects.filter(target__in=ids, superseded_by__isnull=True)
            .order_by("date", "id").values_list("target_id", "milestone_id", "date", "value", "done")):
        if milestone_id is not None and is_done:
            done.setdefault(milestone_id, day)
        if value is not None and target_id in facts:
            facts[target_id].values.append((day, value))
    for milestone_id, target_id, due, expected in (
            Milestone.objects.filter(target__in=ids).order_by("due", "id")
            .values_list("id", "target_id", "due", "expected")):
        if target_id in facts:
            facts[target_id].milestones.append(rules.MilestoneFacts(due, expected, done.get(milestone_id)))
    return list(facts.values())


def statuses(targets: QuerySet[Target], as_of: date) -> dict[int, rules.Status]:
    """The computed status of each of ``targets`` (and the roll-up of their subtrees) at ``as_of``.
    Descendants outside ``targets`` are loaded too, so a parent always rolls up its whole subtree."""
    from zeren.workcal.selectors import get_calendar

    years = set(targets.values_list("year", flat=True).distinct())
    tree = Target.objects.filter(year__in=years).exclude(state=TargetState.WITHDRAWN)
    return rules.evaluate(load_facts(tree), as_of, get_calendar())


def unit_leader(unit: Unit, on: date) -> Person | None:
    """The head of ``unit`` on ``on``: a person holding a leading post of the unit then (the highest
    post first: the 正职 is created before the deputies)."""
    membership = (Membership.objects.filter(unit=unit, post__is_leading=True)
                  .exclude(start_date__gt=on).exclude(end_date__lt=on)
                  .select_related("person").order_by("post_id", "id").first())
    return membership.person if membership else None


def member_units(person_ids: list[int], on: date) -> dict[int, set[str]]:
    """``person id → unit paths`` of the memberships each holds on ``on``."""
    found: dict[int, set[str]] = defaultdict(set)
    rows = (Membership.objects.filter(person_id__in=person_ids)
            .exclude(start_date__gt=on).exclude(end_date__lt=on).values_list("person_id", "unit__path"))
    for person_id, path in rows:
        found[person_id].add(path)
    return found
