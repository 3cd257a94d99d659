"""``zeren supervision load-items FILE | scan [--as-of DATE] | alerts … | add-source CODE NAME [--unit CODE] | refold
| event-schema``."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from zeren.core.importing import ImportRejected
from zeren.org.models import Unit
from zeren.supervision.actions import do_create_source, do_load_items, do_refold_cases, do_scan
from zeren.supervision.events import event_schema
from zeren.supervision.selectors import ALERT_EXPORT_FIELDS, all_alerts_in_force

ALERT_COLUMNS = ("case_id", "type", "unit_code", "item_code", "deadline", "since", "status", "provisional")


class Command(BaseCommand):
    help = "Electronic supervision of approvals: load items, scan, list alerts, register source systems."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load-items", help="load approval items from JSON, YAML or Excel (all or nothing)")
        load.add_argument("file", type=Path)
        scan = sub.add_parser("scan", help="evaluate every open case and update the alerts")
        scan.add_argument("--as-of", type=date.fromisoformat, default=None)
        alerts = sub.add_parser("alerts", help="print the alerts in force on a date")
        alerts.add_argument("--as-of", type=date.fromisoformat, default=None)
        alerts.add_argument("--unit", default="")
        alerts.add_argument("--format", choices=("jsonl", "csv"), default="jsonl")
        source = sub.add_parser("add-source", help="register a department system and print its token once")
        source.add_argument("code")
        source.add_argument("name")
        source.add_argument("--unit", default="")
        sub.add_parser("refold", help="fold again the cases folded under rules since changed (after editing items "
                                      "or rule configuration) or by another version of the fold (after an upgrade)")
        sub.add_parser("event-schema", help="print the JSON Schema of the events departments report")

    def handle(self, *args, action, **options):
        getattr(self, "_" + action.replace("-", "_"))(**options)

    def _load_items(self, *, file: Path, **_):
        if not file.is_file():
            raise CommandError(f"{file}: no such file")
        try:
            created, updated = do_load_items(actor=None, path=file)
        except ImportRejected as exc:
            raise CommandError(exc.refusal()) from None
        self.stdout.write(f"items: {created} created, {updated} updated")

    def _event_schema(self, **_):
        self.stdout.write(json.dumps(event_schema(), ensure_ascii=False, indent=2))

    def _refold(self, **_):
        self.stdout.write(f"refolded {do_refold_cases()} case(s) under the rules now in force")

    def _scan(self, *, as_of: date | None, **_):
        s = do_scan(as_of=as_of)
        self.stdout.write(f"scan {s.as_of}: {s.cases} cases ({s.replayed} replayed), {s.in_force} alerts in force, "
                          f"{s.opened} opened, {s.cleared} cleared, {s.findings} findings, {s.seconds:.2f} s")

    def _alerts(self, *, as_of: date | None, unit: str, format: str, **_):
        from django.utils import timezone

        qs = all_alerts_in_force(as_of or timezone.localdate(), unit_code=unit)
        rows = qs.values_list(*ALERT_EXPORT_FIELDS).iterator(chunk_size=5000)
        if format == "csv":
            from zeren.core.exports import write_csv

            def table():
                yield ALERT_COLUMNS
                for row in rows:
                    yield [v.isoformat() if isinstance(v, date) else v for v in row]
            sys.stdout.buffer.write(write_csv(table()))
            sys.stdout.flush()
            return
        for row in rows:
            record = dict(zip(ALERT_COLUMNS, row, strict=True))
            self.stdout.write(json.dumps(record, ensure_ascii=False, default=str))

    def _add_source(self, *, code: str, name: str, unit: str, **_):
        scope = Unit.objects.filter(code=unit).first() if unit else None
        if unit and scope is None:
            raise CommandError(f"unknown unit {unit!r}")
        source, token = do_create_source(actor=None, code=code, name=name, unit=scope)
        self.stdout.write(f"source {source.code} (unit {unit or 'all'}): token {token}")
