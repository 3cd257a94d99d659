"""Targets in and out: the offices' Excel layout and JSON (documented in ``docs/targets.md``).

Imports are all or nothing: every row is checked and every problem listed (file, row, column,
reason) before anything is written by :func:`zeren.targets.actions.do_import_targets`. Progress
reports (``zeren targets report``) likewise.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import IO, Any

from django.utils.translation import gettext as _

from zeren.core.exports import write_xlsx
from zeren.core.importing import ImportRejected, RowError, SheetRows, read_json_rows, read_sheet
from zeren.core.uploads import UploadRejected, cli_command
from zeren.org.models import Person, Unit
from zeren.targets import rules
from zeren.targets.actions import MilestoneSpec, TargetSpec
from zeren.targets.models import IndicatorKind, Milestone, ProgressReport, Source, Target

__all__ = ["ImportRejected", "RowError"]

# (JSON key, Excel header), in the column order of the offices' sheet (序号 first).
COLUMNS = [
    ("code", "目标编号"), ("year", "年度"), ("title", "目标任务"), ("source", "来源"), ("kind", "指标"),
    ("measure", "计量单位"), ("baseline", "基数"), ("target", "目标值"), ("additive", "可累加"), ("weight", "权重"),
    ("unit", "责任单位"), ("leader", "责任领导"), ("person", "责任人"), ("start", "开始时间"),
    ("deadline", "完成时限"), ("parent", "上级目标"), ("duty_items", "对应权责事项"), ("milestones", "里程碑"),
]
HEADER = dict(COLUMNS)
REQUIRED = ("code", "year", "title", "unit", "deadline")
KIND_LABELS = {"定量": IndicatorKind.QUANTITATIVE, "定性": IndicatorKind.QUALITATIVE}
SOURCE_LABELS = {str(label): value for value, label in Source.choices}
YES = {"是", "yes", "true", "1", "y"}


# --- reading ------------------------------------------------------------------------------------


def read_rows(source: Path | IO[bytes], name: str | None = None) -> tuple[list[tuple[int, dict[str, Any]]], bool]:
    """``[(row number, row keyed by JSON key)]`` and whether the file was Excel. The upload checks of
    :mod:`zeren.core.uploads` run first; a failed one rejects the file."""
    if not name:
        name = source.name if isinstance(source, Path) else str(getattr(source, "name", None) or "upload")
    suffix = Path(name).suffix.lower()
    try:
        if suffix == ".json":
            return read_json_rows(source, name, entry=_("须为对象（目标）"), cli=cli_command("zeren targets import")), False
        if suffix == ".xlsx":
            rows = read_sheet(source, name, COLUMNS, required=[HEADER[k] for k in REQUIRED],
                              markers=(HEADER["code"], HEADER["title"]), cli=cli_command("zeren targets import"))
            read = SheetRows((n, _from_excel(row)) for n, row in rows)
            read.errors = rows.errors
            return read, True
    except UploadRejected as exc:  # a problem of the whole file: no row, no column
        raise ImportRejected(name, [RowError(0, "", str(exc).removeprefix(f"{name}："))]) from None
    raise ImportRejected(name, [RowError(0, "", _("只支持 .xlsx 与 .json 文件"))])


def _from_excel(row: dict[str, Any]) -> dict[str, Any]:
    """An Excel row in the JSON shape: indicator columns folded into ``indicator``, milestones and duty
    items split from their cells (one milestone a line: 编号；节点；时限；预期值或成果)."""
    kind = str(row.pop("kind", "") or "定量").strip()
    indicator: dict[str, Any] = {"kind": KIND_LABELS.get(kind, kind)}
    if indicator["kind"] == IndicatorKind.QUANTITATIVE:
        indicator.update(unit=row.pop("measure", "") or "", baseline=row.pop("baseline", None),
                         target=row.pop("target", None),
                         additive=str(row.pop("additive", "") or "").strip().lower() in YES)
    row["indicator"] = indicator
    source = str(row.get("source") or "").strip()
    row["source"] = SOURCE_LABELS.get(source, source or Source.KEY_TASK)
    items = str(row.get("duty_items") or "")
    row["duty_items"] = [c.strip() for c in items.replace("；", ";").replace("\n", ";").split(";") if c.strip()]
    milestones = []
    for line in str(row.get("milestones") or "").splitlines():
        parts = [p.strip() for p in line.replace("；", ";").split(";")]
        if not any(parts):
            continue
        parts += [""] * (4 - len(parts))
        code, title, due, fourth = parts[:4]
        entry: dict[str, Any] = {"code": code, "title": title, "due": due}
        if indicator["kind"] == IndicatorKind.QUANTITATIVE:
            entry["expected"] = fourth or None
        else:
            entry["deliverable"] = fourth
        milestones.append(entry)
    row["milestones"] = milestones
    for key in ("start", "deadline"):
        if hasattr(row.get(key), "date"):
            row[key] = row[key].date()
    return row


# --- validating ---------------------------------------------------------------------------------

class _Checker:
    def __init__(self, source: str, excel: bool) -> None:
        self.source, self.excel = source, excel
        self.errors: list[RowError] = []

    def add(self, row: int, key: str, message: str) -> None:
        self.errors.append(RowError(row, HEADER.get(key, key) if self.excel else key, message))

    def number(self, row: int, key: str, value: Any, *, required: bool = False) -> float | None:
        if value is None or str(value).strip() == "":
            if required:
                self.add(row, key, _("必填"))
            return None
        if isinstance(value, bool):
            self.add(row, key, _("不是数字：%(value)r") % {"value": value})
            return None
        try:
            return float(value)
        except (TypeError, ValueError):
            self.add(row, key, _("不是数字：%(value)r") % {"value": value})
            return None

    def day(self, row: int, key: str, value: Any) -> date | None:
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value).strip())
        except ValueError:
            self.add(row, key, _("不是日期（YYYY-MM-DD）：%(value)r") % {"value": value})
            return None


def validate_targets(source: str, rows: list[tuple[int, dict[str, Any]]], excel: bool) -> list[TargetSpec]:
    """Every row checked; :class:`ImportRejected` lists all problems (unknown unit, person or parent, a
    cycle of parents, a deadline before the start, a weight that is not a number, a milestone due
    after the deadline…). Parents come first in the returned list."""
    from zeren.duties.models import FunctionItem
    from zeren.workcal.selectors import get_calendar

    check = _Checker(source, excel)
    check.errors += getattr(rows, "errors", [])  # cells that held formulas (zeren.core.importing.read_sheet)
    cal = get_calendar()
    unit_codes = {str(r.get("unit") or "").strip() for _, r in rows}
    units = {u.code: u for u in Unit.objects.filter(code__in=unit_codes)}
    units.update({u.name: u for u in Unit.objects.filter(name__in=unit_codes)} if excel else {})
    person_keys = {str(r.get(k) or "").strip() for _, r in rows for k in ("leader", "person")} - {""}
    people = {p.code: p for p in Person.objects.filter(code__in=person_keys)}
    item_codes = {c for _, r in rows for c in (r.get("duty_items") or []) if isinstance(c, str)}
    items = dict(FunctionItem.objects.filter(code__in=item_codes).values_list("code", "id"))
    codes_in_file: dict[str, int] = {}
    parent_of: dict[str, str | None] = {}
    parent_codes = {str(r.get("parent") or "").strip() for _, r in rows} - {""}
    stored = set(Target.objects.filter(code__in={str(r.get("code") or "").strip() for _, r in rows} | parent_codes)
                 .values_list("code", flat=True))
    specs: list[TargetSpec] = []
    for n, row in rows:
        unknown = sorted(set(row) - set(HEADER) - {"indicator"})
        if unknown and not excel:
            check.add(n, unknown[0], _("未知字段：%(keys)s") % {"keys": ", ".join(unknown)})
        for key in REQUIRED:
            if row.get(key) in (None, ""):
                check.add(n, key, _("必填"))
        code = str(row.get("code") or "").strip()
        if code in codes_in_file:
            check.add(n, "code", _("与第 %(row)s 行重复") % {"row": codes_in_file[code]})
        elif code in stored:
            check.add(n, "code", _("目标 %(code)s 已存在") % {"code": code})
        codes_in_file.setdefault(code, n)
        year = check.number(n, "year", row.get("year"), required=False)
        unit = units.get(str(row.get("unit") or "").strip())
        if row.get("unit") and unit is None:
            check.add(n, "unit", _("未知单位：%(unit)s") % {"unit": row.get("unit")})
        leader, person = (_person(check, n, key, row.get(key), people) for key in ("leader", "person"))
        weight = check.number(n, "weight", row.get("weight", 100))
        if weight is not None and weight < 0:
            check.add(n, "weight", _("权重不能为负数"))
        start = check.day(n, "start", row["start"]) if row.get("start") not in (None, "") else (
            cal.add_workdays(date(int(year) - 1, 12, 31), 1) if year else None)
        deadline = check.day(n, "deadline", row.get("deadline")) if row.get("deadline") else None
        if start and deadline and deadline < start:
            check.add(n, "deadline", _("完成时限 %(deadline)s 早于开始时间 %(start)s") % {"deadline": deadline, "start": start})
        source_value = str(row.get("source") or Source.KEY_TASK)
        if source_value not in Source.values:
            check.add(n, "source", _("未知来源：%(value)s（可选 %(allowed)s）") % {"value": source_value,
                                                                         "allowed": ", ".join(Source.values)})
        indicator = row.get("indicator") or {}
        kind = indicator.get("kind") if isinstance(indicator, dict) else None
        if kind not in IndicatorKind.values:
            check.add(n, "kind" if excel else "indicator", _("指标类型须为 定量/定性（quantitative/qualitative）：%(kind)r") % {"kind": kind})
            indicator = {}
        quantitative = kind == IndicatorKind.QUANTITATIVE
        baseline = check.number(n, "baseline" if excel else "indicator", indicator.get("baseline")) if quantitative else None
        target = check.number(n, "target" if excel else "indicator", indicator.get("target"), required=True) if quantitative else None
        milestones = _milestones(check, n, row.get("milestones") or [], deadline, quantitative)
        duty_ids = []
        for item in row.get("duty_items") or []:
            if item not in items:
                check.add(n, "duty_items", _("未知权责事项：%(code)s") % {"code": item})
            else:
                duty_ids.append(items[item])
        parent = str(row.get("parent") or "").strip() or None
        parent_of[code] = parent
        if parent and parent not in stored and parent not in {str(r.get("code") or "").strip() for _, r in rows}:
            check.add(n, "parent", _("未知上级目标：%(code)s") % {"code": parent})
        if unit is None or start is None or deadline is None or year is None:
            continue
        specs.append(TargetSpec(
            code=code, year=int(year), title=str(row.get("title") or "").strip()[:300], unit=unit, start=start,
            deadline=deadline, source=source_value, leader=leader, person=person, parent_code=parent,
            weight=weight if weight is not None else 100.0, kind=kind or IndicatorKind.QUANTITATIVE,
            measure=str(indicator.get("unit") or "")[:32], baseline=baseline if baseline is not None else (0.0 if quantitative else None),
            target_value=target, additive=bool(indicator.get("additive")), duty_item_ids=duty_ids,
            milestones=milestones))
    for cycle in rules.find_cycles({c: p for c, p in parent_of.items() if c}):
        check.add(codes_in_file[cycle[0]], "parent", _("上级目标成环：%(cycle)s") % {"cycle": " → ".join([*cycle, cycle[0]])})
    if check.errors:
        raise ImportRejected(source, check.errors)
    return _parents_first(specs)


def _person(check: _Checker, n: int, key: str, value: Any, people: dict[str, Person]) -> Person | None:
    code = str(value or "").strip()
    if not code:
        return None
    if code not in people:
        check.add(n, key, _("未知人员：%(code)s") % {"code": code})
    return people.get(code)


def _milestones(check: _Checker, n: int, raw: Any, deadline: date | None, quantitative: bool) -> list[MilestoneSpec]:
    if not isinstance(raw, list):
        check.add(n, "milestones", _("须为列表"))
        return []
    found = []
    seen: set[str] = set()
    for i, m in enumerate(raw, 1):
        if not isinstance(m, dict) or not str(m.get("code") or "").strip():
            check.add(n, "milestones", _("第 %(n)s 个里程碑缺少编号") % {"n": i})
            continue
        code = str(m["code"]).strip()
        if code in seen:
            check.add(n, "milestones", _("里程碑编号 %(code)s 重复") % {"code": code})
        seen.add(code)
        due = check.day(n, "milestones", m.get("due"))
        if due and deadline and due > deadline:
            check.add(n, "milestones", _("里程碑 %(code)s 的时限 %(due)s 晚于完成时限 %(deadline)s") % {
                "code": code, "due": due, "deadline": deadline})
        expected = check.number(n, "milestones", m.get("expected")) if quantitative else None
        if due:
            found.append(MilestoneSpec(code=code[:40], title=str(m.get("title") or code)[:300], due=due,
                                       expected=expected, deliverable=str(m.get("deliverable") or "")[:300]))
    return found


def _parents_first(specs: list[TargetSpec]) -> list[TargetSpec]:
    by_code = {s.code: s for s in specs}

    def depth(spec: TargetSpec) -> int:
        d, seen = 0, set()
        while spec.parent_code in by_code and spec.code not in seen:
            seen.add(spec.code)
            spec, d = by_code[spec.parent_code], d + 1
        return d

    return sorted(specs, key=depth)


def validate_reports(source: str, rows: list[tuple[int, dict[str, Any]]], allowed: Any = None) -> list[ProgressReport]:
    """Progress reports ``{"target", "date", "value"}`` or ``{"target", "date", "milestone"}`` (that
    milestone done), optional ``"note"``. ``allowed(target) -> bool`` refuses targets of other units."""
    check = _Checker(source, False)
    codes = {str(r.get("target") or "") for _, r in rows}
    targets = {t.code: t for t in Target.objects.filter(code__in=codes).select_related("unit")}
    milestones = {(m.target_id, m.code): m for m in Milestone.objects.filter(target__code__in=codes)}
    reports = []
    for n, row in rows:
        target = targets.get(str(row.get("target") or ""))
        if target is None:
            check.add(n, "target", _("未知目标：%(code)s") % {"code": row.get("target")})
            continue
        if allowed is not None and not allowed(target):
            check.add(n, "target", _("目标 %(code)s 属于 %(unit)s，无权报告") % {"code": target.code, "unit": target.unit.code})
            continue
        day = check.day(n, "date", row.get("date"))
        value = check.number(n, "value", row.get("value")) if "value" in row else None
        milestone = None
        if "milestone" in row:
            milestone = milestones.get((target.pk, str(row["milestone"])))
            if milestone is None:
                check.add(n, "milestone", _("目标 %(code)s 没有里程碑 %(milestone)s") % {
                    "code": target.code, "milestone": row["milestone"]})
        if ("value" in row) == ("milestone" in row):
            check.add(n, "value", _("须且只须给出 value 或 milestone 之一"))
        if value is not None and target.kind != IndicatorKind.QUANTITATIVE:
            check.add(n, "value", _("目标 %(code)s 是定性指标，只能报告里程碑完成") % {"code": target.code})
        if day and day < target.start:
            check.add(n, "date", _("报告日期 %(day)s 早于开始时间 %(start)s") % {"day": day, "start": target.start})
        if day:
            reports.append(ProgressReport(target=target, milestone=milestone, date=day, value=value,
                                          note=str(row.get("note") or "")))
    if check.errors:
        raise ImportRejected(source, check.errors)
    return reports


# --- writing ------------------------------------------------------------------------------------

def export_rows(targets: Any) -> list[dict[str, Any]]:
    """Targets as JSON objects with the import's keys (an export re-imports unchanged)."""
    rows = []
    qs = targets.select_related("unit", "leader", "person", "parent").prefetch_related("milestones", "duty_items")
    for t in qs.order_by("year", "code"):
        indicator: dict[str, Any] = {"kind": t.kind}
        if t.kind == IndicatorKind.QUANTITATIVE:
            indicator.update(unit=t.measure, baseline=t.baseline, target=t.target_value, additive=t.additive)
        milestones = []
        for m in t.milestones.all():
            entry: dict[str, Any] = {"code": m.code, "title": m.title, "due": m.due.isoformat()}
            entry.update({"expected": m.expected} if t.kind == IndicatorKind.QUANTITATIVE else {"deliverable": m.deliverable})
            milestones.append(entry)
        rows.append({
            "code": t.code, "year": t.year, "title": t.title, "source": t.source, "unit": t.unit.code,
            "leader": t.leader.code if t.leader else None, "person": t.person.code if t.person else None,
            "parent": t.parent.code if t.parent else None, "weight": t.weight, "start": t.start.isoformat(),
            "deadline": t.deadline.isoformat(), "duty_items": sorted(i.code for i in t.duty_items.all()),
            "indicator": indicator, "milestones": milestones,
        })
    return rows


