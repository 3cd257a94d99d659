"""The hand-written near-duplicate evaluation sets (``data/overlap_dev.txt``, ``data/overlap_heldout.txt``).

Written by hand in the phrasing of published 权责清单, not by :mod:`zeren.duties.generator`: departments of one
city government, items sharing the usual frames (对…的处罚, …的监督检查, …许可) but differing in object, and
the same function listed by two or three departments in their own words (a group number on each of them).
``dev`` is for tuning :class:`zeren.duties.rules.OverlapWeights`; ``heldout`` only for measuring.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

from zeren.duties.analysis import ItemRecord, Report, UnitRecord, analyse_records
from zeren.duties.rules import DEFAULT_WEIGHTS, OverlapWeights, parse_legal_basis

DATA = Path(__file__).parent / "data"
CATEGORY_LABELS = {"行政许可": "licensing", "行政处罚": "penalty", "行政强制": "coercion", "行政征收": "levy",
                   "行政给付": "payment", "行政检查": "inspection", "行政确认": "confirmation", "行政奖励": "reward",
                   "行政裁决": "adjudication", "其他行政权力": "other_power", "公共服务": "public_service"}


@dataclass
class EvalSet:
    items: list[ItemRecord]
    units: list[UnitRecord]
    gold: set[frozenset[str]]  # item pairs that are one function


def load(part: str) -> EvalSet:
    """``part`` is ``dev`` or ``heldout``."""
    items, groups = [], {}
    units = [UnitRecord("EVAL", "/EVAL/", "government", "city")]
    unit = ""
    for n, line in enumerate((DATA / f"overlap_{part}.txt").read_text(encoding="utf-8").splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("=="):
            unit = line[2:].split()[0]
            units.append(UnitRecord(unit, f"/EVAL/{unit}/", "department", "city", True))
            continue
        fields = [f.strip() for f in line.split("|")]
        name, category, basis = fields[:3]
        code = f"{unit}-{n:04d}"
        items.append(ItemRecord(code=code, name=name, category=CATEGORY_LABELS[category], area="social_management",
                                level="city", legal_basis=parse_legal_basis(basis), lead_units=[unit]))
        if len(fields) > 3 and fields[3]:
            groups.setdefault(fields[3], []).append(code)
    gold = {frozenset(p) for codes in groups.values() for p in combinations(codes, 2)}
    return EvalSet(items, units, gold)


def predicted_pairs(report: Report) -> set[frozenset[str]]:
    """Item pairs the analysis says are one function: every pair inside a near-duplicate or multi-head cluster."""
    return {frozenset(p) for f in report.findings if f.kind in ("near_duplicate", "multi_head")
            for p in combinations(f.items, 2)}


def measure(part: str, weights: OverlapWeights = DEFAULT_WEIGHTS) -> tuple[float, float, Report]:
    """(recall, precision, report) of the analysis on one part of the evaluation set."""
    data = load(part)
    report = analyse_records(data.items, data.units, rule_table=[], weights=weights)
    found = predicted_pairs(report)
    hit = len(found & data.gold)
    return hit / len(data.gold), hit / len(found) if found else 0.0, report
