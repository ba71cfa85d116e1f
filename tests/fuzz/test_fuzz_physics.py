"""Fuzzing explorer.physics: Boltzmann populations, thermodynamics, the presets, the Schottky
anomaly and ensembles, with hostile energies, temperatures, degeneracies and counts.

Valid cases are checked for what must hold whatever the numbers: populations are probabilities,
the heat capacity is ≥ 0, the mean energy lies between the lowest and highest level, the entropy
between ln g_ground and ln Σg (all in units of k_B)."""

import math

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from explorer import physics
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
    huge,
    junk,
    over_cap_array,
    regressions,
    rngs,
    unfuzzed,
)

finite = st.one_of(st.floats(-1e300, 1e300), st.sampled_from([0.0, -0.0, 5e-324, 1e300, -1e300]))
positive = st.one_of(st.floats(1e-300, 1e300), st.sampled_from([5e-324, 1.0, 1e300]))
kTs = st.one_of(st.floats(0, 1e300), st.sampled_from([0.0, 5e-324, math.inf, 1e-300]))


@st.composite
def levels(draw):
    """(energies, degeneracies or None): 1 to 6 finite levels, positive degeneracies."""
    energies = draw(float_vectors(finite, max_size=6))
    g = draw(st.one_of(st.none(), float_vectors(positive, energies.size, energies.size)))
    if g is not None and not math.isfinite(g.sum()):
        g = g / energies.size  # keep Σg in range: beyond it is refused, tested elsewhere
    return energies, g


@st.composite
def level_cases(draw):
    energies, g = draw(levels())
    return draw(
        cases(
            {
                "energies": st.just(energies),
                "kT": st.one_of(kTs, float_vectors(kTs, max_size=3)),
                "degeneracies": st.just(g),
            },
            {
                "energies": st.one_of(hostile_arrays(), st.just(over_cap_array((10, 2)))),
                "kT": st.one_of(hostile_scalars(), hostile_arrays()),
                "degeneracies": hostile_arrays(),
            },
        )
    )


def check_populations(p, rows):
    p = np.atleast_2d(p)
    assert p.shape[0] == rows and ((p >= 0) & (p <= 1)).all()
    np.testing.assert_allclose(p.sum(axis=-1), 1.0, atol=1e-12)


@fuzzes(physics.boltzmann_populations)
@given(level_cases())
@regressions([Case({"energies": np.zeros(1), "kT": 10**400, "degeneracies": None}, "kT")])
def test_boltzmann_populations(case):
    p = call_contract(physics.boltzmann_populations, **case.kwargs, bad=case.bad)
    if case.bad is None:
        check_populations(p, np.size(case.kwargs["kT"]))


@fuzzes(physics.thermodynamics)
@given(level_cases())
@regressions(
    [Case({"energies": [np.longdouble("1e4000")], "kT": 0.0, "degeneracies": None}, "energies")]
)
def test_thermodynamics(case):
    t = call_contract(physics.thermodynamics, **case.kwargs, bad=case.bad)
    if case.bad is None:
        e, g = case.kwargs["energies"], case.kwargs["degeneracies"]
        g = np.ones(e.size) if g is None else g
        check_populations(t.populations, np.size(case.kwargs["kT"]))
        assert (np.asarray(t.heat_capacity) >= 0).all()
        assert (e.min() <= np.asarray(t.mean_energy)).all()
        assert (np.asarray(t.mean_energy) <= e.max()).all()
        low, high = math.log(g[e == e.min()].sum()), math.log(g.sum())
        slack = 1e-9 * max(1.0, abs(low), abs(high))
        assert (
            (low - slack <= np.asarray(t.entropy)) & (np.asarray(t.entropy) <= high + slack)
        ).all()


units = st.sampled_from(["meV", "eV", "cm⁻¹", "cm-1", "kJ/mol", "J"])
bad_units = st.one_of(hostile_text, junk)
bad_numbers = hostile_scalars()


@fuzzes(physics.two_level)
@given(
    cases(
        {"gap": positive, "g_lower": positive, "g_upper": positive, "unit": units},
        {"gap": bad_numbers, "g_lower": bad_numbers, "g_upper": bad_numbers, "unit": bad_units},
    )
)
def test_two_level(case):
    scheme = call_contract(physics.two_level, **case.kwargs, bad=case.bad)
    if case.bad is None:
        assert scheme.energies.tolist() == [0.0, case.kwargs["gap"]]
        assert (scheme.degeneracies > 0).all()


@fuzzes(physics.harmonic_ladder)
@given(
    cases(
        {"quantum": st.floats(1e-300, 1e300), "n_levels": st.integers(1, 50), "unit": units},
        {
            "quantum": bad_numbers,
            "n_levels": counts(physics.MAX_LADDER_LEVELS),
            "unit": bad_units,
        },
    )
)
@regressions([Case({"quantum": 1e308, "n_levels": 3, "unit": "meV"}, "quantum")])  # overflow
def test_harmonic_ladder(case):
    scheme = call_contract(physics.harmonic_ladder, **case.kwargs, bad=case.bad)
    if case.bad is None:
        n, quantum = case.kwargs["n_levels"], case.kwargs["quantum"]
        assert scheme.energies.size == n == len(scheme.labels)
        assert np.isfinite(scheme.energies).all() and (np.diff(scheme.energies) >= 0).all()
        assert scheme.energies[0] == 0.5 * quantum


