"""Reading approval item files (审批事项清单) — JSON, YAML or Excel — into checked rows. Pure but for the file.

Keys (JSON/YAML objects, or Excel header cells): ``code``, ``name``, ``unit_code``,
``statutory_days``, ``promised_days``, optional ``yellow_threshold_days`` (default 2),
``fee_standard`` (decimal string, default "0"), ``required_steps`` (list; in Excel, codes
separated by commas), ``step_limits`` (object step → working days; in Excel ``step:days,…``),
``duty_code`` — the code of the 行政许可 item of the 权责清单 (``duties.FunctionItem``) the approval item
implements, required and checked against the catalogue. Every problem is reported as ``FILE row N field F: …``.
"""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

REQUIRED = ("code", "name", "unit_code", "duty_code", "statutory_days", "promised_days")


def read_rows(path: Path) -> list[dict[str, Any]]:
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _excel_rows(path)
    text = path.read_text(encoding="utf-8")
    data = yaml.safe_load(text) if suffix in (".yaml", ".yml") else json.loads(text)
    if not isinstance(data, list):
        raise ValueError(f"{path.name}: expected a list of items")
    return data


def _excel_rows(path: Path) -> list[dict[str, Any]]:
    try:
        from zeren.core.uploads import safe_load_workbook as load
    except ImportError:  # the trust layer's hardened loader, when present
        from openpyxl import load_workbook as load
    sheet = load(path, read_only=True, data_only=True).worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = [str(h or "").strip() for h in next(rows, [])]
    out = []
    for values in rows:
        if not any(v not in (None, "") for v in values):
            continue
        row = {h: v for h, v in zip(header, values, strict=False) if h and v not in (None, "")}
        if isinstance(row.get("required_steps"), str):
            row["required_steps"] = [s.strip() for s in row["required_steps"].replace("，", ",").split(",") if s.strip()]
        if isinstance(row.get("step_limits"), str):
            row["step_limits"] = dict(part.split(":", 1) for part in row["step_limits"].split(",") if ":" in part)
        if isinstance(row.get("fee_standard"), int | float):
            row["fee_standard"] = str(row["fee_standard"])
        out.append(row)
    return out


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


def check_row(row: Any, where: str, unit_codes: set[str],
              duties: dict[str, tuple[str, bool]]) -> tuple[dict[str, Any] | None, list[str]]:
    """A clean item dict, or the problems of this row (each naming its field).

    ``duties`` maps each 权责清单 item code to its category and whether it is in force: an approval
    item must name a 行政许可 (``licensing``) item in force (行政许可法 第二十条: every licence is
    set by law and published; the catalogue is where it is listed).
    """
    if not isinstance(row, dict):
        return None, [f"{where}: expected an object"]
    errors = [f"{where} field {f}: missing" for f in REQUIRED if row.get(f) in (None, "")]
    if errors:
        return None, errors
    clean: dict[str, Any] = {"code": str(row["code"]).strip(), "name": str(row["name"]).strip(),
                             "unit_code": str(row["unit_code"]).strip(), "duty_code": str(row.get("duty_code") or "")}
    if clean["unit_code"] not in unit_codes:
        errors.append(f"{where} field unit_code: unknown unit {clean['unit_code']!r}")
    errors += duty_problems(clean["duty_code"], where, duties)
    for name, default in (("statutory_days", None), ("promised_days", None), ("yellow_threshold_days", 2)):
        value = _int(row.get(name, default))
        if value is None or value < 0 or value > 3650:
            errors.append(f"{where} field {name}: {row.get(name)!r} is not a whole number of working days")
        clean[name] = value
    if not errors and clean["promised_days"] > clean["statutory_days"]:
        errors.append(f"{where} field promised_days: {clean['promised_days']} exceeds statutory_days "
                      f"{clean['statutory_days']}")
    try:
        clean["fee_standard"] = Decimal(str(row.get("fee_standard", "0")))
        if not clean["fee_standard"].is_finite() or clean["fee_standard"] < 0:
            raise InvalidOperation
    except InvalidOperation:
        errors.append(f"{where} field fee_standard: {row.get('fee_standard')!r} is not a decimal ≥ 0")
    steps = row.get("required_steps", [])
    if not isinstance(steps, list) or not all(isinstance(s, str) and s for s in steps):
        errors.append(f"{where} field required_steps: expected a list of step codes")
    clean["required_steps"] = steps
    limits = row.get("step_limits", {}) or {}
    if not isinstance(limits, dict) or any(_int(v) is None for v in limits.values()):
        errors.append(f"{where} field step_limits: expected step → whole working days")
    else:
        clean["step_limits"] = {str(k).strip(): _int(v) for k, v in limits.items()}
    return (None if errors else clean), errors


def duty_problems(code: str, where: str, duties: dict[str, tuple[str, bool]]) -> list[str]:
    """Why ``code`` cannot be the 权责清单 item of an approval item (none when it can)."""
    if code not in duties:
        return [f"{where} field duty_code: no item {code!r} in the 权责清单 (load it with `zeren duties import` first)"]
    category, active = duties[code]
    if category != "licensing":
        return [f"{where} field duty_code: {code!r} is a {category} item of the 权责清单, not 行政许可 (licensing)"]
    if not active:
        return [f"{where} field duty_code: {code!r} was cancelled in the 权责清单"]
    return []
