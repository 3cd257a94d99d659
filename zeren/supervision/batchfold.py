"""The case fold of :func:`zeren.supervision.rules.fold` for a whole batch of cases at once (批量归并).

Same rules, same legal basis (行政许可法 第三十二条、第三十八条、第四十五条、第五十八至五十九条、
第八十二条; see :func:`zeren.supervision.rules.case_state`), computed over the batch's events sorted
by case and :func:`~zeren.supervision.rules.event_order` with numpy: first-of-group reductions,
grouped running sums, and one vectorised working-day count for all suspensions and all steps.
Only the completed-step lists (and the missing-step check at the decision) are walked in Python,
over those events alone. Each case starts from its stored state and fold cursor, or from nothing.
``test_batchfold.py`` holds it equal to :func:`fold` on random histories.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from zeren.supervision.rules import (
    DECIDED,
    DELIVERED,
    EVENT_ALERTS,
    FEE_CHARGED,
    NO_DAY,
    RECEIVED,
    RESUMED,
    STEP_COMPLETED,
    SUSPENDED,
    TYPE_RANK,
    WITHDRAWN,
)
from zeren.workdays import Policy, WorkCalendar

if TYPE_CHECKING:
    from zeren.supervision.columns import EventColumns

Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]
R_RECEIVED, R_RESUMED, R_STEP, R_FEE, R_SUSPENDED, R_DECIDED, R_DELIVERED, R_WITHDRAWN = (
    TYPE_RANK[k] for k in (RECEIVED, RESUMED, STEP_COMPLETED, FEE_CHARGED, SUSPENDED, DECIDED, DELIVERED, WITHDRAWN))


@dataclass
class CaseColumns:
    """The fold state of many cases (one entry each; days since the epoch, ``NO_DAY`` for none).

    ``new`` cases start from nothing; the others from their stored state and cursor (``mark_day``,
    ``ext_at_mark``). After :func:`fold_cases`: ``start_row``/``last_row`` are the event rows of the
    clock's start (new cases) and of the last event folded.
    """

    new: Bools
    start_us: Ints
    from_received: Bools
    received_date: Ints
    last_event_date: Ints
    suspended_since: Ints
    suspension_count: Ints
    extension_days: Ints
    decided_date: Ints
    outcome: list[str]
    withdrawn_date: Ints
    delivered_date: Ints
    fees_cents: Ints
    completed_steps: list[list[str]]
    mark_day: Ints
    ext_at_mark: Ints
    seen_on: dict[str, Ints]  # EVENT_ALERTS column -> day first seen
    event_count: Ints
    start_row: Ints | None = None
    last_row: Ints | None = None

    @classmethod
    def fresh(cls, g: int) -> CaseColumns:
        """``g`` new cases."""
        def nothing():
            return np.full(g, NO_DAY, dtype=np.int64)

        def zero():
            return np.zeros(g, dtype=np.int64)
        return cls(np.ones(g, dtype=bool), zero(), np.zeros(g, dtype=bool), nothing(), nothing(), nothing(), zero(),
                   zero(), nothing(), [""] * g, nothing(), nothing(), zero(), [[] for _ in range(g)], nothing(),
                   zero(), {column: nothing() for column in EVENT_ALERTS.values()}, zero())


@dataclass
class RuleColumns:
    """Each case's rules (:class:`~zeren.supervision.rules.CaseRules`) as columns."""

    suspension_limit: Ints
    fee_standard_cents: Ints  # floor(fee standard × 100): cents > it ⟺ amount > the standard
    late_entry_us: Ints
    required_steps: list[tuple[str, ...]]
    step_limits: list[Mapping[str, int]]


@dataclass
class SortedEvents:
    """The batch's events sorted by case, then ``at``, type rank and ``event_id``."""

    case: Ints  # index into the CaseColumns, non-decreasing
    at_us: Ints
    day: Ints
    rank: Ints
    rec_us: Ints  # columns.NO_TIME when not recorded
    rec_day: Ints
    step: list[str]
    cents: Ints  # fee amounts in cents (0 for other events)
    outcome: list[str]
    reason_blank: Bools


def _grouped_cumsum(values: Ints, first: Ints, case: Ints) -> Ints:
    """Running sum of ``values`` within each case (inclusive)."""
    total = np.cumsum(values)
    return total - (total - values)[first][case]


