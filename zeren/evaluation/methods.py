"""Weighting, normalisation, aggregation and ranking for performance evaluation (绩效评估方法).

Pure numpy, no Django: the scoring engine (:mod:`zeren.evaluation.scoring`), the benchmark and the
tests all call these. Every function works on whole columns at once; a missing value is ``NaN``.

- **AHP** (层次分析法): Saaty's principal-eigenvector weights of a pairwise comparison matrix on
  the 1–9 scale, its consistency index ``CI = (λmax − n)/(n − 1)`` and consistency ratio
  ``CR = CI / RI(n)`` with Saaty's random index for n = 3…15 (Saaty, *Theory and Applications of
  the Analytic Network Process*, RWS Publications 2005, p. 31). Judgements with ``CR > 0.1`` are
  refused, naming the judgements that deviate most from the weights they imply. Group judgements
  are combined by the element-wise geometric mean (Aczél & Saaty 1983), which keeps the matrix
  reciprocal.
- **Entropy weights** (熵权法): Shannon entropy of each indicator's column; the less an indicator
  varies, the higher its entropy and the lower its weight — a column with no variation gets 0.
- **Normalisation** (指标无量纲化): min-max within the peer group with polarity, target
  attainment, z-score (mapped to 0…1 through the normal distribution) and threshold ladders.
- **Aggregation** (综合): weighted arithmetic (default) or geometric mean; a missing value leaves
  its indicator out for that unit and the unit's remaining weights are renormalised.
- **Ranking** (排名): descending score, ties share the better rank (1, 2, 2, 4).
- **Small volumes** (小样本修正): a rate built from a handful of cases is shrunk toward the peer
  mean by **empirical Bayes** (beta-binomial, method of moments). Chosen over the Wilson lower
  bound because the Wilson bound pulls every small unit *down* whatever its true rate — a
  systematic penalty for being small, unfair in a ranking — whereas empirical Bayes pulls toward
  the peer mean from either side, by how little the unit's own cases say beyond the peer group's
  real spread. The Wilson interval is still shown beside the raw rate on the unit's page.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

# Saaty's random consistency index RI(n), Saaty (2005) p. 31; n = 1, 2 are always consistent.
RANDOM_INDEX: dict[int, float] = {1: 0.0, 2: 0.0, 3: 0.52, 4: 0.89, 5: 1.11, 6: 1.25, 7: 1.35, 8: 1.40, 9: 1.45,
                                  10: 1.49, 11: 1.52, 12: 1.54, 13: 1.56, 14: 1.58, 15: 1.59}
MAX_CR = 0.1
SCALE_MIN, SCALE_MAX = 1 / 9, 9.0
RECIPROCAL_TOLERANCE = 0.01  # a judgement typed as 0.33 for 1/3 is accepted
Z95 = 1.959963984540054


class MethodError(ValueError):
    """Input a method refuses; ``errors`` lists every problem found (each naming its cell)."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


class Inconsistent(MethodError):
    """``CR > 0.1``: ``worst`` names the judgements ``(i, j, given, implied)`` that contribute most."""

    def __init__(self, consistency_ratio: float, worst: list[tuple[str, str, float, float]]) -> None:
        self.consistency_ratio = consistency_ratio
        self.worst = worst
        named = ", ".join(f"{a}:{b} = {given:g} (the weights imply {implied:.2f})" for a, b, given, implied in worst)
        super().__init__([f"consistency ratio {consistency_ratio:.3f} > {MAX_CR}: revise {named}"])


def _labels(n: int, labels: Sequence[str] | None) -> list[str]:
    return list(labels) if labels is not None else [str(i + 1) for i in range(n)]


