"""Time-limit and irregularity rules of electronic supervision (行政审批电子监察). Pure: no database.

A case's state is a fold over its events sorted by ``at`` (then a fixed type order, then
``event_id``), so the same events give the same state whatever order or how often they arrived.
Dates are local (Asia/Shanghai) dates of ``at``. Every count is in working days through
:mod:`zeren.workdays` (行政许可法 第八十二条).

:func:`case_state` and :func:`case_alerts` are the reference, one case at a time;
:func:`scan_arrays` is the same alert logic over numpy arrays of many cases, for the scan.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import NamedTuple
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt

from zeren.workdays import FlaggedArray, Policy, WorkCalendar

LOCAL_TZ = ZoneInfo("Asia/Shanghai")
DEFAULT_YELLOW_DAYS = 2
DEFAULT_SUSPENSION_LIMIT = 2
DEFAULT_LATE_ENTRY_HOURS = 24

RECEIVED, STEP_COMPLETED, SUSPENDED, RESUMED = "received", "step_completed", "suspended", "resumed"
FEE_CHARGED, DECIDED, DELIVERED, WITHDRAWN = "fee_charged", "decided", "delivered", "withdrawn"
# Tiebreak for events at the same instant: receipt first, the clock resumes before it stops again,
# the decision after the steps that led to it.
TYPE_RANK = {RECEIVED: 0, RESUMED: 1, STEP_COMPLETED: 2, FEE_CHARGED: 3, SUSPENDED: 4, DECIDED: 5,
             DELIVERED: 6, WITHDRAWN: 7}
EVENT_TYPES = tuple(TYPE_RANK)

YELLOW_CARD, RED_CARD, PROMISE_BROKEN = "yellow_card", "red_card", "promise_broken"
# Alerts that follow from the events alone, and the CaseState column holding the day each was first seen.
EVENT_ALERTS = {
    "fee_over_standard": "fee_exceeded_on",
    "missing_step": "missing_step_on",
    "order_violation": "order_violation_on",
    "suspension_abuse": "suspension_abuse_on",
    "step_overtime": "step_overtime_on",
    "denied_without_reason": "denied_without_reason_on",
    "late_entry": "late_entry_on",
}
ALERT_TYPES = (YELLOW_CARD, RED_CARD, PROMISE_BROKEN, *EVENT_ALERTS)
# Alerts that become findings (问题线索) for accountability.
FINDING_TYPES = frozenset({RED_CARD, "fee_over_standard", "missing_step", "step_overtime", "order_violation"})


class Event(NamedTuple):
    """One validated event of a case (办件事件). A named tuple: ingestion makes a million of them."""

    event_id: str
    type: str
    at: datetime
    step: str = ""
    amount: Decimal | None = None
    outcome: str = ""
    reason: str = ""
    recorded_at: datetime | None = None


@dataclass(frozen=True)
class CaseRules:
    """What the state of a case depends on: its item's limits and the configured thresholds."""

    statutory_days: int
    promised_days: int
    fee_standard: Decimal = Decimal("0")
    required_steps: tuple[str, ...] = ()
    step_limits: Mapping[str, int] = field(default_factory=dict)
    suspension_limit: int = DEFAULT_SUSPENSION_LIMIT
    late_entry_hours: int = DEFAULT_LATE_ENTRY_HOURS


@dataclass
class CaseState:
    """A case's state after its events (办件状态); deadlines include closed suspensions."""

    received_at: datetime
    received_date: date
    last_event_date: date
    suspended_since: date | None
    suspension_count: int
    extension_days: int
    decided_date: date | None
    outcome: str
    withdrawn_date: date | None
    delivered_date: date | None
    fees_total: Decimal
    completed_steps: list[str]
    statutory_deadline: date
    promised_deadline: date
    provisional: bool
    fee_exceeded_on: date | None = None
    missing_step_on: date | None = None
    order_violation_on: date | None = None
    suspension_abuse_on: date | None = None
    step_overtime_on: date | None = None
    denied_without_reason_on: date | None = None
    late_entry_on: date | None = None
    event_count: int = 0

    @property
    def is_open(self) -> bool:
        return self.decided_date is None and self.withdrawn_date is None


