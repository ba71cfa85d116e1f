"""Parsing what users type, the URL round trip, and applying a form to the state."""

import math
import re
from dataclasses import replace

import numpy as np
import pytest
import scipy.special
from hypothesis import given, settings
from hypothesis import strategies as st

from explorer.state import (
    MAX_CLASSES,
    MAX_DIGIT,
    MAX_TEMPERATURE,
    ExplorerState,
    FormInput,
    InputError,
    apply_form,
    from_query,
    parse_labels,
    parse_logits,
    parse_number,
    parse_probabilities,
    parse_temperature,
    to_query,
    values_text,
)
from explorer.temperature import TEMPERATURE_STOPS


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2.0, 1.0, 0.1", (2.0, 1.0, 0.1)),
        ("2 1 0.1", (2.0, 1.0, 0.1)),
        ("[2.0; 1.0;\n0.1]", (2.0, 1.0, 0.1)),
        ("1e300, -1e300", (1e300, -1e300)),
        ("3, -inf, −∞, −1", (3.0, -math.inf, -math.inf, -1.0)),
    ],
)
def test_parse_logits_accepts_what_people_paste(text, expected):
    assert parse_logits(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("abc", "“abc” (entry 1) is not a number"),
        ("1, 2, x", "“x” (entry 3) is not a number"),
        ("1", "at least 2"),
        ("", "at least 2"),
        ("nan, 1", "NaN"),
        ("inf, 1", "+inf"),
        ("1e309, 1", "+inf"),
        ("-inf, -inf", "at least one finite"),
        (", ".join(["1"] * (MAX_CLASSES + 1)), f"at most {MAX_CLASSES}"),
        (", ".join(["1"] * 10_000), "too long"),
    ],
)
def test_parse_logits_says_what_is_wrong(text, message):
    with pytest.raises(InputError, match=re.escape(message)):
        parse_logits(text)


def test_probabilities_become_log_probabilities():
    logits, notice = parse_probabilities("0.25, 0.75")
    assert notice is None
    np.testing.assert_allclose(logits, np.log([0.25, 0.75]))
    # The classic example: [0.25, 0.75] at T = 0.5 gives [0.1, 0.9]; at T = 5, [0.445, 0.555].
    np.testing.assert_allclose(scipy.special.softmax(np.array(logits) / 0.5), [0.1, 0.9])
    np.testing.assert_allclose(
        scipy.special.softmax(np.array(logits) / 5), [0.445, 0.555], atol=5e-4
    )


def test_probabilities_are_normalised_with_a_notice_and_zero_masks():
    logits, notice = parse_probabilities("1, 3, 0")
    np.testing.assert_allclose(np.exp(logits), [0.25, 0.75, 0])
    assert logits[2] == -math.inf and "add up to 4" in notice


@pytest.mark.parametrize(("text", "message"), [("-0.5, 1.5", "negative"), ("0, 0", "greater")])
def test_bad_probabilities_are_refused(text, message):
    with pytest.raises(InputError, match=message):
        parse_probabilities(text)


def test_labels_fill_in_and_must_differ():
    assert parse_labels("cat, dog", 3) == ("cat", "dog", "C")
    assert parse_labels("", 2) == ("A", "B")
    assert parse_labels("a, , c", 3) == ("a", "B", "c")
    assert parse_labels("a, b, c, d", 2) == ("a", "b")
    assert len(parse_labels("x" * 100 + ", y", 2)[0]) == 20
    with pytest.raises(InputError, match="“a” appears twice"):
        parse_labels("a, a, b", 3)


@pytest.mark.parametrize("text", ["-1", "nan", "hot", str(MAX_TEMPERATURE * 10), "inf"])
def test_parse_temperature_refuses_out_of_range(text):
    with pytest.raises(InputError, match="Temperature"):
        parse_temperature(text)


states = st.builds(
    ExplorerState,
    logits=st.lists(st.floats(-1e300, 1e300) | st.just(-math.inf), min_size=2, max_size=MAX_CLASSES)
    .filter(lambda z: any(math.isfinite(v) for v in z))
    .map(tuple),
    temperature=st.floats(0, MAX_TEMPERATURE),
    compare_temperature=st.sampled_from(TEMPERATURE_STOPS),  # a slider: a link holds a stop
    input_mode=st.sampled_from(["logits", "probabilities"]),
    view=st.sampled_from(["curves", "steps", "compare", "logprob", "sweep"]),
    digit=st.none() | st.integers(0, MAX_DIGIT),
).map(lambda s: replace(s, labels=tuple(f"c{i}" for i in range(len(s.logits)))))


