"""Reads of target management, scoped to the user (zeren.access.scope), and the loading of the plain
facts the status rules run on."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from zeren.access.rules import SUPERVISE
from zeren.access.scope import scope_queryset
from zeren.findings.causes import render_title
from zeren.org.models import Membership, Person, Post, Unit, display_name_of
from zeren.targets import causes, rules
from zeren.targets.models import (
    OPEN_NOTICE_STATUSES,
    Appeal,
    AppealStatus,
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
    WhitePaperPilot,
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


def get_assessment_for(user: Any, assessment_id: int) -> Assessment:
    return get_object_or_404(assessments_for(user).select_related("appeal"), pk=assessment_id)


def appeals_for(user: Any, *, open_only: bool = False) -> QuerySet[Appeal]:
    """Appeals (申请复核) against assessments of units in the user's scope."""
    qs = scope_queryset(user, Appeal.objects.select_related("assessment__unit", "assessment__person"),
                        unit_path_field="assessment__unit__path")
    return qs.filter(status=AppealStatus.FILED) if open_only else qs


@dataclass(frozen=True)
class Round:
    """A unit's assessment round of a year (考核名单): how many are assessed, confirmed, proposed and
    confirmed 优秀, and the quota."""

    unit_id: int
    unit_code: str
    unit_name: str
    assessed: int
    confirmed: int
    proposed_excellent: int
    excellent: int
    quota: int


def rounds_for(user: Any, year: int, share: str) -> list[Round]:
    """The assessment rounds of ``year`` in the user's scope, one per unit."""
    from django.db.models import Count

    rows = (assessments_for(user, year=year).order_by().values("unit_id", "unit__code", "unit__path", unit_label=display_name_of("unit__"))
            .annotate(n=Count("id"), done=Count("id", filter=~Q(grade="")),
                      proposed=Count("id", filter=Q(proposed_grade="excellent")),
                      excellent=Count("id", filter=Q(grade="excellent")))
            .order_by("unit__path"))
    return [Round(r["unit_id"], r["unit__code"], r["unit_label"], r["n"], r["done"], r["proposed"], r["excellent"],
                  rules.excellent_quota(r["n"], share)) for r in rows]


# --- the basis of a proposed grade (考核依据) ---------------------------------------------------

@dataclass
class AssessmentBasis:
    """What a person's proposed grade rests on: their post at the year's end with its position
    description's standards (考核标准), and their targets of the year with the outcome of each."""

    person_id: int
    post: dict[str, Any] | None
    criteria: list[str]
    targets: list[dict[str, Any]]
    outcomes: list[rules.TargetOutcome]


