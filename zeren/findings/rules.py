"""Pure rules of findings (问题线索): how a dedupe key is formed and which status moves are allowed."""

from __future__ import annotations

from zeren.findings.models import OPEN_STATUSES, TRANSITIONS, FindingStatus


def dedupe_key(source_app: str, cause: str, evidence_type: str, evidence_id: str) -> str:
    """One finding per cause per evidence record: ``app:cause:type:id`` (去重键)."""
    return f"{source_app}:{cause}:{evidence_type}:{evidence_id}"


def can_move(current: str, new: str) -> bool:
    """Whether the workflow allows ``current`` → ``new`` (a no-op move is allowed and does nothing)."""
    return current == new or new in TRANSITIONS.get(current, frozenset())


# How a finding follows its source (问题线索随源记录流转): the source's outcome → (the finding
# statuses that move, the status they move to). A resolved or dismissed source settles the
# findings still open on it; a reopened source brings settled ones back to the inbox.
FOLLOW: dict[str, tuple[frozenset[str], str]] = {
    "resolved": (OPEN_STATUSES, FindingStatus.RESOLVED),
    "dismissed": (OPEN_STATUSES, FindingStatus.DISMISSED),
    "reopened": (frozenset({FindingStatus.RESOLVED, FindingStatus.DISMISSED}), FindingStatus.OPEN),
}


def follow_move(outcome: str) -> tuple[frozenset[str], str]:
    """``(statuses that move, new status)`` for a source's ``outcome``; an unknown outcome is an error."""
    try:
        return FOLLOW[outcome]
    except KeyError:
        raise ValueError(f"outcome must be one of {', '.join(FOLLOW)}, not {outcome!r}") from None
