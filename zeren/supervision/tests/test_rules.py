"""Each rule at its boundaries, on the real China calendar (National Day 2026 and the 2026-10-10 调休)."""

import random
from datetime import date, datetime, timedelta
from decimal import Decimal

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from zeren.supervision.rules import (
    ALERT_TYPES,
    EVENT_ALERTS,
    LOCAL_TZ,
    CaseArrays,
    CaseRules,
    Event,
    case_alerts,
    case_state,
    scan_arrays,
)
from zeren.workdays import WorkCalendar

CAL = WorkCalendar.china()
RULES = CaseRules(statutory_days=20, promised_days=10)
_ids = iter(range(10**9))


def ev(kind: str, day: str, hour: int = 10, **kw) -> Event:
    at = datetime.fromisoformat(day).replace(hour=hour, tzinfo=LOCAL_TZ)
    return Event(event_id=kw.pop("event_id", f"e{next(_ids)}"), type=kind, at=at, **kw)


def types(state, as_of, **kw):
    return {a.type for a in case_alerts(state, as_of, CAL, **kw)}


def test_deadline_counts_working_days_across_mid_autumn_and_national_day():
    state = case_state([ev("received", "2026-09-21")], RULES, CAL)
    # 9-25 中秋 and 10-01..07 国庆 are off, Saturday 10-10 is a 调休 working day.
    assert state.statutory_deadline == date(2026, 10, 26)
    assert state.promised_deadline == date(2026, 10, 12)


def test_closed_suspension_across_national_day_extends_by_its_working_days():
    events = [ev("received", "2026-09-21"), ev("suspended", "2026-09-29"), ev("resumed", "2026-10-09")]
    state = case_state(events, RULES, CAL)
    # (09-29, 10-09] holds 09-30, 10-08, 10-09: three working days.
    assert state.extension_days == 3
    assert state.statutory_deadline == date(2026, 10, 29)
    assert state.suspended_since is None and state.suspension_count == 1


def test_red_card_starts_the_day_after_the_deadline_not_on_it():
    state = case_state([ev("received", "2026-09-21")], RULES, CAL)
    assert RED_CARD_NOT_IN(state, date(2026, 10, 26))
    alerts = {a.type: a for a in case_alerts(state, date(2026, 10, 27), CAL)}
    assert alerts["red_card"].since == date(2026, 10, 27) and alerts["red_card"].deadline == date(2026, 10, 26)
    assert "yellow_card" not in alerts and "promise_broken" not in alerts


def RED_CARD_NOT_IN(state, as_of):
    return "red_card" not in types(state, as_of)


def test_decided_on_the_deadline_is_on_time_a_day_later_is_red():
    on_time = case_state([ev("received", "2026-09-21"), ev("decided", "2026-10-26", outcome="approved")], RULES, CAL)
    late = case_state([ev("received", "2026-09-21"), ev("decided", "2026-10-27", outcome="approved")], RULES, CAL)
    assert "red_card" not in types(on_time, date(2026, 12, 1))
    assert "promise_broken" in types(on_time, date(2026, 12, 1))
    red = [a for a in case_alerts(late, date(2026, 12, 1), CAL) if a.type == "red_card"]
    assert red[0].since == date(2026, 10, 27)
    assert "promise_broken" not in types(late, date(2026, 12, 1))  # red supersedes


def test_currently_suspended_case_is_neither_late_nor_yellow():
    events = [ev("received", "2026-09-21"), ev("suspended", "2026-10-20")]
    state = case_state(events, RULES, CAL)
    assert state.suspended_since == date(2026, 10, 20)
    assert types(state, date(2026, 11, 30)) == set()
    resumed = case_state([*events, ev("resumed", "2026-11-02")], RULES, CAL)
    # (10-20, 11-02] = 10-21..23, 10-26..30, 11-02 = 9 working days.
    assert resumed.extension_days == 9
    assert resumed.statutory_deadline == CAL.add_workdays(date(2026, 9, 21), 29)


def test_yellow_card_window_boundaries():
    state = case_state([ev("received", "2026-11-02")], RULES, CAL)
    deadline = state.statutory_deadline
    assert deadline == CAL.add_workdays(date(2026, 11, 2), 20)
    assert "yellow_card" not in types(state, CAL.add_workdays(deadline, -3))
    first = CAL.add_workdays(deadline, -2)
    yellow = [a for a in case_alerts(state, first, CAL) if a.type == "yellow_card"]
    assert yellow and yellow[0].since == first
    assert "yellow_card" in types(state, deadline)
    assert types(state, deadline + timedelta(days=1)) == {"red_card", "promise_broken"} - {"promise_broken"}
    assert "yellow_card" in types(state, CAL.add_workdays(deadline, -4), yellow_days=4)


def test_yellow_card_on_the_weekend_before_a_monday_deadline():
    state = case_state([ev("received", "2026-11-06")], CaseRules(statutory_days=5, promised_days=5), CAL)
    assert state.statutory_deadline == date(2026, 11, 13)  # Fri
    assert "yellow_card" in types(state, date(2026, 11, 11))
    assert types(state, date(2026, 11, 14)) == {"red_card"}  # Saturday after a Friday deadline: red only


