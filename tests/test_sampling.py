"""Tests for explorer.sampling: inverse-CDF draws.

Oracle: simulation at fixed seeds against the probabilities (a chi-square test on a million draws),
so every run draws the same numbers and the statistical thresholds cannot flake.
"""

import math

import numpy as np
import pytest
from hypothesis import settings
from numpy.testing import assert_array_equal

from explorer.draw_stats import (
    chi_square_test,
    class_counts,
)
from explorer.sampling import MAX_DRAWS, sample

INF = math.inf
prop = settings(max_examples=300, deadline=None)


# --------------------------------------------------------------------------------------------
# sample


PROBS = np.array([0.5, 0.3, 0.15, 0.05])


def test_same_seed_same_draws():
    assert_array_equal(sample(PROBS, 1000, rng=42), sample(PROBS, 1000, rng=42))
    assert not np.array_equal(sample(PROBS, 1000, rng=42), sample(PROBS, 1000, rng=43))
    draws = sample(PROBS, 10, rng=0)
    assert draws.dtype == np.int64 and draws.shape == (10,)


def test_a_generator_passed_in_is_used_and_advanced():
    generator = np.random.default_rng(5)
    first, second = sample(PROBS, 100, generator), sample(PROBS, 100, generator)
    assert not np.array_equal(first, second)
    again = np.random.default_rng(5)
    assert_array_equal(
        np.concatenate([sample(PROBS, 100, again), sample(PROBS, 100, again)]),
        np.concatenate([first, second]),
    )
    assert_array_equal(first, sample(PROBS, 100, rng=5))  # an int seed means default_rng(seed)


@pytest.mark.parametrize(
    ("probs", "seed"),
    [(PROBS, 0), (np.random.default_rng(3).dirichlet(np.ones(50)), 1), ([0.999, 0.001], 2)],
    ids=["4 classes", "50 classes", "skewed"],
)
def test_a_million_draws_follow_the_probabilities(probs, seed):
    probs = np.asarray(probs)
    n = 10**6
    counts = class_counts(sample(probs, n, rng=seed), probs.size)
    result = chi_square_test(counts, probs)
    assert result.pvalue > 1e-3, result
    standard_error = np.sqrt(probs * (1 - probs) / n)
    assert np.all(np.abs(counts / n - probs) < 5 * standard_error)


class EdgeGenerator(np.random.Generator):
    """A Generator whose uniforms are all the largest double below 1: the rounding edge."""

    def random(self, size=None, dtype=np.float64, out=None):
        return np.full(size, np.nextafter(1.0, 0.0))


class ZeroGenerator(np.random.Generator):
    """A Generator whose uniforms are all exactly 0: the other edge."""

    def random(self, size=None, dtype=np.float64, out=None):
        return np.zeros(size)


@pytest.mark.parametrize(
    "probs",
    [
        [0.0, 1e-300, 1.0 - 1e-300],
        [1e-300, 0.0, 1.0],
        [0.5, 0.5, 0.0, 0.0],
        [0.0, 0.0, 1.0, 0.0],
        [0.1, 0.2, 0.3, 0.4 - 5e-7, 0.0],  # sums to 1 − 5e-7: the sum is used as it is
        [0.0, 0.2, 0.0, 0.8 + 5e-7, 0.0],
    ],
    ids=repr,
)
def test_a_zero_probability_is_never_drawn(probs):
    probs = np.asarray(probs)
    zero = probs == 0
    for generator in [
        np.random.default_rng(0),
        EdgeGenerator(np.random.PCG64(0)),
        ZeroGenerator(np.random.PCG64(0)),
    ]:
        draws = sample(probs, 100_000, generator)
        assert not zero[draws].any()
        assert draws.min() >= 0 and draws.max() < probs.size


def test_no_draws():
    draws = sample(PROBS, 0, rng=0)
    assert draws.dtype == np.int64 and draws.shape == (0,)


@pytest.mark.parametrize("size", [-1, MAX_DRAWS + 1, 2.5, 10.0, True, "10", None])
def test_bad_size_raises(size):
    with pytest.raises(ValueError, match="size"):
        sample(PROBS, size)


def test_the_cap_itself_is_allowed():
    assert sample([1.0], MAX_DRAWS, rng=0).shape == (MAX_DRAWS,)


@pytest.mark.parametrize(
    "probs",
    [[], [0.5, math.nan], [1.5, -0.5], [0.5, 0.4], [[0.5, 0.5]], [INF, 0.0]],
    ids=repr,
)
def test_bad_probs_raise(probs):
    with pytest.raises(ValueError, match="probs"):
        sample(probs, 10)


@pytest.mark.parametrize("rng", ["seed", 1.5, np.random.RandomState(0)], ids=repr)
def test_bad_rng_raises(rng):
    with pytest.raises(TypeError, match="rng"):
        sample(PROBS, 10, rng=rng)


def test_negative_seed_raises():
    with pytest.raises(ValueError, match="rng"):
        sample(PROBS, 10, rng=-1)
