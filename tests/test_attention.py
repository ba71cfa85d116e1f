"""Tests for explorer.attention: why scaled dot-product attention divides by √d.

Oracles: scipy.special.softmax on scores computed here with numpy; torch's
scaled_dot_product_attention; the closed form Var(q · k) = d for independent unit-variance
components (Vaswani et al. 2017, footnote 4); a Monte Carlo of the entropy of softmax over
independent N(0, 1) scores, computed here with scipy, as the large-d limit. Every seed is fixed.
"""

import math

import numpy as np
import pytest
import scipy.special
import scipy.stats
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from numpy.testing import assert_allclose

from explorer.attention import (
    MAX_DIMENSION,
    MAX_DIMENSION_COUNT,
    MAX_KEYS,
    MAX_QUERIES,
    attention_weights,
    entropy_against_dimension,
    one_query,
)

FOURFOLD = [1, 4, 16, 64, 256, 1024, 4096]


@pytest.fixture(scope="module")
def sweep():
    return entropy_against_dimension(FOURFOLD, keys=16, queries=256, seed=0)


@st.composite
def queries_and_keys(draw):
    d = draw(st.integers(1, 40))
    values = st.floats(-5, 5, allow_nan=False)
    queries = draw(hnp.arrays(np.float64, (draw(st.integers(1, 6)), d), elements=values))
    keys = draw(hnp.arrays(np.float64, (draw(st.integers(1, 9)), d), elements=values))
    return queries, keys


@settings(max_examples=200, deadline=None)
@given(queries_and_keys())
def test_weights_are_scipy_softmax_of_the_scores(pair):
    queries, keys = pair
    d = queries.shape[1]
    scores = queries @ keys.T
    scaled = attention_weights(queries, keys)
    assert_allclose(scaled, scipy.special.softmax(scores / math.sqrt(d), axis=1), atol=1e-12)
    assert_allclose(
        attention_weights(queries, keys, scale=False),
        scipy.special.softmax(scores, axis=1),
        atol=1e-12,
    )
    assert_allclose(scaled.sum(axis=1), 1.0, rtol=1e-12)


def test_scaled_weights_match_torch_scaled_dot_product_attention():
    rng = np.random.default_rng(1)
    queries, keys = rng.standard_normal((5, 64)), rng.standard_normal((7, 64))
    # Oracle: torch with the identity as values returns the attention weights themselves.
    q, k = torch.tensor(queries), torch.tensor(keys)
    expected = torch.nn.functional.scaled_dot_product_attention(q, k, torch.eye(7, dtype=q.dtype))
    assert_allclose(attention_weights(queries, keys), expected.numpy(), rtol=1e-10)


def test_one_query_as_a_vector_and_a_hand_computed_case():
    # Scores 2 and 0; unscaled weights e²/(e² + 1) = 0.8808 and 1/(e² + 1) = 0.1192.
    weights = attention_weights([2.0, 0.0], [[1.0, 0.0], [0.0, 1.0]], scale=False)
    assert weights.shape == (1, 2)
    assert_allclose(weights[0], [math.exp(2) / (math.exp(2) + 1), 1 / (math.exp(2) + 1)])
    # Scaled by √2: e^√2 / (e^√2 + 1).
    scaled = attention_weights([2.0, 0.0], [[1.0, 0.0], [0.0, 1.0]])[0, 0]
    assert scaled == pytest.approx(math.exp(math.sqrt(2)) / (math.exp(math.sqrt(2)) + 1))


def test_score_variance_is_d(sweep):
    # Closed form: Var(q · k) = Σ Var(q_i k_i) = d. 4,096 scores per d, whose variance has a
    # relative standard error of about √2/√4096 ≈ 2.2%; 10% is over four of them.
    assert_allclose(sweep.score_std**2 / sweep.dimensions, 1.0, rtol=0.1)