def write_json(rows: list[dict[str, Any]], out: IO[str]) -> None:
    json.dump(rows, out, ensure_ascii=False, indent=1)


def xlsx_bytes(rows: list[dict[str, Any]]) -> bytes:
    """The offices' sheet: 序号 then the columns of :data:`COLUMNS`."""
    kinds = {v: k for k, v in KIND_LABELS.items()}
    sources = dict(Source.choices)
    lines: list[list[Any]] = [["序号", *HEADER.values()]]
    for i, r in enumerate(rows, 1):
        ind = r["indicator"]
        quantitative = ind["kind"] == IndicatorKind.QUANTITATIVE
        milestones = "\n".join(
            "；".join([m["code"], m["title"], m["due"], _text(m.get("expected") if quantitative else m.get("deliverable"))])
            for m in r["milestones"])
        lines.append([i, r["code"], r["year"], r["title"], str(sources[r["source"]]), kinds[ind["kind"]],
                      ind.get("unit", ""), ind.get("baseline"), ind.get("target"),
                      ("是" if ind.get("additive") else "否") if quantitative else "", r["weight"], r["unit"],
                      r["leader"] or "", r["person"] or "", r["start"], r["deadline"], r["parent"] or "",
                      "；".join(r["duty_items"]), milestones])
    return write_xlsx({"目标任务": lines})


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def template_bytes() -> bytes:
    """The empty import sheet offered for download, with one example row."""
    return xlsx_bytes([{
        "code": "2026-SZ-001", "year": 2026, "title": "（示例）新增市场主体", "source": "key_task", "unit": "SZ",
        "leader": None, "person": None, "parent": None, "weight": 100, "start": "2026-01-05",
        "deadline": "2026-12-31", "duty_items": [],
        "indicator": {"kind": "quantitative", "unit": "万户", "baseline": 0, "target": 10, "additive": True},
        "milestones": [{"code": "M1", "title": "上半年", "due": "2026-06-30", "expected": 5}],
    }])

