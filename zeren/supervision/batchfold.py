"""The case fold of :func:`zeren.supervision.rules.fold` for a whole batch of cases at once (批量归并).

Same rules, same legal basis (行政许可法 第三十二条、第三十八条、第四十五条、第五十八至五十九条、
第八十二条; see :func:`zeren.supervision.rules.case_state`), computed over the batch's events sorted
by case and :func:`~zeren.supervision.rules.event_order` with numpy: first-of-group reductions,
grouped running sums, and one vectorised working-day count for all suspensions and all steps.
Only the completed-step lists (and the missing-step check at the decision) are walked in Python,
over those events alone. Every case is folded from its first event.
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
    """The folded state of many cases (one entry each; days since the epoch, ``NO_DAY`` for none):
    the columns of :class:`~zeren.supervision.rules.CaseState` but the deadlines, ``start_us`` the
    instant the clock started (microseconds since the epoch) and ``seen_on`` the day each event
    alert (an ``EVENT_ALERTS`` column) was first seen."""

    start_us: Ints
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
    seen_on: dict[str, Ints]
    event_count: Ints


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


def fold_cases(e: SortedEvents, rules: RuleColumns, cal: WorkCalendar) -> CaseColumns:
    """Fold each case's events (cases ``0 … g-1``, each with at least one event) into its state."""
    n = len(e.case)
    row, case = np.arange(n), e.case
    first = np.flatnonzero(np.r_[True, case[1:] != case[:-1]])
    last = np.r_[first[1:] - 1, n - 1]
    g = len(first)
    seen_on: dict[str, Ints] = {}

    def first_row(mask: Bools) -> Ints:
        return np.minimum.reduceat(np.where(mask, row, n), first)

    def day_of(found: Ints, day: Ints = e.day) -> Ints:
        return np.where(found < n, day[np.minimum(found, n - 1)], NO_DAY)

    # The clock starts at the receipt, else at the earliest event (第三十二条).
    received_row = first_row(e.rank == R_RECEIVED)
    start = np.where(received_row < n, received_row, first)
    received_date = e.day[start]

    # Suspensions (第四十五条): a suspension starts at a `suspended` while running and ends at a
    # `resumed` while suspended; each closed one adds its working days to the limits.
    extension_added = np.zeros(n, dtype=np.int64)
    suspension_count, suspended_since = np.zeros(g, dtype=np.int64), np.full(g, NO_DAY, dtype=np.int64)
    abuse_row = np.full(g, n)
    sr = np.flatnonzero((e.rank == R_SUSPENDED) | (e.rank == R_RESUMED))
    if len(sr):
        sr_case, sr_rank = case[sr], e.rank[sr]
        same = np.r_[False, sr_case[1:] == sr_case[:-1]]
        was_suspended = same & np.r_[False, sr_rank[:-1] == R_SUSPENDED]
        starts = (sr_rank == R_SUSPENDED) & ~was_suspended
        ends = (sr_rank == R_RESUMED) & was_suspended
        since = e.day[sr][np.maximum.accumulate(np.where(starts, np.arange(len(sr)), 0))]
        if ends.any():
            extension_added[sr[ends]] = cal.workdays_between_array(
                since[ends].astype("datetime64[D]"), e.day[sr[ends]].astype("datetime64[D]"))
        counted = _grouped_cumsum(starts.astype(np.int64), np.flatnonzero(~same), np.cumsum(~same) - 1)
        abuse = starts & (counted > rules.suspension_limit[sr_case])
        np.minimum.at(abuse_row, sr_case[abuse], sr[abuse])
        suspension_count = np.bincount(sr_case, weights=starts, minlength=g).astype(np.int64)
        last_sr = np.full(g, -1)
        last_sr[sr_case] = np.arange(len(sr))  # the last S/R event of each case (positions increase)
        touched = last_sr >= 0
        suspended_since[touched] = np.where(sr_rank[last_sr[touched]] == R_SUSPENDED, since[last_sr[touched]], NO_DAY)
    seen_on[EVENT_ALERTS["suspension_abuse"]] = day_of(abuse_row)
    extension = _grouped_cumsum(extension_added, first, case)

    # Fees above the standard (第五十八至五十九条).
    fee = e.rank == R_FEE
    paid = _grouped_cumsum(np.where(fee, e.cents, 0), first, case)
    seen_on[EVENT_ALERTS["fee_over_standard"]] = day_of(first_row(fee & (paid > rules.fee_standard_cents[case])))

    # The decision, delivery, withdrawal: the first of each; a denial gives its reasons (第三十八条).
    decided_row = first_row(e.rank == R_DECIDED)
    decide = decided_row < n
    outcome = [e.outcome[r] if r < n else "" for r in decided_row.tolist()]
    denied = np.array([r < n and e.outcome[r] == "denied" and e.reason_blank[r] for r in decided_row.tolist()], bool)
    seen_on[EVENT_ALERTS["denied_without_reason"]] = day_of(np.where(denied, decided_row, n))

    # Order: any event before the clock's start, or a step after the decision.
    step = e.rank == R_STEP
    before_start = np.where(start > first, first, n)
    seen_on[EVENT_ALERTS["order_violation"]] = day_of(np.minimum(before_start, first_row(
        step & (decided_row[case] < row))))
    late = (e.rec_us != np.iinfo(np.int64).min) & (e.rec_us - e.at_us > rules.late_entry_us[case])
    seen_on[EVENT_ALERTS["late_entry"]] = day_of(first_row(late), e.rec_day)

    completed, overtime_on, missing_on = _fold_steps(e, rules, cal, step, extension, received_date, decided_row,
                                                     decide)
    seen_on[EVENT_ALERTS["step_overtime"]], seen_on[EVENT_ALERTS["missing_step"]] = overtime_on, missing_on
    return CaseColumns(e.at_us[start], received_date, np.maximum.reduceat(e.day, first), suspended_since,
                       suspension_count, extension[last], day_of(decided_row), outcome,
                       day_of(first_row(e.rank == R_WITHDRAWN)), day_of(first_row(e.rank == R_DELIVERED)),
                       paid[last], completed, seen_on, last - first + 1)


