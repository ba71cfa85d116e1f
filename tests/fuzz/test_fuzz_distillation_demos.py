"""Fuzzing explorer.distillation_demos: the gradient-norm curve and the dark-knowledge summary
with hostile logits, temperatures and classes; valid calls keep their documented invariants."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from explorer import distillation_demos as module
from explorer.distillation import MAX_TEMPERATURE, MIN_TEMPERATURE
from explorer.distillation_demos import MAX_CURVE_POINTS, GradientNorms, SoftTargets
from tests.fuzz.hostile import (
    call_contract,
    cases,
    fuzzes,
    hostile_arrays,
    hostile_ints,
    hostile_scalars,
    huge_vector,
    unfuzzed,
    wrong_kinds,
)

WIDE = st.one_of(
    st.floats(-1e308, 1e308), st.sampled_from([0.0, -0.0, 5e-324, 1e308, -1e308, 1.0, -3.5])
)
temperature = st.one_of(
    st.floats(MIN_TEMPERATURE, MAX_TEMPERATURE), st.sampled_from([MIN_TEMPERATURE, 1.0, 4.0])
)


@st.composite
def logit_pair(draw):
    n = draw(st.integers(1, 8))
    z = draw(hnp.arrays(np.float64, n, elements=WIDE))
    v = draw(st.one_of(st.just(z), hnp.arrays(np.float64, n, elements=WIDE)))
    return z, v


HOSTILE_TEMPERATURES = st.one_of(
    hostile_arrays(),
    st.just(huge_vector(MAX_CURVE_POINTS + 1, 1.0)),
    st.lists(hostile_scalars(), max_size=3),
)


@fuzzes(module.gradient_norms)
@given(
    logit_pair().flatmap(
        lambda pair: cases(
            {
                "student_logits": st.just(pair[0]),
                "teacher_logits": st.just(pair[1]),
                "temperatures": st.one_of(  # None: the default 61, slow, so seldom
                    st.lists(temperature, min_size=1, max_size=4),
                    st.lists(temperature, min_size=1, max_size=4),
                    st.lists(temperature, min_size=1, max_size=4),
                    st.none(),
                ),
                "true_class": st.one_of(st.none(), st.integers(0, len(pair[0]) - 1)),
            },
            {
                "student_logits": st.one_of(hostile_arrays(), st.just(pair[0][:-1])),
                "teacher_logits": st.one_of(hostile_arrays(), st.just(np.r_[pair[1], 0.0])),
                "temperatures": HOSTILE_TEMPERATURES,
                "true_class": st.one_of(hostile_ints(), wrong_kinds()),
            },
        )
    )
)
def test_gradient_norms(case):
    norms = call_contract(module.gradient_norms, **case.kwargs, bad=case.bad)
    if case.bad is None:
        assert isinstance(norms, GradientNorms)
        temps = norms.temperatures
        assert (np.diff(temps) >= 0).all() and norms.unscaled.shape == temps.shape
        assert (norms.unscaled >= 0).all() and norms.scaled_limit >= 0
        assert (norms.hard is None) == (case.kwargs["true_class"] is None)
        if case.kwargs["student_logits"] is case.kwargs["teacher_logits"]:
            assert (norms.unscaled == 0).all() and norms.scaled_limit == 0


@fuzzes(module.explain_soft_targets)
@given(
    logit_pair().flatmap(
        lambda pair: cases(
            {
                "teacher_logits": st.just(pair[0]),
                "temperature": temperature,
                "true_class": st.integers(0, len(pair[0]) - 1),
            },
            {
                "teacher_logits": hostile_arrays(),
                "temperature": hostile_scalars(),
                "true_class": st.one_of(hostile_ints(), wrong_kinds()),
            },
        )
    )
)
def test_explain_soft_targets(case):
    # A shorter list of logits can leave the class out of range: either may be named.
    bad = ("teacher_logits", "true_class") if case.bad == "teacher_logits" else case.bad
    explained = call_contract(module.explain_soft_targets, **case.kwargs, bad=bad)
    if case.bad is None:
        assert isinstance(explained, SoftTargets)
        n, true = len(case.kwargs["teacher_logits"]), case.kwargs["true_class"]
        assert sorted(explained.wrong_ranked) == [i for i in range(n) if i != true]
        for mass, probs in (
            (explained.wrong_mass, explained.probs),
            (explained.wrong_mass_at_one, explained.probs_at_one),
        ):
            assert 0 <= mass <= 1 + 1e-12 and abs(mass + probs[true] - 1) < 1e-9


def test_every_public_function_has_a_fuzzer():
    assert unfuzzed(module) == []
