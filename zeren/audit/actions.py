"""Writing audit entries. Every domain action calls :func:`record_event` in its transaction."""

from __future__ import annotations

from typing import Any

from django.db import models, transaction
from django.utils import timezone

from zeren.audit.models import AuditEntry, AuditHead, Checkpoint
from zeren.audit.rules import (
    GENESIS_HASH,
    checkpoint_hash,
    entry_hash,
    field_changes,
    leaf_hash,
    merkle_root,
    normalise,
)
from zeren.audit.schedule import every_entries, seal_quietly
from zeren.audit.verify import ChainWalker, iter_rows


def object_label(obj: models.Model) -> tuple[str, str]:
    """``("app.model", pk)`` — how the log names a record."""
    return obj._meta.label_lower, str(obj.pk)


def snapshot(obj: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """The concrete field values of ``obj`` (foreign keys as their raw ids), for before/after diffs."""
    names = fields or [f.attname for f in obj._meta.concrete_fields]
    return normalise({name: getattr(obj, name) for name in names})


def _actor_fields(actor: Any) -> dict[str, Any]:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return {"actor_id": None, "actor_username": "" if actor is None else "anonymous", "actor_unit": ""}
    unit = getattr(actor, "unit_code", "") or ""
    return {"actor_id": actor.pk, "actor_username": actor.get_username(), "actor_unit": unit}


def record_event(
    *,
    actor: Any,
    action: str,
    object_type: str,
    object_id: str,
    changes: dict[str, Any] | None = None,
    reason: str = "",
    extra: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry to the chain, inside the caller's transaction.

    ``actor`` is a user, ``None`` for the system itself (imports run by a command, scans),
    or an anonymous user for public submissions.
    """
    with transaction.atomic():
        head = AuditHead.objects.select_for_update().filter(pk=1).first()
        if head is None:
            head = AuditHead.objects.create(pk=1, seq=0, hash=GENESIS_HASH)
        entry = AuditEntry(
            seq=head.seq + 1,
            at=timezone.now(),
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            changes=normalise(changes or {}),
            reason=reason or "",
            extra=normalise(extra or {}),
            prev_hash=head.hash,
            **_actor_fields(actor),
        )
        entry.hash = entry_hash(head.hash, entry.body())
        entry.save(force_insert=True)
        AuditHead.objects.filter(pk=1).update(seq=entry.seq, hash=entry.hash)
        every = every_entries()
        if every and entry.seq % every == 0:  # seal the log as it grows, once this transaction has committed
            transaction.on_commit(seal_quietly)
        return entry


def record_change(
    *,
    actor: Any,
    action: str,
    obj: models.Model,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    reason: str = "",
    extra: dict[str, Any] | None = None,
) -> AuditEntry:
    """Record a create (``before=None``), update, or delete (``after=None``) of ``obj``."""
    object_type, object_id = object_label(obj)
    return record_event(
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=object_id,
        changes=field_changes(before, after),
        reason=reason,
        extra=extra,
    )


class ChainBroken(Exception):
    """The log does not verify, so it must not be sealed by a checkpoint."""


def do_create_checkpoint() -> Checkpoint | None:
    """Seal the entries since the last checkpoint under a Merkle root (创建检查点); ``None`` if none are new.

    The range is re-verified first (chain links and hashes from the previous checkpoint's
    head), so a checkpoint never blesses an entry that was already tampered with.
    """
    with transaction.atomic():
        head = AuditHead.objects.select_for_update().filter(pk=1).first()
        last = Checkpoint.objects.order_by("-last_seq").first()
        start = last.last_seq + 1 if last else 1
        if head is None or head.seq < start:
            return None
        walker = ChainWalker(start, last.head_hash if last else GENESIS_HASH)
        leaves = []
        for row in iter_rows(start, head.seq):
            if not walker.step(row):
                raise ChainBroken(walker.problem.message if walker.problem else f"entry #{row[0]}")
            leaves.append(leaf_hash(row[3]))
        if walker.expected_seq != head.seq + 1 or walker.prev_hash != head.hash:
            raise ChainBroken(f"entry #{walker.expected_seq} is missing or the chain head does not match")
        checkpoint = Checkpoint(
            first_seq=start, last_seq=head.seq, tree_size=head.seq - start + 1,
            root=merkle_root(leaves).hex(), head_hash=head.hash, created_at=timezone.now(),
            prev_hash=last.hash if last else GENESIS_HASH,
        )
        checkpoint.hash = checkpoint_hash(checkpoint.body())
        checkpoint.save(force_insert=True)
        return checkpoint
