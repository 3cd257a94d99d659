"""Benchmark: ``zeren supervision scan`` over 1,000,000 open approval cases (issue 6: < 2 s, < 2 GB).

Builds the cases directly with raw inserts (setup, not timed): received on the working days of the
last ~6 weeks (mostly the last two), some suspended, a few with irregularities, so the scan meets yellow and red cards.
Then times ``do_scan`` three times: the first scan (every case is new: all 1,000,000 are read, every
alert and finding is new), the same date again (nothing changes), and the next working day (a daily
run: that day's new cards; on PostgreSQL after a ``VACUUM ANALYZE``, untimed, standing in for the
autovacuum a day between scans gives). After the first, a scan reads only the cases that can hold an alert
(near or past their deadline, flagged, changed, or holding one) — "read" in the output. Times are
wall-clock around ``do_scan``, its commit included (on PostgreSQL the commit runs the deferred
foreign-key checks of every new alert); the scan's own figure, taken before its commit and stored
in ``ScanRun.seconds``, is printed beside it. Baseline,
from the same run: the per-case reference (``case_alerts`` on a ``CaseState`` per row, the plain
Python loop the vectorised scan replaces) on a sample, extrapolated to all cases.

    python bench/scan.py                # 1,000,000 cases, temp SQLite database
    python bench/scan.py --small        # 20,000 cases (CI smoke test)
    python bench/scan.py --database-url postgres://postgres@127.0.0.1:5432/zeren_bench
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sys
import tempfile
import time
from datetime import date, timedelta

from benchdb import build_catalog, cpu_seconds, setup_django

AS_OF = date(2026, 11, 20)



def build(n: int) -> None:
    from django.db import connection, transaction
    from django.utils import timezone

    from zeren.supervision.actions import cli_source
    from zeren.supervision.models import ApprovalCase, ApprovalItem
    from zeren.workdays import WorkCalendar

    if ApprovalCase.objects.exists():
        sys.exit("the benchmark database already holds cases; use an empty one")
    cal = WorkCalendar.china()
    build_catalog()
    items = list(ApprovalItem.objects.all())
    source = cli_source()
    days = [cal.add_workdays(AS_OF, -k) for k in range(30)]
    rng = random.Random(6)
    stamp = connection.ops.adapt_datetimefield_value(timezone.now())
    cols = ("case_id, source_id, item_id, unit_id, received_date, last_event_date, is_open, suspended_since, suspension_count, "
            "extension_days, outcome, fees_total, completed_steps, statutory_deadline, promised_deadline, provisional, "
            "fee_exceeded_on, event_count, fold, rescan, updated_at")
    sql = f"INSERT INTO supervision_approvalcase ({cols}) VALUES ({', '.join(['%s'] * 21)})"
    with transaction.atomic(), connection.cursor() as cursor:
        rows = []
        for k in range(n):
            item = items[k % len(items)]
            received = days[min(int(rng.expovariate(1 / 6)), len(days) - 1)]  # open cases are mostly recent
            suspended = received + timedelta(days=1) if rng.random() < 0.05 else None
            fee = received if rng.random() < 0.002 else None
            deadline = cal.add_workdays(received, 20)
            rows.append((f"B{k:08d}", source.pk, item.pk, item.unit_id, received.isoformat(), received.isoformat(), True,
                         suspended and suspended.isoformat(), int(suspended is not None), 0, "", "0", "[]",
                         deadline.isoformat(), cal.add_workdays(received, 10).isoformat(), False,
                         fee and fee.isoformat(), 1, "", True, stamp))
            if len(rows) == 50_000:
                cursor.executemany(sql, rows)
                rows = []
        if rows:
            cursor.executemany(sql, rows)


def baseline_per_case(sample: int) -> float:
    """Seconds per case of the reference loop: a CaseState per row, ``case_alerts`` on it."""
    from decimal import Decimal

    from zeren.supervision.models import ApprovalCase
    from zeren.supervision.rules import CaseState, case_alerts
    from zeren.workdays import WorkCalendar

    cal = WorkCalendar.china()
    rows = list(ApprovalCase.objects.values_list("received_date", "suspended_since", "statutory_deadline",
                                                 "promised_deadline", "fee_exceeded_on")[:sample])
    started = time.process_time()  # a pure-Python loop: its CPU seconds
    for received, suspended, stat, promised, fee in rows:
        state = CaseState(received_at=None, received_date=received, last_event_date=received,
                          suspended_since=suspended, suspension_count=0, extension_days=0, decided_date=None,
                          outcome="", withdrawn_date=None, delivered_date=None, fees_total=Decimal(0),
                          completed_steps=[], statutory_deadline=stat, promised_deadline=promised,
                          provisional=False, fee_exceeded_on=fee)
        case_alerts(state, AS_OF, cal)
    return (time.process_time() - started) / max(1, len(rows))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true")
    parser.add_argument("--cases", type=int, default=None)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    n = args.cases or (20_000 if args.small else 1_000_000)
    with tempfile.TemporaryDirectory() as home:
        setup_django(home, args.database_url)
        from django.db import connection

        from zeren.supervision.actions import do_scan
        from zeren.workdays import WorkCalendar

        build(n)
        next_day = WorkCalendar.china().add_workdays(AS_OF, 1)
        runs = {}
        cpus: dict[str, float] = {}
        for label, day in (("first", AS_OF), ("same_day", AS_OF), ("next_day", next_day)):
            if label == "next_day" and connection.vendor == "postgresql":
                # A working day passes between daily scans, and autovacuum with it: without this the
                # index entries of the million rows the first scan updated are still there (dead), and
                # the statistics still say every case awaits a rescan. Not timed; printed.
                started = time.perf_counter()
                with connection.cursor() as cursor:
                    cursor.execute("VACUUM ANALYZE supervision_approvalcase, supervision_alert, findings_finding")
                print(f"VACUUM ANALYZE before the next-day scan (as autovacuum would have run): "
                      f"{time.perf_counter() - started:.1f} s, not timed")
            started, cpu_started = time.perf_counter(), cpu_seconds()
            summary = do_scan(as_of=day)
            wall, cpu = time.perf_counter() - started, cpu_seconds() - cpu_started
            runs[label] = (wall, summary)
            cpus[label] = cpu
            print(f"scan {label:<8} {day}: {wall:.2f} s ({summary.seconds:.2f} s before the commit; {cpu:.2f} CPU s "
                  f"in this process and its database server) over {n:,} "
                  f"open cases ({summary.cases:,} read), "
                  f"{summary.in_force:,} in force, {summary.opened:,} opened, {summary.cleared:,} cleared, "
                  f"{summary.findings:,} findings")
        per_case = baseline_per_case(min(n, 20_000))
        vendor = connection.vendor
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    baseline = per_case * n
    headline, next_day = runs["next_day"]
    print(f"baseline: per-case Python loop ≈ {baseline:.1f} s for {n:,} cases (rules only, no I/O); "
          f"ratio {baseline / headline:.1f}×, in CPU seconds {baseline / cpus['next_day']:.1f}×; peak RSS {rss_mb:.0f} MB (goal < 2 s, < 2048 MB)")
    print(json.dumps({"bench": "scan", "database": vendor, "cases": n,
                      "first_seconds": round(runs["first"][0], 2),
                      "same_day_seconds": round(runs["same_day"][0], 2),
                      "seconds": round(headline, 2),
                      "cpu_seconds": {label: round(cpu, 3) for label, cpu in cpus.items()},
                      "seconds_before_commit": round(next_day.seconds, 2),
                      "read": next_day.cases, "baseline_seconds": round(baseline, 2),
                      "ratio": round(baseline / headline, 2),
                      "cpu_ratio": round(baseline / cpus["next_day"], 2), "in_force": next_day.in_force,
                      "peak_rss_mb": round(rss_mb), "goal_seconds": 2, "goal_rss_mb": 2048}))


if __name__ == "__main__":
    main()