def _fold_steps(e: SortedEvents, rules: RuleColumns, cal: WorkCalendar, step: Bools, extension: Ints,
                received_date: Ints, decided_row: Ints, decide: Bools) -> tuple[list[list[str]], Ints, Ints]:
    """Completed steps, the day a step first took longer than its limit (working days since the
    previous step or the receipt, suspensions in between deducted) and the day of a decision taken
    before every required step was completed."""
    case, g = e.case, len(received_date)
    rows = np.flatnonzero(step)
    step_case = case[rows]
    same, previous = np.zeros(len(rows), dtype=bool), np.r_[rows[:1], rows[:-1]]
    same[1:] = step_case[1:] == step_case[:-1]
    mark = np.where(same, e.day[previous], received_date[step_case])
    mark_extension = np.where(same, extension[previous], 0)
    # Counted where it can matter (a step limit) or where counting may raise, as rules.fold counts.
    limited = np.array([bool(limits) for limits in rules.step_limits], dtype=bool)[step_case]
    years = e.day[rows].astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970
    count = limited | (cal.policy is not Policy.PROVISIONAL) | (years >= cal.last_day.year)
    used = np.zeros(len(rows), dtype=np.int64)
    if count.any():
        used[count] = (cal.workdays_between_array(mark[count].astype("datetime64[D]"),
                                                  e.day[rows[count]].astype("datetime64[D]"))
                       - (extension[rows[count]] - mark_extension[count]))
    # Walk the steps, and the decisions that need required steps, in order.
    checked = np.zeros(len(case), dtype=bool)
    checked[decided_row[decide & np.array([bool(r) for r in rules.required_steps], dtype=bool)]] = True
    completed: list[list[str]] = [[] for _ in range(g)]
    overtime_on, missing_on = np.full(g, NO_DAY, dtype=np.int64), np.full(g, NO_DAY, dtype=np.int64)
    i = 0
    for r in np.flatnonzero(step | checked).tolist():
        k = int(case[r])
        if checked[r]:
            if any(name not in completed[k] for name in rules.required_steps[k]):
                missing_on[k] = e.day[r]
            continue
        done, name = completed[k], e.step[r]
        if name not in done:
            done.append(name)
        if limited[i]:
            limit = rules.step_limits[k].get(name)
            if limit is not None and used[i] > limit and overtime_on[k] == NO_DAY:
                overtime_on[k] = e.day[r]
        i += 1
    return completed, overtime_on, missing_on


def event_rows_in_order(case: Ints, at_us: Ints, rank: Ints, event_id: list[str]) -> Ints:
    """Row order by case, then :func:`~zeren.supervision.rules.event_order` (``at``, type rank, ``event_id``);
    the event ids, as a numpy text column, only when two events of a case share instant and type."""
    order = np.lexsort((rank, at_us, case))
    c, a, k = case[order], at_us[order], rank[order]
    if ((c[1:] == c[:-1]) & (a[1:] == a[:-1]) & (k[1:] == k[:-1])).any():
        order = np.lexsort((np.array(event_id, dtype=str), rank, at_us, case))
    return order


def sort_events(case: Ints, cols: EventColumns) -> SortedEvents:
    """The events ``cols`` (of cases ``case``) in fold order."""
    rank = np.array(list(map(TYPE_RANK.__getitem__, cols.kind)), dtype=np.int64)
    order = event_rows_in_order(case, cols.at_us, rank, cols.event_id)
    rows, ranks = order.tolist(), rank[order]
    cents = np.zeros(len(rows), dtype=np.int64)
    blank = np.zeros(len(rows), dtype=bool)
    for j in np.flatnonzero(ranks == R_FEE).tolist():
        cents[j] = int(cols.amount[rows[j]] * 100)  # validated: at most 2 decimals
    for j in np.flatnonzero(ranks == R_DECIDED).tolist():
        blank[j] = not cols.reason[rows[j]].strip()
    return SortedEvents(case[order], cols.at_us[order], cols.day[order], ranks, cols.rec_us[order],
                        cols.rec_day[order], [cols.step[r] for r in rows], cents, [cols.outcome[r] for r in rows], blank)