@settings(max_examples=300, deadline=None)
@given(states)
def test_every_state_survives_the_url_round_trip_exactly(state):
    restored, notices = from_query(to_query(state))
    assert notices == [] and restored == state


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["z", "labels", "T", "T2", "mode", "view", "img", "x"]),
        st.text(max_size=50) | st.lists(st.text(max_size=10), max_size=3),
    )
)
def test_any_query_gives_a_valid_state(params):
    state, notices = from_query(params)
    assert len(state.labels) == len(state.logits) and 0 <= state.temperature <= MAX_TEMPERATURE
    assert state.digit is None or 0 <= state.digit <= MAX_DIGIT
    assert all(isinstance(notice, str) for notice in notices)


def test_a_bad_link_parameter_is_ignored_with_a_notice():
    state, notices = from_query({"z": "<script>alert(1)</script>", "T": "0.5", "view": "../etc"})
    assert state.logits == ExplorerState().logits and state.temperature == 0.5
    assert state.view == "curves" and len(notices) == 2 and "“z” was ignored" in notices[0]


def test_values_text_shows_logits_or_probabilities():
    state = ExplorerState(logits=(math.log(0.25), math.log(0.75)))
    assert values_text(replace(state, input_mode="probabilities")) == "0.25, 0.75"
    assert parse_logits(values_text(state)) == state.logits  # exact round trip


def form(**overrides):
    base = dict(
        input_mode="logits",
        values="2.0, 1.0, 0.1",
        labels="A, B, C",
        temperature=1.0,
        compare_temperature=2.0,
        view="curves",
    )
    return FormInput(**(base | overrides))


def test_a_bad_field_keeps_its_state_while_the_others_apply():
    result = apply_form(ExplorerState(), form(values="1, two", temperature=0.5))
    assert "values" in result.errors and "not a number" in result.errors["values"]
    assert result.state.logits == (2.0, 1.0, 0.1) and result.state.temperature == 0.5


def test_labels_follow_the_number_of_values():
    grown = apply_form(ExplorerState(), form(values="1, 2, 3, 4")).state
    assert grown.labels == ("A", "B", "C", "D")
    shrunk = apply_form(ExplorerState(), form(values="1, 2"))
    assert shrunk.state.labels == ("A", "B") and "Extra labels ignored: C" in shrunk.notices[0]
    clash = apply_form(ExplorerState(), form(values="1, 2, 3, 4", labels="a, a"))
    assert "labels" in clash.errors and clash.state.labels == ("A", "B", "C", "D")


def test_huge_probabilities_are_normalised_without_overflow():
    # Regression: the sum of [1e308, 1e308] overflowed to inf and the page crashed.
    logits, notice = parse_probabilities("1e308, 1e308, 0")
    np.testing.assert_array_equal(np.exp(logits), [0.5, 0.5, 0])
    assert "more than 1.8e308" in notice


def test_new_values_are_no_longer_the_images_but_the_same_distribution_still_is():
    image = ExplorerState(logits=(1.0, 2.0, -math.inf), digit=7)
    relabelled = apply_form(image, form(values="1, 2, -inf", labels="x, y, z")).state
    assert relabelled.digit == 7
    # The same probabilities typed as probabilities (12 significant digits) keep the image.
    probs = ", ".join(f"{p:.12g}" for p in scipy.special.softmax([1.0, 2.0, -np.inf]))
    assert apply_form(image, form(input_mode="probabilities", values=probs)).state.digit == 7
    assert apply_form(image, form(values="1, 2.5, -inf")).state.digit is None
    assert apply_form(image, form(values="1, 2")).state.digit is None


@pytest.mark.parametrize(("raw", "nearest"), [("0.73", "0.7"), ("1.05", "1"), ("95", "100")])
def test_a_link_t2_between_the_sliders_stops_is_refused_naming_the_nearest(raw, nearest):
    """Regression: T2=0.73 was silently shown and then saved as 0.7."""
    state, notices = from_query({"T2": raw})
    assert state.compare_temperature == ExplorerState().compare_temperature
    assert notices == [
        f"The link's “T2” was ignored: T2 {raw} is between the slider's stops; "
        f"the nearest is {nearest}."
    ]


def test_a_whole_number_too_long_for_a_float_is_out_of_range_not_a_crash():
    """Regression: len=999…9 (310 digits) in a link raised OverflowError (math.isnan of an int)."""
    with pytest.raises(InputError, match="Seed must be between 0 and 10"):
        parse_number("9" * 3000, "Seed", 0, 10, integer=True)


def test_a_link_read_onto_a_state_changes_only_what_it_says():
    """After Back on another page, its link (z, labels, T) must not reset the Explorer's view."""
    base = ExplorerState(view="compare", compare_temperature=5.0, input_mode="probabilities")
    state, notices = from_query({"z": "1,2", "labels": "a,b", "T": "0.5"}, base=base)
    assert notices == []
    assert state == replace(base, logits=(1.0, 2.0), labels=("a", "b"), temperature=0.5)
    image = replace(base, digit=7)
    assert from_query({"z": "1,2"}, base=image)[0].digit is None  # typed logits: no image
    assert from_query({"T": "2.0"}, base=image)[0].digit == 7
