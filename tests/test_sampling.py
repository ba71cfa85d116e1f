"""Tests for explorer.sampling: draws, the decoding filters, Gumbel tricks and the statistics.

Oracles: Hugging Face transformers' own logits warpers (run on float64 torch tensors) for the
decoding pipeline; scipy.stats for the chi-square test and the Wilson interval; simulation at fixed
seeds for the laws (sampling distribution, interval coverage, the 1/√N convergence), so every run
draws the same numbers and the statistical thresholds cannot flake.
"""

import math
import warnings

import numpy as np
import pytest
import scipy.stats
import torch
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from numpy.testing import assert_allclose, assert_array_equal
from transformers import (
    MinPLogitsWarper,
    TemperatureLogitsWarper,
    TopKLogitsWarper,
    TopPLogitsWarper,
)

from explorer.core import softmax
from explorer.sampling import (
    DEFAULT_ORDER,
    MAX_DRAWS,
    MAX_NOISE_ENTRIES,
    TEMPERATURE_LAST_ORDER,
    chi_square_test,
    class_counts,
    convergence_curve,
    decoding_stages,
    empirical_tv,
    expected_tv,
    frequencies,
    gumbel_max_sample,
    gumbel_race,
    gumbel_softmax,
    next_token_probs,
    sample,
    wilson_interval,
)

INF = math.inf
prop = settings(max_examples=300, deadline=None)


# --------------------------------------------------------------------------------------------
# The oracle: transformers' warpers, chained as generate() chains them.


def hf_next_token(z, temperature=1.0, top_k=None, top_p=None, min_p=None, temperature_last=False):
    """(probabilities, alive mask) from transformers' warpers on a float64 tensor.

    Which warpers run mirrors GenerationMixin._get_logits_processor (transformers 5.23.0,
    generation/utils.py): temperature only if T != 1, top-k if set, top-p only if < 1, min-p if
    set, in that order. With temperature_last, temperature goes after the three filters.
    """
    warpers = []
    if top_k is not None:
        warpers.append(TopKLogitsWarper(top_k))
    if top_p is not None and top_p < 1.0:
        warpers.append(TopPLogitsWarper(top_p))
    if min_p is not None:
        warpers.append(MinPLogitsWarper(min_p))
    if temperature != 1.0:
        scale = TemperatureLogitsWarper(float(temperature))
        warpers = [*warpers, scale] if temperature_last else [scale, *warpers]
    scores = torch.tensor(np.asarray(z, dtype=np.float64)[None, :], dtype=torch.float64)
    input_ids = torch.zeros((1, 1), dtype=torch.long)
    for warper in warpers:
        scores = warper(input_ids, scores)
    return torch.softmax(scores, dim=-1)[0].numpy(), torch.isfinite(scores)[0].numpy()


def near_a_cut(decoding):
    """True if a top-p or min-p decision hangs on the last bits of a probability.

    torch and numpy compute softmax with different roundings (vectorised exp and sums), so where
    a cumulative sum lands within 1e-12 of 1 − top_p, or a probability within 1e-12 of
    min_p × max, the two can round to opposite sides. Such cases say nothing about the rule; the
    exact ones (dyadic probabilities, where both computations are exact) are tested separately.
    """
    before = decoding.initial
    for stage in decoding.stages:
        if stage.name == "top_p" and stage.setting is not None and stage.setting < 1:
            cumulative = np.cumsum(np.sort(before))
            if np.any(np.abs(cumulative - (1 - stage.setting)) <= 1e-12):
                return True
        if stage.name == "min_p" and stage.setting is not None:
            top = before.max()
            border = (before > 0) & (before < top)
            if np.any(np.abs(before[border] - stage.setting * top) <= 1e-12 * top):
                return True
        before = stage.probs
    return False


def assert_same_tie_counts(z, ours, theirs):
    """Same number of survivors among the entries of each logit value (which ones may differ)."""
    for value in np.unique(z[np.isfinite(z)]):
        group = z == value
        assert ours[group].sum() == theirs[group].sum(), f"tied group {value}"


@st.composite
def logits(draw, n_min=1, n_max=16):
    """Finite logits (continuous, or small integers for ties), an occasional -inf mask."""
    n = draw(st.integers(n_min, n_max))
    elements = st.floats(-30, 30) | st.integers(-4, 4).map(float)
    z = draw(hnp.arrays(np.float64, n, elements=elements))
    mask = draw(hnp.arrays(np.bool_, n, elements=st.sampled_from([False] * 5 + [True])))
    mask[draw(st.integers(0, n - 1))] = False
    z[mask] = -INF
    return z


