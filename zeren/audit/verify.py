"""Recomputing the audit chain and its checkpoints from the database (核验审计日志).

One streaming pass over the entries in ``seq`` order, without model instances: each row is
re-hashed from its content and the hash before it, the links and sequence numbers are checked,
and each checkpoint's Merkle root is recomputed over its range. The first bad sequence number
is reported: an altered, deleted, inserted or reordered entry shows there.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import orjson
from django.db import connection

from zeren.audit.models import AuditEntry, AuditHead, Checkpoint
from zeren.audit.rules import GENESIS_HASH, checkpoint_hash, entry_hash, merkle_root

ROW = ("seq", "at", "actor_id", "actor_username", "actor_unit", "action", "object_type", "object_id",
       "changes", "reason", "extra", "prev_hash", "hash")
CHUNK = 20_000
Row = tuple[int, dict[str, Any], str, str]  # seq, body, prev_hash, hash


@dataclass
class Problem:
    seq: int
    message: str


@dataclass
class Report:
    entries: int = 0
    checkpoints: int = 0
    problems: list[Problem] = field(default_factory=list)
    sealed: int = 0  # entries covered by a checkpoint; the rest are protected by the chain alone

    @property
    def unsealed(self) -> int:
        return self.entries - self.sealed

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def first_bad(self) -> Problem | None:
        return min(self.problems, key=lambda p: p.seq) if self.problems else None


def iter_rows(first: int = 1, last: int | None = None, chunk_size: int = CHUNK) -> Iterator[Row]:
    """Entries as ``(seq, body, prev_hash, hash)`` in ``seq`` order, through a raw (server-side) cursor.

    ``body`` equals ``AuditEntry.body()``, built without model instances.
    """
    table = connection.ops.quote_name(AuditEntry._meta.db_table)
    # On SQLite, `at || ''` skips the driver's datetime converter: the stored text is Django's
    # UTC "YYYY-MM-DD HH:MM:SS[.ffffff]", one step from isoformat().
    at = "at || ''" if connection.vendor == "sqlite" else "at"
    sql = f"SELECT seq, {at}, {', '.join(ROW[2:])} FROM {table} WHERE seq >= %s"
    params = [first] if last is None else [first, last]
    if last is not None:
        sql += " AND seq <= %s"
    loads = orjson.loads
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql + " ORDER BY seq", params)
        while rows := cursor.fetchmany(chunk_size):
            for seq, at, actor_id, username, unit, action, otype, oid, changes, reason, extra, prev, digest in rows:
                body = {
                    "seq": seq, "at": at.replace(" ", "T") + "+00:00" if at.__class__ is str else _iso(at),
                    "actor_id": actor_id, "actor_username": username, "actor_unit": unit, "action": action,
                    "object_type": otype, "object_id": oid,
                    "changes": loads(changes) if changes.__class__ is str else changes,
                    "reason": reason, "extra": loads(extra) if extra.__class__ is str else extra,
                }
                yield seq, body, prev, digest


def _iso(at: datetime) -> str:
    return (at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)).isoformat()


def hash_matches(prev_hash: str, body: dict[str, Any], digest: str) -> bool:
    """Does ``rules.entry_hash(prev_hash, body)`` equal ``digest``?

    orjson with sorted keys writes the same canonical JSON as ``rules.canonical_json`` for
    nearly all values, several times faster; where it differs (some float spellings such as
    1e+16) the exact serialisation decides. Equal hashes mean equal JSON text, so the fast
    path cannot accept a changed entry.
    """
    fast = hashlib.sha256(prev_hash.encode("ascii") + orjson.dumps(body, option=orjson.OPT_SORT_KEYS)).hexdigest()
    return fast == digest or entry_hash(prev_hash, body) == digest


class ChainWalker:
    """Checks entries one by one against the chain so far; records the first broken link."""

    def __init__(self, expected_seq: int = 1, prev_hash: str = GENESIS_HASH) -> None:
        self.expected_seq = expected_seq
        self.prev_hash = prev_hash
        self.problem: Problem | None = None

    def step(self, row: Row) -> bool:
        seq, body, row_prev, digest = row
        expected = self.expected_seq
        if seq != expected:
            what = "is missing" if seq > expected else "appears twice or out of order"
            self.problem = Problem(expected, f"entry #{expected} {what} (found #{seq} next)")
            return False
        if not hash_matches(self.prev_hash, body, digest):
            if row_prev != self.prev_hash and hash_matches(row_prev, body, digest):
                # This entry is intact; the one before was rewritten and re-hashed.
                self.problem = Problem(seq - 1, f"entry #{seq - 1} was altered: #{seq} chains to another hash")
            else:
                self.problem = Problem(seq, f"entry #{seq} was altered: its content does not match its hash")
            return False
        if row_prev != self.prev_hash:
            self.problem = Problem(seq, f"entry #{seq} was altered: its previous-hash field was changed")
            return False
        self.prev_hash = digest
        self.expected_seq = seq + 1
        return True


def _checkpoint_problems(checkpoints: list[Checkpoint]) -> list[Problem]:
    problems, prev_hash, next_first = [], GENESIS_HASH, 1
    for cp in checkpoints:
        if cp.prev_hash != prev_hash or checkpoint_hash(cp.body()) != cp.hash:
            problems.append(Problem(cp.first_seq, f"checkpoint {cp.pk} was altered or removed from the chain"))
        if cp.first_seq != next_first or cp.tree_size != cp.last_seq - cp.first_seq + 1:
            problems.append(Problem(min(cp.first_seq, next_first), f"checkpoint {cp.pk} does not follow its predecessor"))
        prev_hash, next_first = cp.hash, cp.last_seq + 1
    return problems


def verify_log(chunk_size: int = CHUNK) -> Report:
    """Recompute the whole chain and every checkpoint; the report names the first bad entry."""
    checkpoints = list(Checkpoint.objects.order_by("last_seq"))
    report = Report(checkpoints=len(checkpoints), problems=_checkpoint_problems(checkpoints),
                    sealed=checkpoints[-1].last_seq if checkpoints else 0)
    walker = ChainWalker()
    pending = iter(checkpoints)
    cp = next(pending, None)
    leaves: list[bytes] = []
    sha256, fromhex = hashlib.sha256, bytes.fromhex
    for row in iter_rows(chunk_size=chunk_size):
        if not walker.step(row):
            break
        report.entries += 1
        if cp is None:
            continue
        leaves.append(sha256(b"\x00" + fromhex(row[3])).digest())
        if row[0] == cp.last_seq:
            if merkle_root(leaves).hex() != cp.root or row[3] != cp.head_hash:
                report.problems.append(Problem(
                    cp.first_seq, f"entries #{cp.first_seq}–#{cp.last_seq} no longer match checkpoint {cp.pk}"))
            leaves, cp = [], next(pending, None)
    if walker.problem:
        report.problems.append(walker.problem)
    elif cp is not None:
        report.problems.append(Problem(walker.expected_seq, f"entry #{walker.expected_seq} is missing "
                                       f"(checkpoint {cp.pk} covers up to #{cp.last_seq})"))
    else:
        _check_head(walker, report)
    return report


def _check_head(walker: ChainWalker, report: Report) -> None:
    """The last entry must be the chain head every writer locks (catches entries cut off the end or added)."""
    head = AuditHead.objects.filter(pk=1).values("seq", "hash").first()
    last_seq, last_hash = walker.expected_seq - 1, walker.prev_hash
    head_seq, head_hash = (head["seq"], head["hash"]) if head else (0, GENESIS_HASH)
    if head_seq > last_seq:
        report.problems.append(Problem(last_seq + 1, f"entry #{last_seq + 1} is missing (the chain head is #{head_seq})"))
    elif head_seq < last_seq:
        report.problems.append(Problem(head_seq + 1, f"entry #{head_seq + 1} was inserted after the chain head"))
    elif head_hash != last_hash:
        report.problems.append(Problem(last_seq, f"entry #{last_seq} does not match the chain head"))
