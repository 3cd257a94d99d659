"""bench/pages.py at the small size: it builds the small demo, times the cockpit with and without its cache
and surveys the HTML pages, and says so in its JSON line."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.slow
def test_bench_pages_small(tmp_path):
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "pages.py"), "--small", "--home", str(tmp_path)],
                          capture_output=True, text=True, timeout=900, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-3000:]
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    assert figures["bench"] == "pages" and figures["demo"] == "small" and figures["requests"] == 5
    assert figures["cockpit_cached_p95_ms"] > 0 and figures["cockpit_uncached_p95_ms"] > 0 and figures["ratio"] > 0
    assert figures["pages"] > 30 and len(figures["heaviest"]) == 10
    assert all(p["url"].startswith("/") and p["p95_ms"] > 0 for p in figures["heaviest"])
    assert "ratio uncached/cached" in done.stdout and figures["failed"] == []
