"""Export: CSV and JSON carry the page's exact numbers and keep labels as data; the NumPy snippet,
run in a fresh namespace, gives the page's probabilities bit for bit and does nothing else.

Expected probabilities come from scipy.special.softmax (limits written out here); "exactly"
means equal to the page's own ``state.probs``, which is what the snippet promises to reproduce.
"""

from __future__ import annotations

import ast
import builtins
import csv
import io
import json
import math
from dataclasses import replace

import numpy as np
import pytest
import scipy.special
import scipy.stats
from hypothesis import given, settings
from hypothesis import strategies as st

from explorer.export import (
    COLUMNS,
    file_stem,
    image_options,
    numpy_snippet,
    spreadsheet_safe,
    to_csv,
    to_json,
)
from explorer.state import ExplorerState

HOSTILE = (
    '"); import os; os.system("x")#',
    "'''; __import__('os')#",
    '=HYPERLINK("x")',
    "\\n\\\"\\'",
    "+1 @a -b\u2028c",
    "</script><b>x",
)


def oracle(logits, temperature: float) -> np.ndarray:
    """softmax(z / T) by scipy over the unmasked logits; T = 0 and T = ∞ written out."""
    z = np.asarray(logits, dtype=float)
    finite = np.isfinite(z)
    probs = np.zeros_like(z)
    if temperature == 0:
        top = z == z.max()
        return top / top.sum()
    if math.isinf(temperature):
        return finite / finite.sum()
    with np.errstate(over="ignore"):  # a spread beyond 1.8e308: the gap is -inf, its exp 0
        probs[finite] = scipy.special.softmax(z[finite] / temperature)
    return probs


STATES = {
    "default": ExplorerState(),
    "masked": ExplorerState(logits=(3.0, -math.inf, 1.0), labels=("a", "b", "c")),
    "greedy tie": ExplorerState(
        logits=(2.0, 5.0, 5.0, -math.inf), labels=("a", "b", "c", "d"), temperature=0.0
    ),
    "T = inf": ExplorerState(logits=(9.0, -math.inf, 1.0, 0.0), temperature=math.inf,
                             labels=("a", "b", "c", "d")),
    "huge logits": ExplorerState(logits=(1e300, -1e300, 1e300 * 0.999), temperature=1e298),
    "huge at T = 1": ExplorerState(logits=(1e300, 0.0, -5.0)),
    "tiny T": ExplorerState(logits=(1.0, 0.5, -2.0), temperature=1e-308),
    "spread beyond floats": ExplorerState(logits=(1.7e308, -1.7e308), labels=("a", "b"),
                                          temperature=1e307),
    "spread beyond floats, T = 1": ExplorerState(logits=(1.7e308, -1.7e308, 1.6e308),
                                                 temperature=1.0),
    "probabilities": ExplorerState(
        logits=(math.log(0.25), math.log(0.75)), labels=("a", "b"), input_mode="probabilities"
    ),
    "many": ExplorerState(
        logits=tuple(np.linspace(-3, 7, 12)), labels=tuple("abcdefghijkl"), temperature=0.37
    ),
}  # fmt: skip


def run_snippet(code: str) -> dict:
    """Exec ``code`` in a fresh namespace whose only import is numpy and only builtins are
    those the snippet needs; any other import is recorded and refused."""
    attempts: list[str] = []

    def guarded_import(name, *args, **kwargs):
        attempts.append(name)
        if name != "numpy":
            raise ImportError(f"the snippet tried to import {name}")
        return builtins.__import__(name, *args, **kwargs)

    allowed = {"__import__": guarded_import, "print": lambda *a: None, "dict": dict, "zip": zip,
               "float": float}  # fmt: skip
    namespace: dict = {"__builtins__": allowed}
    exec(compile(code, "<snippet>", "exec"), namespace)
    assert attempts == ["numpy"]
    return namespace


# --- the snippet ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", STATES)
def test_the_snippet_reproduces_the_page_exactly(name):
    state = STATES[name]
    namespace = run_snippet(numpy_snippet(state))
    np.testing.assert_array_equal(namespace["probs"], state.probs)
    assert namespace["labels"] == list(state.labels)
    np.testing.assert_array_equal(namespace["logits"], state.logits)
    expected = oracle(state.logits, state.temperature)
    np.testing.assert_allclose(namespace["probs"], expected, rtol=1e-12, atol=1e-300)


def test_the_snippet_is_short_and_special_cases_only_when_needed():
    plain = numpy_snippet(ExplorerState())
    assert len(plain.splitlines()) <= 12
    for name in STATES:  # readable in the page's code box without scrolling sideways
        assert max(map(len, numpy_snippet(STATES[name]).splitlines())) <= 80, name
    assert "errstate" not in plain and "halves" not in plain
    assert "T = 1.0" in plain and "np.array([2.0, 1.0, 0.1])" in plain
    assert "errstate" in numpy_snippet(STATES["tiny T"])
    assert "halves" in numpy_snippet(STATES["spread beyond floats"])
    greedy = numpy_snippet(STATES["greedy tie"])
    assert "T = 0, greedy" in greedy and "-np.inf" in greedy and "exp" not in greedy
    assert "np.isfinite" in numpy_snippet(STATES["T = inf"])
    assert "log p" in numpy_snippet(STATES["probabilities"])


def test_the_snippet_prints_the_distribution(capsys):
    exec(numpy_snippet(STATES["masked"]), {})
    printed = capsys.readouterr().out
    assert printed.startswith("{'a': ") and "'b': 0.0" in printed


finite_logits = st.one_of(st.floats(-1e300, 1e300), st.sampled_from([1.7e308, -1.7e308, 0.0]))


