"""Fuzzing explorer.decoding (temperature, top-k, top-p, min-p, stage by stage) with hostile
logits, settings and orders. Valid results are checked for the pipeline's promises: each stage
is a probability vector, 0 off its alive mask; filters only ever remove; the top entry survives;
masked logits are never alive."""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from explorer import decoding
from tests.fuzz.hostile import (
    Case,
    any_temperatures,
    call_contract,
    cases,
    fuzzes,
    hostile_arrays,
    hostile_ints,
    hostile_scalars,
    hostile_text,
    junk,
    masked_logit_vectors,
    regressions,
    unfuzzed,
)

logit_vectors = masked_logit_vectors(max_size=8)  # wide floats and -inf, one finite

temperatures = any_temperatures
settings_valid = {
    "logits": logit_vectors,
    "temperature": temperatures,
    "top_k": st.one_of(st.none(), st.integers(1, 10)),
    "top_p": st.one_of(st.none(), st.floats(0, 1, exclude_min=True), st.just(1.0)),
    "min_p": st.one_of(st.none(), st.floats(0, 1)),
}
settings_hostile = {
    "logits": st.one_of(hostile_arrays(), st.just(np.zeros((2, 2)))),
    "temperature": hostile_scalars(),
    "top_k": st.one_of(hostile_ints(), junk),
    "top_p": hostile_scalars(),
    "min_p": hostile_scalars(),
}
orders = st.sampled_from(
    [decoding.DEFAULT_ORDER, decoding.TEMPERATURE_LAST_ORDER]
) | st.permutations(decoding.STAGE_NAMES).map(tuple)
bad_orders = st.one_of(
    junk, hostile_text, st.lists(st.sampled_from([*decoding.STAGE_NAMES, "x"]), max_size=5)
)


def check_decoding(result, z):
    finite = np.isfinite(z)
    alive = finite.copy()
    for stage in result.stages:
        assert not (stage.alive & ~alive).any()  # filters only remove
        alive = stage.alive
        assert ((stage.probs >= 0) & (stage.probs <= 1)).all() and (stage.probs[~alive] == 0).all()
        np.testing.assert_allclose(stage.probs.sum(), 1.0, atol=1e-12)
    assert alive.any() and not (alive & ~finite).any()


@fuzzes(decoding.decoding_stages)
@given(cases({**settings_valid, "order": orders}, {**settings_hostile, "order": bad_orders}))
@regressions([Case({"logits": np.zeros(1), "order": None}, "order")])  # tuple(None)
def test_decoding_stages(case):
    result = call_contract(decoding.decoding_stages, **case.kwargs, bad=case.bad)
    if case.bad is None:
        assert [s.name for s in result.stages] == list(case.kwargs["order"])
        check_decoding(result, case.kwargs["logits"])


@fuzzes(decoding.next_token_probs)
@given(
    cases(
        {**settings_valid, "temperature_last": st.booleans()},
        {**settings_hostile, "temperature_last": junk},
    )
)
@regressions([Case({"logits": np.zeros(1), "top_p": 10**400}, "top_p")])  # OverflowError
def test_next_token_probs(case):
    probs = call_contract(decoding.next_token_probs, **case.kwargs, bad=case.bad)
    if probs is not None:
        np.testing.assert_allclose(probs.sum(), 1.0, atol=1e-12)
    if case.bad is None:
        z = case.kwargs["logits"]
        assert (probs[np.isneginf(z)] == 0).all()
        order = decoding.TEMPERATURE_LAST_ORDER if case.kwargs["temperature_last"] else None
        kwargs = {k: v for k, v in case.kwargs.items() if k != "temperature_last"}
        stages = decoding.decoding_stages(**kwargs, order=order or decoding.DEFAULT_ORDER)
        np.testing.assert_array_equal(probs, stages.probs)


def test_every_public_function_has_a_fuzzer():
    assert unfuzzed(decoding) == []
