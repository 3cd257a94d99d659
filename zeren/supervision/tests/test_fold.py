"""Incremental folding (ingestion's fast path) gives exactly the state of a full refold.

Random event histories are delivered in order, shuffled in small batches, with re-deliveries and
through a second source system; the stored case states must be the same every time, and equal to
:func:`zeren.supervision.rules.case_state` over the whole history.
"""

import random
from datetime import date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zeren.supervision.actions import cli_source, do_create_source, do_ingest_events
from zeren.supervision.catalog import Catalog
from zeren.supervision.events import parse_event
from zeren.supervision.models import ApprovalCase, ApprovalEvent, IngestBatch, SourceSystem
from zeren.supervision.rules import (
    LOCAL_TZ,
    CaseRules,
    case_state,
)
from zeren.supervision.tests.conftest import event
from zeren.workdays import WorkCalendar

CAL = WorkCalendar.china()
KINDS = ["received", "step_completed", "suspended", "resumed", "fee_charged", "decided", "delivered", "withdrawn"]
STATE = ["case_id", "received_at", "received_date", "last_event_date", "is_open", "suspended_since",
         "suspension_count", "extension_days", "decided_date", "outcome", "withdrawn_date", "delivered_date",
         "fees_total", "completed_steps", "statutory_deadline", "promised_deadline", "provisional",
         "fee_exceeded_on", "missing_step_on", "order_violation_on", "suspension_abuse_on", "step_overtime_on",
         "denied_without_reason_on", "late_entry_on", "event_count"]


@st.composite
def history(draw, case_id):
    """One case's events as departments report them (dicts), with unique event ids."""
    start = date(2026, 9, 14) + timedelta(days=draw(st.integers(0, 30)))
    out = []
    for n in range(draw(st.integers(1, 9))):
        kind = draw(st.sampled_from(KINDS))
        day = start + timedelta(days=draw(st.integers(-3, 40)))
        at = datetime(day.year, day.month, day.day, draw(st.sampled_from([0, 9, 9, 17, 23])), tzinfo=LOCAL_TZ)
        extra = {}
        if kind == "step_completed":
            extra["step"] = draw(st.sampled_from(["review", "approve"]))
        if kind == "fee_charged":
            extra["amount"] = f"{draw(st.integers(0, 300))}.{draw(st.integers(0, 99)):02d}"
        if kind == "decided":
            extra["outcome"] = draw(st.sampled_from(["approved", "denied"]))
            extra["reason"] = draw(st.sampled_from(["", "不符合条件"]))
        if draw(st.booleans()):
            extra["recorded_at"] = (at + timedelta(hours=draw(st.sampled_from([1, 30])))).isoformat()
        out.append(event(f"{case_id}-{n}", case_id, kind, at.isoformat(), **extra))
    return out


def stored_states():
    return list(ApprovalCase.objects.order_by("case_id", "source_id").values(*STATE))


def reset():
    ApprovalEvent.objects.all().delete()
    ApprovalCase.objects.all().delete()
    IngestBatch.objects.all().delete()


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.integers(0, 2), min_size=1, max_size=3).flatmap(
    lambda ids: st.tuples(*[history(f"K{i}-{n}") for n, i in enumerate(ids)])), st.randoms(use_true_random=False))
def test_in_order_shuffled_duplicated_and_per_source_agree(items, histories, rng):
    everything = [e for h in histories for e in h]
    source = cli_source()
    other = (SourceSystem.objects.filter(code="other").first()
             or do_create_source(actor=None, code="other", name="另一系统", unit=None)[0])

    def deliver(batches):
        reset()
        for source_, batch in batches:
            result = do_ingest_events(source=source_, events=batch)
            assert result.rejected == 0, result.rejections
        return stored_states()

    in_order = sorted(everything, key=lambda e: (e["at"], e["event_id"]))
    reference = deliver([(source, in_order)])
    # The reference fold, straight from the rules.
    catalog = Catalog.load()
    rules = catalog.effective(catalog.items["SCJG-001"], catalog.units["SZ-SCJG"][0]).case_rules
    for h, row in zip(sorted(histories, key=lambda h: h[0]["case_id"]), reference, strict=True):
        state = case_state([parse_event(e).event for e in h], rules, CAL)
        assert row["event_count"] == state.event_count and row["statutory_deadline"] == state.statutory_deadline
        assert row["order_violation_on"] == state.order_violation_on
        assert row["step_overtime_on"] == state.step_overtime_on and row["late_entry_on"] == state.late_entry_on

    one_by_one = deliver([(source, [e]) for e in in_order])
    assert one_by_one == reference
    shuffled = everything[:]
    rng.shuffle(shuffled)
    batches = []
    while shuffled:
        size = rng.randint(1, 4)
        batch, shuffled = shuffled[:size], shuffled[size:]
        batches.append((source, batch + rng.sample(everything, min(2, len(everything)))))  # re-deliveries
    assert deliver(batches) == reference
    # A second system reporting the same case ids has cases of its own (case ids are unique per
    # source system), folded alike whatever the delivery.
    both = deliver([(source, [e]) for e in in_order] + [(other, batch) for _, batch in batches])
    assert both[::2] == reference and both[1::2] == reference


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(KINDS), st.integers(-3, 40), st.sampled_from([0, 9, 23]),
                          st.sampled_from(["review", "approve"]), st.booleans()), min_size=1, max_size=12),
       st.integers(1, 5))
def test_the_state_does_not_depend_on_the_order_events_arrive_in(spec, cut):
    rules = CaseRules(statutory_days=12, promised_days=6, required_steps=("review",), step_limits={"review": 2},
                      suspension_limit=1, late_entry_hours=24)
    base = datetime(2026, 9, 21, tzinfo=LOCAL_TZ)
    events = []
    for n, (kind, days, hour, step, late) in enumerate(spec):
        at = base + timedelta(days=days, hours=hour)
        raw = event(f"e{n}", "C", kind, at.isoformat(), step=step, amount="10.00", outcome="denied",
                    **({"recorded_at": (at + timedelta(hours=30)).isoformat()} if late else {}))
        events.append(parse_event(raw).event)
    whole = case_state(events, rules, CAL)
    random.Random(cut).shuffle(events)
    assert case_state(events, rules, CAL) == whole
