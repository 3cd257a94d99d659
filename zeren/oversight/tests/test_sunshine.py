"""阳光工程: the register's workflow, what the public sees, the feed, the open data and the checklist."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import feedparser
import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zeren.audit.models import AuditEntry
from zeren.findings.models import Finding
from zeren.org.models import Unit
from zeren.oversight import actions
from zeren.oversight.models import Publication, PublicationStatus

from .conftest import PDF

pytestmark = pytest.mark.django_db


def draft(net, title="2026年市场监管工作目标", **kw):
    return actions.do_create_publication(
        actor=net["users"]["market_staff"], unit=net["units"]["market"], category=kw.pop("category", "target"),
        title=title, body="全年完成食品抽检 12000 批次；=SUM(A1) 不应被当作公式。", issued_on=date(2026, 3, 1), **kw)


def publish(net, publication):
    head = net["users"]["market_head"]
    actions.do_approve_publication(actor=head, publication=publication)
    return actions.do_publish_publication(actor=head, publication=publication)


def test_workflow_is_audited_and_only_published_items_are_public(client, net):
    p = draft(net, attachments=[("方案.pdf", PDF)])
    assert client.get("/sunshine/").content.decode().count("2026年市场监管工作目标") == 0
    assert client.get(f"/sunshine/{p.pk}/").status_code == 404  # a draft does not exist for the public
    with pytest.raises(PermissionDenied):  # staff draft, the head approves
        actions.do_approve_publication(actor=net["users"]["market_staff"], publication=p)
    with pytest.raises(ValidationError):  # not approved yet
        actions.do_publish_publication(actor=net["users"]["market_head"], publication=p)
    head = net["users"]["market_head"]
    actions.do_approve_publication(actor=head, publication=p)
    assert client.get(f"/sunshine/{p.pk}/").status_code == 404  # approved is not yet public
    actions.do_publish_publication(actor=head, publication=p)
    page = client.get("/sunshine/").content.decode()
    assert "2026年市场监管工作目标" in page and "深圳市市场监督管理局" in page
    item = client.get(f"/sunshine/{p.pk}/").content.decode()
    assert "方案.pdf" in item
    files = client.get(f"/sunshine/{p.pk}/files/{p.pk and Publication.objects.get(pk=p.pk).pk}/")
    assert files.status_code in (200, 404)
    actions_logged = list(AuditEntry.objects.filter(object_type="oversight.publication", object_id=str(p.pk))
                          .values_list("action", flat=True))
    assert actions_logged == ["oversight.create_publication", "oversight.approved_publication",
                              "oversight.published_publication"]


def test_withdrawal_needs_a_reason_and_keeps_the_page(client, net):
    p = publish(net, draft(net))
    with pytest.raises(ValidationError, match="理由"):
        actions.do_withdraw_publication(actor=net["users"]["market_head"], publication=p, reason="  ")
    actions.do_withdraw_publication(actor=net["users"]["market_head"], publication=p, reason="数据口径有误，更正后重新发布")
    p.refresh_from_db()
    assert p.status == PublicationStatus.WITHDRAWN and p.withdrawn_at
    item = client.get(f"/sunshine/{p.pk}/").content.decode()
    assert "已撤回" in item and "数据口径有误，更正后重新发布" in item
    with pytest.raises(ValidationError):  # withdrawn is final
        actions.do_publish_publication(actor=net["users"]["market_head"], publication=p)
    assert Publication.objects.filter(pk=p.pk).exists()


def test_search_and_category_filter(client, net):
    publish(net, draft(net, "前海发展规划", category="plan"))
    publish(net, draft(net, "台风“山竹”应急处置情况", category="emergency"))
    assert "前海发展规划" not in client.get("/sunshine/?q=台风").content.decode()
    assert "台风“山竹”应急处置情况" in client.get("/sunshine/?q=台风").content.decode()
    only_plans = client.get("/sunshine/?category=plan").content.decode()
    assert "前海发展规划" in only_plans and "台风" not in only_plans


def test_list_query_count_is_bounded(client, net, django_assert_max_num_queries):
    for i in range(12):
        publish(net, draft(net, f"事项 {i}"))
    with django_assert_max_num_queries(4):
        assert client.get("/sunshine/").status_code == 200


def test_atom_feed_validates_and_carries_withdrawals(client, net):
    publish(net, draft(net, "重大决策：地铁票价调整"))
    gone = publish(net, draft(net, "已撤回的规划"))
    actions.do_withdraw_publication(actor=net["users"]["market_head"], publication=gone, reason="规划已调整")
    response = client.get("/sunshine/feed.atom")
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    titles = [e.title for e in feed.entries]
    assert "重大决策：地铁票价调整" in titles and "【已撤回】已撤回的规划" in titles
    withdrawn = next(e for e in feed.entries if e.title.startswith("【已撤回】"))
    assert "规划已调整" in withdrawn.summary and withdrawn.id.endswith(f"/sunshine/{gone.pk}/")
    assert all(e.author == "深圳市市场监督管理局" for e in feed.entries)


def test_open_data_csv_opens_with_chinese_and_json_matches(client, net):
    publish(net, draft(net, "罗湖区旧改规划"))
    draft(net, "未公开的草稿")
    raw = client.get("/sunshine/data.csv")
    assert raw["Content-Disposition"].endswith("sunshine.csv")
    body = raw.content
    assert body.startswith(b"\xef\xbb\xbf")  # UTF-8 byte-order mark: Excel then reads UTF-8
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    assert [r["title"] for r in rows] == ["罗湖区旧改规划"]
    assert rows[0]["unit_name"] == "深圳市市场监督管理局" and rows[0]["category_label"] == "工作目标"
    assert rows[0]["body"].startswith("全年完成食品抽检")
    data = json.loads(client.get("/sunshine/data.json").content)
    assert data["count"] == 1 and data["items"][0]["title"] == "罗湖区旧改规划"


def test_attachments_are_checked_all_at_once(net):
    with pytest.raises(ValidationError) as exc:
        draft(net, attachments=[("a.pdf", b"<html>not a pdf"), ("b.exe", b"MZ..."), ("c.pdf", PDF)])
    text = " ".join(exc.value.messages)
    assert "a.pdf" in text and "b.exe" in text and "c.pdf" not in text
    assert not Publication.objects.exists()  # all or nothing


def test_public_attachment_only_when_published(client, net):
    p = draft(net, attachments=[("方案.pdf", PDF)])
    from zeren.oversight.selectors import attachments_of

    a = attachments_of(p).get()
    assert client.get(f"/sunshine/{p.pk}/files/{a.pk}/").status_code == 404
    publish(net, p)
    response = client.get(f"/sunshine/{p.pk}/files/{a.pk}/")
    assert response.status_code == 200 and response.content == PDF


def test_overdue_checklist_raises_one_finding_and_publishing_meets_it(net):
    officer = net["users"]["officer"]
    due = actions.do_add_requirement(actor=officer, unit=net["units"]["market"], category="plan",
                                     title="“十五五”市场监管规划", due_on=date(2026, 10, 9))
    met = actions.do_add_requirement(actor=officer, unit=net["units"]["market"], category="target",
                                     title="年度工作目标", due_on=date(2026, 10, 9))
    publish(net, draft(net, requirement=met))
    met.refresh_from_db()
    assert met.met_on is not None
    assert actions.do_check_disclosures(actor=None, today=date(2026, 10, 9)) == 0  # due today: not late yet
    assert actions.do_check_disclosures(actor=None, today=date(2026, 10, 10)) == 1
    assert actions.do_check_disclosures(actor=None, today=date(2026, 10, 12)) == 0  # once
    finding = Finding.objects.get(cause="oversight.disclosure_overdue")
    assert finding.unit == net["units"]["market"] and finding.evidence_id == str(due.pk)
    with pytest.raises(PermissionDenied):
        actions.do_add_requirement(actor=net["users"]["market_staff"], unit=net["units"]["market"], category="plan",
                                   title="x", due_on=date(2026, 10, 9))


def test_staff_register_pages(client, net):
    p = draft(net)
    client.force_login(net["users"]["market_head"])
    assert "2026年市场监管工作目标" in client.get("/oversight/publications/").content.decode()
    client.post(f"/oversight/publications/{p.pk}/", {"step": "approve"})
    client.post(f"/oversight/publications/{p.pk}/", {"step": "publish"})
    response = client.post(f"/oversight/publications/{p.pk}/", {"step": "withdraw", "reason": ""}, follow=True)
    assert "撤回已公开事项必须说明理由" in response.content.decode()
    p.refresh_from_db()
    assert p.status == PublicationStatus.PUBLISHED


def test_the_atom_feed_reads_in_english_for_an_english_reader(client, net):
    """The feed's own words follow the reader's language (issue 18 item 7); the items stay as published."""
    Unit.objects.filter(code="SZ-SCJG").update(name_en="Administration for Market Regulation")
    gone = publish(net, draft(net, "已撤回的规划"))
    actions.do_withdraw_publication(actor=net["users"]["market_head"], publication=gone, reason="规划已调整")
    client.cookies["django_language"] = "en"
    feed = feedparser.parse(client.get("/sunshine/feed.atom").content)
    assert not feed.bozo and feed.feed.title == "Sunshine disclosure" and feed.feed.language == "en"
    entry = feed.entries[0]
    assert entry.title == "[Withdrawn] 已撤回的规划" and entry.author == "Administration for Market Regulation"
    assert entry.summary.startswith("[Withdrawn] Reason for withdrawal: 规划已调整")
