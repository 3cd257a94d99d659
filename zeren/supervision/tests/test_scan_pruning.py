"""The scan's pruning against a full evaluation (issue 13 item 1).

A scan reads only the cases whose alerts can differ from what is recorded: of the settled open
cases, those received early enough for their item's promised deadline to be near (it assumes a
case's deadlines only move later while nothing happens to it), plus changed, flagged and
alert-holding cases. Here, day after day over three weeks of a random feed — events arriving as
they happen, items' time limits and yellow windows changed up and down between scans — the
alerts each scan leaves in force are exactly those the rules give for every case, read in full:
``case_state`` up to the day and ``case_alerts``. A closed case (decided, withdrawn) is judged at
the first scan after its last event and keeps that verdict: a later change of limits reaches it
only through ``zeren supervision refold`` (run on some days here), never silently.
"""

import random
from collections import defaultdict
from datetime import date, timedelta

import pytest

from zeren.supervision.actions import cli_source, do_ingest_events, do_refold_cases, do_scan
from zeren.supervision.catalog import get_catalog
from zeren.supervision.events import parse_event
from zeren.supervision.rules import case_alerts, case_state
from zeren.supervision.selectors import all_alerts_in_force
from zeren.supervision.simulate import ItemSpec, generate
from zeren.workcal.selectors import get_calendar

pytestmark = pytest.mark.django_db
END = date(2026, 11, 27)


def full_evaluation(arrived: list[dict], as_of: date) -> dict[str, tuple[set[tuple], bool]]:
    """Every case's alerts on ``as_of`` by the rules, case by case, and whether it is closed."""
    catalog, cal = get_catalog(), get_calendar()
    by_case = defaultdict(list)
    for raw in arrived:
        by_case[raw["case_id"]].append(raw)
    out = {}
    for case_id, raws in by_case.items():
        effective = catalog.effective(catalog.items[raws[0]["item_code"]], catalog.units[raws[0]["unit_code"]][0])
        state = case_state([parse_event(r).event for r in raws], effective.case_rules, cal, as_of=as_of)
        out[case_id] = ({(case_id, f.type, f.since, f.deadline) for f in case_alerts(
            state, as_of, cal, yellow_days=effective.yellow_days, enabled=effective.enabled)}, not state.is_open)
    return out


@pytest.mark.parametrize("seed", range(6))
def test_daily_pruned_scans_leave_in_force_what_the_rules_give_every_case(items, seed):
    rng = random.Random(seed)
    specs = [ItemSpec("SCJG-001", "SZ-SCJG", 20, 10), ItemSpec("ZJ-001", "SZ-ZJ", 15, 7),
             ItemSpec("FT-001", "SZ-FT-SCJG", 20, 10)]
    feed = list(generate(specs, end=END, days=40, per_day=3, violations=0.3, seed=seed))
    source, arrived, changed, refolded = cli_source(), [], 0, 0
    verdicts: dict[str, set[tuple]] = {}  # closed cases: their alerts as judged after their last event
    for offset in range(21, -1, -1):
        day = END - timedelta(days=offset)
        if rng.random() < 0.3:  # a limit or a yellow window changed, either way
            item = items[rng.choice(["reg", "build", "district"])]
            item.statutory_days = rng.randint(3, 25)
            item.promised_days = rng.randint(1, item.statutory_days)
            item.yellow_threshold_days = rng.randint(0, 4)
            item.save()
            changed += 1
        if rng.random() < 0.15:
            refolded += do_refold_cases()
            verdicts.clear()
        new = [e for e in feed if e["at"][:10] <= day.isoformat()][len(arrived):]
        if new:
            assert do_ingest_events(source=source, events=new).rejected == 0
            arrived += new
        do_scan(as_of=day)
        in_force = {(a.case.case_id, a.type, a.since, a.deadline)
                    for a in all_alerts_in_force(day).select_related("case")}
        touched = {e["case_id"] for e in new}
        expected = set()
        for case_id, (facts, closed) in full_evaluation(arrived, day).items():
            if case_id in verdicts and case_id not in touched:
                facts = verdicts[case_id]
            elif closed:
                verdicts[case_id] = facts
            expected |= facts
        assert in_force == expected, day
    assert changed and arrived
