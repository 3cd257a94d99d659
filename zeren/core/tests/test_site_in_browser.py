"""Every main page in a real browser (Debian's Chromium through Playwright) with the small demo city, as the
role that uses it, at a desktop (1440 px) and a phone (390 px) width, in Chinese and English (issue 18,
items 6 and 8): each answers, writes no error to the console and, on the phone, does not scroll sideways
(wide tables scroll inside their own box). A screenshot of each goes to
``artifacts/screenshots/<lang>-<width>-<slug>.png`` (not committed) for a look.

The pages: the main pages (``zeren.core.testing.MAIN_PAGES``) and one page of each kind they link to, as an
administrator; the portal and what it links to, the login form and the complaint form and tracking, as the
anonymous public; each demo role's workbench; the 404 and 403 pages. The accessibility audit (axe-core,
installed by scripts/install-test-deps from package.json) checks them for contrast, labels and names.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from zeren.core.testing import MAIN_PAGES, reach, sign_in, watch_console
from zeren.org.demo import LOGINS

ROOT = Path(__file__).resolve().parents[3]
SHOTS = ROOT / "artifacts" / "screenshots"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = (1440, 390)
LANGUAGES = ("zh-hans", "en")
AXE_RULES = ["color-contrast", "label", "button-name", "link-name", "image-alt", "select-name",
             "input-button-name", "aria-input-field-name", "document-title", "html-has-lang"]
PUBLIC_START = ["/", "/login/", "/accountability/complain/", "/accountability/track/"]
ROLES = [username for username, *_rest in LOGINS]  # the demo's log-ins
# The elements that reach past the window's right edge, to say what makes a page scroll sideways.
WIDEST = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && !(e.parentElement && e.parentElement.closest('table, .table-scroll')))
  .slice(0, 6).map(e => e.tagName.toLowerCase() + (e.className && typeof e.className === 'string' ? '.' +
  e.className.trim().replace(/\\s+/g, '.') : '') + ' ' + Math.round(e.getBoundingClientRect().right) + 'px')"""
SCROLLS = "() => document.documentElement.scrollWidth > window.innerWidth"
# axe's run on the page: [rule, [elements]] for each violation; a run that has not ended in 30 s is one too
# (page.evaluate has no time limit of its own).
AUDIT = """async (rules) => {
  const run = axe.run(document, {runOnly: {type: 'rule', values: rules}, resultTypes: ['violations']})
    .then(r => r.violations.map(v => [v.id, v.nodes.slice(0, 4).map(n => n.target.join(' '))]));
  const late = new Promise(done => setTimeout(() => done([['axe-timeout', ['the audit did not end in 30 s']]]), 30000));
  return Promise.race([run, late]); }"""

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


@dataclass(frozen=True)
class Visit:
    role: str  # a demo username, or "" for the anonymous public
    path: str
    status: int = 200

    @property
    def slug(self) -> str:
        if self.status != 200:
            return f"error-{self.status}"
        words = re.sub(r"[^\w]+", "-", self.path.strip("/")).strip("-") or "home"
        return f"{self.role}-{words}" if self.path == "/workbench/" else words


def visits() -> list[Visit]:
    """The pages to visit and as whom, each path once: the public's first, then the staff pages."""
    out: list[Visit] = []
    seen: set[str] = set()

    def add(role: str, paths) -> None:
        for path in paths:
            if path not in seen:
                seen.add(path)
                out.append(Visit(role, path))

    add("", (path for path, _page in reach(Client(), PUBLIC_START, per_shape=1, depth=1)))
    admin = Client()
    admin.force_login(get_user_model().objects.get(username="admin"))
    add("admin", (path for path, _page in reach(admin, MAIN_PAGES, per_shape=1, depth=1)))
    out += [Visit(role, "/workbench/") for role in ROLES if role != "admin"]
    out += [Visit("", "/no/such/page/", 404), Visit("staff", "/duties/import/", 403)]
    return out


def contexts(browser, base: str, language: str, width: int, **options):
    """``{role: page}``: one browser context per role, signed in, in ``language``, opened on demand."""
    opened: dict[str, object] = {}

    def get(role: str):
        if role not in opened:
            context = browser.new_context(viewport={"width": width, "height": 900}, **options)
            context.add_cookies([{"name": "django_language", "value": language, "url": base}])
            page = context.new_page()
            page.console_errors = watch_console(page)
            if role:
                sign_in(page, base, role)
            opened[role] = page
        return opened[role]

    return opened, get


