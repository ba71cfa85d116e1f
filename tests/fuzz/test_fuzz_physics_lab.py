"""Fuzzing explorer.physics_lab, the Boltzmann page's domain glue, with hostile levels, units,
temperatures and counts. Valid cases are the page's: 2 to 80 levels within ±1e12 in the unit,
degeneracies in (0, 1e12], 1e-6 to 1e9 K (explorer.physics_state's caps)."""

import math

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from explorer import physics_lab
from explorer.physics_state import MAX_ABS_ENERGY, MAX_DEGENERACY, MAX_KELVIN, MIN_KELVIN
from explorer.units import kT_in
from tests.fuzz.hostile import (
    Case,
    call_contract,
    cases,
    counts,
    float_vectors,
    fuzzes,
    hostile_arrays,
    hostile_scalars,
    hostile_text,
    junk,
    regressions,
    unfuzzed,
)

UNITS = st.sampled_from(["meV", "eV", "cm⁻¹", "kJ/mol", "J"])
energy = st.one_of(st.floats(-MAX_ABS_ENERGY, MAX_ABS_ENERGY), st.sampled_from([0.0, 5e-324, 1.0]))
degeneracy = st.one_of(st.floats(1e-300, MAX_DEGENERACY), st.sampled_from([1.0, 5e-324]))
kelvins = st.one_of(st.floats(MIN_KELVIN, MAX_KELVIN), st.sampled_from([MIN_KELVIN, MAX_KELVIN]))
kTs = st.one_of(st.floats(1e-300, 1e300), st.sampled_from([5e-324, 1.0, 1e300]))
bad_numbers = hostile_scalars()
bad_arrays = hostile_arrays()
bad_units = st.one_of(hostile_text, junk)


@st.composite
def level_sets(draw):
    energies = draw(float_vectors(energy, min_size=2, max_size=8))
    g = draw(float_vectors(degeneracy, energies.size, energies.size))
    return energies, g


def level_cases(extra_valid, extra_hostile, with_degeneracies=True):
    @st.composite
    def build(draw):
        energies, g = draw(level_sets())
        valid = {"energies": st.just(energies)}
        hostile = {"energies": bad_arrays}
        if with_degeneracies:
            valid["degeneracies"], hostile["degeneracies"] = st.just(g), bad_arrays
        return draw(cases({**valid, **extra_valid}, {**hostile, **extra_hostile}))

    return build()


@fuzzes(physics_lab.curve_kelvin_range)
@given(
    level_cases(
        {"unit": UNITS, "kelvin": kelvins}, {"unit": bad_units, "kelvin": bad_numbers}, False
    )
)
@regressions(
    [
        Case({"energies": [1.0, None, 2.0], "unit": "meV", "kelvin": 1.0}, "energies"),
        Case({"energies": [[1.0, 2.0], [3.0]], "unit": "meV", "kelvin": 1.0}, "energies"),
        Case({"energies": np.array([1 + 2j, 3j]), "unit": "meV", "kelvin": 1.0}, "energies"),
        Case({"energies": np.zeros(2), "unit": "meV", "kelvin": math.nan}, "kelvin"),  # NaN out
        Case({"energies": np.zeros(2), "unit": "meV", "kelvin": 10**400}, "kelvin"),
        Case(
            {"energies": np.array([0.0, 1.0]), "unit": "meV", "kelvin": np.float16(6.55e4)},
            "kelvin",
        ),
    ]
)
def test_curve_kelvin_range(case):
    bounds = call_contract(physics_lab.curve_kelvin_range, **case.kwargs, bad=case.bad)
    if case.bad is None:
        low, high = bounds
        kelvin = case.kwargs["kelvin"]
        assert 0 < low <= high and low <= max(kelvin / 3, 1e-9) and high >= min(kelvin * 3, 1e12)


@fuzzes(physics_lab.thermodynamic_curves, slow=True)
@given(level_cases({"unit": UNITS, "kelvin": kelvins}, {"unit": bad_units, "kelvin": bad_numbers}))
def test_thermodynamic_curves(case):
    curves = call_contract(physics_lab.thermodynamic_curves, **case.kwargs, bad=case.bad)
    if case.bad is None:
        assert curves.kelvin.size == physics_lab.CURVE_POINTS
        assert (np.diff(curves.kelvin) > 0).all() and (curves.heat_capacity >= 0).all()
        slack = 1e-9 * max(1.0, abs(curves.max_entropy))
        assert (curves.entropy <= curves.max_entropy + slack).all()


@fuzzes(physics_lab.schottky_marker)
@given(level_cases({"unit": UNITS}, {"unit": bad_units}))
def test_schottky_marker(case):
    marker = call_contract(physics_lab.schottky_marker, **case.kwargs, bad=case.bad)
    if case.bad is None:
        e = case.kwargs["energies"]
        if e.size == 2 and e[0] != e[1]:
            assert marker.kT == marker.kT_over_gap * marker.gap and marker.heat_capacity >= 0
        else:
            assert marker is None


