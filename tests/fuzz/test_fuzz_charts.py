"""Fuzzing explorer.charts: the Explorer's figures and the helpers every chart module shares,
from small valid data (their traces hold it, no NaN) and from hostile data, argument by argument.
"""

from __future__ import annotations

import dataclasses
import functools
import math

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from explorer import charts as module
from explorer import temperature
from explorer.core import log_softmax
from tests.fuzz.charts_common import (
    HOSTILE_LABELS,
    LABELS,
    VALID_PERCENT,
    bad_indices,
    bad_numbers,
    labels_for,
)
from tests.fuzz.hostile import (
    Case,
    call_contract,
    cases,
    corrupt_fields,
    fuzzes,
    hostile_arrays,
    hostile_floats,
    hostile_ints,
    hostile_scalars,
    hostile_text,
    junk,
    odd_numbers,
    over_cap_array,
    probability_vectors,
    regressions,
    sized_cases,
    unfuzzed,
    wrong_kinds,
)

sizes = st.integers(1, 5)
temperatures = st.one_of(st.floats(0), st.sampled_from([0.0, 5e-324, 1.0, math.inf]))


@fuzzes(module.plain)
@given(st.one_of(st.lists(st.one_of(st.sampled_from(LABELS), hostile_text), max_size=4), junk))
def test_plain(labels):
    shown = call_contract(module.plain, labels, bad="labels")
    if shown is not None:
        assert len(shown) == len(labels) and all("<" not in text for text in shown)


@fuzzes(module.class_color, module.class_dash)
@given(st.one_of(hostile_ints(), wrong_kinds(), odd_numbers))
def test_class_color_and_dash(index):
    color = call_contract(module.class_color, index, bad="index")
    dash = call_contract(module.class_dash, index, bad="index")
    assert (color is None) == (dash is None)
    if color is not None:
        assert color in module.PALETTE and dash in ("solid", "dash", "dot")


@fuzzes(module.format_share)
@given(st.one_of(st.floats(0, 1), hostile_floats, odd_numbers, junk))
def test_format_share(probability):
    text = call_contract(module.format_share, probability, bad="probability")
    if text is not None:
        assert text.endswith("%") and "nan" not in text


@fuzzes(module.format_temperature)
@given(st.one_of(temperatures, hostile_scalars()))
def test_format_temperature(value):
    text = call_contract(module.format_temperature, value, bad="temperature")
    if text is not None:
        assert text == "∞" or float(text) == float(f"{float(value):g}")


@fuzzes(module.bar_trace)
@given(
    sized_cases(
        sizes,
        lambda n: {
            "labels": labels_for(n),
            "probs": probability_vectors(n, n),
            "name": hostile_text,
            "color": st.sampled_from(module.PALETTE),
        },
        {
            "labels": HOSTILE_LABELS,
            "probs": hostile_arrays(),
            "name": junk.filter(lambda v: not isinstance(v, str)),
            "color": junk.filter(lambda v: not isinstance(v, str)),
        },
        VALID_PERCENT,
    )
)
def test_bar_trace(case):
    bad = {"labels": ("labels", "probs"), "name": "name", "color": "color"}.get(case.bad, case.bad)
    bars = call_contract(module.bar_trace, **case.kwargs, bad=bad)
    if case.bad is None:
        np.testing.assert_array_equal(bars.y, case.kwargs["probs"])
        assert list(bars.text) == [f"{p:.3f}" for p in case.kwargs["probs"]]


@fuzzes(module.probability_bars, slow=True)
@given(
    sized_cases(
        sizes,
        lambda n: {
            "labels": labels_for(n),
            "probs": probability_vectors(n, n),
            "temperature": temperatures,
            "n_finite": st.integers(1, n),
            "reference": st.one_of(st.none(), probability_vectors(n, n)),
            "zoom": st.booleans(),
        },
        {
            "labels": HOSTILE_LABELS,
            "probs": hostile_arrays(),
            "temperature": bad_numbers(0),
            "n_finite": bad_indices(10**9 + 1).filter(lambda n: n != 0),
            "reference": hostile_arrays().filter(lambda r: r is not None),
        },
        VALID_PERCENT,
    )
)
def test_probability_bars(case):
    bad = {"labels": ("labels", "probs"), "reference": "probs"}.get(case.bad, case.bad)
    fig = call_contract(module.probability_bars, **case.kwargs, bad=bad)
    if case.bad is None:
        np.testing.assert_array_equal(fig.data[-1].y, case.kwargs["probs"])
        assert fig.layout.shapes[0].y0 == 1 / case.kwargs["n_finite"]


