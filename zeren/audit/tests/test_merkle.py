"""Merkle trees and inclusion proofs against the recursive definitions of RFC 6962 §2.1."""

import hashlib

from hypothesis import given
from hypothesis import strategies as st

from zeren.audit.rules import inclusion_path, leaf_hash, merkle_root, node_hash, root_from_path


def mth(leaves: list[bytes]) -> bytes:
    """MTH(D[n]) exactly as RFC 6962 writes it."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return leaves[0]
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return node_hash(mth(leaves[:k]), mth(leaves[k:]))


def leaves_of(n: int) -> list[bytes]:
    return [leaf_hash(hashlib.sha256(str(i).encode()).hexdigest()) for i in range(n)]


def test_leaf_and_node_hashes_are_domain_separated():
    entry = "ab" * 32
    assert leaf_hash(entry) == hashlib.sha256(b"\x00" + bytes.fromhex(entry)).digest()
    assert node_hash(b"l", b"r") == hashlib.sha256(b"\x01lr").digest()


@given(st.integers(min_value=0, max_value=300))
def test_root_matches_the_recursive_definition(n):
    leaves = leaves_of(n)
    assert merkle_root(leaves) == mth(leaves)


@given(st.integers(min_value=1, max_value=130).flatmap(lambda n: st.tuples(st.just(n), st.integers(0, n - 1))))
def test_every_leaf_proves_into_the_root_and_nowhere_else(case):
    n, index = case
    leaves = leaves_of(n)
    path = inclusion_path(index, leaves)
    root = merkle_root(leaves)
    assert root_from_path(index, n, leaves[index], path) == root
    other = leaf_hash("cd" * 32)
    assert root_from_path(index, n, other, path) != root
    if n > 1:
        assert root_from_path((index + 1) % n, n, leaves[index], path) != root