settings_strategy = st.fixed_dictionaries(
    {
        "temperature": st.sampled_from([0.5, 1.0, 2.0]) | st.floats(0.05, 20),
        "top_k": st.none() | st.integers(1, 20),
        "top_p": st.none() | st.sampled_from([0.25, 0.5, 0.9, 1.0]) | st.floats(0.01, 1.0),
        "min_p": st.none() | st.sampled_from([0.0, 0.1, 0.5, 1.0]) | st.floats(0.0, 1.0),
        "temperature_last": st.booleans(),
    }
)


def pipeline(z, kwargs):
    order = TEMPERATURE_LAST_ORDER if kwargs["temperature_last"] else DEFAULT_ORDER
    rest = {key: value for key, value in kwargs.items() if key != "temperature_last"}
    return decoding_stages(z, order=order, **rest)


# --------------------------------------------------------------------------------------------
# Decoding against transformers


@prop
@given(logits(), settings_strategy)
def test_matches_transformers_exactly_up_to_16_entries(z, kwargs):
    # Up to 16 entries torch's sort is stable, so even the tie at a top-p cut is settled the same.
    decoding = pipeline(z, kwargs)
    assume(not near_a_cut(decoding))
    probs, alive = hf_next_token(z, **kwargs)
    assert_array_equal(decoding.alive, alive)
    assert_allclose(decoding.probs, probs, rtol=1e-12, atol=1e-300)
    assert_array_equal(next_token_probs(z, **kwargs), decoding.probs)


@prop
@given(logits(n_min=17, n_max=60), settings_strategy)
def test_matches_transformers_up_to_which_tied_entry_survives(z, kwargs):
    # From 17 entries torch's sort is not stable: at a top-p cut through tied entries
    # transformers keeps as many of them as we do, but not always the same ones.
    decoding = pipeline(z, kwargs)
    assume(not near_a_cut(decoding))
    probs, alive = hf_next_token(z, **kwargs)
    assert_same_tie_counts(z, decoding.alive, alive)
    assert_allclose(np.sort(decoding.probs), np.sort(probs), rtol=1e-12, atol=1e-300)


EXACT_CASES = {
    # ties with the k-th value are all kept
    "top-k tie at the k-th value": ([3.0, 2.0, 2.0, 2.0, 1.0], dict(top_k=2)),
    "top-k tie after temperature": ([3.0, 2.0, 2.0, 2.0, 1.0], dict(top_k=2, temperature=0.3)),
    "top-k larger than n": ([1.0, 0.0, -1.0], dict(top_k=7)),
    # z / T underflows to 0 for both: a tie for transformers, which filters on z / T
    "top-k tie made by dividing by T": ([2e-300, 1e-300, -1.0], dict(top_k=1, temperature=1e30)),
    # cumulative sums that hit 1 − top_p exactly (dyadic probabilities: exact in both)
    "top-p hits 0.75": (np.log([0.5, 0.25, 0.25]), dict(top_p=0.75)),
    "top-p hits 0.5": (np.log([0.5, 0.25, 0.25]), dict(top_p=0.5)),
    "top-p ties shuffled": (np.log([0.25, 0.5, 0.125, 0.125]), dict(top_p=0.875)),
    "top-p all equal": (np.zeros(8), dict(top_p=0.5)),
    "top-p all equal, hits 0.25": (np.zeros(4), dict(top_p=0.25)),
    "top-p 1 keeps even what underflows": ([0.0, -1e4, -2.0], dict(top_p=1.0)),
    "a tiny top-p keeps the top entry": ([1.0, 3.0, 3.0, 2.0], dict(top_p=1e-300)),
    "min-p exactly at the cut": (np.log([0.5, 0.25, 0.25]), dict(min_p=0.5)),
    "min-p 1 keeps the tied maxima": ([2.0, 2.0, 1.0], dict(min_p=1.0)),
    # all the mass on one entry
    "one entry, the rest underflow": ([0.0, -1e4, -1e4, -1e4], dict(top_p=0.9, min_p=0.1)),
    "one entry, the rest masked": ([0.0, -INF, -INF], dict(top_k=2, top_p=0.5, min_p=0.5)),
    "a single logit": ([5.0], dict(top_k=1, top_p=0.1, min_p=1.0, temperature=3.0)),
    # masked entries stay at 0, whatever keeps them
    "masked among ties": ([1.0, -INF, 1.0, -INF, 0.0], dict(top_k=4, top_p=0.99, min_p=0.0)),
    "all filters": ([2.0, 1.5, 1.0, 0.5, 0.0, -0.5], dict(top_k=4, top_p=0.8, min_p=0.2)),
    "all filters, hot": (
        [2.0, 1.5, 1.0, 0.5, 0.0, -0.5],
        dict(top_k=4, top_p=0.8, min_p=0.2, temperature=2.5),
    ),
}


