"""The oversight API: public register, the referral views by side, refusals as 4xx, the network."""

from __future__ import annotations

from datetime import date

import pytest

from zeren.oversight import actions

from .test_referrals import refer
from .test_sunshine import draft, publish

pytestmark = pytest.mark.django_db


def test_public_register_needs_no_login_and_hides_drafts(client, net):
    publish(net, draft(net, "公开的目标"))
    draft(net, "草稿")
    items = client.get("/api/v1/oversight/publications").json()["items"]
    assert [i["title"] for i in items] == ["公开的目标"] and items[0]["unit_code"] == "SZ-SCJG"


def test_referral_views_by_side(client, net):
    r = refer(net)
    officer = net["users"]["officer"]
    actions.do_register_referral(actor=officer, referral=r, registered_on=date(2026, 10, 9))
    actions.do_add_referral_note(actor=officer, referral=r, body="内部意见")
    client.force_login(net["users"]["finance"])
    seen = client.get(f"/api/v1/oversight/referrals/{r.pk}").json()
    assert seen["view"] == "status" and seen["notes"] == [] and seen["register_due"] == "2026-10-13"
    refused = client.post(f"/api/v1/oversight/referrals/{r.pk}/report", {
        "outcome": "rectification", "summary": "x", "reported_on": "2026-10-20"}, content_type="application/json")
    assert refused.status_code == 403  # the referrer cannot handle its own referral
    client.force_login(officer)
    full = client.get(f"/api/v1/oversight/referrals/{r.pk}").json()
    assert full["view"] == "full" and full["notes"][0]["body"] == "内部意见"
    bad = client.post(f"/api/v1/oversight/referrals/{r.pk}/report", {
        "outcome": "rectification", "summary": " ", "reported_on": "2026-10-20"}, content_type="application/json")
    assert bad.status_code == 422 and "反馈的处理结果" in bad.json()["detail"]
    client.force_login(net["users"]["district_officer"])
    assert client.get(f"/api/v1/oversight/referrals/{r.pk}").status_code == 404


def test_network_and_statistics(client, net):
    refer(net, unit="street", to="district")
    client.force_login(net["users"]["officer"])
    loads = {row["body"]: row for row in client.get("/api/v1/oversight/network").json()}
    assert loads["SZ-FT-JC"]["received"] == 1 and loads["SZ-JC"]["received"] == 0
    stats = client.get("/api/v1/oversight/referral-statistics").json()
    assert stats["source"] == [["财政部门", 1]]
