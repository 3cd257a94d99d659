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


# --- Merkle trees over entry hashes (checkpoints, 检查点), RFC 6962 / RFC 9162 §2.1 -------------
# A leaf is the 32 raw bytes of an entry hash. Leaf hash = SHA-256(0x00 ‖ leaf), node hash =
# SHA-256(0x01 ‖ left ‖ right); the prefixes keep a leaf from passing as a node (second preimage).


def leaf_hash(entry_hash_hex: str) -> bytes:
    return hashlib.sha256(b"\x00" + bytes.fromhex(entry_hash_hex)).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def merkle_root(leaf_hashes: list[bytes]) -> bytes:
    """MTH(D[n]) of RFC 6962 §2.1, bottom-up: an unpaired last node moves up unchanged."""
    if not leaf_hashes:
        return hashlib.sha256(b"").digest()
    level = leaf_hashes
    sha256 = hashlib.sha256
    while len(level) > 1:
        paired = [sha256(b"\x01" + level[i] + level[i + 1]).digest() for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            paired.append(level[-1])
        level = paired
    return level[0]


def _split(n: int) -> int:
    """The largest power of two smaller than ``n`` (n > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


def inclusion_path(index: int, leaf_hashes: list[bytes]) -> list[bytes]:
    """PATH(m, D[n]) of RFC 6962 §2.1.1: the sibling hashes from the leaf up to the root."""
    n = len(leaf_hashes)
    if not 0 <= index < n:
        raise ValueError(f"leaf index {index} outside a tree of size {n}")
    if n == 1:
        return []
    k = _split(n)
    if index < k:
        return [*inclusion_path(index, leaf_hashes[:k]), merkle_root(leaf_hashes[k:])]
    return [*inclusion_path(index - k, leaf_hashes[k:]), merkle_root(leaf_hashes[:k])]


def root_from_path(index: int, tree_size: int, leaf: bytes, path: list[bytes]) -> bytes | None:
    """The root an inclusion proof leads to (RFC 9162 §2.1.3.2), or ``None`` if the path is malformed."""
    if not 0 <= index < tree_size:
        return None
    fn, sn, node = index, tree_size - 1, leaf
    for sibling in path:
        if sn == 0:
            return None
        if fn % 2 == 1 or fn == sn:
            node = node_hash(sibling, node)
            if fn % 2 == 0:
                while fn % 2 == 0 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            node = node_hash(node, sibling)
        fn >>= 1
        sn >>= 1
    return node if sn == 0 else None


def checkpoint_hash(body: dict[str, Any]) -> str:
    """A checkpoint's own hash: SHA-256 of its canonical JSON, which includes the previous checkpoint's hash."""
    return hashlib.sha256(canonical_json(body).encode("utf-8")).hexdigest()


def check_proof(proof: dict[str, Any]) -> tuple[bool, str]:
    """Check an inclusion proof as printed by ``zeren audit prove`` (no database needed).

    The entry's content re-hashes to its hash, its leaf hash climbs the audit path to the
    root, and the root is the checkpoint's. Returns ``(ok, explanation)``.
    """
    try:
        entry, path = proof["entry"], [bytes.fromhex(h) for h in proof["audit_path"]]
        index, size, root = int(proof["leaf_index"]), int(proof["tree_size"]), proof["root"]
        if entry_hash(proof["prev_hash"], entry) != proof["entry_hash"]:
            return False, f"entry #{entry.get('seq')}: its content does not match its hash"
        computed = root_from_path(index, size, leaf_hash(proof["entry_hash"]), path)
    except (KeyError, TypeError, ValueError) as exc:
        return False, f"malformed proof: {exc}"
    if computed is None or computed.hex() != root:
        return False, f"entry #{entry.get('seq')} is not in the tree with root {root}"
    checkpoint = proof.get("checkpoint") or {}
    if checkpoint and (checkpoint.get("root") != root or checkpoint_hash(checkpoint) != proof.get("checkpoint_hash")):
        return False, "the checkpoint in the proof does not match its root or hash"
    return True, f"entry #{entry.get('seq')} is leaf {index} of {size} under root {root}"