@pytest.mark.parametrize("temperature_last", [False, True])
@pytest.mark.parametrize("case", EXACT_CASES)
def test_adversarial_cases_match_transformers(case, temperature_last):
    z, kwargs = EXACT_CASES[case]
    z = np.asarray(z, dtype=np.float64)
    kwargs = {"temperature": 1.0, **kwargs, "temperature_last": temperature_last}
    probs, alive = hf_next_token(z, **kwargs)
    decoding = pipeline(z, kwargs)
    assert_array_equal(decoding.alive, alive)
    assert_allclose(decoding.probs, probs, rtol=1e-12, atol=0)
    assert np.all(decoding.probs[~decoding.alive] == 0)


def test_top_p_tie_at_the_cut_keeps_the_later_entry_like_transformers():
    # [0.5, 0.25, 0.25] with top_p = 0.75: {0.5, one 0.25} reaches it. The rule removes the
    # first 0.25 in ascending order; the sort is stable, so index 1 goes and index 2 stays.
    assert_array_equal(next_token_probs(np.log([0.5, 0.25, 0.25]), top_p=0.75), [2 / 3, 0, 1 / 3])
    # 0.5 reaches 0.5 alone: both 0.25 go.
    assert_array_equal(next_token_probs(np.log([0.5, 0.25, 0.25]), top_p=0.5), [1, 0, 0])


@pytest.mark.parametrize("integer", [False, True], ids=["continuous", "ties"])
def test_a_50000_entry_vocabulary_matches_transformers(integer):
    rng = np.random.default_rng(7)
    z = rng.integers(-20, 5, 50_000).astype(float) if integer else rng.normal(0, 3, 50_000)
    z[rng.choice(z.size, 1000, replace=False)] = -INF
    for kwargs in [
        dict(temperature=0.8, top_k=1000, top_p=0.9, min_p=0.02, temperature_last=False),
        dict(temperature=1.7, top_k=20_000, top_p=0.6, min_p=None, temperature_last=True),
        dict(temperature=1.0, top_k=None, top_p=0.95, min_p=0.001, temperature_last=False),
    ]:
        decoding = pipeline(z, kwargs)
        probs, alive = hf_next_token(z, **kwargs)
        if integer:  # ties at the top-p cut: torch's unstable sort picks its own survivors
            assert_same_tie_counts(z, decoding.alive, alive)
            assert_allclose(np.sort(decoding.probs), np.sort(probs), rtol=1e-11, atol=1e-300)
        else:
            assert_array_equal(decoding.alive, alive)
            assert_allclose(decoding.probs, probs, rtol=1e-11, atol=1e-300)
        assert 1 <= decoding.alive.sum() < z.size


@pytest.mark.parametrize(
    "kwargs",
    [dict(), dict(top_k=2), dict(top_p=0.5), dict(top_p=0.3), dict(min_p=0.5), dict(top_k=1)],
)
@pytest.mark.parametrize("z", [[1.0, 3.0, 3.0, 3.0, 2.0, -INF], [0.0, 2.0, 1.0, 2.0]])
def test_greedy_is_the_small_temperature_limit_of_transformers(z, kwargs):
    # Integer logits at T = 0.001: every non-maximal probability underflows to 0, the maxima stay
    # exactly tied, so transformers' chain at that T is the T → 0 limit our T = 0 must give.
    probs, _ = hf_next_token(z, temperature=0.001, **kwargs)
    assert_array_equal(next_token_probs(z, temperature=0, **kwargs), probs)


@pytest.mark.parametrize("z", [[1.0, 1.0, 0.0], [2.0, -INF, 2.0, 2.0], [0.5, -1.0]])
def test_greedy_without_filters_is_the_core_greedy_softmax(z):
    assert_array_equal(next_token_probs(z, temperature=0), softmax(z, 0))
    assert_array_equal(next_token_probs(z, temperature=0, temperature_last=True), softmax(z, 0))


# --------------------------------------------------------------------------------------------
# Decoding: the rules by hand, the stages, invalid input


