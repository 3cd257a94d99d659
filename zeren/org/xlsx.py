"""Reading an org chart from Excel (org-xlsx, 组织机构表) into a :class:`RegistryData`.

Two sheets, documented in docs/org-xlsx.md: ``单位`` (units) and ``人员任职`` (people, their
posts and memberships; one row per person-in-post). Headers may be Chinese or English. Every
problem names the file, sheet, row and column; nothing is written unless all rows check.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.db.models import TextChoices
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from zeren.core.importing import formula_errors, place, problem
from zeren.core.uploads import UploadRejected, safe_load_workbook
from zeren.org.models import MAX_POPULATION, Gender, Level, Rank
from zeren.org.registry import MembershipRow, PersonRow, PostRow, RegistryData, RegistryError, UnitRow
from zeren.org.rules import chinese_labels

UNIT_SHEETS = ("单位", "units")
PEOPLE_SHEETS = ("人员任职", "people")

# field → accepted headers (first is the documented Chinese one).
UNIT_COLUMNS = {
    "code": ("单位代码", "code"), "name": ("单位名称", "name"), "parent_code": ("上级单位代码", "parent_code"),
    "kind": ("类别", "kind"), "level": ("层级", "level"), "name_en": ("英文名称", "name_en"),
    "short_name": ("简称", "short_name"), "valid_from": ("成立日期", "valid_from"),
    "valid_until": ("撤销日期", "valid_until"), "sort_order": ("排序", "sort_order"), "functions": ("职责", "functions"),
    "population": ("常住人口", "population"),
}
PEOPLE_COLUMNS = {
    "person_code": ("人员编号", "person_code"), "name": ("姓名", "name"), "gender": ("性别", "gender"),
    "birth_date": ("出生日期", "birth_date"), "email": ("电子邮箱", "email"), "phone": ("电话", "phone"),
    "id_number": ("身份证号", "id_number"), "post_code": ("职位代码", "post_code"), "post_label": ("职位名称", "post_label"),
    "unit_code": ("单位代码", "unit_code"), "rank": ("职级", "rank"), "is_leading": ("是否领导职务", "is_leading"),
    "start_date": ("任职日期", "start_date"), "end_date": ("离任日期", "end_date"),
}
# Row fields of the registry → the spreadsheet column that fed them, per record kind.
PEOPLE_FIELD_COLUMNS = {
    "person": {"code": "person_code"},
    "post": {"code": "post_code", "label": "post_label", "valid_from": "start_date"},
    "membership": {"person_code": "person_code", "post_code": "post_code"},
}
LEVELS = {"市": Level.CITY, "市级": Level.CITY, "区": Level.DISTRICT, "区级": Level.DISTRICT, "街道": Level.STREET}
GENDERS = {"男": Gender.MALE, "女": Gender.FEMALE, "m": Gender.MALE, "f": Gender.FEMALE}
YES = {"是", "yes", "y", "true", "1", "领导", "领导职务"}
NO = {"否", "no", "n", "false", "0", "", "非领导", "非领导职务"}


class _Sheet:
    """One sheet's header map and the problems found in it (``(place, message)``, every one of them)."""

    def __init__(self, book_name: str, ws, columns: dict[str, tuple[str, ...]], problems: list[tuple[str, str]],
                 formulas: list[tuple[str, int, int]]):
        self.name, self.ws, self.problems, self.book = ws.title, ws, problems, book_name
        rows = ws.iter_rows(values_only=True)
        header = next(rows, ()) or ()
        names = {str(h).strip().lower(): i for i, h in enumerate(header) if h is not None}
        self.index: dict[str, int] = {}
        self.labels: dict[str, str] = {}  # field -> the column as the sheet names it (its header)
        for field_name, headers in columns.items():
            for h in headers:
                if h.lower() in names:
                    i = names[h.lower()]
                    self.index[field_name] = i
                    self.labels[field_name] = str(header[i]).strip()
                    break
            else:
                self.labels[field_name] = headers[0]
        # Cells holding formulas: reported with their row and column, read as empty.
        self.blank = {(r, c) for s, r, c in formulas if s == ws.title}
        headers_by_index = {i: str(h).strip() for i, h in enumerate(header) if h is not None}
        problems += [(place("", e.row, e.field, e.sheet), e.message)
                     for e in formula_errors([f for f in formulas if f[0] == ws.title and f[1] > 1],
                                             headers_by_index, ws.title)]
        self.rows = rows
        self.total = max((ws.max_row or 1) - 1, 0)

    def require(self, *fields: str) -> None:
        for f in fields:
            if f not in self.index:
                self.problems.append((place("", 1, self.labels[f], self.name), _("缺少此列")))

    def origin(self, row: int) -> str:
        return f"sheet {self.name}, row {row}"

    def bad(self, row: int, field_name: str, reason: str) -> None:
        self.problems.append((place("", row, self.labels[field_name], self.name), reason))


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


