"""Presets, "try this" prompts and the misconceptions: every preset is what typing it would give,
fits the caps, survives a link, and every number its caption claims is true.

Expected numbers come from scipy.special.softmax (T = 0 written out here), never from the app.
"""

from __future__ import annotations

import math
import re
from dataclasses import replace

import numpy as np
import pytest
import scipy.special
from hypothesis import given
from hypothesis import strategies as st

from explorer import presets
from explorer.core import softmax
from explorer.presets import PRESETS, apply_preset, matching, try_this
from explorer.state import (
    MAX_CLASSES,
    MAX_LABEL_CHARS,
    MAX_TEMPERATURE,
    MIN_CLASSES,
    VIEWS,
    ExplorerState,
    format_numbers,
    from_query,
    parse_labels,
    parse_logits,
    parse_probabilities,
    to_query,
    values_text,
)

NAMES = list(PRESETS)
ELSEWHERE = ExplorerState(
    logits=(0.0, 5.0), labels=("x", "y"), temperature=3.0, compare_temperature=0.5,
    view="logprob", digit=7,
)  # fmt: skip


def oracle(logits, temperature: float) -> np.ndarray:
    z = np.asarray(logits, dtype=float)
    if temperature == 0:
        top = (z == z.max()).astype(float)
        return top / top.sum()
    finite = np.isfinite(z)
    probs = np.zeros_like(z)
    probs[finite] = scipy.special.softmax(z[finite] / temperature)
    return probs


def loaded(name: str) -> ExplorerState:
    return apply_preset(ELSEWHERE, name)


def probability(name: str, temperature: float, label: str) -> float:
    state = loaded(name)
    return float(oracle(state.logits, temperature)[state.labels.index(label)])


# --- every preset is valid input --------------------------------------------------------------


def test_there_are_the_examples_a_teacher_asked_for():
    assert len(PRESETS) >= 8
    assert all(name == preset.name for name, preset in PRESETS.items())
    modes = {preset.input_mode for preset in PRESETS.values()}
    assert modes == {"logits", "probabilities"}
    assert any(-math.inf in preset.values for preset in PRESETS.values())  # a masked token


@pytest.mark.parametrize("name", NAMES)
def test_a_preset_fits_the_caps_and_the_state_parsers(name):
    preset, state = PRESETS[name], loaded(name)
    assert MIN_CLASSES <= len(state.logits) <= MAX_CLASSES
    assert len(preset.labels) == len(preset.values) == len(state.labels)
    assert all(0 < len(label) <= MAX_LABEL_CHARS and "," not in label for label in preset.labels)
    assert state.labels == preset.labels  # kept as written: none cut or replaced
    assert parse_labels(", ".join(state.labels), len(state.logits)) == state.labels
    if preset.input_mode == "probabilities":
        np.testing.assert_allclose(np.exp(state.logits), preset.values, rtol=1e-15)
    else:
        assert state.logits == preset.values
        assert parse_logits(format_numbers(state.logits)) == state.logits
    assert 0 <= state.temperature <= MAX_TEMPERATURE
    assert state.view in VIEWS
    assert preset.notice and "\n" not in preset.notice and len(preset.notice) < 300


@pytest.mark.parametrize("name", NAMES)
def test_a_preset_survives_a_link_and_the_page_fields(name):
    state = loaded(name)
    again, notices = from_query(to_query(state))
    assert notices == []
    assert again == state
    # What the page puts in the values field reads back as the same logits (a fixed point).
    text = values_text(state)
    if state.input_mode == "probabilities":
        assert parse_probabilities(text) == (state.logits, None)
    else:
        assert parse_logits(text) == state.logits


@pytest.mark.parametrize("name", NAMES)
def test_a_preset_is_recognised_wherever_it_was_loaded_from(name):
    assert matching(loaded(name)) is PRESETS[name]
    assert matching(replace(loaded(name), temperature=42.0, view="sweep")) is PRESETS[name]
    assert matching(apply_preset(ExplorerState(), name)) is PRESETS[name]


def test_apply_preset_sets_only_what_the_preset_says():
    state = loaded("All equal")  # sets neither T nor the view
    assert state.temperature == ELSEWHERE.temperature and state.view == ELSEWHERE.view
    assert state.compare_temperature == ELSEWHERE.compare_temperature
    assert state.digit is None  # no longer the digits model's logits
    steps = loaded("e⁶ vs e³")
    assert (steps.temperature, steps.view) == (1.5, "steps")
    assert loaded("Tie at the top").temperature == 0.0


