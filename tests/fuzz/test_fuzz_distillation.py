"""Fuzzing explorer.distillation: soft targets, losses and gradients with hostile logits, targets
and temperatures; valid calls keep the definitions' invariants (rows of probabilities sum to 1,
losses ≥ 0, gradients' rows sum to 0) at the edges of the float range."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from explorer import distillation as module
from explorer.distillation import MAX_TEMPERATURE, MIN_TEMPERATURE
from tests.fuzz.hostile import (
    call_contract,
    cases,
    fuzzes,
    hostile_arrays,
    hostile_scalars,
    probability_vectors,
    unfuzzed,
)

WIDE = st.one_of(
    st.floats(-1e308, 1e308), st.sampled_from([0.0, -0.0, 5e-324, 1e308, -1e308, 1.0, -3.5])
)
temperatures = st.one_of(
    st.floats(MIN_TEMPERATURE, MAX_TEMPERATURE),
    st.sampled_from([MAX_TEMPERATURE, MIN_TEMPERATURE, 1, 4.0]),
)
shapes = st.one_of(st.tuples(st.integers(1, 6)), st.tuples(st.integers(1, 3), st.integers(1, 6)))


@st.composite
def logit_pairs(draw):
    """Two finite logit arrays of one shape (1-D or 2-D), and that shape's soft targets."""
    shape = draw(shapes)
    first = draw(hnp.arrays(np.float64, shape, elements=WIDE))
    second = draw(st.one_of(hnp.arrays(np.float64, shape, elements=WIDE), st.just(first)))
    rows = [
        draw(probability_vectors(shape[-1], shape[-1])) for _ in range(int(np.prod(shape[:-1])))
    ]
    targets = np.reshape(rows, shape)
    return first, second, targets


HOSTILE_T = st.one_of(
    hostile_scalars(),
    st.sampled_from([0.0, -1.0, MAX_TEMPERATURE * 1.0001, MIN_TEMPERATURE / 2, 5e-324]),
)
pairs = logit_pairs()


def rows_sum_to_zero(gradient, scale=1.0):
    spread = np.abs(gradient).max(axis=-1) if gradient.size else 0
    np.testing.assert_array_less(
        np.abs(gradient.sum(axis=-1)), 1e-12 * np.maximum(spread, scale) + 1e-300
    )


@fuzzes(module.soft_targets)
@given(
    cases(
        {"logits": pairs.map(lambda p: p[0]), "temperature": temperatures},
        {"logits": hostile_arrays(), "temperature": HOSTILE_T},
    )
)
def test_soft_targets(case):
    p = call_contract(module.soft_targets, **case.kwargs, bad=case.bad)
    if case.bad is None:
        assert p.shape == np.shape(case.kwargs["logits"]) and ((p >= 0) & (p <= 1)).all()
        np.testing.assert_allclose(p.sum(axis=-1), 1, atol=1e-12)


def cross_entropy_cases():
    return pairs.flatmap(
        lambda p: cases(
            {"logits": st.just(p[0]), "target_probs": st.just(p[2]), "temperature": temperatures},
            {
                "logits": st.one_of(hostile_arrays(), st.just(p[0][..., :-1])),
                "target_probs": st.one_of(hostile_arrays(), st.just(p[2] * 1.01)),
                "temperature": HOSTILE_T,
            },
        )
    )


@fuzzes(module.soft_cross_entropy)
@given(cross_entropy_cases())
def test_soft_cross_entropy(case):
    loss = call_contract(module.soft_cross_entropy, **case.kwargs, bad=case.bad)
    if case.bad is None:
        assert (np.asarray(loss) >= 0).all()


@fuzzes(module.cross_entropy_gradient)
@given(cross_entropy_cases())
def test_cross_entropy_gradient(case):
    gradient = call_contract(module.cross_entropy_gradient, **case.kwargs, bad=case.bad)
    if case.bad is None:
        assert gradient.shape == case.kwargs["logits"].shape
        rows_sum_to_zero(gradient, 1 / case.kwargs["temperature"])


@fuzzes(module.cross_entropy_and_gradient)
@given(pairs, temperatures)
def test_cross_entropy_and_gradient(pair, temperature):
    # Documented as unchecked (a training loop checks its arguments once, before): only valid
    # arguments are its contract, and with them it agrees with the checked functions.
    logits, _, targets = pair
    losses, gradient = call_contract(
        module.cross_entropy_and_gradient, logits, targets, temperature, bad=None
    )
    assert (losses >= 0).all()
    np.testing.assert_array_equal(losses, module.soft_cross_entropy(logits, targets, temperature))
    np.testing.assert_array_equal(
        gradient, module.cross_entropy_gradient(logits, targets, temperature)
    )


def two_logit_cases(first: str, second: str):
    return pairs.flatmap(
        lambda p: cases(
            {first: st.just(p[0]), second: st.just(p[1]), "temperature": temperatures},
            {
                first: st.one_of(hostile_arrays(), st.just(p[0][..., :-1])),
                second: st.one_of(hostile_arrays(), st.just(p[1].T)),
                "temperature": HOSTILE_T,
            },
        )
    )


@fuzzes(module.distillation_loss)
@given(two_logit_cases("teacher_logits", "student_logits"), st.booleans())
def test_distillation_loss(case, scale_by_t2):
    loss = call_contract(
        module.distillation_loss, **case.kwargs, scale_by_t2=scale_by_t2, bad=case.bad
    )
    if case.bad is None:
        assert isinstance(loss, float) and loss >= 0
        v, z = case.kwargs["teacher_logits"], case.kwargs["student_logits"]
        if v is z:
            assert loss == 0


@fuzzes(module.soft_loss_gradient)
@given(two_logit_cases("student_logits", "teacher_logits"), st.booleans())
def test_soft_loss_gradient(case, scale_by_t2):
    gradient = call_contract(
        module.soft_loss_gradient, **case.kwargs, scale_by_t2=scale_by_t2, bad=case.bad
    )
    if case.bad is None:
        z, v, t = (case.kwargs[k] for k in ("student_logits", "teacher_logits", "temperature"))
        assert gradient.shape == z.shape
        if z is v:
            assert (gradient == 0).all()
        rows_sum_to_zero(gradient, t if scale_by_t2 else 1 / t)


@fuzzes(module.high_temperature_gradient)
@given(two_logit_cases("student_logits", "teacher_logits"))
def test_high_temperature_gradient(case):
    # Valid logits can be too far apart: the formula's result leaves the float range.
    bad = case.bad or "beyond the float range"
    gradient = call_contract(module.high_temperature_gradient, **case.kwargs, bad=bad)
    if case.bad is None and gradient is None:
        z, v, t = (case.kwargs[k] for k in ("student_logits", "teacher_logits", "temperature"))
        assert max(np.abs(z).max(), np.abs(v).max()) > 1e306 * z.shape[-1] * t**2
    elif case.bad is None:
        z, v = case.kwargs["student_logits"], case.kwargs["teacher_logits"]
        assert gradient.shape == z.shape
        if z is v:
            assert (gradient == 0).all()


def test_every_public_function_has_a_fuzzer():
    assert unfuzzed(module) == []
