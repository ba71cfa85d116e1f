"""Fuzzing explorer.quiz_charts and explorer.digits_charts: the quiz's grouped bars and a digit's
image, from small valid data and from hostile data, argument by argument."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from explorer import digits_charts, quiz_charts
from tests.fuzz.charts_common import HOSTILE_LABELS, VALID_PERCENT, bad_indices, labels_for
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


@fuzzes(quiz_charts.panel_bars, slow=True)
@given(
    sized_cases(
        st.tuples(st.integers(1, 5), st.integers(1, 4)),
        lambda shape: {
            "labels": labels_for(shape[0]),
            "names": st.lists(hostile_text, min_size=shape[1], max_size=shape[1]),
            "probs": st.lists(
                probability_vectors(shape[0], shape[0]), min_size=shape[1], max_size=shape[1]
            ),
            "n_finite": st.integers(1, shape[0]),
        },
        {
            "labels": HOSTILE_LABELS,
            "names": st.one_of(junk, st.lists(hostile_text, min_size=5, max_size=6)),
            "probs": st.one_of(junk, st.lists(hostile_arrays(), min_size=1, max_size=4)),
            "n_finite": bad_indices(6).filter(lambda n: n != 5),
        },
        VALID_PERCENT,
    )
)
def test_panel_bars(case):
    # a short label list clashes with the probabilities (named probs) and n_finite
    bad = {"labels": ("labels", "probs", "n_finite"), "names": ("names", "name")}.get(
        case.bad, case.bad
    )
    fig = call_contract(quiz_charts.panel_bars, **case.kwargs, bad=bad)
    if case.bad is None:
        bars = fig.data[: len(case.kwargs["names"])]
        for trace, probs in zip(bars, case.kwargs["probs"], strict=True):
            np.testing.assert_array_equal(trace.y, probs)


@fuzzes(digits_charts.digit_image, slow=True)
@given(
    sized_cases(
        st.tuples(st.integers(1, 8), st.integers(1, 8)),
        lambda shape: {
            "image": hnp.arrays(np.float64, shape, elements=st.floats(0, 16)),
            "title": hostile_text,
            "height": st.integers(50, 5000),
        },
        {
            "image": hostile_arrays(),
            "title": junk.filter(lambda t: not isinstance(t, str)),
            "height": bad_indices(5001).filter(lambda h: not (isinstance(h, int) and h >= 50)),
        },
        VALID_PERCENT,
    )
)
def test_digit_image(case):
    fig = call_contract(digits_charts.digit_image, **case.kwargs, bad=case.bad)
    if case.bad is None:
        np.testing.assert_array_equal(fig.data[0].z, case.kwargs["image"])
        assert fig.layout.height == case.kwargs["height"]


def test_every_public_function_has_a_fuzzer():
    assert unfuzzed(quiz_charts) == [] and unfuzzed(digits_charts) == []
