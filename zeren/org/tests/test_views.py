import pytest
from django.contrib.auth import get_user_model

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", [
    "/org/", "/org/tree/SZ/", "/org/units/SZ-SCJG/", "/org/units/SZ-SCJG-01/", "/org/search/?q=局",
    "/org/search/?q=王&what=persons", "/api/v1/org/units/?limit=100", "/api/v1/org/posts/?limit=100",
    "/api/v1/org/persons/?limit=100", "/api/v1/org/units/SZ-SCJG",
])
def test_list_pages_use_a_bounded_number_of_queries(client, demo_city, django_assert_max_num_queries, url):
    client.force_login(get_user_model().objects.get(username="leader"))
    with django_assert_max_num_queries(12):
        response = client.get(url)
    assert response.status_code == 200


def test_unit_page_shows_posts_holders_children_and_validity(client, demo_city):
    client.force_login(get_user_model().objects.get(username="head"))
    page = client.get("/org/units/SZ-SCJG/").content.decode()
    assert "深圳市市场监督管理局" in page and "局长" in page and "SZ-SCJG-01" in page and "现行" in page
    head = get_user_model().objects.get(username="head").person
    assert head.name in page
    closed = client.get("/org/units/SZ-JMW/").content.decode()
    assert "已撤销" in closed and "2019-02-28" in closed
    assert "常住人口" not in page  # a department has none of its own
    district = client.get("/org/units/SZ-FT/").content.decode()
    assert "<dt>常住人口</dt><dd>1530700 人</dd>" in district  # grouped as the language groups numbers
    assert client.get("/api/v1/org/units/SZ-FT").json()["population"] == 1_530_700


def test_the_public_sees_posts_but_no_people(client, demo_city):
    page = client.get("/org/units/SZ-SCJG/").content.decode()
    head = get_user_model().objects.get(username="head").person
    assert "局长" in page and head.name not in page and "登录后可查看" in page
    assert client.get(f"/org/persons/{head.code}/").status_code == 404


def test_search_paginates(client, demo_city):
    first = client.get("/org/search/", {"q": "SZ"}).content.decode()
    assert 'aria-label="第 1 页（当前）"' in first and "下一页" in first and "页（共" in first
    second = client.get("/org/search/", {"q": "SZ", "page": 2}).content.decode()
    assert "上一页" in second and 'aria-label="第 2 页（当前）"' in second


def test_english_interface(client, demo_city):
    client.cookies["django_language"] = "en"
    page = client.get("/org/units/SZ-SCJG/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Posts" in page and "Log in to see" in page
    district = client.get("/org/units/SZ-FT/").content.decode()
    assert "<dt>Resident population</dt><dd>1,530,700 people</dd>" in district


def test_search_filters_units_by_level_and_kind(client, demo_city):
    page = client.get("/org/search/", {"level": "street", "kind": "street_office"}).content.decode()
    assert page.count("街道办事处</a>") == 6 and "市场监督管理局" not in page
