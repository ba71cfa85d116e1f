"""Tests for explorer.draw_stats: counts, Wilson intervals, chi-square, total variation.

Oracles: scipy.stats for the chi-square test and the Wilson interval; simulation at fixed seeds for
the laws (interval coverage, the 1/√N convergence), so the thresholds cannot flake.
"""

import math

import numpy as np
import pytest
import scipy.stats
from hypothesis import settings
from numpy.testing import assert_allclose, assert_array_equal

from explorer.draw_stats import (
    MAX_CLASSES,
    MAX_CURVE_POINTS,
    MAX_TRIALS,
    chi_square_test,
    class_counts,
    convergence_curve,
    empirical_tv,
    expected_tv,
    frequencies,
    wilson_interval,
)
from explorer.sampling import sample

INF = math.inf
prop = settings(max_examples=300, deadline=None)

PROBS = np.array([0.5, 0.3, 0.15, 0.05])  # as in tests/test_sampling.py


# --------------------------------------------------------------------------------------------
# Statistics


def test_counts_and_frequencies():
    assert_array_equal(class_counts([0, 2, 2, 3], 5), [1, 0, 2, 1, 0])
    assert class_counts(np.array([], dtype=np.int64), 3).tolist() == [0, 0, 0]
    assert_array_equal(frequencies([0, 2, 2, 3], 4), [0.25, 0, 0.5, 0.25])
    with pytest.raises(ValueError, match="draws"):
        class_counts([0, 3], 3)
    with pytest.raises(ValueError, match="draws"):
        class_counts([0.5, 1.0], 3)
    with pytest.raises(ValueError, match="draws"):
        frequencies(np.array([], dtype=np.int64), 3)


@pytest.mark.parametrize("confidence", [0.8, 0.95, 0.99])
@pytest.mark.parametrize("trials", [1, 7, 100, 10**6])
def test_wilson_interval_is_scipys(trials, confidence):
    k = np.unique(np.linspace(0, trials, 9).astype(int))
    low, high = wilson_interval(k, trials, confidence)
    for i, successes in enumerate(k):
        ci = scipy.stats.binomtest(int(successes), trials).proportion_ci(confidence, "wilson")
        assert_allclose([low[i], high[i]], [ci.low, ci.high], rtol=1e-12, atol=1e-15)
    assert np.all((low >= 0) & (low <= k / trials) & (k / trials <= high) & (high <= 1))


def test_wilson_interval_by_hand():
    # k = 5, n = 10, z = 1.959964: (0.5 + z²/20 ± z·sqrt(0.025 + z²/400)) / (1 + z²/10)
    z = 1.959963984540054
    half = z * math.sqrt(0.25 / 10 + z * z / 400) / (1 + z * z / 10)
    low, high = wilson_interval([5], 10)
    assert_allclose([low[0], high[0]], [0.5 - half, 0.5 + half], rtol=1e-14)


def test_wilson_intervals_cover_95_percent():
    # 4000 runs of 250 draws each, one seeded stream: how often each class's interval holds p.
    probs = np.array([0.6, 0.3, 0.08, 0.02])
    runs = sample(probs, 4000 * 250, rng=11).reshape(4000, 250)
    counts = np.stack([class_counts(run, probs.size) for run in runs])
    low, high = wilson_interval(counts, 250)
    coverage = ((low <= probs) & (probs <= high)).mean(axis=0)
    assert np.all((coverage > 0.93) & (coverage < 0.975)), coverage
    # The exact coverage, Σ P(k) over the k whose interval holds p, is what it estimates.
    k = np.arange(251)
    low_k, high_k = wilson_interval(k, 250)
    for p, simulated in zip(probs, coverage, strict=True):
        exact = scipy.stats.binom.pmf(k, 250, p)[(low_k <= p) & (p <= high_k)].sum()
        assert abs(simulated - exact) < 4 * math.sqrt(exact * (1 - exact) / 4000)


def test_wilson_errors():
    with pytest.raises(ValueError, match="trials"):
        wilson_interval([1], 0)
    with pytest.raises(ValueError, match="successes"):
        wilson_interval([11], 10)
    with pytest.raises(ValueError, match="successes"):
        wilson_interval([1.5], 10)
    with pytest.raises(ValueError, match="confidence"):
        wilson_interval([1], 10, confidence=1.0)