def test_the_rules_by_hand():
    z = np.log([0.4, 0.3, 0.2, 0.1])
    assert_allclose(next_token_probs(z, top_k=2), [4 / 7, 3 / 7, 0, 0])
    assert_allclose(next_token_probs(z, top_p=0.6), [4 / 7, 3 / 7, 0, 0])  # 0.4 + 0.3 crosses
    assert_allclose(next_token_probs(z, top_p=0.75), [4 / 9, 3 / 9, 2 / 9, 0])
    assert_allclose(next_token_probs(z, min_p=0.5), [4 / 9, 3 / 9, 2 / 9, 0])  # 0.2 ≥ 0.5·0.4
    assert_allclose(next_token_probs(z, top_p=1.0, min_p=0.0, top_k=4), [0.4, 0.3, 0.2, 0.1])
    # Temperature first sharpens, then min-p cuts more; temperature last cuts at T = 1.
    first = next_token_probs(z, temperature=0.25, min_p=0.3)
    last = next_token_probs(z, temperature=0.25, min_p=0.3, temperature_last=True)
    assert (first > 0).sum() == 2 and (last > 0).sum() == 3


@prop
@given(logits(1, 40), settings_strategy)
def test_stages_are_consistent(z, kwargs):
    decoding = pipeline(z, kwargs)
    order = TEMPERATURE_LAST_ORDER if kwargs["temperature_last"] else DEFAULT_ORDER
    assert [stage.name for stage in decoding.stages] == list(order)
    alive = np.isfinite(z)
    for stage in decoding.stages:
        assert not np.any(stage.alive & ~alive)  # nothing comes back to life
        alive = stage.alive
        assert alive.any()
        assert np.all(stage.probs[~alive] == 0)
        assert math.isclose(stage.probs.sum(), 1.0, rel_tol=1e-12)
    assert_array_equal(decoding.temperature_only, softmax(z, kwargs["temperature"]))
    assert_array_equal(decoding.initial, softmax(z))
    assert_array_equal(decoding.probs, next_token_probs(z, **kwargs))


def test_stage_settings_and_off_stages():
    decoding = decoding_stages([1.0, 0.0, -1.0], temperature=2.0, top_p=0.5)
    assert [(s.name, s.setting) for s in decoding.stages] == [
        ("temperature", 2.0),
        ("top_k", None),
        ("top_p", 0.5),
        ("min_p", None),
    ]
    assert_array_equal(decoding.stages[0].probs, softmax([1.0, 0.0, -1.0], 2.0))
    assert_array_equal(decoding.stages[1].probs, decoding.stages[0].probs)  # off: unchanged


@settings(max_examples=200, deadline=None)
@given(
    hnp.arrays(np.float64, st.integers(1, 10), elements=st.floats(-1e300, 1e300)),
    st.floats(min_value=0.0),
    settings_strategy,
)
def test_extreme_logits_and_temperatures_stay_exact(z, temperature, kwargs):
    # ±1e300 logits at any T (0, subnormal, inf): a distribution, no NaN and (pyproject turns
    # RuntimeWarnings into errors) no warning.
    kwargs = {**kwargs, "temperature": temperature}
    decoding = pipeline(z, kwargs)
    assert np.isfinite(decoding.probs).all()
    assert math.isclose(decoding.probs.sum(), 1.0, rel_tol=1e-12)
    assert np.all(decoding.probs[~decoding.alive] == 0) and decoding.alive.any()


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        (dict(top_k=0), "top_k"),
        (dict(top_k=-2), "top_k"),
        (dict(top_k=2.0), "top_k"),
        (dict(top_k=True), "top_k"),
        (dict(top_k="3"), "top_k"),
        (dict(top_p=0.0), "top_p"),
        (dict(top_p=-0.1), "top_p"),
        (dict(top_p=1.5), "top_p"),
        (dict(top_p=math.nan), "top_p"),
        (dict(top_p="0.5"), "top_p"),
        (dict(min_p=-0.01), "min_p"),
        (dict(min_p=1.01), "min_p"),
        (dict(min_p=math.nan), "min_p"),
        (dict(temperature=-1.0), "temperature"),
        (dict(temperature=math.nan), "temperature"),
    ],
)
def test_invalid_settings_name_the_parameter(kwargs, name):
    with pytest.raises(ValueError, match=name):
        next_token_probs([1.0, 0.0], **kwargs)


@pytest.mark.parametrize(
    "logits", [[], [[1.0, 2.0]], [math.nan, 1.0], [INF, 0.0], [-INF, -INF]], ids=repr
)
def test_invalid_logits_raise(logits):
    with pytest.raises(ValueError, match=r"logits|-inf"):
        next_token_probs(logits)


def test_invalid_order_raises():
    with pytest.raises(ValueError, match="order"):
        decoding_stages([1.0, 0.0], order=("top_k", "top_p", "min_p"))
    with pytest.raises(ValueError, match="order"):
        decoding_stages([1.0, 0.0], order=("top_k", "top_k", "top_p", "temperature"))


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
