"""The Explorer's domain model, checked against scipy and closed forms."""

import math

import numpy as np
import pytest
import scipy.special
import scipy.stats
from hypothesis import given, settings
from hypothesis import strategies as st

from explorer.core import softmax
from explorer.temperature import (
    CURVE_RANGE,
    MAX_CURVE_POINTS,
    TEMPERATURE_STOPS,
    compare,
    describe,
    live_formula,
    nearest_stop,
    step_table,
    summarize,
    sweep_frames,
    temperature_curves,
)

logit_lists = st.lists(st.floats(-30, 30), min_size=2, max_size=12)


def oracle(logits, temperature):
    return scipy.special.softmax(np.asarray(logits, float) / temperature)


def test_slider_stops_span_greedy_to_100_on_a_log_scale():
    stops = np.array(TEMPERATURE_STOPS)
    assert stops[0] == 0 and stops[1] == 0.01 and stops[-1] == 100
    ratios = stops[2:] / stops[1:-1]
    assert (ratios > 1).all() and ratios.max() <= 1.34  # every step ≤ 34 %: fine control
    for teacher_value in (0.1, 0.5, 0.7, 1.0, 1.5, 2.0, 5.0, 10.0):
        assert teacher_value in TEMPERATURE_STOPS


@pytest.mark.parametrize(
    ("temperature", "stop"), [(0, 0), (1e-9, 0.01), (0.73, 0.7), (1.0, 1.0), (1.1, 1.2), (1e9, 100)]
)
def test_nearest_stop_is_nearest_in_log_temperature(temperature, stop):
    assert nearest_stop(temperature) == stop


@settings(max_examples=60, deadline=None)
@given(logit_lists)
def test_curves_match_softmax_and_reach_both_limits(logits):
    curves = temperature_curves(logits)
    assert curves.temperatures[0] == pytest.approx(CURVE_RANGE[0])
    assert curves.temperatures[-1] == pytest.approx(CURVE_RANGE[1])
    for k in (0, 57, 199):
        np.testing.assert_allclose(
            curves.probs[k], oracle(logits, curves.temperatures[k]), rtol=1e-9, atol=1e-300
        )
    np.testing.assert_allclose(
        curves.entropy_nats, scipy.stats.entropy(curves.probs, axis=1), atol=1e-12
    )
    assert (np.diff(curves.entropy_nats) >= -1e-12).all()  # entropy never falls as T rises
    np.testing.assert_array_equal(curves.uniform, np.full(len(logits), 1 / len(logits)))
    assert curves.max_entropy == pytest.approx(math.log(len(logits)))
    top = np.flatnonzero(np.asarray(logits) == max(logits))
    assert curves.greedy[top] == pytest.approx(np.full(len(top), 1 / len(top)))


extreme_logit_lists = st.lists(
    st.one_of(
        st.floats(-1e308, 1e308, allow_nan=False, allow_subnormal=True),
        st.just(-math.inf),
        st.sampled_from([1e300, -1e300, 5e-324, 0.0, -0.0]),
    ),
    min_size=1,
    max_size=12,
).filter(lambda z: any(math.isfinite(v) for v in z))
temperature_grids = st.lists(st.floats(1e-300, 1e300, allow_nan=False), min_size=1, max_size=8).map(
    np.array
)


@settings(max_examples=300, deadline=None)
@given(extreme_logit_lists, st.one_of(st.none(), temperature_grids))
def test_curves_are_bit_for_bit_the_per_temperature_softmax(logits, temperatures):
    # Oracle: the per-temperature loop the one-pass computation replaces (core.softmax at each
    # T, itself checked against scipy and mpmath in tests/test_core.py), at every extreme.
    curves = temperature_curves(logits, temperatures)
    expected = np.stack([softmax(logits, t) for t in curves.temperatures])
    np.testing.assert_array_equal(curves.probs, expected)


