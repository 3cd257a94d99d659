"""The evaluation methods against published worked examples and their own definitions."""

from __future__ import annotations

import math

import numpy as np
import pytest

from zeren.evaluation import methods as m

# Saaty, T. L. (2008) "Decision making with the analytic hierarchy process", Int. J. Services Sciences
# 1(1): 83-98, the table "Which drink is consumed more in the U.S.?": the judgement matrix and the
# derived priorities .177 .019 .042 .116 .190 .129 .327 printed beside actual consumption. CR 0.022 with
# Saaty's random index (2005, RI(7) = 1.35) is also the value the AHPy project's test suite checks
# for this matrix (github.com/PhilipGriffith/AHPy, tests/test_ahp.py).
DRINKS = ["coffee", "wine", "tea", "beer", "soda", "milk", "water"]
DRINKS_MATRIX = [
    [1, 9, 5, 2, 1, 1, 1 / 2],
    [1 / 9, 1, 1 / 3, 1 / 9, 1 / 9, 1 / 9, 1 / 9],
    [1 / 5, 3, 1, 1 / 3, 1 / 4, 1 / 3, 1 / 9],
    [1 / 2, 9, 3, 1, 1 / 2, 1, 1 / 3],
    [1, 9, 4, 2, 1, 2, 1 / 2],
    [1, 9, 3, 1, 1 / 2, 1, 1 / 3],
    [2, 9, 9, 3, 2, 3, 1],
]


def test_ahp_matches_saaty_2008_drinks_example():
    weights, cr = m.ahp(DRINKS_MATRIX, DRINKS)
    assert [round(w, 3) for w in weights] == [0.177, 0.019, 0.042, 0.116, 0.190, 0.129, 0.327]
    assert round(cr, 3) == 0.022


# Saaty, T. L. (1977) "A scaling method for priorities in hierarchical structures", Journal of
# Mathematical Psychology 15(3): 234-281, the "wealth of nations" example (judgements of Saaty &
# Khouja 1976 on the relative world influence of seven nations): eigenvector .427 .230 .021 .052 .052
# .123 .094 with lambda_max = 7.61, printed beside the nations' shares of GNP. Checked against the
# paper's own numbers, not through another implementation.
NATIONS = ["US", "USSR", "China", "France", "UK", "Japan", "W. Germany"]
NATIONS_MATRIX = [
    [1, 4, 9, 6, 6, 5, 5],
    [1 / 4, 1, 7, 5, 5, 3, 4],
    [1 / 9, 1 / 7, 1, 1 / 5, 1 / 5, 1 / 7, 1 / 5],
    [1 / 6, 1 / 5, 5, 1, 1, 1 / 3, 1 / 3],
    [1 / 6, 1 / 5, 5, 1, 1, 1 / 3, 1 / 3],
    [1 / 5, 1 / 3, 7, 3, 3, 1, 2],
    [1 / 5, 1 / 4, 5, 3, 3, 1 / 2, 1],
]


def test_ahp_matches_saaty_1977_wealth_of_nations():
    weights, cr = m.ahp(NATIONS_MATRIX, NATIONS)
    assert [round(w, 3) for w in weights] == [0.427, 0.230, 0.021, 0.052, 0.052, 0.123, 0.094]
    a = m.check_matrix(NATIONS_MATRIX, NATIONS)
    _w, lam = m.principal_eigenvector(a)
    assert round(lam, 2) == 7.61
    assert round((lam - 7) / 6, 2) == 0.10  # the consistency index the paper prints
    assert cr == pytest.approx((lam - 7) / 6 / m.RANDOM_INDEX[7])


def test_ahp_consistent_matrix_has_cr_zero_and_exact_weights():
    w = np.array([0.5, 0.3, 0.2])
    weights, cr = m.ahp((w[:, None] / w[None, :]).tolist())
    assert np.allclose(weights, w) and cr == pytest.approx(0.0, abs=1e-9)


