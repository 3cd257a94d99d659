"""``zeren open311 create-key --name NAME``: a new Open311 ``api_key``, printed once."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from zeren.accountability.actions import do_create_open311_key


class Command(BaseCommand):
    help = "Open311 GeoReport v2: manage the api_keys of client applications."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create-key", help="create an api_key (printed once; only its digest is kept)")
        create.add_argument("--name", required=True)

    def handle(self, *args, action, name, **options):
        try:
            row, key = do_create_open311_key(actor=None, name=name)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stderr.write(f"api_key for {row.name!r} (shown once):")
        self.stdout.write(key)
