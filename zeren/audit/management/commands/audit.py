"""``zeren audit verify | checkpoint | prove SEQ | verify-proof FILE``: the audit log's trust commands."""

from __future__ import annotations

import json
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from zeren.audit.actions import ChainBroken, do_create_checkpoint
from zeren.audit.models import AuditEntry
from zeren.audit.proofs import NotCheckpointed, build_proof
from zeren.audit.rules import check_proof
from zeren.audit.verify import verify_log


class Command(BaseCommand):
    help = "Verify the audit chain, create a checkpoint, print or check an inclusion proof."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="command", required=True)
        sub.add_parser("verify", help="recompute the chain and the checkpoints; exit 1 naming the first bad entry")
        sub.add_parser("checkpoint", help="seal the entries since the last checkpoint under a Merkle root")
        prove = sub.add_parser("prove", help="print the inclusion proof of entry SEQ as JSON")
        prove.add_argument("seq", type=int)
        check = sub.add_parser("verify-proof", help="check a proof printed by `prove` (no database needed)")
        check.add_argument("file", type=Path)

    def handle(self, *args, command, **options):
        getattr(self, "_" + command.replace("-", "_"))(**options)

    def _verify(self, **options):
        started = time.perf_counter()
        report = verify_log()
        seconds = time.perf_counter() - started
        if not report.ok:
            bad = report.first_bad
            raise CommandError(f"audit log does NOT verify: first bad entry #{bad.seq}: {bad.message}")
        self.stdout.write(self.style.SUCCESS(
            f"audit log verifies: {report.entries} entries, {report.checkpoints} checkpoints ({seconds:.2f} s)"))
        if report.unsealed:
            self.stdout.write(f"{report.unsealed} entries (#{report.sealed + 1}–#{report.entries}) are not covered by "
                              "a checkpoint yet: they are protected by the chain alone (`zeren audit checkpoint`)")
        else:
            self.stdout.write("every entry is covered by a checkpoint")

    def _checkpoint(self, **options):
        try:
            checkpoint = do_create_checkpoint()
        except ChainBroken as exc:
            raise CommandError(f"refusing to checkpoint a broken chain: {exc}") from exc
        if checkpoint is None:
            self.stdout.write("no new entries since the last checkpoint")
            return
        self.stdout.write(self.style.SUCCESS(
            f"checkpoint {checkpoint.pk}: entries #{checkpoint.first_seq}–#{checkpoint.last_seq}, root {checkpoint.root}"))

    def _prove(self, seq, **options):
        try:
            proof = build_proof(seq)
        except AuditEntry.DoesNotExist as exc:
            raise CommandError(f"no audit entry #{seq}") from exc
        except NotCheckpointed as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(json.dumps(proof, ensure_ascii=False, indent=2))

    def _verify_proof(self, file, **options):
        try:
            proof = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise CommandError(f"{file}: {exc}") from exc
        ok, message = check_proof(proof)
        if not ok:
            raise CommandError(f"proof does NOT verify: {message}")
        self.stdout.write(self.style.SUCCESS(f"proof verifies: {message}"))
