"""Synthetic approval event streams (模拟办件) for demos, load tests and benchmarks.

Cases arrive on working days; each goes through its item's steps, sometimes a suspension and a
fee, and is decided mostly within the promised limit. A share ``violations`` of cases carries one
planted irregularity, cycling through every alert type. Events come out in time order, as a live
feed would deliver them; events later than ``end`` have not happened yet and are left out.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from zeren.supervision.rules import LOCAL_TZ
from zeren.workdays import WorkCalendar

VIOLATIONS = ("red_card", "promise_broken", "fee_over_standard", "missing_step", "order_violation",
              "suspension_abuse", "step_overtime", "denied_without_reason", "late_entry")
DEFAULT_STEPS = ("review", "approve")


@dataclass(frozen=True)
class ItemSpec:
    code: str
    unit_code: str
    statutory_days: int
    promised_days: int
    fee_standard: Decimal = Decimal("0")
    steps: tuple[str, ...] = DEFAULT_STEPS


def _at(day: date, rng: random.Random) -> datetime:
    return datetime.combine(day, time(9 + rng.randrange(8), rng.randrange(60), rng.randrange(60)), LOCAL_TZ)


def case_events(case_id: str, item: ItemSpec, received: date, violation: str | None, rng: random.Random,
                cal: WorkCalendar) -> list[dict]:
    """One case's events, in the order they happen."""
    events: list[tuple[datetime, str, dict]] = []

    def add(kind: str, day: date, **extra) -> None:
        events.append((_at(day, rng), kind, extra))

    add("received", received)
    budget = item.promised_days if violation not in ("red_card", "promise_broken") else (
        item.statutory_days + 1 + rng.randrange(5) if violation == "red_card" else item.promised_days + 1)
    budget = min(budget, item.statutory_days) if violation == "promise_broken" else budget
    if violation is None and rng.random() < 0.15:  # slow but lawful: past the promise, within the statute
        budget = rng.randint(item.promised_days, item.statutory_days)
    day = received
    suspensions = 3 if violation == "suspension_abuse" else (1 if rng.random() < 0.08 else 0)
    steps = list(item.steps)
    if violation == "missing_step" and steps:
        steps.pop()
    for _ in range(suspensions):
        start = cal.add_workdays(day, 1)
        add("suspended", start, reason="专家评审")
        day = cal.add_workdays(start, 1 + rng.randrange(3))
        add("resumed", day)
    per_step = max(1, (budget - cal.workdays_between(received, day)) // (len(steps) + 1))
    for step in steps:
        gap = per_step + (6 if violation == "step_overtime" and step == steps[0] else 0)
        day = cal.add_workdays(day, max(1, min(gap, per_step if violation != "step_overtime" else gap)))
        add("step_completed", day, step=step)
    if item.fee_standard > 0 or violation == "fee_over_standard":
        amount = item.fee_standard + (Decimal("50.00") if violation == "fee_over_standard" else 0)
        add("fee_charged", day, amount=f"{amount:.2f}")
    decided = cal.add_workdays(received, budget) if violation in ("red_card", "promise_broken") else \
        cal.add_workdays(day, 1)
    denied = violation == "denied_without_reason" or rng.random() < 0.05
    add("decided", decided, outcome="denied" if denied else "approved",
        reason="" if violation == "denied_without_reason" or not denied else "申请材料不符合法定条件")
    if violation == "order_violation" and item.steps:
        add("step_completed", cal.add_workdays(decided, 1), step=item.steps[-1])
    add("delivered", cal.add_workdays(decided, 1))
    out = []
    for n, (at, kind, extra) in enumerate(events, 1):
        recorded = at + timedelta(hours=30) if violation == "late_entry" and kind == "decided" else \
            at + timedelta(minutes=rng.randrange(1, 90))
        out.append({"event_id": f"{case_id}-{n}", "case_id": case_id, "item_code": item.code,
                    "unit_code": item.unit_code, "type": kind, "at": at.isoformat(),
                    "recorded_at": recorded.isoformat(), **extra})
    return out


def generate(items: list[ItemSpec], *, end: date, days: int, per_day: int, violations: float = 0.05,
             seed: int = 2007, cal: WorkCalendar | None = None, prefix: str = "SIM") -> Iterator[dict]:
    """Events of ``per_day`` new cases on each working day of the ``days`` days up to ``end``, in time order."""
    cal = cal or WorkCalendar.china()
    rng = random.Random(seed)
    events: list[dict] = []
    number = 0
    for offset in range(days, -1, -1):
        day = end - timedelta(days=offset)
        if not cal.is_workday(day):
            continue
        for _ in range(per_day):
            number += 1
            item = items[rng.randrange(len(items))]
            planted = VIOLATIONS[number % len(VIOLATIONS)] if rng.random() < violations else None
            case_events_ = case_events(f"{prefix}-{day:%Y%m%d}-{number:07d}", item, day, planted, rng, cal)
            events.extend(e for e in case_events_ if e["at"][:10] <= end.isoformat())
    events.sort(key=lambda e: e["at"])
    yield from events


def pending_near_deadline(items: list[ItemSpec], *, as_of: date, count: int, seed: int = 2007,
                          cal: WorkCalendar | None = None, prefix: str = "SIM-Y", window: int = 2) -> list[dict]:
    """Events of ``count`` cases still undecided on ``as_of`` whose statutory deadline falls within
    ``window`` working days of it — what a yellow card (黄牌预警) is for. The receipt is placed
    ``statutory_days - k`` working days before ``as_of`` (k = 0…window), so the deadline is k
    working days ahead; the first step was done the next working day (within any step limit), the
    decision is still pending."""
    cal = cal or WorkCalendar.china()
    rng = random.Random(seed)
    out = []
    for number in range(1, count + 1):
        item = items[rng.randrange(len(items))]
        ahead = rng.randint(0, window)
        received = cal.add_workdays(as_of, ahead - item.statutory_days)
        case_id = f"{prefix}-{as_of:%Y%m%d}-{number:04d}"
        steps = [("received", received, {})]
        reviewed = cal.add_workdays(received, 1)
        if reviewed <= as_of and item.steps:
            steps.append(("step_completed", reviewed, {"step": item.steps[0]}))
        for n, (kind, day, extra) in enumerate(steps, 1):
            at = _at(day, rng)
            out.append({"event_id": f"{case_id}-{n}", "case_id": case_id, "item_code": item.code,
                        "unit_code": item.unit_code, "type": kind, "at": at.isoformat(),
                        "recorded_at": (at + timedelta(minutes=rng.randrange(1, 90))).isoformat(), **extra})
    return out