def test_events_out_of_order_and_twice_give_the_same_state():
    events = [ev("received", "2026-09-21"), ev("step_completed", "2026-09-22", step="review"),
              ev("suspended", "2026-09-29"), ev("resumed", "2026-10-09"), ev("fee_charged", "2026-10-12",
              amount=Decimal("50")), ev("decided", "2026-10-13", outcome="approved")]
    expected = case_state(events, RULES, CAL)
    shuffled = events + events[:3]
    random.Random(7).shuffle(shuffled)
    assert case_state(shuffled, RULES, CAL) == expected


def test_same_instant_tiebreak_is_stable():
    a = [ev("received", "2026-11-02"), ev("suspended", "2026-11-03", event_id="x"),
         ev("resumed", "2026-11-03", event_id="y"), ev("suspended", "2026-11-05"), ev("resumed", "2026-11-09")]
    assert case_state(a, RULES, CAL) == case_state(list(reversed(a)), RULES, CAL)


def test_fee_over_standard_boundary():
    rules = CaseRules(statutory_days=20, promised_days=10, fee_standard=Decimal("100"))
    base = [ev("received", "2026-11-02"), ev("fee_charged", "2026-11-03", amount=Decimal("60")),
            ev("fee_charged", "2026-11-04", amount=Decimal("40"))]
    assert case_state(base, rules, CAL).fee_exceeded_on is None
    over = case_state([*base, ev("fee_charged", "2026-11-05", amount=Decimal("0.01"))], rules, CAL)
    assert over.fee_exceeded_on == date(2026, 11, 5) and over.fees_total == Decimal("100.01")
    assert "fee_over_standard" in types(over, date(2026, 11, 5))
    assert "fee_over_standard" not in types(over, date(2026, 11, 4))


def test_missing_step_and_order_violation():
    rules = CaseRules(statutory_days=20, promised_days=10, required_steps=("review", "approve"))
    ok = case_state([ev("received", "2026-11-02"), ev("step_completed", "2026-11-03", step="review"),
                     ev("step_completed", "2026-11-04", step="approve"), ev("decided", "2026-11-05", outcome="approved")],
                    rules, CAL)
    assert ok.missing_step_on is None and ok.order_violation_on is None
    missing = case_state([ev("received", "2026-11-02"), ev("step_completed", "2026-11-03", step="review"),
                          ev("decided", "2026-11-05", outcome="approved"),
                          ev("step_completed", "2026-11-06", step="approve")], rules, CAL)
    assert missing.missing_step_on == date(2026, 11, 5)
    assert missing.order_violation_on == date(2026, 11, 6)  # a step after the decision
    before = case_state([ev("step_completed", "2026-11-01", step="review"), ev("received", "2026-11-02")], rules, CAL)
    assert before.order_violation_on == date(2026, 11, 1) and before.received_date == date(2026, 11, 2)


def test_without_received_event_the_clock_starts_at_the_first_event():
    state = case_state([ev("step_completed", "2026-11-03", step="review")], RULES, CAL)
    assert state.received_date == date(2026, 11, 3) and state.order_violation_on is None


def test_suspension_abuse_counts_distinct_suspensions():
    events = [ev("received", "2026-11-02"), ev("suspended", "2026-11-03"), ev("suspended", "2026-11-04"),
              ev("resumed", "2026-11-05"), ev("suspended", "2026-11-06"), ev("resumed", "2026-11-09")]
    state = case_state(events, RULES, CAL)
    assert state.suspension_count == 2 and state.suspension_abuse_on is None
    third = case_state([*events, ev("suspended", "2026-11-10")], RULES, CAL)
    assert third.suspension_abuse_on == date(2026, 11, 10)
    assert case_state(events, CaseRules(20, 10, suspension_limit=1), CAL).suspension_abuse_on == date(2026, 11, 6)


def test_step_overtime_deducts_suspensions():
    rules = CaseRules(statutory_days=20, promised_days=10, step_limits={"review": 3})
    on_time = case_state([ev("received", "2026-11-02"), ev("step_completed", "2026-11-05", step="review")], rules, CAL)
    assert on_time.step_overtime_on is None
    over = case_state([ev("received", "2026-11-02"), ev("step_completed", "2026-11-06", step="review")], rules, CAL)
    assert over.step_overtime_on == date(2026, 11, 6)
    paused = case_state([ev("received", "2026-11-02"), ev("suspended", "2026-11-03"), ev("resumed", "2026-11-04"),
                         ev("step_completed", "2026-11-06", step="review")], rules, CAL)
    assert paused.step_overtime_on is None


def test_denied_without_reason():
    def decided(outcome, reason):
        return case_state([ev("received", "2026-11-02"), ev("decided", "2026-11-05", outcome=outcome, reason=reason)],
                          RULES, CAL)
    assert decided("denied", "  ").denied_without_reason_on == date(2026, 11, 5)
    assert decided("denied", "材料不符合法定条件").denied_without_reason_on is None
    assert decided("approved", "").denied_without_reason_on is None


