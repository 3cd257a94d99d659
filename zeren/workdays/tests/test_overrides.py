"""Local override files (TOML): format, validation naming file/entry/field, and their effect."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from zeren.workdays import DayKind, OverrideFileError, WorkCalendar, load_overrides, parse_overrides

SCHEDULE_2027 = """
source = "国务院办公厅关于2027年部分节假日安排的通知 (test)"
official_years = [2027]

[[holiday]]
date = 2027-01-01
label = "元旦"

[[holiday]]
start = 2027-02-05
end = 2027-02-11
label = "春节"

[[workday]]
date = "2027-02-20"
label = "春节调休上班"
"""


def write(tmp_path: Path, text: str, name: str = "calendar.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_parse_expands_ranges_and_keeps_labels(tmp_path: Path) -> None:
    overrides = load_overrides(write(tmp_path, SCHEDULE_2027))
    assert overrides.official_years == frozenset({2027})
    assert len(overrides.days) == 1 + 7 + 1
    assert overrides.days[-1].day == date(2027, 2, 20)
    assert overrides.days[-1].kind is DayKind.WORKDAY
    assert overrides.days[-1].label == "春节调休上班"
    assert overrides.days[0].origin.endswith("calendar.toml")


def test_an_imported_official_year_is_no_longer_provisional(tmp_path: Path) -> None:
    cal = WorkCalendar.china(overrides=write(tmp_path, SCHEDULE_2027))
    assert not cal.is_provisional(date(2027, 3, 1)) and cal.is_official_year(2027)
    assert cal.is_provisional(date(2028, 3, 1))
    assert cal.is_workday(date(2027, 2, 20))  # Saturday made a working day
    assert not cal.is_workday(date(2027, 2, 11))  # Thursday in the file's 春节 range
    assert cal.is_workday(date(2027, 5, 3))  # the rule's 补假 no longer applies: the file says all
    deadline = cal.add_workdays(date(2026, 12, 20), 20, with_flag=True)
    assert deadline.provisional is False
    strict = WorkCalendar.china(policy="strict", overrides=write(tmp_path, SCHEDULE_2027))
    assert strict.add_workdays(date(2026, 12, 20), 20) == deadline.value


def test_local_days_change_an_official_year_without_making_it_provisional() -> None:
    text = '[[holiday]]\ndate = 2026-11-30\nlabel = "市庆日 (local)"\n[[workday]]\ndate = 2026-11-29\nlabel = "补班"\n'
    cal = WorkCalendar.china(overrides=parse_overrides(text))
    assert not cal.is_workday(date(2026, 11, 30)) and cal.is_workday(date(2026, 11, 29))
    assert cal.add_workdays(date(2026, 11, 27), 1, with_flag=True) == (date(2026, 11, 29), False)
    assert cal.special_day(date(2026, 11, 30)).label == "市庆日 (local)"  # type: ignore[union-attr]


def test_overrides_in_a_provisional_year_keep_it_provisional() -> None:
    cal = WorkCalendar.china(overrides=parse_overrides('[[workday]]\ndate = 2027-02-09\nlabel = "x"\n'))
    assert cal.is_workday(date(2027, 2, 9))  # overrides the rule's 春节补假
    assert cal.add_workdays(date(2027, 2, 8), 1, with_flag=True) == (date(2027, 2, 9), True)


def test_merged_later_set_wins() -> None:
    first = parse_overrides('[[holiday]]\ndate = 2026-11-30\nlabel = "a"\n')
    later = parse_overrides('[[workday]]\ndate = 2026-11-30\nlabel = "b"\n')
    merged = first.merged(later)
    assert [(o.kind, o.label) for o in merged.days] == [(DayKind.WORKDAY, "b")]


@pytest.mark.parametrize(
    ("text", "entry", "field", "message"),
    [
        ("[[holiday]]\ndate = 2027-01-01\n", "holiday #1", "label", "required"),
        ('[[holiday]]\ndate = 2027-01-01\nlabel = "  "\n', "holiday #1", "label", "non-empty"),
        ('[[holiday]]\ndate = "2027-13-01"\nlabel = "x"\n', "holiday #1", "date", "not a date"),
        ('[[holiday]]\ndate = 2027-01-01\nlabel = "' + "长" * 201 + '"\n', "holiday #1", "label", "longer than 200"),
        ('[[holiday]]\ndate = 2027-01-01T09:00:00\nlabel = "x"\n', "holiday #1", "date", "time of day"),
        ('[[workday]]\ndate = 2027-01-02\nlabel = "ok"\n[[workday]]\ndat = 2027-01-03\nlabel = "x"\n',
         "workday #2", "dat", "unknown field"),
        ('[[holiday]]\nstart = 2027-02-05\nlabel = "x"\n', "holiday #1", "end", "required"),
        ('[[holiday]]\nstart = 2027-02-05\nend = 2027-02-01\nlabel = "x"\n', "holiday #1", "end", "before start"),
        ('[[holiday]]\nstart = 2027-01-01\nend = 2027-03-01\nlabel = "x"\n', "holiday #1", "end", "at most"),
        ('[[holiday]]\ndate = 2027-01-01\nstart = 2027-01-01\nend = 2027-01-02\nlabel = "x"\n',
         "holiday #1", "date", "not both"),
        ('[[holiday]]\ndate = 1999-01-01\nlabel = "x"\n', "holiday #1", "date", "outside"),
        ('[[holiday]]\nstart = 2027-02-05\nend = 2027-02-07\nlabel = "x"\n[[workday]]\ndate = 2027-02-06\nlabel = "y"\n',
         "workday #1", "date", "already given by holiday #1"),
        ("official_years = [27]\n", None, "official_years", "not a year"),
        ('holidays = []\n', None, "holidays", "unknown key"),
        ('holiday = "x"\n', None, "holiday", "array of tables"),
    ],
)
def test_invalid_files_name_file_entry_and_field(
    tmp_path: Path, text: str, entry: str | None, field: str, message: str
) -> None:
    path = write(tmp_path, text, "bad.toml")
    with pytest.raises(OverrideFileError) as raised:
        load_overrides(path)
    error = raised.value
    assert (error.source, error.entry, error.field) == (str(path), entry, field)
    assert message in str(error) and str(path) in str(error)
    if entry:
        assert entry in str(error)


def test_syntax_errors_and_missing_files_name_the_file(tmp_path: Path) -> None:
    with pytest.raises(OverrideFileError, match=r"bad\.toml: not valid TOML"):
        load_overrides(write(tmp_path, "[[holiday]\n", "bad.toml"))
    with pytest.raises(OverrideFileError, match="cannot read"):
        load_overrides(tmp_path / "missing.toml")


def test_the_documented_example_file_is_valid() -> None:
    example = Path(__file__).parents[1] / "data" / "overrides.example.toml"
    overrides = load_overrides(example)
    assert overrides.official_years == frozenset({2027}) and len(overrides.days) == 10
    cal = WorkCalendar.china(overrides=example)
    assert not cal.is_workday(date(2027, 8, 26)) and cal.is_workday(date(2027, 2, 20))
