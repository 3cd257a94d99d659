"""The workbench and the cockpit in a real browser (Debian's Chromium through Playwright) on the small demo
city: every demo role lands on its workbench with the count in the navigation; the cockpit's charts draw
(a canvas each, no console error); at 390 px neither page scrolls sideways. Screenshots of both at 1440
and 390 px go to artifacts/screenshots/ (not committed) for a look."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from zeren.cockpit.tests.conftest import ROLES
from zeren.core.testing import sign_in, watch_console

SHOTS = Path(__file__).resolve().parents[3] / "artifacts" / "screenshots"
WIDTHS = (1440, 390)

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


def test_workbench_landing_cockpit_charts_and_phone_width(city, browser, live_server, settings):
    """One test (one live server session): the in-memory SQLite database is shared with the server's thread."""
    settings.ZEREN_RATELIMITS = {}
    SHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(locale="zh-CN", viewport={"width": 1440, "height": 900})
    page = context.new_page()
    errors = watch_console(page)
    for username in ROLES:
        sign_in(page, live_server.url, username)
        assert page.url == f"{live_server.url}/workbench/", username
        assert page.locator("h1").inner_text() == "我的工作台"
        badge = page.locator("nav.aux a[href='/workbench/'] .nav-badge")
        badge.wait_for()  # fetched by htmx once the page has loaded
        assert re.fullmatch(r"\d+", badge.inner_text()), username
        assert page.locator("table.queue").is_visible()
        page.locator("form[action='/logout/'] button").click()
        page.wait_for_url(f"{live_server.url}/")
    context.close()
    for width in WIDTHS:
        cockpit_and_workbench(browser, live_server.url, width, errors)
    assert not errors, errors


def cockpit_and_workbench(browser, base: str, width: int, errors: list[str]) -> None:
    from playwright.sync_api import expect

    context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 900})
    page = context.new_page()
    page_errors = watch_console(page)  # filled as the page runs: added to errors at the end
    sign_in(page, base, "leader")
    page.goto(f"{base}/cockpit/")
    # Locator waits: a string given to wait_for_function is evaluated in the page, an eval the CSP refuses.
    expect(page.locator(".chart:not(.drawn)")).to_have_count(0)
    charts = page.locator(".chart").count()
    assert charts >= 5 and page.locator(".chart canvas").count() >= charts
    assert page.locator(".panel").count() == 5 and page.locator(".breaking-list li").count() > 0
    assert no_sideways_scroll(page), (width, page.evaluate("document.documentElement.scrollWidth"))
    page.locator(".chart-box details summary").first.click()  # the numbers behind the first chart
    assert page.locator(".chart-box details table").first.is_visible()
    page.screenshot(path=str(SHOTS / f"cockpit-{width}.png"), full_page=True)
    page.locator("form[action='/logout/'] button").click()

    sign_in(page, base, "officer")
    page.goto(f"{base}/workbench/?view=watch")
    assert page.locator("table.queue tbody tr").count() > 1
    assert no_sideways_scroll(page), (width, page.evaluate("document.documentElement.scrollWidth"))
    page.screenshot(path=str(SHOTS / f"workbench-officer-{width}.png"), full_page=True)
    page.locator(".bulk input[data-select-all=item]").check()  # select the page, urge it: a confirmation answers
    page.fill("input[name=note]", "请尽快办理")
    with page.expect_navigation():
        page.click("button[name=level][value=urge]")
    assert page.locator(".messages li").inner_text().startswith("已催办")
    page.locator("form[action='/logout/'] button").click()

    sign_in(page, base, "staff")
    assert page.locator("table.queue tbody tr").count() >= 1
    assert no_sideways_scroll(page), (width, page.evaluate("document.documentElement.scrollWidth"))
    page.screenshot(path=str(SHOTS / f"workbench-staff-{width}.png"), full_page=True)
    context.close()
    errors += page_errors

