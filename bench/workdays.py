"""Benchmark: vectorised add_workdays (cumulative working-day index) vs a naive day-by-day loop.

    python bench/workdays.py [--sizes 100000 1000000] [--naive-sample 2000] [--seed 7]

Random (start, n) pairs, n in 1..60, starts 2015-01-01 .. 2026-09-30 (so every deadline stays in
the years chinesecalendar covers). The naive side steps one day at a time asking
``chinesecalendar.is_workday``; it is timed on a sample and scaled to the full size (the output
says so), and its results are compared with the vectorised results for the same pairs.
Prints one line per size and a final JSON line.
"""

from __future__ import annotations

import argparse
import json
import time
from datetime import date, timedelta

import chinese_calendar
import numpy as np

from zeren.workdays import WorkCalendar

FIRST_START = np.datetime64("2015-01-01")
LAST_START = np.datetime64("2026-09-30")


def naive_add_workdays(start: date, n: int) -> date:
    day = start
    while n:
        day += timedelta(days=1)
        if chinese_calendar.is_workday(day):
            n -= 1
    return day


def random_pairs(size: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    span = int((LAST_START - FIRST_START).astype(int)) + 1
    starts = FIRST_START + rng.integers(0, span, size).astype("timedelta64[D]")
    return starts, rng.integers(1, 61, size)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--naive-sample", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)

    began = time.perf_counter()
    calendar = WorkCalendar.china()
    calendar.add_workdays_array(FIRST_START, 1)
    build_seconds = time.perf_counter() - began
    print(f"calendar build (2004-01-01 .. {calendar.last_day}, index precomputed): {build_seconds * 1000:.1f} ms")

    sample_starts, sample_ns = random_pairs(args.naive_sample, rng)
    began = time.perf_counter()
    naive_results = [naive_add_workdays(s, int(n)) for s, n in zip(sample_starts.tolist(), sample_ns, strict=True)]
    naive_per_pair = (time.perf_counter() - began) / args.naive_sample
    identical = calendar.add_workdays_array(sample_starts, sample_ns).tolist() == naive_results
    began = time.perf_counter()
    scalar_results = [calendar.add_workdays(s, int(n)) for s, n in zip(sample_starts.tolist(), sample_ns, strict=True)]
    scalar_per_pair = (time.perf_counter() - began) / args.naive_sample
    identical = identical and scalar_results == naive_results
    print(
        f"per pair: naive chinesecalendar loop {naive_per_pair * 1e6:.0f} us, "
        f"scalar WorkCalendar.add_workdays {scalar_per_pair * 1e6:.1f} us"
    )

    sizes: list[dict[str, object]] = []
    report: dict[str, object] = {
        "benchmark": "workdays.add_workdays",
        "build_ms": round(build_seconds * 1000, 2),
        "naive_sample": args.naive_sample,
        "naive_us_per_pair": round(naive_per_pair * 1e6, 2),
        "scalar_api_us_per_pair": round(scalar_per_pair * 1e6, 2),
        "identical_on_sample": identical,
        "sizes": sizes,
    }
    for size in args.sizes:
        starts, ns = random_pairs(size, rng)
        timings = []
        for _ in range(3):
            began = time.perf_counter()
            results = calendar.add_workdays_array(starts, ns)
            timings.append(time.perf_counter() - began)
        vectorised = min(timings)
        naive_scaled = naive_per_pair * size
        spot = rng.integers(0, size, 200)
        spot_identical = all(
            results[i].item() == naive_add_workdays(starts[i].item(), int(ns[i])) for i in spot
        )
        print(
            f"{size:>9,} pairs: vectorised {vectorised * 1000:8.1f} ms | naive loop {naive_scaled:8.1f} s "
            f"(scaled from {args.naive_sample:,} timed pairs) | {naive_scaled / vectorised:,.0f}x faster | "
            f"identical: {identical and spot_identical} (sample + 200 spot checks)"
        )
        sizes.append({
            "pairs": size,
            "vectorised_s": round(vectorised, 4),
            "naive_s_scaled": round(naive_scaled, 2),
            "speedup": round(naive_scaled / vectorised),
            "identical": identical and spot_identical,
        })
    print(json.dumps(report))


if __name__ == "__main__":
    main()
