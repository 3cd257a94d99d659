"""What every import says when it refuses a file (导入错误), in the UI language.

An import checks a whole file in one pass and lists every problem it can find — each field of every
row, cross-row problems such as a code used twice, cells holding formulas — before writing anything.
A problem is a :class:`RowError` (row, field, message); :class:`ImportRejected` carries them all,
and :func:`place` / :func:`problem` write where a problem is the same way for every import:
``items.xlsx 第 3 行「事项类别」：…`` in Chinese, ``items.xlsx row 3, 事项类别: …`` in English (a field
is named as the file names it: the column header of a sheet, the key of a JSON object).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

MAX_LISTED = 200  # problems written out; the rest are counted


@dataclass(frozen=True)
class RowError:
    """One problem of an import file: ``row`` is the sheet's row number or the 1-based position in a JSON
    list (0: the file as a whole), ``field`` the column header or JSON key ("" or "—": none)."""

    row: int
    field: str
    message: str
    sheet: str = ""


def place(source: str, row: int = 0, field: str = "", sheet: str = "") -> str:
    """Where a problem is: the file, then the sheet, row and field it names, in the UI language (``source``
    may be empty when the caller names the file itself)."""
    field = "" if field == "—" else field
    if sheet and row and field:
        text = _("%(file)s 工作表「%(sheet)s」第 %(row)s 行「%(field)s」") % {
            "file": source, "sheet": sheet, "row": row, "field": field}
    elif sheet and row:
        text = _("%(file)s 工作表「%(sheet)s」第 %(row)s 行") % {"file": source, "sheet": sheet, "row": row}
    elif sheet:
        text = _("%(file)s 工作表「%(sheet)s」") % {"file": source, "sheet": sheet}
    elif row and field:
        text = _("%(file)s 第 %(row)s 行「%(field)s」") % {"file": source, "row": row, "field": field}
    elif row:
        text = _("%(file)s 第 %(row)s 行") % {"file": source, "row": row}
    elif field:
        text = _("%(file)s「%(field)s」") % {"file": source, "field": field}
    else:
        text = source
    return text.strip(" ,")


def problem(source: str, row: int, field: str, message: str, sheet: str = "") -> str:
    """A problem as one line: its :func:`place` and what is wrong."""
    return _("%(place)s：%(message)s") % {"place": place(source, row, field, sheet), "message": message}


def first_per_field(errors: Iterable[RowError]) -> list[RowError]:
    """The errors in row order, one per row and field (the first found: a cell holding a formula is not
    also reported as empty), every error of the whole file (row 0) kept."""
    seen: set[tuple[str, int, str]] = set()
    out = []
    for error in sorted(errors, key=lambda e: e.row):
        key = (error.sheet, error.row, error.field)
        if error.row and error.field and key in seen:
            continue
        seen.add(key)
        out.append(error)
    return out


class ImportRejected(Exception):
    """The file was refused as a whole and nothing was written; ``errors`` are every problem found."""

    def __init__(self, source: str, errors: list[RowError]) -> None:
        self.source = source
        self.errors = first_per_field(errors)
        super().__init__(self.describe())

    def lines(self) -> list[str]:
        """Each problem as a line in the UI language (at most :data:`MAX_LISTED`, then how many more)."""
        out = [problem(self.source, e.row, e.field, e.message, e.sheet) for e in self.errors[:MAX_LISTED]]
        if len(self.errors) > MAX_LISTED:
            out.append(_("……另有 %(n)s 处错误") % {"n": len(self.errors) - MAX_LISTED})
        return out

    def describe(self) -> str:
        return "\n".join(self.lines())

    def refusal(self) -> str:
        """What a command prints: that nothing was written, how many problems, then each of them."""
        return _("导入被拒绝，未写入任何数据（%(n)s 处错误）：") % {"n": len(self.errors)} + "\n" + self.describe()


def formula_errors(cells: Iterable[tuple[str, int, int]], header: dict[int, str], sheet: str = "") -> list[RowError]:
    """A :class:`RowError` for each cell holding a formula (``(sheet, row, column index)`` as
    :func:`zeren.core.uploads.safe_load_workbook` collects them), named by its column header."""
    from openpyxl.utils import get_column_letter

    return [RowError(row, header.get(col) or get_column_letter(col + 1),
                     _("单元格 %(cell)s 含公式，请改为粘贴数值") % {"cell": f"{get_column_letter(col + 1)}{row}"}, sheet)
            for _sheet, row, col in cells]


class SheetRows(list):
    """The rows of an import sheet as ``(row number, {key: value})``, and ``errors``: the cells that held
    formulas (their values read as empty), to be listed with the file's other problems."""

    errors: list[RowError]


