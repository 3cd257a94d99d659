"""Rules of target management (目标管理规则): pure functions, no database.

A target's status is computed, never typed. For an as-of date D (the rule text of issue 14, held
here verbatim in each function's docstring):

- progress p — quantitative: (latest reported value on or before D − baseline) / (target − baseline),
  clipped to [0, 1]; qualitative: the share of milestones reported done on or before D; a parent:
  the weighted mean of its children's progress.
- expected e = workdays_between(start, D) / workdays_between(start, deadline), clipped to [0, 1];
  e = 1 when the deadline is not after the start. Working days (工作日) are those of
  :mod:`zeren.workdays` (行政许可法 第八十二条 counts limits in working days, excluding statutory
  holidays; the holidays follow 全国年节及纪念日放假办法 and the State Council's yearly schedule).
- status — ``completed`` if p = 1; else ``overdue`` if D > deadline; else ``at_risk`` if p < e − 0.2,
  or a milestone due before D is not met at D, or nothing has been reported and e ≥ 0.2; else
  ``not_started`` if nothing has been reported; else ``on_track``.
- working days left = workdays_between(D, deadline), 0 when past.

The tree evaluator :func:`evaluate` takes plain :class:`Facts` so the same code serves pages,
commands, the daily follow-up run and the benchmark.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from typing import Protocol

COMPLETED, OVERDUE, AT_RISK, NOT_STARTED, ON_TRACK = "completed", "overdue", "at_risk", "not_started", "on_track"
STATUSES = (COMPLETED, OVERDUE, AT_RISK, NOT_STARTED, ON_TRACK)
STATUS_LABELS = {COMPLETED: "已完成", OVERDUE: "已逾期", AT_RISK: "有风险", NOT_STARTED: "未开始", ON_TRACK: "正常推进"}
FOLLOW_UP_STATUSES = frozenset({AT_RISK, OVERDUE})
RISK_MARGIN = 0.2  # p < e − 0.2 is at risk; e ≥ 0.2 with no report is at risk
NOTICE_REPLY_WORKDAYS = 5  # 督办 reply limit in working days
EXCELLENT_SHARE = Fraction(15, 100)  # 优秀 at most 15 % of a unit's assessed staff, rounded down
APPEAL_FILE_WORKDAYS = 20  # an appeal (申请复核) is filed within 20 working days of notification
APPEAL_DECIDE_WORKDAYS = 20  # and decided within 20 working days of filing
EPSILON = 1e-9


class Calendar(Protocol):
    """What the rules need of :class:`zeren.workdays.WorkCalendar`."""

    def workdays_between(self, start: date, end: date) -> int: ...

    def add_workdays(self, day: date, n: int) -> date: ...


class Memoised:
    """A calendar that remembers its answers: a city's targets share a handful of start dates,
    deadlines and as-of dates, so a tree of 20,000 asks the same few questions again and again."""

    def __init__(self, cal: Calendar) -> None:
        self.cal = cal
        self._between: dict[tuple[date, date], int] = {}

    def workdays_between(self, start: date, end: date) -> int:
        key = (start, end)
        found = self._between.get(key)
        if found is None:
            found = self._between[key] = self.cal.workdays_between(start, end)
        return found

    def add_workdays(self, day: date, n: int) -> date:
        return self.cal.add_workdays(day, n)


@dataclass(frozen=True)
class MilestoneFacts:
    """A milestone (节点目标): due date, expected value (quantitative), first date reported done."""

    due: date
    expected: float | None = None
    done_on: date | None = None


@dataclass
class Facts:
    """What the rules need of one target. ``values`` are (date, value) reports, sorted by date,
    superseded ones left out."""

    id: int
    parent_id: int | None
    weight: float
    start: date
    deadline: date
    quantitative: bool
    baseline: float | None = None
    target: float | None = None
    values: list[tuple[date, float]] = field(default_factory=list)
    milestones: list[MilestoneFacts] = field(default_factory=list)


@dataclass(frozen=True)
class Status:
    """A target's computed status at an as-of date."""

    status: str
    progress: float
    expected: float
    working_days_left: int
    reported: bool


def clip01(x: float) -> float:
    return 0.0 if x < 0 else 1.0 if x > 1 else x