def non_leading_staff(unit: Unit, year: int) -> dict[int, int]:
    """``{person id: post id}``: the non-leading civil servants of ``unit``'s subtree in ``year``, each
    with the post they held last that year (a person whose last post that year is leading is a
    leader, not assessed here)."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    last: dict[int, tuple[date, int, int, bool]] = {}
    for person_id, post_id, started, leading, membership_id in (
            Membership.objects.filter(unit__path__startswith=unit.path)
            .exclude(start_date__gt=end).exclude(end_date__lt=start)
            .values_list("person_id", "post_id", "start_date", "post__is_leading", "id")):
        key = (started or date.min, membership_id, post_id, leading)
        if person_id not in last or key > last[person_id]:
            last[person_id] = key
    return {person_id: post_id for person_id, (_, _, post_id, leading) in last.items() if not leading}


def target_outcomes(targets: QuerySet[Target], as_of: date) -> dict[int, rules.TargetOutcome]:
    """Each target's outcome at ``as_of`` (the year's end): status and progress then, and whether it
    was completed by its deadline (its status at the deadline, or at ``as_of`` when that is earlier)."""
    from zeren.workcal.selectors import get_calendar

    ids = list(targets.exclude(state=TargetState.WITHDRAWN).values_list("id", "weight", "deadline"))
    if not ids:
        return {}
    facts = load_facts(Target.objects.filter(pk__in=_subtree_ids([i for i, _, _ in ids])))
    cal = rules.Memoised(get_calendar())
    at_end = rules.evaluate(facts, as_of, cal)
    by_day: dict[date, list[int]] = defaultdict(list)
    for target_id, _, deadline in ids:
        by_day[min(deadline, as_of)].append(target_id)
    on_time: dict[int, bool] = {}
    for day, target_ids in by_day.items():
        then = at_end if day == as_of else rules.evaluate(facts, day, cal)
        on_time.update({i: then[i].status == rules.COMPLETED for i in target_ids})
    return {i: rules.TargetOutcome(weight, at_end[i].status, at_end[i].progress, on_time[i]) for i, weight, _ in ids}


def assessment_bases(unit: Unit, year: int, as_of: date, person_ids: list[int] | None = None) -> dict[int, AssessmentBasis]:
    """The basis of each non-leading staff member of ``unit`` in ``year`` (or of ``person_ids`` among
    them): the standards of their post's position description (zeren.duties) and their targets of
    the year (as 责任人) with their outcome at ``as_of``."""
    from zeren.duties.models import PositionDescription

    staff = non_leading_staff(unit, year)
    if person_ids is not None:
        staff = {p: post for p, post in staff.items() if p in set(person_ids)}
    posts = {p["id"]: p for p in Post.objects.filter(pk__in=set(staff.values())).values("id", "code", "label", "unit__name")}
    criteria = dict(PositionDescription.objects.filter(post_id__in=set(staff.values()))
                    .values_list("post_id", "assessment_criteria"))
    targets = Target.objects.filter(year=year, state=TargetState.ACTIVE, person_id__in=list(staff))
    outcomes = target_outcomes(targets, as_of)
    own: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for t in targets.order_by("code").values("id", "code", "title", "person_id", "deadline"):
        o = outcomes[t["id"]]
        own[t["person_id"]].append({"id": t["id"], "code": t["code"], "title": t["title"], "weight": o.weight,
                                    "deadline": t["deadline"].isoformat(), "status": o.status,
                                    "progress": round(o.progress, 4), "on_time": o.on_time})
    bases = {}
    for person_id, post_id in staff.items():
        post = posts.get(post_id)
        mine = own.get(person_id, [])
        bases[person_id] = AssessmentBasis(
            person_id, {"code": post["code"], "label": post["label"], "unit": post["unit__name"]} if post else None,
            [str(c) for c in criteria.get(post_id) or []], mine, [outcomes[t["id"]] for t in mine])
    return bases


def papers_for(user: Any, *, year: int | None = None) -> QuerySet[WhitePaper]:
    """White papers of units in the user's scope, in any state (the workflow pages)."""
    qs = scope_queryset(user, WhitePaper.objects.select_related("unit"))
    return qs.filter(year=year) if year is not None else qs


def pilots_for(user: Any, year: int) -> QuerySet[WhitePaperPilot]:
    """The units in the user's scope chosen to publish a white paper in ``year``."""
    return scope_queryset(user, WhitePaperPilot.objects.filter(year=year).select_related("unit"))


def members_on(unit: Unit, day: date) -> list[tuple[str, str, str]]:
    """``(person code, name, post)`` of who holds a post in ``unit`` on ``day``, leading posts first:
    the people who may sign its letter."""
    return list(Membership.objects.filter(unit=unit).exclude(start_date__gt=day).exclude(end_date__lt=day)
                .order_by("-post__is_leading", "post_id", "id")
                .values_list("person__code", "person__name", "post__label")[:200])


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
    """The computed status of each of ``targets`` and of their descendants at ``as_of``, so a parent
    always rolls up its whole subtree (:func:`subtree_facts`)."""
    from zeren.workcal.selectors import get_calendar

    roots = list(targets.exclude(state=TargetState.WITHDRAWN).values_list("id", "year"))
    if not roots:
        return {}
    return rules.evaluate(subtree_facts(roots), as_of, get_calendar())


def subtree_facts(roots: list[tuple[int, int]]) -> list[rules.Facts]:
    """The facts of the targets ``(id, year)`` and of their live descendants. The tree is read in one
    query of (id, parent) per year (a child has its parent's year); when the subtrees cover the whole
    years, the facts are loaded by year rather than by a list of ids."""
    live = Target.objects.exclude(state=TargetState.WITHDRAWN)
    years = sorted({year for _, year in roots})
    tree = list(live.filter(year__in=years).values_list("id", "parent_id"))
    children: dict[int, list[int]] = defaultdict(list)
    for target_id, parent_id in tree:
        children[parent_id].append(target_id)
    ids, stack = set(), [target_id for target_id, _ in roots]
    while stack:
        node = stack.pop()
        if node not in ids:
            ids.add(node)
            stack.extend(children.get(node, ()))
    return load_facts(live.filter(year__in=years) if len(ids) == len(tree) else Target.objects.filter(pk__in=ids))