def close(opened: dict) -> None:
    for page in opened.values():
        page.context.close()


def test_every_main_page_in_a_browser(demo_city, browser, live_server, settings):
    """One test, one live server session: on SQLite the server's thread shares the test's in-memory database."""
    settings.ZEREN_RATELIMITS = {}
    pages = visits()
    assert len(pages) > 80
    problems = look_at_every_page(browser, live_server.url, pages)
    problems += audit(browser, live_server.url, pages)
    problems += keyboard(browser, live_server.url)
    assert not problems, "\n".join(problems)


def look_at_every_page(browser, base: str, pages: list[Visit]) -> list[str]:
    """Each page answers, writes no console error and, on a phone, does not scroll sideways; screenshots."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    for language in LANGUAGES:
        for width in WIDTHS:
            opened, page_for = contexts(browser, base, language, width)
            for visit in pages:
                page = page_for(visit.role)
                page.console_errors.clear()
                response = page.goto(base + visit.path)
                where = f"{language} {width}px {visit.path} as {visit.role or 'the public'}"
                if response is None or response.status != visit.status:
                    problems.append(f"{where}: answers {response and response.status}")
                    continue
                errors = [e for e in page.console_errors if visit.status == 200 or str(visit.status) not in e]
                if errors:
                    problems.append(f"{where}: console errors {errors[:3]}")
                if width < 600 and page.evaluate(SCROLLS):
                    wide = page.evaluate("() => document.documentElement.scrollWidth")
                    problems.append(f"{where}: scrolls sideways, {wide} px wide: {page.evaluate(WIDEST)}")
                page.screenshot(path=str(SHOTS / f"{language}-{width}-{visit.slug}.png"), full_page=True)
            close(opened)
    return problems


def audit(browser, base: str, pages: list[Visit]) -> list[str]:
    """axe-core's rules on contrast (WCAG AA), labels and names, on each page at both widths in Chinese: a
    failure names the page, the rule and the elements. The audit's script is injected, so its context runs
    without the site's Content-Security-Policy (the pages' own checks above run under it)."""
    if not AXE.exists():
        if os.environ.get("CI"):
            return [f"{AXE} is missing: run scripts/install-test-deps"]
        return []  # a developer's machine without it: scripts/install-test-deps installs it
    source = AXE.read_text(encoding="utf-8")
    problems: list[str] = []
    for width in WIDTHS:
        opened, page_for = contexts(browser, base, "zh-hans", width, bypass_csp=True)
        for visit in pages:
            page = page_for(visit.role)
            page.goto(base + visit.path)
            page.add_script_tag(content=source)
            found = page.evaluate(AUDIT, AXE_RULES)
            problems += [f"axe {width}px {visit.path}: {rule} {json.dumps(targets, ensure_ascii=False)}"
                         for rule, targets in found]
        close(opened)
    return problems


def keyboard(browser, base: str) -> list[str]:
    """The first Tab stop skips to the content; every menu link is reached by Tab and shows its focus."""
    opened, page_for = contexts(browser, base, "zh-hans", 1440)
    page = page_for("officer")
    page.goto(f"{base}/accountability/complaints/")
    problems: list[str] = []
    page.keyboard.press("Tab")
    skip = page.locator("a.skip-link")
    if not (skip.evaluate("(a) => a === document.activeElement") and skip.is_visible()):
        problems.append("keyboard: the first Tab stop is not a visible skip-to-content link")
    page.keyboard.press("Enter")
    if page.evaluate("() => location.hash") != "#main":
        problems.append("keyboard: the skip link does not lead to #main")
    hrefs = set(page.locator("header a").evaluate_all("(links) => links.map(a => a.getAttribute('href'))"))
    page.goto(f"{base}/accountability/complaints/")
    reached: set[str] = set()
    for _ in range(len(hrefs) + 12):
        page.keyboard.press("Tab")
        tag, href, shown = page.evaluate("""() => { const e = document.activeElement, s = getComputedStyle(e);
            return [e.tagName, e.getAttribute('href'), s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0] }""")
        if tag == "A" and href in hrefs:
            reached.add(href)
            if not shown:
                problems.append(f"keyboard: {href} shows no focus")
    if reached != hrefs:
        problems.append(f"keyboard: menu links not reached by Tab: {sorted(hrefs - reached)}")
    close(opened)
    return problems
