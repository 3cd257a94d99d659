"""The transparency page in a real browser, and a record's history opening in place through htmx."""

import os

import pytest

from zeren.audit.actions import do_create_checkpoint, record_change, snapshot
from zeren.org.testing import make_small_tree, make_user

SHOTS = os.environ.get("ZEREN_SCREENSHOTS")  # a folder: save screenshots there for a look


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_transparency_and_history_in_the_browser(page, live_server, settings):
    settings.ZEREN_RATELIMITS = {}
    units = make_small_tree()
    user = make_user("mstaff", "staff", units["market"])
    market = units["market"]
    for name in ("市场监管局", "市场监督管理局"):
        before = snapshot(market)
        market.short_name = name
        record_change(actor=user, action="org.unit.update", obj=market, before=before, after=snapshot(market),
                      reason="规范简称")
    checkpoint = do_create_checkpoint()

    page.goto(f"{live_server.url}/transparency/")
    assert page.locator("table.checkpoints code.hash").first.inner_text() == checkpoint.root
    assert page.get_by_text("如何核验").is_visible()
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/transparency.png", full_page=True)

    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "mstaff")
    page.fill("input[name=password]", "pw-zeren-test")
    with page.expect_navigation():
        page.click("form.card button.primary")
    page.goto(f"{live_server.url}/audit/history/org.unit/{market.pk}/")
    assert page.locator("table.audit-history tbody tr").count() == 2
    assert page.get_by_text("市场监督管理局").first.is_visible()
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/history.png", full_page=True)
