"""Fuzzing explorer.state: what users type and what links say, at their most hostile.

Parsers return or raise InputError (the page shows its message); ``from_query`` never raises and
always gives a state the page can draw, which a link reproduces exactly.
"""

from __future__ import annotations

import math

import numpy as np
from hypothesis import example, given
from hypothesis import strategies as st

from explorer import state as module
from explorer.state import (
    INPUT_MODES,
    MAX_CLASSES,
    MAX_DIGIT,
    MAX_LABEL_CHARS,
    MAX_TEMPERATURE,
    MIN_CLASSES,
    VIEWS,
    ExplorerState,
    FormInput,
    FormResult,
    InputError,
)
from explorer.temperature import TEMPERATURE_STOPS
from tests.fuzz.explorer_states import valid_states
from tests.fuzz.hostile import (
    call_contract,
    cases,
    fuzzes,
    hostile_floats,
    hostile_ints,
    hostile_queries,
    hostile_text,
    junk,
    odd_numbers,
    outcome,
    parser_contract,
    unfuzzed,
    wrong_kinds,
)

ANY = ("",)  # a developer's argument: any ValueError/TypeError message will do


def check_state(state: ExplorerState) -> None:
    """Everything the Explorer can be asked to draw: the state's documented invariants."""
    assert isinstance(state, ExplorerState)
    logits = state.logits
    assert isinstance(logits, tuple) and MIN_CLASSES <= len(logits) <= MAX_CLASSES
    assert all(isinstance(z, float) and not math.isnan(z) and z != math.inf for z in logits)
    assert any(math.isfinite(z) for z in logits)
    assert len(state.labels) == len(logits) == len(set(state.labels))
    assert all(isinstance(label, str) and len(label) <= MAX_LABEL_CHARS for label in state.labels)
    assert 0 <= state.temperature <= MAX_TEMPERATURE
    assert state.compare_temperature in TEMPERATURE_STOPS
    assert state.input_mode in INPUT_MODES and state.view in VIEWS
    assert state.digit is None or 0 <= state.digit <= MAX_DIGIT
    probs = state.probs
    assert not np.isnan(probs).any() and abs(probs.sum() - 1) < 1e-9


number_texts = st.one_of(
    hostile_text,
    st.lists(st.one_of(hostile_floats.map(repr), hostile_text), max_size=14).map(", ".join),
    st.lists(st.floats(allow_nan=False).map(repr), min_size=2, max_size=12).map(" ; ".join),
)


@fuzzes(module.default_labels)
@given(cases({"count": st.integers(0, 26)}, {"count": st.one_of(hostile_ints(), wrong_kinds())}))
def test_default_labels(case):
    labels = call_contract(module.default_labels, **case.kwargs, bad=case.bad)
    if labels is not None:
        count = case.kwargs["count"]
        assert len(labels) == count == len(set(labels))


@fuzzes(module.parse_numbers)
@given(number_texts, st.sampled_from(["logits", "probabilities"]))
@example("1" * 400 + ", 2", "logits")
@example("\ud800, 1", "logits")
def test_parse_numbers(text, what):
    result = parser_contract(module.parse_numbers, text, what, error=InputError)
    if result.returned:
        values = result.value
        assert MIN_CLASSES <= len(values) <= MAX_CLASSES
        assert all(not math.isnan(v) and v != math.inf for v in values)


@fuzzes(module.parse_logits)
@given(number_texts)
def test_parse_logits(text):
    result = parser_contract(module.parse_logits, text, error=InputError)
    if result.returned:
        assert any(math.isfinite(z) for z in result.value)
        assert module.parse_logits(module.format_numbers(result.value)) == result.value


@fuzzes(module.parse_probabilities)
@given(number_texts)
@example("1e308, 1e308, 1e308")
@example("5e-324, 0")
def test_parse_probabilities(text):
    result = parser_contract(module.parse_probabilities, text, error=InputError)
    if result.returned:
        logits, notice = result.value
        assert notice is None or isinstance(notice, str)
        q = np.exp(np.asarray(logits))
        assert abs(q.sum() - 1) < 1e-9 and all(z != math.inf for z in logits)


label_texts = st.one_of(hostile_text, st.lists(hostile_text, max_size=14).map(",".join))


@fuzzes(module.parse_labels)
@given(
    cases(
        {"text": label_texts, "count": st.integers(MIN_CLASSES, MAX_CLASSES)},
        {"count": st.one_of(hostile_ints(), wrong_kinds())},
    )
)
def test_parse_labels(case):
    if case.bad is None:  # the user's text: InputError or labels
        result = parser_contract(module.parse_labels, **case.kwargs, error=InputError)
        if result.returned:
            labels = result.value
            assert len(labels) == case.kwargs["count"] == len(set(labels))
            assert all(len(label) <= MAX_LABEL_CHARS for label in labels)
    else:
        outcome(module.parse_labels, **case.kwargs, bad=ANY)


@fuzzes(module.extra_labels)
@given(label_texts, st.one_of(st.integers(0, MAX_CLASSES), hostile_ints()))
def test_extra_labels(text, count):
    result = outcome(module.extra_labels, text, count, bad=ANY)
    if result.returned and isinstance(count, int) and count >= 0:
        assert len(result.value) == max(0, len(module._split_labels(text)) - count)


bounds = st.tuples(st.floats(-1e300, 1e300), st.floats(-1e300, 1e300)).map(sorted)


