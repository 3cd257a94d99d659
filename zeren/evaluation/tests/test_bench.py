"""bench/evaluation.py's per-cell baseline and the vectorised scoring agree (small table, in-process)."""

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import numpy as np

from zeren.evaluation.methods import score_table

ROOT = Path(__file__).resolve().parents[3]


def load_bench():
    spec = importlib.util.spec_from_file_location("bench_evaluation", ROOT / "bench" / "evaluation.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_vectorised_scores_and_ranks_equal_the_per_cell_loop():
    rng = np.random.default_rng(3)
    values = rng.integers(0, 5, (60, 12)).astype(float)  # small integers: many ties
    values[rng.random(values.shape) < 0.1] = np.nan
    values[:, 3] = 2.0
    values[5] = values[4]  # two units with the same values tie
    polarity = rng.choice([1, -1], 12)
    weights = rng.random(12)
    scored = score_table(values, polarity, weights)
    loop_scores, loop_ranks = load_bench().loop_scores(values.tolist(), polarity.tolist(), weights.tolist())
    assert np.allclose(scored.scores, loop_scores, rtol=0, atol=1e-9)
    assert scored.ranks.tolist() == loop_ranks
    assert len(set(loop_ranks)) < len(loop_ranks)  # there were ties, and they agree


def test_bench_small_prints_identical():
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "evaluation.py"), "--small"], capture_output=True,
                          text=True, timeout=120, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    assert figures["identical"] is True and figures["units"] == 100 and figures["ratio"] > 0
