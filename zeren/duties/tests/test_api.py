"""The catalogue API: typed items as of a date, findings in scope."""

from datetime import date

import pytest

from zeren.duties.actions import do_record_findings
from zeren.duties.analysis import analyse
from zeren.duties.tests.factories import content, load
from zeren.findings.models import Finding
from zeren.org.testing import make_small_tree, make_user

pytestmark = pytest.mark.django_db


def test_items_and_findings(client):
    units = make_small_tree()
    load([content("A1", "食品经营许可", ["SZ-SCJG", "SZ-ZJ"]), content("A2", "燃气经营许可", ["SZ-ZJ"],
                                                                   basis="《城镇燃气管理条例》第十五条")],
         day=date(2026, 1, 1))
    do_record_findings(actor=None, report=analyse())
    shared = Finding.objects.get(source_app="duties", cause="duties_multi_head")  # handed to the feedback loop
    assert shared.unit.code == "SZ" and shared.evidence_url.startswith("/duties/findings/")
    # The catalogue is public (published 权责清单); the findings are not.
    public = client.get("/api/v1/duties/items", {"limit": 1}).json()
    assert public["count"] == 2 and len(public["items"]) == 1
    assert client.get("/api/v1/duties/items/A2", {"as_of": "2025-12-31"}).status_code == 404
    assert client.get("/api/v1/duties/items/A2", {"as_of": "2026-01-01"}).json()["name"] == "燃气经营许可"
    assert client.get("/api/v1/duties/findings").status_code == 401
    client.force_login(make_user("leader", "leader", units["city"]))
    data = client.get("/api/v1/duties/items", {"unit": "SZ-ZJ"}).json()
    assert data["count"] == 2 and data["items"][0]["lead_units"] == ["SZ-SCJG", "SZ-ZJ"]
    assert data["items"][1]["legal_basis"] == [{"law": "城镇燃气管理条例", "article": "第十五条", "text": ""}]
    assert client.get("/api/v1/duties/items", {"as_of": "2025-06-01"}).json()["count"] == 0
    assert client.get("/api/v1/duties/items/A2").json()["name"] == "燃气经营许可"
    findings = client.get("/api/v1/duties/findings", {"kind": "multi_head"}).json()["items"]
    assert findings[0]["items"] == ["A1"]
    client.force_login(make_user("staff", "staff", units["supervision"]))
    assert client.get("/api/v1/duties/findings").json()["count"] == 0
    assert client.get(f"/api/v1/duties/findings/{findings[0]['id']}").status_code == 404
