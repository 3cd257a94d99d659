import pytest
from django.urls import reverse

from zeren.access.models import Role
from zeren.org.testing import make_small_tree, make_user


@pytest.mark.django_db
def test_home_shows_the_five_elements_in_chinese_by_default(client):
    body = client.get(reverse("home")).content.decode()
    for label in ["职责", "目标", "监督", "评估", "问责"]:
        assert label in body
    assert 'lang="zh-hans"' in body


@pytest.mark.django_db
def test_language_switch_to_english(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"}, follow=True)
    body = response.content.decode()
    assert 'lang="en"' in body and "Accountability" in body and "Duties" in body


@pytest.mark.django_db
def test_log_in_and_out(client):
    units = make_small_tree()
    make_user("wang", Role.STAFF, units["market"], first_name="王芳")
    response = client.post(reverse("login"), {"username": "wang", "password": "pw-zeren-test"}, follow=True)
    assert "王芳" in response.content.decode()
    response = client.post(reverse("logout"), follow=True)
    assert "王芳" not in response.content.decode()


@pytest.mark.django_db
def test_wrong_password_is_refused_with_a_message(client):
    response = client.post(reverse("login"), {"username": "nobody", "password": "x"})
    assert response.status_code == 200 and "用户名或密码不正确" in response.content.decode()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_shell_in_a_real_browser(live_server, page):
    page.goto(live_server.url + "/")
    assert page.locator(".elements").inner_text().split() == ["职责", "目标", "监督", "评估", "问责"]
    page.screenshot(path="/tmp/core-home.png", full_page=True)
    page.get_by_role("button", name="English").click()
    page.wait_for_selector("html[lang=en]")
    assert "Accountability" in page.locator(".elements").inner_text()


@pytest.mark.django_db
def test_an_english_browser_still_gets_chinese_until_it_switches(client):
    body = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="zh-hans"' in body and "问责" in body


@pytest.mark.django_db
def test_a_nul_character_in_a_query_is_a_client_error_not_a_crash(admin_client):
    assert admin_client.get("/api/v1/duties/findings", {"unit": "\x00"}).status_code == 400
    assert admin_client.get("/org/search/", {"q": "市场\x00"}).status_code == 400
    assert admin_client.get("/org/search/", {"q": "市场"}).status_code == 200
