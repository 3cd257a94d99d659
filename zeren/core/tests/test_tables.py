"""The list tables' helper (zeren.core.tables): whitelisted sorting in SQL, a stable order, bad parameters
ignored, page sizes and jumps, links that keep the filters; and the two includes as a page draws them."""

from __future__ import annotations

from urllib.parse import parse_qs

import pytest
from django.db.models.functions import Length
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import translation

from zeren.core.tables import Column, Table, page_window
from zeren.org.actions import do_create_unit
from zeren.org.models import Unit, UnitKind

UNITS = Table(
    Column("code", "代码", "code"),
    Column("name", "名称", "name"),
    Column("order", "排序", "sort_order", first="desc", num=True),
    Column("born", "成立", "valid_from", first="desc"),
    Column("long", "名称长度", Length("name")),
    default="code", size=20,
)


def get(query: str = ""):
    return RequestFactory().get(f"/units/?{query}")


@pytest.fixture
def units(db):
    """25 units under one city, five of them sharing one sort order, some without a founding date."""
    from datetime import date

    city = do_create_unit(actor=None, code="T", name="测试市", kind=UnitKind.GOVERNMENT, level="city")
    for n in range(25):
        do_create_unit(actor=None, code=f"T-{n:02d}", name=f"单位{'甲' * (n % 3 + 1)}{n:02d}",
                       kind=UnitKind.DEPARTMENT, parent=city, sort_order=n // 5,
                       valid_from=date(2020, 1, n + 1) if n % 4 else None)
    return Unit.objects.filter(parent=city)


def codes(listing) -> list[str]:
    return [u.code for u in listing.page]


def test_sorts_in_sql_by_a_declared_column_and_turns_round(units):
    asc = UNITS.page(get("sort=code&size=100"), units)
    desc = UNITS.page(get("sort=-code&size=100"), units)
    assert codes(asc) == sorted(codes(asc)) and codes(desc) == codes(asc)[::-1]
    assert asc.col["code"].state == "ascending" and desc.col["code"].state == "descending"
    assert "ORDER BY" in str(asc.page.paginator.object_list.query)
    by_length = UNITS.page(get("sort=-long&size=100"), units)
    assert [len(u.name) for u in by_length.page] == sorted((len(u.name) for u in units), reverse=True)


def test_ties_keep_one_order_and_pages_neither_repeat_nor_skip(units):
    """Five units share each sort order: the primary key decides among them, on every page."""
    pages = [codes(UNITS.page(get(f"sort=order&size=20&page={n}"), units)) for n in (1, 2)]
    seen = pages[0] + pages[1]
    assert sorted(seen) == sorted(u.code for u in units) and len(set(seen)) == 25
    again = UNITS.page(get("sort=order&size=20&page=1"), units)
    assert codes(again) == pages[0]
    orders = [u.sort_order for u in UNITS.page(get("sort=order&size=100"), units).page]
    assert orders == sorted(orders)


def test_empty_values_come_last_either_way(units):
    for sort in ("born", "-born"):
        dates = [u.valid_from for u in UNITS.page(get(f"sort={sort}&size=100"), units).page]
        assert dates[-1] is None and dates[0] is not None
        assert dates.index(None) == sum(d is not None for d in dates)


@pytest.mark.parametrize("query", ["sort=password", "sort=parent__name", "sort=--code", "sort=-", "sort=",
                                   "sort=code;drop", "sort=%00", "size=7", "size=-20", "size=abc", "size=100000",
                                   "page=abc", "page=-3", "page=99999", "page=0"])
def test_bad_parameters_are_ignored(units, query):
    listing = UNITS.page(get(query), units)
    assert listing.sort in ("code",) and listing.size in (20, 50, 100)
    assert listing.page.object_list  # a page, never an error
    if query.startswith("sort"):
        assert codes(listing) == sorted(u.code for u in units)[:20]
    if query.startswith("size"):
        assert listing.size == 20


