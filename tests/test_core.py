"""Tests for explorer.core, the softmax family with temperature, against scipy and mpmath."""

import math
import warnings

import mpmath
import numpy as np
import pytest
import scipy.special
import scipy.stats
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from numpy.testing import assert_allclose, assert_array_equal

from explorer.core import (
    _scaled_shifted,
    entropy,
    kl_divergence,
    log_softmax,
    probs_to_logits,
    softmax,
    total_variation,
)

INF = math.inf
TINY = 1e-300  # absolute slack for outputs near the subnormal range, which carry only a few bits
prop = settings(max_examples=300, deadline=None)


@st.composite
def logits(draw, lo=-1e3, hi=1e3, integer=False, size=None):
    """1-D finite logits with an occasional -inf mask; at least one entry stays finite."""
    elements = st.integers(int(lo), int(hi)).map(float) if integer else st.floats(lo, hi)
    z = draw(hnp.arrays(np.float64, size or st.integers(1, 8), elements=elements))
    mask = draw(hnp.arrays(np.bool_, z.shape, elements=st.sampled_from([False] * 4 + [True])))
    mask[draw(st.integers(0, z.size - 1))] = False
    z[mask] = -INF
    return z


wide_logits = logits(lo=-1e300, hi=1e300) | logits()
temperatures = st.floats(min_value=0.0)  # 0, subnormals, huge values and inf included
probs = logits(lo=-30, hi=30).map(softmax)
logit_pairs = st.integers(1, 8).flatmap(lambda n: st.tuples(*[logits(-30, 30, size=n)] * 2))


# High-precision oracle. Like scipy's own special-function tests, it works at mp.dps = 200, so its
# rounding is negligible next to float64's; mpf(x) of a float is exact.
def mp_log_softmax(z, temperature):
    with mpmath.workdps(200):
        zs = [mpmath.mpf(float(x)) for x in z]
        top = max(x for x in zs if mpmath.isfinite(x))
        scaled = [(x - top) / mpmath.mpf(temperature) for x in zs]
        # exp() below -1e6 is far under the float range: skip it rather than make mpmath crawl.
        log_total = mpmath.log(mpmath.fsum(mpmath.exp(s) for s in scaled if s > -1e6))
        return [s - log_total for s in scaled]


def mp_softmax(z, temperature):
    with mpmath.workdps(200):
        return [float(mpmath.exp(v)) if v > -1e6 else 0.0 for v in mp_log_softmax(z, temperature)]


def mp_entropy(p):
    with mpmath.workdps(200):
        return float(-mpmath.fsum(mpmath.mpf(x) * mpmath.log(x) for x in p if x > 0))


EXTREME = [
    ([1e300, -1e300], 1e-300),
    ([1000.0, 0.0, 0.0, 0.0], 1.0),
    ([1e16, 1e16 + 2], 1.0),
    ([0.0, -1000.0], 1.0),
    ([0.0, -800.0], 0.5),
    ([-745.0, 0.0, 745.0], 1.0),
    ([1e-300, 0.0], 1e-300),
    ([5e-324, 0.0], 5e-324),
    ([3.0, 1.0, -INF, 2.0], 0.7),
    ([1e308, -1e308], 1e307),
    ([1.7e308, -1.7e308], 1e308),  # the difference overflows, but divided by T it is only -3.4
]


