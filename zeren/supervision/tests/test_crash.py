"""Crash safety: SIGKILL the ingesting process mid-file (CLI) or mid-stream (HTTP), then finish.

Runs real ``zeren`` processes on a throwaway SQLite database (ZEREN_HOME) and reads it back with
the sqlite3 module, so nothing here shares the test process's connections.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from datetime import date
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

SETUP = """
import django, os
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from zeren.org.testing import make_unit
from zeren.supervision.models import ApprovalItem
city = make_unit("SZ", kind="government")
for d in range(3):
    unit = make_unit(f"SZ-D{d}", city)
    for i in range(3):
        ApprovalItem.objects.create(code=f"I-{d}-{i}", name=f"事项{d}{i}", unit=unit, statutory_days=20,
                                    promised_days=10, fee_standard=50 if i == 2 else 0,
                                    required_steps=["review", "approve"])
"""
STATE = ("SELECT case_id, received_date, is_open, suspended_since, suspension_count, extension_days, decided_date, "
         "outcome, fees_total, completed_steps, statutory_deadline, promised_deadline, fee_exceeded_on, "
         "missing_step_on, order_violation_on, event_count FROM supervision_approvalcase ORDER BY case_id")


def zeren_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("ZEREN_DATABASE_URL", "ZEREN_TEST_SQLITE")}
    env.update(ZEREN_HOME=str(home), DJANGO_SETTINGS_MODULE="zeren.settings")
    return env


@pytest.fixture(scope="module")
def template_home(tmp_path_factory) -> Path:
    """One migrated home with the catalogue, copied for each run (a migration costs seconds)."""
    path = tmp_path_factory.mktemp("template")
    subprocess.run([sys.executable, "-c", SETUP], env=zeren_env(path), check=True, timeout=120)
    return path


def make_home(template: Path, path: Path) -> Path:
    shutil.copytree(template, path)
    return path


def events_file(path: Path, per_day: int = 150) -> int:
    from zeren.supervision.simulate import ItemSpec, generate

    specs = [ItemSpec(f"I-{d}-{i}", f"SZ-D{d}", 20, 10) for d in range(3) for i in range(3)]
    n = 0
    with open(path, "w", encoding="utf-8") as f:
        for e in generate(specs, end=date(2026, 11, 27), days=120, per_day=per_day, violations=0.1, seed=11):
            f.write(json.dumps(e, ensure_ascii=False) + "\n")
            n += 1
    return n


def query(home: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(home / "zeren.sqlite3", timeout=30) as db:
        return db.execute(sql).fetchall()


def count_events(home: Path) -> int:
    try:
        return query(home, "SELECT count(*) FROM supervision_approvalevent")[0][0]
    except sqlite3.OperationalError:
        return 0


def zeren(*args: str) -> list[str]:
    return [sys.executable, "-c", "from zeren.cli import main; main()", *args]


def test_sigkill_mid_file_then_rerun_lands_every_event_once(tmp_path, template_home):
    big = tmp_path / "big.jsonl"
    total = events_file(big)
    home = make_home(template_home, tmp_path / "killed")
    scratch = tmp_path / "tmp"  # the killed run's temporary folder: it must leave nothing there
    scratch.mkdir()
    proc = subprocess.Popen(zeren("ingest", str(big), "--chunk", "1000"), env={**zeren_env(home), "TMPDIR": str(scratch)},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while count_events(home) < 3000 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    landed = count_events(home)
    assert 0 < landed < total, "the kill must land mid-file"
    assert landed % 1000 == 0, "only whole committed chunks survive a kill"
    assert list(scratch.iterdir()) == [], "ingestion stages nothing outside the database"
    rerun = subprocess.run(zeren("ingest", str(big)), env=zeren_env(home), capture_output=True, text=True,
                           timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    assert f"accepted {total - landed}, duplicates {landed}, rejected 0" in rerun.stdout
    # Exactly once, and the same case states as one uninterrupted run.
    assert query(home, "SELECT count(*), count(DISTINCT event_id) FROM supervision_approvalevent") == [(total, total)]
    # Every key holds.
    assert query(home, "PRAGMA foreign_key_check") == []
    clean = make_home(template_home, tmp_path / "clean")
    subprocess.run(zeren("ingest", str(big)), env=zeren_env(clean), check=True, capture_output=True, timeout=300)
    assert query(home, STATE) == query(clean, STATE)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def post(port: int, token: str, lines: list[str], timeout: float = 60) -> dict:
    request = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/supervision/events", data="".join(lines).encode(),
                                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/x-ndjson"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.loads(response.read())


def serve(home: Path, port: int) -> subprocess.Popen:
    proc = subprocess.Popen(zeren("serve", f"127.0.0.1:{port}", "--workers", "2"), env=zeren_env(home),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return proc
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("server did not start")


def test_http_acknowledged_batches_survive_a_server_kill(tmp_path, template_home):
    big = tmp_path / "big.jsonl"
    total = events_file(big, per_day=50)
    lines = big.read_text(encoding="utf-8").splitlines(keepends=True)
    batches = [lines[i:i + 500] for i in range(0, len(lines), 500)]
    home = make_home(template_home, tmp_path / "http")
    made = subprocess.run(zeren("supervision", "add-source", "sys", "全市审批平台"), env=zeren_env(home),
                          capture_output=True, text=True, check=True)
    token = made.stdout.split("token ")[1].strip()
    port = free_port()
    server = serve(home, port)
    acknowledged = []
    try:
        for batch in batches[: len(batches) // 2]:
            answer = post(port, token, batch)
            assert answer["rejected"] == 0
            acknowledged.append(batch)
    finally:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()
    ids = {json.loads(line)["event_id"] for batch in acknowledged for line in batch}
    stored = {row[0] for row in query(home, "SELECT event_id FROM supervision_approvalevent")}
    assert ids <= stored  # every acknowledged batch is there after the kill
    # Redeliver everything to a fresh server: each event exactly once.
    server = serve(home, port)
    try:
        counts = [post(port, token, batch) for batch in batches]
    finally:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()
    assert sum(c["accepted"] for c in counts) + sum(c["duplicates"] for c in counts) == total
    assert query(home, "SELECT count(*), count(DISTINCT event_id) FROM supervision_approvalevent") == [(total, total)]