def unit_leader(unit: Unit, on: date) -> Person | None:
    """The head of ``unit`` on ``on``: a person holding a leading post of the unit then (the highest
    post first: the 正职 is created before the deputies)."""
    membership = (Membership.objects.filter(unit=unit, post__is_leading=True)
                  .exclude(start_date__gt=on).exclude(end_date__lt=on)
                  .select_related("person").order_by("post_id", "id").first())
    return membership.person if membership else None


@dataclass(frozen=True)
class Issue:
    """A consistency problem of a year's targets (``zeren targets check``); warnings raise no finding."""

    cause: str
    code: str  # the target's code, or the unit's for a leader without a target
    unit_id: int
    title_key: str  # the message (targets/causes.py TITLES) and its parameters
    params: dict[str, Any]
    person_id: int | None = None
    warning: bool = False

    @property
    def message(self) -> str:
        """The problem in a sentence, in the active language."""
        return render_title(self.title_key, self.params)


def consistency_issues(year: int) -> list[Issue]:
    """The checks of a year's active targets: additive children short of their parent; no responsible
    leader; a leader or person not a member of the owning unit (or a unit above it) on the start
    date; a unit leader holding no target; siblings' weights not summing to 100 (warning)."""
    targets = list(Target.objects.filter(year=year, state=TargetState.ACTIVE).values(
        "id", "code", "parent_id", "unit_id", "unit__path", "unit__code", "leader_id", "person_id", "start",
        "weight", "target_value", "baseline", "additive"))
    by_id = {t["id"]: t for t in targets}
    children: dict[int, list[Any]] = defaultdict(list)
    for t in targets:
        if t["parent_id"] in by_id:
            children[t["parent_id"]].append(t)
    issues: list[Issue] = []
    for parent_id, kids in children.items():
        parent = by_id[parent_id]
        if parent["additive"] and parent["target_value"] is not None:
            gap = rules.additive_shortfall(parent["target_value"], [k["target_value"] or 0 for k in kids],
                                           lower_better=rules.lower_is_better(parent["baseline"], parent["target_value"]))
            if gap > 0:
                issues.append(Issue(causes.ADDITIVE_SHORTFALL, parent["code"], parent["unit_id"], causes.ADDITIVE_SHORTFALL,
                                    {"code": parent["code"], "gap": f"{gap:g}"}))
        if rules.weights_off([k["weight"] for k in kids]):
            issues.append(Issue("targets.weights", parent["code"], parent["unit_id"], "targets.weights",
                                {"code": parent["code"], "total": f"{sum(k['weight'] for k in kids):g}"}, warning=True))
    people = {p for t in targets for p in (t["leader_id"], t["person_id"]) if p}
    held = _memberships(list(people))
    for t in targets:
        if t["leader_id"] is None:
            issues.append(Issue(causes.NO_LEADER, t["code"], t["unit_id"], causes.NO_LEADER, {"code": t["code"]}))
        for role, person_id in (("leader", t["leader_id"]), ("person", t["person_id"])):
            if person_id and not any(_member_on(span, t["start"]) and t["unit__path"].startswith(path)
                                     for path, span in held.get(person_id, [])):
                issues.append(Issue(causes.NOT_MEMBER, t["code"], t["unit_id"], f"targets.not_member.{role}",
                                    {"code": t["code"], "day": str(t["start"]), "unit": t["unit__code"]},
                                    person_id=person_id))
    units_with_targets = {t["unit_id"] for t in targets}
    holders = {p for t in targets for p in (t["leader_id"], t["person_id"]) if p}
    year_start, year_end = date(year, 1, 1), date(year, 12, 31)
    heads = (Membership.objects.filter(unit_id__in=units_with_targets, post__is_leading=True)
             .exclude(start_date__gt=year_end).exclude(end_date__lt=year_start)
             .values_list("person_id", "unit_id", "unit__code", "person__name"))
    for person_id, unit_id, unit_code, name in heads:
        if person_id not in holders:
            issues.append(Issue(causes.LEADER_WITHOUT_TARGET, unit_code, unit_id, causes.LEADER_WITHOUT_TARGET,
                                {"unit": unit_code, "name": name, "year": year}, person_id=person_id))
    return issues


def _memberships(person_ids: list[int]) -> dict[int, list[tuple[str, tuple[date | None, date | None]]]]:
    found: dict[int, list] = defaultdict(list)
    for person_id, path, start, end in Membership.objects.filter(person_id__in=person_ids).values_list(
            "person_id", "unit__path", "start_date", "end_date"):
        found[person_id].append((path, (start, end)))
    return found


