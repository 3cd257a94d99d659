import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from zeren.audit.models import AuditEntry
from zeren.findings.actions import FindingSpec, do_raise_finding, do_raise_findings, do_set_finding_status
from zeren.findings.causes import labels
from zeren.findings.models import Finding
from zeren.findings.rules import dedupe_key
from zeren.findings.selectors import findings_for
from zeren.org.testing import make_small_tree, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    return make_small_tree()


def raise_one(unit, key="supervision:red_card:case:C1"):
    return do_raise_finding(actor=None, dedupe_key=key, cause="red_card", source_app="supervision",
                            title="办件 C1 超期", unit=unit, evidence_type="supervision.approvalcase",
                            evidence_id="C1", evidence_url="/supervision/cases/C1/")


def test_raising_twice_gives_one_finding_and_one_audit_entry(tree):
    first, created = raise_one(tree["market"])
    again, created_again = raise_one(tree["market"])
    assert created and not created_again and first.pk == again.pk
    assert Finding.objects.count() == 1
    assert AuditEntry.objects.filter(action="findings.raise").count() == 1


def test_bulk_raise_is_idempotent_with_one_audit_entry_per_batch(tree):
    specs = [FindingSpec(dedupe_key=dedupe_key("supervision", "red_card", "case", f"C{i}"), cause="red_card",
                         source_app="supervision", title=f"C{i}", unit_id=tree["housing"].pk,
                         evidence_type="case", evidence_id=f"C{i}") for i in range(5)]
    assert do_raise_findings(actor=None, specs=specs) == 5
    assert do_raise_findings(actor=None, specs=specs + specs) == 0
    assert Finding.objects.count() == 5
    entry = AuditEntry.objects.get(action="findings.raise_batch")
    assert len(entry.extra["sha256"]) == 64 and entry.changes == {"count": 5}


def test_scope_staff_sees_only_own_unit_officer_sees_city(tree):
    raise_one(tree["market"], "k1")
    raise_one(tree["district_market"], "k2")
    staff = make_user("s", "staff", tree["market"])
    officer = make_user("o", "supervision_officer", tree["city"])
    district = make_user("d", "staff", tree["district"])
    assert [f.dedupe_key for f in findings_for(staff)] == ["k1"]
    assert findings_for(officer).count() == 2
    assert [f.dedupe_key for f in findings_for(district)] == ["k2"]
    assert [f.dedupe_key for f in findings_for(officer, unit_code="SZ-FT")] == ["k2"]


def test_status_workflow_is_audited_and_guarded(tree):
    finding, _ = raise_one(tree["market"])
    officer = make_user("o", "supervision_officer", tree["city"])
    staff = make_user("s", "staff", tree["market"])
    with pytest.raises(PermissionDenied):
        do_set_finding_status(actor=staff, finding=finding, status="accepted")
    with pytest.raises(ValidationError):
        do_set_finding_status(actor=officer, finding=finding, status="resolved")
    done = do_set_finding_status(actor=officer, finding=finding, status="accepted", reason="移送问责")
    assert done.status == "accepted"
    entry = AuditEntry.objects.get(action="findings.set_status")
    assert entry.changes["status"] == ["open", "accepted"] and entry.reason == "移送问责"


def test_list_page_and_api(client, tree, django_assert_max_num_queries):
    for i in range(30):
        raise_one(tree["market"], f"k{i}")
    officer = make_user("o", "supervision_officer", tree["city"])
    client.force_login(officer)
    with django_assert_max_num_queries(8):
        response = client.get("/findings/")
    assert response.status_code == 200
    assert "办件 C1 超期" in response.content.decode()
    data = client.get("/api/v1/findings/?limit=5").json()
    assert data["count"] == 30 and data["items"][0]["unit_code"] == "SZ-SCJG"
    first = data["items"][0]
    assert (first["cause_label"], first["status_label"]) == (labels()[first["cause"]], "待处理")
    client.cookies["django_language"] = "en"
    english = client.get("/api/v1/findings/?limit=5").json()["items"][0]
    client.cookies["django_language"] = "zh-hans"
    with translation.override("en"):
        assert (english["cause_label"], english["status_label"]) == (labels()[first["cause"]], "Open")
    fid = data["items"][0]["id"]
    moved = client.post(f"/api/v1/findings/{fid}/status", {"status": "dismissed", "reason": "误报"},
                        content_type="application/json")
    assert moved.status_code == 200 and moved.json()["status"] == "dismissed"


def test_anonymous_sees_nothing(client, tree):
    raise_one(tree["market"])
    assert client.get("/api/v1/findings/").json()["count"] == 0
    assert client.get("/findings/").status_code == 302
