"""Fuzzing explorer.quiz: the reveal's panels from hostile logits and temperatures, the number
formats from hostile numbers, and the question lookups from what is not a question."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from explorer import quiz as module
from explorer.core import softmax
from explorer.quiz import KEYS, QUESTIONS, Panel, Question
from tests.fuzz.hostile import (
    call_contract,
    cases,
    fuzzes,
    hostile_arrays,
    hostile_floats,
    hostile_ints,
    hostile_scalars,
    hostile_text,
    junk,
    odd_numbers,
    unfuzzed,
    wrong_kinds,
)

logits = st.lists(
    st.one_of(st.floats(-1e308, 1e308), st.just(-math.inf)), min_size=1, max_size=6
).filter(lambda z: any(math.isfinite(v) for v in z))
temperatures = st.one_of(st.floats(0), st.sampled_from([0.0, 5e-324, 1.0, math.inf]))


@fuzzes(module.panel)
@given(
    cases(
        {"name": hostile_text, "logits": logits, "temperature": temperatures},
        {
            "name": junk.filter(lambda n: not isinstance(n, str)),
            "logits": hostile_arrays(),
            "temperature": hostile_scalars(),
        },
    )
)
def test_panel(case):
    bars = call_contract(module.panel, **case.kwargs, bad=case.bad)
    if case.bad is None:
        assert isinstance(bars, Panel) and abs(sum(bars.probs) - 1) < 1e-12
        assert bars.probs == tuple(softmax(case.kwargs["logits"], case.kwargs["temperature"]))
        assert 0 <= bars.entropy <= math.log(len(bars.probs)) + 1e-12


@fuzzes(module.number)
@given(st.one_of(hostile_floats, odd_numbers, junk))
def test_number(value):
    text = call_contract(module.number, value, bad="value")
    if text is not None:
        assert "nan" not in text and "-" not in text
        if math.isfinite(float(value)):
            assert float(text.replace("−", "-")) == float(f"{float(value):g}")


@fuzzes(module.listing)
@given(
    st.integers(0, 4).flatmap(
        lambda n: cases(
            {
                "labels": st.lists(hostile_text, min_size=n, max_size=n),
                "values": st.lists(
                    hostile_floats.filter(lambda v: not math.isnan(v)), min_size=n, max_size=n
                ),
                "digits": st.one_of(st.none(), st.integers(0, 17)),
            },
            {
                "labels": st.one_of(junk, st.lists(junk, min_size=n, max_size=n)),
                "values": st.one_of(
                    st.lists(st.one_of(junk, st.just(math.nan)), min_size=n, max_size=n),
                    st.lists(st.floats(), min_size=n + 1, max_size=n + 1),
                ),
                "digits": st.one_of(hostile_ints(), wrong_kinds()),
            },
        )
    )
)
def test_listing(case):
    bad = ("labels", "values") if case.bad in ("labels", "values") else case.bad
    text = call_contract(module.listing, **case.kwargs, bad=bad)
    if case.bad is None:
        labels, values = case.kwargs["labels"], case.kwargs["values"]
        shown = [module.number(v) for v in values]
        if case.kwargs["digits"] is None:
            assert text == ", ".join(f"{a} {b}" for a, b in zip(labels, shown, strict=True))


@fuzzes(module.question)
@given(st.one_of(st.sampled_from(KEYS), hostile_text, junk))
def test_question(key):
    found = call_contract(module.question, key, bad="key")
    if found is not None:
        assert isinstance(found, Question) and found.key == key


@fuzzes(module.is_right)
@given(
    cases(
        {"item": st.sampled_from(QUESTIONS), "choice": st.integers(0, 2)},
        {"item": junk, "choice": st.one_of(hostile_ints(), wrong_kinds())},
    )
)
def test_is_right(case):
    right = call_contract(module.is_right, **case.kwargs, bad=case.bad)
    if case.bad is None:
        assert right == (case.kwargs["choice"] == case.kwargs["item"].answer)


def test_every_question_is_consistent():
    """The data the functions above serve: one right answer, panels that are distributions."""
    for item in QUESTIONS:
        assert 0 <= item.answer < len(item.choices) and item.panels
        for bars in item.panels:
            assert not np.isnan(bars.probs).any() and abs(sum(bars.probs) - 1) < 1e-12


def test_every_public_function_has_a_fuzzer():
    assert unfuzzed(module) == []
