"""``zeren export FORMAT``: write data out. Formats: ``popolo`` (the organisation registry).

``zeren export popolo [--output FILE] [--include-personal]`` writes one Popolo JSON object
(docs/popolo.md). Phone and ID numbers leave only with ``--include-personal``.
"""

from __future__ import annotations

import json
import sys

from django.core.management.base import BaseCommand

from zeren.org.popolo import to_popolo


def _popolo(options) -> dict:
    return to_popolo(include_personal=options["include_personal"])


FORMATS = {"popolo": _popolo}


class Command(BaseCommand):
    help = "Export data. `zeren export popolo [--output FILE]`: the organisation registry as Popolo JSON."

    def add_arguments(self, parser):
        parser.add_argument("format", choices=sorted(FORMATS))
        parser.add_argument("--output", "-o", help="file to write (default: standard output)")
        parser.add_argument("--include-personal", action="store_true",
                            help="also export phone and ID numbers (protected personal data; administrators only)")

    def handle(self, *args, format, output, **options):
        text = json.dumps(FORMATS[format](options), ensure_ascii=False, indent=1) + "\n"
        if output:
            with open(output, "w", encoding="utf-8") as fh:
                fh.write(text)
            self.stderr.write(f"zeren export {format}: wrote {output}")
        else:
            sys.stdout.write(text)
