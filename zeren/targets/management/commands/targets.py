"""``zeren targets import|report|status|export|check|follow-up|white-paper`` (thin: parse, call, print)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from zeren.core.exports import write_csv, write_xlsx
from zeren.targets import actions, exchange, selectors
from zeren.targets.models import Target, TargetState

STATUS_KEYS = ["code", "status", "progress", "expected", "working_days_left"]


class Command(BaseCommand):
    help = "Targets (目标管理): import, progress reports, status, export, checks, follow-up, white papers."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True)
        imp = sub.add_parser("import", help="import targets from .xlsx or .json (all or nothing)")
        imp.add_argument("file", type=Path)
        rep = sub.add_parser("report", help="load progress reports from a .json list (all or nothing)")
        rep.add_argument("file", type=Path)
        rep.add_argument("--unit", default=None, help="the reporting unit's code: refuse targets of other units")
        sta = sub.add_parser("status", help="one line per target: status, progress, expected, working days left")
        sta.add_argument("--as-of", type=date.fromisoformat, default=None)
        sta.add_argument("--year", type=int, default=None, help="targets of this year (default: the as-of year)")
        sta.add_argument("--format", choices=["jsonl", "csv", "xlsx"], default="jsonl")
        sta.add_argument("--output", type=Path, default=None)
        exp = sub.add_parser("export", help="export targets (re-imports unchanged)")
        exp.add_argument("--format", choices=["json", "xlsx"], default="json")
        exp.add_argument("--year", type=int, default=None)
        exp.add_argument("--output", type=Path, default=None)
        chk = sub.add_parser("check", help="consistency checks of a year's targets, raised as findings")
        chk.add_argument("--year", type=int, default=None)
        chk.add_argument("--no-findings", action="store_true", help="only print, raise no findings")
        fol = sub.add_parser("follow-up", help="the daily follow-up run (督办): notices, escalations, findings")
        fol.add_argument("--as-of", type=date.fromisoformat, default=None)
        wp = sub.add_parser("white-paper", help="a unit's responsibility white paper (部门责任白皮书) as PDF")
        wp.add_argument("unit")
        wp.add_argument("year", type=int)
        wp.add_argument("--output", type=Path, required=True)

    def handle(self, *args, verb, **options):
        getattr(self, "_" + verb.replace("-", "_"))(**options)

    def _import(self, file: Path, **_):
        if not file.exists():
            raise CommandError(f"{file}: no such file")
        try:
            rows, excel = exchange.read_rows(file)
            specs = exchange.validate_targets(file.name, rows, excel)
        except exchange.ImportRejected as exc:
            raise CommandError(exc.refusal()) from None
        created = actions.do_import_targets(actor=None, specs=specs, source_name=file.name)
        self.stdout.write(f"{file.name}: 导入目标 {len(created)} 个")

    def _report(self, file: Path, unit: str | None, **_):
        if not file.exists():
            raise CommandError(f"{file}: no such file")
        allowed = None
        if unit:
            from zeren.org.models import Unit

            reporter = Unit.objects.filter(code=unit).first()
            if reporter is None:
                raise CommandError(f"未知单位：{unit}")
            allowed = lambda target: target.unit.path.startswith(reporter.path)  # noqa: E731
        try:
            rows, excel = exchange.read_rows(file)
            if excel:
                raise CommandError("进度报告只接受 .json 文件")
            reports = exchange.validate_reports(file.name, rows, allowed)
        except exchange.ImportRejected as exc:
            raise CommandError(exc.refusal()) from None
        count = actions.do_import_reports(actor=None, reports=reports, source_name=file.name)
        self.stdout.write(f"{file.name}: 进度报告 {count} 条")

    def _status(self, as_of: date | None, year: int | None, format: str, output: Path | None, **_):
        as_of = as_of or timezone.localdate()
        targets = Target.objects.filter(year=year or as_of.year, state=TargetState.ACTIVE)
        computed = selectors.statuses(targets, as_of)
        codes = dict(targets.values_list("id", "code"))
        rows = [[codes[i], s.status, round(s.progress, 4), round(s.expected, 4), s.working_days_left]
                for i, s in sorted(computed.items(), key=lambda kv: codes.get(kv[0], "")) if i in codes]
        if format == "jsonl":
            text = "".join(json.dumps(dict(zip(STATUS_KEYS, r, strict=True)), ensure_ascii=False) + "\n" for r in rows)
            self._emit(text.encode("utf-8"), output)
        elif format == "csv":
            self._emit(write_csv([STATUS_KEYS, *rows]), output)
        else:
            self._emit(write_xlsx({"status": [STATUS_KEYS, *rows]}), output, binary=True)

    def _export(self, format: str, year: int | None, output: Path | None, **_):
        targets = Target.objects.exclude(state=TargetState.WITHDRAWN)
        rows = exchange.export_rows(targets.filter(year=year) if year else targets)
        if format == "json":
            self._emit(json.dumps(rows, ensure_ascii=False, indent=1).encode("utf-8"), output)
        else:
            self._emit(exchange.xlsx_bytes(rows), output, binary=True)

    def _check(self, year: int | None, no_findings: bool, **_):
        year = year or timezone.localdate().year
        issues = selectors.consistency_issues(year)
        for issue in issues:
            self.stdout.write(f"{'警告' if issue.warning else '问题'}\t{issue.cause}\t{issue.code}\t{issue.message}")
        raised = 0 if no_findings else actions.do_raise_check_findings(actor=None, year=year, issues=issues)
        self.stdout.write(f"{year} 年：{len(issues)} 处（其中警告 {sum(i.warning for i in issues)}），新问题线索 {raised} 条")

    def _follow_up(self, as_of: date | None, **_):
        summary = actions.do_follow_up(as_of=as_of or timezone.localdate())
        self.stdout.write(f"{summary.as_of}: 下发督办通知 {summary.issued}，升级 {summary.escalated}，"
                          f"新问题线索 {summary.findings}，已完成而销号 {summary.resolved}；状态 {dict(summary.statuses)}")

    def _white_paper(self, unit: str, year: int, output: Path, **_):
        from zeren.org.models import Unit
        from zeren.targets import whitepaper

        found = Unit.objects.filter(code=unit).first()
        if found is None:
            raise CommandError(f"未知单位：{unit}")
        try:
            pdf = whitepaper.render_pdf(whitepaper.content_for(found, year))
        except whitepaper.PdfUnavailable as exc:
            raise CommandError(str(exc)) from None
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        output.write_bytes(pdf)
        self.stdout.write(f"{output}: {len(pdf)} 字节")

    def _emit(self, data: bytes, output: Path | None, *, binary: bool = False) -> None:
        if output:
            output.write_bytes(data)
        elif binary:
            raise CommandError("xlsx 需要 --output FILE.xlsx")
        else:
            self.stdout.write(data.decode("utf-8"), ending="")
