"""Fuzzing explorer.gumbel (the Gumbel-max trick and the Gumbel-softmax relaxation) with hostile
logits, temperatures, τ, sizes over the noise cap and seeds. Valid results are checked for the
trick's promises: a race's winner is the argmax of scaled + noise, draws never pick a masked
entry, relaxed rows are probability vectors."""

import math

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from explorer import gumbel
from tests.fuzz.hostile import (
    Case,
    any_temperatures,
    bad_rngs,
    call_contract,
    cases,
    counts,
    fuzzes,
    hostile_arrays,
    hostile_scalars,
    masked_logit_vectors,
    regressions,
    rngs,
    unfuzzed,
)

logit_vectors = masked_logit_vectors(max_size=6)  # wide floats and -inf, one finite

temperatures = any_temperatures
bad_logits = st.one_of(hostile_arrays(), st.just(np.zeros((2, 2))))
bad_sizes = st.one_of(counts(gumbel.MAX_DRAWS if hasattr(gumbel, "MAX_DRAWS") else 10**6, low=0))


@fuzzes(gumbel.gumbel_race)
@given(
    cases(
        {"logits": logit_vectors, "temperature": temperatures, "rng": rngs},
        {"logits": bad_logits, "temperature": hostile_scalars(), "rng": bad_rngs},
    )
)
def test_gumbel_race(case):
    race = call_contract(gumbel.gumbel_race, **case.kwargs, bad=case.bad)
    if case.bad is None:
        z = case.kwargs["logits"]
        assert race.winner == int(np.argmax(race.scaled + race.noise))
        assert np.isfinite(z[race.winner]) and race.scaled.max() == 0


@fuzzes(gumbel.gumbel_max_sample)
@given(
    cases(
        {
            "logits": logit_vectors,
            "temperature": temperatures,
            "size": st.integers(0, 300),
            "rng": rngs,
        },
        {
            "logits": bad_logits,
            "temperature": hostile_scalars(),
            "size": st.one_of(bad_sizes, st.just(gumbel.MAX_NOISE_ENTRIES)),
            "rng": bad_rngs,
        },
    )
)
def test_gumbel_max_sample(case):
    bad = {"size": ("size", "size × classes")}.get(case.bad, case.bad)
    draws = call_contract(gumbel.gumbel_max_sample, **case.kwargs, bad=bad)
    if case.bad is None:
        z = case.kwargs["logits"]
        assert draws.shape == (case.kwargs["size"],) and np.isfinite(z[draws]).all()


@fuzzes(gumbel.gumbel_softmax)
@given(
    cases(
        {
            "logits": logit_vectors,
            "tau": st.one_of(st.floats(0), st.sampled_from([0.0, 5e-324, math.inf])),
            "size": st.integers(0, 50),
            "rng": rngs,
            "temperature": temperatures,
        },
        {
            "logits": bad_logits,
            "tau": hostile_scalars(),
            "size": st.one_of(bad_sizes, st.just(gumbel.MAX_NOISE_ENTRIES)),
            "rng": bad_rngs,
            "temperature": hostile_scalars(),
        },
    )
)
@regressions(
    [Case({"logits": np.zeros(1), "tau": 10**400, "size": 1, "rng": 0, "temperature": 1.0}, "tau")]
)
def test_gumbel_softmax(case):
    bad = {"size": ("size", "size × classes")}.get(case.bad, case.bad)
    y = call_contract(gumbel.gumbel_softmax, **case.kwargs, bad=bad)
    if case.bad is None:
        z = case.kwargs["logits"]
        assert y.shape == (case.kwargs["size"], z.size) and ((y >= 0) & (y <= 1)).all()
        assert (y[:, np.isneginf(z)] == 0).all()
        if len(y):
            np.testing.assert_allclose(y.sum(axis=1), 1.0, atol=1e-12)


def test_every_public_function_has_a_fuzzer():
    assert unfuzzed(gumbel) == []
