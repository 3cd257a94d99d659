"""The `zeren` script as a new user runs it: in an empty folder, before any `zeren migrate`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from zeren.cli import _needs_schema, _without_system_checks

pytestmark = pytest.mark.slow  # each run of the script starts a Python process


def zeren(home: Path, *args: str, database_url: str | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("ZEREN_DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env["ZEREN_HOME"] = str(home)
    if database_url:
        env["ZEREN_DATABASE_URL"] = database_url
    return subprocess.run([sys.executable, "-m", "zeren.cli", *args], cwd=home.parent, env=env, capture_output=True,
                          text=True, timeout=300)


def test_commands_answer_in_a_new_empty_folder(tmp_path):
    home = tmp_path / "new-home"  # does not exist yet either
    calendar = zeren(home, "calendar", "add-workdays", "2024-02-08", "3")
    assert calendar.returncode == 0, calendar.stderr
    assert calendar.stdout.strip() == "2024-02-19"  # 春节 2024-02-10..17, 调休 on Sunday 2024-02-18
    assert "brought up to date" in calendar.stderr and "Traceback" not in calendar.stderr

    org = home / "org.json"
    org.write_text(json.dumps({"organizations": [
        {"id": "C", "name": "某市人民政府", "classification": "人民政府"},
        {"id": "C-SCJG", "name": "某市市场监督管理局", "classification": "bureau", "parent_id": "C"},
    ]}, ensure_ascii=False), encoding="utf-8")
    assert zeren(home, "import", "popolo", str(org)).returncode == 0
    items = home / "items.json"
    items.write_text(json.dumps([{
        "code": "X1", "name": "食品经营许可", "category": "licensing", "area": "market_supervision", "level": "city",
        "legal_basis": [], "lead_units": ["C-SCJG"], "assisting_units": [], "responsibility_matters": [],
        "accountability_situations": []}], ensure_ascii=False), encoding="utf-8")
    duties = zeren(home, "duties", "import", str(items))
    assert duties.returncode == 0, duties.stderr
    assert "items.json: 1 行" in duties.stdout

    verify = zeren(home, "audit", "verify")
    assert verify.returncode == 0, verify.stderr
    assert "audit log verifies" in verify.stdout and "brought up to date" not in verify.stderr


def test_a_user_error_is_one_line_not_a_traceback(tmp_path):
    missing = zeren(tmp_path, "duties", "import", str(tmp_path / "nope.json"))
    assert missing.returncode == 1
    assert "nope.json: no such file" in missing.stderr and "Traceback" not in missing.stderr


def test_migrate_prints_no_warning_a_user_cannot_act_on(tmp_path):
    result = zeren(tmp_path, "migrate")
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stdout + result.stderr and "W047" not in result.stdout + result.stderr


@pytest.mark.skipif(not os.environ.get("ZEREN_DATABASE_URL", "").startswith("postgres"),
                    reason="PostgreSQL only: needs a server to create an empty database on")
def test_postgresql_unmigrated_stops_with_one_line_naming_the_command(tmp_path):
    import psycopg

    url = os.environ["ZEREN_DATABASE_URL"]
    server, _, _name = url.rpartition("/")
    name = f"zeren_fresh_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            result = zeren(tmp_path, "calendar", "add-workdays", "2024-02-08", "3", database_url=f"{server}/{name}")
        finally:
            admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert line.startswith(f"zeren: the database '{name}' is not up to date (")
    assert line.endswith("migration(s) not applied): run `zeren migrate` first")


@pytest.mark.parametrize(("args", "needs"), [
    (["zeren"], False), (["zeren", "migrate"], False), (["zeren", "help", "duties"], False),
    (["zeren", "calendar", "add-workdays", "2024-01-01", "1"], True), (["zeren", "duties", "--help"], False),
    (["zeren", "audit", "verify-proof", "p.json"], False), (["zeren", "audit", "verify"], True),
])
def test_which_commands_need_the_schema(args, needs):
    assert _needs_schema(args) is needs


def test_zeren_commands_skip_the_url_checks_and_django_ones_keep_them():
    import django

    django.setup()
    assert _without_system_checks(["zeren", "calendar", "show", "2026"]) == [
        "zeren", "calendar", "--skip-checks", "show", "2026"]
    assert _without_system_checks(["zeren", "serve"]) == ["zeren", "serve"]
    assert _without_system_checks(["zeren", "createsuperuser"]) == ["zeren", "createsuperuser"]
