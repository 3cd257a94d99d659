"""`zeren demo` end to end on the test database: build, reuse, refuse a foreign database."""

import pytest

from zeren.audit.models import AuditEntry, Checkpoint
from zeren.demo.models import DemoBuild
from zeren.duties.models import FunctionItem
from zeren.findings import causes
from zeren.findings.models import Finding
from zeren.org.models import Unit
from zeren.org.testing import make_unit, run_command
from zeren.supervision.models import ApprovalItem

pytestmark = pytest.mark.django_db


def test_demo_builds_a_verifiable_city_then_reuses_it():
    code, out = run_command("demo", "--size", "small", "--no-serve", "--today", "2026-11-27")
    assert code in (0, None), out
    assert "built the small demo city" in out
    for login in ["admin", "leader", "officer", "perf", "head", "staff", "bianban"]:
        assert f"  {login} " in out
    assert DemoBuild.objects.count() == 1 and Unit.objects.count() > 50
    # The inbox holds findings of every element, each cause declared with its label by its producer.
    raised = set(Finding.objects.values_list("cause", flat=True))
    assert len(raised) > 5 and raised <= set(causes.registry())
    # Every step's writes are in the chain, and the last step sealed them under a public checkpoint.
    last = AuditEntry.objects.order_by("-seq").first()
    assert Checkpoint.objects.filter(last_seq=last.seq).exists()
    code, out = run_command("audit", "verify")
    assert code in (0, None), out
    # Every approval item of e-supervision names a 行政许可 item of the 权责清单 in force (issue 12 item 4).
    licences = set(FunctionItem.objects.filter(category="licensing", is_active=True).values_list("code", flat=True))
    linked = dict(ApprovalItem.objects.values_list("code", "duty_code"))
    assert linked and set(linked.values()) <= licences and linked["SZ-SCJG-XK01"] in licences

    units = Unit.objects.count()
    code, out = run_command("demo", "--no-serve")
    assert "reusing the demo city" in out and Unit.objects.count() == units and DemoBuild.objects.count() == 1


def test_demo_refuses_a_database_it_did_not_build():
    make_unit("XX", name="某市人民政府", kind="government")
    code, out = run_command("demo", "--no-serve")
    assert code == 1 and "refusing to touch it" in out
    assert list(Unit.objects.values_list("code", flat=True)) == ["XX"]