def test_an_edited_state_is_no_preset_and_an_unknown_name_is_refused():
    assert matching(ELSEWHERE) is None
    nudged = loaded("Ambiguous")
    assert matching(replace(nudged, logits=(2.1, 2.0, 1.8999999999999997))) is None
    assert matching(replace(nudged, labels=("cat", "fox", "wolf"))) is None
    with pytest.raises(ValueError, match="name must be one of the examples"):
        apply_preset(ELSEWHERE, "no such example")


# --- what the captions claim --------------------------------------------------------------------

# (preset, T, label, the text its caption shows for that probability)
CLAIMS = [
    ("2, 1, 0.1", 1.0, "A", "0.659"),
    ("2, 1, 0.1", 1.0, "B", "0.242"),
    ("2, 1, 0.1", 1.0, "C", "0.099"),
    ("0.25 / 0.75", 2.0, "heads", "0.366"),
    ("0.25 / 0.75", 2.0, "tails", "0.634"),
    ("0.25 / 0.75", 0.5, "heads", "0.1"),
    ("0.25 / 0.75", 0.5, "tails", "0.9"),
    ("e⁶ vs e³", 1.5, "A", "0.881"),
    ("e⁶ vs e³", 1.0, "A", "0.953"),
    ("Confident", 1.0, "cat", "0.998"),
    ("Confident", 2.0, "cat", "0.933"),
    ("Confident", 5.0, "cat", "0.598"),
    ("Ambiguous", 1.0, "cat", "0.367"),
    ("Ambiguous", 0.1, "cat", "0.665"),
    ("All equal", 1.0, "A", "0.25"),
    ("All equal", 0.0, "D", "0.25"),
    ("Tie at the top", 0.0, "yes", "0.5"),
    ("Tie at the top", 0.0, "sure", "0.5"),
    ("Tie at the top", 1.0, "yes", "0.468"),
    ("Tie at the top", 1.0, "no", "0.063"),
    ("Next word", 0.7, "mat", "0.509"),
    ("Next word", 1.0, "mat", "0.382"),
    ("Next word", 2.0, "mat", "0.232"),
]


@pytest.mark.parametrize(("name", "temperature", "label", "shown"), CLAIMS)
def test_the_probabilities_a_caption_claims_are_true(name, temperature, label, shown):
    assert shown in PRESETS[name].notice
    decimals = len(shown.split(".")[1])
    assert round(probability(name, temperature, label), decimals) == float(shown)


def test_the_other_numbers_the_captions_claim():
    notice = PRESETS["e⁶ vs e³"].notice
    # The step-by-step view's numerators exp(z/T) at T = 1.5, and the share they give.
    assert f"{math.exp(6 / 1.5):.1f}" == "54.6" and f"{math.exp(3 / 1.5):.3f}" == "7.389"
    assert "54.6" in notice and "7.389" in notice and "z/T is 4 and 2" in notice
    assert "e ≈ 2.72" in PRESETS["2, 1, 0.1"].notice
    ratio = probability("2, 1, 0.1", 1.0, "A") / probability("2, 1, 0.1", 1.0, "B")
    assert f"{ratio:.2f}" == "2.72"
    assert "7 logits ahead" in PRESETS["Confident"].notice
    assert "3 times more likely" in PRESETS["0.25 / 0.75"].notice
    assert probability("0.25 / 0.75", 1.0, "tails") == pytest.approx(0.75, rel=1e-15)
    # Every temperature gives the all-equal preset 1/4 each, and the maximal entropy ln 4.
    for temperature in (0.0, 0.01, 1.0, 100.0):
        np.testing.assert_allclose(oracle(loaded("All equal").logits, temperature), 0.25)
    assert f"{math.log(4):.3f}" == "1.386" and "1.386 nats (2 bits)" in PRESETS["All equal"].notice
    # The masked word is exactly 0 at every temperature, with the page's own softmax too.
    word = loaded("Next word")
    assert word.labels[word.logits.index(-math.inf)] == "<eos>"
    for temperature in (0.0, 0.7, 2.0, math.inf):
        assert softmax(word.logits, temperature)[-1] == 0.0


# --- "try this" ---------------------------------------------------------------------------------