def _member_on(span: tuple[date | None, date | None], day: date) -> bool:
    start, end = span
    return (start is None or start <= day) and (end is None or end >= day)


TREE_PAGE = 20
MAX_CHILDREN = 30


@dataclass
class TreePage:
    """A page of a unit's own targets, the direct children of each (``kids`` by parent id) and the
    statuses of all of them."""

    page: Page[Target]
    kids: dict[int, list[Target]]
    computed: dict[int, rules.Status]


def tree_for(user: Any, unit: Unit, year: int, as_of: date, page: int | str | None, size: int = TREE_PAGE) -> TreePage:
    """A page of ``unit``'s own targets of ``year`` (scoped), each with its direct children, and the
    statuses of all of them at ``as_of``."""
    own = targets_for(user, year=year).filter(unit=unit).exclude(state=TargetState.WITHDRAWN).order_by("code", "pk")
    page_obj = Paginator(own, size).get_page(page)
    tops = list(page_obj)
    computed = statuses(Target.objects.filter(pk__in=[t.pk for t in tops]), as_of) if tops else {}
    kids: dict[int, list[Target]] = defaultdict(list)
    for child in (Target.objects.filter(parent__in=tops).exclude(state=TargetState.WITHDRAWN)
                  .select_related("unit", "leader", "person").order_by("unit__path", "code")):
        if child.parent_id is not None:
            kids[child.parent_id].append(child)
    return TreePage(page_obj, kids, computed)


def status_and_chart(target: Target, as_of: date) -> tuple[dict[int, rules.Status], dict[str, Any]]:
    """The target page's figures from one load of its subtree: the statuses of the target and its
    descendants at ``as_of`` (as :func:`statuses`) and its chart (:func:`chart_series`)."""
    from zeren.workcal.selectors import get_calendar

    facts = subtree_facts([(target.pk, target.year)])
    computed = {} if target.state == TargetState.WITHDRAWN else rules.evaluate(facts, as_of, get_calendar())
    return computed, chart_series(target, as_of, facts)


def chart_series(target: Target, as_of: date, facts: list[rules.Facts] | None = None) -> dict[str, Any]:
    """The target page's chart. A quantitative leaf: its reported values and the expected line
    (baseline + e(d) × (target − baseline)); otherwise progress in % at each month end and the
    expected progress, both from the same rules as the status. ``facts``: the subtree's, if loaded."""
    from zeren.workcal.selectors import get_calendar

    cal = rules.Memoised(get_calendar())
    end = min(as_of, target.deadline)
    days = [target.start + (target.deadline - target.start) * i // 24 for i in range(25)]
    leaf = not target.children.exists()
    if leaf and target.is_quantitative and target.target_value is not None:
        base = target.baseline or 0.0
        expected = [[d.isoformat(), round(base + rules.expected_progress(cal, target.start, target.deadline, d)
                                          * (target.target_value - base), 3)] for d in days]
        reported = [[d.isoformat(), v] for d, v in ProgressReport.objects.filter(
            target=target, superseded_by__isnull=True, value__isnull=False).order_by("date", "id").values_list("date", "value")]
        return {"unit": target.measure, "expected": expected, "reported": reported, "target": target.target_value}
    month_ends = sorted({min(_month_end(d), end) for d in days if d <= end})
    facts = subtree_facts([(target.pk, target.year)]) if facts is None else facts
    reported = [[d.isoformat(), round(p * 100, 1)] for d, p in zip(month_ends, rules.progress_series(
        facts, month_ends, target.pk), strict=True)]
    expected = [[d.isoformat(), round(rules.expected_progress(cal, target.start, target.deadline, d) * 100, 1)] for d in days]
    return {"unit": "%", "expected": expected, "reported": reported, "target": 100}


def _month_end(day: date) -> date:
    following = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return date.fromordinal(following.toordinal() - 1)


def _subtree_ids(ids: list[int]) -> set[int]:
    found, level = set(ids), set(ids)
    while level:
        level = set(Target.objects.filter(parent_id__in=level).exclude(state=TargetState.WITHDRAWN)
                    .values_list("id", flat=True)) - found
        found |= level
    return found


def history_of(target: Target) -> QuerySet[Any]:
    """The audit entries about this target (创建、审批、报告…)."""
    from zeren.audit.models import AuditEntry

    report_ids = [str(i) for i in target.reports.values_list("id", flat=True)]
    return AuditEntry.objects.filter(
        Q(object_type="targets.target", object_id=str(target.pk))
        | Q(object_type="targets.progressreport", object_id__in=report_ids)).order_by("-seq")[:50]
