"""Tests for explorer.distillation: soft targets, the T²-scaled KL loss and its gradients.

Oracles: torch autograd in float64 for every gradient and loss value; scipy.special.rel_entr and
scipy.stats.entropy for the KL divergence; hand-computed cases; and the closed-form large-T limit
of Hinton, Vinyals & Dean (2015, eq. 4), written out again here from the paper.
"""

import math

import numpy as np
import pytest
import scipy.special
import scipy.stats
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from explorer import distillation as kd

TEMPERATURES = (0.5, 1.0, 2.0, 5.0, 20.0)
prop = settings(max_examples=200, deadline=None)


def random_logits(seed, rows=6, classes=10, scale=4.0):
    return np.random.default_rng(seed).normal(0.0, scale, (rows, classes))


def torch_cross_entropy(logits, targets, temperature):
    """Per-row −Σ y log softmax(z/T) and its gradient, by torch autograd (float64)."""
    z = torch.tensor(logits, dtype=torch.float64, requires_grad=True)
    y = torch.tensor(targets, dtype=torch.float64)
    losses = -(y * torch.log_softmax(z / temperature, dim=-1)).sum(dim=-1)
    losses.sum().backward()  # row r's gradient is that of row r's own loss
    return losses.detach().numpy(), z.grad.numpy()


def torch_soft_loss(student, teacher, temperature, scale_by_t2):
    """Per-row (T²)·KL(softmax(v/T) ‖ softmax(z/T)) and its gradient w.r.t. z, by autograd."""
    z = torch.tensor(student, dtype=torch.float64, requires_grad=True)
    log_p = torch.log_softmax(torch.tensor(teacher, dtype=torch.float64) / temperature, dim=-1)
    log_q = torch.log_softmax(z / temperature, dim=-1)
    losses = (log_p.exp() * (log_p - log_q)).sum(dim=-1) * (temperature**2 if scale_by_t2 else 1)
    losses.sum().backward()
    return losses.detach().numpy(), z.grad.numpy()


# --------------------------------------------------------------------------------------------
# Gradients against torch autograd


@pytest.mark.parametrize("temperature", TEMPERATURES)
def test_cross_entropy_gradient_is_q_minus_y_over_t_as_autograd_finds(temperature):
    rng = np.random.default_rng(1)
    z = random_logits(2)
    soft = rng.dirichlet(np.ones(10) * 0.3, size=6)
    hard = np.eye(10)[rng.integers(0, 10, 6)]
    for targets in (soft, hard):
        losses, gradient = torch_cross_entropy(z, targets, temperature)
        np.testing.assert_allclose(
            kd.cross_entropy_gradient(z, targets, temperature), gradient, rtol=1e-10, atol=1e-14
        )
        np.testing.assert_allclose(kd.soft_cross_entropy(z, targets, temperature), losses, 1e-12)


@pytest.mark.parametrize("temperature", TEMPERATURES)
@pytest.mark.parametrize("scale_by_t2", [True, False])
def test_soft_loss_gradient_matches_autograd(temperature, scale_by_t2):
    student, teacher = random_logits(3), random_logits(4, scale=6.0)
    losses, gradient = torch_soft_loss(student, teacher, temperature, scale_by_t2)
    ours = kd.soft_loss_gradient(student, teacher, temperature, scale_by_t2=scale_by_t2)
    np.testing.assert_allclose(ours, gradient, rtol=1e-9, atol=1e-14)
    # distillation_loss is the mean of the same per-row losses
    loss = kd.distillation_loss(teacher, student, temperature, scale_by_t2=scale_by_t2)
    assert loss == pytest.approx(losses.mean(), rel=1e-12)


def test_one_example_works_as_a_vector():
    z, v = random_logits(5)[0], random_logits(6)[0]
    _, gradient = torch_soft_loss(z[None], v[None], 3.0, True)
    np.testing.assert_allclose(kd.soft_loss_gradient(z, v, 3.0), gradient[0], rtol=1e-10)


