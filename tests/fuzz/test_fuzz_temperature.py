"""Fuzzing explorer.temperature, the Explorer's domain model, with hostile logits,
temperatures, stops, counts and summaries. Valid cases are checked against softmax's definition
(rows of probabilities), the log-scale meaning of "nearest", and KL ≥ 0, TV in [0, 1]."""

import math

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from explorer import temperature as tm
from explorer.core import softmax
from tests.fuzz.hostile import (
    Case,
    call_contract,
    cases,
    counts,
    float_vectors,
    fuzzes,
    hostile_arrays,
    hostile_scalars,
    junk,
    masked_logit_vectors,
    outcome,
    over_cap_array,
    regressions,
    unfuzzed,
)

logit_vectors = masked_logit_vectors(max_size=8)  # wide floats and -inf, one finite

temperatures = st.one_of(
    st.floats(0), st.sampled_from([0.0, 5e-324, 1e-300, math.inf, 1.0]), st.integers(0, 100)
)
bad_logits = st.one_of(hostile_arrays(), st.just(np.zeros((2, 2))))
bad_temperatures = hostile_scalars()


@fuzzes(tm.nearest_stop)
@given(
    cases(
        {
            "temperature": temperatures,
            "stops": st.one_of(
                st.just(tm.TEMPERATURE_STOPS),
                st.lists(st.floats(0, 1e300), min_size=1, max_size=5).filter(lambda s: max(s) > 0),
            ),
        },
        {"temperature": bad_temperatures, "stops": st.one_of(hostile_arrays(), st.just([0.0]))},
    )
)
@regressions(
    [
        Case({"temperature": math.inf, "stops": tm.TEMPERATURE_STOPS}, None),  # was 0.01
        Case({"temperature": math.nan, "stops": tm.TEMPERATURE_STOPS}, "temperature"),  # 0.01
        Case({"temperature": "a", "stops": tm.TEMPERATURE_STOPS}, "temperature"),
        Case({"temperature": 1.0, "stops": [0.0]}, "stops"),  # IndexError
    ]
)
def test_nearest_stop(case):
    stop = call_contract(tm.nearest_stop, **case.kwargs, bad=case.bad)
    if case.bad is None:
        t, stops = case.kwargs["temperature"], np.asarray(case.kwargs["stops"])
        assert stop in stops
        positive = stops[stops > 0]
        if t == math.inf:
            assert stop == positive.max()
        elif t > 0:
            distance = abs(math.log(stop) - math.log(t))
            assert (distance <= np.abs(np.log(positive) - math.log(t)) + 1e-12).all()


@fuzzes(tm.curve_temperatures)
@given(cases({"count": st.integers(1, 500)}, {"count": counts(tm.MAX_CURVE_POINTS)}))
@regressions([Case({"count": -1}, "count"), Case({"count": 10**12}, "count")])  # 8 TB asked for
def test_curve_temperatures(case):
    temps = call_contract(tm.curve_temperatures, **case.kwargs, bad=case.bad)
    if case.bad is None:
        assert temps.size == case.kwargs["count"] and (np.diff(temps) > 0).all()
        assert temps[0] == tm.CURVE_RANGE[0]


@fuzzes(tm.temperature_curves)
@given(
    cases(
        {
            "logits": logit_vectors,
            "temperatures": st.one_of(st.none(), float_vectors(temperatures, max_size=5)),
        },
        {
            "logits": bad_logits,
            "temperatures": st.one_of(hostile_arrays(), st.just(over_cap_array((10**7,)))),
        },
    )
)
@regressions(
    [
        Case({"logits": np.zeros((2, 2)), "temperatures": None}, "logits"),  # float() of an array
        Case({"logits": np.zeros(1), "temperatures": []}, "temperatures"),  # np.stack of nothing
        Case({"logits": np.zeros(1), "temperatures": [1j]}, "temperatures"),
        Case({"logits": np.zeros(1), "temperatures": [[1.0, 2.0], [3.0]]}, "temperatures"),
        Case({"logits": np.zeros(1), "temperatures": np.float64(1.0)}, "temperatures"),  # 0-d
        Case({"logits": np.zeros(1), "temperatures": [10**400]}, "temperatures"),
        Case({"logits": np.zeros(1), "temperatures": [np.longdouble("1e4000")]}, "temperatures"),
        Case(  # refused before 10,001 softmax rows are made
            {"logits": np.zeros(1), "temperatures": over_cap_array((tm.MAX_CURVE_POINTS + 1,))},
            "temperatures",
        ),
    ]
)
def test_temperature_curves(case):
    bad = {"temperatures": ("temperatures", "temperature")}.get(case.bad, case.bad)
    curves = call_contract(tm.temperature_curves, **case.kwargs, bad=bad)
    if case.bad is None:
        z = case.kwargs["logits"]
        for t, row in zip(curves.temperatures, curves.probs, strict=True):
            np.testing.assert_array_equal(row, softmax(z, t))
        assert (curves.entropy_nats <= curves.max_entropy + 1e-9).all()


