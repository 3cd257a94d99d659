"""Pure rules of the tamper-evident audit log (审计日志): canonical form and hash chain.

Each entry's hash is ``SHA-256(previous hash ‖ canonical JSON of the entry)``; the first
entry chains from :data:`GENESIS_HASH`. Canonical JSON: keys sorted, no insignificant
white space, UTF-8, non-ASCII kept as is, so the same entry always hashes the same on any
database engine.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

GENESIS_HASH = "0" * 64


def _default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, set | frozenset):
        return sorted(value)
    return str(value)


def canonical_json(value: Any) -> str:
    """The one serialisation every hash in zeren is computed over."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=_default)


def normalise(value: Any) -> Any:
    """Turn a value into plain JSON types, exactly as it will read back from the database."""
    return json.loads(canonical_json(value))


def entry_hash(prev_hash: str, body: dict[str, Any]) -> str:
    """``SHA-256(prev_hash ‖ canonical_json(body))`` as lowercase hex."""
    digest = hashlib.sha256()
    digest.update(prev_hash.encode("ascii"))
    digest.update(canonical_json(body).encode("utf-8"))
    return digest.hexdigest()


def field_changes(before: dict[str, Any] | None, after: dict[str, Any] | None) -> dict[str, list[Any]]:
    """``{field: [before, after]}`` for the fields whose values differ (创建/删除 give one side ``None``)."""
    before = normalise(before or {})
    after = normalise(after or {})
    return {
        key: [before.get(key), after.get(key)]
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    }
