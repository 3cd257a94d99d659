"""Benchmark: near-duplicate analysis of a 50,000-item 权责清单 vs an exhaustive all-pairs baseline.

    python bench/overlaps.py [--items 50000] [--baseline-sample 4000] [--small]

Workload: 50,000 items whose names are all *distinct* (subject matters from the demo
generator's departments, each combined with one of 40 qualifiers such as 网络/冷链/跨境, times
the nine enforcement templates), spread over the departments of one city government and its
districts, so deduplicating identical texts does not help and the blocking has to do the work.

Ours: the full analysis (``zeren.duties.analysis.analyse_records``: multi-head, orphans, gaps,
level rules and near-duplicates with TF-IDF, rare-n-gram blocking and top-k). Baseline: exhaustive
all-pairs cosine of the same TF-IDF vectors (chunked sparse product, no blocking) on a random
sample, as pairs per second; ours is reported as the equivalent pairs per second over all
n·(n−1)/2 pairs of the full set. Peak RSS from ``resource.getrusage``. Prints a final JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zeren.settings")

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402
from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: E402

from zeren.duties.analysis import ItemRecord, UnitRecord, analyse_records  # noqa: E402
from zeren.duties.generator import DOMAINS, ENFORCEMENT, synthetic_city  # noqa: E402
from zeren.duties.rules import similarity_text  # noqa: E402

QUALIFIERS = ["网络", "冷链", "跨境", "农村", "连锁", "二手", "进口", "小型", "大型", "临时", "流动", "社区", "校园",
              "园区", "港区", "夜间", "集中", "分散", "新建", "改建", "扩建", "出口", "批发", "零售", "自助", "共享",
              "智能", "应急", "季节性", "专业", "综合", "特许", "跨区域", "境外", "公益", "营利性", "非营利性", "集体",
              "个体", "外资"]


def workload(n: int, seed: int) -> tuple[list[ItemRecord], list[UnitRecord]]:
    rng = random.Random(seed)
    gen = synthetic_city(districts=10, depts_per_district=19, streets_per_district=0)
    units = [UnitRecord(u.code, u.path, u.kind, u.level, True) for u in gen]
    depts = [u for u in gen if u.kind == "department"]
    matters = [(q + obj, law, area) for _keys, area, objs in DOMAINS for obj, law in objs for q in QUALIFIERS]
    rng.shuffle(matters)
    items = []
    for k in range(n):
        obj, law, area = matters[k // len(ENFORCEMENT) % len(matters)]
        category, template, _para = ENFORCEMENT[k % len(ENFORCEMENT)]
        unit = rng.choice(depts)
        items.append(ItemRecord(
            code=f"B{k:06d}", name=template.format(o=obj, l=law.removeprefix("中华人民共和国")), category=category,
            area=area, level=unit.level, legal_basis=[{"law": law, "article": f"第{k}条", "text": ""}],
            lead_units=[unit.code]))
    return items, units


def baseline_pairs_per_second(texts: list[str], sample: int, threshold: float, seed: int) -> float:
    """Exhaustive all-pairs cosine on a sample: every pair scored, kept if ≥ threshold."""
    picked = random.Random(seed).sample(texts, min(sample, len(texts)))
    started = time.perf_counter()
    x = TfidfVectorizer(analyzer="char", ngram_range=(2, 3), sublinear_tf=True, dtype=np.float32).fit_transform(picked)
    xt = x.T.tocsr()
    kept = 0
    for start in range(0, x.shape[0], 1000):
        block = (x[start:start + 1000] @ xt).toarray()
        kept += int((block >= threshold).sum())
    seconds = time.perf_counter() - started
    n = len(picked)
    return n * (n - 1) / 2 / seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=50_000)
    parser.add_argument("--baseline-sample", type=int, default=4000)
    parser.add_argument("--threshold", type=float, default=0.5)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--small", action="store_true", help="3,000 items, 1,000-text baseline (CI smoke test)")
    args = parser.parse_args()
    if args.small:
        args.items, args.baseline_sample = 3000, 1000

    items, units = workload(args.items, args.seed)
    started = time.perf_counter()
    report = analyse_records(items, units, threshold=args.threshold, rule_table=[])
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    n = len(items)
    ours = n * (n - 1) / 2 / seconds
    texts = [similarity_text(i.name, i.legal_basis) for i in items]
    base = baseline_pairs_per_second(texts, args.baseline_sample, args.threshold, args.seed)
    near = sum(1 for f in report.findings if f.kind == "near_duplicate")
    print(f"ours:     {n:,} items ({report.stats['distinct_texts']:,} distinct texts) analysed in {seconds:.1f} s, "
          f"peak RSS {peak_mb:,.0f} MB, {near:,} near-duplicate pairs, ≈ {ours:,.0f} pairs/s equivalent")
    print(f"baseline: exhaustive all-pairs cosine on {min(args.baseline_sample, n):,} sampled texts: {base:,.0f} pairs/s")
    print(f"ratio:    {ours / base:,.1f}× the baseline's pairs per second")
    print(json.dumps({"bench": "overlaps", "items": n, "distinct_texts": report.stats["distinct_texts"],
                      "seconds": round(seconds, 2), "peak_rss_mb": round(peak_mb), "near_duplicates": near,
                      "pairs_per_second": round(ours), "baseline_pairs_per_second": round(base),
                      "ratio": round(ours / base, 2), "threshold": args.threshold}))


if __name__ == "__main__":
    main()