def test_ahp_refuses_bad_cells_naming_each():
    with pytest.raises(m.MethodError) as exc:
        m.ahp([[1, 12, 1], [1 / 12, 1, "x"], [1, 1, 1]], ["a", "b", "c"])
    assert exc.value.errors == ["cell (a, b): 12 is outside Saaty's scale 1/9…9",
                                "cell (b, a): 0.0833333 is outside Saaty's scale 1/9…9",
                                "cell (b, c): 'x' is not a number"]
    with pytest.raises(m.MethodError, match="row 2 has 3 cells, not 2: the matrix is not square"):
        m.ahp([[1, 2], [0.5, 1, 3]])
    with pytest.raises(m.MethodError, match=r"cells \(a, b\) = 3 and \(b, a\) = 0.5 are not reciprocal"):
        m.ahp([[1, 3], [0.5, 1]], ["a", "b"])
    with pytest.raises(m.MethodError, match="the diagonal must be 1"):
        m.ahp([[2, 1], [1, 1]])
    with pytest.raises(m.MethodError, match="at most 15"):
        m.ahp(np.ones((16, 16)).tolist())


def test_ahp_refuses_inconsistent_judgements_naming_the_worst():
    # The drinks matrix with one judgement reversed: water 1/9 of tea instead of 9 times.
    bad = [row[:] for row in DRINKS_MATRIX]
    bad[6][2], bad[2][6] = 1 / 9, 9
    with pytest.raises(m.Inconsistent) as exc:
        m.ahp(bad, DRINKS)
    assert exc.value.consistency_ratio > 0.1
    assert exc.value.worst[0][:2] == ("tea", "water")
    assert "tea:water = 9" in str(exc.value)


def test_group_judgements_are_the_geometric_mean_and_stay_reciprocal():
    a = [[1, 3, 5], [1 / 3, 1, 2], [1 / 5, 1 / 2, 1]]
    b = [[1, 1 / 3, 1], [3, 1, 2], [1, 1 / 2, 1]]
    g = np.array(m.group_matrix([a, b]))
    assert g[0, 1] == pytest.approx(1.0) and g[0, 2] == pytest.approx(math.sqrt(5))
    assert np.allclose(g * g.T, 1.0)
    with pytest.raises(m.MethodError, match="expert 2: cell"):
        m.group_matrix([a, [[1, 10, 1], [0.1, 1, 1], [1, 1, 1]]])


def test_entropy_weights_match_xu_2004():
    # Xu, X. (2004) "A note on the subjective and objective integrated approach to determine attribute
    # weights", European Journal of Operational Research 156(2): 530-532 — the decision matrix and
    # entropy weights 0.4630, 0.3992, 0.1378, 0.0000 (the fourth attribute barely varies). The same
    # matrix and weights, citing the same paper, are in the test suites of pymcdm and crispyn; the
    # paper's table itself could not be read here, so this example is checked through them.
    data = [[30, 30, 38, 29], [19, 54, 86, 29], [19, 15, 85, 28.9], [68, 70, 60, 29]]
    assert [round(w, 4) for w in m.entropy_weights(data, [1, 1, 1, 1])] == [0.4630, 0.3992, 0.1378, 0.0000]


def test_entropy_weights_match_zavadskas_podvezko_2016():
    # Zavadskas, E. K. & Podvezko, V. (2016) "Integrated determination of objective criteria weights in
    # MCDM", Int. J. of Information Technology & Decision Making 15(2): 267-283 — entropy weights
    # 0.1146, 0.1981, 0.4185, 0.2689 of their four-alternative example (two cost criteria), as the
    # pymcdm and crispyn test suites give them citing this paper (the table itself not read here).
    data = [[3.0, 100, 10, 7], [2.5, 80, 8, 5], [1.8, 50, 20, 11], [2.2, 70, 12, 9]]
    weights = m.entropy_weights(data, [-1, 1, -1, 1])
    assert [round(w, 3) for w in weights] == [0.115, 0.198, 0.418, 0.269]
    assert [round(w, 4) for w in weights] == [0.1146, 0.1981, 0.4185, 0.2689]


def test_entropy_column_without_variation_gets_zero_in_both_methods():
    data = [[1, 5, 0.5], [2, 5, 0.7], [4, 5, 0.9]]
    for method in ("proportion", "minmax"):
        w = m.entropy_weights(data, [1, 1, -1], method=method)
        assert w[1] == 0.0 and sum(w) == pytest.approx(1.0)
    with pytest.raises(m.MethodError, match="polarity"):
        m.entropy_weights(data, [1, 1])


