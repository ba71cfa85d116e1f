"""Fuzzing explorer.core: the softmax family with hostile logits, temperatures, axes and
probability vectors. Valid cases are checked against the definitions (sums, ranges, limits)."""

import math

import numpy as np
from hypothesis import example, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from explorer import core
from tests.fuzz.hostile import (
    Case,
    call_contract,
    cases,
    fuzzes,
    hostile_arrays,
    hostile_ints,
    hostile_scalars,
    probability_vectors,
    regressions,
    unfuzzed,
    wrong_kinds,
)

WIDE = st.one_of(st.floats(-1e308, 1e308), st.sampled_from([-1e308, 1e308, 0.0, -0.0, 5e-324]))


@st.composite
def valid_logits(draw):
    """1-D or 2-D finite logits of any size, with -inf masks, never a slice all masked."""
    shape = draw(hnp.array_shapes(min_dims=1, max_dims=2, max_side=6))
    z = draw(hnp.arrays(np.float64, shape, elements=WIDE))
    mask = draw(hnp.arrays(np.bool_, shape))
    z[mask] = -math.inf
    z[..., 0] = np.where(np.isfinite(z[..., 0]), z[..., 0], 0.0)  # each slice keeps one
    return z


temperatures = st.one_of(
    st.floats(min_value=0.0), st.integers(0, 10**6), st.sampled_from([np.float32(0.5), 5e-324])
)
axes = hostile_ints() | wrong_kinds()
LOGIT_CASES = cases(
    {"logits": valid_logits(), "temperature": temperatures},
    {"logits": hostile_arrays(), "temperature": hostile_scalars(), "axis": axes},
)


def check_probabilities(q, z):
    assert q.shape == z.shape and q.dtype == np.float64
    assert ((q >= 0) & (q <= 1)).all()
    np.testing.assert_allclose(q.sum(axis=-1), 1.0, rtol=0, atol=1e-12)
    assert (q[np.isneginf(z)] == 0).all()


# Regressions: each was a bug the fuzzer found (an unnamed error, a warning, an overflow).
LOGIT_REGRESSIONS = [
    Case({"logits": np.array([1 + 2j, 3j]), "temperature": 1.0}, "logits"),  # ComplexWarning
    Case({"logits": [10**400], "temperature": 1.0}, "logits"),  # OverflowError
    Case({"logits": [np.longdouble("1e4000")], "temperature": 0.0}, "logits"),  # cast overflow
    Case({"logits": [-math.inf, -math.inf], "temperature": 0.0}, "logits"),  # unnamed message
    Case({"logits": np.zeros(1), "temperature": 10**400}, "temperature"),  # OverflowError
    Case({"logits": np.zeros(1), "temperature": 1.0, "axis": ""}, "axis"),  # unnamed TypeError
    Case({"logits": np.zeros(1), "temperature": 1.0, "axis": True}, "axis"),
    Case({"logits": np.zeros(1), "temperature": 1.0, "axis": [1, 2]}, "axis"),
    Case({"logits": np.zeros(1), "temperature": 0.0, "axis": 2**31}, "axis"),  # "won't fit"
    Case({"logits": np.zeros(1), "temperature": 0.0, "axis": 2**63}, "axis"),  # OverflowError
]


@fuzzes(core.softmax, scale=2)
@given(LOGIT_CASES)
@regressions(LOGIT_REGRESSIONS)
def test_softmax(case):
    q = call_contract(core.softmax, **case.kwargs, bad=case.bad)
    if case.bad is None:
        check_probabilities(q, case.kwargs["logits"])


@fuzzes(core.log_softmax, scale=2)
@given(LOGIT_CASES)
@regressions(LOGIT_REGRESSIONS)
def test_log_softmax(case):
    log_q = call_contract(core.log_softmax, **case.kwargs, bad=case.bad)
    if case.bad is None:
        z = case.kwargs["logits"]
        assert log_q.shape == z.shape and (log_q <= 0).all()
        assert (log_q[np.isneginf(z)] == -math.inf).all()
        with np.errstate(under="ignore"):
            np.testing.assert_allclose(np.exp(log_q).sum(axis=-1), 1.0, atol=1e-12)