def latest_value(values: Sequence[tuple[date, float]], as_of: date) -> float | None:
    """The latest reported value on or before ``as_of`` (``values`` sorted by date)."""
    found = None
    for day, value in values:
        if day > as_of:
            break
        found = value
    return found


def quantitative_progress(value: float | None, baseline: float, target: float) -> float:
    """Quantitative progress: (latest reported value on or before D − baseline) / (target − baseline),
    clipped to [0, 1]. Lower-is-better targets (target below the baseline) work by the same formula.
    No report yet counts as the baseline (p = 0); a target equal to its baseline is met (p = 1) once
    any value is reported."""
    if value is None:
        return 0.0
    if target == baseline:
        return 1.0
    return clip01((value - baseline) / (target - baseline))


def qualitative_progress(milestones: Sequence[MilestoneFacts], as_of: date) -> float:
    """Qualitative progress: the share of milestones reported done on or before D (0 without milestones)."""
    if not milestones:
        return 0.0
    return sum(1 for m in milestones if m.done_on is not None and m.done_on <= as_of) / len(milestones)


def weighted_progress(children: Iterable[tuple[float, float]]) -> float:
    """A parent's progress: the weighted mean of its children's progress, ``(weight, progress)`` pairs.
    Weights are normalised by their sum (siblings need not sum to 100); all-zero weights count equally."""
    pairs = list(children)
    if not pairs:
        return 0.0
    total = sum(w for w, _ in pairs)
    if total <= 0:
        return sum(p for _, p in pairs) / len(pairs)
    return clip01(sum(w * p for w, p in pairs) / total)


def expected_progress(cal: Calendar, start: date, deadline: date, as_of: date) -> float:
    """Expected progress e = workdays_between(start, D) / workdays_between(start, deadline), clipped to
    [0, 1], counting the working days d with start < d ≤ D (行政许可法 第八十二条: working days,
    statutory holidays excluded). e = 1 when the deadline is not after the start — and, by extension,
    when no working day lies between them (a span of only holidays)."""
    if deadline <= start:
        return 1.0
    span = cal.workdays_between(start, deadline)
    if span <= 0:
        return 1.0
    return clip01(cal.workdays_between(start, as_of) / span)


def working_days_left(cal: Calendar, as_of: date, deadline: date) -> int:
    """Working days left = workdays_between(D, deadline), 0 when the deadline is past."""
    return max(0, cal.workdays_between(as_of, deadline))


def working_days_to(cal: Calendar, today: date, due: date) -> int:
    """Working days from ``today`` to a limit ``due``: how many are left (0 on the day itself), or,
    negative, by how many working days it has passed — as every limit here is counted (工作日,
    行政许可法 第八十二条)."""
    return cal.workdays_between(today, due) if due >= today else -cal.workdays_between(due, today)


def milestone_met(milestone: MilestoneFacts, as_of: date, *, quantitative: bool, value: float | None,
                  lower_is_better: bool) -> bool:
    """A milestone is met at D when, on or before D, it was reported done (qualitative) or the latest
    reported value (``value``, as of D) reached its expected value in the indicator's direction
    (quantitative: ≥ expected, or ≤ when lower is better)."""
    if milestone.done_on is not None and milestone.done_on <= as_of:
        return True
    if not quantitative or milestone.expected is None or value is None:
        return False
    return value <= milestone.expected + EPSILON if lower_is_better else value >= milestone.expected - EPSILON


def classify(*, progress: float, expected: float, as_of: date, deadline: date, reported: bool,
             milestone_missed: bool) -> str:
    """``completed`` if p = 1; else ``overdue`` if D > deadline; else ``at_risk`` if p < e − 0.2, or a
    milestone due before D is not met at D, or nothing has been reported and e ≥ 0.2; else
    ``not_started`` if nothing has been reported; else ``on_track``."""
    if progress >= 1.0 - EPSILON:
        return COMPLETED
    if as_of > deadline:
        return OVERDUE
    if progress < expected - RISK_MARGIN - EPSILON or milestone_missed or (not reported and expected >= RISK_MARGIN - EPSILON):
        return AT_RISK
    if not reported:
        return NOT_STARTED
    return ON_TRACK


def lower_is_better(baseline: float | None, target: float | None) -> bool:
    """The indicator is lower-is-better when its target value is below its baseline."""
    return baseline is not None and target is not None and target < baseline


