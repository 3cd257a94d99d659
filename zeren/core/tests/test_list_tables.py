"""Every list page sorts by its columns and pages with a size and a jump (issue 18 item 5, zeren.core.tables):
real requests through the test client against the small demo city, one case per list of each app.

- a column's sort changes the order, and the other direction turns it round (the same rows, another order);
- ``size`` shows that many rows, ``page`` jumps to rows the first page did not show, the pager marks it;
- any ``sort``, ``size`` or ``page`` a visitor may type answers the page, never an error.
"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model

from zeren.core.testing import ListPage

pytestmark = pytest.mark.django_db

# (app, path with its filters, who reads it, a column to sort by)
LISTS = [
    ("duties", "/duties/", "admin", "name"),
    ("duties", "/duties/?category=licensing", "admin", "valid_from"),
    ("duties", "/duties/analysis/?status=", "admin", "score"),
    ("duties", "/duties/positions/", "admin", "coverage"),
    ("accountability", "/accountability/inbox/?status=", "admin", "raised"),
    ("accountability", "/accountability/inbox/?status=open_all", "officer", "unit"),
    ("accountability", "/accountability/cases/", "admin", "opened"),
    ("accountability", "/accountability/complaints/", "admin", "submitted"),
    ("accountability", "/accountability/incidents/", "admin", "due"),
    ("accountability", "/accountability/commendations/", "admin", "unit"),
    ("accountability", "/accountability/repeat/?min=2&start=2020-01-01", "admin", "n"),
    ("oversight", "/sunshine/", "", "published"),
    ("oversight", "/oversight/publications/?status=", "admin", "title"),
    ("oversight", "/oversight/checklist/", "admin", "due"),
    ("oversight", "/oversight/referrals/", "admin", "referred"),
    ("oversight", "/oversight/meetings/", "admin", "held"),
    ("oversight", "/oversight/inspections/", "admin", "starts"),
    ("oversight", "/oversight/external/", "admin", "visited"),
    ("oversight", "/oversight/network/", "admin", "adopted"),
    ("targets", "/targets/letters/", "admin", "unit"),
    ("targets", "/targets/notices/?status=", "admin", "issued"),
    ("targets", "/targets/appeals/?status=", "admin", "filed"),
    ("targets", "/targets/white-papers/", "", "unit"),
    ("evaluation", "/evaluation/", "admin", "name"),
    ("evaluation", "/evaluation/proposals/", "admin", "kind"),
    ("findings", "/findings/", "admin", "raised"),
    ("findings", "/findings/?status=open", "officer", "unit"),
    ("audit", "/audit/", "admin", "action"),
    ("org", "/org/search/?q=局", "", "name"),
    ("org", "/org/search/", "", "code"),
    ("org", "/org/search/?what=units&level=district", "admin", "kind"),
    ("portal", "/public/results/", "", "name"),
    ("supervision", "/supervision/", "officer", "on_time_statutory"),
    ("supervision", "/supervision/items/", "officer", "volume"),
    ("supervision", "/supervision/projects/", "officer", "elapsed"),
    ("supervision", "/supervision/projects/", "officer", "status"),
    ("supervision", "/supervision/public/", "", "on_time_statutory"),
]
# (app, path, who, a column of the second table on the page, its parameter prefix): the board's alerts
PREFIXED = [
    ("supervision", "/supervision/?type=yellow_card", "officer", "unit", "a"),
    ("supervision", "/supervision/?type=red_card", "officer", "deadline", "a"),
]
PAGED = [  # lists without sortable columns: paged only
    ("duties", "/duties/drafts/?status=", "admin"),
    ("accountability", "/accountability/apologies/", ""),
    ("targets", "/targets/", "admin"),
    ("cockpit", "/workbench/?view=watch", "officer"),
    ("cockpit", "/workbench/?view=watch&state=closed", "officer"),
]


@pytest.fixture(autouse=True)
def no_rate_limits(settings):
    settings.ZEREN_RATELIMITS = {}


def read(client, user: str, path: str, **params: str | int) -> ListPage:
    if user:
        client.force_login(get_user_model().objects.get(username=user))
    query = "&".join(f"{k}={v}" for k, v in params.items())
    url = f"{path}{'&' if '?' in path else '?'}{query}" if query else path
    response = client.get(url)
    assert response.status_code == 200, url
    return ListPage(response.content.decode())


@pytest.mark.parametrize(("app", "path", "user", "key"), LISTS, ids=[f"{a}:{p}:{k}" for a, p, _u, k in LISTS])
def test_a_column_sort_changes_the_order(demo_city, client, app, path, user, key):
    ascending = read(client, user, path, sort=key, size=100)
    descending = read(client, user, path, sort=f"-{key}", size=100)
    assert ascending.count > 1, f"{path}: too few rows in the demo to sort"
    assert ascending.rows != descending.rows
    if ascending.count <= 100:  # the whole list on one page: the same rows in another order
        assert sorted(ascending.rows) == sorted(descending.rows)
    assert read(client, user, path, sort=key, size=100).rows == ascending.rows  # one order, every time


@pytest.mark.parametrize(("app", "path", "user"), [(a, p, u) for a, p, u, _k in LISTS] + PAGED,
                         ids=[f"{a}:{p}" for a, p, *_ in LISTS + PAGED])
def test_page_size_and_jump(demo_city, client, app, path, user):
    small = min(read(client, user, path).sizes or [20])  # the smallest size the list offers
    first = read(client, user, path, size=small)
    if first.count <= small:
        pytest.skip(f"{path}: {first.count} rows in the small demo, one page")
    second = read(client, user, path, size=small, page=2)
    assert first.page == 1 and second.page == 2
    assert len(first.rows) == small and second.rows and not set(second.rows) & set(first.rows)
    assert len(read(client, user, path, size=50).rows) == min(50, first.count)
    last = read(client, user, path, size=small, page=10**6)  # past the end: the last page
    assert last.page == -(-first.count // small)


@pytest.mark.parametrize(("app", "path", "user", "key", "prefix"), PREFIXED, ids=[f"{p}:{k}" for _a, p, _u, k, _p in PREFIXED])
def test_a_second_table_sorts_and_pages_on_its_own_parameters(demo_city, client, app, path, user, key, prefix):
    """The board's alerts (asort, asize, apage) above its statistics (sort, size, page): each its own."""
    def alerts(**params):
        page = read(client, user, path, **{f"{prefix}{k}": v for k, v in params.items()}, sort="-volume")
        return page.tables[0]["rows"], page
    ascending, page = alerts(sort=key, size=100)
    descending, _ = alerts(sort=f"-{key}", size=100)
    assert len(ascending) > 1 and ascending != descending and sorted(ascending) == sorted(descending)
    if len(ascending) > 20:
        first, _ = alerts(size=20)
        second, _ = alerts(size=20, page=2)
        assert len(first) == 20 and second and not set(first) & set(second)
    assert page.tables[1]["rows"] == read(client, user, path, sort="-volume").tables[1]["rows"]  # stats untouched


