"""The portal home and the error pages in a real browser, at a desktop and a phone width, with the
small demo city: no horizontal page scroll, charts drawn; screenshots saved under
``artifacts/screenshots/`` (not committed) for a look."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from zeren.core.views import server_error
from zeren.demo.testing import committed_demo

SHOTS = Path(__file__).resolve().parents[3] / "artifacts" / "screenshots"
WIDTHS = (1440, 390)


@pytest.fixture
def city(django_db_blocker):
    with django_db_blocker.unblock(), committed_demo() as ctx:
        yield ctx


def look(page, name: str) -> None:
    """The page has no horizontal scroll; its screenshot is saved."""
    width = page.viewport_size["width"]
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"{name} scrolls horizontally at {width} px ({scroll} px wide)"
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_portal_and_error_pages_at_desktop_and_phone_width(city, browser, live_server, settings):
    settings.ZEREN_RATELIMITS = {}
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    failing = server_error(request).content.decode()
    errors: list[str] = []  # the browser console's errors, over every page
    for width in WIDTHS:
        context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 900})
        page = context.new_page()
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

        page.goto(f"{live_server.url}/")
        assert page.get_by_role("heading", name="政务公开与公众参与").is_visible()
        page.fill("#duty-q", "市场监督管理局")
        with page.expect_navigation():
            page.click("form.portal-search button")
        assert "没有符合条件的事项" not in page.content()
        page.goto(f"{live_server.url}/")
        look(page, "portal-home")

        page.goto(f"{live_server.url}/supervision/public/?district=SZ-FT")
        page.locator("#rates canvas").wait_for(state="attached")  # not wait_for_function: the CSP refuses its eval
        page.wait_for_timeout(1200)  # the bars' animation
        look(page, "portal-ontime")
        for path, name in [("/public/results/", "portal-results"), ("/public/accountability/", "portal-accountability")]:
            page.goto(live_server.url + path)
            look(page, name)

        response = page.goto(f"{live_server.url}/no/such/page/")
        assert response.status == 404 and page.get_by_role("heading", name="页面不存在").is_visible()
        look(page, "error-404")
        page.set_content(failing)  # the 500 page as the handler renders it, on this site's origin
        assert page.get_by_role("heading", name="系统出错").is_visible()
        look(page, "error-500")

        page.goto(f"{live_server.url}/login/")
        page.fill("input[name=username]", "staff")
        page.fill("input[name=password]", settings.ZEREN_DEMO_PASSWORD)
        with page.expect_navigation():
            page.click("form.card button.primary")
        response = page.goto(f"{live_server.url}/duties/import/")
        assert response.status == 403 and page.get_by_role("heading", name="无权访问").is_visible()
        look(page, "error-403")
        assert [e for e in errors if "favicon" not in e and "403" not in e and "404" not in e] == []
        context.close()
