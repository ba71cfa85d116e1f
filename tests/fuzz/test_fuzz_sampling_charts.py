"""Fuzzing explorer.sampling_charts: each figure from small valid data (its traces hold exactly
the data, no NaN) and from hostile data, argument by argument (refused by name)."""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from explorer import sampling_charts as module
from tests.fuzz.charts_common import (
    HOSTILE_LABELS,
    VALID_PERCENT,
    bad_indices,
    bad_numbers,
    labels_for,
)
from tests.fuzz.hostile import (
    call_contract,
    fuzzes,
    hostile_arrays,
    hostile_text,
    junk,
    probability_vectors,
    sized_cases,
    unfuzzed,
)

unit = st.floats(0, 1)
sizes = st.integers(1, 4)


def unit_vectors(n):
    return hnp.arrays(np.float64, n, elements=unit)


@fuzzes(module.histogram_vs_exact, slow=True)
@given(
    sized_cases(
        sizes,
        lambda n: {
            "labels": labels_for(n),
            "probs": probability_vectors(n, n),
            "frequencies": st.just(np.linspace(0, 1, n)),
            "lower": st.just(np.linspace(0, 1, n) * 0.5),
            "upper": st.just(np.linspace(0, 1, n) * 0.5 + 0.5),
            "draws": st.integers(1, 10**6),
        },
        {
            "labels": HOSTILE_LABELS,
            "probs": hostile_arrays(),
            "frequencies": hostile_arrays(),
            "lower": hostile_arrays(),
            "upper": hostile_arrays(),
            "draws": bad_indices(10**6 + 1),
        },
        VALID_PERCENT,
    )
)
def test_histogram_vs_exact(case):
    bad = ("labels", "entries") if case.bad == "labels" else case.bad  # lengths clash
    fig = call_contract(module.histogram_vs_exact, **case.kwargs, bad=bad)
    if case.bad is None:
        bars, exact = fig.data
        np.testing.assert_array_equal(bars.y, case.kwargs["frequencies"])
        np.testing.assert_array_equal(exact.y, case.kwargs["probs"])


@fuzzes(module.convergence, slow=True)
@given(
    sized_cases(
        sizes,
        lambda n: {
            "ns": hnp.arrays(np.int64, n, elements=st.integers(1, 10**6)).map(np.cumsum),
            "distances": unit_vectors(n),
            "expected": unit_vectors(n),
        },
        {"ns": hostile_arrays(), "distances": hostile_arrays(), "expected": hostile_arrays()},
        VALID_PERCENT,
    )
)
def test_convergence(case):
    # ns's length sets the others': a bad ns can make them the wrong length
    bad = ("ns", "distances", "expected") if case.bad == "ns" else case.bad
    fig = call_contract(module.convergence, **case.kwargs, bad=bad)
    if case.bad is None:
        np.testing.assert_array_equal(fig.data[0].y, case.kwargs["distances"])


@fuzzes(module.cumulative_bar, slow=True)
@given(
    sized_cases(
        sizes,
        lambda n: {
            "labels": labels_for(n),
            "probs": probability_vectors(n, n),
            "u": unit,
            "drawn": st.integers(0, n - 1),
        },
        {
            "labels": HOSTILE_LABELS,
            "probs": hostile_arrays(),
            "u": bad_numbers(0, 1),
            "drawn": bad_indices(1),
        },
        VALID_PERCENT,
    )
)
def test_cumulative_bar(case):
    bad = {"labels": ("labels", "probs"), "probs": "probs"}.get(case.bad, case.bad)
    fig = call_contract(module.cumulative_bar, **case.kwargs, bad=bad)
    if case.bad is None:
        assert [float(bar.x[0]) for bar in fig.data] == list(case.kwargs["probs"])