def test_chi_square_is_scipys_when_nothing_is_pooled():
    probs = np.array([0.4, 0.3, 0.2, 0.1, 0.0])
    counts = class_counts(sample(probs, 5000, rng=8), probs.size)
    result = chi_square_test(counts, probs)
    expected = scipy.stats.chisquare(counts[:4], 5000 * probs[:4])
    assert result.statistic == pytest.approx(expected.statistic, rel=1e-12)
    assert result.pvalue == pytest.approx(expected.pvalue, rel=1e-12)
    assert result.dof == 3 and result.bins == ((0,), (1,), (2,), (3,))


def test_chi_square_pools_small_expected_counts():
    # N = 100: classes expecting 1, 2 and 3 draws are pooled into one bin expecting 6.
    probs = np.array([0.5, 0.3, 0.08, 0.01, 0.02, 0.03, 0.06])
    counts = np.array([52, 28, 9, 0, 3, 2, 6])
    result = chi_square_test(counts, probs)
    assert result.bins == ((0,), (1,), (2,), (6,), (3, 4, 5))
    pooled = scipy.stats.chisquare([52, 28, 9, 6, 5], [50, 30, 8, 6, 6])
    assert result.pvalue == pytest.approx(pooled.pvalue, rel=1e-12) and result.dof == 4
    # Too little even together: the pooled bin takes in the next smallest class.
    assert chi_square_test([9, 1, 0], [0.9, 0.05, 0.05]).bins == ((0, 1, 2),)
    assert chi_square_test([9, 1, 0], [0.9, 0.05, 0.05]).pvalue == 1.0
    assert chi_square_test([9, 1, 0], [0.9, 0.05, 0.05], min_expected=0).dof == 2


def test_chi_square_rejects_a_draw_in_a_zero_probability_class():
    with pytest.raises(ValueError, match="probability is 0"):
        chi_square_test([10, 1, 5], [0.5, 0.0, 0.5])


def test_chi_square_detects_a_wrong_distribution():
    counts = class_counts(sample([0.5, 0.5], 100_000, rng=0), 2)
    assert chi_square_test(counts, [0.52, 0.48]).pvalue < 1e-10


def test_chi_square_errors():
    with pytest.raises(ValueError, match="counts"):
        chi_square_test([0, 0], [0.5, 0.5])
    with pytest.raises(ValueError, match="counts"):
        chi_square_test([1, 2, 3], [0.5, 0.5])
    with pytest.raises(ValueError, match="counts"):
        chi_square_test([1.5, 2.0], [0.5, 0.5])


def test_empirical_tv():
    assert empirical_tv([3, 1], [0.5, 0.5]) == pytest.approx(0.25)
    assert empirical_tv([0, 0, 7], [0, 0, 1]) == 0.0
    with pytest.raises(ValueError, match="counts"):
        empirical_tv([-1, 2], [0.5, 0.5])
    with pytest.raises(ValueError, match="counts"):
        empirical_tv([0, 0], [0.5, 0.5])


def test_expected_tv_constant_by_hand():
    # Two classes at 1/2: TV = |p̂ − 1/2|, p̂ ≈ N(1/2, 1/(4N)), E|X| = σ·sqrt(2/π).
    n = 10_000
    sigma = math.sqrt(0.25 / n)
    assert expected_tv([0.5, 0.5], n) == pytest.approx(sigma * math.sqrt(2 / math.pi), rel=1e-14)
    assert_allclose(expected_tv(PROBS, [100, 10_000]), expected_tv(PROBS, 100) / [1, 10])


def test_convergence_curve_is_the_prefix_tv_of_one_stream():
    draws = sample(PROBS, 100_000, rng=4)
    curve = convergence_curve(draws, PROBS, points=30)
    assert curve.n[0] == 1 and curve.n[-1] == draws.size and np.all(np.diff(curve.n) > 0)
    assert_array_equal(curve.n, np.unique(np.rint(np.logspace(0, 5, 30))))  # a log grid
    for j in [0, 7, 15, len(curve.n) - 1]:
        n = curve.n[j]
        assert curve.tv[j] == pytest.approx(empirical_tv(class_counts(draws[:n], 4), PROBS))
    assert_allclose(curve.reference, expected_tv(PROBS, curve.n))