class _Row:
    def __init__(self, sheet: _Sheet, number: int, values: tuple):
        self.sheet, self.number, self.values = sheet, number, values

    def raw(self, field_name: str) -> Any:
        i = self.sheet.index.get(field_name)
        if i is None or i >= len(self.values) or (self.number, i) in self.sheet.blank:
            return None
        return self.values[i]

    def text(self, field_name: str, required: bool = False) -> str:
        value = _text(self.raw(field_name))
        if required and not value:
            self.sheet.bad(self.number, field_name, _("必填"))
        return value

    def day(self, field_name: str) -> date | None:
        value = self.raw(field_name)
        if value in (None, ""):
            return None
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(_text(value).replace("/", "-").replace(".", "-"))
        except ValueError:
            self.sheet.bad(self.number, field_name, _("%(value)r 不是日期（YYYY-MM-DD）") % {"value": value})
            return None

    def choice(self, field_name: str, mapping: dict[str, str], choices: type[TextChoices]) -> str | None:
        """A choice given as its value (``bureau_chief``), its Chinese label (厅局级正职) or a synonym."""
        text = self.text(field_name)
        if not text:
            return None
        if text.lower() in choices.values:
            return text.lower()
        if text in (labels := chinese_labels(choices)):
            return labels[text]
        if text.lower() in mapping:
            return mapping[text.lower()]
        self.sheet.bad(self.number, field_name, _("未知取值 %(value)r") % {"value": text})
        return None


def _progress(quiet: bool) -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), disable=quiet)


def read_org_xlsx(path: str | Path, *, quiet: bool = False) -> RegistryData:
    """Read an org-xlsx workbook. A file that is no workbook, or has neither sheet, raises :class:`RegistryError`;
    the problems of its cells (a bad value, a missing required column, a formula) are kept in the data's
    ``problems`` and listed, every one, with those :func:`zeren.org.registry.plan_registry` finds — each naming
    file, sheet, row and column, in the UI language."""
    path = Path(path)
    formulas: list[tuple[str, int, int]] = []
    try:  # the checks every upload passes: zip bomb, macros (docs/trust.md); formulas are listed below
        book = safe_load_workbook(path, read_only=True, formulas=formulas)
    except UploadRejected as exc:
        raise RegistryError([str(exc)]) from None
    problems: list[tuple[str, str]] = []
    sheets = {ws.title.strip().lower(): ws for ws in book.worksheets}
    unit_ws = next((sheets[n] for n in UNIT_SHEETS if n in sheets), None)
    people_ws = next((sheets[n] for n in PEOPLE_SHEETS if n in sheets), None)
    if unit_ws is None and people_ws is None:
        raise RegistryError([problem(path.name, 0, "", _("没有名为「%(units)s」或「%(people)s」的工作表") % {
            "units": UNIT_SHEETS[0], "people": PEOPLE_SHEETS[0]})])
    labels: dict[str, dict[str, str]] = {}
    data = RegistryData()
    with _progress(quiet) as bar:
        if unit_ws is not None:
            sheet = _Sheet(path.name, unit_ws, UNIT_COLUMNS, problems, formulas)
            labels[sheet.name] = sheet.labels
            sheet.require("code", "name")
            _read_units(sheet, data, bar)
        if people_ws is not None:
            sheet = _Sheet(path.name, people_ws, PEOPLE_COLUMNS, problems, formulas)
            labels[sheet.name] = sheet.labels
            sheet.require("person_code", "name")
            _read_people(sheet, data, bar)
    book.close()
    data.problems = problems
    data.locate = _locator(labels)
    return data


