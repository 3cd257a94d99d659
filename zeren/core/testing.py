"""Reading pages as a visitor sees them, for tests: the visible text of a page and its links, and the
site's main pages in one list (``MAIN_PAGES``) with the pages reached from them (``reach``)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

HIDDEN = {"script", "style", "template", "code", "pre"}  # code and preformatted text are shown as such
VISIBLE_ATTRIBUTES = ("placeholder", "title", "aria-label", "alt")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Page(HTMLParser):
    """``text``: what a reader sees (text, and the attributes a browser shows), leaving out scripts,
    styles, code and any element marked as another language than Chinese (``lang="en"``: a unit's
    English name); ``links``: every ``<a href>``; ``menu``: those inside ``<nav>``."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[str] = []
        self.menu: list[str] = []
        self._hidden: list[str] = []  # the open elements whose content is not read
        self._nav = 0
        self.feed(html)
        self.close()

    @property
    def text(self) -> str:
        return " ".join(self.parts)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "nav":
            self._nav += 1
        if tag == "a" and a.get("href"):
            self.links.append(a["href"] or "")
            if self._nav:
                self.menu.append(a["href"] or "")
        if tag in VOID:
            if not self._hidden:
                self.parts += [a[k] or "" for k in VISIBLE_ATTRIBUTES if a.get(k)]
            return
        lang = (a.get("lang") or "zh").lower()
        if self._hidden or tag in HIDDEN or not lang.startswith("zh"):
            self._hidden.append(tag)
            return
        self.parts += [a[k] or "" for k in VISIBLE_ATTRIBUTES if a.get(k)]

    def handle_endtag(self, tag: str) -> None:
        if tag == "nav":
            self._nav -= 1
        if self._hidden and self._hidden[-1] == tag:
            self._hidden.pop()

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def internal_links(hrefs: list[str]) -> set[str]:
    """Links to this site's pages: no other host, no fragment-only link, not the login page itself."""
    out = set()
    for href in hrefs:
        url, _fragment = urldefrag(href)
        parts = urlsplit(url)
        if not url or parts.scheme or parts.netloc or parts.path.startswith("/login/"):
            continue
        out.add(url)
    return out


class ListPage(HTMLParser):
    """A list page as its tests read it (zeren.core.tables): the text of each body row of the last table
    with sortable headers (or of the first table), and the last pager's count and current page (a page
    with two lists, such as the supervision board, has its main one last); ``tables`` has them all."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[dict] = []
        self.count = self.page = 0
        self.sizes: list[int] = []  # the page sizes the last pager offers
        self._pager = False
        self._table: dict | None = None
        self._row: list[str] | None = None
        self._body = False
        self.feed(html)
        self.close()

    @property
    def rows(self) -> list[str]:
        chosen = next((t for t in reversed(self.tables) if t["sortable"]), self.tables[0] if self.tables else None)
        return chosen["rows"] if chosen else []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "nav" and "pager" in (a.get("class") or "").split():
            self.count, self.page = int(a.get("data-count") or 0), int(a.get("data-page") or 0)
            self._pager, self.sizes = True, []
        elif tag == "option" and self._pager and (a.get("value") or "").isdigit():
            self.sizes.append(int(a.get("value") or 0))
        elif tag == "table" and self._table is None:
            self._table = {"sortable": False, "rows": []}
        elif tag == "th" and self._table is not None and "sortable" in (a.get("class") or ""):
            self._table["sortable"] = True
        elif tag == "tbody" and self._table is not None:
            self._body = True
        elif tag == "tr" and self._body:
            self._row = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "nav":
            self._pager = False
        if tag == "tr" and self._row is not None and self._table is not None:
            self._table["rows"].append(" ".join(" ".join(self._row).split()))
            self._row = None
        elif tag == "tbody":
            self._body = False
        elif tag == "table" and self._table is not None:
            self.tables.append(self._table)
            self._table = None

    def handle_data(self, data: str) -> None:
        if self._row is not None:
            self._row.append(data)


def sign_in(page, base: str, username: str, password: str = "zeren-demo") -> None:
    """Log a Playwright page in through the login form (the demo's log-ins share one password)."""
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("form.card button.primary")


def watch_console(page) -> list[str]:
    """The errors a Playwright page writes to its console or throws, appended as they come."""
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return errors


# The main pages, kept in one place: every list page of the navigation. The readable-text crawl starts
# from them, and so does the site-wide browser test (zeren/core/tests/test_site_in_browser.py).
MAIN_PAGES = [
    "/workbench/", "/cockpit/", "/duties/", "/duties/analysis/", "/duties/positions/", "/duties/batches/",
    "/duties/drafts/", "/targets/", "/targets/letters/", "/targets/notices/", "/targets/assessments/",
    "/targets/white-papers/", "/supervision/", "/supervision/public/", "/supervision/projects/", "/evaluation/",
    "/evaluation/proposals/", "/accountability/", "/accountability/inbox/", "/accountability/cases/",
    "/accountability/complaints/", "/accountability/incidents/", "/accountability/repeat/",
    "/accountability/commendations/", "/accountability/statistics/", "/findings/", "/oversight/",
    "/oversight/publications/", "/oversight/referrals/", "/oversight/meetings/", "/oversight/inspections/",
    "/oversight/network/", "/oversight/checklist/", "/oversight/external/", "/oversight/report/", "/audit/",
    "/org/", "/sunshine/", "/transparency/", "/public/",
]
# Not pages to read: downloads, feeds, the API, the admin, the language switch and logging out.
NOT_PAGES = ("/logout", "/static/", "/api/", "/admin/", "/i18n/", "export", ".pdf", ".xlsx", ".csv", ".json",
             ".atom")


def shape(path: str) -> str:
    """A URL's shape: its numbers, codes and Chinese names replaced by ``#`` (``/targets/#/`` for any target)."""
    return re.sub(r"\d+|[A-Z][A-Z0-9-]*|[^/]*[\u3400-\u9fff][^/]*", "#", path)


def reach(client, start: list[str], per_shape: int, depth: int = 99) -> Iterator[tuple[str, Page]]:
    """The HTML pages reached from ``start`` by following links, breadth first, at most ``per_shape`` of each
    URL shape (the first in link order) and ``depth`` links away, not the same list paged or sorted otherwise:
    ``(path, page)``. Fails on a server error."""
    seen: set[str] = set()
    per: dict[str, int] = {}
    queue = [(path, 0) for path in start]
    while queue:
        path, level = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        response = client.get(path)
        assert response.status_code < 500, f"{path} answers {response.status_code}"
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        page = Page(response.content.decode())
        yield path, page
        if level >= depth:
            continue
        for url in sorted(internal_links(page.links)):
            url = urljoin(path, url)
            if url in seen or any(s in url for s in NOT_PAGES) or any(p in url for p in ("page=", "sort=", "size=")):
                continue
            key = shape(urlsplit(url).path)
            if per.get(key, 0) < per_shape:
                per[key] = per.get(key, 0) + 1
                queue.append((url, level + 1))