@st.composite
def probability_vectors(draw):
    return softmax(draw(logit_vectors))


@fuzzes(tm.summarize)
@given(cases({"probs": probability_vectors()}, {"probs": bad_logits}))
@regressions([Case({"probs": [[0.5, 0.5]]}, "probs"), Case({"probs": "ab"}, "probs")])
def test_summarize(case):
    summary = call_contract(tm.summarize, **case.kwargs, bad=case.bad)
    if case.bad is None:
        p = case.kwargs["probs"]
        assert summary.top_probability == p.max() and p[summary.top_index] == p.max()
        assert 1 - 1e-9 <= summary.perplexity <= (p > 0).sum() * (1 + 1e-9)


@fuzzes(tm.step_table)
@given(
    cases(
        {"logits": logit_vectors, "temperature": temperatures},
        {"logits": bad_logits, "temperature": bad_temperatures},
    )
)
@regressions(
    [
        Case({"logits": [[1.0, 2.0], [3.0]], "temperature": 1.0}, "logits"),
        Case({"logits": [0.0, 1.0], "temperature": "1"}, "temperature"),
    ]
)
def test_step_table(case):
    # At T = 0 the division columns are NaN, as documented: the probabilities never are.
    result = outcome(tm.step_table, **case.kwargs, bad=case.bad, allow_nan=True)
    if result.returned:
        table = result.value
        assert not np.isnan(table["probability"]).any() and not np.isnan(table["z"]).any()
        if case.kwargs["temperature"] != 0:
            for column in table.values():
                assert not np.isnan(column).any()
    if case.bad is None:
        np.testing.assert_array_equal(
            table["probability"], softmax(case.kwargs["logits"], case.kwargs["temperature"])
        )


@fuzzes(tm.compare)
@given(
    cases(
        {
            "logits": logit_vectors,
            "temperature_a": temperatures,
            "temperature_b": temperatures,
        },
        {
            "logits": bad_logits,
            "temperature_a": bad_temperatures,
            "temperature_b": bad_temperatures,
        },
    )
)
@regressions(
    [Case({"logits": np.zeros((2, 2)), "temperature_a": 1.0, "temperature_b": 2.0}, "logits")]
)
def test_compare(case):
    result = call_contract(tm.compare, **case.kwargs, bad=case.bad)
    if case.bad is None:
        assert result.kl_ab >= 0 and result.kl_ba >= 0 and 0 <= result.total_variation <= 1


SUMMARY = tm.summarize([0.25, 0.75])


@fuzzes(tm.describe)
@given(
    cases(
        {"temperature": temperatures, "summary": st.just(SUMMARY), "n_finite": st.integers(1, 100)},
        {
            "temperature": bad_temperatures,
            "summary": st.one_of(junk, st.just(tm.Curves)),
            "n_finite": counts(100),
        },
    )
)
@regressions(
    [
        Case({"temperature": math.nan, "summary": SUMMARY, "n_finite": 2}, "temperature"),
        Case({"temperature": 1.0, "summary": None, "n_finite": 2}, "summary"),
        Case({"temperature": "2", "summary": SUMMARY, "n_finite": 2}, "temperature"),
    ]
)
def test_describe(case):
    text = call_contract(tm.describe, **case.kwargs, bad=case.bad)
    if case.bad is None:
        assert isinstance(text, str) and "nan" not in text.lower() and text.endswith(".")


@fuzzes(tm.sweep_frames, slow=True)
@given(
    cases(
        {"logits": logit_vectors, "count": st.integers(1, 30)},
        {"logits": bad_logits, "count": counts(tm.MAX_CURVE_POINTS)},
    )
)
@regressions([Case({"logits": [0.0, 1.0], "count": 0}, "count")])  # np.stack of nothing
def test_sweep_frames(case):
    frames = call_contract(tm.sweep_frames, **case.kwargs, bad=case.bad)
    if case.bad is None:
        temps, probs, summaries = frames
        assert len(temps) == len(probs) == len(summaries) == case.kwargs["count"]
        np.testing.assert_allclose(probs.sum(axis=1), 1.0, atol=1e-12)


@fuzzes(tm.live_formula)
@given(
    cases(
        {
            "logits": logit_vectors,
            "temperature": temperatures,
            "max_terms": st.integers(1, 6),
        },
        {"logits": bad_logits, "temperature": bad_temperatures, "max_terms": counts(100)},
    )
)
@regressions(
    [
        Case({"logits": [0.0, 1.0], "temperature": 0.5, "max_terms": 0}, "max_terms"),
        Case({"logits": None, "temperature": 1.0, "max_terms": 4}, "logits"),
    ]
)
def test_live_formula(case):
    latex = call_contract(tm.live_formula, **case.kwargs, bad=case.bad)
    if case.bad is None:
        assert latex.count("{") == latex.count("}") and "nan" not in latex


def test_every_public_function_has_a_fuzzer():
    assert unfuzzed(tm) == []
