"""The quiz's questions: every claimed right answer checked against an independent oracle.

Oracles are scipy (``scipy.special.softmax`` of z / T, ``scipy.stats.entropy``) and closed forms
(q(T/2) ∝ q(T)², 1/n for equal logits, one-hot at T → 0, 1/(number of finite logits) at T = ∞),
never explorer.core, which computed the reveals. Wrong choices are checked to be wrong too.
Hypothesis checks that each answer is a law, not a coincidence of the example's numbers.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
import scipy.special
import scipy.stats
from hypothesis import given
from hypothesis import strategies as st

from explorer import quiz_charts
from explorer.charts import CURRENT, REFERENCE, SECOND
from explorer.quiz import (
    KEYS,
    MAX_CHOICES,
    MIN_CHOICES,
    QUESTIONS,
    is_right,
    listing,
    number,
    question,
)

ISSUE_QUESTIONS = ("halve", "shift", "zero", "equal", "top")  # the five the issue asks for


def oracle(logits, temperature: float) -> np.ndarray:
    """softmax(z / T) by scipy for 0 < T < ∞; the closed-form limits at T = 0 and T = ∞."""
    z = np.asarray(logits, dtype=float)
    finite = np.isfinite(z)
    if temperature == 0:
        top = z == z.max()
        return top / top.sum()
    if math.isinf(temperature):
        return finite / finite.sum()
    return scipy.special.softmax(z / temperature)


def right(key: str) -> str:
    item = question(key)
    return item.choices[item.answer]


def panel_probs(key: str, index: int) -> np.ndarray:
    return np.array(question(key).panels[index].probs)


def three(values) -> str:
    return f"{values:.3f}"


distinct_logits = st.lists(st.integers(-1000, 1000), min_size=2, max_size=12, unique=True).map(
    lambda ints: np.array(ints, dtype=float) / 100
)  # two logits differ by ≥ 0.01
temperatures = st.floats(0.01, 100)


# --- every question ------------------------------------------------------------------------------


def test_the_issue_questions_are_there_and_keys_are_link_safe():
    assert set(ISSUE_QUESTIONS) <= set(KEYS)
    assert 7 <= len(QUESTIONS) <= 9
    assert len(set(KEYS)) == len(KEYS)
    assert all(re.fullmatch(r"[a-z]{2,12}", key) for key in KEYS)
    assert len({q.title for q in QUESTIONS}) == len(QUESTIONS)


@pytest.mark.parametrize("key", KEYS)
def test_each_question_has_one_right_answer_among_distinct_choices(key):
    item = question(key)
    assert MIN_CHOICES <= len(item.choices) <= MAX_CHOICES
    assert len(set(item.choices)) == len(item.choices)
    assert [is_right(item, i) for i in range(len(item.choices))].count(True) == 1
    assert item.setup and item.prompt.endswith("?") and item.explanation and item.takeaway


@pytest.mark.parametrize("key", KEYS)
def test_every_panel_is_scipy_softmax_at_its_temperature(key):
    item = question(key)
    assert 2 <= len(item.panels) <= len(quiz_charts.PANEL_COLORS)
    assert len({panel.name for panel in item.panels}) == len(item.panels)
    for panel in item.panels:
        assert len(panel.logits) == len(item.labels) == len(panel.probs)
        expected = oracle(panel.logits, panel.temperature)
        np.testing.assert_allclose(panel.probs, expected, rtol=1e-13, atol=1e-15)
        assert math.isclose(panel.entropy, scipy.stats.entropy(expected), abs_tol=1e-13)


@pytest.mark.parametrize("key", KEYS)
def test_the_setup_states_the_logits_and_the_first_panel_is_the_setup(key):
    item = question(key)
    first = item.panels[0]
    assert listing(item.labels, first.logits) in item.setup
    if "probabilities" in item.setup:  # stated probabilities are the oracle's, to 3 decimals
        stated = listing(item.labels, oracle(first.logits, first.temperature), 3)
        assert stated in item.setup


def test_n_finite_counts_the_unmasked_classes():
    assert question("masked").n_finite == 3
    assert question("equal").n_finite == 4


# --- T halves: q(T/2) ∝ q(T)² --------------------------------------------------------------------


def test_halving_t_squares_and_renormalises():
    z = np.array(question("halve").panels[0].logits)
    q = scipy.special.softmax(z)
    squared = q**2 / (q**2).sum()
    np.testing.assert_allclose(scipy.special.softmax(z / 0.5), squared, rtol=1e-14)
    np.testing.assert_allclose(panel_probs("halve", 1), squared, rtol=1e-14)
    assert "squared" in right("halve")
    explanation = question("halve").explanation
    assert all(three(p) in explanation for p in (q**2)) and three((q**2).sum()) in explanation


def test_halving_t_refutes_the_wrong_choices():
    z = np.array(question("halve").panels[0].logits)
    q, half = scipy.special.softmax(z), scipy.special.softmax(z / 0.5)
    assert not np.allclose(half, (q + 1 / 3) / 2)  # not halfway toward uniform
    assert not np.isclose(half[1], 2 * q[1])  # dog's does not double
    assert not np.allclose(half, q)  # something changes
    assert half[0] > q[0] and half[1] < q[1] and half[2] < q[2]  # cat gains, the others lose


@given(distinct_logits, temperatures)
def test_halving_any_temperature_squares_the_probabilities(z, temperature):
    q = scipy.special.softmax(z / temperature)
    squared = q**2 / (q**2).sum()
    half = scipy.special.softmax(z / (temperature / 2))
    np.testing.assert_allclose(half, squared, rtol=1e-9, atol=1e-300)


# --- adding 5 to every logit changes nothing -----------------------------------------------------


def test_adding_five_leaves_the_probabilities_unchanged():
    z = np.array(question("shift").panels[0].logits)
    assert np.array_equal(question("shift").panels[1].logits, z + 5)
    assert np.abs(scipy.special.softmax(z + 5) - scipy.special.softmax(z)).max() <= 1e-15
    assert np.abs(panel_probs("shift", 1) - panel_probs("shift", 0)).max() <= 1e-15
    assert right("shift").startswith("Nothing")
    assert "bit for bit" in question("shift").explanation  # core subtracts the max: exact


@given(distinct_logits, st.floats(-1000, 1000), temperatures)
def test_any_shift_leaves_the_probabilities_unchanged(z, shift, temperature):
    before = scipy.special.softmax(z / temperature)
    after = scipy.special.softmax((z + shift) / temperature)
    np.testing.assert_allclose(after, before, rtol=1e-9, atol=1e-300)


# --- T → 0 puts everything on the largest logit --------------------------------------------------


def test_t_to_zero_puts_everything_on_the_largest_logit():
    item = question("zero")
    z = np.array(item.panels[0].logits)
    winner = item.labels[int(np.argmax(z))]
    cold = scipy.special.softmax(z / 1e-3)
    assert cold[np.argmax(z)] == 1.0 and np.delete(cold, np.argmax(z)).max() < 1e-100
    assert item.panels[-1].temperature == 0
    assert panel_probs("zero", -1).tolist() == [1.0, 0.0, 0.0]
    assert right("zero") == f"All of it on {winner}, the largest logit."
    # Not in proportion to the logits, not uniform:
    assert not np.allclose(cold, z / z.sum()) and not np.allclose(cold, 1 / 3)
    assert three(scipy.special.softmax(z / 0.1)[0]) in item.explanation


@given(distinct_logits)
def test_any_distinct_logits_go_one_hot_as_t_falls(z):
    gap = np.diff(np.sort(z))[-1]  # the lead of the largest logit
    cold = scipy.special.softmax(z / (gap / 100))  # others are e^(-100) ≈ 4e-44 of it or less
    assert np.delete(cold, np.argmax(z)).max() < 1e-43
    assert cold[np.argmax(z)] == 1.0  # 1 − 11 × 4e-44 rounds to 1


# --- equal logits are uniform at every T ---------------------------------------------------------


def test_equal_logits_give_one_quarter_at_every_temperature():
    item = question("equal")
    z = np.array(item.panels[0].logits)
    for temperature in (0.2, 1.0, 5.0, 1e-3, 1e3):
        np.testing.assert_array_equal(scipy.special.softmax(z / temperature), 0.25)
    for panel in item.panels:
        assert panel.probs == (0.25,) * 4
    assert item.prompt.endswith("at T = 0.2?") and item.panels[0].temperature == 0.2
    assert right("equal").startswith("0.25")


@given(st.floats(-1000, 1000), st.integers(2, 12), st.floats(1e-3, 1e3))
def test_any_equal_logits_are_uniform(value, n, temperature):
    probs = scipy.special.softmax(np.full(n, value) / temperature)
    np.testing.assert_allclose(probs, 1 / n, rtol=1e-15)


# --- temperature never changes the top class -----------------------------------------------------


def test_the_top_class_is_the_same_at_every_temperature():
    item = question("top")
    z = np.array(item.panels[0].logits)
    tops = {int(np.argmax(scipy.special.softmax(z / t))) for t in (0.01, 0.1, 1, 10, 100)}
    assert tops == {int(np.argmax(z))}
    top = item.labels[int(np.argmax(z))]
    assert right("top").startswith(f"{top},")
    hot = scipy.special.softmax(z / 10)
    assert hot.max() - hot.min() > 0.05  # "all four exactly equal" is wrong at T = 10
    assert three(hot[1] - hot[2]) in item.explanation


@given(distinct_logits, temperatures)
def test_any_positive_temperature_keeps_the_argmax(z, temperature):
    assert np.argmax(scipy.special.softmax(z / temperature)) == np.argmax(z)


# --- T doubles: the entropy grows, by less than double -------------------------------------------


def test_doubling_t_raises_the_entropy_by_less_than_double():
    item = question("entropy")
    z = np.array(item.panels[0].logits)
    h1 = scipy.stats.entropy(scipy.special.softmax(z))
    h2 = scipy.stats.entropy(scipy.special.softmax(z / 2))
    assert h1 < h2 < 2 * h1
    assert 2 * h1 > math.log(3)  # the explanation's argument: doubling would pass the ceiling
    assert right("entropy") == "It grows, but by less than double."
    for claim in (three(h2), three(math.log(3)), three(2 * h1), f"{h2 / h1:.2f}"):
        assert claim in item.explanation
    # "From a very sharp start it can more than double": T = 0.25 → 0.5.
    h_quarter = scipy.stats.entropy(scipy.special.softmax(z / 0.25))
    h_half = scipy.stats.entropy(scipy.special.softmax(z / 0.5))
    assert h_half > 2 * h_quarter
    assert three(h_quarter) in item.explanation and three(h_half) in item.explanation


@given(distinct_logits, temperatures)
def test_entropy_never_falls_as_t_doubles_and_stays_below_ln_n(z, temperature):
    h = scipy.stats.entropy(scipy.special.softmax(z / temperature))
    h_doubled = scipy.stats.entropy(scipy.special.softmax(z / (2 * temperature)))
    assert h_doubled >= h - 1e-12
    assert h_doubled <= math.log(len(z)) + 1e-12


# --- a masked class stays at 0, even at T = ∞ ----------------------------------------------------


def test_a_masked_class_stays_at_zero_and_the_rest_share_evenly():
    item = question("masked")
    z = np.array(item.panels[0].logits)
    masked = int(np.flatnonzero(np.isneginf(z))[0])
    assert item.labels[masked] == "eel" and item.panels[-1].temperature == math.inf
    for temperature in (1.0, 1e3, 1e6, 1e12):
        probs = scipy.special.softmax(z / temperature)
        assert probs[masked] == 0.0
    far = scipy.special.softmax(z / 1e12)
    np.testing.assert_allclose(np.delete(far, masked), 1 / 3, rtol=1e-11)
    np.testing.assert_allclose(panel_probs("masked", -1), [1 / 3, 1 / 3, 0, 1 / 3], rtol=1e-15)
    assert right("masked") == "0, and the other three get 1/3 each."


# --- doubling the logits is halving T ------------------------------------------------------------


def test_doubling_the_logits_is_exactly_halving_t():
    item = question("scale")
    z = np.array(item.panels[0].logits)
    np.testing.assert_allclose(
        scipy.special.softmax(2 * z), scipy.special.softmax(z / 0.5), rtol=1e-15
    )
    assert panel_probs("scale", 1).tolist() == panel_probs("scale", 2).tolist()
    assert not np.allclose(panel_probs("scale", 1), panel_probs("scale", 0))  # sharper, though
    assert right("scale").startswith("Neither")


@given(distinct_logits, st.floats(0.1, 10), temperatures)
def test_scaling_the_logits_by_c_is_dividing_t_by_c(z, factor, temperature):
    np.testing.assert_allclose(
        scipy.special.softmax(factor * z / temperature),
        scipy.special.softmax(z / (temperature / factor)),
        rtol=1e-9,
        atol=1e-300,
    )


# --- formatting ----------------------------------------------------------------------------------


def test_numbers_are_written_as_a_learner_writes_them():
    assert [number(v) for v in (2.0, -1.0, 0.1, 1e6, -math.inf)] == [
        "2",
        "−1",
        "0.1",
        "1e+06",
        "−∞",
    ]
    assert listing(["a", "b"], [-math.inf, 1.5]) == "a −∞, b 1.5"
    with pytest.raises(ValueError):
        listing(["a"], [1.0, 2.0])


def test_unknown_question_is_a_value_error_naming_the_key():
    with pytest.raises(ValueError, match="key must name a question"):
        question("nope")


# --- the chart -----------------------------------------------------------------------------------


def test_panel_bars_draws_one_group_per_panel_and_the_uniform_level():
    item = question("top")
    fig = quiz_charts.panel_bars(
        item.labels, [p.name for p in item.panels], [p.probs for p in item.panels], 4
    )
    *bars, legend_entry = fig.data
    assert [trace.name for trace in bars] == ["T = 1", "T = 10", "T = 0.1"]
    assert [trace.marker.color for trace in bars] == [REFERENCE, CURRENT, SECOND]
    for trace, panel in zip(bars, item.panels, strict=True):
        assert trace.type == "bar" and list(trace.x) == list(item.labels)
        np.testing.assert_array_equal(trace.y, panel.probs)
    (line,) = fig.layout.shapes
    assert line.y0 == line.y1 == 0.25 and line.line.dash == "dot"
    assert legend_entry.name == "uniform 1/4" and legend_entry.line.dash == "dot"
    assert list(legend_entry.y) == [None] and not fig.layout.annotations
    assert tuple(fig.layout.yaxis.range) == (0, 1.12)


def test_panel_bars_escapes_labels_and_refuses_mismatched_panels():
    fig = quiz_charts.panel_bars(["<b>x</b>", "y"], ["T = 1"], [[0.5, 0.5]], 2)
    assert fig.data[0].x[0] == "&lt;b&gt;x&lt;/b&gt;"
    with pytest.raises(ValueError):
        quiz_charts.panel_bars(["a", "b"], ["T = 1", "T = 2"], [[0.5, 0.5]], 2)
    with pytest.raises(ValueError):
        quiz_charts.panel_bars(["a", "b"], ["1", "2", "3", "4", "5"], [[1, 0]] * 5, 2)
