"""Benchmark: overlap analysis (多头执法 and near-duplicate clusters) of a 50,000-item 权责清单 vs an
exhaustive all-pairs baseline.

    python bench/overlaps.py [--items 50000] [--baseline-sample 4000] [--small]

Workload, shaped like a real city's list rather than the demo generator's nine templates: a city and ten
districts (19 departments each). Names are composed from many phrasing frames (对…的处罚, …的行政处罚,
对…的日常监督检查, 对…的检查, …设立审批, …许可, 查封、扣押…, …备案…), subjects (the departments' subject
matters × 单位/经营者/企业/机构/从业人员) and violations (未按规定建立台账, 虚假宣传, 拒不配合监督检查…), so
hundreds of items share a frame and differ in object. Articles are drawn from the first 60 of each law, so
unrelated items often cite the same article (the trap that made basis-only multi-head fire thousands of
times). Each district department holds its domain's district list (most items worded as in every other
district, a fifth worded locally) and a tenth of its items from other domains; 2 % of items are the same
function written again by another department in other words.

Ours: the full analysis (``zeren.duties.analysis.analyse_records``). Baseline: exhaustive all-pairs cosine of
character 2–3-gram TF-IDF (chunked sparse product, no blocking) on a random sample, as pairs per second; ours
is reported as the equivalent pairs per second over all n·(n−1)/2 pairs of the full set, and the ratio of the
two. Wall and CPU seconds (the CPU figure is what an idle machine's wall time would be, the analysis being
single-threaded). Peak RSS from ``resource.getrusage``. Prints a final JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zeren.settings")

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402
from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: E402

from zeren.duties.analysis import ItemRecord, UnitRecord, analyse_records  # noqa: E402
from zeren.duties.generator import DOMAINS, chinese_number, synthetic_city  # noqa: E402

HOLDERS = ["单位", "经营者", "企业", "机构", "从业人员", "使用单位", "管理单位"]
VIOLATIONS = ["未按规定建立台账", "未按规定公示相关信息", "虚假宣传", "拒不配合监督检查", "超出核定范围经营",
              "未按规定报送有关材料", "使用不合格设备设施", "未建立安全管理制度", "伪造检测报告", "未按规定开展培训",
              "擅自变更经营场所", "未履行告知义务", "违规收取费用", "未按规定保存记录", "提供虚假申请材料",
              "未按规定配备专业人员", "未按规定进行定期检验", "未按规定办理变更手续", "转让出租出借许可证件",
              "未落实主体责任", "未按规定报告事故", "未按要求整改", "隐瞒有关情况", "未按规定设置警示标志"]
ASPECTS = ["安全生产状况", "制度落实情况", "信息公示情况", "从业人员持证情况", "设施设备运行情况", "经营行为"]
STAGES = ["设立", "变更", "延续", "注销", "新办"]
PENALTY = ["对{s}{v}的处罚", "对{s}{v}的行政处罚", "{s}{v}行为的处罚", "对{s}{v}行为的行政处罚"]
INSPECT = ["对{s}的监督检查", "对{s}的日常监督检查", "对{s}{a}的检查", "{s}{a}专项检查"]
LICENCE = ["{o}{g}许可", "{o}{g}审批", "{g}{o}的审批", "{o}许可证{g}"]
OTHER = [("coercion", "查封、扣押{s}违法使用的设备设施"), ("confirmation", "{o}{g}备案"),
         ("reward", "对{o}工作中成绩突出的单位和个人给予表彰"), ("public_service", "{o}政策咨询服务"),
         ("other_power", "{o}信用信息归集与公示")]
PARAPHRASE = {"对{s}{v}的处罚": "{s}{v}的行政处罚查处", "对{s}的监督检查": "{s}日常监管",
              "{o}{g}许可": "{g}{o}的行政审批"}


def _name(rng: random.Random, obj: str, local: bool) -> tuple[str, str, str]:
    """(category, name, frame) of one item about ``obj``; ``local`` picks a district's own wording."""
    s = obj + rng.choice(HOLDERS)
    roll = rng.random()
    if roll < 0.5:
        frame = rng.choice(PENALTY[1:] if local else PENALTY[:1] + PENALTY)
        return "penalty", frame.format(s=s, v=rng.choice(VIOLATIONS)), frame
    if roll < 0.7:
        frame = rng.choice(INSPECT)
        return "inspection", frame.format(s=s, a=rng.choice(ASPECTS)), frame
    if roll < 0.85:
        frame = rng.choice(LICENCE)
        return "licensing", frame.format(o=obj, g=rng.choice(STAGES)), frame
    category, frame = rng.choice(OTHER)
    return category, frame.format(s=s, o=obj, g=rng.choice(STAGES)), frame