def test_scaled_entropy_hardly_moves_with_d_and_matches_the_gaussian_limit(sweep):
    scaled = dict(zip(sweep.dimensions.tolist(), sweep.scaled_entropy, strict=True))
    assert abs(scaled[1024] - scaled[16]) < 0.06  # the mean of 256 entropies: s.e. ≈ 0.015
    # Oracle for large d: the scores of one query tend to 16 independent N(0, 1) values.
    scores = np.random.default_rng(2).standard_normal((100_000, 16))
    limit = scipy.stats.entropy(scipy.special.softmax(scores, axis=1), axis=1).mean()
    assert scaled[4096] == pytest.approx(limit, abs=0.06)
    assert np.all(sweep.scaled_max_weight < 0.3)  # far from one-hot at every d


def test_unscaled_attention_saturates_towards_one_hot(sweep):
    assert np.all(np.diff(sweep.unscaled_entropy) < 0)
    assert np.all(np.diff(sweep.unscaled_max_weight) > 0)
    assert sweep.unscaled_entropy[-1] < 0.15 and sweep.unscaled_max_weight[-1] > 0.95
    # At d = 1 the factor is 1: scaled and unscaled are the same weights.
    assert sweep.unscaled_entropy[0] == sweep.scaled_entropy[0]
    assert sweep.uniform_entropy == pytest.approx(math.log(16))
    assert np.all(sweep.scaled_entropy < sweep.uniform_entropy)


def test_same_seed_same_numbers_whatever_else_is_asked(sweep):
    alone = entropy_against_dimension([64], keys=16, queries=256, seed=0)
    at_64 = FOURFOLD.index(64)
    assert alone.scaled_entropy[0] == sweep.scaled_entropy[at_64]
    assert alone.unscaled_max_weight[0] == sweep.unscaled_max_weight[at_64]
    other = entropy_against_dimension([64], keys=16, queries=256, seed=1)
    assert other.scaled_entropy[0] != alone.scaled_entropy[0]


def test_one_query_weights_are_softmax_of_its_scores():
    example = one_query(1024, keys=8, seed=3)
    # Oracle: scipy softmax of the reported raw scores, divided by √d or not.
    assert_allclose(example.scaled, scipy.special.softmax(example.scores / 32.0), rtol=1e-12)
    assert_allclose(example.unscaled, scipy.special.softmax(example.scores), atol=1e-15)
    assert example.unscaled.max() > example.scaled.max()


@pytest.mark.parametrize(
    ("call", "named"),
    [
        (lambda: attention_weights(np.ones((2, 3)), np.ones((4, 5))), "same dimension d"),
        (lambda: attention_weights([[math.nan]], [[1.0]]), "queries"),
        (lambda: attention_weights([[1.0]], np.ones((MAX_KEYS + 1, 1))), "number of keys"),
        (lambda: attention_weights(np.ones((MAX_QUERIES + 1, 1)), [[1.0]]), "number of queries"),
        (lambda: attention_weights(np.ones(MAX_DIMENSION + 1), [[1.0]]), "dimension d"),
        (lambda: attention_weights([], [[1.0]]), "queries"),
        (lambda: entropy_against_dimension([MAX_DIMENSION + 1]), "dimension d"),
        (lambda: entropy_against_dimension([0]), "dimension d"),
        (lambda: entropy_against_dimension([2] * (MAX_DIMENSION_COUNT + 1)), "dimensions"),
        (lambda: entropy_against_dimension([], keys=4), "dimensions"),
        (lambda: entropy_against_dimension([4], keys=1), "keys"),
        (lambda: entropy_against_dimension([4], queries=MAX_QUERIES + 1), "queries"),
        (lambda: entropy_against_dimension([4], seed=-2), "seed"),
        (lambda: entropy_against_dimension([4096], keys=64, queries=512), "queries ×"),
        (lambda: one_query(0), "dimension"),
        (lambda: one_query(8, keys=MAX_KEYS + 1), "keys"),
    ],
)
def test_bad_arguments_raise_naming_the_argument(call, named):
    with pytest.raises(ValueError, match=named.replace("×", ".")):
        call()