# --------------------------------------------------------------------------------------------
# The loss against scipy and by hand


@pytest.mark.parametrize("temperature", TEMPERATURES)
def test_distillation_loss_is_t_squared_kl_as_scipy_computes_it(temperature):
    teacher, student = random_logits(7), random_logits(8)
    p = scipy.special.softmax(teacher / temperature, axis=1)
    q = scipy.special.softmax(student / temperature, axis=1)
    kl = scipy.special.rel_entr(p, q).sum(axis=1)
    np.testing.assert_allclose(kl, scipy.stats.entropy(p, q, axis=1), rtol=1e-12)  # two oracles
    assert kd.distillation_loss(teacher, student, temperature) == pytest.approx(
        temperature**2 * kl.mean(), rel=1e-10
    )
    assert kd.distillation_loss(teacher, student, temperature, scale_by_t2=False) == pytest.approx(
        kl.mean(), rel=1e-10
    )


def test_distillation_loss_by_hand():
    # p = (σ(2), σ(−2)) against the uniform q: KL = ln 2 − H(p).
    p1 = 1 / (1 + math.exp(-2))
    entropy = -(p1 * math.log(p1) + (1 - p1) * math.log(1 - p1))
    assert kd.distillation_loss([2.0, 0.0], [0.0, 0.0], 1.0) == pytest.approx(
        math.log(2) - entropy, rel=1e-14
    )
    # At T = 2 the teacher's logits halve: p = (σ(1), σ(−1)), and the loss is multiplied by 4.
    p1 = 1 / (1 + math.exp(-1))
    entropy = -(p1 * math.log(p1) + (1 - p1) * math.log(1 - p1))
    assert kd.distillation_loss([2.0, 0.0], [0.0, 0.0], 2.0) == pytest.approx(
        4 * (math.log(2) - entropy), rel=1e-14
    )


def test_loss_stays_accurate_where_probabilities_underflow():
    """A student 800 nats sure of the wrong class: KL = 800 − ln(1 + e⁻⁸⁰⁰) ≈ 800, not inf."""
    assert kd.distillation_loss([0.0, -800.0], [-800.0, 0.0], 1.0) == pytest.approx(800.0)


def test_soft_targets_are_the_softmax_at_t():
    v = random_logits(9)
    for temperature in TEMPERATURES:
        np.testing.assert_allclose(
            kd.soft_targets(v, temperature),
            scipy.special.softmax(v / temperature, axis=1),
            rtol=1e-12,
        )


# --------------------------------------------------------------------------------------------
# Why T²: the large-T law of Hinton et al. (eq. 2–4)


def paper_limit(student, teacher):
    """Hinton et al.'s eq. 4 for zero-mean logits, after centring: ((z − z̄) − (v − v̄)) / N."""
    z, v = np.asarray(student), np.asarray(teacher)
    return ((z - z.mean()) - (v - v.mean())) / z.size


def test_scaled_gradient_tends_to_the_closed_form_limit_like_one_over_t():
    student, teacher = random_logits(10)[0], random_logits(11)[0] + 3.0  # not zero-mean
    limit = paper_limit(student, teacher)
    errors = []
    for temperature in (10.0, 100.0, 1000.0):
        scaled = kd.soft_loss_gradient(student, teacher, temperature)
        unscaled = kd.soft_loss_gradient(student, teacher, temperature, scale_by_t2=False)
        np.testing.assert_allclose(scaled, unscaled * temperature**2, rtol=1e-12)
        errors.append(np.linalg.norm(scaled - limit) / np.linalg.norm(limit))
    assert errors[2] < 1e-2
    # The first neglected term is O(1/T): each tenfold rise in T cuts the error about tenfold.
    assert 5 < errors[0] / errors[1] < 20 and 5 < errors[1] / errors[2] < 20