@pytest.mark.parametrize("grid", [[0.0, 1.0], [1.0, math.inf], [0.5, 2.0]])
@pytest.mark.parametrize("logits", [[1e308, -1e308, 0.0], [2.0, -math.inf, 1.0]])
def test_curves_at_the_limits_and_across_the_float_range(grid, logits):
    curves = temperature_curves(logits, grid)
    np.testing.assert_array_equal(curves.probs, [softmax(logits, t) for t in grid])
    assert np.isfinite(curves.probs).all()


def test_curves_with_a_masked_class():
    curves = temperature_curves([1.0, -math.inf, 0.0])
    assert (curves.probs[:, 1] == 0).all()
    np.testing.assert_array_equal(curves.uniform, [0.5, 0, 0.5])
    assert curves.max_entropy == pytest.approx(math.log(2))


def test_step_table_has_the_teachers_board_numbers():
    # exp(6) ≈ 403.4 vs exp(3) ≈ 20.09; at T = 1.5 the exponents become 4 and 2: 54.6 vs 7.39.
    at_1 = step_table([6.0, 3.0], 1.0)
    np.testing.assert_allclose(at_1["exp(z/T)"], [math.exp(6), math.exp(3)])
    at_15 = step_table([6.0, 3.0], 1.5)
    np.testing.assert_allclose(at_15["z/T"], [4, 2])
    np.testing.assert_allclose(at_15["exp(z/T)"], [54.59815, 7.389056], rtol=1e-6)
    np.testing.assert_allclose(at_15["z/T − max"], [0, -2])
    np.testing.assert_allclose(at_15["exp(z/T − max)"], [1, math.exp(-2)])
    np.testing.assert_allclose(at_15["probability"], oracle([6, 3], 1.5))


def test_step_table_shows_why_the_max_is_subtracted():
    table = step_table([1000.0, 999.0], 1.0)
    assert np.isinf(table["exp(z/T)"]).all()  # the naive numerator overflows …
    np.testing.assert_allclose(table["exp(z/T − max)"], [1, math.exp(-1)])  # … the stable one not
    np.testing.assert_allclose(table["probability"], scipy.special.softmax([1, 0]))


def test_step_table_limits_and_masks():
    greedy = step_table([2.0, 1.0], 0.0)
    assert np.isnan(greedy["z/T"]).all() and list(greedy["probability"]) == [1, 0]
    masked = step_table([2.0, 1.0, -math.inf], math.inf)
    np.testing.assert_array_equal(masked["z/T"], [0, 0, -math.inf])
    np.testing.assert_array_equal(masked["probability"], [0.5, 0.5, 0])
    assert not np.signbit(masked["z/T − max"][:2]).any()  # no "-0" on the board


@settings(max_examples=100, deadline=None)
@given(logit_lists, st.floats(0.01, 100))
def test_summary_matches_scipy(logits, temperature):
    probs = oracle(logits, temperature)
    summary = summarize(probs)
    assert summary.entropy_nats == pytest.approx(scipy.stats.entropy(probs), abs=1e-12)
    assert summary.entropy_bits == pytest.approx(scipy.stats.entropy(probs, base=2), abs=1e-12)
    assert summary.perplexity == pytest.approx(math.exp(scipy.stats.entropy(probs)), rel=1e-12)
    assert 1 - 1e-12 <= summary.perplexity <= len(logits) + 1e-9
    assert summary.top_probability == probs.max() and summary.top_index == probs.argmax()


@settings(max_examples=100, deadline=None)
@given(logit_lists, st.floats(0.05, 20), st.floats(0.05, 20))
def test_compare_matches_scipy(logits, temperature_a, temperature_b):
    result = compare(logits, temperature_a, temperature_b)
    p, q = oracle(logits, temperature_a), oracle(logits, temperature_b)
    assert result.kl_ab == pytest.approx(scipy.special.rel_entr(p, q).sum(), abs=1e-10)
    assert result.kl_ba == pytest.approx(scipy.special.rel_entr(q, p).sum(), abs=1e-10)
    assert result.total_variation == pytest.approx(0.5 * np.abs(p - q).sum(), abs=1e-12)