def check_matrix(matrix: Sequence[Sequence[float]], labels: Sequence[str] | None = None) -> np.ndarray:
    """The comparison matrix as an array, or :class:`MethodError` naming every bad cell
    (not square, not a number, outside 1/9…9, diagonal not 1, not reciprocal)."""
    rows = list(matrix)
    n = len(rows)
    if n == 0:
        raise MethodError(["the matrix is empty"])
    if n > max(RANDOM_INDEX):
        raise MethodError([f"{n} elements: at most {max(RANDOM_INDEX)} can be compared (Saaty's random index)"])
    names = _labels(n, labels)
    errors = [f"row {names[i]} has {len(r)} cells, not {n}: the matrix is not square"
              for i, r in enumerate(rows) if len(r) != n]
    if errors:
        raise MethodError(errors)
    a = np.full((n, n), np.nan)
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            try:
                v = float(value)
            except (TypeError, ValueError):
                errors.append(f"cell ({names[i]}, {names[j]}): {value!r} is not a number")
                continue
            if not math.isfinite(v) or v < SCALE_MIN * (1 - 1e-9) or v > SCALE_MAX * (1 + 1e-9):
                errors.append(f"cell ({names[i]}, {names[j]}): {v:g} is outside Saaty's scale 1/9…9")
            a[i, j] = v
    for i in range(n):
        if not math.isnan(a[i, i]) and abs(a[i, i] - 1) > 1e-9:
            errors.append(f"cell ({names[i]}, {names[i]}): the diagonal must be 1, not {a[i, i]:g}")
        for j in range(i + 1, n):
            if not (math.isnan(a[i, j]) or math.isnan(a[j, i])) and abs(a[i, j] * a[j, i] - 1) > RECIPROCAL_TOLERANCE:
                errors.append(f"cells ({names[i]}, {names[j]}) = {a[i, j]:g} and ({names[j]}, {names[i]}) = "
                              f"{a[j, i]:g} are not reciprocal")
    if errors:
        raise MethodError(errors)
    return a


def principal_eigenvector(a: np.ndarray) -> tuple[np.ndarray, float]:
    """``(weights summing to 1, λmax)`` of a positive matrix (Perron vector)."""
    values, vectors = np.linalg.eig(a)
    k = int(np.argmax(values.real))
    w = np.abs(vectors[:, k].real)
    return w / w.sum(), float(values[k].real)


def consistency_ratio(a: np.ndarray, lambda_max: float) -> float:
    """Saaty's ``CR = CI / RI(n)``, 0 for n ≤ 2."""
    n = a.shape[0]
    if n <= 2:
        return 0.0
    return max(0.0, (lambda_max - n) / (n - 1)) / RANDOM_INDEX[n]


def ahp(matrix: Sequence[Sequence[float]], labels: Sequence[str] | None = None, *, max_cr: float = MAX_CR,
        worst: int = 3) -> tuple[list[float], float]:
    """AHP weights of a full reciprocal comparison matrix: ``(weights, consistency_ratio)``.

    ``matrix[i][j]`` says how much more element i matters than j on Saaty's 1–9 scale (Saaty 1980;
    2008 *Int. J. Services Sciences* 1(1):83–98). Refused with :class:`MethodError` for a bad cell,
    and with :class:`Inconsistent` when ``CR > max_cr``, naming the ``worst`` judgements: those
    whose ratio to the weights' own ratio ``a_ij · w_j / w_i`` is furthest from 1 (in log terms).
    """
    a = check_matrix(matrix, labels)
    w, lam = principal_eigenvector(a)
    cr = consistency_ratio(a, lam)
    if cr > max_cr:
        names = _labels(a.shape[0], labels)
        deviation = np.abs(np.log(a * w[None, :] / w[:, None]))
        upper = [(deviation[i, j], i, j) for i in range(a.shape[0]) for j in range(i + 1, a.shape[0])]
        upper.sort(reverse=True)
        raise Inconsistent(cr, [(names[i], names[j], float(a[i, j]), float(w[i] / w[j]))
                                    for _, i, j in upper[:worst]])
    return [float(x) for x in w], cr


def group_matrix(matrices: Sequence[Sequence[Sequence[float]]], labels: Sequence[str] | None = None) -> list[list[float]]:
    """Several experts' judgements as one matrix: the element-wise geometric mean (Aczél & Saaty 1983),
    which stays reciprocal. Every matrix is checked first; the errors name the expert (1-based)."""
    if not matrices:
        raise MethodError(["no judgements to combine"])
    checked, errors = [], []
    for k, m in enumerate(matrices, start=1):
        try:
            checked.append(check_matrix(m, labels))
        except MethodError as exc:
            errors += [f"expert {k}: {e}" for e in exc.errors]
    if errors:
        raise MethodError(errors)
    shapes = {c.shape for c in checked}
    if len(shapes) > 1:
        raise MethodError([f"the experts' matrices differ in size: {sorted(s[0] for s in shapes)}"])
    return np.exp(np.mean(np.log(np.stack(checked)), axis=0)).tolist()