_CHINA_OFFSET = timedelta(hours=8)


def local_date(moment: datetime) -> date:
    """The Asia/Shanghai calendar date of an aware instant.

    Shanghai has kept UTC+08:00 without summer time since 1992, so an instant already written
    with that offset (what departments send) is read directly; anything else goes through the
    time-zone database.
    """
    if moment.year >= 1992 and moment.utcoffset() == _CHINA_OFFSET:
        return moment.date()
    return moment.astimezone(LOCAL_TZ).date()


def event_order(event: Event) -> tuple[datetime, int, str]:
    """Sort key: ``at``, then :data:`TYPE_RANK`, then ``event_id`` — a total, stable order."""
    return event.at, TYPE_RANK[event.type], event.event_id


FOLD_VERSION = 2
"""The version of the fold's behaviour (归并版本), stored in every case's ``fold`` tag. Bump it with any
change to what :func:`fold` and :func:`set_deadlines` give for the same events and rules: a stored
fold of another version is then folded again from its events — by ``zeren supervision refold`` for
every case at once, else at its case's next event. ``tests/test_fold_version.py`` holds the outputs
on a fixed corpus to this number: it fails when they change and the number does not.
(1 was the unversioned fold cursor, before issue 13.)"""


def fold_tag(rules: CaseRules) -> str:
    """What a case's state was folded by, stored with it: this version of the fold and a short
    fingerprint of the case's rules (an item's limits, a threshold). A case whose tag differs from
    its rules' tag now was folded by other code or under other rules, and is folded again."""
    return f"v{FOLD_VERSION}|{zlib.crc32(repr(rules).encode('utf-8'))}"


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
EPOCH_ORDINAL = 719163  # date(1970, 1, 1).toordinal(): days since the epoch = ordinal - this
NO_DAY = np.iinfo(np.int64).min // 4  # no day, in columns of days since the epoch: below every real day


def micros(instant: datetime) -> int:
    """Microseconds since the epoch of an aware instant."""
    return (instant - EPOCH) // timedelta(microseconds=1)


def sorted_events(events: Iterable[Event], as_of: date | None = None) -> list[Event]:
    """Events in :func:`event_order`, each ``event_id`` once, none dated after ``as_of``."""
    ordered, seen_ids = [], set()
    for e in sorted((e for e in events if as_of is None or local_date(e.at) <= as_of), key=event_order):
        if e.event_id not in seen_ids:  # a re-delivered event counts once
            seen_ids.add(e.event_id)
            ordered.append(e)
    return ordered


def case_state(events: Iterable[Event], rules: CaseRules, cal: WorkCalendar, *, as_of: date | None = None) -> CaseState:
    """Fold a case's events into its state (办件状态), ignoring events dated after ``as_of``.

    - The clock starts at the ``received`` event (受理); without one, at the earliest event:
      行政许可法 第三十二条 — an application not answered counts as accepted on receipt.
    - Each closed suspension (暂停计时, ``suspended`` → ``resumed``) extends both limits by
      ``cal.workdays_between(suspended_date, resumed_date)`` working days: 行政许可法 第四十五条
      (hearings, inspection, testing, expert review are not counted). A repeated ``suspended``
      while suspended, or ``resumed`` while running, changes nothing.
    - Deadline = ``cal.add_workdays(received_date, limit + extensions)``, separately for the
      statutory (法定时限, 第四十二条) and promised (承诺时限) limit; 第八十二条 working days.
    - ``fees_total`` above the item's fee standard: 第五十八至五十九条 (licensing is free unless a
      law provides a fee, and then at the published standard).
    - Decided before every required step was completed: ``missing_step``; any event before
      ``received``, or a step completed after the decision: ``order_violation``.
    - A denial (不予许可) without a reason: 第三十八条 requires written reasons.
    - More suspensions than ``rules.suspension_limit``: ``suspension_abuse``.
    - A step that took longer than its own limit (working days since the previous step or
      receipt, closed suspensions in between deducted): ``step_overtime``.
    - ``recorded_at`` more than ``rules.late_entry_hours`` after ``at``: ``late_entry`` (补录),
      seen on the day it was recorded.
    """
    ordered = sorted_events(events, as_of)
    if not ordered:
        raise ValueError("a case needs at least one event on or before as_of")
    s = fold(ordered, rules, cal)
    set_deadlines(s, rules, cal)
    return s