def test_compare_with_greedy_is_infinite_one_way():
    result = compare([2.0, 1.0], 0.0, 1.0)
    assert result.kl_ab == pytest.approx(-math.log(scipy.special.softmax([2, 1])[0]))
    assert result.kl_ba == math.inf


@pytest.mark.parametrize(
    ("temperature", "phrase"),
    [(0, "greedy"), (0.5, "sharpens"), (1, "plain softmax"), (2, "softens"), (math.inf, "∞")],
)
def test_describe_says_what_temperature_does(temperature, phrase):
    probs = oracle([2, 1, 0.1], 1) if 0 < temperature < math.inf else np.array([1.0, 0, 0])
    assert phrase in describe(temperature, summarize(probs), 3)


def test_live_formula_fills_in_the_numbers_and_no_user_text():
    formula = live_formula([2.0, 1.0, 0.1], 0.5)
    assert r"\frac{e^{2/0.5}}{e^{2/0.5} + e^{1/0.5} + e^{0.1/0.5}}" in formula
    assert formula.endswith(rf"\\ &= {oracle([2, 1, 0.1], 0.5)[0]:.4g} \end{{aligned}}")
    long = live_formula(list(range(12)), 1.0)
    assert r"\cdots" in long and long.count("e^{") == 5  # numerator + 4 terms
    assert "greedy" in live_formula([1.0, 2.0], 0) and r"\infty" in live_formula(
        [1.0, 2.0], math.inf
    )


def test_sweep_frames_cover_the_curve_range():
    temps, probs, summaries = sweep_frames([2.0, 1.0, 0.1], count=41)
    assert probs.shape == (41, 3) and len(summaries) == 41
    assert temps[0] == pytest.approx(0.01) and temps[-1] == pytest.approx(100)
    np.testing.assert_allclose(probs[20], oracle([2, 1, 0.1], temps[20]))


@pytest.mark.parametrize("temperature", [0.0, 0.5, math.inf])
def test_live_formula_is_clean_latex(temperature):
    # Regression: a "\t" written through a plain string turned \text into a TAB + "ext".
    formula = live_formula([2.0, 1.0], temperature)
    assert not any(ord(char) < 32 for char in formula)
    assert formula.count("{") == formula.count("}")
    if temperature == 0:
        assert r"\text{(greedy" in formula


@pytest.mark.parametrize(
    ("logits", "temperatures", "name"),
    [
        (np.zeros((2, 2)), None, "logits"),  # was "only length-1 arrays can be converted"
        ([0.0, 1.0], [], "temperatures"),  # was np.stack of nothing
        ([0.0, 1.0], [[1.0, 2.0], [3.0]], "temperatures"),  # ragged
        ([0.0, 1.0], [[1.0, 2.0]], "temperatures"),  # 2-D
        ([0.0, 1.0], 1.0, "temperatures"),  # 0-d
        ([0.0, 1.0], [1j], "temperatures"),
        ([0.0, 1.0], [10**400], "temperatures"),
        ([0.0, 1.0], [np.longdouble("1e4000")], "temperatures"),  # was an overflow warning
        ([0.0, 1.0], [-1.0], "temperatures"),
        ([0.0, 1.0], [math.nan], "temperatures"),
        ([0.0, 1.0], np.ones(MAX_CURVE_POINTS + 1), "temperatures"),
    ],
)
def test_temperature_curves_refuses_bad_input_by_name(logits, temperatures, name):
    with pytest.raises((TypeError, ValueError), match=name):
        temperature_curves(logits, temperatures)


def test_temperature_curves_takes_any_temperature_list_up_to_the_cap():
    temps = [0.0, 0.5, math.inf] * (MAX_CURVE_POINTS // 3)
    curves = temperature_curves([1.0, 0.0], temps)
    assert curves.probs.shape == (len(temps), 2)
    np.testing.assert_allclose(curves.probs[1], oracle([1.0, 0.0], 0.5), rtol=1e-15)
    assert curves.probs[0].tolist() == [1.0, 0.0] and curves.probs[2].tolist() == [0.5, 0.5]
