"""The public portal at ``/``: what the anonymous visitor finds, with the small demo city.

No public menu item or home-page link may lead to a login form: every link of the anonymous home
page, and every link of each page of the public menu, is followed and must answer 200.
"""

from __future__ import annotations

import csv
import io

import pytest

from zeren.core.testing import Page, internal_links
from zeren.portal.selectors import published_rounds


@pytest.fixture(autouse=True)
def no_rate_limits(settings):
    settings.ZEREN_RATELIMITS = {}


def test_no_public_link_leads_to_a_login_form(demo_city, client, db):
    home = Page(client.get("/").content.decode())
    menu = internal_links(home.menu)
    assert {"/duties/", "/supervision/public/", "/public/results/", "/public/accountability/", "/sunshine/",
            "/transparency/", "/org/", "/public/"} <= menu
    to_check = internal_links(home.links)
    for page in sorted(menu):
        to_check |= internal_links(Page(client.get(page).content.decode()).links)
    assert len(to_check) > 60  # the demo's disclosures, rounds, papers, duties and units are linked
    for url in sorted(to_check):
        response = client.get(url)
        assert response.status_code == 200, f"{url} answers {response.status_code} {response.get('Location', '')}"


def test_the_home_page_gathers_the_public_records(demo_city, client, db):
    html = client.get("/").content.decode()
    for heading in ["我要投诉", "查询投诉办理进度", "满意度调查", "权责清单", "行政审批按时办结率", "部门责任白皮书",
                    "绩效评估结果", "阳光工程", "问责公开", "审计透明度"]:
        assert heading in html
    assert 'href="/sunshine/feed.atom"' in html  # the Atom feed of the disclosures
    latest = published_rounds().first()
    assert latest is not None and f'href="/evaluation/rounds/{latest.pk}/"' in html
    assert 'action="/duties/"' in html  # the duty search takes a department or an item name


def test_a_signed_in_user_lands_on_their_page_and_keeps_the_portal(demo_city, client, db):
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.shortcuts import resolve_url

    client.force_login(get_user_model().objects.get(username="staff"))
    response = client.get("/")
    if resolve_url(settings.LOGIN_REDIRECT_URL) == "/":
        assert response.status_code == 200
    else:
        assert response.status_code == 302 and response["Location"] == resolve_url(settings.LOGIN_REDIRECT_URL)
    assert "绩效评估结果" in client.get("/public/").content.decode()


def test_published_results_are_public_and_unpublished_ones_are_not(demo_city, client, db):
    from zeren.evaluation.models import Round

    published = published_rounds().first()
    assert published is not None
    html = client.get("/public/results/").content.decode()
    assert published.name in html
    page = client.get(f"/evaluation/rounds/{published.pk}/")
    assert page.status_code == 200 and published.name in page.content.decode()
    unit = published.results.exclude(rank=0).first().unit
    assert client.get(f"/evaluation/rounds/{published.pk}/units/{unit.code}/").status_code == 200
    hidden = Round.objects.exclude(pk__in=published_rounds()).first()
    if hidden is not None:
        assert client.get(f"/evaluation/rounds/{hidden.pk}/").status_code == 404
        assert hidden.name not in html


def test_duties_found_by_department_name(demo_city, client, db):
    from zeren.org.models import Unit

    unit = Unit.objects.get(code="SZ-SCJG")
    html = client.get("/duties/", {"q": unit.name}).content.decode()
    assert "没有符合条件的事项" not in html and unit.name in html


def test_on_time_rates_searched_filtered_and_downloaded(demo_city, client, db):
    html = client.get("/supervision/public/").content.decode()
    assert "深圳市市场监督管理局" in html and "福田区发展和改革局" in html and "下载 CSV" in html

    html = client.get("/supervision/public/", {"q": "市场监督"}).content.decode()
    assert "深圳市市场监督管理局" in html and "福田区发展和改革局" not in html

    html = client.get("/supervision/public/", {"district": "SZ-FT"}).content.decode()
    assert "福田区发展和改革局" in html and "深圳市市场监督管理局" not in html

    html = client.get("/supervision/public/", {"q": "不存在的局"}).content.decode()
    assert "没有名称含“不存在的局”的部门" in html

    response = client.get("/supervision/public/", {"district": "SZ-FT", "format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["部门", "单位代码", "所属政府"]
    assert {r[1] for r in rows[1:]} == {"SZ-FT-FGJ", "SZ-FT-ZFB"} and all(r[2] == "福田区人民政府" for r in rows[1:])
    assert all(0 <= float(r[5]) <= 100 for r in rows[1:] if r[5])


def test_portal_in_english(demo_city, client, db):
    client.cookies["django_language"] = "en"
    html = client.get("/").content.decode()
    assert "Open government" in html and "Make a complaint" in html
    assert "Department" in client.get("/supervision/public/").content.decode()
