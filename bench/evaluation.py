"""Benchmark: scoring a peer group (normalise, weight, aggregate, rank) vectorised vs per-cell Python loops.

    python bench/evaluation.py [--units 1000] [--indicators 200] [--missing 0.05] [--seed 7] [--small]

Random raw values (a share of cells missing), random polarity and weights. The vectorised side is
:func:`zeren.evaluation.methods.score_table`; the baseline computes the same thing one cell at a
time in plain Python (min and max per indicator, min-max with polarity and "all equal → 1", weights
renormalised over each unit's present indicators, ``100 · Σ w·x′ / Σ w``, ranks where ties share the
better rank). Both run on the same data; their scores must agree to 1e-9 and their ranks exactly.
Prints the timings, the ratio, and a final JSON line.
"""

from __future__ import annotations

import argparse
import json
import math
import time

import numpy as np

from zeren.evaluation.methods import score_table


def loop_scores(values: list[list[float]], polarity: list[int], weights: list[float]) -> tuple[list[float], list[int]]:
    """The same scoring, cell by cell."""
    units, indicators = len(values), len(values[0])
    lows, highs = [], []
    for j in range(indicators):
        lo, hi = math.inf, -math.inf
        for i in range(units):
            v = values[i][j]
            if v == v:  # not NaN
                lo, hi = min(lo, v), max(hi, v)
        lows.append(lo)
        highs.append(hi)
    scores = []
    for i in range(units):
        total_w = 0.0
        total = 0.0
        for j in range(indicators):
            v = values[i][j]
            if v != v:
                continue
            span = highs[j] - lows[j]
            x = ((v - lows[j]) / span if polarity[j] > 0 else (highs[j] - v) / span) if span > 0 else 1.0
            total += weights[j] * x
            total_w += weights[j]
        scores.append(100.0 * total / total_w if total_w > 0 else math.nan)
    rounded = [round(s, 4) for s in scores]
    ranks = []
    for s in rounded:
        ranks.append(0 if s != s else 1 + sum(1 for t in rounded if t == t and t > s))
    return scores, ranks


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=1000)
    parser.add_argument("--indicators", type=int, default=200)
    parser.add_argument("--missing", type=float, default=0.05)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--small", action="store_true", help="100 units x 20 indicators (for the smoke test)")
    args = parser.parse_args()
    if args.small:
        args.units, args.indicators = 100, 20
    rng = np.random.default_rng(args.seed)
    values = rng.gamma(2.0, 10.0, (args.units, args.indicators))
    values[rng.random(values.shape) < args.missing] = np.nan
    values[:, 0] = 5.0  # one indicator with no variation: every unit gets 1 on it
    polarity = rng.choice([1, -1], args.indicators)
    weights = rng.random(args.indicators)
    weights /= weights.sum()

    score_table(values[:10], polarity, weights)  # warm numpy's code paths up
    began = time.perf_counter()
    scored = score_table(values, polarity, weights)
    vector_s = time.perf_counter() - began

    rows = values.tolist()
    began = time.perf_counter()
    loop_s_scores, loop_ranks = loop_scores(rows, polarity.tolist(), weights.tolist())
    loop_s = time.perf_counter() - began

    identical = bool(np.allclose(scored.scores, loop_s_scores, rtol=0, atol=1e-9, equal_nan=True)
                     and scored.ranks.tolist() == loop_ranks)
    print(f"{args.units} units x {args.indicators} indicators ({args.missing:.0%} missing): "
          f"vectorised {vector_s * 1000:.1f} ms, per-cell loop {loop_s * 1000:.1f} ms, "
          f"ratio {vector_s / loop_s:.4f} ({loop_s / vector_s:.0f}x faster), identical: {identical}")
    print(json.dumps({"bench": "evaluation", "units": args.units, "indicators": args.indicators,
                      "vector_s": round(vector_s, 4), "loop_s": round(loop_s, 4),
                      "ratio": round(vector_s / loop_s, 5), "identical": identical}))
    if not identical:
        raise SystemExit("the vectorised and the per-cell results differ")


if __name__ == "__main__":
    main()
