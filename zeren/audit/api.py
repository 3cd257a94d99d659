"""Audit API: the public checkpoints (roots and sizes), as on /transparency/."""

from __future__ import annotations

from datetime import datetime

from ninja import Query, Router, Schema

from zeren.audit.selectors import public_checkpoints

router = Router(tags=["audit"])


class CheckpointOut(Schema):
    id: int
    first_seq: int
    last_seq: int
    tree_size: int
    root: str
    head_hash: str
    created_at: datetime
    prev_hash: str
    hash: str
    body: dict  # exactly what ``hash`` covers: SHA-256 of its canonical JSON

    @staticmethod
    def resolve_body(obj) -> dict:
        return obj.body()


@router.get("/checkpoints", response=list[CheckpointOut], auth=None, summary="Published checkpoints (public)")
def checkpoints(request, limit: int = Query(100, ge=1, le=1000), offset: int = Query(0, ge=0, le=10**9)):
    """Newest first. Each root is the RFC 6962 Merkle tree hash of the entry hashes ``first_seq``–``last_seq``."""
    return public_checkpoints()[offset:offset + limit]