def test_tv_falls_like_one_over_root_n_with_the_derived_constant():
    # 40 seeded streams of 10^6 draws: TV(10^4) / TV(10^6) ≈ 10, and TV at large N matches
    # Σ sqrt(p(1 − p)) / sqrt(2πN) on average (a single stream scatters by ~±75%).
    probs = np.array([0.45, 0.25, 0.15, 0.1, 0.05])
    ratios, relative = [], []
    for seed in range(40):
        curve = convergence_curve(sample(probs, 10**6, rng=100 + seed), probs, points=61)
        at = {
            int(n): (tv, ref) for n, tv, ref in zip(curve.n, curve.tv, curve.reference, strict=True)
        }
        ratios.append(at[10**4][0] / at[10**6][0])
        relative.extend(at[n][0] / at[n][1] for n in (10**4, 10**5, 10**6))
    assert 5 < np.exp(np.mean(np.log(ratios))) < 20
    assert np.mean(relative) == pytest.approx(1.0, abs=0.15)


def test_convergence_curve_errors():
    with pytest.raises(ValueError, match="draws"):
        convergence_curve(np.array([], dtype=np.int64), PROBS)
    with pytest.raises(ValueError, match="points"):
        convergence_curve([0, 1], PROBS, points=1)


# --------------------------------------------------------------------------------------------
# Edges and caps (bugs the fuzzer found: tests/fuzz/test_fuzz_draw_stats.py)


def test_a_confidence_next_to_one_gives_a_finite_interval():
    # 0.5 + 0.5 · (1 − 1e-16) rounds to 1, whose quantile is inf: the tail (1 − c)/2 does not.
    confidence = 0.9999999999999999
    z = scipy.stats.norm.isf((1 - confidence) / 2)  # about 8.29
    low, high = wilson_interval([0, 1], 1, confidence)
    assert_allclose(high[0], z * z / (1 + z * z), rtol=1e-12)  # k = 0: (0, z²/(n + z²))
    assert low[0] == 0 and high[1] == 1 and np.isfinite(low).all() and np.isfinite(high).all()


def test_huge_draw_counts_give_numbers_not_overflows():
    assert expected_tv([0.5, 0.5], 1e308) == pytest.approx(1 / math.sqrt(2 * math.pi * 1e308))
    assert empirical_tv([1e308, 1e308], [0.5, 0.5]) == 0.0  # the sum overflows; the shares do not
    # a bin expecting 5e-324 draws that holds one: X² beyond the float range, p-value 0
    result = chi_square_test([1, 0], [5e-324, 1.0], min_expected=0)
    assert result.statistic == INF and result.pvalue == 0.0


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: class_counts([0], MAX_CLASSES + 1), "n_classes"),
        (lambda: class_counts([0], 10**13), "n_classes"),  # would be 80 TB of counts
        (lambda: convergence_curve([0, 1], [0.5, 0.5], MAX_CURVE_POINTS + 1), "points"),
        (lambda: wilson_interval([0], MAX_TRIALS + 1), "trials"),
        (lambda: wilson_interval([0], 10**400), "trials"),
        (lambda: chi_square_test([MAX_TRIALS, 1], [0.5, 0.5]), "counts"),
        (lambda: chi_square_test([0, 3], [1.0, 0.0]), "counts"),
        (lambda: chi_square_test([[], [1]], [1.0]), "counts"),
        (lambda: empirical_tv([1], [-1.0]), "probs"),
        (lambda: expected_tv([1.0], 10**400), "n"),
    ],
)
def test_caps_and_bad_input_are_refused_by_name(call, name):
    with pytest.raises((ValueError, TypeError), match=name):
        call()


def test_the_caps_themselves_are_accepted():
    assert class_counts([0], MAX_CLASSES).size == MAX_CLASSES
    assert wilson_interval([MAX_TRIALS], MAX_TRIALS)[1][0] == 1.0
