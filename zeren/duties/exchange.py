"""Reading and writing the catalogue as Excel (the published 权责清单 column layout) and JSON.

Imports are all or nothing: every row is checked first and a rejection names the file, the row
and the field; only a clean file reaches :func:`zeren.duties.actions.do_import_items`.
The layout is documented in ``docs/duties.md``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import IO, Any

from django.db.models import Q
from django.utils.translation import gettext as _

from zeren.core.exports import escape_cell
from zeren.core.importing import ImportRejected, RowError, read_json_rows, read_sheet
from zeren.core.uploads import UploadRejected, cli_command
from zeren.duties.models import Area, Category, ItemVersion
from zeren.duties.rules import check_item, format_legal_basis, format_list
from zeren.duties.selectors import versions_as_of
from zeren.org.models import Level, Unit

# (JSON key, Excel header) in column order.
COLUMNS = [
    ("code", "事项编码"),
    ("name", "事项名称"),
    ("category", "事项类别"),
    ("area", "职能领域"),
    ("level", "层级"),
    ("legal_basis", "设定依据"),
    ("lead_units", "实施主体（牵头）"),
    ("assisting_units", "协办单位"),
    ("responsibility_matters", "责任事项"),
    ("accountability_situations", "追责情形"),
    ("parent", "上级事项编码"),
]
HEADER = dict(COLUMNS)
MAX_ERRORS = 50
__all__ = ["COLUMNS", "ImportRejected", "RowError", "catalogue_contents", "read_rows", "validate_rows"]


# --- reading -------------------------------------------------------------------------------


def read_rows(source: Path | IO[bytes], name: str | None = None) -> tuple[list[tuple[int, dict[str, Any]]], bool]:
    """``[(row number, raw row keyed by JSON key)]`` and whether the file was Excel.

    ``source`` is a path or an uploaded file (``name`` then gives its file name). Size, zip-bomb,
    macro checks are :mod:`zeren.core.uploads`'s; a failed one rejects the file. Cells holding formulas
    are reported, each with its row and column, with the other errors of the file (:func:`validate_rows`).
    """
    name = name or (source.name if isinstance(source, Path) else getattr(source, "name", "upload"))
    suffix = Path(name).suffix.lower()
    try:
        if suffix == ".json":
            return read_json_rows(source, name, entry=_("须为对象（事项）"), cli=cli_command("zeren duties import")), False
        if suffix == ".xlsx":
            return read_sheet(source, name, COLUMNS, required=[h for k, h in COLUMNS if k != "parent"],
                              markers=(HEADER["code"], HEADER["name"]), cli=cli_command("zeren duties import")), True
    except UploadRejected as exc:  # a problem of the whole file: no row, no column
        raise ImportRejected(name, [RowError(0, "", str(exc).removeprefix(f"{name}："))]) from None
    raise ImportRejected(name, [RowError(0, "", _("只支持 .xlsx 与 .json 文件"))])


def validate_rows(source: str, rows: list[tuple[int, dict[str, Any]]], excel: bool,
                  progress: Any = None, check: Callable[[list[dict[str, Any]]], list[tuple[int, str, str]]] | None = None,
                  ) -> list[dict[str, Any]]:
    """Every row checked and turned into content; ``ImportRejected`` lists every problem found in one
    pass (every field of every row, codes used twice, unknown units and parents, cells holding formulas),
    in the UI language.

    ``check`` (e.g. :func:`zeren.duties.actions.import_denials`) sees every row read (also those with other
    problems) and returns ``(position, field, message)`` for further refusals, listed with the others.
    """
    label = (lambda key: HEADER.get(key, key)) if excel else (lambda key: key)
    units = dict(Unit.objects.values_list("code", "name"))
    by_name: dict[str, list[str]] = {}
    for code, name in units.items():
        by_name.setdefault(name, []).append(code)
    errors: list[RowError] = list(getattr(rows, "errors", []))
    read: list[tuple[int, dict[str, Any]]] = []
    bad_rows: set[int] = set()
    seen: dict[str, int] = {}
    for n, raw in rows:
        if progress:
            progress()
        content, problems = check_item(raw)
        errors += [RowError(n, label(p.field), str(p)) for p in problems]
        code = content["code"]
        if code and code in seen:
            errors.append(RowError(n, label("code"), _("事项编码 %(code)s 与第 %(row)s 行重复") % {
                "code": code, "row": seen[code]}))
        elif code:
            seen[code] = n
        for key in ("lead_units", "assisting_units"):
            resolved = []
            for ref in content[key]:
                if ref in units:
                    resolved.append(ref)
                elif len(by_name.get(ref, [])) == 1:
                    resolved.append(by_name[ref][0])
                else:
                    why = _("单位名称不唯一：%(unit)s") if by_name.get(ref) else _("单位不存在：%(unit)s")
                    errors.append(RowError(n, label(key), why % {"unit": ref}))
            content[key] = resolved
        read.append((n, content))
        if problems:
            bad_rows.add(n)
    parents = {c["parent"] for _n, c in read if c["parent"]} - set(seen)
    known = set(ItemVersion.objects.filter(code__in=parents).values_list("code", flat=True)) if parents else set()
    for n, content in read:
        if content["parent"] and content["parent"] not in seen and content["parent"] not in known:
            errors.append(RowError(n, label("parent"), _("上级事项 %(code)s 不存在") % {"code": content["parent"]}))
    if check is not None:
        errors += [RowError(read[i][0], label(key), message) for i, key, message in check([c for _n, c in read])]
    if errors:
        raise ImportRejected(source, errors)
    return [content for _n, content in read]


# --- writing -------------------------------------------------------------------------------


def catalogue_contents(as_of: date | None = None, filters: Q | None = None) -> list[dict[str, Any]]:
    """The catalogue as JSON content (the export form): current, or as of the end of ``as_of``."""
    qs = versions_as_of(as_of)
    if filters is not None:
        qs = qs.filter(filters)
    return list(qs.order_by("code").values_list("content", flat=True).iterator(chunk_size=2000))


def write_json(contents: list[dict[str, Any]], out: IO[str]) -> None:
    json.dump(contents, out, ensure_ascii=False, indent=1)


def write_xlsx(contents: list[dict[str, Any]], out: IO[bytes] | Path) -> None:
    """The Excel layout of a published list, every cell through :func:`zeren.core.exports.escape_cell`.

    Not :func:`zeren.core.exports.write_xlsx`: a published list needs column widths and wrapped
    multi-line cells (责任事项 one a line), which that plain writer does not set.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font

    book = Workbook(write_only=True)
    sheet = book.create_sheet("权责清单")
    for col, width in zip("ABCDEFGHIJK", (16, 36, 12, 12, 8, 48, 22, 22, 48, 48, 16), strict=True):
        sheet.column_dimensions[col].width = width

    def row(values: list[Any], **style: Any) -> list[Any]:
        cells = [WriteOnlyCell(sheet, value=escape_cell(v)) for v in values]
        for cell in cells:
            for key, val in style.items():
                setattr(cell, key, val)
        return cells

    sheet.append(row([header for _key, header in COLUMNS], font=Font(bold=True)))
    wrap = Alignment(wrap_text=True, vertical="top")
    labels = {**dict(Category.choices), **dict(Area.choices), **dict(Level.choices)}
    for c in contents:
        sheet.append(row([
            c["code"], c["name"], str(labels[c["category"]]), str(labels[c["area"]]), str(labels[c["level"]]),
            format_legal_basis(c["legal_basis"]), "、".join(c["lead_units"]), "、".join(c["assisting_units"]),
            format_list(c["responsibility_matters"]), format_list(c["accountability_situations"]), c.get("parent", ""),
        ], alignment=wrap))
    book.save(out)
