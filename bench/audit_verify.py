"""Benchmark: `zeren audit verify` over N audit entries (issue 4: 1,000,000 in under 10 s).

Builds a throwaway SQLite database (or the one in ZEREN_DATABASE_URL, which must be empty),
inserts N entries with raw executemany of precomputed, correctly chained rows, seals them
under a checkpoint, then times the streaming verifier. Baseline, from the same run: the naive
loop that instantiates every AuditEntry through the ORM and re-hashes it, on a sample.

    python bench/audit_verify.py            # 1,000,000 entries
    python bench/audit_verify.py --small    # 20,000 entries (CI smoke test)
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta


def setup_django(home: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zeren.settings")
    os.environ["ZEREN_HOME"] = home
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)


def insert_entries(n: int) -> None:
    from django.db import connection, transaction

    from zeren.audit.models import AuditEntry, AuditHead
    from zeren.audit.rules import GENESIS_HASH, entry_hash

    if AuditEntry.objects.exists():
        sys.exit("the benchmark database already holds audit entries; use an empty one")
    start = datetime(2026, 1, 5, 8, 30, tzinfo=UTC)
    adapt = connection.ops.adapt_datetimefield_value
    columns = ("seq, at, actor_id, actor_username, actor_unit, action, object_type, object_id, "
               "changes, reason, extra, prev_hash, hash")
    sql = f"INSERT INTO audit_auditentry ({columns}) VALUES ({', '.join(['%s'] * 13)})"
    prev, batch = GENESIS_HASH, []
    with transaction.atomic(), connection.cursor() as cursor:
        for seq in range(1, n + 1):
            at = start + timedelta(seconds=seq * 3, microseconds=seq % 997)
            changes = {"status": ["待办", "已办结"], "score": [seq % 100, seq % 100 + 0.5]}
            body = {"seq": seq, "at": at.isoformat(), "actor_id": seq % 50, "actor_username": f"user{seq % 50}",
                    "actor_unit": "SZ-SCJG", "action": "supervision.update", "object_type": "supervision.alert",
                    "object_id": str(seq // 3), "changes": changes, "reason": "按期办结", "extra": {}}
            digest = entry_hash(prev, body)
            batch.append((seq, adapt(at), body["actor_id"], body["actor_username"], "SZ-SCJG", body["action"],
                           body["object_type"], body["object_id"], json.dumps(changes), "按期办结", "{}", prev, digest))
            prev = digest
            if len(batch) == 10_000:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
        AuditHead.objects.update_or_create(pk=1, defaults={"seq": n, "hash": prev})


def naive_rate(sample: int) -> float:
    """Entries/s of the obvious loop: model instances through the ORM, ``rules.entry_hash`` on ``body()``."""
    from zeren.audit.models import AuditEntry
    from zeren.audit.rules import GENESIS_HASH, entry_hash

    started, prev = time.perf_counter(), GENESIS_HASH
    for entry in AuditEntry.objects.order_by("seq")[:sample]:
        assert entry_hash(prev, entry.body()) == entry.hash
        prev = entry.hash
    return sample / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="20,000 entries (CI smoke test)")
    parser.add_argument("-n", type=int, default=None)
    args = parser.parse_args()
    n = args.n or (20_000 if args.small else 1_000_000)
    with tempfile.TemporaryDirectory(prefix="zeren-bench-") as home:
        setup_django(home)
        from zeren.audit.actions import do_create_checkpoint
        from zeren.audit.verify import verify_log

        t0 = time.perf_counter()
        insert_entries(n)
        do_create_checkpoint()
        build_seconds = time.perf_counter() - t0
        t0 = time.perf_counter()
        report = verify_log()
        seconds = time.perf_counter() - t0
        assert report.ok and report.entries == n, report.problems
        baseline = naive_rate(min(n, 50_000))
        rate = n / seconds
        print(f"built and checkpointed {n:,} entries in {build_seconds:.1f} s")
        print(f"verify: {n:,} entries in {seconds:.2f} s = {rate:,.0f} entries/s "
              f"(target: 1,000,000 in < 10 s)")
        print(f"baseline (ORM instances, sample): {baseline:,.0f} entries/s; speed-up {rate / baseline:.1f}x")
        print(json.dumps({"bench": "audit_verify", "entries": n, "seconds": round(seconds, 3),
                          "entries_per_s": round(rate), "baseline_entries_per_s": round(baseline),
                          "ratio": round(rate / baseline, 2), "engine": os.environ.get("ZEREN_DATABASE_URL", "sqlite")[:8]}))


if __name__ == "__main__":
    main()
