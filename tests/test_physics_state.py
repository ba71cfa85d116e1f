"""PhysicsState: its URL round trip, hostile links, and the form's validation (pure Python)."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from explorer.physics_state import (
    MAX_ABS_ENERGY,
    MAX_KELVIN,
    MAX_LEVELS,
    MAX_SEED,
    MIN_KELVIN,
    SYSTEMS,
    VIEWS,
    PhysicsForm,
    PhysicsState,
    apply_form,
    format_levels,
    from_query,
    parse_energies,
    parse_kelvin,
    to_query,
    with_preset,
)
from explorer.state import InputError
from explorer.units import UNITS

OTHER_PAGES_PARAMS = {
    "z", "labels", "T", "T2", "mode", "view",
    "sec", "seed", "N", "k", "p", "minp", "tlast", "tau", "prompt", "order", "len", "Ts",
}  # fmt: skip

finite = st.floats(-MAX_ABS_ENERGY, MAX_ABS_ENERGY, allow_nan=False)


@st.composite
def states(draw) -> PhysicsState:
    n = draw(st.integers(2, MAX_LEVELS))
    return PhysicsState(
        system=draw(st.sampled_from(SYSTEMS)),
        unit=draw(st.sampled_from(UNITS)),
        energies=tuple(draw(st.lists(finite, min_size=n, max_size=n))),
        degeneracies=tuple(draw(st.lists(st.floats(1e-6, 1e6), min_size=n, max_size=n))),
        kelvin=draw(st.floats(MIN_KELVIN, MAX_KELVIN)),
        particles=draw(st.integers(1, 1_000_000)),
        seed=draw(st.integers(0, MAX_SEED)),
        view=draw(st.sampled_from(VIEWS)),
    )


@settings(max_examples=150, deadline=None)
@given(states())
def test_url_round_trip_is_exact(state):
    query = to_query(state)
    assert set(query).isdisjoint(OTHER_PAGES_PARAMS)
    assert all(name.startswith("p") for name in query)
    again, notices = from_query(query)
    assert notices == []
    assert again == state


@settings(max_examples=100, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["psys", "punit", "pE", "pg", "pK", "pN", "pseed", "pview"]),
        st.text(max_size=40),
    )
)
def test_any_link_gives_a_valid_state_and_never_raises(params):
    state, notices = from_query(params)
    assert len(state.degeneracies) == len(state.energies) >= 2
    assert all(g > 0 for g in state.degeneracies)
    assert MIN_KELVIN <= state.kelvin <= MAX_KELVIN
    assert state.system in SYSTEMS and state.unit in UNITS and state.view in VIEWS
    assert np.isclose(state.populations.sum(), 1.0)
    assert all(isinstance(n, str) for n in notices)


def test_default_is_carbon_monoxide_at_300_k_with_j_7_on_top():
    state = PhysicsState()
    assert state.system == "co_rotor" and state.kelvin == 300.0 and len(state.energies) == 61
    assert state.labels[int(np.argmax(state.populations))] == "J = 7"


@pytest.mark.parametrize(
    ("params", "field", "value"),
    [
        ({"pK": "-3"}, "kelvin", 300.0),
        ({"pK": "0"}, "kelvin", 300.0),
        ({"pK": "inf"}, "kelvin", 300.0),
        ({"pN": "0"}, "particles", 1000),
        ({"pseed": "x"}, "seed", 42),
        ({"pview": "thermo<script>"}, "view", "thermo"),
        ({"punit": "MeV"}, "unit", "cm⁻¹"),
    ],
)
def test_hostile_params_are_ignored_with_a_notice(params, field, value):
    state, notices = from_query(params)
    assert getattr(state, field) == value
    (notice,) = notices
    assert f"“{next(iter(params))}” was ignored" in notice


def test_a_preset_alone_loads_its_levels_and_a_unit_alone_converts_them():
    state, notices = from_query({"psys": "two_level"})
    assert (state.unit, state.energies, state.degeneracies) == ("meV", (0.0, 10.0), (1.0, 1.0))
    state, notices = from_query({"psys": "two_level", "punit": "eV"})
    assert state.energies == (0.0, 0.01) and not notices


def test_mismatched_degeneracies_in_a_link_fall_back():
    state, notices = from_query({"pE": "0,1,2", "pg": "1,2"})
    assert state.degeneracies == (1.0, 1.0, 1.0) and "“pg”" in notices[0]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1", "at least 2"),
        ("1, x", "not a number"),
        ("1, nan", "NaN"),
        ("1, inf", "outside"),
        ("1, -1e13", "outside"),
        (",".join(["1"] * (MAX_LEVELS + 1)), "too many"),
        ("1," * 2000, "too long"),
    ],
)
def test_bad_energies_are_refused(text, message):
    with pytest.raises(InputError, match=message):
        parse_energies(text)


@pytest.mark.parametrize(("value", "message"), [(0, "limit"), (-1, "below"), ("k", "not a")])
def test_bad_kelvin_is_refused(value, message):
    with pytest.raises(InputError, match=message):
        parse_kelvin(value)


def form(state: PhysicsState, **changes) -> PhysicsForm:
    values = dict(
        system=state.system,
        unit=state.unit,
        energies=format_levels(state.energies),
        degeneracies=format_levels(state.degeneracies),
        kelvin=state.kelvin,
        particles=state.particles,
        seed=state.seed,
        view=state.view,
    )
    return PhysicsForm(**{**values, **changes})


def test_the_form_round_trips_the_state_through_its_text():
    state = PhysicsState()
    assert apply_form(state, form(state)).state == state


def test_a_bad_field_keeps_its_part_and_the_rest_applies():
    state = with_preset(PhysicsState(), "two_level")
    result = apply_form(state, form(state, energies="0, 1, 2", kelvin=77.0, seed=5))
    assert "degeneracies" in result.errors
    assert result.state == replace(state, kelvin=77.0, seed=5)
    result = apply_form(state, form(state, kelvin=-1, energies="0, 3"))
    assert "kelvin" in result.errors and result.state.energies == (0.0, 3.0)
    assert result.state.kelvin == state.kelvin


def test_format_levels_is_exact():
    values = (0.0, 3.845057905, 1e-22, -2.5, 1e20)
    text = format_levels(values)
    assert text.startswith("0, 3.845057905")
    assert tuple(float(t) for t in text.split(",")) == values
    assert math.isclose(float(text.split(",")[2]), 1e-22)
