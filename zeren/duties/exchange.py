"""Reading and writing the catalogue as Excel (the published 权责清单 column layout) and JSON.

Imports are all or nothing: every row is checked first and a rejection names the file, the row
and the field; only a clean file reaches :func:`zeren.duties.actions.do_import_items`.
The layout is documented in ``docs/duties.md``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO, Any

from django.db.models import Q

from zeren.core.exports import escape_cell, unescape_cell
from zeren.core.uploads import UploadRejected, cli_command, read_upload, safe_load_workbook
from zeren.duties.models import Area, Category, ItemVersion
from zeren.duties.rules import FieldError, format_legal_basis, format_list, item_content
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


@dataclass
class RowError:
    row: int  # Excel row number, or 1-based position in a JSON list
    field: str  # the column header (Excel) or JSON key
    message: str


class ImportRejected(Exception):
    """The file was refused; nothing was written. ``errors`` name row and field."""

    def __init__(self, source: str, errors: list[RowError]) -> None:
        self.source = source
        self.errors = errors
        super().__init__(self.describe())

    def describe(self) -> str:
        lines = [f"{self.source} 第 {e.row} 行「{e.field}」：{e.message}" if e.row else f"{self.source}：{e.message}"
                 for e in self.errors[:MAX_ERRORS]]
        if len(self.errors) > MAX_ERRORS:
            lines.append(f"……另有 {len(self.errors) - MAX_ERRORS} 处错误")
        return "\n".join(lines)


# --- reading -------------------------------------------------------------------------------


def read_rows(source: Path | IO[bytes], name: str | None = None) -> tuple[list[tuple[int, dict[str, Any]]], bool]:
    """``[(row number, raw row keyed by JSON key)]`` and whether the file was Excel.

    ``source`` is a path or an uploaded file (``name`` then gives its file name). Size, zip-bomb,
    macro and formula checks are :mod:`zeren.core.uploads`'s; a failed one rejects the file.
    """
    name = name or (source.name if isinstance(source, Path) else getattr(source, "name", "upload"))
    suffix = Path(name).suffix.lower()
    try:
        if suffix == ".json":
            data, _name = read_upload(source, name, cli=cli_command("zeren duties import"))
            try:
                rows = json.loads(data.decode("utf-8-sig"))
            except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                raise ImportRejected(name, [RowError(0, "—", f"不是有效的 JSON 文件：{exc}")]) from None
            if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
                raise ImportRejected(name, [RowError(1, "—", "JSON 文件须为对象列表")])
            return list(enumerate(rows, 1)), False
        if suffix == ".xlsx":
            return list(_xlsx_rows(source, name)), True
    except UploadRejected as exc:  # a problem of the whole file: no row, no column
        raise ImportRejected(name, [RowError(0, "", str(exc).removeprefix(f"{name}："))]) from None
    raise ImportRejected(name, [RowError(0, "—", "只支持 .xlsx 与 .json 文件")])


def _xlsx_rows(source: Path | IO[bytes], name: str) -> Iterator[tuple[int, dict[str, Any]]]:
    # Formulas are refused by safe_load_workbook, so the values read are the values the user saw.
    book = safe_load_workbook(source, name=name, read_only=True, cli=cli_command("zeren duties import"))
    sheet = book.worksheets[0]
    header_row, keys = 0, None
    by_header = {h: k for k, h in COLUMNS}
    for n, values in enumerate(sheet.iter_rows(values_only=True), 1):
        if keys is None:
            cells = [str(v).strip() if v is not None else "" for v in values]
            if HEADER["code"] in cells and HEADER["name"] in cells:
                header_row, keys = n, [by_header.get(c) for c in cells]
                missing = [h for k, h in COLUMNS if k not in keys and k != "parent"]
                if missing:
                    raise ImportRejected(name, [RowError(n, h, "缺少此列") for h in missing])
            elif n >= 10:
                break
            continue
        if all(v is None or str(v).strip() == "" for v in values):
            continue
        yield n, {k: unescape_cell(v) for k, v in zip(keys, values, strict=False) if k}
    book.close()
    if keys is None:
        raise ImportRejected(name, [RowError(header_row or 1, HEADER["code"], "找不到表头（事项编码、事项名称…）")])



def validate_rows(source: str, rows: list[tuple[int, dict[str, Any]]], excel: bool,
                  progress: Any = None, check: Callable[[list[dict[str, Any]]], list[tuple[int, str, str]]] | None = None,
                  ) -> list[dict[str, Any]]:
    """Every row checked and turned into content; ``ImportRejected`` lists all problems found.

    ``check`` (e.g. :func:`zeren.duties.actions.import_denials`) sees the rows that are valid and returns
    ``(position, field, message)`` for further refusals, listed with the others.
    """
    label = (lambda key: HEADER.get(key, key)) if excel else (lambda key: key)
    units = dict(Unit.objects.values_list("code", "name"))
    by_name: dict[str, list[str]] = {}
    for code, name in units.items():
        by_name.setdefault(name, []).append(code)
    errors: list[RowError] = []
    contents: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    rows_of: dict[str, int] = {}
    for n, raw in rows:
        if progress:
            progress()
        try:
            content = item_content(raw)
        except FieldError as exc:
            errors.append(RowError(n, label(exc.field), str(exc)))
            continue
        if content["code"] in seen:
            errors.append(RowError(n, label("code"), f"事项编码 {content['code']} 与第 {seen[content['code']]} 行重复"))
            continue
        seen[content["code"]] = n
        for key in ("lead_units", "assisting_units"):
            resolved = []
            for ref in content[key]:
                if ref in units:
                    resolved.append(ref)
                elif len(by_name.get(ref, [])) == 1:
                    resolved.append(by_name[ref][0])
                else:
                    why = "单位名称不唯一" if by_name.get(ref) else "单位不存在"
                    errors.append(RowError(n, label(key), f"{why}：{ref}"))
            content[key] = resolved
        rows_of[content["code"]] = n
        contents.append(content)
    parents = {c["parent"] for c in contents if c["parent"]} - set(seen)
    known = set(ItemVersion.objects.filter(code__in=parents).values_list("code", flat=True)) if parents else set()
    for content in contents:
        if content["parent"] and content["parent"] not in seen and content["parent"] not in known:
            errors.append(RowError(rows_of[content["code"]], label("parent"), f"上级事项 {content['parent']} 不存在"))
    if check is not None:
        errors += [RowError(rows_of[contents[n]["code"]], label(key), message) for n, key, message in check(contents)]
    if errors:
        raise ImportRejected(source, sorted(errors, key=lambda e: e.row))
    return contents


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