def check_against_mpmath(z, temperature):
    q = softmax(z, temperature)
    assert_allclose(q, mp_softmax(z, temperature), rtol=1e-12, atol=TINY)
    # Every term -p log p is ≥ 0, so there is no cancellation: a tight relative tolerance holds.
    assert_allclose(entropy(q), mp_entropy(q), rtol=1e-13, atol=0)
    # log_softmax's absolute error is about eps·(|z/T| + 1): relative when large, absolute near 0.
    exact = [float(v) for v in mp_log_softmax(z, temperature)]
    assert_allclose(log_softmax(z, temperature), exact, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize(("z", "temperature"), EXTREME)
def test_softmax_and_log_softmax_match_mpmath_at_extremes(z, temperature):
    check_against_mpmath(z, temperature)


@prop
@given(wide_logits, st.floats(1e-300, 1e300))
def test_softmax_and_log_softmax_match_mpmath(z, temperature):
    check_against_mpmath(z, temperature)


def test_softmax_docstring_example_and_definition():
    assert_allclose(softmax([2.0, 1.0, 0.1]).round(3), [0.659, 0.242, 0.099])
    z = np.array([0.3, -1.2, 2.5, 0.0])
    assert_allclose(softmax(z, 0.8), np.exp(z / 0.8) / np.exp(z / 0.8).sum(), rtol=1e-14)


def test_softmax_teachers_arithmetic():
    # exp(6) ≈ 403.4 and exp(3) ≈ 20.09; at T = 1.5 these become exp(4) ≈ 54.6 and exp(2) ≈ 7.39.
    e4, e2 = math.exp(4), math.exp(2)
    assert_allclose(softmax([6, 3], 1.5), [e4 / (e4 + e2), e2 / (e4 + e2)], rtol=1e-14)
    assert_allclose(softmax([6, 3], 1.5), [54.6 / (54.6 + 7.39), 7.39 / (54.6 + 7.39)], atol=1e-3)
    assert softmax([6, 3]).dtype == softmax(np.array([6, 3], np.float32)).dtype == np.float64


@pytest.mark.parametrize("shape, axis", [((3, 5), 0), ((3, 5), -1), ((2, 3, 4), 1), ((2, 3, 4), 0)])
@pytest.mark.parametrize("temperature", [0.0, 0.5, 3.0, INF])
def test_softmax_batches_along_any_axis(shape, axis, temperature):
    z = np.random.default_rng(0).normal(size=shape) * 5
    z.flat[::7] = -INF  # masks some entries but never a whole slice of these shapes
    q = softmax(z, temperature, axis=axis)
    assert q.dtype == np.float64 and q.shape == shape
    assert_allclose(q.sum(axis=axis), 1, atol=1e-12)
    # scipy renormalises q first, which moves small entropies by ~eps: hence atol.
    assert_allclose(
        entropy(q, axis=axis), scipy.stats.entropy(q, axis=axis), rtol=1e-13, atol=1e-15
    )
    assert_array_equal(q, np.apply_along_axis(softmax, axis, z, temperature))
    log_q = log_softmax(z, temperature, axis)
    assert_array_equal(log_q, np.apply_along_axis(log_softmax, axis, z, temperature))


@prop
@given(logits(lo=-1e3, hi=1e3), st.floats(1e-3, 1e3))
def test_softmax_agrees_with_scipy(w, temperature):
    # Both methods round exp's argument with an error of about eps·|z/T|: keep |z/T| ≤ 1e3.
    z = w * temperature
    expected = scipy.special.softmax(z / temperature)
    assert_allclose(softmax(z, temperature), expected, rtol=1e-12, atol=TINY)


def test_extreme_cases_are_exact():
    assert_array_equal(softmax([1e300, -1e300], 1e-300), [1.0, 0.0])
    assert_array_equal(softmax([-1e300, 1e300], 1e-300), [0.0, 1.0])
    # log_softmax stays exact where softmax underflows to 0.
    assert_array_equal(log_softmax([0.0, -1000.0]), [0.0, -1000.0])
    assert_array_equal(log_softmax([0.0, -800.0], 0.5), [0.0, -1600.0])


@pytest.mark.parametrize(
    ("z", "expected"),
    [
        ([1.0, 1.0, 0.0], [0.5, 0.5, 0.0]),
        ([3.0, 1.0, 2.0], [1.0, 0.0, 0.0]),
        ([2.0, -INF, 2.0, 2.0], [1 / 3, 0.0, 1 / 3, 1 / 3]),
        ([-1e300, 1e300], [0.0, 1.0]),
        ([[0.0, 1.0], [4.0, 4.0]], [[0.0, 1.0], [0.5, 0.5]]),
    ],
)
def test_temperature_zero_splits_evenly_among_tied_maxima(z, expected):
    assert_array_equal(softmax(z, 0), expected)
    with np.errstate(divide="ignore"):
        assert_array_equal(log_softmax(z, 0), np.log(expected))


def test_nanogpt_issue_738_temperature_zero_does_not_crash():
    # nanoGPT #738: logits / temperature at T = 0 gave inf/nan and torch.multinomial raised.
    with warnings.catch_warnings(), np.errstate(all="raise"):
        warnings.simplefilter("error")
        q = softmax([0.1, 2.0, -0.5], temperature=0.0)
    assert_array_equal(q, [0.0, 1.0, 0.0])


@pytest.mark.parametrize("temperature", [1e-6, 1e-300, 5e-324])
@prop
@given(z=logits(lo=-50, hi=50, integer=True))
def test_tiny_temperature_converges_to_greedy(z, temperature):
    # Integer logits differ by ≥ 1, so exp(-1/T) is exactly 0 at these temperatures.
    assert_array_equal(softmax(z, temperature), softmax(z, 0))


@prop
@given(logits(lo=-100, hi=100))
def test_infinite_temperature_is_uniform_over_finite_entries(z):
    finite = np.isfinite(z)
    uniform = finite / finite.sum()
    assert_array_equal(softmax(z, INF), uniform)
    assert_allclose(log_softmax(z, INF), np.where(finite, -np.log(finite.sum()), -INF), rtol=1e-15)
    # |z/T| ≤ 2e-10 at T = 1e12, so each weight is within ~2e-10 of the uniform one.
    assert_allclose(softmax(z, 1e12), uniform, rtol=1e-9, atol=0)


@pytest.mark.parametrize("temperature", [0.0, 5e-324, 1e-300, 0.5, 1.0, 1e12, 1e308, INF])
def test_masked_logits_get_exactly_zero(temperature):
    z = [-INF, 0.0, 5.0, -INF, -1e300]
    mask = np.isneginf(z)
    assert_array_equal(softmax(z, temperature)[mask], 0.0)
    assert_array_equal(log_softmax(z, temperature)[mask], -INF)


@pytest.mark.parametrize("func", [softmax, log_softmax])
@pytest.mark.parametrize(
    ("z", "kwargs", "match"),
    [
        ([1.0, math.nan], {}, "NaN"),
        ([1.0, INF], {}, r"\+inf"),
        ([], {}, "empty"),
        (3.0, {}, "scalar"),
        ([-INF, -INF], {}, "-inf"),
        ([[0.0, 1.0], [-INF, -INF]], {}, "-inf"),
        ([[0.0, -INF], [1.0, -INF]], {"axis": 0}, "-inf"),
        ([1.0, 2.0], {"temperature": -1.0}, "temperature"),
        ([1.0, 2.0], {"temperature": math.nan}, "temperature"),
    ],
)
def test_bad_input_raises_value_error(func, z, kwargs, match):
    with pytest.raises(ValueError, match=match):
        func(z, **kwargs)


@pytest.mark.parametrize("func", [softmax, log_softmax])
@pytest.mark.parametrize("temperature", ["hot", None, True])
def test_non_numeric_temperature_raises_type_error(func, temperature):
    with pytest.raises(TypeError, match="temperature"):
        func([1.0, 2.0], temperature)


def _no_warnings(z, temperature):
    with warnings.catch_warnings(), np.errstate(all="raise"):
        warnings.simplefilter("error")
        q, log_q = softmax(z, temperature), log_softmax(z, temperature)
    assert not np.isnan(q).any() and not np.isnan(log_q).any()
    assert_allclose(q.sum(), 1, atol=1e-12)


@pytest.mark.parametrize(
    ("z", "temperature"),
    [
        ([1.7e308, -1.7e308], 1.0),
        ([1.7e308, -1.7e308], 1e308),
        ([1.7e308, -1.7e308], 5e-324),
        ([-1.7e308, -1.7e308, 1.7e308], 0.0),
        ([1.7e308, -INF, -1.7e308], INF),
        ([5e-324, 0.0], 1e308),
        ([1e300, -1e300], 1e-300),
        ([0.0, -1000.0], 1.0),
        ([0.0, -800.0], 0.5),
    ],
)
def test_no_warnings_for_extreme_finite_input(z, temperature):
    _no_warnings(z, temperature)


@prop
@given(logits(lo=-1.7e308, hi=1.7e308) | logits(), temperatures)
def test_no_warnings_for_any_finite_logits_and_temperature(z, temperature):
    _no_warnings(z, temperature)


@prop
@given(logits(lo=-100, hi=100), st.floats(-1e3, 1e3), st.floats(0.5, 10))
def test_shift_invariance(z, c, temperature):
    # z + c rounds by up to eps·1100/2 ≈ 1.2e-13, i.e. ≈ 2.4e-13 relative per weight after /T ≥ 0.5;
    # |z/T| ≤ 400 keeps every weight far from underflow, so rtol=1e-9 is safe yet meaningful.
    assert_allclose(softmax(z + c, temperature), softmax(z, temperature), rtol=1e-9, atol=0)


@prop
@given(wide_logits, temperatures)
def test_softmax_is_a_distribution_with_bounded_entropy(z, temperature):
    q = softmax(z, temperature)
    assert q.dtype == np.float64
    assert abs(q.sum() - 1) <= 1e-12
    assert ((q >= 0) & (q <= 1)).all()
    assert_array_equal(q[np.isneginf(z)], 0.0)
    assert 0 <= entropy(q) <= math.log(np.isfinite(z).sum()) + 1e-12


@prop
@given(wide_logits, temperatures)
def test_softmax_preserves_order(z, temperature):
    q = softmax(z, temperature)
    assert q[np.argmax(z)] == q.max()
    greater = z[:, None] > z[None, :]
    assert (q[:, None] >= q[None, :])[greater].all()


@prop
@given(logits(), st.lists(temperatures, min_size=2, max_size=6))
def test_entropy_is_non_decreasing_in_temperature(z, temps):
    h = [entropy(softmax(z, t)) for t in sorted(temps)]
    assert (np.diff(h) >= -1e-12).all()


@prop
@given(wide_logits, temperatures)
def test_exp_log_softmax_is_softmax(z, temperature):
    q = softmax(z, temperature)
    assert_allclose(np.exp(log_softmax(z, temperature)), q, rtol=1e-12, atol=TINY)


def test_entropy_units():
    assert_allclose(entropy([0.5, 0.5]), math.log(2), rtol=1e-15)
    assert entropy([0.5, 0.5], base=2) == pytest.approx(1, rel=1e-15)
    assert entropy([0.25] * 4, base=2) == pytest.approx(2, rel=1e-15)
    assert entropy([1.0, 0.0, 0.0]) == 0.0  # 0·log 0 = 0, exactly
    assert np.ndim(entropy([0.2, 0.8])) == 0


@prop
@given(probs, st.sampled_from([None, 2, 10, math.e]))
def test_entropy_matches_scipy(p, base):
    expected = scipy.stats.entropy(p, base=base)
    assert_allclose(entropy(p, base=base), expected, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("func", [entropy, probs_to_logits])
@pytest.mark.parametrize(
    ("p", "match"),
    [
        ([-0.25, 1.25], "≥ 0"),
        ([math.nan, 1.0], "finite"),
        ([0.5, INF], "finite"),
        ([0.5, 0.6], "sum to 1"),
        ([1.1], "sum to 1"),
    ],
)
def test_bad_probabilities_raise_value_error(func, p, match):
    with pytest.raises(ValueError, match=match):
        func(p)


@pytest.mark.parametrize("base", [1, 0, -2, INF])
def test_entropy_rejects_invalid_base(base):
    with pytest.raises(ValueError, match="base"):
        entropy([0.5, 0.5], base=base)


def test_probs_to_logits_is_log_with_masked_zeros():
    assert_array_equal(probs_to_logits([0.25, 0.75, 0.0]), [math.log(0.25), math.log(0.75), -INF])


@prop
@given(probs)
def test_probs_to_logits_round_trips_through_softmax(p):
    assert_allclose(softmax(probs_to_logits(p)), p, rtol=1e-12, atol=TINY)


@pytest.mark.parametrize(("temperature", "rounded"), [(0.5, [0.1, 0.9]), (5.0, [0.445, 0.555])])
def test_probs_to_logits_classic_example(temperature, rounded):
    # softmax(log p / T) = p^(1/T) / Σ p^(1/T): at T = 0.5, [1/16, 9/16] / (10/16) = [0.1, 0.9].
    w = np.array([0.25, 0.75]) ** (1 / temperature)
    q = softmax(probs_to_logits([0.25, 0.75]), temperature)
    assert_allclose(q, w / w.sum(), rtol=1e-14)
    assert_array_equal(q.round(3), rounded)


@prop
@given(logit_pairs)
def test_kl_divergence_matches_scipy_and_is_non_negative(pair):
    p, q = map(softmax, pair)
    kl = kl_divergence(p, q)
    assert kl >= 0
    assert_allclose(kl, scipy.special.rel_entr(p, q).sum(), rtol=1e-9, atol=1e-12)


def test_kl_divergence_special_values():
    p = [0.2, 0.3, 0.5]
    assert kl_divergence(p, p) == 0.0
    assert kl_divergence([0.5, 0.5], [1.0, 0.0]) == INF
    assert_allclose(kl_divergence([1.0, 0.0], [0.5, 0.5]), math.log(2), rtol=1e-15)
    with pytest.raises(ValueError, match="same shape"):
        kl_divergence([0.5, 0.5], [0.2, 0.3, 0.5])


def test_total_variation_values():
    assert_allclose(total_variation([0.2, 0.3, 0.5], [0.5, 0.3, 0.2]), 0.3, rtol=1e-15)
    assert total_variation([1.0, 0.0], [0.0, 1.0]) == 1.0
    assert total_variation([0.5, 0.5, 0.0, 0.0], [0.0, 0.0, 0.3, 0.7]) == 1.0
    with pytest.raises(ValueError, match="same shape"):
        total_variation([1.0], [0.5, 0.5])


@prop
@given(logit_pairs)
def test_total_variation_is_a_symmetric_distance_in_unit_interval(pair):
    p, q = map(softmax, pair)
    tv = total_variation(p, q)
    assert 0 <= tv <= 1
    assert tv == total_variation(q, p)
    assert tv == pytest.approx(0.5 * np.abs(p - q).sum(), rel=1e-15)
    assert total_variation(p, p) == 0.0


@settings(max_examples=300, deadline=None)
@given(
    hnp.arrays(
        np.float64,
        st.tuples(st.integers(1, 4), st.integers(1, 6)),
        elements=st.floats(-1e300, 1e300) | st.floats(-10, 10),
    ),
    st.floats(1e-300, 1e300),
)
def test_the_fast_path_gives_the_checked_paths_numbers_bit_for_bit(z, temperature):
    """softmax skips its checks when no logit can overflow; the numbers must not change."""
    with np.errstate(all="ignore"):
        weights = np.exp(_scaled_shifted(z, temperature, -1))
        expected = weights / weights.sum(axis=-1, keepdims=True)
        expected_log = _scaled_shifted(z, temperature, -1)
        expected_log = expected_log - np.log(np.exp(expected_log).sum(axis=-1, keepdims=True))
    np.testing.assert_array_equal(softmax(z, temperature), expected)
    np.testing.assert_array_equal(log_softmax(z, temperature), expected_log)


def test_rows_far_apart_in_one_batch_still_come_out_right():
    """The fast path's test is on the whole array's spread: rows at ±1e308 must not fool it."""
    z = np.array([[1e308, 0.5e308], [-1e308, -0.5e308]])  # each row spans 0.5e308, both 2e308
    expected = scipy.special.softmax(np.array([[0.0, -1.0], [-1.0, 0.0]]), axis=-1)
    np.testing.assert_allclose(softmax(z, 0.5e308), expected, rtol=1e-15)
    np.testing.assert_allclose(np.exp(log_softmax(z, 0.5e308)), expected, rtol=1e-15)