def _polarity(polarity: Sequence[int], columns: int) -> np.ndarray:
    p = np.asarray(polarity, dtype=float)
    if p.shape != (columns,) or not np.all(np.isin(p, (1, -1))):
        raise MethodError([f"polarity must be {columns} values of 1 (higher is better) or -1 (lower is better)"])
    return p


def entropy_weights(data: Sequence[Sequence[float]] | np.ndarray, polarity: Sequence[int], *,
                    method: str = "proportion") -> list[float]:
    """Entropy weights (熵权法) of the indicators (columns) over the units (rows).

    ``method="proportion"`` (default) is the textbook method (Shannon 1948; Zeleny 1982; Hwang & Yoon
    1981; as worked in Xu 2004 and Zavadskas & Podvezko 2016): ``p_ij = x_ij / Σ_i x_ij`` of the
    non-negative raw values, ``e_j = −Σ p_ij ln p_ij / ln m``, ``w_j = (1 − e_j) / Σ (1 − e_j)``.
    The shares' dispersion is the same whichever way the indicator points, so ``polarity`` is only
    checked. ``method="minmax"`` first maps each column to 0…1 by :func:`minmax` with its polarity
    (the 极差标准化 used in Chinese evaluation practice; needed when values may be negative).
    A column with no variation has ``e_j = 1`` and so weight 0; ``0 · ln 0`` counts as 0. Missing
    values (``NaN``) are left out of their column.
    """
    x = np.asarray(data, dtype=float)
    if x.ndim != 2 or x.shape[0] < 2:
        raise MethodError(["data must be a table of at least two units (rows) by one or more indicators"])
    p_sign = _polarity(polarity, x.shape[1])
    if method == "minmax":
        x = minmax(x, p_sign, equal=0.0)
    elif method != "proportion":
        raise MethodError([f"unknown entropy method {method!r}"])
    elif np.nanmin(x) < 0:
        raise MethodError(["the proportion method needs non-negative values; use method='minmax'"])
    present = ~np.isnan(x)
    x = np.where(present, x, 0.0)
    totals = x.sum(axis=0)
    counts = present.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.where(totals > 0, x / totals, 0.0)
        plogp = np.where(p > 0, p * np.log(p), 0.0)
        e = np.where((totals > 0) & (counts > 1), -plogp.sum(axis=0) / np.log(np.maximum(counts, 2)), 1.0)
    # A column whose shares are all equal (no variation) is exactly 1 up to rounding.
    spread = np.nanmax(np.where(present, x, np.nan), axis=0) - np.nanmin(np.where(present, x, np.nan), axis=0)
    d = np.where(spread > 0, 1.0 - e, 0.0)
    if d.sum() <= 0:
        return [0.0] * x.shape[1]
    return [float(v) for v in d / d.sum()]


# ----------------------------------------------------------------------------------------- normalisation