def fold(ordered: list[Event], rules: CaseRules, cal: WorkCalendar) -> CaseState:
    """Fold ``ordered`` (from :func:`sorted_events`, at least one event) into a case's state by the
    rules of :func:`case_state`; deadlines are left to :func:`set_deadlines` (or to ingestion, which
    computes them for a whole batch of cases at once)."""
    start_event = next((e for e in ordered if e.type == RECEIVED), ordered[0])
    start, received_date = start_event.at, local_date(start_event.at)
    s = CaseState(
        received_at=start, received_date=received_date, last_event_date=received_date, suspended_since=None,
        suspension_count=0, extension_days=0, decided_date=None, outcome="", withdrawn_date=None, delivered_date=None,
        fees_total=Decimal("0"), completed_steps=[], statutory_deadline=received_date,
        promised_deadline=received_date, provisional=False, event_count=len(ordered),
    )
    mark, extension_at_mark = received_date, 0  # where the current step's time starts
    late_after = timedelta(hours=rules.late_entry_hours)
    strict, last_year = cal.policy is not Policy.PROVISIONAL, cal.last_day.year
    for e in ordered:
        day = local_date(e.at)
        if day > s.last_event_date:
            s.last_event_date = day
        if e.at < start and s.order_violation_on is None:
            s.order_violation_on = day
        if e.recorded_at is not None and s.late_entry_on is None and e.recorded_at - e.at > late_after:
            s.late_entry_on = local_date(e.recorded_at)
        kind = e.type
        if kind == SUSPENDED:
            if s.suspended_since is None:
                s.suspended_since = day
                s.suspension_count += 1
                if s.suspension_count > rules.suspension_limit and s.suspension_abuse_on is None:
                    s.suspension_abuse_on = day
        elif kind == RESUMED:
            if s.suspended_since is not None:
                s.extension_days += cal.workdays_between(s.suspended_since, day)
                s.suspended_since = None
        elif kind == FEE_CHARGED:
            s.fees_total += e.amount or Decimal("0")
            if s.fees_total > rules.fee_standard and s.fee_exceeded_on is None:
                s.fee_exceeded_on = day
        elif kind == STEP_COMPLETED:
            if s.decided_date is not None and s.order_violation_on is None:
                s.order_violation_on = day
            if e.step not in s.completed_steps:
                s.completed_steps.append(e.step)
            limit = rules.step_limits.get(e.step)
            # Counted only when it can matter (a step limit), or when counting may raise (strict
            # policy, the calendar's last year) — as the one-case reference always counted.
            if limit is not None or strict or day.year >= last_year:
                used = cal.workdays_between(mark, day) - (s.extension_days - extension_at_mark)
                if limit is not None and used > limit and s.step_overtime_on is None:
                    s.step_overtime_on = day
            mark, extension_at_mark = day, s.extension_days
        elif kind == DECIDED:
            if s.decided_date is None:
                s.decided_date, s.outcome = day, e.outcome
                if any(step not in s.completed_steps for step in rules.required_steps):
                    s.missing_step_on = day
                if e.outcome == "denied" and not e.reason.strip():
                    s.denied_without_reason_on = day
        elif kind == DELIVERED:
            if s.delivered_date is None:
                s.delivered_date = day
        elif kind == WITHDRAWN and s.withdrawn_date is None:
            s.withdrawn_date = day
    return s


def deadlines(received: npt.ArrayLike, statutory_days: npt.ArrayLike, promised_days: npt.ArrayLike,
              extension_days: npt.ArrayLike, cal: WorkCalendar) -> tuple[FlaggedArray, FlaggedArray]:
    """THE deadline rule, for any number of cases (the fold, ingestion and the scan all use it):
    deadline = ``add_workdays(received, limit + extensions)``, statutory and promised — the limit in
    working days from receipt (行政许可法 第四十二条、第八十二条), each closed suspension's working days
    added (第四十五条); provisional when it reaches a year with no official holiday schedule."""
    received = np.asarray(received, dtype="datetime64[D]")
    extension = np.asarray(extension_days, dtype=np.int64)
    return (cal.add_workdays_array(received, np.asarray(statutory_days, dtype=np.int64) + extension, with_flag=True),
            cal.add_workdays_array(received, np.asarray(promised_days, dtype=np.int64) + extension, with_flag=True))


