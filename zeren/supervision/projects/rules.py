"""Rules of investment-project supervision (重大投资项目审批电子监管). Pure: no database.

A project's stages (审批环节) and their prerequisites (前置审批) form a directed acyclic graph.
Every count is in working days (工作日) through :mod:`zeren.workdays`, because the limits of each
approval are (行政许可法 第八十二条); time a case is suspended for expert review, hearings or the
like is not counted (第四十五条). From the stages' facts these functions derive:

- :func:`critical_path` — the classic longest path (关键路径) over the DAG for given durations; with
  each stage's statutory limit as its duration it is the shortest lawful approval cycle.
- :func:`project_schedule` — each stage placed on a working-day axis from the project's start
  (actual dates where the stage has happened, a forecast by its limit where not), the chain of
  prerequisites that drives the finish, elapsed working days, who holds the project now, and
  which stages ran or are running over their limit.
- :func:`unit_bottlenecks` — across projects, which departments hold most projects longest.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from zeren.workdays import WorkCalendar


class CycleError(ValueError):
    """The prerequisites loop back on themselves; ``cycle`` is the loop, first node repeated at the end."""

    def __init__(self, cycle: Sequence[str]):
        self.cycle = list(cycle)
        super().__init__("prerequisites form a cycle: " + " → ".join(self.cycle))


class StageState(StrEnum):
    """Where one approval of a project stands."""

    WAITING = "waiting"  # a prerequisite is not approved yet (待前置审批)
    READY = "ready"  # prerequisites approved, the applicant has not filed (待申报)
    HANDLING = "handling"  # the department holds the case (办理中)
    SUSPENDED = "suspended"  # clock stopped: expert review, hearing… (暂停计时, 第四十五条)
    APPROVED = "approved"  # 已批准
    DENIED = "denied"  # 不予许可
    WITHDRAWN = "withdrawn"  # 已撤回


HELD = frozenset({StageState.HANDLING, StageState.SUSPENDED})
ENDED = frozenset({StageState.APPROVED, StageState.DENIED, StageState.WITHDRAWN})


class ProjectStatus(StrEnum):
    PREPARING = "preparing"  # nothing filed yet (未启动)
    IN_PROGRESS = "in_progress"  # 审批中
    BLOCKED = "blocked"  # an approval was denied or withdrawn (受阻)
    COMPLETED = "completed"  # every approval granted (审批完成)


@dataclass(frozen=True)
class StageFacts:
    """What is known of one stage: its limit, prerequisites and, once filed, its case's dates."""

    code: str
    limit_days: int
    requires: tuple[str, ...] = ()
    received: date | None = None
    decided: date | None = None
    outcome: str = ""  # "approved" / "denied" once decided
    withdrawn: date | None = None
    suspended_since: date | None = None
    extension_days: int = 0  # working days of closed suspensions (第四十五条)


def _requires_map(nodes: Iterable[str], requires: Mapping[str, Iterable[str]]) -> dict[str, list[str]]:
    graph = {n: [] for n in nodes}
    for node, needs in requires.items():
        for need in needs:
            graph.setdefault(node, []).append(need)
            graph.setdefault(need, [])
    return graph


def find_cycle(requires: Mapping[str, Iterable[str]]) -> list[str] | None:
    """A loop along "requires" edges as ``[a, b, …, a]``, or ``None`` when the graph is acyclic."""
    graph = _requires_map([], requires)
    colour: dict[str, int] = dict.fromkeys(graph, 0)  # 0 new, 1 on the stack, 2 done
    for root in graph:
        if colour[root]:
            continue
        stack: list[tuple[str, int]] = [(root, 0)]
        path: list[str] = [root]
        colour[root] = 1
        while stack:
            node, i = stack[-1]
            if i < len(graph[node]):
                stack[-1] = (node, i + 1)
                nxt = graph[node][i]
                if colour[nxt] == 1:
                    return path[path.index(nxt):] + [nxt]
                if colour[nxt] == 0:
                    colour[nxt] = 1
                    stack.append((nxt, 0))
                    path.append(nxt)
            else:
                colour[node] = 2
                stack.pop()
                path.pop()
    return None


def topological_order(nodes: Sequence[str], requires: Mapping[str, Iterable[str]]) -> list[str]:
    """Stages ordered so each comes after everything it requires; ties keep ``nodes`` order.

    Raises :class:`CycleError` naming the loop when there is none.
    """
    graph = _requires_map(nodes, requires)
    rank = {n: i for i, n in enumerate(list(nodes) + [n for n in graph if n not in nodes])}
    pending = {n: len(set(graph[n])) for n in graph}
    users: dict[str, list[str]] = {n: [] for n in graph}
    for node, needs in graph.items():
        for need in set(needs):
            users[need].append(node)
    ready = sorted((n for n, k in pending.items() if k == 0), key=rank.__getitem__)
    order: list[str] = []
    while ready:
        node = ready.pop(0)
        order.append(node)
        for user in users[node]:
            pending[user] -= 1
            if pending[user] == 0:
                ready.append(user)
        ready.sort(key=rank.__getitem__)
    if len(order) < len(graph):
        raise CycleError(find_cycle(graph) or [])
    return order