def minmax(x: np.ndarray, polarity: np.ndarray | Sequence[int], *, equal: float = 1.0) -> np.ndarray:
    """Min-max within the peer group (column-wise): ``(x − min)/(max − min)``, or ``(max − x)/(max − min)``
    where lower is better; a column whose values are all equal gives every unit ``equal`` (1 by default:
    nobody is behind). ``NaN`` stays ``NaN``."""
    x = np.asarray(x, dtype=float)
    pol = np.asarray(polarity, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"), _all_nan_ok():
        lo = np.nanmin(x, axis=0)
        hi = np.nanmax(x, axis=0)
        span = hi - lo
        up = (x - lo) / span
        out = np.where(pol > 0, up, 1.0 - up)
        out = np.where(span > 0, out, equal)
    return np.where(np.isnan(x), np.nan, out)


class _all_nan_ok:
    """Silence numpy's 'All-NaN slice' warning: a column with no values simply normalises to NaN."""

    def __enter__(self) -> None:
        import warnings

        self._ctx = warnings.catch_warnings()
        self._ctx.__enter__()
        warnings.simplefilter("ignore", RuntimeWarning)

    def __exit__(self, *exc: object) -> None:
        self._ctx.__exit__(*exc)


def target_attainment(x: np.ndarray, target: np.ndarray, polarity: np.ndarray, *, cap: float = 1.0) -> np.ndarray:
    """Attainment of a target (目标达成度): ``x / target`` (higher is better) or ``target / x`` (lower is
    better), clipped to ``0…cap``. A zero achieved where lower is better attains fully."""
    x = np.asarray(x, dtype=float)
    t = np.asarray(target, dtype=float)
    pol = np.asarray(polarity, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(pol > 0, x / t, np.where(x > 0, t / x, cap))
    return np.where(np.isnan(x) | np.isnan(t), np.nan, np.clip(ratio, 0.0, cap))


def zscore(x: np.ndarray, polarity: np.ndarray) -> np.ndarray:
    """Standard scores within the peer group, signed by polarity and mapped to 0…1 by the normal
    distribution function Φ (so 0.5 is the peer mean); all-equal columns give 0.5."""
    x = np.asarray(x, dtype=float)
    pol = np.asarray(polarity, dtype=float)
    with _all_nan_ok(), np.errstate(invalid="ignore", divide="ignore"):
        mean = np.nanmean(x, axis=0)
        sd = np.nanstd(x, axis=0)
        z = np.where(sd > 0, (x - mean) / sd, 0.0) * pol
    phi = 0.5 * (1.0 + _erf(z / math.sqrt(2.0)).astype(float))
    return np.where(np.isnan(x), np.nan, phi)


_erf = np.frompyfunc(math.erf, 1, 1)


def ladder(x: np.ndarray, steps: Sequence[tuple[float, float]], polarity: int = 1) -> np.ndarray:
    """Threshold ladder (阶梯计分): ``steps`` are ``(threshold, score)``; a value scores the score of the
    highest threshold it reaches (``x >= threshold``; ``x <= threshold`` where lower is better), else 0."""
    x = np.asarray(x, dtype=float)
    ordered = sorted(steps, key=lambda s: s[0], reverse=polarity < 0)
    out = np.zeros_like(x)
    for threshold, score in ordered:  # later (stricter) steps overwrite earlier ones
        reached = x >= threshold if polarity > 0 else x <= threshold
        out = np.where(reached, score, out)
    return np.where(np.isnan(x), np.nan, out)


# ------------------------------------------------------------------------------------ aggregation, rank

@dataclass
class Aggregate:
    """Composite scores (0…100), each unit's contributions per indicator (adding up to its score)
    and the effective weights used for it (after leaving its missing indicators out)."""

    scores: np.ndarray
    contributions: np.ndarray
    effective_weights: np.ndarray


def aggregate(norm: np.ndarray, weights: np.ndarray | Sequence[float], *, method: str = "arithmetic") -> Aggregate:
    """Composite score ``100 · Σ wᵢ·xᵢ′ / Σ wᵢ`` over each unit's present indicators (arithmetic), or
    ``100 · Π xᵢ′^(wᵢ/Σw)`` (geometric, where a weak indicator cannot be compensated by a strong one).

    Missing data (``NaN``): the indicator is left out for that unit and its weights renormalised.
    Contributions: arithmetic ``100 · wᵢ′ xᵢ′``; geometric, the score split in proportion to
    ``wᵢ′ ln xᵢ′`` (the share of each indicator in the log-distance from 100). Either way they add
    up to the score.
    """
    x = np.asarray(norm, dtype=float)
    w = np.broadcast_to(np.asarray(weights, dtype=float), x.shape)
    present = ~np.isnan(x)
    wp = np.where(present, w, 0.0)
    total = wp.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        eff = np.where(total > 0, wp / total, 0.0)
    xv = np.where(present, x, 0.0)
    if method == "arithmetic":
        contrib = 100.0 * eff * xv
        scores = contrib.sum(axis=1)
    elif method == "geometric":
        with np.errstate(divide="ignore", invalid="ignore"):
            logs = np.where(eff > 0, eff * np.log(np.where(present, np.maximum(xv, 0.0), 1.0)), 0.0)
        log_total = logs.sum(axis=1, keepdims=True)
        scores = 100.0 * np.exp(log_total[:, 0])
        zero = np.isneginf(log_total[:, 0])
        with np.errstate(invalid="ignore", divide="ignore"):
            share = np.where(log_total < 0, logs / log_total, eff)
        share = np.where(np.isnan(share), 0.0, share)
        contrib = np.where(zero[:, None], 0.0, scores[:, None] * share)
        scores = np.where(zero, 0.0, scores)
    else:
        raise MethodError([f"unknown aggregation {method!r}: arithmetic or geometric"])
    scores = np.where(total[:, 0] > 0, scores, np.nan)
    return Aggregate(scores=scores, contributions=contrib, effective_weights=eff)


def competition_rank(scores: np.ndarray | Sequence[float]) -> np.ndarray:
    """Ranks by descending score where ties share the better rank (1, 2, 2, 4); ``NaN`` ranks last
    (rank 0 = unranked)."""
    s = np.asarray(scores, dtype=float)
    valid = ~np.isnan(s)
    ordered = np.sort(-s[valid])
    ranks = np.zeros(s.shape, dtype=np.int64)
    ranks[valid] = np.searchsorted(ordered, -s[valid], side="left") + 1
    return ranks


# ----------------------------------------------------------------------------------- small volumes

def wilson_interval(k: np.ndarray | float, n: np.ndarray | float, z: float = Z95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval of a proportion ``k/n`` (Wilson 1927), for display beside the raw rate."""
    k = np.asarray(k, dtype=float)
    n = np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = k / n
        denom = 1 + z * z / n
        centre = (p + z * z / (2 * n)) / denom
        half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return centre - half, centre + half


def shrink_rates(rates: np.ndarray | Sequence[float], n: np.ndarray | Sequence[float]) -> np.ndarray:
    """Empirical-Bayes shrinkage of rates toward the peer mean (beta-binomial, method of moments).

    Peer mean ``m = Σ kᵢ / Σ nᵢ``; sampling variance of a unit ``σᵢ² = m(1 − m)/nᵢ``; the real spread
    between units ``τ² = max(0, Var_w(rᵢ) − mean σᵢ²)`` (variance weighted by cases); each rate moves
    ``Bᵢ = σᵢ² / (σᵢ² + τ²)`` of the way to ``m`` (Efron & Morris 1975; Clayton & Kaldor 1987). A unit
    with many cases keeps almost its own rate; one with a handful moves most of the way. ``NaN`` stays.
    """
    r = np.asarray(rates, dtype=float)
    cases = np.asarray(n, dtype=float)
    ok = ~np.isnan(r) & (cases > 0)
    if ok.sum() < 2:
        return r.copy()
    m = float((r[ok] * cases[ok]).sum() / cases[ok].sum())
    if m <= 0 or m >= 1:
        return r.copy()
    sigma2 = np.where(ok, m * (1 - m) / np.where(cases > 0, cases, 1), np.nan)
    weighted_var = float((cases[ok] * (r[ok] - m) ** 2).sum() / cases[ok].sum())
    tau2 = max(0.0, weighted_var - float(np.mean(sigma2[ok])))
    with np.errstate(invalid="ignore", divide="ignore"):
        b = np.where(tau2 > 0, sigma2 / (sigma2 + tau2), 1.0)
    return np.where(ok, b * m + (1 - b) * r, r)


def mean_interval(values: np.ndarray | Sequence[float], z: float = Z95) -> tuple[float, float, float]:
    """``(mean, low, high)``: the mean with its normal-approximation 95 % interval (``± z·s/√n``)."""
    v = np.asarray(values, dtype=float)
    v = v[~np.isnan(v)]
    if len(v) == 0:
        return math.nan, math.nan, math.nan
    mean = float(v.mean())
    if len(v) < 2:
        return mean, math.nan, math.nan
    half = z * float(v.std(ddof=1)) / math.sqrt(len(v))
    return mean, mean - half, mean + half


@dataclass
class Scored:
    """The whole scoring of a peer group: normalised values, the aggregate and the ranks."""

    normalised: np.ndarray
    aggregate: Aggregate
    ranks: np.ndarray

    @property
    def scores(self) -> np.ndarray:
        return self.aggregate.scores


def score_table(values: np.ndarray, polarity: np.ndarray | Sequence[int], weights: np.ndarray | Sequence[float], *,
                aggregation: str = "arithmetic", decimals: int = 4) -> Scored:
    """Min-max normalise (with polarity) each indicator within the peer group, aggregate with the
    weights, and rank on the score rounded to ``decimals`` (the published score, so units shown with
    equal scores share a rank)."""
    norm = minmax(values, polarity)
    agg = aggregate(norm, weights, method=aggregation)
    return Scored(normalised=norm, aggregate=agg, ranks=competition_rank(np.round(agg.scores, decimals)))
