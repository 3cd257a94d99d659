"""``zeren oversight check [--as-of D]``: the network's overdue checks (the daily job), by hand."""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from zeren.oversight.actions import do_check_overdue


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--as-of: {value!r} is not a date (YYYY-MM-DD)") from exc


class Command(BaseCommand):
    help = "Oversight network: run the overdue checks (disclosure checklist, joint-meeting follow-ups)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        check = sub.add_parser("check", help="the daily job: overdue disclosures and follow-ups raise one finding "
                                             "each (follow-ups are escalated); idempotent")
        check.add_argument("--as-of", type=str, default=None, help="the day to check as of (YYYY-MM-DD), default today")

    def handle(self, *args, action, **options):
        getattr(self, "_" + action)(**options)

    def _check(self, *, as_of: str | None, **_):
        found = do_check_overdue(as_of=_date(as_of) if as_of else None)
        self.stdout.write(f"as of {found.as_of}: {found.disclosures} disclosure(s) newly overdue, "
                          f"{found.follow_ups} follow-up(s) newly escalated")
