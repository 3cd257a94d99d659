"""Stored folds know which version of the fold made them (issue 13 item 2).

The fold's outputs (case states) on a fixed, seeded corpus of case histories are fingerprinted and tied to
:data:`~zeren.supervision.rules.FOLD_VERSION`: a change of what the fold (or the deadline rule)
gives fails :func:`test_the_fold_is_the_version_it_says` until the version is bumped and its
fingerprint recorded in :data:`FINGERPRINTS`. A stored fold of another version is folded again,
by ``zeren supervision refold`` and at its case's next event.
"""

import dataclasses
import hashlib
import random
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command

from zeren.supervision.actions import cli_source, do_ingest_events
from zeren.supervision.models import ApprovalCase
from zeren.supervision.rules import (
    EVENT_TYPES,
    FOLD_VERSION,
    LOCAL_TZ,
    CaseRules,
    Event,
    case_state,
)
from zeren.supervision.tests.conftest import event
from zeren.workdays import WorkCalendar

# FOLD_VERSION -> SHA-256 of the fold's outputs on the corpus below. When the fold's behaviour
# changes on purpose: bump FOLD_VERSION in rules.py and add its fingerprint here (keep the old ones).
# (Version 2 was recorded again when the cursor went — states only — and when the corpus gained month-long
# suspensions; the fold itself did not change either time.)
FINGERPRINTS = {
    2: "b6ecc2115c62d5d5f5dfddfb61d09d30341fe1338e646e77056252f63576ded9",
}
CAL = WorkCalendar.china()  # the corpus and its deadlines lie in 2024-2025, years with an official holiday schedule
RULES = [
    CaseRules(statutory_days=20, promised_days=10),
    CaseRules(statutory_days=15, promised_days=7, fee_standard=Decimal("200"), required_steps=("review", "approve"),
              step_limits={"review": 3}, suspension_limit=1, late_entry_hours=24),
    CaseRules(statutory_days=5, promised_days=3, fee_standard=Decimal("50.50"), required_steps=("check",),
              step_limits={"check": 0, "approve": 2}, suspension_limit=0, late_entry_hours=1),
]


def corpus(cases: int = 600) -> list[tuple[list[Event], CaseRules]]:
    """Seeded case histories: every event type, same-instant ties, suspensions left open, late
    entries, events before the receipt, fees, denials with and without a reason, one case in five
    spread over 200 days (suspensions of months) — and values on the rules' boundaries (fees adding
    up to a standard, a delay of exactly the late-entry hours)."""
    rng = random.Random(20260913)
    out = []
    for n in range(cases):
        spread = 200 if n % 5 == 0 else 45  # days a case's events spread over
        start = datetime(2024, 1, 2, 9, tzinfo=LOCAL_TZ) + timedelta(days=rng.randrange(850 - 4 * spread))
        events = []
        for k in range(rng.randint(1, 14)):
            kind = rng.choice(EVENT_TYPES)
            at = start + timedelta(days=rng.randint(-2, spread), hours=rng.choice([0, 0, 3, 8, 14]))
            recorded = at + timedelta(hours=rng.choice([1, 2, 24, 30, 80])) if rng.random() < 0.3 else None
            events.append(Event(
                f"C{n}-{k}", kind, at, rng.choice(["review", "approve", "check"]) if kind == "step_completed" else "",
                Decimal(rng.choice(["0", "0.5", "25.25", "50.50", "100", "150", "200"])) if kind == "fee_charged" else None,
                rng.choice(["approved", "denied"]) if kind == "decided" else "",
                rng.choice(["", " ", "不符合条件"]), recorded))
        out.append((events, rng.choice(RULES)))
    return out


def fingerprint() -> str:
    """SHA-256 of every case's folded state, deadlines included."""
    digest = hashlib.sha256()
    for events, rules in corpus():
        digest.update(repr(dataclasses.astuple(case_state(events, rules, CAL))).encode())
    return digest.hexdigest()


def test_the_fold_is_the_version_it_says():
    assert FOLD_VERSION in FINGERPRINTS, f"record the fingerprint of fold version {FOLD_VERSION} here"
    assert fingerprint() == FINGERPRINTS[FOLD_VERSION], (
        "the fold's outputs changed: bump FOLD_VERSION in zeren/supervision/rules.py (stored cases are then "
        "folded again by `zeren supervision refold`) and record the new fingerprint in FINGERPRINTS")


STORY = [
    event("v1", "V1", "received", "2026-09-21T09:00:00+08:00"),
    event("v2", "V1", "step_completed", "2026-09-22T10:00:00+08:00", step="review"),
    event("v3", "V2", "received", "2026-09-23T09:00:00+08:00"),
]


def _age(case_id: str, event_count: int) -> None:
    """Make a stored case look folded by fold version 1, with a stale count."""
    case = ApprovalCase.objects.get(case_id=case_id)
    ApprovalCase.objects.filter(pk=case.pk).update(fold="v1" + case.fold[len(f"v{FOLD_VERSION}"):],
                                                   event_count=event_count)


@pytest.mark.django_db
def test_refold_folds_again_the_cases_of_another_fold_version(items, capsys):
    do_ingest_events(source=cli_source(), events=STORY)
    _age("V1", 99)
    call_command("supervision", "refold")
    assert capsys.readouterr().out.strip() == "refolded 1 case(s) under the rules now in force"
    case = ApprovalCase.objects.get(case_id="V1")
    assert case.event_count == 2 and case.fold.startswith(f"v{FOLD_VERSION}|")
    call_command("supervision", "refold")
    assert capsys.readouterr().out.startswith("refolded 0 case(s)")


@pytest.mark.django_db
def test_a_case_of_another_fold_version_is_folded_again_at_its_next_event(items):
    do_ingest_events(source=cli_source(), events=STORY[:2])
    _age("V1", 99)
    do_ingest_events(source=cli_source(), events=[
        event("v4", "V1", "step_completed", "2026-09-24T10:00:00+08:00", step="approve")])
    case = ApprovalCase.objects.get(case_id="V1")
    assert case.event_count == 3 and case.completed_steps == ["review", "approve"]
    assert case.fold.startswith(f"v{FOLD_VERSION}|")
    assert case.received_date == date(2026, 9, 21)