def fold_cases(s: CaseColumns, e: SortedEvents, rules: RuleColumns, cal: WorkCalendar) -> None:
    """Fold each case's events (all sorting after its cursor) into ``s``, in place."""
    n = len(e.case)
    row = np.arange(n)
    first = np.flatnonzero(np.r_[True, e.case[1:] != e.case[:-1]])
    last = np.r_[first[1:] - 1, n - 1]
    case = e.case

    def first_row(mask: Bools) -> Ints:
        return np.minimum.reduceat(np.where(mask, row, n), first)

    def unset(values: Ints) -> Bools:
        return values == NO_DAY

    # The clock starts at the receipt, else at the earliest event (第三十二条): new cases only.
    new = s.new
    received_row = first_row(e.rank == R_RECEIVED)
    start = np.where(received_row < n, received_row, first)
    s.start_us = np.where(new, e.at_us[start], s.start_us)
    s.from_received = np.where(new, received_row < n, s.from_received)
    s.received_date = np.where(new, e.day[start], s.received_date)
    s.mark_day = np.where(new, s.received_date, s.mark_day)
    s.start_row, s.last_row = start, last
    s.last_event_date = np.maximum(s.last_event_date, np.maximum.reduceat(e.day, first))

    # Suspensions (第四十五条): a suspension starts at a `suspended` while running and ends at a
    # `resumed` while suspended; each closed one adds its working days to the limits.
    extension_added = np.zeros(n, dtype=np.int64)
    sr = np.flatnonzero((e.rank == R_SUSPENDED) | (e.rank == R_RESUMED))
    if len(sr):
        sr_case, sr_rank = case[sr], e.rank[sr]
        same = np.r_[False, sr_case[1:] == sr_case[:-1]]
        was_suspended = np.where(same, np.r_[False, sr_rank[:-1] == R_SUSPENDED], ~unset(s.suspended_since[sr_case]))
        starts = (sr_rank == R_SUSPENDED) & ~was_suspended
        ends = (sr_rank == R_RESUMED) & was_suspended
        position = np.arange(len(sr))
        opener = np.maximum.accumulate(np.where(starts, position, -1))
        own = (opener >= 0) & (sr_case[np.maximum(opener, 0)] == sr_case)
        since = np.where(own, e.day[sr][np.maximum(opener, 0)], s.suspended_since[sr_case])
        if ends.any():
            extension_added[sr[ends]] = cal.workdays_between_array(
                since[ends].astype("datetime64[D]"), e.day[sr[ends]].astype("datetime64[D]"))
        sr_first = np.flatnonzero(~same)
        counted = _grouped_cumsum(starts.astype(np.int64), sr_first, np.cumsum(~same) - 1)
        total = s.suspension_count[sr_case] + counted
        abuse = starts & (total > rules.suspension_limit[sr_case])
        abuse_first = np.full(len(s.new), len(sr))
        np.minimum.at(abuse_first, sr_case[abuse], position[abuse])
        column = EVENT_ALERTS["suspension_abuse"]
        hit = (abuse_first < len(sr)) & unset(s.seen_on[column])
        s.seen_on[column][hit] = e.day[sr[abuse_first[hit]]]
        s.suspension_count = s.suspension_count + np.bincount(sr_case, weights=starts, minlength=len(new)).astype(
            np.int64)
        last_sr = np.full(len(new), -1)
        last_sr[sr_case] = position  # the last S/R event of each case (positions increase)
        touched = last_sr >= 0
        still = sr_rank[last_sr[touched]] == R_SUSPENDED
        s.suspended_since[touched] = np.where(still, since[last_sr[touched]], NO_DAY)
    extension = s.extension_days[case] + _grouped_cumsum(extension_added, first, case)
    s.extension_days = extension[last]

    # Fees above the standard (第五十八至五十九条).
    fee = e.rank == R_FEE
    paid = s.fees_cents[case] + _grouped_cumsum(np.where(fee, e.cents, 0), first, case)
    _seen(s, "fee_over_standard", first_row(fee & (paid > rules.fee_standard_cents[case])), e.day, n)
    s.fees_cents = paid[last]

    # The decision, delivery, withdrawal: the first of each.
    decided_row = first_row(e.rank == R_DECIDED)
    decide = unset(s.decided_date) & (decided_row < n)
    was_decided = ~unset(s.decided_date)
    s.decided_date = np.where(decide, e.day[np.minimum(decided_row, n - 1)], s.decided_date)
    for k in np.flatnonzero(decide).tolist():
        s.outcome[k] = e.outcome[decided_row[k]]
    denied = np.zeros(len(new), dtype=bool)
    denied[decide] = [e.outcome[r] == "denied" and e.reason_blank[r] for r in decided_row[decide].tolist()]
    column = EVENT_ALERTS["denied_without_reason"]  # 第三十八条: a denial gives its reasons
    s.seen_on[column] = np.where(denied & unset(s.seen_on[column]), s.decided_date, s.seen_on[column])
    for name, rank in (("delivered_date", R_DELIVERED), ("withdrawn_date", R_WITHDRAWN)):
        found, current = first_row(e.rank == rank), getattr(s, name)
        setattr(s, name, np.where(unset(current) & (found < n), e.day[np.minimum(found, n - 1)], current))

    # Order: any event before the clock's start (new cases), or a step after the decision.
    step = e.rank == R_STEP
    after_decision = step & (was_decided[case] | (decided_row[case] < row))
    before_start = np.where(new & (start > first), first, n)
    _seen(s, "order_violation", np.minimum(before_start, first_row(after_decision)), e.day, n)
    late = (e.rec_us != np.iinfo(np.int64).min) & (e.rec_us - e.at_us > rules.late_entry_us[case])
    _seen(s, "late_entry", first_row(late), e.rec_day, n)

    _fold_steps(s, e, rules, cal, step, extension, first, decided_row, decide)
    s.event_count = s.event_count + (last - first + 1)


