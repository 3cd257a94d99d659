"""`zeren backup` / `zeren restore`: everything comes back, and the audit chain still verifies."""

import gzip
import json

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError

from zeren.access.models import RoleAssignment
from zeren.audit.actions import do_create_checkpoint, record_change, snapshot
from zeren.audit.models import AuditEntry, Checkpoint
from zeren.audit.verify import verify_log
from zeren.org.models import Unit
from zeren.org.testing import make_small_tree, make_user


def build_world():
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

    call_command("restore", str(path), "--force")
    assert verify_log().ok and Unit.objects.count() == 8


def test_not_a_backup_is_refused(tmp_path):
    path = tmp_path / "x.gz"
    with gzip.open(path, "wt") as f:
        f.write('{"format": "something-else"}\n')
    with pytest.raises(CommandError, match="not a zeren-backup"):
        call_command("restore", str(path))