def numbers_in(text: str) -> list[float]:
    return [float(n) for n in re.findall(r"\d+(?:\.\d+)?(?:e[-+]?\d+)?", text)]


def test_try_this_halving_quotes_the_top_bar_before_and_after():
    text = try_this(ExplorerState(temperature=1.5))
    top = oracle((2.0, 1.0, 0.1), 1.5).max()
    halved = oracle((2.0, 1.0, 0.1), 0.75).max()
    assert text.startswith("Halve T (to 0.75)")
    assert f"from {top:.3f} to {halved:.3f}" in text
    assert "T = 3" in text


def test_try_this_for_a_confident_distribution_doubles_t():
    state = loaded("Confident")
    text = try_this(state)
    assert "Double T (to 2)" in text
    assert f"{oracle(state.logits, 1).max():.3f}" in text
    assert f"drop to {oracle(state.logits, 2).max():.3f}" in text


def test_try_this_at_t_zero_names_the_tie_and_the_next_step():
    text = try_this(loaded("Tie at the top"))
    assert "the 2 tied largest logits share everything" in text
    assert f"{oracle((3.0, 3.0, 1.0), 0.5).max():.3f}" in text
    single = try_this(replace(ExplorerState(), temperature=0.0))
    assert "the largest logit takes everything" in single


def test_try_this_when_the_bars_are_level_or_cannot_move():
    hot = replace(ExplorerState(), temperature=500.0)
    text = try_this(hot)
    assert "nearly level (0.333 each" in text and "to 50)" in text
    assert f"climbs to {oracle((2.0, 1.0, 0.1), 50.0).max():.3f}" in text
    equal = try_this(loaded("All equal"))
    assert "same bars" in equal
    masked = replace(ExplorerState(), logits=(1.0, -math.inf, -math.inf))
    assert "Only one class is not masked" in try_this(masked)
    assert "masked class stays at exactly 0" in try_this(loaded("Next word"))
    assert "masked" not in try_this(ExplorerState())


@given(
    logits=st.lists(st.floats(-50, 50), min_size=2, max_size=12),
    temperature=st.one_of(st.just(0.0), st.floats(1e-3, 1e3)),
)
def test_every_number_try_this_quotes_is_a_real_top_probability_or_temperature(logits, temperature):
    state = replace(ExplorerState(), logits=tuple(logits), labels=(), temperature=temperature)
    text = try_this(state)
    assert text and len(text) < 250
    z = np.array(logits)
    candidates = {round(temperature * f, 12) for f in (0.1, 0.5, 1, 2)} | {1.0, 0.5, 10.0}
    for factor in (0.1, 0.5, 1, 2):
        candidates.add(round(float(oracle(z, temperature * factor).max()), 3))
    candidates |= {round(float(oracle(z, 0.5).max()), 3), round(1 / len(z), 3)}
    for number in numbers_in(text):
        assert any(math.isclose(number, c, rel_tol=1e-5, abs_tol=1.5e-3) for c in candidates) or (
            number.is_integer() and number <= len(z)  # "the 2 tied", "exactly 0"
        ), (number, text)


# --- the misconceptions -------------------------------------------------------------------------


def test_the_three_misconceptions_are_there_and_say_the_exceptions_exactly():
    claims = [claim for claim, _ in presets.MISCONCEPTIONS]
    assert len(claims) == 3
    calibrated, argmax, lower = (text for _, text in presets.MISCONCEPTIONS)
    assert "Calibration section of the Applications lab" in calibrated
    assert "T = 0" in argmax and "tied" in argmax and "masked (−inf)" in argmax
    assert "more confident, not more accurate" in lower


@given(
    logits=st.lists(
        st.one_of(st.floats(-1e6, 1e6), st.just(-math.inf)), min_size=2, max_size=12
    ).filter(lambda z: any(math.isfinite(v) for v in z)),
    temperature=st.floats(1e-6, 1e6),
)
def test_temperature_never_moves_the_top_class_as_the_misconception_says(logits, temperature):
    """Between 0 and ∞ the page's probabilities keep the logits' order; masked stay 0."""
    probs = softmax(logits, temperature)
    z = np.array(logits)
    assert probs[np.argmax(z)] == probs.max()
    order = np.argsort(z, kind="stable")
    assert (np.diff(probs[order]) >= 0).all()  # never reversed (rounding may make ties)
    assert (probs[np.isneginf(z)] == 0).all()
