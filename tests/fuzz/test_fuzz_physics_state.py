"""Fuzzing explorer.physics_state: hostile links and fields never raise and give levels the page
can draw; the helpers refuse what is not a list of numbers, naming it."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from explorer import physics_state as module
from explorer.physics_state import (
    MAX_ABS_ENERGY,
    MAX_DEGENERACY,
    MAX_KELVIN,
    MAX_LEVELS,
    MAX_PARTICLES,
    MAX_SEED,
    MIN_KELVIN,
    MIN_LEVELS,
    SYSTEMS,
    VIEWS,
    FormResult,
    PhysicsForm,
    PhysicsState,
)
from explorer.state import InputError
from explorer.units import UNITS
from tests.fuzz.hostile import (
    call_contract,
    cases,
    fuzzes,
    hostile_arrays,
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

ANY = ("",)
PRESETS = [system for system in SYSTEMS if system != "custom"]
energy = st.one_of(
    st.floats(-MAX_ABS_ENERGY, MAX_ABS_ENERGY), st.sampled_from([0.0, -0.0, 5e-324, 1e12, -1e12])
)
degeneracy = st.one_of(st.floats(1e-300, MAX_DEGENERACY), st.sampled_from([1.0, 5e-324, 1e12]))


@st.composite
def valid_states(draw) -> PhysicsState:
    system = draw(st.sampled_from(SYSTEMS))
    state = PhysicsState(
        kelvin=draw(st.one_of(st.floats(MIN_KELVIN, MAX_KELVIN), st.sampled_from([1e-6, 1e9]))),
        particles=draw(st.integers(1, MAX_PARTICLES)),
        seed=draw(st.integers(0, MAX_SEED)),
        view=draw(st.sampled_from(VIEWS)),
    )
    if system != "custom":
        return module.with_preset(state, system)
    n = draw(st.integers(MIN_LEVELS, MAX_LEVELS))
    return PhysicsState(
        system="custom",
        unit=draw(st.sampled_from(UNITS)),
        energies=module.rounded(draw(st.lists(energy, min_size=n, max_size=n))),
        degeneracies=tuple(draw(st.lists(degeneracy, min_size=n, max_size=n))),
        kelvin=state.kelvin,
        particles=state.particles,
        seed=state.seed,
        view=state.view,
    )


def check_state(state: PhysicsState) -> None:
    assert isinstance(state, PhysicsState)
    assert state.system in SYSTEMS and state.unit in UNITS and state.view in VIEWS
    assert MIN_LEVELS <= len(state.energies) <= MAX_LEVELS
    assert all(abs(e) <= MAX_ABS_ENERGY for e in state.energies)  # NaN fails too
    assert len(state.degeneracies) == len(state.energies)
    assert all(0 < g <= MAX_DEGENERACY for g in state.degeneracies)
    assert MIN_KELVIN <= state.kelvin <= MAX_KELVIN
    assert 1 <= state.particles <= MAX_PARTICLES and 0 <= state.seed <= MAX_SEED
    assert len(state.labels) == len(state.energies)
    p = state.populations  # the page draws these: no NaN, a distribution
    assert not np.isnan(p).any() and abs(p.sum() - 1) < 1e-9


VALID = {
    "psys": list(SYSTEMS),
    "punit": list(UNITS),
    "pE": ["0,1,2", "-1e12,1e12", "0, 3.845, 11.53", "5e-324,0"],
    "pg": ["1,3,5", "1e12,1e-300", "", "2"],
    "pK": ["300", "1e-06", "1000000000.0", "0"],
    "pN": ["1", "1000000", "1000"],
    "pseed": ["0", str(MAX_SEED)],
    "pview": list(VIEWS),
}


@fuzzes(module.from_query, module.to_query, scale=2)
@given(hostile_queries(VALID))
def test_from_query(params):
    state, notices = call_contract(module.from_query, params, bad=None)
    check_state(state)
    assert all(isinstance(n, str) for n in notices) and len(notices) <= len(params) + 1
    assert module.from_query(module.to_query(state)) == (state, [])


number_text = st.one_of(
    hostile_text,
    st.lists(st.one_of(hostile_floats.map(repr), hostile_text), max_size=6).map(", ".join),
)


@fuzzes(module.apply_form)
@given(
    valid_states(),
    st.builds(
        PhysicsForm,
        system=st.one_of(st.sampled_from(SYSTEMS), hostile_text),
        unit=st.one_of(st.sampled_from(UNITS), hostile_text),
        energies=number_text,
        degeneracies=st.one_of(st.just(""), number_text),
        kelvin=st.one_of(hostile_floats, odd_numbers, hostile_text, junk),
        particles=st.one_of(hostile_ints(), hostile_text, junk),
        seed=st.one_of(hostile_ints(), hostile_text, junk),
        view=st.one_of(st.sampled_from(VIEWS), hostile_text),
    ),
)
def test_apply_form(before, form):
    result = call_contract(module.apply_form, before, form, bad=None)
    assert isinstance(result, FormResult)
    check_state(result.state)
    assert set(result.errors) <= {"energies", "degeneracies", "kelvin", "particles", "seed"}


@fuzzes(module.rounded, module.format_levels)
@given(
    cases(
        {"values": st.lists(st.one_of(hostile_floats.filter(lambda v: not math.isnan(v))))},
        {"values": hostile_arrays()},
    )
)
def test_rounded_and_format_levels(case):
    values = call_contract(module.rounded, **case.kwargs, bad="values")
    text = call_contract(module.format_levels, **case.kwargs, bad="values")
    assert (values is None) == (text is None)
    if values is not None:
        given_values = np.asarray(case.kwargs["values"], dtype=float)
        assert len(values) == len(given_values)
        finite = np.isfinite(given_values)
        np.testing.assert_allclose(np.array(values)[finite], given_values[finite], rtol=1e-9)
        if len(values) and all(math.isfinite(v) for v in values):  # the field shows them exactly
            assert tuple(float(part) for part in text.split(", ")) == tuple(
                float(v) for v in given_values
            )


@fuzzes(module.preset_levels)
@given(st.one_of(st.sampled_from(SYSTEMS), hostile_text, junk))
def test_preset_levels(system):
    levels = call_contract(module.preset_levels, system, bad="system")
    if levels is not None:
        unit, energies, degeneracies = levels
        assert unit in UNITS and len(energies) == len(degeneracies) >= MIN_LEVELS


@fuzzes(module.with_preset)
@given(valid_states(), st.one_of(st.sampled_from(SYSTEMS), hostile_text, junk))
def test_with_preset(state, system):
    new = call_contract(module.with_preset, state, system, bad="system")
    if new is not None:
        assert new.system == system
        check_state(new)


@fuzzes(module.convert_energies)
@given(
    cases(
        {
            "energies": st.lists(energy, min_size=1, max_size=6),
            "from_unit": st.sampled_from(UNITS),
            "to_unit": st.sampled_from(UNITS),
        },
        {
            "energies": st.one_of(hostile_arrays(), st.lists(hostile_floats, max_size=4)),
            "from_unit": st.one_of(hostile_text, junk),
            "to_unit": st.one_of(hostile_text, junk),
        },
    )
)
def test_convert_energies(case):
    bad = {"energies": "energies", "from_unit": "unit", "to_unit": "unit"}.get(case.bad)
    converted = call_contract(module.convert_energies, **case.kwargs, bad=bad)
    if case.bad is None:
        back = module.convert_energies(converted, case.kwargs["to_unit"], case.kwargs["from_unit"])
        np.testing.assert_allclose(back, case.kwargs["energies"], rtol=1e-8, atol=1e-300)


@fuzzes(module.format_kelvin)
@given(st.one_of(st.floats(MIN_KELVIN, MAX_KELVIN), hostile_floats, odd_numbers, junk))
def test_format_kelvin(kelvin):
    text = call_contract(module.format_kelvin, kelvin, bad="kelvin")
    if text is not None:
        assert text.endswith(" K") and "nan" not in text


@fuzzes(module.parse_energies)
@given(number_text, st.sampled_from(["", *UNITS]))
def test_parse_energies(text, unit):
    result = parser_contract(module.parse_energies, text, unit, error=InputError)
    if result.returned:
        assert MIN_LEVELS <= len(result.value) <= MAX_LEVELS
        assert all(abs(e) <= MAX_ABS_ENERGY for e in result.value)


@fuzzes(module.parse_degeneracies)
@given(
    cases(
        {"text": st.one_of(st.just(""), number_text), "n_levels": st.integers(0, MAX_LEVELS)},
        {"n_levels": st.one_of(hostile_ints().filter(lambda n: n < 10**6), wrong_kinds())},
    )
)
def test_parse_degeneracies(case):
    if case.bad is None:
        result = parser_contract(module.parse_degeneracies, **case.kwargs, error=InputError)
        if result.returned:
            assert len(result.value) == case.kwargs["n_levels"]
            assert all(0 < g <= MAX_DEGENERACY for g in result.value)
    else:
        outcome(module.parse_degeneracies, **case.kwargs, bad=ANY)


scalars = st.one_of(hostile_text, hostile_floats, odd_numbers, hostile_ints(), junk)


@fuzzes(module.parse_kelvin)
@given(scalars)
def test_parse_kelvin(value):
    result = parser_contract(module.parse_kelvin, value, error=InputError)
    if result.returned:
        assert MIN_KELVIN <= result.value <= MAX_KELVIN


@fuzzes(module.parse_particles, module.parse_seed)
@given(scalars)
def test_parse_particles_and_seed(value):
    for parse, high in ((module.parse_particles, MAX_PARTICLES), (module.parse_seed, MAX_SEED)):
        result = parser_contract(parse, value, error=InputError)
        if result.returned:
            assert isinstance(result.value, int) and 0 <= result.value <= high


def test_every_public_function_has_a_fuzzer():
    assert unfuzzed(module) == []