def own_progress(facts: Facts, as_of: date) -> tuple[float, bool, bool]:
    """A leaf's ``(progress, reported, milestone missed)`` at ``as_of`` from its own reports."""
    value = latest_value(facts.values, as_of) if facts.quantitative else None
    reported = (bool(facts.values) and facts.values[0][0] <= as_of) or any(
        m.done_on is not None and m.done_on <= as_of for m in facts.milestones)
    return _leaf_progress(facts, as_of, value), reported, milestones_missed(facts, as_of, value)


def _leaf_progress(facts: Facts, as_of: date, value: float | None) -> float:
    if facts.quantitative:
        return quantitative_progress(value, facts.baseline or 0.0, facts.target if facts.target is not None else 0.0)
    return qualitative_progress(facts.milestones, as_of)


def progress_series(targets: Iterable[Facts], days: Sequence[date], target_id: int) -> list[float]:
    """The progress of ``target_id`` at each of ``days``: the roll-up of :func:`evaluate` (a leaf from its
    own reports, a parent the weighted mean of its children), progress only and the tree walked once —
    what a target's chart draws, month by month."""
    by_id = {f.id: f for f in targets}
    children: dict[int, list[int]] = {}
    for f in by_id.values():
        if f.parent_id is not None and f.parent_id in by_id:
            children.setdefault(f.parent_id, []).append(f.id)
    series: dict[int, list[float]] = {}
    for node in _post_order(by_id, children):
        f, kids = by_id[node], children.get(node)
        if kids:
            series[node] = [weighted_progress((by_id[k].weight, series[k][i]) for k in kids) for i in range(len(days))]
        else:
            series[node] = [_leaf_progress(f, d, latest_value(f.values, d) if f.quantitative else None) for d in days]
    return series.get(target_id, [0.0] * len(days))


def milestones_missed(facts: Facts, as_of: date, value: float | None) -> bool:
    """Is a milestone due before D not met at D?"""
    lower = lower_is_better(facts.baseline, facts.target)
    return any(m.due < as_of and not milestone_met(m, as_of, quantitative=facts.quantitative, value=value,
                                                     lower_is_better=lower)
               for m in facts.milestones)


def evaluate(targets: Iterable[Facts], as_of: date, cal: Calendar) -> dict[int, Status]:
    """The status of every target of a forest at ``as_of``: leaves from their reports, parents from
    their children (weighted mean of progress; "reported" for a parent means some target below it
    has a report on or before D). A child whose parent is not in ``targets`` is a root here."""
    cal = cal if isinstance(cal, Memoised) else Memoised(cal)
    by_id = {f.id: f for f in targets}
    children: dict[int, list[int]] = {}
    for f in by_id.values():
        if f.parent_id is not None and f.parent_id in by_id:
            children.setdefault(f.parent_id, []).append(f.id)
    order = _post_order(by_id, children)
    results: dict[int, Status] = {}
    for target_id in order:
        f = by_id[target_id]
        kids = children.get(target_id)
        if kids:
            progress = weighted_progress((by_id[k].weight, results[k].progress) for k in kids)
            reported = any(results[k].reported for k in kids)
            value = latest_value(f.values, as_of) if f.quantitative else None
            missed = milestones_missed(f, as_of, value)
        else:
            progress, reported, missed = own_progress(f, as_of)
        expected = expected_progress(cal, f.start, f.deadline, as_of)
        status = classify(progress=progress, expected=expected, as_of=as_of, deadline=f.deadline,
                          reported=reported, milestone_missed=missed)
        results[target_id] = Status(status, progress, expected, working_days_left(cal, as_of, f.deadline), reported)
    return results


def _post_order(by_id: Mapping[int, Facts], children: Mapping[int, list[int]]) -> list[int]:
    """Children before parents, iteratively (no recursion limit on deep trees)."""
    order: list[int] = []
    roots = [i for i, f in by_id.items() if f.parent_id is None or f.parent_id not in by_id]
    stack: list[tuple[int, bool]] = [(r, False) for r in roots]
    while stack:
        node, expanded = stack.pop()
        if expanded:
            order.append(node)
            continue
        stack.append((node, True))
        stack.extend((k, False) for k in children.get(node, ()))
    return order