def workload(n: int, seed: int) -> tuple[list[ItemRecord], list[UnitRecord], int]:
    """About ``n`` items (see the module docstring) and how many paraphrases were planted."""
    rng = random.Random(seed)
    gen = synthetic_city(districts=10, depts_per_district=19, streets_per_district=0)
    units = [UnitRecord(u.code, u.path, u.kind, u.level, True) for u in gen]
    depts = [u for u in gen if u.kind == "department"]
    city = [u for u in depts if u.level == "city"]
    per_dept = n // len(depts)

    def basis(law: str) -> list[dict[str, str]]:
        return [{"law": law, "article": f"第{chinese_number(rng.randint(1, 60))}条", "text": ""}]

    def draw(domain: int, local: bool) -> tuple[str, str, list[dict[str, str]]]:
        d = domain if rng.random() > 0.1 else rng.randrange(len(DOMAINS))  # a tenth from other domains
        obj, law = rng.choice(DOMAINS[d][2])
        category, name, _frame = _name(rng, obj, local)
        return category, name, basis(law)

    district_lists = {d: [draw(d, False) for _ in range(per_dept)] for d in range(len(DOMAINS))}
    items: list[ItemRecord] = []
    for unit in depts:
        domain = int(unit.code[-2:]) % len(DOMAINS)
        area = DOMAINS[domain][1]
        if unit.level == "city":
            rows = [draw(domain, False) for _ in range(per_dept)]
        else:
            rows = [draw(domain, True) if rng.random() < 0.2 else row for row in district_lists[domain]]
        for k, (category, name, law) in enumerate(rows):
            items.append(ItemRecord(code=f"{unit.code}-{k:04d}", name=name, category=category, area=area,
                                    level=unit.level, legal_basis=law, lead_units=[unit.code]))
    planted = 0
    for k in range(len(items) // 50):  # the same function written again elsewhere, in other words
        source = rng.choice(items)
        home = source.lead_units[0]
        same_gov = [u for u in (city if home.startswith("SZ-D") else depts) if u.code[:-2] == home[:-2]
                    and u.code != home]
        target = rng.choice(same_gov)
        name = source.name.replace("对", "", 1).replace("的处罚", "的行政处罚").replace("的监督检查", "的日常监管")
        name = name.replace("许可", "审批") if name == source.name else name
        items.append(ItemRecord(code=f"{target.code}-P{k:04d}", name=name, category=source.category,
                                area=source.area, level=target.level, legal_basis=source.legal_basis,
                                lead_units=[target.code]))
        planted += 1
    return items, units, planted


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
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--small", action="store_true", help="3,000 items, 1,000-text baseline (CI smoke test)")
    args = parser.parse_args()
    if args.small:
        args.items, args.baseline_sample = 3000, 1000

    items, units, planted = workload(args.items, args.seed)
    started, cpu_started = time.perf_counter(), time.process_time()
    report = analyse_records(items, units, rule_table=[])
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    n = len(items)
    ours = n * (n - 1) / 2 / seconds
    base = baseline_pairs_per_second([i.name for i in items], args.baseline_sample, 0.5, args.seed)
    clusters = [f for f in report.findings if f.kind in ("near_duplicate", "multi_head") and f.score is not None]
    kinds = Counter(f.kind for f in clusters)
    sizes = Counter(len(f.items) for f in clusters)
    found = {p for f in clusters for p in {frozenset((a, b)) for a in f.items for b in f.items if a < b}}
    hit = sum(1 for i in items if "-P" in i.code and any(i.code in p for p in found))
    print(f"ours:     {n:,} items ({report.stats['distinct_texts']:,} distinct texts) analysed in {seconds:.1f} s "
          f"({cpu:.1f} s of CPU; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores), peak RSS {peak_mb:,.0f} MB, ≈ {ours:,.0f} pairs/s equivalent")
    print(f"findings: {kinds['near_duplicate']:,} near-duplicate clusters, {kinds['multi_head']:,} multi-head clusters "
          f"(sizes {dict(sorted(sizes.items()))}); {hit}/{planted} planted paraphrases in a cluster")
    print(f"baseline: exhaustive all-pairs cosine on {min(args.baseline_sample, n):,} sampled texts: {base:,.0f} pairs/s")
    print(f"ratio:    {ours / base:,.1f}× the baseline's pairs per second")
    print(json.dumps({"bench": "overlaps", "items": n, "distinct_texts": report.stats["distinct_texts"],
                      "seconds": round(seconds, 2), "cpu_seconds": round(cpu, 2), "peak_rss_mb": round(peak_mb),
                      "near_duplicate_clusters": kinds["near_duplicate"], "multi_head_clusters": kinds["multi_head"],
                      "largest_cluster": max(sizes, default=0), "planted": planted, "planted_found": hit,
                      "pairs_per_second": round(ours), "baseline_pairs_per_second": round(base),
                      "ratio": round(ours / base, 2)}))


if __name__ == "__main__":
    main()
