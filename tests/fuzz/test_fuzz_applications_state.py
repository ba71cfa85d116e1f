"""Fuzzing explorer.applications_state: hostile links and form values never raise, and give a
state within every documented cap that its own link reproduces."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from explorer import applications_state as module
from explorer.applications_state import (
    CALIBRATION_TEMPERATURES,
    KD_TEMPERATURES,
    MAX_BANDIT_TEMPERATURE,
    MAX_BANDIT_TEMPERATURES,
    MAX_BINS,
    MAX_DIMENSION,
    MAX_KEYS,
    MAX_RUNS,
    MAX_SEED,
    MAX_STEPS,
    MIN_BINS,
    SECTIONS,
    ApplicationsState,
)
from explorer.state import MAX_DIGIT
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

VALID = {name: [value] for name, value in module.to_query(ApplicationsState()).items()} | {
    "calT": ["0.1", "10.0", "1.72", "9.99"],
    "kdT": ["0.1", "20.0", "19.9"],
    "d": ["1", "4096", "64"],
    "Ts": ["0.01,100", "0,0,0", "1,2,3,4,5,6,7,8"],
}


def check_state(state: ApplicationsState) -> None:
    assert isinstance(state, ApplicationsState) and state.section in SECTIONS
    for value, (low, high, _) in (
        (state.manual_temperature, CALIBRATION_TEMPERATURES),
        (state.kd_temperature, KD_TEMPERATURES),
    ):
        assert isinstance(value, float) and low <= value <= high
    assert MIN_BINS <= state.bins <= MAX_BINS and 0 <= state.image <= MAX_DIGIT
    assert 0 <= state.seed <= MAX_SEED and 1 <= state.runs <= MAX_RUNS
    assert 1 <= state.steps <= MAX_STEPS and 2 <= state.keys <= MAX_KEYS
    assert 1 <= state.dimension <= MAX_DIMENSION and state.dimension & (state.dimension - 1) == 0
    temps = state.bandit_temperatures
    assert 1 <= len(temps) <= MAX_BANDIT_TEMPERATURES and list(temps) == sorted(set(temps))
    assert all(not math.isnan(t) and 0 <= t <= MAX_BANDIT_TEMPERATURE for t in temps)


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
        st.one_of(hostile_text, hostile_floats, odd_numbers, junk),
        max_size=6,
    )
)
def test_apply_form(values):
    state, errors = call_contract(module.apply_form, ApplicationsState(), values, bad=None)
    check_state(state)
    assert set(errors) <= set(values)
    assert module.from_query(module.to_query(state)) == (state, [])


def test_every_public_function_has_a_fuzzer():
    assert unfuzzed(module) == []