def _seen(s: CaseColumns, alert: str, found: Ints, day: Ints, n: int) -> None:
    """Set the day an event alert was first seen, where ``found`` names a row and it was unset."""
    column = EVENT_ALERTS[alert]
    hit = (found < n) & (s.seen_on[column] == NO_DAY)
    s.seen_on[column][hit] = day[found[hit]]


def _fold_steps(s: CaseColumns, e: SortedEvents, rules: RuleColumns, cal: WorkCalendar, step: Bools,
                extension: Ints, first: Ints, decided_row: Ints, decide: Bools) -> None:
    """Completed steps, step time limits (suspensions deducted) and required steps at the decision."""
    case = e.case
    rows = np.flatnonzero(step)
    if len(rows):
        step_case = case[rows]
        same = np.r_[False, step_case[1:] == step_case[:-1]]
        mark = np.where(same, e.day[np.r_[0, rows[:-1]]], s.mark_day[step_case])
        mark_extension = np.where(same, extension[np.r_[0, rows[:-1]]], s.ext_at_mark[step_case])
        # Counted where it can matter (a step limit) or where counting may raise, as rules.fold counts.
        limited = np.array([bool(limits) for limits in rules.step_limits], dtype=bool)[step_case]
        years = e.day[rows].astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970
        count = limited | (cal.policy is not Policy.PROVISIONAL) | (years >= cal.last_day.year)
        used = np.zeros(len(rows), dtype=np.int64)
        if count.any():
            used[count] = (cal.workdays_between_array(mark[count].astype("datetime64[D]"),
                                                      e.day[rows[count]].astype("datetime64[D]"))
                           - (extension[rows[count]] - mark_extension[count]))
        last_step = np.full(len(s.new), -1)
        last_step[step_case] = rows
        has = last_step >= 0
        s.mark_day[has] = e.day[last_step[has]]
        s.ext_at_mark[has] = extension[last_step[has]]
    else:
        step_case, used, limited = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0, dtype=bool)
    overtime = EVENT_ALERTS["step_overtime"]
    missing = EVENT_ALERTS["missing_step"]
    # Walk the steps, and the decisions that need required steps, in order.
    checked = np.zeros(len(case), dtype=bool)
    checked[decided_row[decide & np.array([bool(r) for r in rules.required_steps], dtype=bool)]] = True
    completed, step_names, overtime_on, missing_on = s.completed_steps, e.step, s.seen_on[overtime], s.seen_on[missing]
    i = 0
    for r in np.flatnonzero(step | checked).tolist():
        k = int(case[r])
        if checked[r]:
            if any(name not in completed[k] for name in rules.required_steps[k]):
                missing_on[k] = e.day[r]
            continue
        done, name = completed[k], step_names[r]
        if name not in done:
            done.append(name)
        if limited[i]:
            limit = rules.step_limits[k].get(name)
            if limit is not None and used[i] > limit and overtime_on[k] == NO_DAY:
                overtime_on[k] = e.day[r]
        i += 1


def event_rows_in_order(case: Ints, at_us: Ints, rank: Ints, event_id: list[str]) -> Ints:
    """Row order by case, then :func:`~zeren.supervision.rules.event_order` (``at``, type rank, ``event_id``);
    the event ids, as a numpy text column, only when two events of a case share instant and type."""
    order = np.lexsort((rank, at_us, case))
    c, a, k = case[order], at_us[order], rank[order]
    if ((c[1:] == c[:-1]) & (a[1:] == a[:-1]) & (k[1:] == k[:-1])).any():
        order = np.lexsort((np.array(event_id, dtype=str), rank, at_us, case))
    return order


def sort_events(case: Ints, cols: EventColumns) -> tuple[Ints, SortedEvents]:
    """The rows of ``cols`` (of cases ``case``) in fold order, and their :class:`SortedEvents`."""
    rank = np.array(list(map(TYPE_RANK.__getitem__, cols.kind)), dtype=np.int64)
    order = event_rows_in_order(case, cols.at_us, rank, cols.event_id)
    rows = order.tolist()
    cents = np.zeros(len(rows), dtype=np.int64)
    blank = np.zeros(len(rows), dtype=bool)
    ranks = rank[order]
    for j in np.flatnonzero(ranks == R_FEE).tolist():
        cents[j] = int(cols.amount[rows[j]] * 100)  # validated: at most 2 decimals
    for j in np.flatnonzero(ranks == R_DECIDED).tolist():
        blank[j] = not cols.reason[rows[j]].strip()
    return order, SortedEvents(case[order], cols.at_us[order], cols.day[order], ranks, cols.rec_us[order],
                               cols.rec_day[order], [cols.step[r] for r in rows], cents, [cols.outcome[r] for r in rows],
                               blank)
