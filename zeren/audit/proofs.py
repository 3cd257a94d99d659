"""Inclusion proofs (包含性证明): that one entry is in a published checkpoint's Merkle tree."""

from __future__ import annotations

from typing import Any

from zeren.audit.models import AuditEntry, Checkpoint
from zeren.audit.rules import inclusion_path, leaf_hash


class NotCheckpointed(LookupError):
    """The entry exists but no checkpoint covers it yet."""


def build_proof(seq: int) -> dict[str, Any]:
    """The proof for entry ``seq``: leaf index, tree size, audit path, root, checkpoint (JSON types).

    Check it with :func:`zeren.audit.rules.check_proof` or ``zeren audit verify-proof FILE``.
    """
    entry = AuditEntry.objects.get(seq=seq)  # DoesNotExist for an unknown seq
    checkpoint = Checkpoint.objects.filter(first_seq__lte=seq, last_seq__gte=seq).first()
    if checkpoint is None:
        raise NotCheckpointed(f"entry #{seq} is not in a checkpoint yet: run `zeren audit checkpoint`")
    hashes = AuditEntry.objects.filter(seq__gte=checkpoint.first_seq, seq__lte=checkpoint.last_seq).order_by(
        "seq").values_list("hash", flat=True)
    leaves = [leaf_hash(h) for h in hashes.iterator(chunk_size=20_000)]
    index = seq - checkpoint.first_seq
    return {
        "seq": seq,
        "leaf_index": index,
        "tree_size": checkpoint.tree_size,
        "audit_path": [h.hex() for h in inclusion_path(index, leaves)],
        "root": checkpoint.root,
        "checkpoint_id": checkpoint.pk,
        "checkpoint": checkpoint.body(),
        "checkpoint_hash": checkpoint.hash,
        "entry": entry.body(),
        "prev_hash": entry.prev_hash,
        "entry_hash": entry.hash,
    }
