"""Reading approval item files (审批事项清单) — JSON, YAML or Excel — into checked rows.

Keys (JSON/YAML objects, or Excel header cells): ``code``, ``name``, ``unit_code``,
``statutory_days``, ``promised_days``, optional ``yellow_threshold_days`` (default 2),
``fee_standard`` (decimal string, default "0"), ``required_steps`` (list; in Excel, codes
separated by commas), ``step_limits`` (object step → working days; in Excel ``step:days,…``),
``duty_code`` — the code of the 行政许可 item of the 权责清单 (``duties.FunctionItem``) the approval item
implements, required and checked against the catalogue. Every problem of the file is reported in one pass,
each naming file, row and field (:mod:`zeren.core.importing`), in the UI language.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml
from django.utils.translation import gettext as _

from zeren.core.importing import ImportRejected, RowError, SheetRows, read_sheet
from zeren.core.jsoninput import read_json_file

KEYS = ("code", "name", "unit_code", "duty_code", "statutory_days", "promised_days", "yellow_threshold_days",
        "fee_standard", "required_steps", "step_limits")
REQUIRED = ("code", "name", "unit_code", "duty_code", "statutory_days", "promised_days")


def read_rows(path: Path) -> SheetRows:
    """``[(row number, item)]`` of a JSON or YAML list (its 1-based positions) or an Excel sheet (its row
    numbers, the header row naming the keys); ``errors``: the cells that held formulas. A file that cannot
    be read as a list raises :class:`zeren.core.importing.ImportRejected`."""
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _excel_rows(path)
    try:
        data = (yaml.safe_load(path.read_text(encoding="utf-8")) if suffix in (".yaml", ".yml")
                else read_json_file(path.read_bytes()))
    except (OSError, UnicodeDecodeError, ValueError, yaml.YAMLError) as exc:
        raise ImportRejected(path.name, [RowError(0, "", _("无法读取：%(error)s") % {"error": exc})]) from None
    if not isinstance(data, list):
        raise ImportRejected(path.name, [RowError(0, "", _("须为审批事项列表"))])
    rows = SheetRows(enumerate(data, 1))
    rows.errors = []
    return rows


def _excel_rows(path: Path) -> SheetRows:
    sheet = read_sheet(path, path.name, [(k, k) for k in KEYS], required=REQUIRED, markers=("code", "name"))
    rows = SheetRows()
    for n, values in sheet:
        row = {k: v for k, v in values.items() if v not in (None, "")}
        if isinstance(row.get("required_steps"), str):
            row["required_steps"] = [s.strip() for s in row["required_steps"].replace("，", ",").split(",") if s.strip()]
        if isinstance(row.get("step_limits"), str):
            row["step_limits"] = dict(part.split(":", 1) for part in row["step_limits"].split(",") if ":" in part)
        if isinstance(row.get("fee_standard"), int | float):
            row["fee_standard"] = str(row["fee_standard"])
        rows.append((n, row))
    rows.errors = sheet.errors
    return rows


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def check_row(row: Any, n: int, unit_codes: set[str],
              duties: dict[str, tuple[str, bool]]) -> tuple[dict[str, Any] | None, list[RowError]]:
    """A clean item dict, or every problem of row ``n`` (each naming its field, in the UI language).

    ``duties`` maps each 权责清单 item code to its category and whether it is in force: an approval
    item must name a 行政许可 (``licensing``) item in force (行政许可法 第二十条: every licence is
    set by law and published; the catalogue is where it is listed).
    """
    if not isinstance(row, dict):
        return None, [RowError(n, "", _("须为对象（一个审批事项）"))]
    errors = [RowError(n, f, _("必填")) for f in REQUIRED if row.get(f) in (None, "")]
    missing = {e.field for e in errors}
    clean: dict[str, Any] = {"code": str(row.get("code") or "").strip(), "name": str(row.get("name") or "").strip(),
                             "unit_code": str(row.get("unit_code") or "").strip(),
                             "duty_code": str(row.get("duty_code") or "").strip()}
    if "unit_code" not in missing and clean["unit_code"] not in unit_codes:
        errors.append(RowError(n, "unit_code", _("未知单位 %(code)r") % {"code": clean["unit_code"]}))
    if "duty_code" not in missing:
        errors += [RowError(n, "duty_code", message) for message in duty_problems(clean["duty_code"], duties)]
    for name, default in (("statutory_days", None), ("promised_days", None), ("yellow_threshold_days", 2)):
        value = _int(row.get(name, default))
        if name not in missing and (value is None or value < 0 or value > 3650):
            errors.append(RowError(n, name, _("%(value)r 不是整数个工作日") % {"value": row.get(name)}))
        clean[name] = value
    if (clean["promised_days"] is not None and clean["statutory_days"] is not None
            and clean["promised_days"] > clean["statutory_days"]):
        errors.append(RowError(n, "promised_days", _("承诺时限 %(promised)s 超过法定时限 %(statutory)s") % {
            "promised": clean["promised_days"], "statutory": clean["statutory_days"]}))
    try:
        clean["fee_standard"] = Decimal(str(row.get("fee_standard", "0")))
        if not clean["fee_standard"].is_finite() or clean["fee_standard"] < 0:
            raise InvalidOperation
    except InvalidOperation:
        errors.append(RowError(n, "fee_standard", _("%(value)r 不是不小于 0 的金额") % {"value": row.get("fee_standard")}))
    steps = row.get("required_steps", [])
    if not isinstance(steps, list) or not all(isinstance(s, str) and s for s in steps):
        errors.append(RowError(n, "required_steps", _("须为环节代码列表")))
    clean["required_steps"] = steps
    limits = row.get("step_limits", {}) or {}
    if not isinstance(limits, dict) or any(_int(v) is None for v in limits.values()):
        errors.append(RowError(n, "step_limits", _("须为「环节: 工作日数」")))
    else:
        clean["step_limits"] = {str(k).strip(): _int(v) for k, v in limits.items()}
    return (None if errors else clean), errors


def duty_problems(code: str, duties: dict[str, tuple[str, bool]]) -> list[str]:
    """Why ``code`` cannot be the 权责清单 item of an approval item (none when it can)."""
    from zeren.duties.models import Category

    if code not in duties:
        return [_("权责清单中没有事项 %(code)r（请先用 `zeren duties import` 导入权责清单）") % {"code": code}]
    category, active = duties[code]
    if category != "licensing":
        return [_("%(code)r 是权责清单中的%(category)s事项，不是行政许可") % {
            "code": code, "category": dict(Category.choices).get(category, category)}]
    if not active:
        return [_("%(code)r 已在权责清单中取消") % {"code": code}]
    return []
