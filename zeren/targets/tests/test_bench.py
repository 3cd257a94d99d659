"""bench/targets.py on a small demo: the fast roll-up and the naive recursive ORM roll-up give the
same status, progress, expected progress and working days left for every target."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
pytestmark = pytest.mark.slow


def test_targets_bench_small_gives_the_same_numbers(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "HOME": str(Path.home()), "DJANGO_SETTINGS_MODULE": "zeren.settings"}
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "targets.py"), "--small", "--home", str(tmp_path),
                           "--runs", "1"], capture_output=True, text=True, timeout=900, env=env, cwd=ROOT)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    assert figures["bench"] == "targets" and figures["same"] is True and figures["differing"] == 0
    assert figures["targets"] > 50 and figures["ours_s"] > 0 and figures["naive_s"] > 0