def cycle_if_added(requires: Mapping[str, Iterable[str]], stage: str, needs: str) -> list[str] | None:
    """The loop that "``stage`` requires ``needs``" would close, as ``[stage, needs, …, stage]``, or ``None``."""
    if stage == needs:
        return [stage, stage]
    graph = _requires_map([], requires)
    previous: dict[str, str] = {needs: ""}
    queue = [needs]
    while queue:
        node = queue.pop(0)
        if node == stage:
            chain = [node]
            while previous[chain[-1]]:
                chain.append(previous[chain[-1]])
            return [stage, *reversed(chain)]
        for nxt in graph.get(node, []):
            if nxt not in previous:
                previous[nxt] = node
                queue.append(nxt)
    return None


@dataclass(frozen=True)
class CriticalPath:
    """Longest path through the DAG: its length, its stages in order, and each stage's timing."""

    length: int
    path: tuple[str, ...]
    earliest_start: dict[str, int]
    earliest_finish: dict[str, int]
    slack: dict[str, int]  # how many working days a stage may slip without moving the finish


def critical_path(durations: Mapping[str, int], requires: Mapping[str, Iterable[str]]) -> CriticalPath:
    """The critical path (关键路径法) for ``durations`` in working days.

    A stage starts when all it requires have finished; the path is the chain with no slack that
    ends last. With statutory limits as durations (行政许可法 第四十二条) ``length`` is the shortest
    lawful approval cycle of the project.
    """
    nodes = list(durations)
    order = topological_order(nodes, requires)
    graph = _requires_map(nodes, requires)
    es: dict[str, int] = {}
    ef: dict[str, int] = {}
    for node in order:
        es[node] = max((ef[p] for p in graph[node]), default=0)
        ef[node] = es[node] + durations.get(node, 0)
    length = max(ef.values(), default=0)
    users: dict[str, list[str]] = {n: [] for n in graph}
    for node, needs in graph.items():
        for need in needs:
            users[need].append(node)
    ls: dict[str, int] = {}
    for node in reversed(order):
        lf = min((ls[u] for u in users[node]), default=length)
        ls[node] = lf - durations.get(node, 0)
    slack = {n: ls[n] - es[n] for n in order}
    return CriticalPath(length, _driving_chain(order, graph, es, ef), es, ef, slack)


def _driving_chain(order: list[str], graph: Mapping[str, list[str]], start: Mapping[str, int],
                   end: Mapping[str, int]) -> tuple[str, ...]:
    """From the stage that ends last (the latest in ``order`` on a tie), back through the
    prerequisite that ended last each time: the chain that decides when the project is through."""
    if not order:
        return ()
    index = {n: i for i, n in enumerate(order)}
    node = max(order, key=lambda n: (end[n], index[n]))
    chain = [node]
    while graph[node]:
        node = max(graph[node], key=lambda n: (end[n], index[n]))
        chain.append(node)
    return tuple(reversed(chain))


def stage_state(facts: StageFacts, approved: set[str]) -> StageState:
    if facts.decided is not None:
        return StageState.DENIED if facts.outcome == "denied" else StageState.APPROVED
    if facts.withdrawn is not None:
        return StageState.WITHDRAWN
    if facts.received is not None:
        return StageState.SUSPENDED if facts.suspended_since is not None else StageState.HANDLING
    return StageState.READY if all(r in approved for r in facts.requires) else StageState.WAITING


def days_used(facts: StageFacts, as_of: date, cal: WorkCalendar) -> int | None:
    """Working days the department has held the case so far, suspensions not counted
    (行政许可法 第四十五条、第八十二条); ``None`` before it is filed."""
    if facts.received is None:
        return None
    end = facts.decided or facts.withdrawn or facts.suspended_since or as_of
    end = max(facts.received, min(end, as_of))
    return max(0, cal.workdays_between(facts.received, end) - facts.extension_days)


@dataclass(frozen=True)
class Bar:
    """A stage on the project's working-day axis (day 0 = the project's start)."""

    code: str
    state: StageState
    start: int
    end: int
    limit: int
    used: int | None  # working days used so far (None: not filed)
    projected: bool  # ``end`` is a forecast, not a decision already made

    @property
    def over(self) -> int:
        """Working days beyond the statutory limit (0 when within it)."""
        return max(0, (self.used or 0) - self.limit)


@dataclass(frozen=True)
class Schedule:
    bars: dict[str, Bar]
    path: tuple[str, ...]  # the driving chain of prerequisites (关键路径)
    total: int  # working days from start to the (forecast) finish
    finish: date  # the (forecast) day the last approval is through
    elapsed: int  # working days from the start to the finish, or to ``as_of`` while running
    status: ProjectStatus
    planned: CriticalPath  # with statutory limits only: the shortest lawful cycle
    held: tuple[str, ...] = field(default=())  # stages a department holds now
    ready: tuple[str, ...] = field(default=())  # stages waiting for the applicant to file
    overdue: tuple[str, ...] = field(default=())  # stages that used more than their limit


