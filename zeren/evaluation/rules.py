"""Pure rules of performance evaluation (绩效评估规则): tree weights, scoring a table, findings, proposals.

No database here: :mod:`zeren.evaluation.actions` loads the rows and stores what these return.
The seed (深圳市行政责任体系, 2007) asks that evaluation results be used for reform, for targets and
for accountability; the thresholds below are settings of the round, not branches in code.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from zeren.evaluation import methods

# Default rule for findings (评估结果运用): the last 10 % of a ranking and any score under 60.
BOTTOM_SHARE = 0.10
FLOOR = 60.0
TOP_SHARE = 0.10


@dataclass(frozen=True)
class Node:
    """An indicator-tree node as the rules see it."""

    code: str
    parent: str | None
    weight: float


def effective_weights(nodes: Sequence[Node]) -> dict[str, float]:
    """Each leaf's effective weight: the product of the normalised sibling weights on its path
    (叶指标综合权重). Siblings whose weights are all 0 share equally."""
    children: dict[str | None, list[Node]] = {}
    for node in nodes:
        children.setdefault(node.parent, []).append(node)
    out: dict[str, float] = {}

    def walk(parent: str | None, carried: float) -> None:
        kids = children.get(parent, [])
        total = sum(k.weight for k in kids)
        for kid in kids:
            share = kid.weight / total if total > 0 else 1 / len(kids)
            if kid.code in children:
                walk(kid.code, carried * share)
            else:
                out[kid.code] = carried * share

    walk(None, 1.0)
    return out


@dataclass(frozen=True)
class Column:
    """One leaf indicator's column of the round's table."""

    code: str
    sign: int  # 1 higher is better, -1 lower
    normalisation: str = "minmax"
    target: float | None = None
    ladder: tuple[tuple[float, float], ...] = ()
    rate: bool = False  # a proportion with case counts: shrunk toward the peer mean first


@dataclass
class Table:
    """The scored table: rows = units, columns = leaves."""

    adjusted: np.ndarray
    normalised: np.ndarray
    aggregate: methods.Aggregate
    ranks: np.ndarray


def score(values: np.ndarray, cases: np.ndarray, columns: Sequence[Column], weights: np.ndarray, *,
          aggregation: str = "arithmetic", missing_zero: bool = False) -> Table:
    """Score a peer group: shrink small-volume rates (empirical Bayes), normalise each column by its
    method, aggregate with the leaves' effective weights, rank (ties share the better rank).

    ``missing_zero``: the system's policy counts a missing value as 0 instead of leaving it out.
    """
    adjusted = values.astype(float).copy()
    for j, col in enumerate(columns):
        if col.rate:
            adjusted[:, j] = methods.shrink_rates(values[:, j], np.nan_to_num(cases[:, j], nan=0.0))
    norm = np.full(values.shape, np.nan)
    signs = np.array([c.sign for c in columns], dtype=float)
    kinds = np.array([c.normalisation for c in columns])
    for kind in set(kinds.tolist()):
        idx = np.flatnonzero(kinds == kind)
        block = adjusted[:, idx]
        if kind == "minmax":
            norm[:, idx] = methods.minmax(block, signs[idx])
        elif kind == "zscore":
            norm[:, idx] = methods.zscore(block, signs[idx])
        elif kind == "target":
            targets = np.array([np.nan if columns[j].target is None else columns[j].target for j in idx])
            norm[:, idx] = methods.target_attainment(block, targets, signs[idx])
        elif kind == "ladder":
            for k, j in enumerate(idx):
                norm[:, j] = methods.ladder(block[:, k], columns[j].ladder, int(signs[j]))
        else:
            raise methods.MethodError([f"unknown normalisation {kind!r}"])
    if missing_zero:
        norm = np.where(np.isnan(norm), 0.0, norm)
    agg = methods.aggregate(norm, weights, method=aggregation)
    ranks = methods.competition_rank(np.round(agg.scores, 4))
    return Table(adjusted=adjusted, normalised=norm, aggregate=agg, ranks=ranks)


def flagged(ranks: Sequence[int], scores: Sequence[float], *, bottom_share: float = BOTTOM_SHARE,
            floor: float = FLOOR, top_share: float = TOP_SHARE) -> tuple[list[int], list[int]]:
    """Indices of the units that become findings (the last ``bottom_share`` of the ranking, at least
    one, and any score under ``floor``) and of the commendation candidates (the first ``top_share``,
    at least one, not also a finding). Units without a score are neither."""
    ranked = [i for i, r in enumerate(ranks) if r > 0]
    if not ranked:
        return [], []
    count = len(ranked)
    cut_low = max(1, int(np.ceil(count * bottom_share)))
    cut_high = max(1, int(np.ceil(count * top_share)))
    worst_rank = sorted((ranks[i] for i in ranked), reverse=True)[cut_low - 1]
    low = sorted(i for i in ranked if ranks[i] >= worst_rank or scores[i] < floor)
    top = sorted(i for i in ranked if ranks[i] <= cut_high and i not in low)
    return low, top


def attainment_runs(history: dict[str, list[float]], *, soft: float = 1.3, missed: float = 0.8,
                    rounds: int = 2) -> dict[str, str]:
    """Targets too soft or unrealistic (目标校准): a unit's target-attainment ratios over its last
    ``rounds`` rounds all ≥ ``soft`` (far over-achieved) or all < ``missed``. ``{key: kind}``."""
    out: dict[str, str] = {}
    for key, ratios in history.items():
        last = ratios[-rounds:]
        if len(last) < rounds:
            continue
        if all(r >= soft for r in last):
            out[key] = "target_too_soft"
        elif all(r < missed for r in last):
            out[key] = "target_unrealistic"
    return out


def zero_variance(values: np.ndarray) -> list[int]:
    """Columns with no variation across the peer group (无区分度): they measure nothing."""
    out = []
    for j in range(values.shape[1]):
        col = values[:, j]
        col = col[~np.isnan(col)]
        if len(col) >= 2 and np.ptp(col) == 0:
            out.append(j)
    return out


def persistently_low(histories: dict[str, list[float]], *, threshold: float = 0.3, rounds: int = 2) -> list[str]:
    """Units whose normalised value on an indicator stayed under ``threshold`` in each of their last
    ``rounds`` rounds (持续低分): the function behind it may need review."""
    return sorted(k for k, v in histories.items() if len(v) >= rounds and all(x < threshold for x in v[-rounds:]))


def satisfaction(likert: Sequence[Any]) -> float | None:
    """A response's satisfaction 0–100 from its Likert answers 1–5: ``(mean − 1) / 4 · 100``."""
    answers = [int(a) for a in likert if a not in (None, "")]
    if not answers:
        return None
    return (sum(answers) / len(answers) - 1) / 4 * 100
