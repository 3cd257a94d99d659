"""Reading value files for ``import-values`` and the upload page: JSON lists or Excel sheets."""

from __future__ import annotations

import json
from pathlib import Path
from typing import IO, Any

from zeren.core.uploads import UploadRejected, read_upload, safe_load_workbook
from zeren.evaluation.actions import ImportRejected

COLUMNS = ("unit", "indicator", "value", "n")


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
        rows = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ImportRejected([f"{name}: not valid JSON ({exc})"]) from exc
    if not isinstance(rows, list):
        raise ImportRejected([f"{name}: a JSON list of {{unit, indicator, value}} objects is expected"])
    return rows, 1


def _xlsx(source: str | Path | IO[bytes], name: str, cli: str = "") -> list[dict[str, Any]]:
    sheet = safe_load_workbook(source, name=name, read_only=True, cli=cli).worksheets[0]
    lines = sheet.iter_rows(values_only=True)
    header = [str(c or "").strip().lower() for c in next(lines, ())]
    missing = [c for c in COLUMNS[:3] if c not in header]
    if missing:
        raise ImportRejected([f"{name}: row 1: missing column(s) {', '.join(missing)}"])
    rows = []
    for line in lines:
        if all(c in (None, "") for c in line):
            continue
        rows.append({c: line[header.index(c)] if header.index(c) < len(line) else None
                     for c in COLUMNS if c in header})
    return rows