def test_page_size_and_jump(units):
    assert UNITS.sizes == (20, 50, 100)
    big = UNITS.page(get("size=50"), units)
    assert big.size == 50 and len(big.page) == 25 and big.num_pages == 1
    second = UNITS.page(get("page=2"), units)
    assert second.page.number == 2 and len(second.page) == 5
    assert UNITS.page(get("page=99"), units).page.number == 2  # past the end: the last page


def test_links_keep_the_filters(units):
    listing = UNITS.page(get("q=甲&kind=x&kind=y&sort=-name&size=20&page=2"), units)
    header = parse_qs(listing.col["name"].query)
    assert header == {"q": ["甲"], "kind": ["x", "y"], "sort": ["name"], "size": ["20"]}  # turned round, page 1
    assert parse_qs(listing.col["order"].query)["sort"] == ["-order"]  # figures: largest first
    assert parse_qs(listing.col["code"].query)["sort"] == ["code"]
    assert parse_qs(listing.previous) == {"q": ["甲"], "kind": ["x", "y"], "sort": ["-name"], "size": ["20"],
                                          "page": ["1"]}
    assert ("kind", "y") in listing.keep and ("page", "2") not in listing.keep
    assert ("size", "20") not in listing.keep_for_size and ("sort", "-name") in listing.keep_for_size


def test_a_list_built_in_python_sorts_by_the_same_columns():
    rows = [{"code": "b", "name": "乙", "sort_order": 2}, {"code": "a", "name": "甲", "sort_order": None},
            {"code": "c", "name": "丙", "sort_order": 1}]
    table = Table(Column("code", "代码"), Column("order", "排序", "sort_order"), default="code")
    assert [r["code"] for r in table.page(get(), rows).page] == ["a", "b", "c"]
    assert [r["code"] for r in table.page(get("sort=-order"), rows).page] == ["b", "c", "a"]
    assert [r["code"] for r in table.page(get("sort=order"), rows).page] == ["c", "b", "a"]


def test_a_table_must_name_its_default_and_keys_once():
    with pytest.raises(ValueError):
        Table(Column("code", "代码"), default="name")
    with pytest.raises(ValueError):
        Table(Column("code", "代码"), Column("code", "编码"))


def test_page_window():
    assert page_window(1, 1) == [1]
    assert page_window(7, 200) == [1, None, 5, 6, 7, 8, 9, None, 200]
    assert page_window(3, 200) == [1, 2, 3, 4, 5, None, 200]
    assert page_window(4, 7) == [1, 2, 3, 4, 5, 6, 7]


def test_the_includes_in_both_languages(units):
    listing = UNITS.page(get("q=甲&sort=-order&page=1"), units)
    for lang, words in (("zh-hans", ("跳至", "每页条数", "点击按升序排列", "第 1–20 条，共 25 条")),
                        ("en", ("Go to page", "Rows per page", "sort ascending", "1–20 of 25"))):
        with translation.override(lang):
            pager = render_to_string("core/_pager.html", {"table": listing})
            th = render_to_string("core/_th.html", {"col": listing.col["name"]})
            sorted_th = render_to_string("core/_th.html", {"col": listing.col["order"]})
        assert all(w in pager + th for w in words), (lang, pager, th)
        assert 'aria-current="page"' in pager and 'name="page"' in pager and 'name="size"' in pager
        assert 'name="q" value="甲"' in pager and "aria-sort" not in th
        assert 'aria-sort="descending"' in sorted_th and "▼" in sorted_th


def test_choices_sort_by_their_labels_in_the_readers_language(units):
    from zeren.core.tables import ByLabel

    table = Table(Column("kind", "类别", ByLabel("code", [("T-00", "乙"), ("T-01", "甲"), ("T-02", "丙")])))
    with translation.override("zh-hans"):
        first = codes(table.page(get("sort=kind&size=100"), units))[:3]
    assert first == ["T-02", "T-00", "T-01"]  # 丙 乙 甲 by code point, then the unlisted codes


def test_filters_leave_out_the_tables_own_parameters(units):
    listing = UNITS.page(get("q=甲&sort=-name&size=20&page=2&unit=T"), units)
    assert parse_qs(listing.filters) == {"q": ["甲"], "unit": ["T"]}