@fuzzes(physics_lab.bridge)
@given(level_cases({"kT": kTs}, {"kT": bad_numbers}))
@regressions(
    # −E/kT overflowed to +inf for the lowest level, which then was masked: softmax [1, 0]
    # against Boltzmann [0, 1].
    [Case({"energies": np.array([0.0, -1.8e8]), "degeneracies": np.ones(2), "kT": 1e-300}, None)]
)
def test_bridge(case):
    result = call_contract(physics_lab.bridge, **case.kwargs, bad=case.bad)
    if case.bad is None:
        np.testing.assert_allclose(result.softmax.sum(), 1.0)
        e, kT = case.kwargs["energies"], case.kwargs["kT"]
        # Logits −E/kT + ln g keep the digits of ln g only while E/kT is well inside 2⁵³.
        if np.abs(e).max() < 1e12 * kT:
            assert result.max_difference <= 1e-9 and result.shifted_max_difference <= 1e-9


@st.composite
def populations(draw):
    weights = draw(float_vectors(st.floats(0, 1), min_size=2, max_size=8))
    if weights.sum() == 0:
        weights[0] = 1.0
    return weights / weights.sum()


@fuzzes(physics_lab.most_populated)
@given(cases({"populations": populations()}, {"populations": bad_arrays}))
def test_most_populated(case):
    index = call_contract(physics_lab.most_populated, **case.kwargs, bad=case.bad)
    if case.bad is None:
        p = case.kwargs["populations"]
        assert p[index] == p.max() and (p[:index] < p.max()).all()


@st.composite
def visible_cases(draw):
    energies, _ = draw(level_sets())
    p = np.resize(draw(populations()), energies.size)
    p[0] += p.sum() == 0
    p = p / p.sum()
    return draw(
        cases(
            {"energies": st.just(energies), "populations": st.just(p), "kT": kTs},
            {"energies": bad_arrays, "populations": bad_arrays, "kT": bad_numbers},
        )
    )


@fuzzes(physics_lab.visible_top)
@given(visible_cases())
@regressions(
    [
        Case(
            {"energies": np.array([1e308]), "populations": np.array([1.0, 0.0]), "kT": 1.0},
            "energies",
        )
    ]
)
def test_visible_top(case):
    top = call_contract(physics_lab.visible_top, **case.kwargs, bad=case.bad)
    if case.bad is None:
        e = case.kwargs["energies"]
        assert e.min() <= top <= e.max()


@fuzzes(physics_lab.ensemble)
@given(
    cases(
        {
            "populations": populations(),
            "particles": st.integers(1, 10_000),
            "seed": st.integers(0, 2**32),
        },
        {
            "populations": bad_arrays,
            "particles": counts(physics_lab.physics.MAX_PARTICLES),
            "seed": st.one_of(junk, st.integers(max_value=-1)),
        },
    )
)
def test_ensemble(case):
    drawn = call_contract(
        physics_lab.ensemble, **case.kwargs, bad={"seed": ("seed", "rng")}.get(case.bad, case.bad)
    )
    if case.bad is None:
        assert drawn.counts.sum() == case.kwargs["particles"]
        assert 0 <= drawn.largest_deviation <= 1 and drawn.typical_deviation >= 0


@st.composite
def state_cases(draw):
    energies, g = draw(level_sets())
    labels = draw(st.lists(st.text(max_size=40), min_size=energies.size, max_size=energies.size))
    return draw(
        cases(
            {
                "energies": st.just(energies),
                "degeneracies": st.just(g),
                "labels": st.just(labels),
                "kT": kTs,
            },
            {
                "energies": bad_arrays,
                "degeneracies": bad_arrays,
                "labels": st.one_of(junk, st.lists(junk, max_size=3)),
                "kT": bad_numbers,
            },
        )
    )


@fuzzes(physics_lab.as_explorer_state)
@given(state_cases())
@regressions(
    [
        Case(
            {"energies": np.zeros(2), "degeneracies": np.ones(2), "labels": None, "kT": 1.0},
            "labels",
        )
    ]
)
def test_as_explorer_state(case):
    state = call_contract(physics_lab.as_explorer_state, **case.kwargs, bad=case.bad)
    if case.bad is None:
        assert len(state.logits) == len(state.labels) == len(case.kwargs["energies"])
        assert state.temperature == 1.0 and max(state.logits) > -math.inf


def test_every_public_function_has_a_fuzzer():
    assert unfuzzed(physics_lab) == []
    assert kT_in("meV", 1.0) > 0
