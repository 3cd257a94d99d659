"""`zeren backup` / `zeren restore`: everything comes back and the audit chain still verifies; a restore
that cannot complete changes nothing (issue 11, items 2 and 3).

Every kind of bad backup — a flipped bit, a truncated file, a line cut in the middle, whole lines
cut off at a line boundary, a row changed without its digest, an audit entry rewritten with the
digest recomputed, a parent row missing — is restored into an empty and into a non-empty
database, with and without ``--force``. Each time the restore is refused with a one-line message,
and a dump of every table afterwards equals the dump before.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
from django.contrib.auth import authenticate
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from zeren.access.models import RoleAssignment
from zeren.audit.actions import do_create_checkpoint, record_change, snapshot
from zeren.audit.backup import write_backup
from zeren.audit.models import AuditEntry, Checkpoint
from zeren.audit.verify import verify_log
from zeren.org.models import Unit
from zeren.org.testing import make_small_tree, make_user


def build_world() -> None:
    units = make_small_tree()
    user = make_user("mstaff", "staff", units["market"], first_name="小明")
    market = units["market"]
    for name in ("市监局", "市场监管局"):
        before = snapshot(market)
        market.short_name = name
        market.save()
        record_change(actor=user, action="org.unit.update", obj=market, before=before, after=snapshot(market),
                      reason="简称")
    do_create_checkpoint()
    record_change(actor=user, action="org.unit.update", obj=market, before={}, after={"x": 1.5}, reason="之后")


def dump_all() -> dict[str, list[tuple]]:
    """Every row of every table, in a stable order: what "the database as it was" means here."""
    tables = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            tables[table] = sorted(tuple(map(repr, row)) for row in cursor.fetchall())
    return tables


# --- ways to damage a backup -----------------------------------------------------------------


def _lines(path: Path) -> list[bytes]:
    with gzip.open(path, "rb") as f:
        return f.read().splitlines(keepends=True)


def _write(path: Path, lines: list[bytes], *, fix_header: bool = False) -> None:
    """Write ``lines`` back; with ``fix_header`` the header's counts and digest are recomputed, so only
    a deeper check (foreign keys, the audit chain) can notice the change."""
    if fix_header:
        header = json.loads(lines[0])
        rows = [json.loads(line) for line in lines[1:]]
        header["counts"] = {label: sum(r["model"] == label for r in rows) for label in header["counts"]}
        header["sha256"] = hashlib.sha256(b"".join(lines[1:])).hexdigest()
        lines = [(json.dumps(header, ensure_ascii=False) + "\n").encode(), *lines[1:]]
    path.write_bytes(gzip.compress(b"".join(lines)))


def flip_bit(path: Path) -> None:
    """Flip a bit near the middle of the rows (the second gzip member: the header's member before it
    grows with every migration, and on a small database can reach past the file's middle) that changes
    what the file decompresses to: a flip in a gzip member's header bytes that no CRC covers (its MTIME,
    XFL or OS field) leaves the backup intact, not damaged."""
    original = gzip.decompress(path.read_bytes())
    data = bytearray(path.read_bytes())
    header = zlib.decompressobj(16 + zlib.MAX_WBITS)
    header.decompress(bytes(data))
    rows_start = len(data) - len(header.unused_data)
    for at in range(rows_start + (len(data) - rows_start) // 2, len(data)):
        data[at] ^= 0x10
        try:
            changed = gzip.decompress(bytes(data)) != original
        except (OSError, EOFError, zlib.error):
            changed = True
        if changed:
            break
        data[at] ^= 0x10
    path.write_bytes(bytes(data))


def truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def cut_mid_line(path: Path) -> None:
    data = b"".join(_lines(path))
    path.write_bytes(gzip.compress(data[: len(data) // 2]))


def cut_at_line(path: Path) -> None:
    lines = _lines(path)
    _write(path, lines[: len(lines) // 2])


def change_row(path: Path) -> None:
    lines = _lines(path)
    n = next(i for i, line in enumerate(lines) if b'"SZ-ZJ"' in line)
    lines[n] = lines[n].replace("深圳市住房和建设局".encode(), "深圳市另一个局".encode())
    _write(path, lines)


def rewrite_audit_entry(path: Path) -> None:
    lines = _lines(path)
    n = next(i for i, line in enumerate(lines) if b'"audit.auditentry"' in line and "之后".encode() in line)
    lines[n] = lines[n].replace("之后".encode(), "改过".encode())
    _write(path, lines, fix_header=True)


def drop_parent_row(path: Path) -> None:
    lines = _lines(path)
    _write(path, [line for line in lines if b'"code": "SZ-SCJG"' not in line], fix_header=True)


DAMAGE: dict[str, Callable[[Path], None]] = {
    "flipped bit": flip_bit, "truncated": truncate, "cut mid-line": cut_mid_line, "cut at a line": cut_at_line,
    "digest mismatch": change_row, "audit entry rewritten": rewrite_audit_entry, "parent row missing": drop_parent_row,
}
EXPECTED = {
    "flipped bit": "damaged", "truncated": "damaged", "cut mid-line": "damaged", "cut at a line": "rows, the header says",
    "digest mismatch": "SHA-256", "audit entry rewritten": "audit log does not verify",
    "parent row missing": "could not be loaded",
}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("force", [False, True], ids=["plain", "force"])
@pytest.mark.parametrize("target", ["empty", "non-empty"])
@pytest.mark.parametrize("damage", list(DAMAGE))
def test_a_bad_backup_changes_nothing(tmp_path, damage, target, force):
    build_world()
    path = tmp_path / "b.jsonl.gz"
    write_backup(path)
    DAMAGE[damage](path)
    if target == "empty":
        call_command("flush", interactive=False, verbosity=0)
    else:
        make_user("later", "staff", Unit.objects.get(code="SZ-ZJ"))  # the live database differs from the backup
    before = dump_all()

    with pytest.raises(CommandError) as refused:
        call_command("restore", str(path), *(["--force"] if force else []))

    message = str(refused.value)
    assert "\n" not in message and len(message) < 400, message
    if target == "non-empty" and not force and damage in ("audit entry rewritten", "parent row missing"):
        assert "not empty" in message  # a sound-looking file: the emptiness check refuses
    else:
        assert EXPECTED[damage] in message, message
    assert dump_all() == before


@pytest.mark.django_db(transaction=True)
def test_a_sound_backup_replaces_a_non_empty_database(tmp_path):
    build_world()
    path = tmp_path / "b.jsonl.gz"
    counts = write_backup(path)
    with gzip.open(path, "rt", encoding="utf-8") as f:
        header = json.loads(f.readline())
    assert {k: v for k, v in header["counts"].items() if v} == counts and len(header["sha256"]) == 64
    entries = list(AuditEntry.objects.values_list("seq", "hash"))
    make_user("later", "staff", Unit.objects.get(code="SZ-ZJ"))

    call_command("restore", str(path), "--force")

    assert not Unit.objects.get(code="SZ-ZJ").users.exists()
    assert list(AuditEntry.objects.filter(seq__lte=len(entries)).values_list("seq", "hash")) == entries
    assert AuditEntry.objects.order_by("-seq").first().action == "system.restore" and verify_log().ok


@pytest.mark.django_db(transaction=True)
def test_a_version_1_backup_without_counts_is_refused(tmp_path):
    build_world()
    path = tmp_path / "b.jsonl.gz"
    write_backup(path)
    lines = _lines(path)
    header = json.loads(lines[0])
    header.update(version=1)
    del header["counts"], header["sha256"]
    path.write_bytes(gzip.compress(b"".join([json.dumps(header).encode() + b"\n", *lines[1:]])))
    before = dump_all()
    with pytest.raises(CommandError, match="v1 has no row counts"):
        call_command("restore", str(path), "--force")
    assert dump_all() == before


@pytest.mark.django_db(transaction=True)
def test_backup_flush_restore_verify(tmp_path, capsys):
    build_world()
    entries = list(AuditEntry.objects.values_list("seq", "hash"))
    path = tmp_path / "zeren.jsonl.gz"
    call_command("backup", str(path))
    with gzip.open(path, "rt") as f:
        header = json.loads(f.readline())
    assert header["format"] == "zeren-backup"

    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(path))

    call_command("flush", interactive=False, verbosity=0)
    assert not Unit.objects.exists() and not AuditEntry.objects.exists()
    capsys.readouterr()
    call_command("restore", str(path))
    assert "audit log verifies" in capsys.readouterr().out

    assert list(AuditEntry.objects.filter(seq__lte=len(entries)).values_list("seq", "hash")) == entries
    restored = AuditEntry.objects.order_by("-seq").first()
    assert restored.action == "system.restore" and restored.extra["rows"]["org.unit"] == 8
    assert Checkpoint.objects.count() == 1 and verify_log().ok
    assert Unit.objects.get(code="SZ-SCJG").short_name == "市场监管局"
    user = authenticate(username="mstaff", password="pw-zeren-test")
    assert user is not None and user.first_name == "小明" and user.unit.code == "SZ-SCJG"
    assert RoleAssignment.objects.get(user=user).scope_unit.code == "SZ-SCJG"
    # New rows get fresh ids after the restore (sequences were reset).
    assert make_user("newcomer", "staff", Unit.objects.get(code="SZ")).pk > user.pk

    cache.set("computed-from-the-replaced-data", 1)
    call_command("restore", str(path), "--force")
    assert verify_log().ok and Unit.objects.count() == 8
    assert cache.get("computed-from-the-replaced-data") is None  # cached results do not outlive their data


def test_not_a_backup_is_refused(tmp_path):
    path = tmp_path / "x.gz"
    with gzip.open(path, "wt") as f:
        f.write('{"format": "something-else"}\n')
    with pytest.raises(CommandError, match="not a zeren-backup"):
        call_command("restore", str(path))