@fuzzes(module.gumbel_race, slow=True)
@given(
    sized_cases(
        sizes,
        lambda n: {
            "labels": labels_for(n),
            "scaled": hnp.arrays(
                np.float64, n, elements=st.one_of(st.floats(-1e300, 0), st.just(-math.inf))
            ),
            "noise": hnp.arrays(np.float64, n, elements=st.floats(-50, 50)),
            "winner": st.integers(0, n - 1),
        },
        {
            "labels": HOSTILE_LABELS,
            "scaled": hostile_arrays(),
            "noise": hostile_arrays(),
            "winner": bad_indices(1),
        },
        VALID_PERCENT,
    )
)
def test_gumbel_race(case):
    bad = {"labels": ("labels", "scaled")}.get(case.bad, case.bad)
    fig = call_contract(module.gumbel_race, **case.kwargs, bad=bad)
    if case.bad is None:
        totals = fig.data[2].y
        masked = np.isneginf(case.kwargs["scaled"])
        assert all((t is None) == m for t, m in zip(totals, masked, strict=True))


@fuzzes(module.relaxed_samples, slow=True)
@given(
    sized_cases(
        st.tuples(sizes, sizes),
        lambda shape: {
            "labels": labels_for(shape[1]),
            "samples": hnp.arrays(np.float64, shape, elements=unit),
            "tau": st.one_of(st.floats(0, 1e6), st.just(0.5)),
        },
        {"labels": HOSTILE_LABELS, "samples": hostile_arrays(), "tau": bad_numbers(0)},
        VALID_PERCENT,
    )
)
def test_relaxed_samples(case):
    bad = {"labels": ("labels", "samples")}.get(case.bad, case.bad)
    fig = call_contract(module.relaxed_samples, **case.kwargs, bad=bad)
    if case.bad is None:
        np.testing.assert_array_equal(fig.data[0].z, case.kwargs["samples"])


@fuzzes(module.decoding_stages, slow=True)
@given(
    sized_cases(
        st.tuples(sizes, st.integers(1, 3)),
        lambda shape: {
            "labels": labels_for(shape[0]),
            "stage_names": st.lists(hostile_text, min_size=shape[1], max_size=shape[1]),
            "stage_probs": st.lists(
                probability_vectors(shape[0], shape[0]), min_size=shape[1], max_size=shape[1]
            ),
            "stage_alive": st.lists(
                hnp.arrays(np.bool_, shape[0]), min_size=shape[1], max_size=shape[1]
            ),
        },
        {
            "labels": HOSTILE_LABELS,
            "stage_names": st.one_of(junk, st.lists(junk, min_size=1, max_size=2)),
            "stage_probs": st.one_of(junk, st.lists(hostile_arrays(), min_size=1, max_size=3)),
            "stage_alive": st.one_of(junk, st.lists(hostile_arrays(), min_size=1, max_size=3)),
        },
        VALID_PERCENT,
    )
)
def test_decoding_stages(case):
    bad = {
        "labels": ("labels", "stage_probs", "stage_alive"),
        "stage_names": ("stage_names", "stage_probs", "stage_alive", "stages"),
    }.get(case.bad, case.bad)
    fig = call_contract(module.decoding_stages, **case.kwargs, bad=bad)
    if case.bad is None:
        assert len(fig.data) == len(case.kwargs["stage_names"])
        for bars, alive in zip(fig.data, case.kwargs["stage_alive"], strict=True):
            assert [t == "removed" for t in bars.text] == list(~alive)


@fuzzes(module.final_vs_temperature_only, slow=True)
@given(
    sized_cases(
        sizes,
        lambda n: {
            "labels": labels_for(n),
            "final": probability_vectors(n, n),
            "temperature_only": probability_vectors(n, n),
            "temperature": st.one_of(st.floats(0), st.just(math.inf)),
        },
        {
            "labels": HOSTILE_LABELS,
            "final": hostile_arrays(),
            "temperature_only": hostile_arrays(),
            "temperature": bad_numbers(0),
        },
        VALID_PERCENT,
    )
)
def test_final_vs_temperature_only(case):
    # bar_trace names its arguments "probs"; a short label list clashes with them
    bad = {
        "labels": ("labels", "probs"),
        "final": "probs",
        "temperature_only": "probs",
    }.get(case.bad, case.bad)
    fig = call_contract(module.final_vs_temperature_only, **case.kwargs, bad=bad)
    if case.bad is None:
        assert isinstance(fig, go.Figure)
        np.testing.assert_array_equal(fig.data[1].y, case.kwargs["final"])


def test_every_public_function_has_a_fuzzer():
    assert unfuzzed(module) == []
