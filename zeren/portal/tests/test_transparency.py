"""/transparency/ and /api/v1/audit/checkpoints: public checkpoints anyone can save and check."""

import pytest

from zeren.audit.actions import do_create_checkpoint, record_event
from zeren.audit.rules import checkpoint_hash

pytestmark = pytest.mark.django_db


def seal(n: int):
    for i in range(n):
        record_event(actor=None, action="org.unit.update", object_type="org.unit", object_id=str(i),
                     changes={"name": ["旧", "新"]})
    return do_create_checkpoint()


def test_public_page_lists_roots_and_explains_how_to_verify(client):
    first, second = seal(3), seal(2)
    html = client.get("/transparency/").content.decode()
    assert "如何核验" in html and "zeren audit verify-proof" in html
    assert first.root in html and second.root in html and "#4–#5" in html
    assert html.index(second.root) < html.index(first.root)  # newest first


def test_public_page_in_english(client):
    seal(1)
    client.cookies["django_language"] = "en"
    html = client.get("/transparency/").content.decode()
    assert "How to verify" in html and "Merkle tree root" in html


def test_empty_state(client):
    assert "尚未公布检查点" in client.get("/transparency/").content.decode()


def test_checkpoints_api_gives_what_the_hash_covers(client):
    cp = seal(4)
    data = client.get("/api/v1/audit/checkpoints").json()
    assert [(d["id"], d["tree_size"], d["root"]) for d in data] == [(cp.pk, 4, cp.root)]
    assert checkpoint_hash(data[0]["body"]) == data[0]["hash"]


def test_public_landing_links_the_transparency_page(client):
    assert "/transparency/" in client.get("/public/").content.decode()
