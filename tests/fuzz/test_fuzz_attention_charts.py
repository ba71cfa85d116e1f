"""Fuzzing explorer.attention_charts: the figures from real results (their traces hold the
results' numbers) and from results built by hand with a hostile field (refused by name)."""

from __future__ import annotations

import functools

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from explorer import attention
from explorer import attention_charts as module
from tests.fuzz.charts_common import VALID_PERCENT
from tests.fuzz.hostile import call_contract, cases, corrupt_fields, fuzzes, junk, unfuzzed


@functools.cache
def results() -> list:
    return [
        attention.entropy_against_dimension(dims, keys=keys, queries=queries, seed=seed)
        for seed, (dims, keys, queries) in enumerate(
            [((1, 4, 64), 2, 1), ((2, 4096), 16, 8), ((8,), 64, 3), ((1, 2, 3), 5, 2)]
        )
    ]


@functools.cache
def examples() -> list:
    return [
        attention.one_query(d, keys=k, seed=s)
        for s, (d, k) in enumerate([(1, 2), (64, 16), (4096, 64), (3, 5)])
    ]


pool = st.sampled_from(range(4))
HOSTILE_RESULT = st.one_of(junk, corrupt_fields(pool.map(lambda i: results()[i])))


def _result(value):
    return results()[value] if isinstance(value, int) and not isinstance(value, bool) else value


@fuzzes(module.entropy_against_dimension, module.max_weight_against_dimension, slow=True)
@given(cases({"result": pool}, {"result": HOSTILE_RESULT}, VALID_PERCENT))
def test_entropy_and_max_weight_against_dimension(case):
    result = _result(case.kwargs["result"]) if case.bad is None else case.kwargs["result"]
    for chart, values in (
        (module.entropy_against_dimension, "scaled_entropy"),
        (module.max_weight_against_dimension, "scaled_max_weight"),
    ):
        fig = call_contract(chart, result, bad=case.bad)
        if case.bad is None:
            np.testing.assert_array_equal(fig.data[0].x, result.dimensions)
            np.testing.assert_array_equal(fig.data[0].y, getattr(result, values))


@fuzzes(module.query_weights, slow=True)
@given(
    cases(
        {"example": pool},
        {"example": st.one_of(junk, corrupt_fields(pool.map(lambda i: examples()[i])))},
        VALID_PERCENT,
    )
)
def test_query_weights(case):
    example = case.kwargs["example"]
    example = examples()[example] if case.bad is None else example
    fig = call_contract(module.query_weights, example, bad=case.bad)
    if case.bad is None:
        np.testing.assert_array_equal(fig.data[0].y, example.scaled)
        assert len(fig.data[0].x) == example.scaled.size


def test_every_public_function_has_a_fuzzer():
    assert unfuzzed(module) == []
