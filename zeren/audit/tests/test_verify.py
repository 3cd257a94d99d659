"""`zeren audit verify`: any altered, deleted, inserted or swapped entry is named; an intact log passes."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from zeren.audit.actions import ChainBroken, do_create_checkpoint, record_event
from zeren.audit.models import AuditEntry, Checkpoint
from zeren.audit.proofs import NotCheckpointed, build_proof
from zeren.audit.rules import check_proof
from zeren.audit.verify import verify_log

sqlite_only = pytest.mark.skipif("connection.vendor != 'sqlite'", reason="PostgreSQL refuses the tampering itself")
pytestmark = pytest.mark.django_db


def make_log(n: int = 12) -> None:
    for i in range(1, n + 1):
        record_event(actor=None, action="test.update", object_type="org.unit", object_id=str(i % 4),
                     changes={"name": [f"旧{i}", f"新{i}"], "size": [i, i * 1.5]}, reason=f"调整 {i}")


def verify_fails_at(seq: int) -> None:
    with pytest.raises(CommandError, match=rf"first bad entry #{seq}\b"):
        call_command("audit", "verify")


def raw(sql: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_untouched_log_verifies(capsys):
    make_log()
    do_create_checkpoint()
    make_log(3)
    call_command("audit", "verify")
    assert "15 entries, 1 checkpoints" in capsys.readouterr().out


def test_empty_log_verifies():
    assert verify_log().ok


@sqlite_only
def test_edited_row_is_named():
    make_log()
    raw("UPDATE audit_auditentry SET reason = '改过' WHERE seq = 5")
    verify_fails_at(5)


@sqlite_only
def test_edited_and_rehashed_row_is_named_by_the_next_link():
    make_log()
    entry = AuditEntry.objects.get(seq=5)
    entry.reason = "改过"
    from zeren.audit.rules import entry_hash

    raw("UPDATE audit_auditentry SET reason = %s, hash = %s WHERE seq = 5", ["改过", entry_hash(entry.prev_hash, entry.body())])
    verify_fails_at(5)


@sqlite_only
def test_fully_rewritten_history_is_caught_by_the_checkpoint():
    make_log()
    do_create_checkpoint()
    from zeren.audit.rules import entry_hash

    prev = AuditEntry.objects.get(seq=3).hash
    for entry in AuditEntry.objects.filter(seq__gte=4).order_by("seq"):
        if entry.seq == 4:
            entry.reason = "改写的历史"
        new_hash = entry_hash(prev, entry.body())
        raw("UPDATE audit_auditentry SET reason = %s, prev_hash = %s, hash = %s WHERE seq = %s",
            [entry.reason, prev, new_hash, entry.seq])
        prev = new_hash
    raw("UPDATE audit_audithead SET hash = %s", [prev])
    verify_fails_at(1)  # the rewritten range no longer matches checkpoint 1's root


@sqlite_only
def test_deleted_row_is_named():
    make_log()
    raw("DELETE FROM audit_auditentry WHERE seq = 7")
    verify_fails_at(7)


@sqlite_only
def test_deleted_last_row_is_named():
    make_log()
    raw("DELETE FROM audit_auditentry WHERE seq = 12")
    verify_fails_at(12)


@sqlite_only
def test_swapped_rows_are_named():
    make_log()
    raw("UPDATE audit_auditentry SET seq = -1 WHERE seq = 4")
    raw("UPDATE audit_auditentry SET seq = 4 WHERE seq = 9")
    raw("UPDATE audit_auditentry SET seq = 9 WHERE seq = -1")
    verify_fails_at(4)


@sqlite_only
def test_inserted_row_is_named():
    make_log()
    last = AuditEntry.objects.get(seq=12)
    raw("INSERT INTO audit_auditentry (seq, at, actor_id, actor_username, actor_unit, action, object_type, object_id,"
        " changes, reason, extra, prev_hash, hash) VALUES (13, %s, NULL, '', '', 'x', 'x', '1', '{}', '', '{}', %s, %s)",
        [last.at, last.hash, "f" * 64])
    verify_fails_at(13)


@sqlite_only
def test_a_checkpoint_refuses_to_seal_a_broken_chain():
    make_log()
    raw("UPDATE audit_auditentry SET object_id = '99' WHERE seq = 2")
    with pytest.raises(ChainBroken, match="#2"):
        do_create_checkpoint()
    assert not Checkpoint.objects.exists()


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="the trigger exists on PostgreSQL only")
@pytest.mark.parametrize("sql", ["UPDATE audit_auditentry SET reason = 'x' WHERE seq = 1",
                                 "DELETE FROM audit_auditentry WHERE seq = 1",
                                 "UPDATE audit_checkpoint SET root = 'x'"])
def test_postgresql_refuses_update_and_delete(sql):
    make_log(2)
    do_create_checkpoint()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        raw(sql)
    assert verify_log().ok


def test_checkpoints_chain_and_cover_new_entries_only():
    make_log(5)
    first = do_create_checkpoint()
    assert do_create_checkpoint() is None
    make_log(3)
    second = do_create_checkpoint()
    assert (first.first_seq, first.last_seq, first.tree_size) == (1, 5, 5)
    assert (second.first_seq, second.last_seq, second.prev_hash) == (6, 8, first.hash)
    assert verify_log().checkpoints == 2


def test_proof_round_trip_through_the_commands(tmp_path, capsys):
    make_log(9)
    with pytest.raises(CommandError, match="not in a checkpoint"):
        call_command("audit", "prove", "4")
    call_command("audit", "checkpoint")
    capsys.readouterr()
    call_command("audit", "prove", "4")
    proof = json.loads(capsys.readouterr().out)
    assert (proof["leaf_index"], proof["tree_size"], proof["checkpoint_id"]) == (3, 9, Checkpoint.objects.get().pk)
    path = tmp_path / "proof.json"
    path.write_text(json.dumps(proof), encoding="utf-8")
    call_command("audit", "verify-proof", str(path))
    assert "proof verifies" in capsys.readouterr().out
    proof["entry"]["reason"] = "别的理由"
    path.write_text(json.dumps(proof), encoding="utf-8")
    with pytest.raises(CommandError, match="does NOT verify"):
        call_command("audit", "verify-proof", str(path))


def test_a_proof_for_another_root_fails():
    make_log(6)
    do_create_checkpoint()
    proof = build_proof(2)
    assert check_proof(proof)[0]
    proof["root"] = "0" * 64
    assert not check_proof(proof)[0]
    with pytest.raises(NotCheckpointed):
        record_event(actor=None, action="x", object_type="x", object_id="1")
        build_proof(7)


def test_periodic_task_creates_a_checkpoint_without_a_consumer():
    from zeren.audit.tasks import create_checkpoint

    make_log(2)
    assert create_checkpoint.call_local() == Checkpoint.objects.get().pk
    assert create_checkpoint.call_local() is None