@fuzzes(physics.harmonic_truncation_error)
@given(
    cases(
        {
            "quantum": positive,
            "n_levels": st.integers(1, physics.MAX_LADDER_LEVELS),
            "kT": st.one_of(kTs, float_vectors(kTs, max_size=4)),
        },
        {
            "quantum": bad_numbers,
            "n_levels": counts(physics.MAX_LADDER_LEVELS),
            "kT": st.one_of(bad_numbers, hostile_arrays()),
        },
    )
)
@regressions(
    [
        Case({"quantum": 1.0, "n_levels": 1, "kT": np.longdouble("1e4000")}, "kT"),
        Case({"quantum": 10**400, "n_levels": 1, "kT": 1.0}, "quantum"),
    ]
)
def test_harmonic_truncation_error(case):
    error = call_contract(physics.harmonic_truncation_error, **case.kwargs, bad=case.bad)
    if case.bad is None:
        assert ((np.asarray(error) >= 0) & (np.asarray(error) <= 1)).all()


@fuzzes(physics.rigid_rotor)
@given(
    cases(
        {
            "rotational_constant": st.floats(1e-300, 1e290),
            "j_max": st.integers(0, 60),
            "unit": units,
            "name": st.text(max_size=10),
        },
        {
            "rotational_constant": bad_numbers,
            "j_max": counts(physics.MAX_LADDER_LEVELS - 1, low=0),
            "unit": bad_units,
        },
    )
)
@regressions(
    [
        Case(
            {"rotational_constant": 10**400, "j_max": 1, "unit": "meV", "name": ""},
            "rotational_constant",
        ),
        Case(
            {"rotational_constant": 1e308, "j_max": 1, "unit": "meV", "name": ""},
            "rotational_constant",
        ),
    ]
)
def test_rigid_rotor(case):
    scheme = call_contract(physics.rigid_rotor, **case.kwargs, bad=case.bad)
    if case.bad is None:
        j = np.arange(case.kwargs["j_max"] + 1)
        assert scheme.degeneracies.tolist() == (2 * j + 1).tolist()
        assert np.isfinite(scheme.energies).all() and scheme.energies[0] == 0


@fuzzes(physics.carbon_monoxide_rotor)
@given(
    cases(
        {"j_max": st.integers(0, physics.MAX_LADDER_LEVELS - 1)},
        {"j_max": counts(physics.MAX_LADDER_LEVELS - 1, low=0)},
    )
)
def test_carbon_monoxide_rotor(case):
    scheme = call_contract(physics.carbon_monoxide_rotor, **case.kwargs, bad=case.bad)
    if case.bad is None:
        assert scheme.energies.size == case.kwargs["j_max"] + 1


@fuzzes(physics.rotor_most_populated_estimate)
@given(
    cases(
        {"rotational_constant": positive, "kT": kTs},
        {"rotational_constant": bad_numbers, "kT": bad_numbers},
    )
)
def test_rotor_most_populated_estimate(case):
    j = call_contract(physics.rotor_most_populated_estimate, **case.kwargs, bad=case.bad)
    if case.bad is None:
        assert j >= -0.5


@fuzzes(physics.schottky_heat_capacity)
@given(
    cases(
        {
            "kT": st.one_of(kTs, float_vectors(kTs, max_size=4)),
            "gap": positive,
            "g_lower": positive,
            "g_upper": positive,
        },
        {
            "kT": st.one_of(bad_numbers, hostile_arrays()),
            "gap": bad_numbers,
            "g_lower": bad_numbers,
            "g_upper": bad_numbers,
        },
    )
)
def test_schottky_heat_capacity(case):
    c = call_contract(physics.schottky_heat_capacity, **case.kwargs, bad=case.bad)
    if case.bad is None:
        assert (np.asarray(c) >= 0).all() and np.isfinite(c).all()


@fuzzes(physics.schottky_peak)
@given(
    cases(
        {"g_lower": positive, "g_upper": positive},
        {"g_lower": bad_numbers, "g_upper": bad_numbers},
    )
)
@regressions([Case({"g_lower": 10**400, "g_upper": 1.0}, "g_lower")])  # OverflowError
def test_schottky_peak(case):
    peak = call_contract(physics.schottky_peak, **case.kwargs, bad=case.bad)
    if case.bad is None:
        assert 0 < peak.kT_over_gap <= 0.5 and peak.heat_capacity >= 0


@st.composite
def probability_vectors(draw):
    weights = draw(float_vectors(st.floats(0, 1), max_size=6))
    if weights.sum() == 0:
        weights[0] = 1.0
    return weights / weights.sum()


@fuzzes(physics.draw_ensemble)
@given(
    cases(
        {
            "populations": probability_vectors(),
            "n_particles": st.integers(0, physics.MAX_PARTICLES),
            "rng": rngs,
        },
        {
            "populations": st.one_of(hostile_arrays(), st.just(over_cap_array((2, 3)))),
            "n_particles": st.one_of(
                counts(physics.MAX_PARTICLES, low=0), huge(physics.MAX_PARTICLES)
            ),
            "rng": st.one_of(junk, st.integers(max_value=-1), st.just(np.random.RandomState(0))),
        },
    )
)
@regressions([Case({"populations": np.ones(1), "n_particles": 0, "rng": -1}, "rng")])
def test_draw_ensemble(case):
    drawn = call_contract(physics.draw_ensemble, **case.kwargs, bad=case.bad)
    if case.bad is None:
        p = case.kwargs["populations"]
        assert drawn.sum() == case.kwargs["n_particles"] and (drawn[p == 0] == 0).all()


def test_every_public_function_has_a_fuzzer():
    assert unfuzzed(physics) == []
