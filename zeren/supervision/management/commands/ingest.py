"""``zeren ingest FILE.jsonl``: load approval events from a file through the real ingestion path."""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

from zeren.supervision.actions import FILE_CHUNK, ingest_file
from zeren.supervision.models import SourceSystem


class Command(BaseCommand):
    help = "Ingest approval events (JSONL). Exit status 0 if nothing was rejected, 1 otherwise."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--source", default="", help="source system code (default: the command-line source)")
        parser.add_argument("--chunk", type=int, default=FILE_CHUNK, help="events per committed batch")

    def handle(self, *args, file: Path, source: str, chunk: int, **options):
        if not file.is_file():
            raise CommandError(f"{file}: no such file")
        system = None
        if source:
            system = SourceSystem.objects.filter(code=source).first()
            if system is None:
                raise CommandError(f"unknown source system {source!r}")
        quiet = options["verbosity"] < 1 or not sys.stderr.isatty()
        columns = (TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TimeRemainingColumn())
        with Progress(*columns, disable=quiet, transient=True) as bar:
            task = bar.add_task(f"ingest {file.name}", total=file.stat().st_size)
            result = ingest_file(file, source=system, chunk=chunk, progress=lambda n: bar.advance(task, n))
        for rejection in result.rejections[:50]:
            self.stderr.write(f"rejected #{rejection['index'] + 1} {rejection['event_id'] or ''}: {rejection['reason']}")
        if result.rejected > 50:
            self.stderr.write(f"… and {result.rejected - 50} more (see the rejected-events store)")
        self.stdout.write(f"accepted {result.accepted}, duplicates {result.duplicates}, rejected {result.rejected}")
        if result.rejected:
            sys.exit(1)