@st.composite
def probability_tables(draw):
    """One probability vector, or a table of them (one per row)."""
    rows = draw(st.sampled_from([None, 1, 2, 3]))
    n = draw(st.integers(1, 8))
    if rows is None:
        return draw(probability_vectors(n, n))
    return np.stack([draw(probability_vectors(n, n)) for _ in range(rows)])


PROBS_HOSTILE = st.one_of(hostile_arrays(), probability_tables().map(lambda p: p * 1.01))


@fuzzes(core.entropy, scale=2)
@given(
    cases(
        {"probs": probability_tables(), "base": st.sampled_from([None, 2, math.e, 10, 0.5])},
        {"probs": PROBS_HOSTILE, "base": hostile_scalars(), "axis": axes},
    )
)
@example(Case({"probs": np.ones(1), "base": ""}, "base"))  # float('') unnamed
@example(Case({"probs": np.ones(1), "base": object()}, "base"))  # unnamed TypeError
@example(Case({"probs": np.ones(1), "base": 10**400}, "base"))  # OverflowError
@example(Case({"probs": np.array([1 + 2j, 3j]), "base": None}, "probs"))  # ComplexWarning
@example(Case({"probs": np.array([0, 0, 1.0]), "base": math.e, "axis": 2**32}, "axis"))
def test_entropy(case):
    h = call_contract(core.entropy, **case.kwargs, bad=case.bad)
    if case.bad is None:
        p, base = np.asarray(case.kwargs["probs"]), case.kwargs["base"]
        scale = 1.0 if base is None else math.log(base)
        h = np.asarray(h) * scale  # in nats
        assert (h >= 0).all() and (h <= math.log(p.shape[-1]) + 1e-9).all()


@fuzzes(core.probs_to_logits, scale=2)
@given(cases({"probs": probability_tables()}, {"probs": PROBS_HOSTILE, "axis": axes}))
@example(Case({"probs": np.ones(1), "axis": True}, "axis"))  # "an integer is required"
@example(Case({"probs": np.ones(1), "axis": 2**63}, "axis"))  # OverflowError
@example(Case({"probs": np.array([0j, 1.0])}, "probs"))  # ComplexWarning
def test_probs_to_logits(case):
    z = call_contract(core.probs_to_logits, **case.kwargs, bad=case.bad)
    if case.bad is None:
        p = case.kwargs["probs"]
        assert z.shape == p.shape and (np.isneginf(z) == (p == 0)).all()


@st.composite
def probability_pairs(draw):
    n = draw(st.integers(1, 8))
    return draw(probability_vectors(n, n)), draw(probability_vectors(n, n))


def pair_cases():
    @st.composite
    def build(draw):
        p, q = draw(probability_pairs())
        case = draw(
            cases(
                {"p": st.just(p), "q": st.just(q)},
                {"p": PROBS_HOSTILE, "q": PROBS_HOSTILE, "axis": axes},
            )
        )
        return case

    return build()


@fuzzes(core.kl_divergence, scale=2)
@given(pair_cases())
@example(Case({"p": np.ones(1), "q": np.ones(1), "axis": ""}, "axis"))
@example(Case({"p": np.ones(1), "q": np.ones(1), "axis": -(2**63)}, "axis"))
def test_kl_divergence(case):
    kl = call_contract(core.kl_divergence, **case.kwargs, bad=case.bad)
    if case.bad is None:
        assert kl >= 0
        p, q = case.kwargs["p"], case.kwargs["q"]
        if ((p > 0) & (q == 0)).any():
            assert kl == math.inf


@fuzzes(core.total_variation, scale=2)
@given(pair_cases())
@example(Case({"p": np.array([1e308, 1e308]), "q": np.ones(1)}, "p"))  # overflow in the sum
@example(Case({"p": np.ones(1), "q": np.ones(1), "axis": 2**63}, "axis"))
def test_total_variation(case):
    tv = call_contract(core.total_variation, **case.kwargs, bad=case.bad)
    if case.bad is None:
        assert 0 <= tv <= 1


def test_every_public_function_has_a_fuzzer():
    assert unfuzzed(core) == []
