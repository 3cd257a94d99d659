"""Smoke tests of the benchmarks: each runs with --small and prints its JSON line."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
pytestmark = pytest.mark.slow


def run(name: str) -> dict:
    env_clean = {"PATH": "/usr/bin:/bin", "HOME": str(Path.home()), "DJANGO_SETTINGS_MODULE": "zeren.settings"}
    done = subprocess.run([sys.executable, str(ROOT / "bench" / name), "--small"], capture_output=True, text=True,
                          timeout=300, env=env_clean, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_ingest_bench_small():
    figures = run("ingest.py")
    assert figures["bench"] == "ingest" and figures["events"] == 20_000
    assert figures["events_per_s"] > 0 and figures["ratio"] > 0


def test_scan_bench_small():
    figures = run("scan.py")
    assert figures["bench"] == "scan" and figures["cases"] == 20_000
    assert 0 < figures["seconds"] < 30 and figures["in_force"] > 0
