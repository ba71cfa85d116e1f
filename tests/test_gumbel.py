"""Tests for explorer.gumbel: the Gumbel-max trick, one race, and the Gumbel-softmax relaxation.

Oracles: the softmax itself (draw frequencies at fixed seeds), and the limits τ → 0 and τ → ∞.
"""

import math
import warnings

import numpy as np
import pytest
from hypothesis import settings
from numpy.testing import assert_allclose, assert_array_equal

from explorer.core import softmax
from explorer.draw_stats import chi_square_test, class_counts
from explorer.gumbel import MAX_NOISE_ENTRIES, gumbel_max_sample, gumbel_race, gumbel_softmax
from explorer.sampling import MAX_DRAWS

INF = math.inf
prop = settings(max_examples=300, deadline=None)


# --------------------------------------------------------------------------------------------
# Gumbel


Z = np.array([2.0, 1.0, 0.1, -INF, 1.0])


@pytest.mark.parametrize(("temperature", "seed"), [(0.7, 0), (1.0, 1), (3.0, 2)])
def test_gumbel_max_follows_the_softmax(temperature, seed):
    draws = gumbel_max_sample(Z, temperature, 200_000, rng=seed)
    q = softmax(Z, temperature)
    result = chi_square_test(class_counts(draws, Z.size), q)  # raises if -inf was ever drawn
    assert result.pvalue > 1e-3 and result.dof == 3


def test_gumbel_max_at_zero_temperature_breaks_ties_uniformly():
    draws = gumbel_max_sample([1.0, 0.0, 1.0], 0, 100_000, rng=3)
    result = chi_square_test(class_counts(draws, 3), [0.5, 0.0, 0.5])
    assert result.pvalue > 1e-3


def test_gumbel_max_at_infinite_temperature_is_uniform_over_the_finite():
    draws = gumbel_max_sample([5.0, -INF, -5.0, 0.0], INF, 60_000, rng=4)
    assert chi_square_test(class_counts(draws, 4), [1 / 3, 0, 1 / 3, 1 / 3]).pvalue > 1e-3


def test_gumbel_race_lays_out_one_draw():
    race = gumbel_race(Z, 0.5, rng=9)
    scaled, noise, winner = race
    assert_allclose(scaled, (Z - 2.0) / 0.5)
    assert winner == int(np.argmax(scaled + noise))
    assert np.isfinite(noise).all() and noise.shape == Z.shape
    assert_array_equal(gumbel_race(Z, 0.5, rng=9).noise, noise)  # same seed, same race
    winners = [gumbel_race(Z, 0.5, rng=seed).winner for seed in range(3000)]
    assert chi_square_test(class_counts(winners, Z.size), softmax(Z, 0.5)).pvalue > 1e-3


def test_gumbel_race_at_zero_temperature():
    scaled, _, winner = gumbel_race([1.0, 3.0, 3.0], 0, rng=0)
    assert_array_equal(scaled, [-INF, 0.0, 0.0])
    assert winner in (1, 2)


def test_gumbel_softmax_rows_are_distributions():
    y = gumbel_softmax(Z, 0.5, 1000, rng=0)
    assert y.shape == (1000, Z.size)
    assert_allclose(y.sum(axis=1), 1.0, rtol=1e-12)
    assert np.all(y[:, 3] == 0)  # masked
    assert gumbel_softmax(Z, 0.5, 0, rng=0).shape == (0, Z.size)


def test_gumbel_softmax_argmax_follows_the_softmax():
    y = gumbel_softmax(Z, 2.0, 100_000, rng=5, temperature=1.5)
    counts = class_counts(np.argmax(y, axis=1), Z.size)
    assert chi_square_test(counts, softmax(Z, 1.5)).pvalue > 1e-3


def test_gumbel_softmax_tends_to_one_hot_as_tau_goes_to_zero():
    largest = [gumbel_softmax(Z, tau, 2000, rng=1).max(axis=1).mean() for tau in (2, 0.5, 0.1)]
    assert largest[0] < largest[1] < largest[2] < 1
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # not only RuntimeWarning: nothing at all
        tiny = gumbel_softmax(Z, 1e-6, 2000, rng=1)
        hard = gumbel_softmax(Z, 0.0, 2000, rng=1)
        small_t = gumbel_softmax(Z * 1e300 / 2, 1e-300, 100, rng=1, temperature=1e-300)
    assert np.isfinite(tiny).all() and np.isfinite(small_t).all()
    assert tiny.max(axis=1).min() > 1 - 1e-12
    assert set(np.unique(hard)) == {0.0, 1.0}
    assert_array_equal(np.argmax(tiny, axis=1), np.argmax(hard, axis=1))  # same noise


def test_gumbel_softmax_tends_to_uniform_as_tau_grows():
    y = gumbel_softmax(Z, 1e6, 500, rng=2)
    assert_allclose(y[:, np.isfinite(Z)], 0.25, atol=1e-4)
    assert_array_equal(gumbel_softmax(Z, INF, 5, rng=2)[:, np.isfinite(Z)], 0.25)


def test_gumbel_errors():
    with pytest.raises(ValueError, match="tau"):
        gumbel_softmax(Z, -1.0, 10)
    with pytest.raises(ValueError, match="tau"):
        gumbel_softmax(Z, math.nan, 10)
    with pytest.raises(ValueError, match="size"):
        gumbel_softmax(np.zeros(1000), 1.0, MAX_NOISE_ENTRIES // 1000 + 1)
    with pytest.raises(ValueError, match="size"):
        gumbel_max_sample(Z, 1.0, MAX_DRAWS + 1)
    with pytest.raises(ValueError, match="temperature"):
        gumbel_max_sample(Z, -1.0, 10)


def test_tau_beyond_the_float_range_is_refused_by_name():
    # Regression (fuzzer): float(10**400) raised OverflowError.
    with pytest.raises(ValueError, match="tau"):
        gumbel_softmax(Z, 10**400, 10)
    uniform = np.where(np.isfinite(Z), 1 / np.isfinite(Z).sum(), 0.0)  # the τ → ∞ limit
    assert_allclose(gumbel_softmax(Z, 10**300, 2, rng=0), [uniform, uniform], rtol=1e-12)