@settings(max_examples=150, deadline=None)
@given(
    logits=st.lists(st.one_of(finite_logits, st.just(-math.inf)), min_size=2, max_size=12).filter(
        lambda z: any(math.isfinite(v) for v in z)
    ),
    temperature=st.one_of(
        st.just(0.0), st.just(math.inf), st.floats(1e-300, 1e6), st.floats(1e-3, 1e3)
    ),
)
def test_the_snippet_is_exact_for_any_state(logits, temperature):
    state = replace(
        ExplorerState(), logits=tuple(logits), labels=tuple("abcdefghijkl"[: len(logits)]),
        temperature=temperature,
    )  # fmt: skip
    namespace = run_snippet(numpy_snippet(state))
    np.testing.assert_array_equal(namespace["probs"], state.probs)


@pytest.mark.parametrize("label", HOSTILE)
def test_hostile_labels_stay_data_in_the_snippet(label):
    state = replace(STATES["masked"], labels=(label, "b", "c"))
    code = numpy_snippet(state)
    tree = ast.parse(code)
    # Nothing but one import of numpy, assignments, and calls of numpy or array methods.
    imports = [node for node in ast.walk(tree) if isinstance(node, ast.Import | ast.ImportFrom)]
    assert [alias.name for node in imports for alias in node.names] == ["numpy"]
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            assert isinstance(func, ast.Attribute) or func.id in {"print", "dict", "zip"}, ast.dump(
                func
            )
    labels_node = next(
        node.value for node in tree.body
        if isinstance(node, ast.Assign) and node.targets[0].id == "labels"
    )  # fmt: skip
    assert ast.literal_eval(labels_node) == [label, "b", "c"]
    namespace = run_snippet(code)
    assert namespace["labels"][0] == label
    assert set(namespace) <= {"__builtins__", "np", "labels", "logits", "T", "weights", "probs"}


# --- CSV and JSON --------------------------------------------------------------------------------


def read_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


@pytest.mark.parametrize("name", STATES)
def test_csv_has_the_page_numbers_exactly(name):
    state = STATES[name]
    text = to_csv(state)
    assert text.splitlines()[0] == ",".join(COLUMNS)
    table = read_csv(text)
    assert [row["label"] for row in table] == list(state.labels)
    assert [float(row["logit"]) for row in table] == list(state.logits)
    np.testing.assert_array_equal([float(row["probability"]) for row in table], state.probs)
    at_one = np.array([float(row["probability_at_T1"]) for row in table])
    np.testing.assert_allclose(at_one, oracle(state.logits, 1.0), rtol=1e-12, atol=1e-300)
    assert {float(row["temperature"]) for row in table} == {state.temperature}
    expected_entropy = scipy.stats.entropy(oracle(state.logits, state.temperature))
    for row in table:
        assert float(row["entropy_nats"]) == pytest.approx(expected_entropy, rel=1e-9, abs=1e-12)


def test_csv_against_scipy_for_the_default():
    table = read_csv(to_csv(ExplorerState(temperature=2.0)))
    probs = [float(row["probability"]) for row in table]
    np.testing.assert_allclose(probs, scipy.special.softmax(np.array([2.0, 1.0, 0.1]) / 2.0))
    assert table[1]["logit"] == "1.0" and table[0]["temperature"] == "2.0"


def test_csv_keeps_hostile_labels_as_text_and_disarms_formulas():
    labels = ("=1+2", 'say "hi"', "-minus", "@at", "plain", "new\nline", "+x", "\tt")
    state = ExplorerState(logits=(1.0,) * 8, labels=labels)
    table = read_csv(to_csv(state))
    assert len(table) == 8
    read = [row["label"] for row in table]
    assert read == ["'=1+2", 'say "hi"', "'-minus", "'@at", "plain", "new\nline", "'+x", "'\tt"]
    assert [spreadsheet_safe(label) for label in labels] == read
    # Negative logits are numbers, not formulas: they are not prefixed.
    assert read_csv(to_csv(STATES["masked"]))[1]["logit"] == "-inf"


def strict_json(text: str):
    def refuse(constant):
        raise ValueError(f"not standard JSON: {constant}")

    return json.loads(text, parse_constant=refuse)


@pytest.mark.parametrize("name", STATES)
def test_json_is_standard_and_has_the_page_numbers_exactly(name):
    state = STATES[name]
    document = strict_json(to_json(state))
    assert set(document) == {"temperature", "entropy_nats", "classes"}
    assert float(document["temperature"]) == state.temperature
    classes = document["classes"]
    assert [c["label"] for c in classes] == list(state.labels)
    assert [float(c["logit"]) for c in classes] == list(state.logits)
    np.testing.assert_array_equal([c["probability"] for c in classes], state.probs)
    assert document["entropy_nats"] == pytest.approx(
        scipy.stats.entropy(oracle(state.logits, state.temperature)), rel=1e-9, abs=1e-12
    )


def test_json_writes_infinities_as_strings_and_labels_as_data():
    state = replace(STATES["T = inf"], labels=HOSTILE[:4])
    document = strict_json(to_json(state))
    assert document["temperature"] == "Infinity"
    assert document["classes"][1]["logit"] == "-Infinity"
    assert [c["label"] for c in document["classes"]] == list(HOSTILE[:4])


# --- file names and the chart's image button ------------------------------------------------------


def test_files_are_named_after_the_temperature():
    assert file_stem(1.5) == "softmax-T-1.5"
    assert file_stem(0.0) == "softmax-T-0"
    assert file_stem(100.0) == "softmax-T-100"
    assert file_stem(math.inf) == "softmax-T-inf"
    assert image_options(0.7) == {"format": "png", "filename": "softmax-T-0.7", "scale": 2}
