"""Benchmark: ingesting approval events through the real path (issue 6).

1,000,000 events for 200,000 cases (a time-ordered feed from ``zeren.supervision.simulate``) are
written to a JSONL file and loaded with ``ingest_file`` — what ``zeren ingest`` runs: JSON parsing,
validation, duplicate detection, the order-independent case fold, case upserts, event inserts,
one audited batch per 100,000-event chunk. Baseline, from the same run and database: a raw
``executemany`` INSERT of the same rows (already as tuples) into a bare table with no index.

    python bench/ingest.py                 # 1,000,000 events, temp SQLite database
    python bench/ingest.py --small         # 20,000 events (CI smoke test)
    python bench/ingest.py --database-url postgres://postgres@127.0.0.1:5432/zeren_bench

Goal: ratio ≥ 0.1 on SQLite, ≥ 0.25 on PostgreSQL. Catalogue: ``benchdb.build_catalog``. Prints the figures and a final JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from benchdb import build_catalog, cpu_seconds, setup_django


def write_events(specs: list, n: int, path: Path) -> None:
    """``n`` events of the simulator's time-ordered feed, 800 new cases a working day, as JSONL."""
    from zeren.supervision.simulate import generate

    per_day, days = 800, max(10, n * 365 // (5 * 800 * 250))
    while True:  # enough working days of 800 new cases for n events
        events = list(generate(specs, end=date(2026, 11, 27), days=days, per_day=per_day, violations=0.05, seed=6))
        if len(events) >= n:
            break
        days = days * 3 // 2
    with open(path, "w", encoding="utf-8") as f:
        for e in events[:n]:
            f.write(json.dumps(e, ensure_ascii=False) + "\n")
        f.flush()
        os.fsync(f.fileno())  # on disk before the clock starts: no write-back of it during the ingestion
    path.with_suffix(".cases").write_text(str(len({e["case_id"] for e in events[:n]})))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true")
    parser.add_argument("--events", type=int, default=None)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    n = args.events or (20_000 if args.small else 1_000_000)
    with tempfile.TemporaryDirectory() as home:
        setup_django(home, args.database_url)
        from django.db import connection, transaction

        from zeren.supervision.actions import ingest_file
        from zeren.supervision.models import ApprovalCase, ApprovalEvent

        if ApprovalEvent.objects.exists():
            sys.exit("the benchmark database already holds approval events; use an empty one")
        specs = build_catalog()
        path = Path(home) / "events.jsonl"
        # Written by a child process: the measured one then holds only what `zeren ingest` would
        # (a million generated events leave hundreds of MB of freed heap that every fork copies).
        # Waited for without being reaped, so its memory stays out of the measured process's figure.
        writer = os.fork()
        if writer == 0:
            code = 1
            try:
                write_events(specs, n, path)
                code = 0
            finally:
                os._exit(code)
        if os.waitid(os.P_PID, writer, os.WEXITED | os.WNOWAIT).si_status != 0:
            sys.exit("writing the events file failed")
        n_cases = int(path.with_suffix(".cases").read_text())

        started, cpu_started = time.perf_counter(), cpu_seconds()
        result = ingest_file(path)
        ours, ours_cpu = time.perf_counter() - started, cpu_seconds() - cpu_started
        assert result.accepted == n and result.rejected == 0, (result.accepted, result.duplicates, result.rejections[:3])
        assert ApprovalEvent.objects.count() == n and ApprovalCase.objects.count() == n_cases

        with open(path, encoding="utf-8") as f:  # the baseline's rows, read back from the same file
            rows = [(1, e["event_id"], e["case_id"], e["type"], e["at"], e.get("recorded_at"), e.get("step", ""),
                     e.get("amount"), e.get("outcome", ""), e.get("reason", ""), 1) for e in map(json.loads, f)]
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS bench_raw_events")
            cursor.execute("CREATE TABLE bench_raw_events (source_id integer, event_id varchar(128), case_id "
                           "varchar(64), type varchar(16), at varchar(40), recorded_at varchar(40), step varchar(64), "
                           "amount varchar(20), outcome varchar(16), reason text, batch_id integer)")
        started, cpu_started = time.perf_counter(), cpu_seconds()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(f"INSERT INTO bench_raw_events VALUES ({', '.join(['%s'] * 11)})", rows)
        raw, raw_cpu = time.perf_counter() - started, cpu_seconds() - cpu_started
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE bench_raw_events")
        vendor = connection.vendor
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    os.waitpid(writer, 0)
    goal = 0.1 if vendor == "sqlite" else 0.25
    figures = {"bench": "ingest", "database": vendor, "events": n, "cases": n_cases, "seconds": round(ours, 2),
               "events_per_s": round(n / ours), "raw_seconds": round(raw, 2), "raw_events_per_s": round(n / raw),
               "ratio": round(raw / ours, 3), "cpu_seconds": round(ours_cpu, 2), "raw_cpu_seconds": round(raw_cpu, 2),
               "cpu_ratio": round(raw_cpu / ours_cpu, 3), "goal_ratio": goal, "peak_rss_mb": round(rss_mb),
               "writer_peak_rss_mb": round(child_mb)}
    print(f"ingest {n:,} events / {n_cases:,} cases on {vendor}: {ours:.1f} s = {n / ours:,.0f} events/s")
    print(f"raw executemany of the same rows into a bare table: {raw:.1f} s = {n / raw:,.0f} rows/s")
    print(f"CPU seconds (this process and its database server process): ours {ours_cpu:.1f}, raw {raw_cpu:.1f}, "
          f"ratio {raw_cpu / ours_cpu:.3f}")
    print(f"wall-clock ratio {raw / ours:.3f} (goal ≥ {goal}); peak RSS {rss_mb:.0f} MB, events-file writer {child_mb:.0f} MB")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
