"""``zeren duties import|export|analyse``: the catalogue (权责清单) from the command line (thin)."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext
from rich.progress import Progress

from zeren.duties.actions import CatalogueError, do_get_or_create_batch, do_import_items
from zeren.duties.exchange import (
    ImportRejected,
    catalogue_contents,
    read_rows,
    validate_rows,
    write_json,
    write_xlsx,
)


class Command(BaseCommand):
    help = "Import, export and analyse the function catalogue (权责清单)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True)
        imp = sub.add_parser("import", help="import a .xlsx or .json list (all or nothing)")
        imp.add_argument("file", type=Path)
        imp.add_argument("--batch", default="", help="reform batch name (default: 导入 <file> <date>)")
        imp.add_argument("--batch-date", type=date.fromisoformat, default=None, help="batch date (default: today)")
        imp.add_argument("--document", default="", help="document number (文号)")
        exp = sub.add_parser("export", help="export the catalogue")
        exp.add_argument("--format", choices=["json", "xlsx"], default="json")
        exp.add_argument("--output", type=Path, default=None)
        exp.add_argument("--as-of", type=date.fromisoformat, default=None, help="the catalogue as of this date")
        ana = sub.add_parser("analyse", help="run the overlap and gap analysis, print one finding a line")
        ana.add_argument("--format", choices=["jsonl", "xlsx"], default="jsonl")
        ana.add_argument("--threshold", type=float, default=None)
        ana.add_argument("--output", type=Path, default=None)
        ana.add_argument("--no-save", action="store_true", help="do not store the findings")

    def handle(self, *args, verb, **options):
        self.verbosity = options["verbosity"]
        getattr(self, f"_{verb}")(**options)

    def _import(self, file: Path, batch: str, batch_date: date | None, document: str, **_):
        if not file.exists():
            raise CommandError(f"{file}: no such file")
        day = batch_date or timezone.localdate()
        quiet = self.verbosity < 1
        try:
            rows, excel = read_rows(file)
            with Progress(disable=quiet, transient=True) as bar:
                task = bar.add_task(f"检查 {file.name}", total=len(rows))
                contents = validate_rows(file.name, rows, excel, progress=lambda: bar.advance(task))
            with Progress(disable=quiet) as bar:
                task = bar.add_task(f"写入 {file.name}", total=len(contents))
                reform = do_get_or_create_batch(actor=None, name=batch or f"导入 {file.name} {day}", day=day,
                                                document_number=document)
                result = do_import_items(actor=None, contents=contents, batch=reform, source=file.name,
                                         progress=lambda n: bar.advance(task, n))
        except ImportRejected as exc:
            raise CommandError(exc.refusal()) from None
        except CatalogueError as exc:
            raise CommandError(gettext("导入被拒绝，未写入任何数据：%(error)s") % {"error": exc}) from None
        counts = "，".join(f"{k} {v}" for k, v in result.counts.items())
        self.stdout.write(f"{file.name}: {len(contents)} 行，{counts}，未变 {result.unchanged}（批次 {reform.name}）")

    def _export(self, format: str, output: Path | None, as_of: date | None, **_):
        contents = catalogue_contents(as_of)
        if format == "json":
            if output:
                with output.open("w", encoding="utf-8") as out:
                    write_json(contents, out)
            else:
                write_json(contents, self.stdout)
                self.stdout.write("")
        else:
            if output is None:
                raise CommandError("--format xlsx needs --output FILE.xlsx")
            write_xlsx(contents, output)
        if output:
            self.stderr.write(f"{len(contents)} items → {output}")

    def _analyse(self, format: str, threshold: float | None, output: Path | None, no_save: bool, **_):
        from zeren.duties.actions import do_record_findings
        from zeren.duties.analysis import analyse, findings_jsonl, findings_xlsx

        report = analyse(threshold=threshold)
        if not no_save:
            do_record_findings(actor=None, report=report)
        if format == "jsonl":
            out = output.open("w", encoding="utf-8") if output else sys.stdout
            for line in findings_jsonl(report):
                out.write(line + "\n")
            if output:
                out.close()
        else:
            if output is None:
                raise CommandError("--format xlsx needs --output FILE.xlsx")
            findings_xlsx(report, output)
