"""Benchmark: the status and roll-up of the whole city target tree for one as-of date (issue 14:
under 2 s), beside a naive recursive ORM roll-up of the same tree; both must give the same numbers.

    python bench/targets.py [--home DIR] [--as-of YYYY-MM-DD] [--small]

The database is ``--home``'s (a scratch directory by default, or ZEREN_DATABASE_URL); when it holds no
targets, the org and targets demo steps are built into it first (city size, or small with --small).
Ours: :func:`zeren.targets.selectors.statuses` over every root target of the as-of year — four
queries read the tree and load the facts, :func:`zeren.targets.rules.evaluate` computes the forest. Baseline: for each
root, a recursive walk that asks the ORM for each target's children, its latest value, its milestones
and their done reports, computing each node from the same pure rule functions. Prints both timings,
the ratio, and a final JSON line; exits 1 if any target's numbers differ.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchdb import setup_django  # noqa: E402


def build_demo(size: str, today: date) -> None:
    from django.db import transaction

    from zeren.demo.context import DemoContext
    from zeren.org import demo as org_demo
    from zeren.targets import demo as targets_demo

    ctx = DemoContext(size=size, seed=2007, today=today, quiet=True)
    with transaction.atomic():
        org_demo.build(ctx)
        targets_demo.build(ctx)


def naive_status(target, as_of: date, cal) -> tuple:
    """One node the naive way: recurse into children through the ORM, query its own reports."""
    from zeren.targets import rules
    from zeren.targets.models import ProgressReport, TargetState

    children = list(target.children.exclude(state=TargetState.WITHDRAWN))
    results = {}
    latest = (ProgressReport.objects.filter(target=target, superseded_by__isnull=True, value__isnull=False, date__lte=as_of)
              .order_by("-date", "-id").values_list("value", flat=True).first())
    milestones = []
    for m in target.milestones.order_by("due", "id"):
        done = (ProgressReport.objects.filter(milestone=m, done=True, superseded_by__isnull=True)
                .order_by("date", "id").values_list("date", flat=True).first())
        milestones.append(rules.MilestoneFacts(m.due, m.expected, done))
    facts = rules.Facts(id=target.pk, parent_id=target.parent_id, weight=target.weight, start=target.start,
                        deadline=target.deadline, quantitative=target.is_quantitative, baseline=target.baseline,
                        target=target.target_value, milestones=milestones)
    if children:
        pairs, reported = [], False
        for child in children:
            results.update(naive_status(child, as_of, cal))
            status = results[child.pk]
            pairs.append((child.weight, status.progress))
            reported = reported or status.reported
        progress = rules.weighted_progress(pairs)
        missed = rules.milestones_missed(facts, as_of, latest if target.is_quantitative else None)
    else:
        first = (ProgressReport.objects.filter(target=target, superseded_by__isnull=True, date__lte=as_of).exists())
        reported = first
        if target.is_quantitative:
            progress = rules.quantitative_progress(latest, target.baseline or 0.0, target.target_value or 0.0)
        else:
            progress = rules.qualitative_progress(milestones, as_of)
        missed = rules.milestones_missed(facts, as_of, latest if target.is_quantitative else None)
    expected = rules.expected_progress(cal, target.start, target.deadline, as_of)
    status = rules.classify(progress=progress, expected=expected, as_of=as_of, deadline=target.deadline,
                            reported=reported, milestone_missed=missed)
    results[target.pk] = rules.Status(status, progress, expected, rules.working_days_left(cal, as_of, target.deadline),
                                      reported)
    return results


def rounded(s) -> tuple:
    return (s.status, round(s.progress, 9), round(s.expected, 9), s.working_days_left)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--home", default=None)
    parser.add_argument("--as-of", type=date.fromisoformat, default=date(2026, 11, 27))
    parser.add_argument("--small", action="store_true")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    home = args.home or tempfile.mkdtemp(prefix="zeren-bench-targets-")
    setup_django(home, None)

    from zeren.targets.models import Target, TargetState
    from zeren.targets.selectors import statuses
    from zeren.workcal.selectors import get_calendar

    if not Target.objects.exists():
        started = time.perf_counter()
        build_demo("small" if args.small else "city", args.as_of)
        print(f"built the {'small' if args.small else 'city'} demo in {time.perf_counter() - started:.1f} s")
    year = args.as_of.year
    roots = Target.objects.filter(year=year, parent__isnull=True).exclude(state=TargetState.WITHDRAWN)
    cal = get_calendar()
    timings, cpu = [], []
    for _ in range(args.runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        ours = statuses(roots, args.as_of)
        timings.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    # wall and CPU seconds: on a shared machine the wall time includes waiting for a core
    ours_s, ours_cpu = statistics.median(timings), statistics.median(cpu)
    started = time.perf_counter()
    naive = {}
    for root in roots:
        naive.update(naive_status(root, args.as_of, cal))
    naive_s = time.perf_counter() - started
    differing = [pk for pk in ours if rounded(ours[pk]) != rounded(naive.get(pk, ours[pk]))] + \
        [pk for pk in naive if pk not in ours]
    print(f"targets: {len(ours)} (roots {roots.count()}), as of {args.as_of}")
    print(f"ours   (4 queries + rules.evaluate): {ours_s:.3f} s wall, {ours_cpu:.3f} s CPU (median of {args.runs})")
    print(f"naive  (recursive ORM):              {naive_s:.3f} s")
    print(f"ratio  ours/naive: {ours_s / naive_s:.4f}  same numbers: {not differing}")
    print(json.dumps({"bench": "targets", "targets": len(ours), "as_of": args.as_of.isoformat(), "ours_s": round(ours_s, 4), "ours_cpu_s": round(ours_cpu, 4),
                      "naive_s": round(naive_s, 4), "ratio": round(ours_s / naive_s, 5), "same": not differing,
                      "differing": len(differing)}))
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main())
