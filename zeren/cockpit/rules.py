"""Pure rules of the cockpit and the workbench: no database.

- Where the chain is breaking (责任链条断点): the seed asks that leaders see "where the chain is
  breaking, across the whole city, in one look" (docs DESIGN, 领导驾驶舱). A unit on the problem list
  of several elements (late targets *and* red cards *and* open fault cases) is a weaker link than one
  with many problems of one kind, so units are ranked by how many elements list them, then by the
  number of problems.
- Deadlines are legal time limits in working days (各要素的法定时限), counted by ``zeren.workdays``:
  what is left is the working days from today to the deadline, negative once it has passed.
- Urging (催办) and escalation (提级督办) follow the 督办 practice the targets element uses for its
  notices (目标管理督查督办): supervision urges the unit that must act; what stays unhandled is escalated
  to the government the unit belongs to (its nearest 人民政府 above it).
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol, TypeVar

from zeren.core.boards import child_path

T = TypeVar("T")

BREAKING_TOP = 10  # units shown in the strip
HORIZON_WORKDAYS = 10  # "due" = deadline within this many working days (progress reports)
SOON_WORKDAYS = 3  # a deadline this close is shown as urgent
PAGE_SIZES = (25, 50, 100)
URGE = "urge"
ESCALATE = "escalate"


class Calendar(Protocol):
    def workdays_between(self, start: date, end: date) -> int: ...


def roll_up(problems: Mapping[str, int], paths: Mapping[str, str], scope_path: str) -> dict[str, int]:
    """An element's problems (unit code → n) summed per direct child of the viewed unit (path → n);
    the viewed unit's own problems stay under its own path; units outside the subtree are left out."""
    out: dict[str, int] = defaultdict(int)
    for code, n in problems.items():
        path = paths.get(code)
        child = child_path(scope_path, path) if path else None
        if child is not None and n > 0:
            out[child] += n
    return dict(out)


@dataclass(frozen=True)
class Breaking:
    path: str
    elements: tuple[str, ...]  # the elements listing the unit, along the chain
    total: int  # problems across them

    @property
    def count(self) -> int:
        return len(self.elements)


def breaking_units(by_element: Mapping[str, Mapping[str, int]], order: Sequence[str],
                   top: int = BREAKING_TOP) -> list[Breaking]:
    """Units (paths) ranked by how many elements' problem lists they are on, then by their problems,
    then by path (stable); only units on at least one list."""
    elements: dict[str, list[str]] = defaultdict(list)
    totals: dict[str, int] = defaultdict(int)
    for element in order:
        for path, n in by_element.get(element, {}).items():
            if n > 0:
                elements[path].append(element)
                totals[path] += n
    ranked = sorted(elements, key=lambda p: (-len(elements[p]), -totals[p], p))
    return [Breaking(p, tuple(elements[p]), totals[p]) for p in ranked[:top]]


def workdays_left(cal: Calendar, today: date, due: date | None) -> int | None:
    """Working days from ``today`` to ``due``: 0 on the day, negative when past (``None``: no deadline)."""
    if due is None:
        return None
    if due >= today:
        return cal.workdays_between(today, due)
    return -cal.workdays_between(due, today)


def urgency(left: int | None) -> str:
    """How a deadline is shown: ``bad`` past, ``warn`` within SOON_WORKDAYS, else plain."""
    if left is None:
        return ""
    return "bad" if left < 0 else "warn" if left <= SOON_WORKDAYS else ""


def merged_page(sources: Iterable[Sequence[T]], key: Callable[[T], Any], offset: int, limit: int) -> list[T]:
    """Rows ``offset … offset+limit`` of the merge of sorted sources (each already sorted by ``key``
    and holding at least its first ``offset+limit`` rows)."""
    merged = heapq.merge(*sources, key=key)
    out: list[T] = []
    for i, row in enumerate(merged):
        if i >= offset + limit:
            break
        if i >= offset:
            out.append(row)
    return out


def due_key(due: date | None, kind_order: int, pk: Any) -> tuple[int, date, int, str]:
    """Soonest deadline first; items without a deadline after those with one."""
    return (1, date.max, kind_order, str(pk)) if due is None else (0, due, kind_order, str(pk))


def done_key(done_on: date | None, kind_order: int, pk: Any) -> tuple[int, int, int, str]:
    """Most recently closed first; closed items of no known date last."""
    return (1, 0, kind_order, str(pk)) if done_on is None else (0, -done_on.toordinal(), kind_order, str(pk))


def may_escalate(left: int | None, urges: int) -> bool:
    """Escalate (提级督办) what the unit left unhandled: past its deadline, or, with no deadline, urged
    before to no effect."""
    return left < 0 if left is not None else urges > 0


def escalation_unit(chain: Sequence[tuple[str, str]]) -> int | None:
    """Where an escalation goes: ``chain`` is the unit's ancestors from its parent up, as (kind, …)
    pairs; the index of the nearest government (人民政府), or of the parent when none is above."""
    for i, (kind, _) in enumerate(chain):
        if kind == "government":
            return i
    return 0 if chain else None
