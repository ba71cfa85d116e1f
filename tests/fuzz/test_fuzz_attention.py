"""Fuzzing explorer.attention: attention weights and the entropy-against-dimension experiment
with hostile queries, keys, dimensions, counts and seeds, sizes over the caps included. Valid
cases are checked against softmax's definition and the entropy's bounds [0, ln keys]."""

import math

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from explorer import attention
from tests.fuzz.hostile import (
    Case,
    call_contract,
    cases,
    counts,
    float_tables,
    fuzzes,
    hostile_arrays,
    junk,
    over_cap_array,
    regressions,
    unfuzzed,
)

components = st.one_of(st.floats(-1e150, 1e150), st.floats(-10, 10), st.sampled_from([0.0, 5e-324]))


@st.composite
def query_key_cases(draw):
    d = draw(st.integers(1, 4))
    queries = draw(float_tables(components, max_rows=3, max_columns=d, min_columns=d))
    keys = draw(float_tables(components, max_rows=4, max_columns=d, min_columns=d))
    if draw(st.booleans()):
        queries = queries[0]  # one query, 1-D
    over = st.sampled_from(
        [
            over_cap_array((attention.MAX_QUERIES + 1, d)),
            over_cap_array((1, attention.MAX_DIMENSION + 1)),
            over_cap_array((attention.MAX_KEYS + 1, d)),
        ]
    )
    return draw(
        cases(
            {"queries": st.just(queries), "keys": st.just(keys), "scale": st.booleans()},
            {
                "queries": st.one_of(hostile_arrays(), over),
                "keys": st.one_of(hostile_arrays(), over),
            },
        )
    )


@fuzzes(attention.attention_weights)
@given(query_key_cases())
@regressions(
    [
        Case({"queries": np.array([[1e150]]), "keys": np.array([[1e150]]), "scale": False}, None),
        Case({"queries": [[10**400]], "keys": [[1.0]], "scale": True}, "queries"),  # Overflow
        Case({"queries": np.array([[1j]]), "keys": [[1.0]], "scale": True}, "queries"),  # Complex
        # q · k = 2e308: "overflow encountered in matmul", then +inf scores
        Case(
            {"queries": np.array([1e308, 1e308]), "keys": [[0.0, 2.0]], "scale": False}, "queries"
        ),
    ]
)
def test_attention_weights(case):
    weights = call_contract(attention.attention_weights, **case.kwargs, bad=case.bad)
    if case.bad is None:
        q, k = np.atleast_2d(case.kwargs["queries"]), case.kwargs["keys"]
        assert weights.shape == (len(q), len(k)) and ((weights >= 0) & (weights <= 1)).all()
        np.testing.assert_allclose(weights.sum(axis=1), 1.0, atol=1e-12)
        if np.abs(q).max() < 1e3 and np.abs(k).max() < 1e3:  # the definition, directly
            scores = q @ k.T / (math.sqrt(q.shape[1]) if case.kwargs["scale"] else 1.0)
            expected = np.exp(scores - scores.max(axis=1, keepdims=True))
            expected /= expected.sum(axis=1, keepdims=True)
            np.testing.assert_allclose(weights, expected, rtol=1e-9, atol=1e-300)


def check_entropy(result, keys):
    for h in (result.scaled_entropy, result.unscaled_entropy):
        assert ((h >= 0) & (h <= math.log(keys) + 1e-9)).all()
    for m in (result.scaled_max_weight, result.unscaled_max_weight):
        assert ((m >= 1 / keys - 1e-12) & (m <= 1)).all()


@fuzzes(attention.entropy_against_dimension)
@given(
    cases(
        {
            "dimensions": st.lists(st.integers(1, 64), min_size=1, max_size=4),
            "keys": st.integers(2, 8),
            "queries": st.integers(1, 8),
            "seed": st.integers(0, 2**64),
        },
        {
            "dimensions": st.one_of(
                junk,
                hostile_arrays(),
                st.lists(counts(attention.MAX_DIMENSION), min_size=1, max_size=3),
                st.just(list(range(1, attention.MAX_DIMENSION_COUNT + 2))),
                st.just([attention.MAX_DIMENSION]),  # over MAX_SCORE_DRAWS with the others
            ),
            "keys": counts(attention.MAX_KEYS),
            "queries": counts(attention.MAX_QUERIES),
            "seed": st.one_of(junk, st.integers(max_value=-1)),
        },
    )
)
@regressions(
    [
        Case({"dimensions": 1.5, "keys": 2, "queries": 1, "seed": 0}, "dimensions"),  # not iterable
        Case({"dimensions": "12", "keys": 2, "queries": 1, "seed": 0}, "dimensions"),
    ]
)
def test_entropy_against_dimension(case):
    # A draw count over MAX_SCORE_DRAWS is refused as "queries × (keys + 1) × d": it names all.
    bad = case.bad and (case.bad, "queries × (keys + 1) × d")
    result = call_contract(attention.entropy_against_dimension, **case.kwargs, bad=bad)
    if case.bad is None:
        check_entropy(result, case.kwargs["keys"])
        assert result.dimensions.tolist() == list(case.kwargs["dimensions"])


@fuzzes(attention.one_query)
@given(
    cases(
        {
            # Small sizes keep it quick; the caps themselves are tried on their own.
            "dimension": st.one_of(st.integers(1, 64), st.just(attention.MAX_DIMENSION)),
            "keys": st.one_of(st.integers(1, 16), st.just(attention.MAX_KEYS)),
            "seed": st.integers(0, 2**64),
        },
        {
            "dimension": counts(attention.MAX_DIMENSION),
            "keys": counts(attention.MAX_KEYS),
            "seed": st.one_of(junk, st.integers(max_value=-1)),
        },
    )
)
def test_one_query(case):
    result = call_contract(attention.one_query, **case.kwargs, bad=case.bad)
    if case.bad is None:
        assert result.scores.shape == (case.kwargs["keys"],)
        for weights in (result.scaled, result.unscaled):
            np.testing.assert_allclose(weights.sum(), 1.0, atol=1e-12)


def test_every_public_function_has_a_fuzzer():
    assert unfuzzed(attention) == []
