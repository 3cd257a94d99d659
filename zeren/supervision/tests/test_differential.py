"""Differential test (issue 13): random event files through `zeren ingest`, through the HTTP API in
shuffled batches, and straight through the rules (`case_state`, `case_alerts`) give the same cases
and the same alerts. Case ids are unique per source system, so both deliveries live side by side."""

import json
import random
from collections import defaultdict
from datetime import date

import pytest
from django.core.management import call_command

from zeren.supervision.actions import do_create_source, do_scan
from zeren.supervision.catalog import Catalog
from zeren.supervision.events import parse_event
from zeren.supervision.models import ApprovalCase
from zeren.supervision.rules import case_alerts, case_state
from zeren.supervision.selectors import all_alerts_in_force
from zeren.supervision.simulate import ItemSpec, generate
from zeren.workcal.selectors import get_calendar

pytestmark = pytest.mark.django_db
AS_OF = date(2026, 11, 27)
STATE = ["received_date", "is_open", "suspended_since", "suspension_count", "extension_days", "decided_date",
         "outcome", "withdrawn_date", "delivered_date", "fees_total", "completed_steps", "statutory_deadline",
         "promised_deadline", "fee_exceeded_on", "missing_step_on", "order_violation_on", "suspension_abuse_on",
         "step_overtime_on", "denied_without_reason_on", "late_entry_on", "event_count"]


def stored(source_code):
    cases = {row.pop("case_id"): row for row in ApprovalCase.objects.filter(source__code=source_code)
             .values("case_id", *STATE)}
    alerts = sorted((a.case.case_id, a.type, a.since, a.deadline) for a in all_alerts_in_force(AS_OF)
                    .filter(case__source__code=source_code).select_related("case"))
    return cases, alerts


@pytest.mark.parametrize("seed", [3, 17])
def test_file_http_and_the_rules_give_the_same_cases_and_alerts(client, items, tree, tmp_path, seed):
    specs = [ItemSpec("SCJG-001", "SZ-SCJG", 20, 10), ItemSpec("ZJ-001", "SZ-ZJ", 15, 7),
             ItemSpec("FT-001", "SZ-FT-SCJG", 20, 10)]
    events = list(generate(specs, end=AS_OF, days=45, per_day=4, violations=0.3, seed=seed))
    path = tmp_path / "events.jsonl"
    path.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in events), encoding="utf-8")
    call_command("ingest", str(path), "--chunk", "97")
    _, token = do_create_source(actor=None, code="http", name="接口", unit=None)
    rng = random.Random(seed)
    shuffled = events[:]
    rng.shuffle(shuffled)
    while shuffled:
        size = rng.randint(1, 60)
        batch, shuffled = shuffled[:size], shuffled[size:]
        body = "\n".join(json.dumps(e, ensure_ascii=False) for e in batch + rng.sample(events, 2))  # re-deliveries
        answer = client.post("/api/v1/supervision/events", body.encode(), content_type="application/x-ndjson",
                             headers={"authorization": f"Bearer {token}"})
        assert answer.status_code == 200 and answer.json()["rejected"] == 0, answer.content[:300]
    do_scan(as_of=AS_OF)
    file_cases, file_alerts = stored("cli")
    http_cases, http_alerts = stored("http")
    assert len(file_cases) == len({e["case_id"] for e in events}) and file_alerts
    assert http_cases == file_cases and http_alerts == file_alerts
    # The rules, one case at a time.
    catalog, cal = Catalog.load(), get_calendar()
    by_case = defaultdict(list)
    for e in events:
        by_case[e["case_id"]].append(e)
    expected = []
    for case_id, raws in by_case.items():
        effective = catalog.effective(catalog.items[raws[0]["item_code"]], catalog.units[raws[0]["unit_code"]][0])
        state = case_state([parse_event(r).event for r in raws], effective.case_rules, cal)
        row = file_cases[case_id]
        assert {name: getattr(state, name) for name in ("received_date", "is_open", "decided_date", "event_count",
                                                         "statutory_deadline", "promised_deadline",
                                                         "missing_step_on", "late_entry_on")} == {
            name: row[name] for name in ("received_date", "is_open", "decided_date", "event_count",
                                         "statutory_deadline", "promised_deadline", "missing_step_on",
                                         "late_entry_on")}, case_id
        expected += [(case_id, fact.type, fact.since, fact.deadline) for fact in case_alerts(state, AS_OF, cal, yellow_days=effective.yellow_days,
                                                                   enabled=effective.enabled)]
    assert sorted(expected) == file_alerts
