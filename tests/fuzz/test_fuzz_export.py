"""Fuzzing explorer.export: every format read back gives exactly the state's numbers, whatever
the labels and logits; the snippet, run, computes the page's probabilities bit for bit."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import math

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from explorer import export as module
from explorer.export import COLUMNS, IMAGE_SCALE
from tests.fuzz.explorer_states import valid_states
from tests.fuzz.hostile import (
    call_contract,
    cases,
    fuzzes,
    hostile_floats,
    hostile_text,
    junk,
    odd_numbers,
    unfuzzed,
)

states = cases({"state": valid_states()}, {"state": junk})
temperatures = cases(
    {"temperature": st.one_of(st.floats(0), st.sampled_from([0.0, 1e-5, 1.5, math.inf]))},
    {"temperature": st.one_of(hostile_floats, odd_numbers, junk)},
)


@fuzzes(module.file_stem)
@given(temperatures)
def test_file_stem(case):
    stem = call_contract(module.file_stem, **case.kwargs, bad=case.bad)
    if stem is not None:
        shown = stem.removeprefix("softmax-T-")
        assert float(shown) == float(f"{float(case.kwargs['temperature']):g}")


@fuzzes(module.image_options)
@given(temperatures)
def test_image_options(case):
    options = call_contract(module.image_options, **case.kwargs, bad=case.bad)
    if options is not None:
        assert options["scale"] == IMAGE_SCALE and options["filename"].startswith("softmax-T-")


@fuzzes(module.rows)
@given(states)
def test_rows(case):
    table = call_contract(module.rows, **case.kwargs, bad=case.bad)
    if case.bad is None:
        state = case.kwargs["state"]
        assert [row["label"] for row in table] == list(state.labels)
        assert [row["probability"] for row in table] == state.probs.tolist()


@fuzzes(module.spreadsheet_safe)
@given(st.one_of(hostile_text, hostile_text.map(lambda t: "=" + t), junk))
def test_spreadsheet_safe(label):
    safe = call_contract(module.spreadsheet_safe, label, bad="label")
    if safe is not None:
        runs = label[:1] in ("=", "+", "-", "@", "\t", "\r")
        assert safe == ("'" + label if runs else label)


@fuzzes(module.to_csv)
@given(states)
def test_to_csv(case):
    text = call_contract(module.to_csv, **case.kwargs, bad=case.bad)
    if case.bad is None:
        state = case.kwargs["state"]
        header, *body = list(csv.reader(io.StringIO(text, newline="")))
        assert tuple(header) == COLUMNS and len(body) == len(state.logits)
        assert [float(row[1]) for row in body] == list(state.logits)
        assert [float(row[2]) for row in body] == state.probs.tolist()
        assert all(float(row[4]) == state.temperature for row in body)
        for label, row in zip(state.labels, body, strict=True):  # formulas are defused
            runs = label[:1] in ("=", "+", "-", "@", "\t", "\r")
            assert row[0] == ("'" + label if runs else label)


@fuzzes(module.to_json)
@given(states)
def test_to_json(case):
    text = call_contract(module.to_json, **case.kwargs, bad=case.bad)
    if case.bad is None:
        state = case.kwargs["state"]
        document = json.loads(text)  # strict JSON: no NaN, no bare Infinity
        assert [c["label"] for c in document["classes"]] == list(state.labels)
        assert [float(c["logit"]) for c in document["classes"]] == list(state.logits)
        assert float(document["temperature"]) == state.temperature


@fuzzes(module.numpy_snippet)
@given(states)
def test_numpy_snippet(case):
    code = call_contract(module.numpy_snippet, **case.kwargs, bad=case.bad)
    if case.bad is None:
        state = case.kwargs["state"]
        namespace: dict = {}
        with contextlib.redirect_stdout(io.StringIO()):
            exec(compile(code, "<snippet>", "exec"), namespace)  # the page's own text
        np.testing.assert_array_equal(namespace["probs"], state.probs)
        assert namespace["labels"] == list(state.labels)


def test_every_public_function_has_a_fuzzer():
    assert unfuzzed(module) == []
