"""``zeren restore FILE [--force]``: load a backup into an empty migrated database, then verify the audit log."""

from django.core.management.base import BaseCommand, CommandError

from zeren.audit.backup import RestoreRefused, restore_backup
from zeren.audit.verify import verify_log


class Command(BaseCommand):
    help = "Restore a `zeren backup` file into an empty, migrated database (--force empties it first)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--force", action="store_true", help="empty a non-empty database first (flush)")

    def handle(self, *args, file, force, **options):
        try:
            counts = restore_backup(file, force=force)
        except (RestoreRefused, OSError) as exc:
            raise CommandError(str(exc)) from exc
        report = verify_log()
        if not report.ok:
            raise CommandError(f"restored, but the audit log does NOT verify: #{report.first_bad.seq}: "
                               f"{report.first_bad.message}")
        self.stdout.write(self.style.SUCCESS(
            f"restored {sum(counts.values())} rows of {len(counts)} models; audit log verifies "
            f"({report.entries} entries, {report.checkpoints} checkpoints)"))
