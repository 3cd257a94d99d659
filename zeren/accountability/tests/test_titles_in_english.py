"""Text written by code reads in the UI's language (issue 18 item 7): a finding's title is stored as a
message and its parameters, and pages render it in English or Chinese; findings raised before keep their
stored title."""

from datetime import date

import pytest
from django.utils import translation

from zeren.accountability.actions import do_escalate_overdue_reviews, do_register_incidents
from zeren.findings.actions import do_raise_finding
from zeren.findings.models import Finding
from zeren.org.models import Unit

pytestmark = pytest.mark.django_db

EN = "Shenzhen Housing and Construction Bureau"


@pytest.fixture
def overdue(tree):
    Unit.objects.filter(pk=tree["housing"].pk).update(name_en=EN)
    do_register_incidents(actor=None, rows=[{"code": "SJ-2026-02", "category": "work_safety", "date": "2026-02-06",
                                             "severity": "relatively_major", "title": "某工地塔吊倒塌",
                                             "units": ["SZ-ZJ"]}])
    do_escalate_overdue_reviews(as_of=date(2026, 10, 29))
    return Finding.objects.get(cause="accountability.review_overdue")


def test_a_generated_title_renders_in_the_active_language(overdue):
    assert overdue.title == "逾期未完成责任检讨：某工地塔吊倒塌（深圳市住房和建设局）"  # stored, in Chinese
    assert overdue.title_key == "accountability.review_overdue"
    with translation.override("en"):
        assert overdue.display_title == f"Responsibility review overdue: 某工地塔吊倒塌 ({EN})"
    with translation.override("zh-hans"):
        assert overdue.display_title == overdue.title


def test_the_inbox_and_the_finding_page_show_the_title_in_english(client, officer, overdue):
    client.force_login(officer)
    english = f"Responsibility review overdue: 某工地塔吊倒塌 ({EN})"
    html = client.get("/accountability/inbox/").content.decode()
    assert overdue.title in html and english not in html
    client.cookies["django_language"] = "en"
    for page in ("/accountability/inbox/", f"/accountability/findings/{overdue.pk}/", "/findings/"):
        html = client.get(page).content.decode()
        assert english in html and "逾期未完成责任检讨" not in html, page
    csv = client.get("/accountability/inbox/export.csv").content.decode("utf-8-sig")
    assert english in csv


def test_a_finding_raised_with_a_plain_title_shows_it_as_stored(client, officer, tree):
    old, _ = do_raise_finding(actor=None, dedupe_key="old", cause="accountability.review_overdue",
                              source_app="accountability", title="旧标题：按原样显示", unit=tree["market"],
                              evidence_type="accountability.incidentreview", evidence_id="1")
    broken, _ = do_raise_finding(actor=None, dedupe_key="broken", cause="accountability.review_overdue",
                                 source_app="accountability", title="参数不全时显示存储的标题", unit=tree["market"],
                                 evidence_type="accountability.incidentreview", evidence_id="2",
                                 title_key="accountability.review_overdue", title_params={"incident": "x"})
    with translation.override("en"):
        assert old.display_title == "旧标题：按原样显示" and broken.display_title == "参数不全时显示存储的标题"