def set_deadlines(s: CaseState, rules: CaseRules, cal: WorkCalendar) -> None:
    """The case's deadlines by :func:`deadlines`."""
    statutory, promised = deadlines([s.received_date], [rules.statutory_days], [rules.promised_days],
                                    [s.extension_days], cal)
    s.statutory_deadline, s.promised_deadline = statutory.values[0].item(), promised.values[0].item()
    s.provisional = bool(statutory.provisional[0] or promised.provisional[0])


@dataclass(frozen=True)
class AlertFact:
    """An alert that holds on the scan date: since when, and the deadline it is about."""

    type: str
    since: date
    deadline: date


def case_alerts(
    state: CaseState, as_of: date, cal: WorkCalendar, *, yellow_days: int = DEFAULT_YELLOW_DAYS,
    enabled: Iterable[str] = ALERT_TYPES,
) -> list[AlertFact]:
    """The alerts in force for one case on ``as_of`` (``state`` folded from events up to ``as_of``).

    - ``red_card`` (红牌): decided after the statutory deadline, or — undecided, not withdrawn,
      not suspended — ``as_of > statutory_deadline``. 行政许可法 第四十二条、第四十五条、第八十二条.
    - ``promise_broken``: the same against the promised deadline, when not already a red card.
    - ``yellow_card`` (黄牌预警): undecided, not suspended, not withdrawn, not red, and
      ``0 <= cal.workdays_between(as_of, statutory_deadline) <= yellow_days``; in force since the
      ``yellow_days``-th working day before the deadline (or receipt, if later).
    - The event alerts of :func:`case_state`, once their day has come.
    """
    wanted = frozenset(enabled)
    stat, promised = state.statutory_deadline, state.promised_deadline
    running = state.is_open and state.suspended_since is None
    facts: list[AlertFact] = []
    red_since = _late_since(state, stat, running, as_of)
    if red_since is not None and RED_CARD in wanted:
        facts.append(AlertFact(RED_CARD, red_since, stat))
    promise_since = _late_since(state, promised, running, as_of)
    if red_since is None and promise_since is not None and PROMISE_BROKEN in wanted:
        facts.append(AlertFact(PROMISE_BROKEN, promise_since, promised))
    if (running and red_since is None and YELLOW_CARD in wanted
            and 0 <= cal.workdays_between(as_of, stat) <= yellow_days):
        facts.append(AlertFact(YELLOW_CARD, max(state.received_date, cal.add_workdays(stat, -yellow_days)), stat))
    for alert_type, column in EVENT_ALERTS.items():
        seen = getattr(state, column)
        if seen is not None and seen <= as_of and alert_type in wanted:
            facts.append(AlertFact(alert_type, seen, stat))
    return facts


def _late_since(state: CaseState, deadline: date, running: bool, as_of: date) -> date | None:
    if state.decided_date is not None:
        return state.decided_date if state.decided_date > deadline else None
    if running and as_of > deadline:
        return deadline + timedelta(days=1)
    return None


DateArray = npt.NDArray[np.datetime64]


@dataclass
class CaseArrays:
    """Columns of many cases for :func:`scan_arrays` (dates as ``datetime64[D]``, NaT for none)."""

    received: DateArray
    statutory_days: npt.NDArray[np.int64]
    promised_days: npt.NDArray[np.int64]
    extension_days: npt.NDArray[np.int64]
    suspended: npt.NDArray[np.bool_]
    decided: DateArray
    withdrawn: DateArray
    yellow_days: npt.NDArray[np.int64]
    event_alerts: dict[str, DateArray]  # EVENT_ALERTS type -> the day first seen
    enabled: dict[str, npt.NDArray[np.bool_]]  # alert type -> enabled for the case


