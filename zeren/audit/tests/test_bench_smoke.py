"""The verify benchmark runs end to end in its small mode (CI smoke test; the full run is by hand)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[3] / "bench" / "audit_verify.py"


@pytest.mark.skipif(not BENCH.exists(), reason="bench/ is not shipped in the package")
def test_bench_small_mode_prints_figures_and_a_json_line():
    env = {k: v for k, v in os.environ.items() if k not in ("ZEREN_DATABASE_URL", "ZEREN_HOME")}
    result = subprocess.run([sys.executable, str(BENCH), "--small"], capture_output=True, text=True, env=env,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    assert figures["entries"] == 20_000 and figures["entries_per_s"] > 0 and figures["ratio"] > 0
