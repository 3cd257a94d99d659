"""Smoke test of bench/overlaps.py in its --small mode (the full run is a manual benchmark)."""

import json
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[3] / "bench" / "overlaps.py"


def test_overlaps_bench_small_prints_its_json_line():
    run = subprocess.run([sys.executable, str(BENCH), "--small"], capture_output=True, text=True, timeout=120,
                         check=True)
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert result["bench"] == "overlaps" and 2_900 <= result["items"] <= 3_100
    assert result["planted_found"] >= 0.9 * result["planted"]  # the paraphrases written into the workload
    assert result["near_duplicate_clusters"] > 0 and result["baseline_pairs_per_second"] > 0 and result["ratio"] > 0
