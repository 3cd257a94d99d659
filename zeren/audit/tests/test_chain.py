import pytest

from zeren.audit.actions import record_event
from zeren.audit.models import AuditEntry
from zeren.audit.rules import GENESIS_HASH, entry_hash


@pytest.mark.django_db
def test_entries_chain_and_rehash_from_the_database():
    first = record_event(actor=None, action="test.create", object_type="test.thing", object_id="1",
                         changes={"name": [None, "市场监督管理局"]})
    second = record_event(actor=None, action="test.update", object_type="test.thing", object_id="1",
                          changes={"name": ["市场监督管理局", "市场监管局"]}, reason="简称")
    assert (first.seq, second.seq) == (1, 2)
    assert first.prev_hash == GENESIS_HASH and second.prev_hash == first.hash
    prev = GENESIS_HASH
    for entry in AuditEntry.objects.order_by("seq"):
        assert entry.hash == entry_hash(prev, entry.body())
        prev = entry.hash
