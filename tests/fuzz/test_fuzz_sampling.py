"""Fuzzing explorer.sampling (drawing classes by inverse CDF) with hostile probabilities,
sizes over the cap and seeds of every kind. Valid draws are checked for what sampling promises:
``size`` indices in range, never a class of probability 0, the same draws from the same seed."""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from explorer import sampling
from tests.fuzz.hostile import (
    bad_rngs,
    call_contract,
    cases,
    counts,
    float_vectors,
    fuzzes,
    hostile_arrays,
    rngs,
    unfuzzed,
)


@st.composite
def probability_vectors(draw):
    weights = draw(
        float_vectors(st.one_of(st.floats(0, 1), st.just(0.0), st.just(5e-324)), max_size=8)
    )
    if weights.sum() == 0:
        weights[0] = 1.0
    return weights / weights.sum()


@fuzzes(sampling.sample)
@given(
    cases(
        {"probs": probability_vectors(), "size": st.integers(0, 2000), "rng": rngs},
        {
            "probs": st.one_of(hostile_arrays(), st.just(np.full((2, 2), 0.5))),
            "size": counts(sampling.MAX_DRAWS, low=0),
            "rng": bad_rngs,
        },
    )
)
def test_sample(case):
    draws = call_contract(sampling.sample, **case.kwargs, bad=case.bad)
    if case.bad is None:
        p, size, rng = case.kwargs["probs"], case.kwargs["size"], case.kwargs["rng"]
        assert draws.shape == (size,) and draws.dtype == np.int64
        assert ((draws >= 0) & (draws < p.size)).all() and (p[draws] > 0).all()
        if isinstance(rng, int):
            np.testing.assert_array_equal(draws, sampling.sample(p, size, rng))


def test_every_public_function_has_a_fuzzer():
    assert unfuzzed(sampling) == []
