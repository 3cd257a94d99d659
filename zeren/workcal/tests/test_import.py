"""Importing override files into the database-backed calendar: validation, audit, cache."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from zeren.audit.models import AuditEntry
from zeren.workcal.actions import import_calendar_file
from zeren.workcal.models import CalendarOverride, OfficialYear
from zeren.workcal.selectors import get_calendar, get_database_overrides
from zeren.workdays import DayKind

SCHEDULE_2027 = """
source = "国务院办公厅关于2027年部分节假日安排的通知 (test copy)"
official_years = [2027]

[[holiday]]
date = 2027-01-01
label = "元旦"

[[holiday]]
start = 2027-02-05
end = 2027-02-11
label = "春节"

[[workday]]
date = 2027-02-20
label = "春节调休上班"
"""


@pytest.fixture
def schedule_file(tmp_path: Path) -> Path:
    path = tmp_path / "2027.toml"
    path.write_text(SCHEDULE_2027, encoding="utf-8")
    return path


@pytest.mark.django_db
def test_import_loads_days_writes_audit_and_updates_the_shared_calendar(
    schedule_file: Path, django_capture_on_commit_callbacks
) -> None:
    before = get_calendar()
    assert before.add_workdays(date(2026, 12, 20), 20, with_flag=True) == (date(2027, 1, 18), True)
    with django_capture_on_commit_callbacks(execute=True):
        summary = import_calendar_file(schedule_file)
    assert len(summary.created) == 9 and summary.official_years_added == [2027] and summary.version == 1

    row = CalendarOverride.objects.get(day=date(2027, 2, 20))
    assert (row.kind, row.label, row.source_file) == ("workday", "春节调休上班", str(schedule_file))
    assert row.source.startswith("国务院办公厅") and row.imported_at is not None
    assert list(OfficialYear.objects.values_list("year", flat=True)) == [2027]

    entry = AuditEntry.objects.get(action="workcal.import_overrides")
    assert entry.extra["source_file"] == str(schedule_file)
    assert entry.extra["official_years_added"] == [2027]
    assert "2027-02-20" in entry.extra["created"] and len(entry.extra["sha256"]) == 64

    after = get_calendar()
    assert after is not before
    assert after.is_workday(date(2027, 2, 20)) and not after.is_workday(date(2027, 2, 11))
    assert after.add_workdays(date(2026, 12, 20), 20, with_flag=True).provisional is False
    assert get_calendar(policy="strict").add_workdays(date(2026, 12, 20), 20) == date(2027, 1, 18)


@pytest.mark.django_db
def test_reimport_replaces_changed_days_and_keeps_unchanged_ones(
    schedule_file: Path, tmp_path: Path, django_capture_on_commit_callbacks
) -> None:
    import_calendar_file(schedule_file)
    changed = tmp_path / "fix.toml"
    changed.write_text('[[holiday]]\ndate = 2027-02-20\nlabel = "更正：放假"\n'
                       '[[holiday]]\ndate = 2027-01-01\nlabel = "元旦"\n', encoding="utf-8")
    with django_capture_on_commit_callbacks(execute=True):
        summary = import_calendar_file(changed)
    assert summary.updated == [date(2027, 2, 20)] and summary.unchanged == [date(2027, 1, 1)]
    assert summary.version == 2
    assert CalendarOverride.objects.get(day=date(2027, 2, 20)).source_file == str(changed)
    overrides = get_database_overrides()
    assert {o.day: o.kind for o in overrides.days}[date(2027, 2, 20)] is DayKind.HOLIDAY
    assert not get_calendar().is_workday(date(2027, 2, 20))
    assert AuditEntry.objects.filter(action="workcal.import_overrides").count() == 2


@pytest.mark.django_db
def test_invalid_file_imports_nothing_and_names_file_entry_and_field(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[[holiday]]\ndate = 2027-01-01\nlabel = "元旦"\n'
                   '[[workday]]\ndate = "2027-02-30"\nlabel = "x"\n', encoding="utf-8")
    with pytest.raises(CommandError) as raised:
        call_command("calendar", "import", str(bad))
    message = str(raised.value)
    assert f"{bad} 条目「workday #1」字段「date」：'2027-02-30' 不是日期（YYYY-MM-DD）" in message
    assert not CalendarOverride.objects.exists()
    assert not AuditEntry.objects.filter(action="workcal.import_overrides").exists()


@pytest.mark.django_db
def test_every_problem_of_the_file_is_listed_at_once_in_the_ui_language(tmp_path: Path) -> None:
    """Issue 12 item 5: an entry with two bad fields, one whose day another entry gave, and an unknown key."""
    from django.utils import translation

    bad = tmp_path / "three.toml"
    bad.write_text('offical_years = [2027]\n'
                   '[[holiday]]\ndate = 2027-01-01\nlabel = "元旦"\n'
                   '[[holiday]]\nstart = "2027-02-11"\nend = "2027-02-05"\nlabel = ""\n'
                   '[[workday]]\ndate = 2027-01-01\nlabel = "调休"\n', encoding="utf-8")
    with pytest.raises(CommandError) as raised:
        call_command("calendar", "import", str(bad))
    assert str(raised.value).splitlines() == [
        "导入被拒绝，未写入任何数据（4 处错误）：",
        f"{bad} 字段「offical_years」：未知的键；应为 ['holiday', 'official_years', 'source', 'workday'] 之一",
        f"{bad} 条目「holiday #2」字段「label」：必填：非空字符串",
        f"{bad} 条目「holiday #2」字段「end」：2027-02-05 早于开始日期 2027-02-11",
        f"{bad} 条目「workday #1」字段「date」：2027-01-01 已由 holiday #1 给出",
    ]
    with translation.override("en"), pytest.raises(CommandError) as raised:
        call_command("calendar", "import", str(bad))
    assert f"{bad}, entry holiday #2, field end: 2027-02-05 is before start 2027-02-11" in str(raised.value)
    assert not CalendarOverride.objects.exists()


@pytest.mark.django_db
def test_calendar_is_cached_between_calls(django_assert_num_queries) -> None:
    first = get_calendar()
    with django_assert_num_queries(0):
        assert get_calendar() is first
        assert get_calendar("strict").policy == "strict"
