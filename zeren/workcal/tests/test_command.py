"""``zeren calendar`` subcommands: bare results on stdout, the provisional note on stderr."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("calendar", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_add_workdays_prints_the_iso_date() -> None:
    assert run("add-workdays", "2026-09-30", "5") == ("2026-10-13\n", "")


@pytest.mark.django_db
def test_between_prints_the_count() -> None:
    assert run("between", "2026-09-30", "2026-10-12") == ("4\n", "")
    assert run("between", "2026-10-12", "2026-09-30")[0] == "-4\n"


@pytest.mark.django_db
def test_provisional_results_keep_stdout_bare_and_note_it_on_stderr() -> None:
    out, err = run("add-workdays", "2026-12-20", "20")
    assert out == "2027-01-18\n"
    assert err.startswith("provisional: 2027")


@pytest.mark.django_db
def test_strict_policy_fails_naming_the_year() -> None:
    with pytest.raises(CommandError, match="2027"):
        run("--policy", "strict", "add-workdays", "2026-12-20", "20")
    assert run("--policy", "strict", "add-workdays", "2026-09-30", "5")[0] == "2026-10-13\n"


@pytest.mark.django_db
def test_show_lists_holidays_and_adjusted_workdays_with_labels() -> None:
    out, err = run("show", "2026")
    lines = out.splitlines()
    assert "2026-10-10\tSat\tworkday\t国庆节\tofficial" in lines
    assert "2026-02-17\tTue\tholiday\t春节\tofficial" in lines
    assert err == ""
    out_2027, err_2027 = run("show", "2027")
    assert "2027-02-05\tFri\tholiday\t春节\trule" in out_2027.splitlines()
    assert "2027-02-09\tTue\tholiday\t春节补假\trule" in out_2027.splitlines()
    assert err_2027.startswith("provisional: 2027")


@pytest.mark.django_db
def test_out_of_range_is_a_command_error() -> None:
    with pytest.raises(CommandError, match="outside the working-day calendar"):
        run("add-workdays", "2003-01-01", "1")


@pytest.mark.django_db
def test_import_dry_run_validates_without_writing(tmp_path: Path) -> None:
    from zeren.workcal.models import CalendarOverride

    path = tmp_path / "local.toml"
    path.write_text('[[holiday]]\ndate = 2026-12-28\nlabel = "市庆日"\n', encoding="utf-8")
    out, _ = run("import", str(path), "--dry-run")
    assert "valid, 1 days" in out and not CalendarOverride.objects.exists()
    out, _ = run("import", str(path))
    assert "1 days added" in out
    assert run("add-workdays", "2026-12-25", "1")[0] == "2026-12-29\n"