def test_late_entry_boundary_and_its_day():
    at = datetime(2026, 11, 2, 10, tzinfo=LOCAL_TZ)
    exact = Event("a", "received", at, recorded_at=at + timedelta(hours=24))
    late = Event("a", "received", at, recorded_at=at + timedelta(hours=24, seconds=1))
    assert case_state([exact], RULES, CAL).late_entry_on is None
    state = case_state([late], RULES, CAL)
    assert state.late_entry_on == date(2026, 11, 3)
    assert "late_entry" not in types(state, date(2026, 11, 2)) and "late_entry" in types(state, date(2026, 11, 3))


def test_events_after_as_of_are_ignored():
    events = [ev("received", "2026-09-21"), ev("decided", "2026-11-02", outcome="approved")]
    then = case_state(events, RULES, CAL, as_of=date(2026, 10, 28))
    assert then.is_open and "red_card" in types(then, date(2026, 10, 28))
    now = case_state(events, RULES, CAL)
    assert [a.since for a in case_alerts(now, date(2026, 11, 30), CAL) if a.type == "red_card"] == [date(2026, 11, 2)]


def test_local_date_is_shanghai():
    late_evening_utc = datetime.fromisoformat("2026-11-01T17:00:00+00:00")  # 01:00 on 11-02 in Shanghai
    assert case_state([Event("a", "received", late_evening_utc)], RULES, CAL).received_date == date(2026, 11, 2)


def test_deadline_in_2027_is_provisional():
    state = case_state([ev("received", "2026-12-20")], RULES, CAL)
    assert state.provisional and state.statutory_deadline.year == 2027
    assert not case_state([ev("received", "2026-11-02")], RULES, CAL).provisional


def test_disabled_types_are_not_raised():
    state = case_state([ev("received", "2026-09-21")], RULES, CAL)
    assert types(state, date(2026, 11, 30), enabled=["yellow_card"]) == set()


# --- the vectorised scan agrees with the reference, case by case --------------------------------

KINDS = ["step_completed", "suspended", "resumed", "fee_charged", "decided", "withdrawn"]


@st.composite
def random_case(draw):
    start = date(2026, 9, 1) + timedelta(days=draw(st.integers(0, 80)))
    events = [ev("received", start.isoformat())]
    for _ in range(draw(st.integers(0, 6))):
        kind = draw(st.sampled_from(KINDS))
        day = start + timedelta(days=draw(st.integers(-2, 60)))
        extra = {"step": draw(st.sampled_from(["a", "b"]))} if kind == "step_completed" else {}
        if kind == "fee_charged":
            extra["amount"] = Decimal(draw(st.integers(0, 80)))
        if kind == "decided":
            extra["outcome"] = draw(st.sampled_from(["approved", "denied"]))
        events.append(ev(kind, day.isoformat(), **extra))
    return events


@settings(max_examples=30, deadline=None)
@given(st.lists(random_case(), min_size=1, max_size=12), st.integers(0, 120), st.integers(0, 4))
def test_scan_arrays_matches_case_alerts(cases, offset, yellow_days):
    rules = CaseRules(statutory_days=12, promised_days=6, fee_standard=Decimal("50"), required_steps=("a",),
                      step_limits={"b": 2}, suspension_limit=1)
    as_of = date(2026, 9, 1) + timedelta(days=offset)
    states = []
    for events in cases:
        try:
            states.append(case_state(events, rules, CAL, as_of=as_of))
        except ValueError:  # every event after as_of: the case does not exist yet
            continue
    if not states:
        return

    def col(values):
        return np.array([np.datetime64(v, "D") if v else np.datetime64("NaT") for v in values], dtype="datetime64[D]")

    n = len(states)
    arrays = CaseArrays(
        received=col([s.received_date for s in states]), statutory_days=np.full(n, 12), promised_days=np.full(n, 6),
        extension_days=np.array([s.extension_days for s in states]),
        suspended=np.array([s.suspended_since is not None for s in states]),
        decided=col([s.decided_date for s in states]), withdrawn=col([s.withdrawn_date for s in states]),
        yellow_days=np.full(n, yellow_days),
        event_alerts={t: col([getattr(s, c) for s in states]) for t, c in EVENT_ALERTS.items()},
        enabled={t: np.ones(n, dtype=bool) for t in ALERT_TYPES},
    )
    result = scan_arrays(arrays, as_of, CAL)
    for i, state in enumerate(states):
        expected = {(a.type, a.since, a.deadline) for a in case_alerts(state, as_of, CAL, yellow_days=yellow_days)}
        got = {(t, result.since[t][i].astype(date), result.deadline[t][i].astype(date))
               for t in ALERT_TYPES if result.holds[t][i]}
        assert got == expected
        assert result.statutory_deadline[i].astype(date) == state.statutory_deadline
