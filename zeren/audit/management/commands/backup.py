"""``zeren backup FILE``: the whole database as gzipped JSON lines (any engine → any engine)."""

from django.core.management.base import BaseCommand

from zeren.audit.backup import write_backup


class Command(BaseCommand):
    help = "Back up the whole database (audit log included verbatim) to FILE (.jsonl.gz)."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        counts = write_backup(file)
        self.stdout.write(self.style.SUCCESS(f"backed up {sum(counts.values())} rows of {len(counts)} models to {file}"))
