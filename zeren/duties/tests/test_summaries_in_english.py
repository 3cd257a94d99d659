"""The analysis writes its summaries as messages (issue 18 item 7): pages show them in the reader's
language, the shared finding's title too."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import translation

from zeren.duties.actions import do_record_findings
from zeren.duties.analysis import analyse
from zeren.duties.models import DutyFinding
from zeren.duties.tests.factories import content, load
from zeren.findings.models import Finding
from zeren.org.models import Unit
from zeren.org.testing import make_small_tree, make_user

pytestmark = pytest.mark.django_db


def test_summaries_and_shared_titles_read_in_both_languages(client):
    units = make_small_tree()
    load([content("YL-1", "养老机构设立许可", ["SZ-SCJG"], basis="《中华人民共和国老年人权益保障法》第四十四条"),
          content("YL-2", "设立养老机构的审批", ["SZ-ZJ"], basis="《老年人权益保障法》第44条"),
          content("YL-3", "开办养老机构许可", ["SZ-JC"], basis="《老年人权益保障法》（2018年修正）第四十四条"),
          content("NL-1", "无人牵头的事项", [])], "养老", date(2026, 2, 1))
    do_record_findings(actor=None, report=analyse())
    orphan = DutyFinding.objects.get(kind="orphan", item_codes=["NL-1"])
    assert orphan.summary == "无人牵头的事项：没有牵头单位"
    cluster = DutyFinding.objects.get(item_codes=["YL-1", "YL-2", "YL-3"])
    with translation.override("en"):
        assert orphan.display_summary == "无人牵头的事项: no lead unit"
        assert "(and others, 3 items) carried out separately by 3 units" in cluster.display_summary
        shared = Finding.objects.get(evidence_type="duties.dutyfinding", evidence_id=str(cluster.pk))
        assert shared.display_title == cluster.display_summary
    client.force_login(make_user("admin", "admin", units["city"]))
    client.cookies["django_language"] = "en"
    page = client.get(reverse("duties:finding", args=[cluster.pk])).content.decode()
    assert "carried out separately by 3 units" in page and "个单位分别实施" not in page
    page = client.get(reverse("duties:analysis"), {"kind": "multi_head"}).content.decode()
    assert "carried out separately by 3 units" in page and "个单位分别实施" not in page


def test_the_catalogue_finds_items_by_a_departments_english_name(client):
    make_small_tree()
    Unit.objects.filter(code="SZ-ZJ").update(name_en="Housing and Construction Bureau")
    load([content("ZJ-1", "建筑工程施工许可", ["SZ-ZJ"]), content("SC-1", "食品经营许可", ["SZ-SCJG"])],
         "首批", date(2026, 1, 1))
    client.cookies["django_language"] = "en"
    html = client.get(reverse("duties:index"), {"q": "housing and construction"}).content.decode()
    assert "建筑工程施工许可" in html and "食品经营许可" not in html
    assert "Housing and Construction Bureau" in html  # the unit named in English beside its item


def test_a_findings_evidence_reads_as_labelled_fields(client):
    """Evidence is shown as labelled fields in the reader's language, codes by their labels (issue 18
    item 5), never as JSON with English keys."""
    units = make_small_tree()
    finding = DutyFinding.objects.create(kind="level_mismatch", item_codes=["X-1"], unit_codes=["SZ-SCJG"],
                                         unit=Unit.objects.get(code="SZ-SCJG"), key="level:X-1",
                                         summary="层级不符", evidence={"rule": "street_licensing", "level": "street",
                                                                       "unit": "SZ-SCJG", "area": "social_management"})
    client.force_login(make_user("admin", "admin", units["city"]))
    page = client.get(reverse("duties:finding", args=[finding.pk])).content.decode()
    assert "行政许可原则上不由街道实施" in page and "社会管理" in page and "深圳市市场监督管理局（SZ-SCJG）" in page
    assert "street_licensing" not in page and "social_management" not in page and "JSON" not in page
    client.cookies["django_language"] = "en"
    page = client.get(reverse("duties:finding", args=[finding.pk])).content.decode()
    assert "Level rule" in page and "Social management" in page and "Street" in page
