"""Fuzzing explorer.calibration_charts: reliability diagrams, confidence histograms and the NLL
curve from small valid data (their traces hold it, with gaps, not NaN, for empty bins) and from
hostile data, argument by argument (refused by name)."""

from __future__ import annotations

import functools

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from explorer import calibration
from explorer import calibration_charts as module
from explorer.core import softmax
from tests.fuzz.charts_common import VALID_PERCENT, bad_indices, bad_numbers
from tests.fuzz.hostile import (
    call_contract,
    cases,
    corrupt_fields,
    fuzzes,
    hostile_arrays,
    hostile_text,
    junk,
    sized_cases,
    unfuzzed,
)


@functools.cache
def all_bins() -> list:
    """Reliability bins of random models: many bins empty, some full."""
    rng = np.random.default_rng(0)
    made = []
    for rows, classes, n_bins, scale in [
        (1, 2, 1, 1),
        (20, 3, 15, 5),
        (50, 10, 50, 20),
        (5, 2, 5, 0),
    ]:
        probs = softmax(rng.normal(size=(rows, classes)) * scale)
        made.append(calibration.reliability_bins(probs, rng.integers(0, classes, rows), n_bins))
    return made


bins = st.sampled_from(range(4)).map(lambda i: all_bins()[i])
HOSTILE_BINS = st.one_of(junk, corrupt_fields(bins))
titles = st.one_of(st.none(), hostile_text)
temperatures = st.one_of(st.floats(0, 1e6), st.just(1.0))


@fuzzes(module.reliability_diagram, slow=True)
@given(
    cases(
        {
            "before": bins,
            "after": bins,
            "before_temperature": temperatures,
            "after_temperature": st.one_of(st.none(), temperatures),
            "title": titles,
        },
        {
            "before": HOSTILE_BINS,
            "after": HOSTILE_BINS,
            "before_temperature": bad_numbers(0),
            "after_temperature": bad_numbers(0).filter(lambda t: t is not None),
            "title": junk.filter(lambda t: t is not None and not isinstance(t, str)),
        },
        VALID_PERCENT,
    )
)
def test_reliability_diagram(case):
    fig = call_contract(module.reliability_diagram, **case.kwargs, bad=case.bad)
    if case.bad is None:
        for accuracy, source in (
            (fig.data[0], case.kwargs["before"]),
            (fig.data[3], case.kwargs["after"]),
        ):
            shown = np.asarray(accuracy.y, dtype=float)  # None (an empty bin) reads as NaN
            np.testing.assert_array_equal(
                shown, np.where(source.counts > 0, source.accuracy, np.nan)
            )


@fuzzes(module.confidence_histogram, slow=True)
@given(
    sized_cases(
        st.integers(1, 6),
        lambda n: {
            "conf_before": hnp.arrays(np.float64, n, elements=st.floats(0, 1)),
            "conf_after": hnp.arrays(np.float64, n, elements=st.floats(0, 1)),
            "n_bins": st.integers(1, 1000),
            "before_temperature": temperatures,
            "after_temperature": st.one_of(st.none(), temperatures),
            "accuracy": st.one_of(st.none(), st.floats(0, 1)),
            "log_counts": st.booleans(),
            "title": titles,
        },
        {
            "conf_before": hostile_arrays(),
            "conf_after": hostile_arrays(),
            "n_bins": bad_indices(1001).filter(lambda n: n != 0),
            "before_temperature": bad_numbers(0),
            "after_temperature": bad_numbers(0).filter(lambda t: t is not None),
            "accuracy": bad_numbers(0, 1).filter(lambda t: t is not None),
            "title": junk.filter(lambda t: t is not None and not isinstance(t, str)),
        },
        VALID_PERCENT,
    )
)
def test_confidence_histogram(case):
    fig = call_contract(module.confidence_histogram, **case.kwargs, bad=case.bad)
    if case.bad is None:
        np.testing.assert_array_equal(fig.data[0].x, case.kwargs["conf_before"])
        np.testing.assert_array_equal(fig.data[1].x, case.kwargs["conf_after"])


@fuzzes(module.nll_against_temperature, slow=True)
@given(
    sized_cases(
        st.integers(1, 6),
        lambda n: {
            "temperatures": hnp.arrays(np.float64, n, elements=st.floats(1e-3, 1e3), unique=True),
            "nll": hnp.arrays(np.float64, n, elements=st.floats(0, 1e6)),
            "fitted_temperature": st.floats(1e-3, 1e3),
            "manual_temperature": st.one_of(st.none(), st.floats(1e-3, 1e3)),
            "split": st.one_of(st.just("validation"), hostile_text),
            "title": titles,
        },
        {
            "temperatures": hostile_arrays(),
            "nll": hostile_arrays(),
            "fitted_temperature": bad_numbers(5e-324),
            "manual_temperature": bad_numbers(5e-324).filter(lambda t: t is not None),
            "split": junk.filter(lambda t: not isinstance(t, str)),
            "title": junk.filter(lambda t: t is not None and not isinstance(t, str)),
        },
        VALID_PERCENT,
    )
)
def test_nll_against_temperature(case):
    bad = ("temperatures", "nll") if case.bad == "temperatures" else case.bad  # lengths clash
    fig = call_contract(module.nll_against_temperature, **case.kwargs, bad=bad)
    if case.bad is None:
        np.testing.assert_array_equal(fig.data[0].y, case.kwargs["nll"])
        temps = case.kwargs["temperatures"]
        assert all(trace.x[0] in temps for trace in fig.data[1:])  # markers sit on the curve


def test_every_public_function_has_a_fuzzer():
    assert unfuzzed(module) == []
