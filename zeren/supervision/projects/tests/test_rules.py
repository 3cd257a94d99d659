from datetime import date

import pytest

from zeren.supervision.projects.rules import (
    Bar,
    CycleError,
    StageFacts,
    StageState,
    critical_path,
    cycle_if_added,
    days_used,
    find_cycle,
    project_schedule,
    topological_order,
    unit_bottlenecks,
)
from zeren.workdays import WorkCalendar

CAL = WorkCalendar.china()
# A project begun on Friday 26 September 2025, just before the National Day holiday (1–8 October
# 2025; Sunday 28 September and Saturday 11 October are working days).
START = date(2025, 9, 26)
REQUIRES = {"planning": ("approval",), "construction": ("eia", "planning")}
LIMITS = {"approval": 2, "eia": 4, "planning": 3, "construction": 1}


def facts(**cases):
    return [StageFacts(code, LIMITS[code], REQUIRES.get(code, ()), **cases.get(code, {})) for code in LIMITS]


def test_critical_path_and_slack():
    cp = critical_path(LIMITS, REQUIRES)
    assert cp.length == 6
    assert cp.path == ("approval", "planning", "construction")
    assert cp.earliest_start == {"approval": 0, "eia": 0, "planning": 2, "construction": 5}
    assert cp.slack == {"approval": 0, "eia": 1, "planning": 0, "construction": 0}


def test_topological_order_keeps_given_order_on_ties():
    assert topological_order(list(LIMITS), REQUIRES) == ["approval", "eia", "planning", "construction"]


def test_cycles_are_named():
    assert find_cycle({"a": ["b"], "b": ["c"], "c": ["a"]}) == ["a", "b", "c", "a"]
    assert find_cycle(REQUIRES) is None
    with pytest.raises(CycleError) as err:
        topological_order(["a", "b"], {"a": ["b"], "b": ["a"]})
    assert err.value.cycle in (["a", "b", "a"], ["b", "a", "b"])
    assert cycle_if_added({"c": ["b"], "b": ["a"]}, "a", "c") == ["a", "c", "b", "a"]
    assert cycle_if_added({"c": ["b"], "b": ["a"]}, "c", "a") is None
    assert cycle_if_added({}, "a", "a") == ["a", "a"]


def test_nothing_filed_is_the_statutory_critical_path_over_the_holiday():
    schedule = project_schedule(facts(), START, START, CAL)
    assert schedule.total == 6 and schedule.path == ("approval", "planning", "construction")
    # six working days from Friday 26 September: 28, 29, 30 September, 9, 10 and Saturday 11 October
    assert schedule.finish == date(2025, 10, 11)
    assert schedule.status == "preparing" and schedule.elapsed == 0
    assert schedule.ready == ("approval", "eia") and schedule.held == ()
    assert schedule.bars["construction"].state == StageState.WAITING


def test_running_project_with_a_suspension_across_the_holiday():
    stages = facts(
        approval={"received": date(2025, 9, 28), "decided": date(2025, 10, 9), "outcome": "approved"},
        eia={"received": date(2025, 9, 29), "suspended_since": date(2025, 9, 30)},
        planning={"received": date(2025, 10, 10)},
    )
    as_of = date(2025, 10, 13)
    schedule = project_schedule(stages, START, as_of, CAL)
    bars = schedule.bars
    assert schedule.elapsed == 7  # 28, 29, 30 Sep, 9, 10, 11, 13 Oct
    assert (bars["approval"].start, bars["approval"].end, bars["approval"].used) == (1, 4, 3)
    assert bars["approval"].over == 1  # three working days against a limit of two
    assert bars["eia"].used == 1  # the clock stopped on 30 September (行政许可法 第四十五条)
    assert (bars["eia"].start, bars["eia"].end) == (2, 10)  # limit 4 plus the 4 days stopped so far
    assert (bars["planning"].start, bars["planning"].end) == (5, 8)
    assert (bars["construction"].start, bars["construction"].end) == (10, 11)
    assert schedule.path == ("eia", "construction")
    assert schedule.held == ("eia", "planning") and schedule.overdue == ("approval",)
    assert schedule.status == "in_progress"
    assert schedule.finish == CAL.add_workdays(START, 11)


def test_completed_and_blocked():
    done = {"outcome": "approved"}
    stages = facts(approval={"received": START, "decided": date(2025, 9, 29), **done},
                   eia={"received": START, "decided": date(2025, 9, 30), **done},
                   planning={"received": date(2025, 9, 30), "decided": date(2025, 10, 9), **done},
                   construction={"received": date(2025, 10, 9), "decided": date(2025, 10, 10), **done})
    schedule = project_schedule(stages, START, date(2025, 12, 1), CAL)
    assert schedule.status == "completed" and schedule.finish == date(2025, 10, 10) and schedule.elapsed == 5
    blocked = facts(approval={"received": START, "decided": date(2025, 9, 29), "outcome": "denied"})
    schedule = project_schedule(blocked, START, date(2025, 10, 9), CAL)
    assert schedule.status == "blocked" and schedule.bars["planning"].state == StageState.WAITING


def test_days_used_before_filing_and_with_closed_suspensions():
    assert days_used(StageFacts("x", 5), START, CAL) is None
    filed = StageFacts("x", 5, received=date(2025, 9, 26), decided=date(2025, 10, 13), extension_days=2)
    assert days_used(filed, date(2025, 12, 1), CAL) == 7 - 2


def test_unit_bottlenecks_rank_by_days_held():
    def bar(state, used, limit=10):
        return Bar("s", state, 0, 0, limit, used, False)

    loads = unit_bottlenecks([
        ("P1", "GH", bar(StageState.HANDLING, 25)), ("P2", "GH", bar(StageState.SUSPENDED, 5)),
        ("P1", "HJ", bar(StageState.HANDLING, 12, 60)), ("P3", "HJ", bar(StageState.APPROVED, 70, 60)),
        ("P2", "ZJ", bar(StageState.APPROVED, 3)), ("P3", "ZJ", bar(StageState.WAITING, None)),
    ])
    assert [u.unit for u in loads] == ["GH", "HJ", "ZJ"]
    gh, hj, zj = loads
    assert (gh.held_projects, gh.held_days, gh.longest, gh.overdue_now) == (2, 30, 25, 1)
    assert (hj.held_projects, hj.finished, hj.finished_over, hj.average_used) == (1, 1, 1, 70.0)
    assert (zj.held_projects, zj.finished, zj.average_limit) == (0, 1, 10.0)