@pytest.mark.parametrize("params", [{"sort": "password"}, {"sort": "--x"}, {"size": 7}, {"size": "abc"},
                                    {"page": "x"}, {"page": -1}, {"sort": "id;drop", "size": 10**9, "page": 10**12}])
def test_any_typed_parameter_answers_the_page(demo_city, client, params):
    for _app, path, user, *_rest in LISTS + PAGED:
        assert read(client, user, path, **params).count >= 0


def test_a_round_of_assessments_sorts_by_weighted_progress_with_the_unknown_last(demo_city, client):
    """The progress is a figure inside the assessment's frozen basis (JSON): sorted as a number, a JSON null last."""
    import re

    from django.db.models import Count

    from zeren.targets.models import Assessment

    top = Assessment.objects.values("unit__code", "year").annotate(n=Count("id")).order_by("-n").first()
    assert top is not None and top["n"] > 1
    path = f"/targets/assessments/?year={top['year']}&unit={top['unit__code']}"
    for sort, descending in (("progress", False), ("-progress", True)):
        rows = read(client, "admin", path, sort=sort, size=100).rows
        shown = [float(m.group(1)) if (m := re.search(r"(\d+(?:\.\d+)?)%", row)) else None for row in rows]
        known = [v for v in shown if v is not None]
        assert known and known == sorted(known, reverse=descending)
        assert shown[:len(known)] == known  # the unknown last either way


# Lists whose column shows one unit's name and sorts by it: in pinyin order in Chinese, alphabetically
# (case aside) by the English name shown in English.
BY_UNIT = [(app, path, user, key) for app, path, user, key in LISTS if key == "unit"] + [
    ("org", "/org/search/?q=局", "", "name"), ("org", "/org/search/?q=区", "", "parent"),
    ("supervision", "/supervision/public/", "", "name"), ("duties", "/duties/positions/", "admin", "unit")]


def column_texts(html: str, key: str, prefix: str = "") -> list[str]:
    """The text of the cells under the header that sorts by ``key``, in the last table having that header."""
    from html import unescape

    tables = [t for t in html.split("<table")[1:] if re.search(rf'[?&;]{prefix}sort=-?{key}[&"]', t)]
    table = tables[-1]
    head, body = table.split("<tbody", 1)
    column = [n for n, th in enumerate(re.findall(r"<th\b.*?</th>", head, re.S))
              if re.search(rf'[?&;]{prefix}sort=-?{key}[&"]', th)][0]
    rows = [re.findall(r"<t[dh]\b.*?</t[dh]>", tr, re.S) for tr in re.findall(r"<tr\b.*?</tr>", body.split("</tbody>")[0], re.S)]
    return [" ".join(unescape(re.sub(r"<[^>]+>", " ", cells[column])).split()) for cells in rows if len(cells) > column]


@pytest.mark.parametrize(("app", "path", "user", "key"), BY_UNIT, ids=[f"{a}:{p}:{k}" for a, p, _u, k in BY_UNIT])
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_unit_names_sort_as_the_reader_expects(demo_city, client, app, path, user, key, language):
    from zeren.org.rules import name_sort_key

    if user:
        client.force_login(get_user_model().objects.get(username=user))
    client.cookies["django_language"] = language
    for sort, descending in ((key, False), (f"-{key}", True)):
        url = f"{path}{'&' if '?' in path else '?'}sort={sort}&size=100"
        names = [n for n in column_texts(client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode(), key)
                 if n not in ("", "—")]
        assert len(set(names)) > 1, f"{url}: too few units to sort"
        order = name_sort_key if language == "zh-hans" else str.lower
        assert names == sorted(names, key=order, reverse=descending), url
