"""Pure rules of findings (问题线索): how a dedupe key is formed and which status moves are allowed."""

from __future__ import annotations

from zeren.findings.models import TRANSITIONS


def dedupe_key(source_app: str, cause: str, evidence_type: str, evidence_id: str) -> str:
    """One finding per cause per evidence record: ``app:cause:type:id`` (去重键)."""
    return f"{source_app}:{cause}:{evidence_type}:{evidence_id}"


def can_move(current: str, new: str) -> bool:
    """Whether the workflow allows ``current`` → ``new`` (a no-op move is allowed and does nothing)."""
    return current == new or new in TRANSITIONS.get(current, frozenset())
