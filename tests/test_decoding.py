"""Tests for explorer.decoding: temperature, top-k, top-p and min-p, stage by stage.

Oracle: Hugging Face transformers' own logits warpers (run on float64 torch tensors), chained as
generate() chains them; the rules by hand for small cases.
"""

import math

import numpy as np
import pytest
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
from explorer.decoding import (
    DEFAULT_ORDER,
    TEMPERATURE_LAST_ORDER,
    decoding_stages,
    next_token_probs,
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


@pytest.mark.parametrize("order", [None, "temperature", 3, ("top_k", None, "top_p", "min_p")])
def test_an_order_that_is_not_a_list_of_stage_names_is_refused_by_name(order):
    # Regression (fuzzer): order=None raised "'NoneType' object is not iterable".
    with pytest.raises(ValueError, match="order"):
        decoding_stages([1.0, 0.0], order=order)


def test_a_list_order_is_taken_as_a_tuple():
    stages = decoding_stages([1.0, 0.0], order=["top_k", "top_p", "min_p", "temperature"]).stages
    assert [stage.name for stage in stages] == ["top_k", "top_p", "min_p", "temperature"]


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        (dict(top_p=10**400), "top_p"),  # was OverflowError
        (dict(min_p=-(10**400)), "min_p"),
        (dict(temperature_last="yes"), "temperature_last"),  # any truthy object was taken
        (dict(temperature_last=None), "temperature_last"),
    ],
)
def test_settings_beyond_floats_or_of_the_wrong_kind_are_refused_by_name(kwargs, name):
    with pytest.raises(ValueError, match=name):
        next_token_probs([1.0, 0.0], **kwargs)
