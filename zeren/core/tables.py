"""List tables (列表): columns sorted by a click, a page size and a page jump — one mechanism for every list page.

A view declares its table once — the columns a user may sort by, each naming the fields it orders by
— and pages its queryset through it::

    ITEMS = Table(Column("code", _("事项编码"), "code"), Column("since", _("日期"), "valid_from", first="desc"),
                  default="code")

    listing = ITEMS.page(request, qs)
    return render(request, "x.html", {"page": listing.page, "table": listing})

and the template draws a sortable header cell with ``{% include "core/_th.html" with col=table.col.code %}``
and the pager with ``{% include "core/_pager.html" %}``.

- Sorting happens in SQL (``order_by``), so that a list of 20,000 rows sorts as fast as one of 20.
  Only declared columns reach ``order_by``: the query string chooses among them (a whitelist) and
  cannot order by any other field or relation; an unknown ``sort`` is ignored and the list keeps its
  own order. Empty values (NULL) come last either way.
- The primary key breaks ties (:attr:`Table.tiebreak`), so that rows of equal value keep one order
  from request to request and a page boundary never shows a row twice or skips one.
- The page size is one of :attr:`Table.sizes` (20/50/100 and the list's own default); anything else
  gives the default. A page number past the end shows the last page, one that is not a number the first.
- Links keep every other parameter of the query string (the list's filters): sorting goes back to
  page 1, paging keeps the sort and the size.

A list built in Python (figures aggregated per unit, a few hundred rows at most) pages through the
same table: :meth:`Table.page` sorts a list of dicts or objects by the same field names.

Parameters: ``sort`` (a column's key, ``-`` in front for descending), ``size``, ``page``; a table given a
``prefix`` reads ``<prefix>sort`` etc., so that two tables on one page page independently.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Protocol

from django.core.paginator import Page, Paginator
from django.db.models import Case, F, IntegerField, QuerySet, Value, When
from django.db.models.expressions import BaseExpression, OrderBy
from django.http import HttpRequest, QueryDict
from django.utils.functional import Promise

SIZES = (20, 50, 100)
WINDOW = 2  # page links either side of the current page


class ByLabel:
    """Order a field with choices by its labels in the reader's language (a status code's spelling says
    nothing to the reader: 已受理 before 已办结 in Chinese, Accepted before Closed in English)."""

    def __init__(self, name: str, choices: Sequence[tuple[Any, Any]] | Callable[[], Iterable[tuple[Any, Any]]],
                 declared: bool = False) -> None:
        self.name, self.choices = name, choices  # a callable: choices known only at request time (a registry's)
        self.declared = declared  # in the order the choices are declared (grades: 优秀 称职 基本称职 不称职)

    def expression(self) -> Case:
        choices = list(self.choices() if callable(self.choices) else self.choices)
        ranked = choices if self.declared else sorted(choices, key=lambda choice: str(choice[1]))
        return Case(*[When(**{self.name: value}, then=Value(n)) for n, (value, _label) in enumerate(ranked)],
                    default=Value(len(ranked)), output_field=IntegerField())


class Ordering(Protocol):
    """A column's ordering known only at request time, in the reader's language: :class:`ByLabel`, or an
    app's own (``zeren.org.models.ByUnitName``: unit names in pinyin order in Chinese). ``row_key``, when
    there, sorts a list built in Python the same way (``None`` last)."""

    def expression(self) -> BaseExpression: ...


class Column:
    """A sortable column: its query key, its label (the header's text) and the fields it orders by,
    ascending (``-field`` for a field that runs the other way within the column, :class:`ByLabel` for a
    field with choices, an expression for anything else). ``first="desc"`` for figures and dates whose largest or latest matter first;
    ``num`` aligns the header right, as its figures are."""

    def __init__(self, key: str, label: Any, *fields: str | BaseExpression | Ordering, first: str = "asc",
                 num: bool = False) -> None:
        if first not in ("asc", "desc"):
            raise ValueError(f"first must be 'asc' or 'desc', not {first!r}")
        self.key, self.label, self.fields = key, label, fields or (key,)
        self.first, self.num = first, num

    def order_by(self, descending: bool) -> list[OrderBy]:
        """The ORM ordering of this column, NULLs last in either direction."""
        return [_ordered(f, descending) for f in self.fields]


def _ordered(spec: str | BaseExpression | Ordering, descending: bool) -> OrderBy:
    expression: Any
    if isinstance(spec, str):
        reverse = spec.startswith("-")
        expression = F(spec.lstrip("-"))
        descending = descending != reverse
    elif callable(getattr(spec, "expression", None)):  # an Ordering (an OrderBy's .expression is no method)
        expression = spec.expression()  # type: ignore[union-attr]  # mypy does not narrow by callable()
    else:
        expression = spec
    return expression.desc(nulls_last=True) if descending else expression.asc(nulls_last=True)


@dataclass
class Header:
    """A header cell as the template draws it: label, how it is sorted now and the link that sorts by it."""

    key: str
    label: Any
    state: str  # "ascending", "descending" or "none" (aria-sort)
    query: str
    num: bool
    next_descending: bool  # what the link does: sort descending (or ascending)
    anchor: str = ""


@dataclass
class PageLink:
    number: int | None  # None: the gap (…) between the window and the first or last page
    query: str = ""
    current: bool = False
    far: bool = False  # the window's outer pages, left out on a phone


@dataclass
class Listing:
    """One page of a list and everything its headers and pager need."""

    page: Page
    sort: str
    size: int
    sizes: Sequence[int]
    col: dict[str, Header]
    params: dict[str, str]
    links: list[PageLink] = field(default_factory=list)
    previous: str = ""
    next: str = ""
    keep: list[tuple[str, str]] = field(default_factory=list)  # hidden fields of the jump form
    keep_for_size: list[tuple[str, str]] = field(default_factory=list)  # of the size form (no page)
    filters: str = ""  # the query string without sort, size and page: the list's filters, for an export link
    anchor: str = ""

    @property
    def count(self) -> int:
        return self.page.paginator.count

    @property
    def num_pages(self) -> int:
        return self.page.paginator.num_pages

    @property
    def shows_sizes(self) -> bool:
        """The size choice is worth showing once the list is longer than the smallest size."""
        return self.count > min(self.sizes)


class Table:
    """The sortable columns of one list, its default order and its page sizes (see the module's text)."""

    def __init__(self, *columns: Column, default: str = "", size: int = 50, sizes: Sequence[int] = SIZES,
                 tiebreak: Sequence[str] = ("pk",), prefix: str = "", anchor: str = "") -> None:
        self.columns = {c.key: c for c in columns}
        if len(self.columns) != len(columns):
            raise ValueError("two columns share a key")
        if default and default.lstrip("-") not in self.columns:
            raise ValueError(f"the default sort {default!r} is not a column")
        self.default, self.size = default, size
        self.sizes = tuple(sorted({*sizes, size}))
        self.tiebreak = tuple(tiebreak)
        self.sort_param, self.size_param, self.page_param = f"{prefix}sort", f"{prefix}size", f"{prefix}page"
        self.anchor = f"#{anchor}" if anchor else ""

    # --- reading the request ---------------------------------------------------------------------

    def sort_of(self, params: QueryDict) -> str:
        """The requested sort if it names a column (``-`` for descending), else the default."""
        sort = params.get(self.sort_param, "").strip()
        return sort if sort.lstrip("-") in self.columns and sort.count("-") <= 1 and sort else self.default

    def size_of(self, params: QueryDict) -> int:
        value = params.get(self.size_param, "")
        return int(value) if value.isdigit() and int(value) in self.sizes else self.size

    # --- ordering ----------------------------------------------------------------------------------

    def order(self, qs: QuerySet, sort: str) -> QuerySet:
        """``qs`` ordered by ``sort`` (a validated key) and the tie-breaker; without a sort, by its own
        ordering and the tie-breaker."""
        if sort:
            descending = sort.startswith("-")
            ordering: list[Any] = self.columns[sort.lstrip("-")].order_by(descending)
            return qs.order_by(*ordering, *[_ordered(f, descending) for f in self.tiebreak])
        own = list(qs.query.order_by) or list(qs.model._meta.ordering)
        return qs.order_by(*own, *self.tiebreak)

    def order_rows(self, rows: Sequence[Any], sort: str) -> list[Any]:
        """A list built in Python ordered as :meth:`order` orders a queryset (NULLs last either way)."""
        rows = list(rows)
        if not sort:
            return rows
        descending = sort.startswith("-")
        for spec in reversed(self.columns[sort.lstrip("-")].fields):  # stable sorts, the least significant key first
            key: Callable[[Any], Any]
            if isinstance(spec, str):
                name, reverse = spec.lstrip("-"), descending != spec.startswith("-")
                key = partial(_value, name=name)
            elif hasattr(spec, "row_key"):
                key, reverse = spec.row_key, descending
            else:
                continue
            keys = [key(r) for r in rows]
            present = [(k, r) for k, r in zip(keys, rows, strict=True) if k is not None]
            missing = [r for k, r in zip(keys, rows, strict=True) if k is None]
            rows = [r for _k, r in sorted(present, key=lambda kr: kr[0], reverse=reverse)] + missing
        return rows

    # --- one page ----------------------------------------------------------------------------------

    def page(self, request: HttpRequest, rows: QuerySet | Sequence[Any]) -> Listing:
        """One page of ``rows`` as the request asks: sorted, sized and numbered."""
        params = request.GET
        sort, size = self.sort_of(params), self.size_of(params)
        ordered = self.order(rows, sort) if isinstance(rows, QuerySet) else self.order_rows(rows, sort)
        return self.listing(request, Paginator(ordered, size).get_page(params.get(self.page_param)), sort)

    def listing(self, request: HttpRequest, page: Page, sort: str = "") -> Listing:
        """The headers and pager of a page made elsewhere (a selector that pages its own rows, sized by
        :meth:`size_of`)."""
        params = request.GET
        size = page.paginator.per_page
        listing = Listing(page=page, sort=sort, size=size, sizes=self.sizes, params={}, anchor=self.anchor,
                          col={key: self._header(params, column, sort) for key, column in self.columns.items()})
        listing.params = {"sort": self.sort_param, "size": self.size_param, "page": self.page_param}
        last = page.paginator.num_pages
        listing.links = [PageLink(n, self._query(params, page=n), n == page.number,
                                  abs(n - page.number) > 1 and n not in (1, last)) if n else PageLink(None)
                         for n in page_window(page.number, last)]
        if page.has_previous():
            listing.previous = self._query(params, page=page.previous_page_number())
        if page.has_next():
            listing.next = self._query(params, page=page.next_page_number())
        listing.keep = _fields(params, drop=(self.page_param,))
        listing.keep_for_size = _fields(params, drop=(self.page_param, self.size_param))
        filters = params.copy()
        for name in listing.params.values():
            filters.pop(name, None)
        listing.filters = filters.urlencode()
        return listing

    def _header(self, params: QueryDict, column: Column, sort: str) -> Header:
        if sort.lstrip("-") == column.key:
            state = "descending" if sort.startswith("-") else "ascending"
            next_descending = state == "ascending"  # the same header again turns the order round
        else:
            state, next_descending = "none", column.first == "desc"
        query = params.copy()
        query[self.sort_param] = f"-{column.key}" if next_descending else column.key
        query.pop(self.page_param, None)  # a new order starts at its first page
        return Header(column.key, column.label, state, query.urlencode(), column.num, next_descending, self.anchor)

    def _query(self, params: QueryDict, *, page: int) -> str:
        query = params.copy()
        query[self.page_param] = str(page)
        return query.urlencode()


class _Total:
    """Stands for rows counted elsewhere: a paginator needs only their number."""

    def __init__(self, total: int) -> None:
        self.total = total

    def __len__(self) -> int:
        return self.total


def page_of(rows: Sequence[Any], number: int, total: int, size: int) -> Page:
    """A page of rows read elsewhere (a queue merged from several tables, say), for :meth:`Table.listing`:
    ``rows`` are the page's, ``total`` the count of them all."""
    return Page(rows, number, Paginator(_Total(total), size))


def _fields(params: QueryDict, drop: Sequence[str]) -> list[tuple[str, str]]:
    return [(k, v) for k, values in params.lists() if k not in drop for v in values]


def _value(row: Any, name: str) -> Any:
    for part in name.split("__"):
        row = row.get(part) if isinstance(row, dict) else getattr(row, part, None)
        if row is None:
            return None
    return str(row) if isinstance(row, Promise) else row  # a lazy label sorts as its text


def page_window(current: int, last: int, window: int = WINDOW) -> list[int | None]:
    """The page numbers a pager links: the first, the last and ``window`` either side of the current
    one, ``None`` for a gap (1 … 5 6 [7] 8 9 … 200)."""
    shown = sorted({1, last, *range(max(1, current - window), min(last, current + window) + 1)})
    out: list[int | None] = []
    for n in shown:
        if out and n - (out[-1] or 0) > 1:
            out.append(None if n - (out[-1] or 0) > 2 else n - 1)
        out.append(n)
    return out
