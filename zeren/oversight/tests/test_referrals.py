"""移送处理: refusals, working-day deadlines, the finding it raises, and who sees what."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zeren.findings.models import Finding
from zeren.oversight import actions, selectors
from zeren.oversight.models import ReferralStatus

from .conftest import PDF, REFERRED_ON

pytestmark = pytest.mark.django_db


def refer(net, unit="market", to="city", by="finance", attachments=None, **kw):
    return actions.do_refer_case(
        actor=net["users"][by], from_body=net["bodies"][by], to_body=net["bodies"][to], unit=net["units"][unit],
        type="funds", title="专项资金挪用", facts="2026年专项资金 120 万元用于办公楼装修。",
        attachments=[("审计底稿.pdf", PDF)] if attachments is None else attachments,
        referred_on=kw.pop("referred_on", REFERRED_ON), **kw)


def test_refused_without_evidence_or_to_a_body_without_jurisdiction(net):
    with pytest.raises(ValidationError, match="证据材料"):
        refer(net, attachments=[])
    with pytest.raises(ValidationError, match="福田区监察局 不负责监督 深圳市市场监督管理局"):
        refer(net, to="district")
    with pytest.raises(ValidationError, match="只有财政、审计、法制、人事部门"):
        actions.do_refer_case(actor=net["users"]["root"], from_body=net["bodies"]["city"], to_body=net["bodies"]["city"],
                              unit=net["units"]["market"], type="funds", title="x", facts="x",
                              attachments=[("a.pdf", PDF)], referred_on=REFERRED_ON)
    with pytest.raises(PermissionDenied):  # an audit officer cannot refer in the finance bureau's name
        actions.do_refer_case(
            actor=net["users"]["audit"], from_body=net["bodies"]["finance"], to_body=net["bodies"]["city"],
            unit=net["units"]["market"], type="funds", title="x", facts="x", attachments=[("a.pdf", PDF)],
            referred_on=REFERRED_ON)


def test_deadlines_in_working_days_and_the_finding(net):
    r = refer(net)
    # 5 working days after Wed 30 Sep 2026, skipping the National Day holiday (1–7 Oct) and the weekend.
    assert r.register_due == date(2026, 10, 13)
    finding = Finding.objects.get(cause="oversight.referral")
    assert finding.unit == net["units"]["market"] and finding.evidence_id == str(r.pk)
    assert finding.source_app == "oversight" and finding.evidence_url == f"/oversight/referrals/{r.pk}/"
    officer = net["users"]["officer"]
    with pytest.raises(PermissionDenied):  # the referrer cannot register its own referral
        actions.do_register_referral(actor=net["users"]["finance"], referral=r, registered_on=date(2026, 10, 9))
    r = actions.do_register_referral(actor=officer, referral=r, registered_on=date(2026, 10, 9))
    assert r.status == ReferralStatus.REGISTERED
    # 30 working days after Fri 9 Oct: Sat 10 Oct is a working day (调休), so Thu 19 Nov, not Fri 20.
    assert r.report_due == date(2026, 11, 19)
    with pytest.raises(ValidationError, match="已登记"):
        actions.do_register_referral(actor=officer, referral=r, registered_on=date(2026, 10, 9))
    with pytest.raises(ValidationError, match="反馈的处理结果"):
        actions.do_report_referral(actor=officer, referral=r, outcome="case_opened", summary=" ",
                                   reported_on=date(2026, 11, 2))
    r = actions.do_report_referral(actor=officer, referral=r, outcome="case_opened",
                                   summary="已立案调查，给予相关责任人警告处分。", reported_on=date(2026, 11, 2))
    assert r.status == ReferralStatus.REPORTED and r.outcome == "case_opened"


def test_referrer_sees_status_only(client, net):
    r = refer(net)
    officer = net["users"]["officer"]
    actions.do_register_referral(actor=officer, referral=r, registered_on=date(2026, 10, 12))
    actions.do_add_referral_note(actor=officer, referral=r, body="内部：约谈财务处长，疑涉及局领导")
    actions.do_report_referral(actor=officer, referral=r, outcome="rectification", summary="责令整改，追回资金。",
                               reported_on=date(2026, 10, 20))
    client.force_login(net["users"]["finance"])
    page = client.get(f"/oversight/referrals/{r.pk}/").content.decode()
    assert "已反馈结果" in page and "责令整改，追回资金。" in page and "2026-10-13" in page
    assert "约谈财务处长" not in page and "<h2>内部办理记录</h2>" not in page and "审计底稿.pdf" not in page
    assert selectors.referral_view_for(net["users"]["finance"], r) == "status"
    attachment = selectors.attachments_of(r).get()
    assert client.get(f"/oversight/attachments/{attachment.pk}/").status_code == 404
    client.force_login(officer)
    page = client.get(f"/oversight/referrals/{r.pk}/").content.decode()
    assert "约谈财务处长" in page and "审计底稿.pdf" in page
    assert client.get(f"/oversight/attachments/{attachment.pk}/").content == PDF


def test_a_district_body_sees_only_its_district(client, net):
    city_case = refer(net)
    district_case = refer(net, unit="street", to="district")
    ft = net["users"]["district_officer"]
    assert list(selectors.referrals_for(ft)) == [district_case]
    assert set(selectors.referrals_for(net["users"]["officer"])) == {city_case, district_case}  # the higher body
    client.force_login(ft)
    assert client.get(f"/oversight/referrals/{city_case.pk}/").status_code == 404
    assert client.get(f"/oversight/referrals/{district_case.pk}/").status_code == 200
    # Another referring body sees neither: not its referral, no supervision scope.
    assert not selectors.referrals_for(net["users"]["audit"]).exists()
    client.force_login(net["users"]["audit"])
    assert client.get(f"/oversight/referrals/{district_case.pk}/").status_code == 404


def test_refusal_shows_a_message_on_the_form(client, net):
    client.force_login(net["users"]["finance"])
    response = client.post("/oversight/referrals/new/", {
        "from_body": net["bodies"]["finance"].pk, "to_body": net["bodies"]["city"].pk, "unit": "SZ-SCJG",
        "type": "funds", "title": "x", "facts": "y", "referred_on": "2026-09-30"}, follow=True)
    assert response.status_code == 200 and "移送案件必须附证据材料" in response.content.decode()
    from io import BytesIO

    upload = BytesIO(PDF)
    upload.name = "证据.pdf"
    response = client.post("/oversight/referrals/new/", {
        "from_body": net["bodies"]["finance"].pk, "to_body": net["bodies"]["city"].pk, "unit": "SZ-SCJG",
        "type": "funds", "title": "x", "facts": "y", "referred_on": "2026-09-30", "attachments": upload})
    assert response.status_code == 302


def test_statistics_by_source_type_and_outcome(client, net, django_assert_max_num_queries):
    r = refer(net)
    refer(net, by="audit")
    officer = net["users"]["officer"]
    actions.do_register_referral(actor=officer, referral=r, registered_on=date(2026, 10, 9))
    actions.do_report_referral(actor=officer, referral=r, outcome="no_violation", summary="未发现违纪",
                               reported_on=date(2026, 10, 20))
    assert Finding.objects.get(evidence_id=str(r.pk), cause="oversight.referral").status == "dismissed"
    stats = selectors.referral_statistics(officer)
    assert dict(stats["source"]) == {"财政部门": 1, "审计部门": 1}
    assert dict(stats["outcome"]) == {"未发现违纪违法": 1, "尚未反馈": 1}
    assert dict(stats["type"]) == {"违规使用财政资金": 2}
    client.force_login(officer)
    with django_assert_max_num_queries(14):
        page = client.get("/oversight/referrals/").content.decode()
    assert "审计部门：1" in page
