"""The 403, 404 and 500 pages: in the site's layout, in the visitor's language, explaining and linking back."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import path

from zeren.access.models import Role
from zeren.org.testing import make_small_tree, make_user
from zeren.urls import urlpatterns as site_urlpatterns

pytestmark = pytest.mark.django_db


def crash(request):
    raise RuntimeError("a bug")


# The site's own URLs and error handlers, plus one page that fails (for the 500 page).
urlpatterns = [path("crash/", crash), *site_urlpatterns]
handler500 = "zeren.core.views.server_error"


def in_layout(html: str) -> bool:
    return 'class="topbar"' in html and 'class="elements"' in html and "<footer>" in html


def test_an_unknown_address_gets_the_404_page_in_the_layout(client):
    response = client.get("/no/such/page/")
    html = response.content.decode()
    assert response.status_code == 404 and in_layout(html)
    assert "页面不存在" in html and "/no/such/page/" in html and 'href="/"' in html and "返回首页" in html
    assert 'href="/login/?next=/no/such/page/"' in html


def test_the_404_page_in_english(client):
    client.cookies["django_language"] = "en"
    html = client.get("/no/such/page/").content.decode()
    assert 'lang="en"' in html and "Page not found" in html and "Back to the home page" in html


def test_a_record_outside_the_scope_is_a_404_in_the_layout(client):
    units = make_small_tree()
    client.force_login(make_user("wang", Role.STAFF, units["market"]))
    response = client.get("/org/persons/NOBODY/")
    assert response.status_code == 404 and in_layout(response.content.decode())


def test_a_scoped_page_answers_the_403_page(client):
    units = make_small_tree()
    client.force_login(make_user("wang", Role.STAFF, units["market"], first_name="王芳"))
    response = client.get("/duties/import/")
    html = response.content.decode()
    assert response.status_code == 403 and in_layout(html)
    assert "无权访问" in html and "权限范围" in html and "王芳" in html  # signed in: the shell shows who
    client.cookies["django_language"] = "en"
    assert "Not allowed" in client.get("/duties/import/").content.decode()


@pytest.mark.urls("zeren.core.tests.test_error_pages")
def test_a_failing_page_answers_the_500_page_in_the_layout():
    client = Client(raise_request_exception=False)
    response = client.get("/crash/")
    html = response.content.decode()
    assert response.status_code == 500 and in_layout(html)
    assert "系统出错" in html and "a bug" not in html and "Traceback" not in html
    client.cookies["django_language"] = "en"
    assert "Something went wrong" in client.get("/crash/").content.decode()
