"""Reading pages as a visitor sees them, for tests: the visible text of a page and its links."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

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
