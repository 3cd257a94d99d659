"""``zeren restore FILE [--force]``: check a backup whole, then load it into an empty migrated database (or, with
``--force``, in place of a non-empty one) in one transaction. A refusal is one line and changes nothing."""

from django.core.management.base import BaseCommand, CommandError

from zeren.audit.backup import RestoreRefused, restore_backup
from zeren.audit.verify import verify_log


class Command(BaseCommand):
    help = "Restore a `zeren backup` file into an empty, migrated database (--force replaces a non-empty one)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--force", action="store_true",
                            help="replace the contents of a non-empty database (in the same transaction as the load)")

    def handle(self, *args, file, force, **options):
        try:
            counts = restore_backup(file, force=force)
        except RestoreRefused as exc:
            raise CommandError(f"restore refused, the database is unchanged: {exc}") from exc
        report = verify_log()
        if not report.ok:
            raise CommandError(f"restored, but the audit log does NOT verify: #{report.first_bad.seq}: "
                               f"{report.first_bad.message}")
        self.stdout.write(self.style.SUCCESS(
            f"restored {sum(counts.values())} rows of {len(counts)} models; audit log verifies "
            f"({report.entries} entries, {report.checkpoints} checkpoints)"))
