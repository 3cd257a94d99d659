"""``zeren calendar``: the working-day calendar from the command line.

    zeren calendar add-workdays 2026-09-30 5        # prints 2026-10-13
    zeren calendar between 2026-09-30 2026-10-12    # prints 4
    zeren calendar show 2026                        # holidays and adjusted workdays with labels
    zeren calendar import FILE [--dry-run]          # load a TOML override file (audited)

``--policy strict|provisional`` (default: the ZEREN_CALENDAR_POLICY setting). stdout carries only
the result, so scripts can use it; a result that depends on a year with no official schedule
adds the line "provisional: …" on stderr.
"""

from __future__ import annotations

import argparse
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zeren.workcal.actions import check_import_calendar_overrides, import_calendar_file
from zeren.workcal.selectors import get_calendar
from zeren.workdays import CalendarError, OverrideFileError, Policy, WorkCalendar


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date YYYY-MM-DD") from error


# The messages of an override file's problems: zeren.workdays (no Django) words them in English with their
# parameters apart (OverrideFileError.template, .params); here is each in the UI language.
OVERRIDE_MESSAGES = {
    "cannot read the file: %(error)s": gettext_lazy("无法读取文件：%(error)s"),
    "not valid TOML: %(error)s": gettext_lazy("不是有效的 TOML：%(error)s"),
    "unknown key; expected one of %(keys)s": gettext_lazy("未知的键；应为 %(keys)s 之一"),
    "must be a string": gettext_lazy("须为字符串"),
    "must be an array of tables ([[%(kind)s]])": gettext_lazy("须为表数组（[[%(kind)s]]）"),
    "%(day)s is already given by %(other)s": gettext_lazy("%(day)s 已由 %(other)s 给出"),
    "must be a list of years": gettext_lazy("须为年份列表"),
    "%(year)r is not a year in %(first)s..%(last)s": gettext_lazy("%(year)r 不是 %(first)s..%(last)s 之间的年份"),
    "must be a table": gettext_lazy("须为表"),
    "unknown field; expected %(keys)s": gettext_lazy("未知字段；应为 %(keys)s"),
    "required: a non-empty string": gettext_lazy("必填：非空字符串"),
    "longer than %(n)s characters": gettext_lazy("超过 %(n)s 个字符"),
    "give either date, or start and end, not both": gettext_lazy("只能给出 date，或 start 与 end，不能同时给出"),
    "%(end)s is before start %(start)s": gettext_lazy("%(end)s 早于开始日期 %(start)s"),
    "a range may span at most %(n)s days": gettext_lazy("日期范围最多 %(n)s 天"),
    "required: give date, or start and end": gettext_lazy("必填：给出 date，或 start 与 end"),
    "%(value)r has a time of day; give a date": gettext_lazy("%(value)r 含有时刻，请只给日期"),
    "%(value)r is not a date YYYY-MM-DD": gettext_lazy("%(value)r 不是日期（YYYY-MM-DD）"),
    "%(day)s is outside %(first)s..%(last)s": gettext_lazy("%(day)s 不在 %(first)s..%(last)s 之内"),
}


def refusal(error: OverrideFileError) -> str:
    """Every problem of an override file (the whole file is checked in one pass), in the UI language."""
    lines = [_("导入被拒绝，未写入任何数据（%(n)s 处错误）：") % {"n": len(error.problems)}]
    for problem in error.problems:
        if problem.entry and problem.field:
            where = _("%(file)s 条目「%(entry)s」字段「%(field)s」") % {
                "file": problem.source, "entry": problem.entry, "field": problem.field}
        elif problem.entry:
            where = _("%(file)s 条目「%(entry)s」") % {"file": problem.source, "entry": problem.entry}
        elif problem.field:
            where = _("%(file)s 字段「%(field)s」") % {"file": problem.source, "field": problem.field}
        else:
            where = problem.source
        message = str(OVERRIDE_MESSAGES.get(problem.template, problem.template)) % problem.params
        lines.append(_("%(place)s：%(message)s") % {"place": where, "message": message})
    return "\n".join(lines)


class Command(BaseCommand):
    help = "Working-day calendar (工作日历): add working days, count them, show a year, import overrides."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--policy", choices=[p.value for p in Policy], default=None,
                            help="years with no official schedule: provisional (by rule, flagged) or strict (error)")
        commands = parser.add_subparsers(dest="subcommand", required=True)
        add = commands.add_parser("add-workdays", help="the N-th working day strictly after DATE")
        add.add_argument("day", type=_iso_date, metavar="DATE")
        add.add_argument("n", type=int, metavar="N")
        between = commands.add_parser("between", help="working days in (START, END]")
        between.add_argument("start", type=_iso_date, metavar="START")
        between.add_argument("end", type=_iso_date, metavar="END")
        show = commands.add_parser("show", help="a year's holidays and adjusted working days")
        show.add_argument("year", type=int, metavar="YEAR")
        load = commands.add_parser("import", help="validate and load a TOML override file")
        load.add_argument("file", metavar="FILE")
        load.add_argument("--dry-run", action="store_true", help="only validate the file")

    def handle(self, *args: Any, subcommand: str, policy: str | None, **options: Any) -> None:
        try:
            if subcommand == "import":
                self._import(options["file"], options["dry_run"])
                return
            calendar = get_calendar(policy)
            if subcommand == "add-workdays":
                result, provisional = calendar.add_workdays(options["day"], options["n"], with_flag=True)
                self.stdout.write(result.isoformat())
                self._note_provisional(calendar, provisional, options["day"], result)
            elif subcommand == "between":
                count, provisional = calendar.workdays_between(options["start"], options["end"], with_flag=True)
                self.stdout.write(str(count))
                self._note_provisional(calendar, provisional, options["start"], options["end"])
            else:
                self._show(calendar, options["year"])
        except OverrideFileError as error:
            raise CommandError(refusal(error)) from None
        except CalendarError as error:
            raise CommandError(str(error)) from error

    def _note_provisional(self, calendar: WorkCalendar, provisional: bool, first: date, last: date) -> None:
        if provisional:
            low, high = sorted((first, last))
            years = sorted(y for y in calendar.provisional_years if low.year <= y <= high.year)
            self.stderr.write(
                f"provisional: {', '.join(map(str, years))} has no official holiday schedule yet; "
                "holidays computed by rule (全国年节及纪念日放假办法), no 调休"
            )

    def _show(self, calendar: WorkCalendar, year: int) -> None:
        for special in calendar.special_days(year):
            weekday = special.day.strftime("%a")
            self.stdout.write(f"{special.day.isoformat()}\t{weekday}\t{special.kind.value}\t{special.label}\t{special.source.value}")
        if not calendar.is_official_year(year):
            self.stderr.write(f"provisional: {year} has no official holiday schedule yet; days computed by rule")

    def _import(self, path: str, dry_run: bool) -> None:
        if dry_run:
            overrides = check_import_calendar_overrides(path)
            self.stdout.write(f"{path}: valid, {len(overrides.days)} days, "
                              f"official years {sorted(overrides.official_years) or 'none'} (dry run, nothing imported)")
            return
        summary = import_calendar_file(path)
        self.stdout.write(
            f"{path}: {len(summary.created)} days added, {len(summary.updated)} updated, "
            f"{len(summary.unchanged)} unchanged; official years added: {summary.official_years_added or 'none'}; "
            f"calendar version {summary.version}"
        )
