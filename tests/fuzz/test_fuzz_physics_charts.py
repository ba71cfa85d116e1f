"""Fuzzing explorer.physics_charts: the level diagram, thermodynamic curves, limits, ensemble and
particle figures from real physics_lab results and small valid data, and from hostile data or
results built by hand with a hostile field (refused by name)."""

from __future__ import annotations

import functools

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from explorer import physics_charts as module
from explorer import physics_lab
from explorer.units import UNITS
from tests.fuzz.charts_common import (
    HOSTILE_LABELS,
    VALID_PERCENT,
    bad_indices,
    bad_numbers,
    labels_for,
)
from tests.fuzz.hostile import (
    call_contract,
    cases,
    corrupt_fields,
    fuzzes,
    hostile_arrays,
    hostile_text,
    junk,
    probability_vectors,
    sized_cases,
    unfuzzed,
)

LEVELS = [  # (energies, degeneracies, unit, kelvin)
    ((0.0, 1.0), (1.0, 1.0), "meV", 10.0),
    ((0.0, 3.845, 11.53, 23.06), (1.0, 3.0, 5.0, 7.0), "cm⁻¹", 300.0),
    ((-1e12, 0.0, 1e12), (1.0, 1e12, 1.0), "J", 1e9),
    ((5.0, 5.0), (2.0, 1e-300), "eV", 1e-6),
]
energies = st.floats(-1e12, 1e12)
finite = st.floats(-1e300, 1e300)
texts = st.one_of(st.sampled_from(UNITS), hostile_text)
bad_texts = junk.filter(lambda t: not isinstance(t, str))


@fuzzes(module.level_diagram, slow=True)
@given(
    sized_cases(
        st.integers(1, 5),
        lambda n: {
            "labels": labels_for(n),
            "energies": hnp.arrays(np.float64, n, elements=energies),
            "degeneracies": hnp.arrays(np.float64, n, elements=st.floats(1e-300, 1e12)),
            "populations": probability_vectors(n, n),
            "kT": st.floats(0, 1e12),
            "unit": texts,
            "top": finite,
        },
        {
            "labels": HOSTILE_LABELS,
            "energies": hostile_arrays(),
            "degeneracies": hostile_arrays(),
            "populations": hostile_arrays(),
            "kT": bad_numbers(0, 1.7e308),
            "unit": bad_texts,
            "top": bad_numbers(-1.7e308, 1.7e308),
        },
        VALID_PERCENT,
    )
)
def test_level_diagram(case):
    bad = (
        ("labels", "energies", "degeneracies", "populations") if case.bad == "labels" else case.bad
    )
    fig = call_contract(module.level_diagram, **case.kwargs, bad=bad)
    if case.bad is None:
        bars = fig.data[-1]
        np.testing.assert_array_equal(bars.y, case.kwargs["populations"])


@functools.cache
def lab() -> dict:
    curves, markers, bridges = [], [], []
    for e, g, unit, kelvin in LEVELS:
        curves.append(physics_lab.thermodynamic_curves(e, g, unit, kelvin))
        markers.append(physics_lab.schottky_marker(e, g, unit))
        bridges.append(physics_lab.bridge(e, g, kelvin / 100))
    return {"curves": curves, "markers": [m for m in markers if m], "bridges": bridges}


which = st.sampled_from(range(len(LEVELS)))
curves = which.map(lambda i: lab()["curves"][i])


@fuzzes(module.thermodynamics_figure, slow=True)
@given(
    cases(
        {
            "curves": curves,
            "unit": texts,
            "kelvin": st.floats(1e-6, 1e9),
            "marker": st.one_of(st.none(), st.just(0).map(lambda _: lab()["markers"][0])),
        },
        {
            "curves": st.one_of(junk, corrupt_fields(curves)),
            "unit": bad_texts,
            "kelvin": bad_numbers(5e-324, 1.7e308),
            "marker": st.one_of(
                junk.filter(lambda m: m is not None),
                corrupt_fields(st.just(0).map(lambda _: lab()["markers"][0])),
            ),
        },
        VALID_PERCENT,
    )
)
def test_thermodynamics_figure(case):
    fig = call_contract(module.thermodynamics_figure, **case.kwargs, bad=case.bad)
    if case.bad is None:
        np.testing.assert_array_equal(fig.data[0].y, case.kwargs["curves"].mean_energy)


bridges = which.map(lambda i: lab()["bridges"][i])


@fuzzes(module.limits_bars, slow=True)
@given(
    cases(
        {
            "labels": st.just(None),
            "result": bridges,
            "kelvin": st.floats(0, 1e9),
        },
        {
            "labels": HOSTILE_LABELS,
            "result": st.one_of(junk, corrupt_fields(bridges)),
            "kelvin": bad_numbers(0),
        },
        VALID_PERCENT,
    )
)
def test_limits_bars(case):
    kwargs = dict(case.kwargs)
    if kwargs["labels"] is None:
        kwargs["labels"] = [f"level {i}" for i in range(3)]
    fig = call_contract(module.limits_bars, **kwargs, bad=case.bad)
    if case.bad is None:
        np.testing.assert_array_equal(fig.data[1].y, kwargs["result"].boltzmann)


@st.composite
def ensembles(draw):
    n = draw(st.integers(1, 4))
    p = draw(probability_vectors(n, n))
    particles = draw(st.integers(1, 10**6))
    return physics_lab.ensemble(p, particles, draw(st.integers(0, 2**32 - 1))), particles, n


@fuzzes(module.ensemble_bars, slow=True)
@given(
    ensembles().flatmap(
        lambda made: cases(
            {
                "labels": labels_for(made[2]),
                "draw": st.just(made[0]),
                "particles": st.just(made[1]),
            },
            {
                "labels": HOSTILE_LABELS,
                "draw": st.one_of(junk, corrupt_fields(st.just(made[0]))),
                "particles": bad_indices(10**12 + 1).filter(lambda n: n != 0),
            },
            VALID_PERCENT,
        )
    )
)
def test_ensemble_bars(case):
    bad = ("labels", "draw") if case.bad == "labels" else case.bad  # lengths clash
    fig = call_contract(module.ensemble_bars, **case.kwargs, bad=bad)
    if case.bad is None:
        np.testing.assert_array_equal(fig.data[0].y, case.kwargs["draw"].fractions)


@fuzzes(module.particles_on_levels, slow=True)
@given(
    sized_cases(
        st.integers(1, 4),
        lambda n: {
            "energies": hnp.arrays(np.float64, n, elements=energies),
            "counts": hnp.arrays(np.int64, n, elements=st.integers(0, 10**12)),
            "seed": st.integers(0, 2**64),
            "unit": texts,
            "top": finite,
        },
        {
            "energies": hostile_arrays(),
            "counts": hostile_arrays(),
            "seed": st.one_of(
                st.integers(max_value=-1), junk.filter(lambda s: not isinstance(s, int))
            ),
            "unit": bad_texts,
            "top": bad_numbers(-1.7e308, 1.7e308),
        },
        VALID_PERCENT,
    )
)
def test_particles_on_levels(case):
    bad = ("energies", "counts") if case.bad == "energies" else case.bad  # lengths clash
    fig = call_contract(module.particles_on_levels, **case.kwargs, bad=bad)
    if case.bad is None:
        dots = fig.data[1]
        total = int(case.kwargs["counts"].sum())
        assert len(dots.y) <= min(total, module.MAX_DOTS)
        assert set(np.asarray(dots.y)) <= set(case.kwargs["energies"])


def test_every_public_function_has_a_fuzzer():
    assert unfuzzed(module) == []