logit_vectors = {
    n: hnp.arrays(
        np.float64, n, elements=st.one_of(st.floats(-1e308, 1e308), st.just(-math.inf))
    ).filter(lambda z: np.isfinite(z).any())
    for n in range(1, 6)
}


@functools.cache
def _comparison(key):
    logits, a, b = key
    return temperature.compare(list(logits), a, b)


@st.composite
def comparisons(draw):
    n = draw(sizes)
    z = draw(logit_vectors[n])
    a, b = draw(temperatures), draw(temperatures)
    return n, temperature.compare(z, a, b), a, b


@fuzzes(module.comparison_bars, slow=True)
@given(
    comparisons().flatmap(
        lambda made: cases(
            {
                "labels": labels_for(made[0]),
                "comparison": st.just(made[1]),
                "temperature_a": st.just(made[2]),
                "temperature_b": st.just(made[3]),
            },
            {
                "labels": HOSTILE_LABELS,
                "comparison": st.one_of(junk, corrupt_fields(st.just(made[1]))),
                "temperature_a": bad_numbers(0),
                "temperature_b": bad_numbers(0),
            },
            VALID_PERCENT,
        )
    )
)
def test_comparison_bars(case):
    bad = {"labels": ("labels", "probs"), "comparison": ("comparison", "probs")}.get(
        case.bad, case.bad
    )
    fig = call_contract(module.comparison_bars, **case.kwargs, bad=bad)
    if case.bad is None:
        np.testing.assert_array_equal(fig.data[0].y, case.kwargs["comparison"].probs_a)
        np.testing.assert_array_equal(fig.data[1].y, case.kwargs["comparison"].probs_b)


@st.composite
def log_lines(draw):
    n = draw(sizes)
    z = draw(logit_vectors[n])
    temps = draw(st.lists(st.one_of(st.floats(1e-3, 1e3), st.just(math.inf)), max_size=3))
    return n, z, [(t, log_softmax(z, t)) for t in temps]


@fuzzes(module.log_probability_lines, slow=True)
@given(
    log_lines().flatmap(
        lambda made: cases(
            {"logits": st.just(made[1]), "labels": labels_for(made[0]), "lines": st.just(made[2])},
            {
                "logits": hostile_arrays(),
                "labels": HOSTILE_LABELS,
                "lines": st.one_of(
                    junk,
                    st.lists(
                        st.tuples(hostile_scalars(), hostile_arrays()), min_size=1, max_size=2
                    ),
                    st.just([(1.0, made[1])] * 4),
                ),
            },
            VALID_PERCENT,
        )
    )
)
def test_log_probability_lines(case):
    bad = {"logits": ("logits",), "labels": ("labels", "logits"), "lines": ("lines",)}.get(
        case.bad, case.bad
    )
    fig = call_contract(module.log_probability_lines, **case.kwargs, bad=bad)
    if case.bad is None:
        z, lines = case.kwargs["logits"], case.kwargs["lines"]
        assert len(fig.data) == 2 * len(lines)
        for (_, log_q), points in zip(lines, fig.data[1::2], strict=True):
            np.testing.assert_array_equal(points.x, z[np.isfinite(z)])
            np.testing.assert_array_equal(points.y, log_q[np.isfinite(z)])


CURVES = temperature.temperature_curves([0.0, 1.0], [0.5, 1.0, 2.0])
_SWEEP_FRAMES = temperature.sweep_frames([0.0, 1.0], 2)
SWEEP = dict(
    labels=["a", "b"],
    temperatures=_SWEEP_FRAMES[0],
    probs=_SWEEP_FRAMES[1],
    summaries=_SWEEP_FRAMES[2],
    n_finite=2,
)


@st.composite
def curves(draw):
    n = draw(sizes)
    z = draw(logit_vectors[n])
    return n, temperature.temperature_curves(z)


