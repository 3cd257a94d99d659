"""``zeren evaluation import-system FILE.json | import-values FILE --system CODE --round NAME |
score --round NAME [--format jsonl|csv|xlsx] | report --round NAME --output FILE.pdf``."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext

from zeren.core.jsoninput import read_json_file
from zeren.evaluation.actions import (
    ImportRejected,
    do_collect_values,
    do_create_round,
    do_import_system,
    do_import_values,
    do_score_round,
)
from zeren.evaluation.models import IndicatorSystem, Round

SCORE_COLUMNS = ("unit", "score", "rank")


class Command(BaseCommand):
    help = "Performance evaluation: import an indicator system and values, score a round, print its report."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        system = sub.add_parser("import-system", help="create an indicator system from JSON (all or nothing)")
        system.add_argument("file", type=Path)
        values = sub.add_parser("import-values", help="import manual/external values from JSON or Excel")
        values.add_argument("file", type=Path)
        values.add_argument("--system", required=True)
        values.add_argument("--round", required=True, help="the round (created over this year, or a special "
                                                             "evaluation's programme period, for the whole peer "
                                                             "group if it does not exist)")
        score = sub.add_parser("score", help="collect automatic values, score the round and print one line a unit")
        score.add_argument("--round", required=True)
        score.add_argument("--format", choices=("jsonl", "csv", "xlsx"), default="jsonl")
        report = sub.add_parser("report", help="write the round's results as a PDF")
        report.add_argument("--round", required=True)
        report.add_argument("--output", type=Path, required=True)

    def handle(self, *args, action, **options):
        try:
            getattr(self, "_" + action.replace("-", "_"))(**options)
        except ImportRejected as exc:
            for message in exc.errors:
                self.stderr.write(message)
            raise CommandError(gettext("导入被拒绝，未写入任何数据（%(n)s 处错误）") % {"n": len(exc.errors)}) from exc
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc

    def _import_system(self, *, file: Path, **_):
        try:
            data = read_json_file(file.read_bytes())
        except OSError as exc:
            raise CommandError(f"{file}: {exc.strerror}") from exc
        except ValueError as exc:
            raise CommandError(f"{file}: not valid JSON ({exc})") from exc
        system = do_import_system(actor=None, data=data, file=file.name)
        special = f", special evaluation of {system.programme.code}" if system.programme else ""
        self.stdout.write(f"system {system.code}: {system.indicators.count()} indicators, "
                          f"{system.peer_group.units.count()} units in the peer group{special}")

    def _import_values(self, *, file: Path, system: str, round: str, **_):
        from zeren.evaluation.reading import read_values

        if not file.is_file():
            raise CommandError(f"{file}: no such file")
        sys_obj = IndicatorSystem.objects.filter(code=system).first()
        if sys_obj is None:
            raise CommandError(f"no indicator system {system}")
        rnd = Round.objects.filter(name=round).first()
        if rnd is None:  # over this year, or over a special evaluation's programme period
            year = timezone.localdate().year
            programme = sys_obj.programme
            rnd = do_create_round(actor=None, system=sys_obj, name=round,
                                  start=programme.period_start if programme else date(year, 1, 1),
                                  end=programme.period_end if programme else date(year, 12, 31))
            self.stdout.write(f"round {rnd.name} created ({rnd.period_start} – {rnd.period_end})")
        elif rnd.system_id != sys_obj.pk:
            raise CommandError(f"round {round} belongs to system {rnd.system.code}, not {system}")
        rows, first = read_values(file)
        count = do_import_values(actor=None, rnd=rnd, rows=rows, file=file.name, first_row=first)
        self.stdout.write(f"{count} value(s) imported into {rnd.name}")

    def _score(self, *, round: str, format: str, **_):
        rnd = self._round(round)
        if not rnd.frozen:
            do_collect_values(actor=None, rnd=rnd)
            do_score_round(actor=None, rnd=rnd)
        rows = [(r.unit.code, None if r.score is None else round_score(r.score), r.rank)
                for r in rnd.results.select_related("unit").order_by("rank", "unit__code")]
        if format == "jsonl":
            for row in rows:
                self.stdout.write(json.dumps(dict(zip(SCORE_COLUMNS, row, strict=True)), ensure_ascii=False))
            return
        from zeren.core.exports import write_csv, write_xlsx

        data = write_csv([SCORE_COLUMNS, *rows]) if format == "csv" else write_xlsx({rnd.name: [SCORE_COLUMNS, *rows]})
        sys.stdout.buffer.write(data)
        sys.stdout.flush()

    def _report(self, *, round: str, output: Path, **_):
        from zeren.evaluation.reports import round_pdf

        rnd = self._round(round)
        if not rnd.results.exists():
            raise CommandError(f"round {round} has not been scored: run zeren evaluation score --round first")
        output.write_bytes(round_pdf(rnd))
        self.stdout.write(f"{output} written")

    @staticmethod
    def _round(name: str) -> Round:
        rnd = Round.objects.filter(name=name).select_related("system").first()
        if rnd is None:
            raise CommandError(f"no evaluation round {name}")
        return rnd


def round_score(score: float) -> float:
    return round(score, 4)
