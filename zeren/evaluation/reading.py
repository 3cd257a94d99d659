"""Reading value files for ``import-values`` and the upload page: JSON lists or Excel sheets."""

from __future__ import annotations

from pathlib import Path
from typing import IO, Any

from django.utils.translation import gettext as _

from zeren.core.importing import ImportRejected as SheetRejected
from zeren.core.importing import problem, read_sheet
from zeren.core.jsoninput import read_json_file
from zeren.core.uploads import UploadRejected, read_upload
from zeren.evaluation.actions import ImportRejected

COLUMNS = ("unit", "indicator", "value", "n")


class ValueRows(list):
    """The rows of a value sheet, each row's number in the sheet (``numbers``) and the cells of theirs that
    held formulas (``errors``), which :func:`zeren.evaluation.actions.do_import_values` lists with the rest."""

    numbers: list[int]
    errors: list[Any]


def read_values(source: str | Path | IO[bytes], name: str | None = None, *, cli: str = "",
                ) -> tuple[list[dict[str, Any]], int]:
    """``(rows, number of the first row)`` of a ``.json`` list or an ``.xlsx`` sheet whose header row
    names the columns ``unit``, ``indicator``, ``value`` (and optionally ``n``). ``cli``: the command
    that imports the same file without the web upload limit, named if it is over it."""
    name = name or (Path(source).name if isinstance(source, str | Path) else getattr(source, "name", "upload"))
    try:
        if name.lower().endswith(".xlsx"):
            return _xlsx(source, name, cli), 2
        data, name = read_upload(source, name, cli=cli)
    except UploadRejected as exc:
        raise ImportRejected([str(exc)]) from exc
    try:
        rows = read_json_file(data)
    except ValueError as exc:
        raise ImportRejected([problem(name, 0, "", _("不是有效的 JSON 文件：%(error)s") % {"error": exc})]) from exc
    if not isinstance(rows, list):
        raise ImportRejected([problem(name, 0, "", _("须为 {unit, indicator, value} 对象的 JSON 列表"))])
    return rows, 1


def _xlsx(source: str | Path | IO[bytes], name: str, cli: str = "") -> ValueRows:
    try:
        sheet = read_sheet(source, name, [(c, c) for c in COLUMNS], required=COLUMNS[:3], markers=COLUMNS[:2], cli=cli)
    except SheetRejected as exc:
        raise ImportRejected(exc.lines()) from None
    rows = ValueRows(row for _n, row in sheet)
    rows.numbers = [n for n, _row in sheet]
    rows.errors = sheet.errors
    return rows