def project_schedule(stages: Sequence[StageFacts], started_on: date, as_of: date,
                     cal: WorkCalendar) -> Schedule:
    """Lay a project's stages on a working-day axis and find what drives its finish.

    A stage that has been filed starts on its receipt; once decided it ends on the decision,
    else it is forecast to end when its limit (plus suspensions) runs out, or today if already
    past. A stage not filed yet is forecast to start when its last prerequisite ends (not before
    today) and to take its limit. The critical path is then the chain, back from the stage that
    ends last, of the prerequisite that ended last — with nothing filed yet it is exactly
    :func:`critical_path` over the limits.
    """
    facts = {s.code: s for s in stages}
    requires = {s.code: s.requires for s in stages}
    order = topological_order([s.code for s in stages], requires)
    graph = _requires_map(order, requires)
    planned = critical_path({s.code: s.limit_days for s in stages}, requires)

    def offset(day: date) -> int:
        return max(0, cal.workdays_between(started_on, day))

    now = offset(as_of)
    approved = {c for c, f in facts.items() if f.decided is not None and f.outcome != "denied"}
    bars: dict[str, Bar] = {}
    for code in order:
        f = facts[code]
        state = stage_state(f, approved)
        used = days_used(f, as_of, cal)
        if f.received is not None:
            start = offset(f.received)
            ended = f.decided or f.withdrawn
            if ended is not None:
                end, projected = offset(ended), False
            else:
                stopped = now - offset(f.suspended_since) if f.suspended_since else 0
                end, projected = max(now, start + f.limit_days + f.extension_days + stopped), True
        else:
            start = max([now, *(bars[p].end for p in graph[code])])
            end, projected = start + f.limit_days, True
        bars[code] = Bar(code, state, start, max(start, end), f.limit_days, used, projected)
    states = [b.state for b in bars.values()]
    if bars and all(s == StageState.APPROVED for s in states):
        status = ProjectStatus.COMPLETED
    elif any(s in (StageState.DENIED, StageState.WITHDRAWN) for s in states):
        status = ProjectStatus.BLOCKED
    elif any(f.received is not None for f in facts.values()):
        status = ProjectStatus.IN_PROGRESS
    else:
        status = ProjectStatus.PREPARING
    total = max((b.end for b in bars.values()), default=0)
    if status == ProjectStatus.COMPLETED:
        finish = max(f.decided for f in facts.values() if f.decided is not None)
        elapsed = offset(finish)
    else:
        finish = cal.add_workdays(started_on, total) if total else started_on
        elapsed = now
    return Schedule(
        bars=bars, path=_driving_chain(order, graph, {c: b.start for c, b in bars.items()},
                                       {c: b.end for c, b in bars.items()}),
        total=total, finish=finish, elapsed=elapsed, status=status, planned=planned,
        held=tuple(c for c in order if bars[c].state in HELD),
        ready=tuple(c for c in order if bars[c].state == StageState.READY),
        overdue=tuple(c for c in order if bars[c].over > 0),
    )


@dataclass
class UnitLoad:
    """One department's share of the projects' time (部门梗阻分析)."""

    unit: str
    held_projects: int = 0  # projects it holds now
    held_days: int = 0  # working days it has held them so far, summed
    longest: int = 0  # the longest it has held one of them
    overdue_now: int = 0  # of those, held beyond the limit
    finished: int = 0  # stages it has decided
    finished_days: int = 0
    finished_limit: int = 0
    finished_over: int = 0  # decided after using more than the limit

    @property
    def average_used(self) -> float | None:
        return round(self.finished_days / self.finished, 1) if self.finished else None

    @property
    def average_limit(self) -> float | None:
        return round(self.finished_limit / self.finished, 1) if self.finished else None


def unit_bottlenecks(rows: Iterable[tuple[str, str, Bar]]) -> list[UnitLoad]:
    """Per handling unit, from ``(project, unit, bar)`` rows: what it holds now and how long, and
    how its decided stages compare with their limits. Longest-held first."""
    loads: dict[str, UnitLoad] = {}
    held: dict[str, set[str]] = {}
    for project, unit, bar in rows:
        load = loads.setdefault(unit, UnitLoad(unit))
        if bar.state in HELD:
            held.setdefault(unit, set()).add(project)
            load.held_days += bar.used or 0
            load.longest = max(load.longest, bar.used or 0)
            load.overdue_now += bar.over > 0
        elif bar.state in ENDED and bar.used is not None:
            load.finished += 1
            load.finished_days += bar.used
            load.finished_limit += bar.limit
            load.finished_over += bar.over > 0
    for unit, projects in held.items():
        loads[unit].held_projects = len(projects)
    return sorted(loads.values(), key=lambda u: (-u.held_days, -u.held_projects, -u.finished_over, u.unit))