# --- import and consistency checks --------------------------------------------------------------

def find_cycles(parent_of: Mapping[str, str | None]) -> list[list[str]]:
    """Cycles in a parent relation (上级目标), each once, as the list of codes around it."""
    cycles: list[list[str]] = []
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    for start in parent_of:
        path: list[str] = []
        node: str | None = start
        while node is not None and node in parent_of and state.get(node) is None:
            state[node] = 1
            path.append(node)
            node = parent_of[node]
        if node is not None and state.get(node) == 1:
            cycles.append(path[path.index(node):])
        for visited in path:
            state[visited] = 2
    return cycles


def additive_shortfall(parent_target: float, child_targets: Sequence[float], *, lower_better: bool) -> float:
    """How far the children of an additive target fall short of it (0 when they cover it): their target
    values must sum to at least the parent's (at most, for a lower-is-better indicator)."""
    total = sum(child_targets)
    gap = total - parent_target if lower_better else parent_target - total
    return max(0.0, gap)


def weights_off(weights: Sequence[float], total: float = 100.0) -> bool:
    """Siblings' weights should sum to 100 (warned about, then normalised by :func:`weighted_progress`)."""
    return bool(weights) and not math.isclose(sum(weights), total, abs_tol=1e-6)


# --- follow-up (督办) ---------------------------------------------------------------------------

def notice_due(cal: Calendar, issued_on: date) -> date:
    """A follow-up notice is answered within 5 working days (the 5th working day after it is issued)."""
    return cal.add_workdays(issued_on, NOTICE_REPLY_WORKDAYS)


# --- civil-servant assessment (公务员年度考核) ------------------------------------------------------

# Grades (定期考核的结果): the values of ``zeren.targets.models.Grade``.
EXCELLENT, COMPETENT, BASIC, INCOMPETENT = "excellent", "competent", "basic", "incompetent"
BASIC_BELOW_PROGRESS = 0.8  # weighted progress of the person's targets below 80 %: at most 基本称职
INCOMPETENT_BELOW_PROGRESS = 0.5  # below 50 % (less than half the work done): 不称职 with a standard unmet
CRITERIA_HALF = 0.5  # fewer than half of the position's standards met: at most 基本称职

# Why a grade was proposed (codes; the pages word them with the numbers of the basis)
ALL_ON_TIME_ALL_MET = "all_on_time_all_met"  # → 优秀
NOT_ALL_ON_TIME = "not_all_on_time"  # a target not completed by its deadline: not 优秀
NO_CRITERIA = "no_criteria"  # no position description with standards: not 优秀
NO_TARGETS = "no_targets"  # no target of the person that year: not 优秀, progress no bar
CRITERION_UNMET = "criterion_unmet"  # some standard not met: not 优秀
PROGRESS_BELOW_BASIC = "progress_below_basic"  # p < 0.8 → 基本称职
CRITERIA_BELOW_HALF = "criteria_below_half"  # c < 0.5 → 基本称职
PROGRESS_BELOW_HALF_AND_UNMET = "progress_below_half_and_unmet"  # p < 0.5 and a standard unmet → 不称职
CRITERIA_BELOW_HALF_AND_PROGRESS = "criteria_below_half_and_progress"  # c < 0.5 and p < 0.8 → 不称职


@dataclass(frozen=True)
class TargetOutcome:
    """One of the person's targets of the assessed year at the year's end: its computed status and
    progress, and whether it was completed by its deadline (its status at the deadline was
    ``completed``)."""

    weight: float
    status: str
    progress: float
    on_time: bool


@dataclass(frozen=True)
class Proposal:
    """A proposed grade (考核等次建议) with what it rests on: ``progress`` the weighted mean progress of
    the person's targets (None without targets), ``criteria`` the share of the position's standards
    met (None without any), ``reasons`` the clauses of :func:`propose_grade` that applied."""

    grade: str
    progress: float | None
    criteria: float | None
    reasons: tuple[str, ...]


