import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_org_browser_tree_unit_page_and_search(page, live_server, settings):
    from datetime import date

    from zeren.demo.context import DemoContext
    from zeren.org import demo

    demo.build(DemoContext(size="small", seed=2007, today=date(2026, 11, 27), quiet=True))
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "head")
    page.fill("input[name=password]", settings.ZEREN_DEMO_PASSWORD)
    page.click("button[type=submit].primary")
    page.goto(f"{live_server.url}/org/")
    page.click("button[aria-label='展开 深圳市人民政府']")
    page.wait_for_selector("text=深圳市市场监督管理局")
    page.click("button[aria-label='展开 深圳市市场监督管理局']")
    page.wait_for_selector("#org-tree >> text=SZ-SCJG-01")
    page.screenshot(path="/tmp/org-tree.png", full_page=True)
    page.click("button[aria-label='展开 深圳市市场监督管理局']")  # folds again
    assert not page.is_visible("#org-tree >> text=SZ-SCJG-01")

    page.click("#org-tree >> text=深圳市市场监督管理局")
    page.wait_for_selector("h1:has-text('深圳市市场监督管理局')")
    assert page.locator("#posts tbody tr").count() >= 3
    assert page.locator("#posts >> text=局长").first.is_visible()
    page.screenshot(path="/tmp/org-unit.png", full_page=True)

    page.goto(f"{live_server.url}/org/")
    page.fill("input[name=q]", "街道")
    page.click("form[role=search] button")
    page.wait_for_selector("#results")
    assert page.locator("#results tbody tr").count() == 6
    page.screenshot(path="/tmp/org-search.png", full_page=True)