def test_minmax_with_polarity_and_all_equal():
    x = np.array([[1.0, 10, 7], [3, 20, 7], [2, np.nan, 7]])
    n = m.minmax(x, [1, -1, 1])
    assert n[:, 0].tolist() == [0.0, 1.0, 0.5]
    assert n[0, 1] == 1.0 and n[1, 1] == 0.0 and math.isnan(n[2, 1])
    assert n[:, 2].tolist() == [1.0, 1.0, 1.0]


def test_target_attainment_zscore_and_ladder():
    att = m.target_attainment(np.array([[50.0, 4.0], [120, 2], [0, 0]]), np.array([100.0, 2.0]), np.array([1, -1]))
    assert att.tolist() == [[0.5, 0.5], [1.0, 1.0], [0.0, 1.0]]
    z = m.zscore(np.array([[1.0], [2.0], [3.0]]), np.array([1]))
    assert z[1, 0] == pytest.approx(0.5) and z[0, 0] < 0.5 < z[2, 0]
    steps = [(0.9, 1.0), (0.8, 0.8), (0.6, 0.6)]
    assert m.ladder(np.array([0.95, 0.85, 0.7, 0.3]), steps).tolist() == [1.0, 0.8, 0.6, 0.0]
    assert m.ladder(np.array([1.0, 3.0, 9.0]), [(2, 1.0), (5, 0.5)], polarity=-1).tolist() == [1.0, 0.5, 0.0]


def test_missing_data_is_left_out_and_weights_renormalised():
    norm = np.array([[1.0, np.nan, 0.5], [0.0, 1.0, 1.0]])
    agg = m.aggregate(norm, [0.5, 0.3, 0.2])
    assert agg.effective_weights[0].tolist() == pytest.approx([0.5 / 0.7, 0.0, 0.2 / 0.7])
    assert agg.scores[0] == pytest.approx(100 * (0.5 * 1.0 + 0.2 * 0.5) / 0.7)
    assert agg.scores[1] == pytest.approx(100 * (0.3 + 0.2))
    assert np.allclose(agg.contributions.sum(axis=1), agg.scores)


def test_geometric_aggregation_contributions_add_up():
    norm = np.array([[0.9, 0.4, 0.7], [1.0, 1.0, 1.0], [0.0, 1.0, 1.0]])
    agg = m.aggregate(norm, [0.5, 0.3, 0.2], method="geometric")
    assert agg.scores[0] == pytest.approx(100 * 0.9 ** 0.5 * 0.4 ** 0.3 * 0.7 ** 0.2)
    assert agg.scores[1] == pytest.approx(100.0) and agg.scores[2] == 0.0
    assert np.allclose(agg.contributions.sum(axis=1), agg.scores)


def test_ties_share_the_better_rank():
    assert m.competition_rank([90, 80, 80, 70]).tolist() == [1, 2, 2, 4]
    assert m.competition_rank([50, np.nan, 60]).tolist() == [2, 0, 1]


def test_empirical_bayes_moves_small_units_most():
    rates = np.array([0.95, 0.60, 0.99, 0.70, 0.20])
    cases = np.array([400, 300, 500, 350, 3])
    shrunk = m.shrink_rates(rates, cases)
    mean = (rates * cases).sum() / cases.sum()
    assert abs(shrunk[4] - mean) < abs(rates[4] - mean) / 2  # 3 cases: most of the way to the mean
    assert abs(shrunk[2] - rates[2]) < 0.01  # 500 cases: nearly its own rate
    lo, hi = m.wilson_interval(9, 10)
    assert round(float(lo), 3) == 0.596 and round(float(hi), 3) == 0.982  # Wilson (1927) 95 % interval of 9/10


def test_mean_interval():
    mean, lo, hi = m.mean_interval([1, 2, 3, 4, 5])
    assert mean == 3 and hi - mean == pytest.approx(1.959963984540054 * math.sqrt(2.5) / math.sqrt(5))
