"""Journeys through the site in a real browser (Debian's Chromium through Playwright) with the small demo city
(issue 18 item 8), on a phone for the public and on a desktop for the staff:

- the anonymous public files a complaint through the portal's form, picking the unit by its name, and tracks
  it by the code it is given;
- the supervision officer finds it in the workbench's queue, accepts it, concludes it and answers; the public
  reads the answer on the tracking page;
- a department's staff member opens a target from the workbench's progress queue and reports its progress.

Each demo role landing on its workbench is tested in zeren/cockpit/tests/test_web_in_browser.py.
"""

from __future__ import annotations

import pytest
from django.utils import timezone

from zeren.core.testing import sign_in, watch_console

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

UNIT = "深圳市市场监督管理局 · SZ-SCJG"
COMPLAINT = "窗口工作人员拖延办理营业执照变更，超过承诺时限十个工作日仍未办结。"
REPLY = "经调查，投诉属实，已责令限期办结并对相关人员批评教育。"


def new_page(browser, width: int):
    page = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 900}).new_page()
    page.console_errors = watch_console(page)
    return page


def messages(page) -> list[str]:
    return page.locator(".messages li").all_inner_texts()


def test_complaint_filed_tracked_handled_and_target_progress_reported(demo_city, browser, live_server, settings):
    """One test, one live server session: on SQLite the server's thread shares the test's in-memory database."""
    from playwright.sync_api import expect

    settings.ZEREN_RATELIMITS = {}
    base = live_server.url

    # the public, on a phone: from the portal to the complaint form
    public = new_page(browser, 390)
    public.goto(f"{base}/")
    with public.expect_navigation():
        public.locator("main a[href='/accountability/complain/']").first.click()
    public.select_option("select[name=category]", label="办事拖延")
    public.locator("input[name=unit]").press_sequentially("市场监督管理局")  # the picker offers the units named so
    option = public.locator(f"#unit-options option[value='{UNIT}']")
    option.wait_for(state="attached")
    public.fill("input[name=unit]", UNIT)
    public.fill("textarea[name=description]", COMPLAINT)
    with public.expect_navigation():
        public.click("form.acc-form button[type=submit]")
    assert "/accountability/track/" in public.url
    tracking = public.url.rstrip("/").rsplit("/", 1)[-1]
    details = public.locator("dl.kv").inner_text()
    assert tracking in details and "待受理" in details and "办事拖延" in details
    assert COMPLAINT not in public.content()  # the tracking page shows progress, never what was written about whom

    # the officer: the complaint is in the workbench's queue of complaints
    officer = new_page(browser, 1440)
    sign_in(officer, base, "officer")
    assert officer.url == f"{base}/workbench/"
    officer.select_option("select[name=kind]", "accountability.complaint")
    with officer.expect_navigation():
        officer.locator("form:has(select[name=kind]) button[type=submit]").click()
    with officer.expect_navigation():
        officer.locator("table.queue a", has_text=tracking).click()
    assert COMPLAINT in officer.locator("main").inner_text()
    for step, fill in [("accept", {}), ("conclude", {"select[name=conclusion]": "substantiated",
                                                                   "input[name=note]": "经核查，超出承诺时限十个工作日"}),
                       ("reply", {"textarea[name=reply]": REPLY})]:
        form = officer.locator(f"form:has(input[name=step][value={step}])")
        for selector, value in fill.items():
            field = form.locator(selector)
            field.select_option(value) if selector.startswith("select") else field.fill(value)
        with officer.expect_navigation():
            form.locator("button[type=submit]").click()
        assert messages(officer) == ["已保存"], (step, messages(officer))
    expect(officer.locator("main")).to_contain_text("已答复")

    # the public tracks it by its code, from the tracking form
    public.goto(f"{base}/accountability/track/")
    public.fill("input[name=tracking]", tracking)
    with public.expect_navigation():
        public.locator("main form button[type=submit]").click()
    details = public.locator("dl.kv").inner_text()
    assert "已答复" in details and REPLY in details and "属实" in details

    # a department's staff member reports a target's progress, from the workbench's progress queue
    staff = new_page(browser, 1440)
    sign_in(staff, base, "staff")
    staff.select_option("select[name=kind]", "targets.progress")
    with staff.expect_navigation():
        staff.locator("form:has(select[name=kind]) button[type=submit]").click()
    with staff.expect_navigation():
        staff.locator("table.queue tbody a").first.click()
    report = staff.locator("form[action$='/report/']")
    reports = staff.locator("h2:has-text('进度报告') + form + table tbody tr")
    before = reports.count()
    today = timezone.localdate().isoformat()
    report.locator("input[name=date]").fill(today)
    report.locator("select[name=milestone]").select_option(index=1)
    report.locator("input[name=note]").fill("节点已按期完成")
    with staff.expect_navigation():
        report.locator("button[type=submit]").click()
    assert messages(staff) == ["进度已报告"]
    assert reports.count() == before + 1 and today in reports.first.inner_text()
    assert "节点已按期完成" in reports.first.inner_text()

    for page in (public, officer, staff):
        assert page.console_errors == []
        page.context.close()