def _locator(labels: dict[str, dict[str, str]]) -> Callable[[str, str], str]:
    """Origins look like ``sheet 单位, row 5`` (units) or ``sheet 人员任职, row 5|post``; the place of a problem
    names the sheet, the row and the column as the sheet heads it (:func:`zeren.core.importing.place`)."""
    def locate(origin: str, field_name: str) -> str:
        where, _sep, kind = origin.partition("|")
        sheet, _sep, row = where.partition(", row ")
        sheet = sheet.removeprefix("sheet ")
        column = PEOPLE_FIELD_COLUMNS.get(kind, {}).get(field_name, field_name)
        return place("", int(row or 0), labels.get(sheet, {}).get(column, column), sheet)
    return locate


def _rows(sheet: _Sheet, bar: Progress):
    task = bar.add_task(f"{sheet.book} · {sheet.name}", total=sheet.total)
    for number, values in enumerate(sheet.rows, start=2):
        bar.advance(task)
        if values and any(v not in (None, "") for v in values):
            yield _Row(sheet, number, values)


def _read_units(sheet: _Sheet, data: RegistryData, bar: Progress) -> None:
    for row in _rows(sheet, bar):
        order = row.text("sort_order")
        if order and not order.lstrip("-").isdigit():
            sheet.bad(row.number, "sort_order", _("%(value)r 不是整数") % {"value": order})
        population = _population(sheet, row)
        functions = [f.strip() for f in row.text("functions").replace("；", "\n").replace(";", "\n").splitlines()]
        data.units.append(UnitRow(
            code=row.text("code", True), name=row.text("name", True), parent_code=row.text("parent_code") or None,
            classification=row.text("kind"),
            level=row.choice("level", LEVELS, Level),
            name_en=row.text("name_en"), short_name=row.text("short_name"), functions=[f for f in functions if f],
            valid_from=row.day("valid_from"), valid_until=row.day("valid_until"),
            sort_order=int(order) if order.lstrip("-").isdigit() else 0, population=population,
            origin=sheet.origin(row.number)))


def _population(sheet: _Sheet, row: _Row) -> int | None:
    """A whole number of people (常住人口); thousands separators allowed; an empty cell keeps the recorded figure."""
    text = row.text("population").replace(",", "").replace("，", "").replace(" ", "")
    if not text:
        return None
    if not text.isdigit() or int(text) > MAX_POPULATION:
        sheet.bad(row.number, "population", _("%(value)r 不是人数（整数）") % {"value": row.text("population")})
        return None
    return int(text)


def _agree(sheet: _Sheet, row: _Row, seen: dict[str, tuple[Any, int]], code: str, record: Any, what: str) -> bool:
    """A person or post repeated on several rows must be described the same way each time."""
    if code not in seen:
        seen[code] = (record, row.number)
        return True
    first, number = seen[code]
    if first != record:
        field_name = "name" if what == "person" else "post_label"
        sheet.bad(row.number, field_name, _("%(what)s %(code)r 与第 %(row)s 行的描述不同") % {
            "what": pgettext("registry record", "人员") if what == "person" else pgettext("registry record", "职位"), "code": code, "row": number})
    return False


def _read_people(sheet: _Sheet, data: RegistryData, bar: Progress) -> None:
    persons: dict[str, tuple[Any, int]] = {}
    posts: dict[str, tuple[Any, int]] = {}
    for row in _rows(sheet, bar):
        origin = sheet.origin(row.number)
        person = PersonRow(
            code=row.text("person_code", True), name=row.text("name", True),
            gender=row.choice("gender", GENDERS, Gender) or "",
            birth_date=row.day("birth_date"), email=row.text("email"), phone=row.text("phone"),
            id_number=row.text("id_number"), origin=f"{origin}|person")
        if _agree(sheet, row, persons, person.code, person, "person"):
            data.persons.append(person)
        post_code = row.text("post_code")
        if not post_code:
            continue
        leading = row.text("is_leading").lower()
        if leading not in YES | NO:
            sheet.bad(row.number, "is_leading", _("%(value)r 不是「是」或「否」") % {"value": leading})
        post = PostRow(
            code=post_code, unit_code=row.text("unit_code", True), label=row.text("post_label", True),
            rank=row.choice("rank", {}, Rank) or Rank.STAFF,
            is_leading=leading in YES, origin=f"{origin}|post")
        if _agree(sheet, row, posts, post_code, post, "post"):
            data.posts.append(post)
        data.memberships.append(MembershipRow(
            person_code=person.code, post_code=post_code, unit_code=post.unit_code,
            start_date=row.day("start_date"), end_date=row.day("end_date"), origin=f"{origin}|membership"))