@dataclass
class ScanResult:
    """Per alert type: which cases it holds for, since when and against which deadline."""

    statutory_deadline: DateArray
    promised_deadline: DateArray
    provisional: npt.NDArray[np.bool_]
    holds: dict[str, npt.NDArray[np.bool_]]
    since: dict[str, DateArray]
    deadline: dict[str, DateArray]


def scan_arrays(cases: CaseArrays, as_of: date, cal: WorkCalendar) -> ScanResult:
    """:func:`case_alerts` for many cases at once, vectorised through :mod:`zeren.workdays`.

    Same rules and legal basis as :func:`case_alerts` (行政许可法 第三十八条、第四十二条、第四十五条、
    第五十八至五十九条、第八十二条); deadlines are recomputed here from the received date, the item's
    limits and the closed-suspension extensions, so a changed limit takes effect at the next scan.
    """
    day = np.datetime64(as_of, "D")
    one = np.timedelta64(1, "D")
    stat, prom = deadlines(cases.received, cases.statutory_days, cases.promised_days, cases.extension_days, cal)
    decided = ~np.isnat(cases.decided)
    running = ~decided & np.isnat(cases.withdrawn) & ~cases.suspended
    holds: dict[str, npt.NDArray[np.bool_]] = {}
    since: dict[str, DateArray] = {}
    deadline: dict[str, DateArray] = {}
    late = {}
    for kind, limit in ((RED_CARD, stat.values), (PROMISE_BROKEN, prom.values)):
        decided_late = decided & (cases.decided > limit)
        late[kind] = decided_late | (running & (day > limit))
        since[kind] = np.where(decided_late, cases.decided, limit + one)
        deadline[kind] = limit
    holds[RED_CARD] = late[RED_CARD]
    holds[PROMISE_BROKEN] = late[PROMISE_BROKEN] & ~late[RED_CARD]
    left = cal.workdays_between_array(day, stat.values)
    holds[YELLOW_CARD] = running & ~late[RED_CARD] & (left >= 0) & (left <= cases.yellow_days)
    since[YELLOW_CARD] = np.maximum(cases.received, cal.add_workdays_array(stat.values, -cases.yellow_days))
    deadline[YELLOW_CARD] = stat.values
    for alert_type, seen in cases.event_alerts.items():
        holds[alert_type] = ~np.isnat(seen) & (seen <= day)
        since[alert_type] = seen
        deadline[alert_type] = stat.values
    for alert_type in holds:
        holds[alert_type] &= cases.enabled[alert_type]
    return ScanResult(stat.values, prom.values, stat.provisional | prom.provisional, holds, since, deadline)


# Lateness buckets of the board, in working days: (lowest, highest or None, label).
LATENESS_BUCKETS: tuple[tuple[int, int | None, str], ...] = (
    (0, 3, "0–3"), (4, 10, "4–10"), (11, 30, "11–30"), (31, None, ">30"))


def lateness(deadlines: npt.ArrayLike, decided: npt.ArrayLike, as_of: date, cal: WorkCalendar) -> npt.NDArray[np.int64]:
    """How late each decision was, in working days (超期时长): from the deadline to the decision, or —
    still undecided — to ``as_of`` (行政许可法 第四十二条、第八十二条). ``decided`` holds NaT for an
    undecided case. This is the department's delay, not how long its alert has waited to be
    handled (:func:`unhandled`): a case decided four days late stays four days late however long
    nobody signs for the red card."""
    deadline = np.asarray(deadlines, dtype="datetime64[D]")
    decided_on = np.asarray(decided, dtype="datetime64[D]")
    end = np.where(np.isnat(decided_on), np.datetime64(as_of, "D"), decided_on)
    return np.maximum(0, cal.workdays_between_array(deadline, end))


def unhandled(since: date, as_of: date, cal: WorkCalendar) -> int:
    """Working days an alert has stood unhandled (待签收): from the day it arose to ``as_of``
    (行政许可法 第八十二条: time in working days)."""
    return max(0, cal.workdays_between(since, as_of))


def lateness_bucket(days: int) -> str:
    """The label of the :data:`LATENESS_BUCKETS` bucket ``days`` (≥ 0) falls in."""
    return next(label for low, high, label in LATENESS_BUCKETS if low <= days and (high is None or days <= high))