def read_json_rows(source: Any, name: str, *, entry: str, cli: str = "") -> list[tuple[int, dict[str, Any]]]:
    """``[(row number, object)]`` of an import file holding a JSON list of objects, after the upload checks
    of :func:`zeren.core.uploads.read_upload` (``cli`` names the command for a file over the web limit).
    A file that is not JSON, or not a list, is refused as a whole; each entry that is not an object is
    refused with its row and the message ``entry``, all of them at once."""
    from zeren.core.jsoninput import read_json_file
    from zeren.core.uploads import read_upload

    data, _name = read_upload(source, name, cli=cli)
    try:
        rows = read_json_file(data)
    except ValueError as exc:
        raise ImportRejected(name, [RowError(0, "", _("不是有效的 JSON 文件：%(error)s") % {"error": exc})]) from None
    if not isinstance(rows, list):
        raise ImportRejected(name, [RowError(0, "", _("JSON 文件须为对象列表"))])
    bad = [RowError(n, "", entry) for n, r in enumerate(rows, 1) if not isinstance(r, dict)]
    if bad:
        raise ImportRejected(name, bad)
    return list(enumerate(rows, 1))


def read_sheet(source: Any, name: str, columns: list[tuple[str, str]], *, required: Iterable[str], markers: tuple[str, str],
               cli: str = "") -> SheetRows:
    """The first sheet of an import workbook (``.xlsx``) keyed by ``columns`` (``(key, header)``).

    The header row is the first of the first ten rows holding both ``markers`` (a published list may have a
    title above it); a ``required`` header missing from it refuses the file, naming each. Empty rows are
    skipped; cells are read back through :func:`zeren.core.exports.unescape_cell`. The upload checks of
    :func:`zeren.core.uploads.safe_load_workbook` apply; formulas do not refuse the file but are listed as
    errors of their rows (``SheetRows.errors``).
    """
    from zeren.core.exports import unescape_cell
    from zeren.core.uploads import safe_load_workbook

    formulas: list[tuple[str, int, int]] = []
    book = safe_load_workbook(source, name=name, read_only=True, formulas=formulas, cli=cli)
    sheet = book.worksheets[0]
    by_header = {header: key for key, header in columns}
    header_row, keys, header = 0, None, {}
    rows = SheetRows()
    blank = {(r, c) for s, r, c in formulas if s == sheet.title}
    for n, values in enumerate(sheet.iter_rows(values_only=True), 1):
        if keys is None:
            cells = [str(v).strip() if v is not None else "" for v in values]
            if all(m in cells for m in markers):
                header_row, keys, header = n, [by_header.get(c) for c in cells], dict(enumerate(cells))
                missing = [h for h in required if h not in cells]
                if missing:
                    book.close()
                    raise ImportRejected(name, [RowError(n, h, _("缺少此列")) for h in missing])
            elif n >= 10:
                break
            continue
        if all(v is None or str(v).strip() == "" for v in values):
            continue
        rows.append((n, {k: None if (n, i) in blank else unescape_cell(v)
                         for i, (k, v) in enumerate(zip(keys, values, strict=False)) if k}))
    book.close()
    if keys is None:
        raise ImportRejected(name, [RowError(1, markers[0], _("找不到表头（%(headers)s…）") % {
            "headers": _("、").join(markers)})])
    rows.errors = formula_errors([f for f in formulas if f[0] == sheet.title and f[1] > header_row], header)
    return rows
