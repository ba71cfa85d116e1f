"""Fuzzing explorer.sampling_state: hostile links and form values never raise, and give a state
within every documented cap that its own link reproduces."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from explorer import sampling_state as module
from explorer.sampling_state import (
    MAX_DRAWS,
    MAX_LENGTH,
    MAX_ORDER,
    MAX_PROMPT_CHARS,
    MAX_SEED,
    MAX_TEXT_TEMPERATURES,
    MAX_TOP_K,
    SECTIONS,
    SamplingState,
)
from explorer.temperature import TEMPERATURE_STOPS
from tests.fuzz.hostile import (
    call_contract,
    fuzzes,
    hostile_floats,
    hostile_queries,
    hostile_text,
    junk,
    odd_numbers,
    unfuzzed,
)

VALID = {
    name: [value]
    for name, value in module.to_query(
        SamplingState(section="text", seed=MAX_SEED, draws=MAX_DRAWS, top_k=MAX_TOP_K)
    ).items()
} | {"Ts": ["0.2,0.7,1.0,1.5", "0", "100,0.01"], "tau": ["0.5", "0.01", "100.0"], "p": ["0.01"]}


def check_state(state: SamplingState) -> None:
    assert isinstance(state, SamplingState) and state.section in SECTIONS
    assert 0 <= state.seed <= MAX_SEED and 1 <= state.draws <= MAX_DRAWS
    assert 0 <= state.top_k <= MAX_TOP_K and 0.01 <= state.top_p <= 1 and 0 <= state.min_p <= 1
    assert isinstance(state.temperature_last, bool)
    assert state.tau in TEMPERATURE_STOPS[1:]
    assert isinstance(state.prompt, str) and len(state.prompt) <= MAX_PROMPT_CHARS
    assert 1 <= state.order <= MAX_ORDER and 1 <= state.length <= MAX_LENGTH
    assert 1 <= len(state.text_temperatures) <= MAX_TEXT_TEMPERATURES
    assert all(0 <= t <= 100 for t in state.text_temperatures)
    for value in (state.top_p, state.min_p, state.tau, *state.text_temperatures):
        assert isinstance(value, float) and not math.isnan(value)


@fuzzes(module.from_query, module.to_query, scale=2)
@given(hostile_queries(VALID))
def test_from_query(params):
    state, notices = call_contract(module.from_query, params, bad=None)
    check_state(state)
    assert all(isinstance(n, str) for n in notices) and len(notices) <= len(params)
    assert module.from_query(module.to_query(state)) == (state, [])


@fuzzes(module.apply_form)
@given(
    st.dictionaries(
        st.one_of(st.sampled_from(sorted(VALID)), hostile_text),
        st.one_of(hostile_text, hostile_floats, odd_numbers, junk, st.sampled_from(["1", "0"])),
        max_size=6,
    )
)
def test_apply_form(values):
    state, errors = call_contract(module.apply_form, SamplingState(), values, bad=None)
    check_state(state)
    assert set(errors) <= set(values)
    assert module.from_query(module.to_query(state)) == (state, [])


def test_every_public_function_has_a_fuzzer():
    assert unfuzzed(module) == []
