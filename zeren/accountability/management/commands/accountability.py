"""``zeren accountability import-incidents FILE.json | reviews [--as-of D] --format jsonl | escalate [--as-of D]``."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from zeren.accountability.actions import do_escalate_overdue_reviews, do_import_incidents
from zeren.accountability.selectors import review_rows


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--as-of: {value!r} is not a date (YYYY-MM-DD)") from exc


class Command(BaseCommand):
    help = "Accountability: import incidents, list responsibility reviews, escalate overdue reviews."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import-incidents", help="register incidents from a JSON list (all or nothing)")
        imp.add_argument("file", type=Path)
        reviews = sub.add_parser("reviews", help="one line per responsibility review")
        reviews.add_argument("--as-of", type=_date, default=None)
        reviews.add_argument("--format", choices=("jsonl",), default="jsonl")
        escalate = sub.add_parser("escalate", help="the daily job: escalate overdue reviews (raises one finding each)")
        escalate.add_argument("--as-of", type=_date, default=None)

    def handle(self, *args, action, **options):
        getattr(self, "_" + action.replace("-", "_"))(**options)

    def _import_incidents(self, *, file: Path, **_):
        if not file.is_file():
            raise CommandError(f"{file}: no such file")
        try:
            incidents = do_import_incidents(actor=None, path=file)
        except ValidationError as exc:
            for message in exc.messages:
                self.stderr.write(message)
            raise CommandError(f"{file.name}: {len(exc.messages)} problem(s); nothing was imported") from exc
        reviews = sum(i.reviews.count() for i in incidents)
        self.stdout.write(f"incidents: {len(incidents)} registered, {reviews} reviews due")

    def _reviews(self, *, as_of: date | None, **_):
        for row in review_rows(as_of or timezone.localdate()):
            self.stdout.write(json.dumps(row, ensure_ascii=False))

    def _escalate(self, *, as_of: date | None, **_):
        self.stdout.write(f"escalated {do_escalate_overdue_reviews(as_of=as_of)} overdue review(s)")
