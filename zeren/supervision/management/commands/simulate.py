"""``zeren simulate approvals --days N --per-day K [--violations RATE] [--post URL --token T | --output FILE]``."""

from __future__ import annotations

import json
import sys
import urllib.request
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from zeren.supervision.models import ApprovalItem
from zeren.supervision.simulate import ItemSpec, generate

BATCH = 1000


class Command(BaseCommand):
    help = "Generate realistic approval event streams (with planted violations) for demos and load tests."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="what", required=True)
        approvals = sub.add_parser("approvals", help="events of the approval items in the database")
        approvals.add_argument("--days", type=int, required=True)
        approvals.add_argument("--per-day", type=int, required=True)
        approvals.add_argument("--violations", type=float, default=0.05)
        approvals.add_argument("--end", type=date.fromisoformat, default=None, help="last day (default today)")
        approvals.add_argument("--seed", type=int, default=2007)
        approvals.add_argument("--prefix", default="SIM")
        approvals.add_argument("--post", default="", help="URL of /api/v1/supervision/events")
        approvals.add_argument("--token", default="", help="bearer token of the source system (with --post)")
        approvals.add_argument("--output", type=Path, default=None, help="JSONL file (default: stdout)")

    def handle(self, *args, days, per_day, violations, end, seed, prefix, post, token, output, **options):
        items = [ItemSpec(i.code, i.unit.code, i.statutory_days, i.promised_days, i.fee_standard,
                          tuple(i.required_steps) or ("review", "approve"))
                 for i in ApprovalItem.objects.select_related("unit")]
        if not items:
            raise CommandError("no approval items: load some with `zeren supervision load-items FILE`")
        if post and not token:
            raise CommandError("--post needs --token")
        events = generate(items, end=end or timezone.localdate(), days=days, per_day=per_day,
                          violations=violations, seed=seed, prefix=prefix)
        if post:
            self._post(events, post, token)
            return
        if output is None:
            for e in events:
                sys.stdout.write(json.dumps(e, ensure_ascii=False) + "\n")
            return
        count = 0
        with open(output, "w", encoding="utf-8") as out:
            for e in events:
                out.write(json.dumps(e, ensure_ascii=False) + "\n")
                count += 1
        self.stderr.write(f"{count} events written to {output}")

    def _post(self, events, url: str, token: str) -> None:
        totals = {"accepted": 0, "duplicates": 0, "rejected": 0}
        batch: list[dict] = []

        def send() -> None:
            body = "\n".join(json.dumps(e, ensure_ascii=False) for e in batch).encode("utf-8")
            request = urllib.request.Request(url, data=body, headers={
                "Authorization": f"Bearer {token}", "Content-Type": "application/x-ndjson"})
            with urllib.request.urlopen(request, timeout=120) as response:
                answer = json.loads(response.read())
            for key in totals:
                totals[key] += answer[key]
            batch.clear()

        for e in events:
            batch.append(e)
            if len(batch) == BATCH:
                send()
        if batch:
            send()
        self.stdout.write(f"posted: accepted {totals['accepted']}, duplicates {totals['duplicates']}, "
                          f"rejected {totals['rejected']}")