@fuzzes(module.parse_number)
@given(
    st.one_of(hostile_text, hostile_floats, odd_numbers, junk),
    bounds,
    st.booleans(),
)
@example("9" * 5000, [0, 10], True)
@example(10**400, [0, 10], False)
@example(float("nan"), [0, 10], False)
def test_parse_number(value, low_high, integer):
    low, high = low_high
    result = parser_contract(
        module.parse_number, value, "Seed", low, high, integer=integer, error=InputError
    )
    if result.returned:
        number = result.value
        assert low <= number <= high and isinstance(number, int if integer else float)
    else:
        assert "Seed" in str(result.error)


@fuzzes(module.parse_temperatures)
@given(number_texts, st.integers(1, 8), st.sampled_from([1.0, 100.0, 1e6]))
def test_parse_temperatures(text, most, high):
    result = parser_contract(module.parse_temperatures, text, most, high, error=InputError)
    if result.returned:
        assert 1 <= len(result.value) <= most
        assert all(0 <= t <= high for t in result.value)


@fuzzes(module.parse_stop)
@given(
    st.one_of(st.sampled_from(TEMPERATURE_STOPS).map(repr), hostile_text, hostile_floats, junk),
    st.sampled_from([TEMPERATURE_STOPS, TEMPERATURE_STOPS[1:], (0.5, 1.0)]),
)
def test_parse_stop(value, stops):
    result = parser_contract(module.parse_stop, value, "T2", stops, error=InputError)
    if result.returned:
        assert result.value in stops
    else:
        assert "T2" in str(result.error)


@fuzzes(module.parse_temperature)
@given(st.one_of(hostile_text, hostile_floats, odd_numbers, junk))
def test_parse_temperature(value):
    result = parser_contract(module.parse_temperature, value, error=InputError)
    if result.returned:
        assert 0 <= result.value <= MAX_TEMPERATURE
    else:
        assert "Temperature" in str(result.error)


@fuzzes(module.format_numbers)
@given(
    cases(
        {
            "values": st.lists(hostile_floats, max_size=12).map(tuple),
            "digits": st.one_of(st.none(), st.integers(1, 17)),
        },
        {
            "values": st.lists(st.one_of(st.none(), hostile_text), max_size=3),
            "digits": st.one_of(hostile_ints(), junk),
        },
    )
)
def test_format_numbers(case):
    text = outcome(module.format_numbers, **case.kwargs, bad=ANY).value
    values, digits = case.kwargs["values"], case.kwargs["digits"]
    if case.bad is None:
        shown = [float(part) for part in text.split(", ")] if values else []
        if digits is None:  # exact: every float back, NaN as NaN
            assert all(
                a == b or (math.isnan(a) and math.isnan(b))
                for a, b in zip(shown, values, strict=True)
            )


@fuzzes(module.values_text)
@given(valid_states())
def test_values_text(state):
    text = call_contract(module.values_text, state, bad=None)
    if state.input_mode == "logits":
        assert module.parse_logits(text) == state.logits


@fuzzes(module.to_query)
@given(valid_states())
def test_to_query(state):
    query = call_contract(module.to_query, state, bad=None)
    assert all(isinstance(value, str) for value in query.values())
    assert module.from_query(query) == (state, [])  # every view is a link


VALID_QUERY = {
    "z": ["2.0,1.0,0.1", "-inf,3.0", "1e+300,-1e+300,5e-324", "0.25,0.75"],
    "labels": ["A,B,C", "cat, dog", "x"],
    "T": ["1.0", "0.0", "1000000.0", "1e-300"],
    "T2": ["2.0", "0.0", "100.0", "0.01"],
    "mode": list(INPUT_MODES),
    "view": list(VIEWS),
    "img": ["0", "359", "17"],
}


@fuzzes(module.from_query, scale=2)
@given(hostile_queries(VALID_QUERY), st.one_of(st.none(), valid_states()))
@example({"z": "1" * 400 + ",2"}, None)
@example({"z": ["\udcff,1"], "labels": ["\ud800,\ud800"]}, None)
@example({"z": "1,2,3", "labels": "a,a"}, None)
@example({"img": "9" * 5000}, None)
def test_from_query(params, base):
    new, notices = call_contract(module.from_query, params, base=base, bad=None)
    check_state(new)
    assert isinstance(notices, list) and all(isinstance(n, str) for n in notices)
    assert len(notices) <= len(params)
    assert module.from_query(module.to_query(new)) == (new, [])


form_temperatures = st.one_of(st.floats(0, MAX_TEMPERATURE), hostile_floats, odd_numbers)


@fuzzes(module.apply_form)
@given(
    valid_states(),
    st.builds(
        FormInput,
        input_mode=st.one_of(st.sampled_from(INPUT_MODES), hostile_text),
        values=number_texts,
        labels=label_texts,
        temperature=form_temperatures,
        compare_temperature=form_temperatures,
        view=st.one_of(st.sampled_from(VIEWS), hostile_text),
    ),
)
def test_apply_form(before, form):
    result = call_contract(module.apply_form, before, form, bad=None)
    assert isinstance(result, FormResult)
    check_state(result.state)
    assert set(result.errors) <= {"values", "labels", "temperature", "compare_temperature"}


def test_every_public_function_has_a_fuzzer():
    assert unfuzzed(module) == []