@fuzzes(module.temperature_curves, slow=True)
@given(
    curves().flatmap(
        lambda made: st.fixed_dictionaries(
            {"curves": st.just(made[1]), "labels": labels_for(made[0]), "temperature": temperatures}
        )
    )
)
def test_temperature_curves(kwargs):
    fig = call_contract(module.temperature_curves, **kwargs, bad=None)
    for i in range(len(kwargs["labels"])):  # each class's curve holds its probabilities
        shown = [trace for trace in fig.data if trace.mode == "lines"][i]
        np.testing.assert_array_equal(shown.y, kwargs["curves"].probs[:, i])


@fuzzes(module.temperature_curves, slow=True)
@given(
    curves().flatmap(
        lambda made: cases(
            {
                "curves": st.just(made[1]),
                "labels": labels_for(made[0]),
                "temperature": temperatures,
            },
            {
                "curves": st.one_of(junk, corrupt_fields(st.just(made[1]))),
                "labels": HOSTILE_LABELS,
                "temperature": bad_numbers(0),
            },
            0,
        )
    )
)
@regressions(
    [  # no argument checks: AttributeError, IndexError, math domain error
        Case({"curves": None, "labels": ["a"], "temperature": 1.0}, "curves"),
        Case({"curves": CURVES, "labels": ["a", "b", "c"], "temperature": 1.0}, "labels"),
        Case({"curves": CURVES, "labels": ["a", "b"], "temperature": math.nan}, "temperature"),
        Case(
            {
                "curves": dataclasses.replace(CURVES, temperatures=np.array([0.0, 1.0])),
                "labels": ["a", "b"],
                "temperature": 1.0,
            },
            "curves",
        ),
    ]
)
def test_temperature_curves_refuses_hostile_input_by_name(case):
    bad = {"labels": ("labels", "curves")}.get(case.bad, case.bad)
    call_contract(module.temperature_curves, **case.kwargs, bad=bad)


@st.composite
def sweeps(draw):
    n = draw(sizes)
    z = draw(logit_vectors[n])
    temps, probs, summaries = temperature.sweep_frames(z, draw(st.integers(1, 2)))
    return n, temps, probs, summaries, int(np.isfinite(z).sum())


def _sweep_kwargs(made):
    return st.fixed_dictionaries(
        {
            "labels": labels_for(made[0]),
            "temperatures": st.just(made[1]),
            "probs": st.just(made[2]),
            "summaries": st.just(made[3]),
            "n_finite": st.just(made[4]),
            "frame_ms": st.integers(1, 1000),
        }
    )


@fuzzes(module.sweep_animation, slow=True)
@given(sweeps().flatmap(_sweep_kwargs))
def test_sweep_animation(kwargs):
    fig = call_contract(module.sweep_animation, **kwargs, bad=None)
    assert len(fig.frames) == len(kwargs["temperatures"])
    for frame, probs in zip(fig.frames, kwargs["probs"], strict=True):
        np.testing.assert_array_equal(frame.data[0].y, probs)


@fuzzes(module.sweep_animation, slow=True)
@given(
    sweeps().flatmap(
        lambda made: _sweep_kwargs(made).flatmap(
            lambda valid: cases(
                {name: st.just(value) for name, value in valid.items()},
                {
                    "labels": HOSTILE_LABELS,
                    "temperatures": hostile_arrays(),
                    "probs": hostile_arrays(),
                    "summaries": st.one_of(junk, st.lists(junk, min_size=1, max_size=2)),
                    "n_finite": st.one_of(hostile_ints(), wrong_kinds()),
                    "frame_ms": st.one_of(hostile_ints(), wrong_kinds()),
                },
                0,
            )
        )
    )
)
@regressions(
    [  # no argument checks: AttributeError, IndexError, TypeError not naming the argument
        Case({**SWEEP, "summaries": None}, "summaries"),
        Case({**SWEEP, "temperatures": []}, "temperatures"),
        Case({**SWEEP, "probs": np.array([])}, "probs"),
        Case({**SWEEP, "temperatures": over_cap_array((module.MAX_FRAMES + 1,))}, "temperatures"),
    ]
)
def test_sweep_animation_refuses_hostile_input_by_name(case):
    bad = {"labels": ("labels", "probs", "n_finite")}.get(case.bad, case.bad)
    call_contract(module.sweep_animation, **case.kwargs, bad=bad)


def test_every_public_function_has_a_fuzzer():
    assert unfuzzed(module) == []