def propose_grade(criteria_met: Sequence[bool], targets: Sequence[TargetOutcome]) -> Proposal:
    """The grade proposed for a non-leading civil servant's annual assessment (公务员年度考核), from the
    standards of their position description (职位说明书的考核标准, ``criteria_met``: one judgment per
    standard) and their targets of the year (``targets``: those they are 责任人 of).

    Sources: 公务员法（2005）第三十五条 — the annual assessment of non-leading staff starts from the
    duties of the post (按照职位职责); the supervising leader proposes a grade (提出考核等次建议) and the
    head of the organ or its authorised assessment committee (考核委员会) determines it: this rule
    is that proposal, never the decision, which the committee confirms or changes with a reason.
    第三十六条 — four grades, 优秀、称职、基本称职、不称职, notified in writing. 第三十七条 — the
    results decide post, rank, pay, rewards, training and dismissal. (Article numbers of the 2005
    text, the seed's period; the 2018 revision renumbers them.) 《公务员考核规定》(2007 试行,
    revised 2020) sets the standard of each grade — paraphrased here, check the official text before
    quoting it: 优秀 for outstanding results (工作实绩突出), 称职 for completing one's work, 基本称职 for
    work basically done but short in amount, quality or efficiency, 不称职 for work not done
    (不能完成工作任务); and it caps 优秀 (see :func:`excellent_quota`).

    With p the weight-normalised mean progress of the targets at the year's end (as
    :func:`weighted_progress`) and c the share of standards met:

    1. 优秀 — every target completed by its deadline (at least one target) and every standard met
       (at least one standard).
    2. 不称职 — p < 0.5 and some standard not met; or c < 0.5 and p < 0.8.
    3. 基本称职 — p < 0.8, or c < 0.5.
    4. 称职 — otherwise.

    Without targets p sets no bar (clauses on p do not apply) and without standards c sets none;
    neither can give 优秀. The 优秀 quota is checked when grades are confirmed, not here: more
    people may qualify than the quota allows, and the committee chooses among them.
    """
    progress = weighted_progress((t.weight, t.progress) for t in targets) if targets else None
    criteria = sum(criteria_met) / len(criteria_met) if criteria_met else None
    unmet = criteria is not None and criteria < 1.0 - EPSILON
    low = progress is not None and progress < BASIC_BELOW_PROGRESS - EPSILON
    very_low = progress is not None and progress < INCOMPETENT_BELOW_PROGRESS - EPSILON
    few = criteria is not None and criteria < CRITERIA_HALF - EPSILON
    reasons: list[str] = []
    if not targets:
        reasons.append(NO_TARGETS)
    elif not all(t.on_time for t in targets):
        reasons.append(NOT_ALL_ON_TIME)
    if criteria is None:
        reasons.append(NO_CRITERIA)
    elif unmet:
        reasons.append(CRITERION_UNMET)
    if not reasons:
        return Proposal(EXCELLENT, progress, criteria, (ALL_ON_TIME_ALL_MET,))
    if very_low and unmet:
        reasons.append(PROGRESS_BELOW_HALF_AND_UNMET)
    if few and low:
        reasons.append(CRITERIA_BELOW_HALF_AND_PROGRESS)
    if (very_low and unmet) or (few and low):
        return Proposal(INCOMPETENT, progress, criteria, tuple(reasons))
    if low:
        reasons.append(PROGRESS_BELOW_BASIC)
    if few:
        reasons.append(CRITERIA_BELOW_HALF)
    return Proposal(BASIC if low or few else COMPETENT, progress, criteria, tuple(reasons))


def excellent_quota(assessed: int, share: Fraction | float | str = EXCELLENT_SHARE) -> int:
    """The most 优秀 grades a unit may give: ``share`` (15 % by default, a setting) of its assessed
    staff, rounded down (公务员法 第三十六条 names the grades; the national assessment rules cap 优秀)."""
    return math.floor(assessed * Fraction(str(share)))


def appeal_file_by(cal: Calendar, notified_on: date, workdays: int = APPEAL_FILE_WORKDAYS) -> date:
    """The last day to appeal (申请复核) an assessment result: ``workdays`` working days after it was
    notified (公务员法 第九十五条 allows a review of an assessment result the civil servant disputes;
    the city counts the limit in working days)."""
    return cal.add_workdays(notified_on, workdays)


def appeal_decide_by(cal: Calendar, filed_on: date, workdays: int = APPEAL_DECIDE_WORKDAYS) -> date:
    """The day by which the review decision is due: ``workdays`` working days after filing."""
    return cal.add_workdays(filed_on, workdays)