def test_high_temperature_gradient_is_the_paper_formula_and_autograd_agrees_at_large_t():
    student, teacher = random_logits(12)[:1], random_logits(13)[:1]
    for temperature in (50.0, 500.0):
        ours = kd.high_temperature_gradient(student, teacher, temperature)
        np.testing.assert_allclose(
            ours, paper_limit(student[0], teacher[0])[None] / temperature**2, rtol=1e-12
        )
        _, autograd = torch_soft_loss(student, teacher, temperature, scale_by_t2=False)
        assert np.linalg.norm(ours - autograd) < 20 / temperature * np.linalg.norm(autograd)


# --------------------------------------------------------------------------------------------
# Invariants


row_logits = hnp.arrays(
    np.float64, st.tuples(st.integers(1, 4), st.integers(2, 8)), elements=st.floats(-50, 50)
)


@prop
@given(row_logits, st.floats(0.05, 200), st.integers(0, 2**32 - 1))
def test_loss_is_non_negative_and_zero_for_a_perfect_student(teacher, temperature, seed):
    student = teacher + np.random.default_rng(seed).normal(0, 3, teacher.shape)
    assert kd.distillation_loss(teacher, student, temperature) >= 0
    assert kd.distillation_loss(teacher, teacher, temperature) == 0
    np.testing.assert_array_equal(kd.soft_loss_gradient(teacher, teacher, temperature), 0)


@prop
@given(row_logits, st.floats(0.05, 200), st.integers(0, 2**32 - 1))
def test_adding_a_constant_to_a_row_changes_nothing(teacher, temperature, seed):
    rng = np.random.default_rng(seed)
    student = teacher + rng.normal(0, 3, teacher.shape)
    shift_t = rng.uniform(-100, 100, (len(teacher), 1))
    shift_s = rng.uniform(-100, 100, (len(teacher), 1))
    before = kd.distillation_loss(teacher, student, temperature)
    after = kd.distillation_loss(teacher + shift_t, student + shift_s, temperature)
    assert after == pytest.approx(before, rel=1e-6, abs=1e-9 * max(1.0, temperature**2))
    np.testing.assert_allclose(
        kd.soft_loss_gradient(student + shift_s, teacher + shift_t, temperature),
        kd.soft_loss_gradient(student, teacher, temperature),
        atol=1e-8 * max(1.0, temperature),
    )
    # each row of a cross-entropy gradient sums to 0 (the softmax ignores a common shift)
    gradient = kd.soft_loss_gradient(student, teacher, temperature)
    np.testing.assert_allclose(gradient.sum(axis=-1), 0, atol=1e-12 * max(1.0, temperature))


# --------------------------------------------------------------------------------------------
# Bad arguments


@pytest.mark.parametrize("temperature", [0.0, -1.0, math.nan, math.inf, 1001.0, True, "2"])
def test_temperature_outside_the_range_is_refused(temperature):
    with pytest.raises(ValueError, match="temperature"):
        kd.distillation_loss([1.0, 0.0], [0.0, 1.0], temperature)


def test_bad_logits_and_shapes_are_refused_naming_the_argument():
    with pytest.raises(ValueError, match="teacher_logits and student_logits"):
        kd.distillation_loss([1.0, 0.0], [0.0, 1.0, 2.0], 1.0)
    with pytest.raises(ValueError, match="student_logits"):
        kd.soft_loss_gradient([0.0, -math.inf], [0.0, 1.0], 1.0)
    with pytest.raises(ValueError, match="teacher_logits"):
        kd.distillation_loss([math.nan, 0.0], [0.0, 1.0], 1.0)
    with pytest.raises(ValueError, match="target_probs"):
        kd.cross_entropy_gradient([0.0, 1.0], [0.7, 0.7], 1.0)
    with pytest.raises(ValueError, match="logits"):
        kd.soft_targets(np.zeros((2, 2, 2)), 1.0)
