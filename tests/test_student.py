"""Tests for explorer.student: the numpy softmax-regression student and its training.

Oracles: the same objective trained by torch (float64 autograd and torch.optim.Adam, whose update
rule is Kingma & Ba's, as ours); the closed-form objective at zero weights; scikit-learn's
digits for a sanity level of accuracy.
"""

import math

import numpy as np
import pytest
import torch

from explorer import student as st
from explorer.digits import load_split

N_CLASSES = 10


@pytest.fixture(scope="module")
def split():
    return load_split()


def torch_training(x_hard, y_hard, x_soft, p_soft, temperature, alpha, epochs, lr):
    """(1 − α)·mean CE(y, softmax(z)) + α·T²·mean KL(p ‖ softmax(z/T)), trained by torch Adam."""
    weights = torch.zeros((x_hard.shape[1], N_CLASSES), dtype=torch.float64, requires_grad=True)
    bias = torch.zeros(N_CLASSES, dtype=torch.float64, requires_grad=True)
    xh, xs = torch.tensor(x_hard), torch.tensor(x_soft)
    yh, ps = torch.tensor(np.eye(N_CLASSES)[y_hard]), torch.tensor(p_soft)
    optimiser = torch.optim.Adam([weights, bias], lr=lr, betas=(0.9, 0.999), eps=1e-8)

    def objective():
        hard = -(yh * torch.log_softmax(xh @ weights + bias, dim=1)).sum(dim=1).mean()
        log_q = torch.log_softmax((xs @ weights + bias) / temperature, dim=1)
        kl = torch.where(ps > 0, ps * (torch.log(ps) - log_q), 0.0).sum(dim=1).mean()
        return (1 - alpha) * hard + alpha * temperature**2 * kl

    for _ in range(epochs):
        optimiser.zero_grad()
        objective().backward()
        optimiser.step()
    return weights.detach().numpy(), bias.detach().numpy(), float(objective().detach())


@pytest.mark.parametrize(("temperature", "alpha"), [(1.0, 0.5), (4.0, 0.9), (8.0, 1.0)])
def test_training_follows_torch_adam_step_for_step(split, temperature, alpha):
    """Same objective, same optimiser, same start: the same weights after 40 steps. A wrong
    gradient (a missing 1/T or T², a sum instead of a mean) would send them elsewhere."""
    rng = np.random.default_rng(0)
    hard = rng.choice(len(split.y_train), 60, replace=False)
    x_soft = split.x_train[:300]
    p_soft = rng.dirichlet(np.ones(N_CLASSES) * 0.5, size=300)
    ours = st.train_student(
        split.x_train[hard],
        split.y_train[hard],
        N_CLASSES,
        x_transfer=x_soft,
        transfer_probs=p_soft,
        temperature=temperature,
        alpha=alpha,
        epochs=40,
    )
    weights, bias, loss = torch_training(
        split.x_train[hard], split.y_train[hard], x_soft, p_soft, temperature, alpha, 40, 0.05
    )
    np.testing.assert_allclose(ours.weights, weights, atol=1e-9)
    np.testing.assert_allclose(ours.bias, bias, atol=1e-9)
    assert ours.loss_history[-1] == pytest.approx(loss, rel=1e-9)
    assert len(ours.loss_history) == 41


def test_objective_at_zero_weights_is_the_closed_form(split):
    """At zero weights q is uniform: CE = ln N, and KL(p ‖ uniform) = ln N − H(p)."""
    p = np.full((5, N_CLASSES), 0.05)
    p[:, 0] = 0.55
    entropy = -(0.55 * math.log(0.55) + 9 * 0.05 * math.log(0.05))
    trained = st.train_student(
        split.x_train[:20],
        split.y_train[:20],
        N_CLASSES,
        x_transfer=split.x_train[:5],
        transfer_probs=p,
        temperature=3.0,
        alpha=0.25,
        epochs=1,
    )
    expected = 0.75 * math.log(10) + 0.25 * 9 * (math.log(10) - entropy)
    assert trained.loss_history[0] == pytest.approx(expected, rel=1e-12)


def test_loss_falls_at_every_step_and_accuracy_is_sane(split):
    trained = st.train_student(split.x_train, split.y_train, N_CLASSES, epochs=400)
    history = trained.loss_history
    assert np.all(np.diff(history) <= 1e-12)  # convex objective, modest step: never rises
    assert history[-1] < 0.05 * history[0]
    # A linear model on all 1,078 labels: scikit-learn's LogisticRegression gets about 96%.
    assert st.accuracy(trained.logits(split.x_test), split.y_test) > 0.93
    assert trained.parameter_count == 64 * 10 + 10


def test_accuracy_counts_rows_whose_top_logit_is_the_label():
    logits = np.array([[2.0, 1.0], [0.0, 3.0], [5.0, 4.0]])
    assert st.accuracy(logits, np.array([0, 1, 1])) == pytest.approx(2 / 3)


def test_bad_arguments_are_refused_with_a_readable_message(split):
    x, y = split.x_train[:10], split.y_train[:10]
    with pytest.raises(ValueError, match="epochs must be from 1 to 2,000"):
        st.train_student(x, y, N_CLASSES, epochs=st.MAX_EPOCHS + 1)
    with pytest.raises(ValueError, match="alpha"):
        st.train_student(x, y, N_CLASSES, alpha=1.5)
    with pytest.raises(ValueError, match="transfer set"):
        st.train_student(x, y, N_CLASSES, alpha=0.5)
    with pytest.raises(ValueError, match="y_labelled"):
        st.train_student(x, y + 10, N_CLASSES)
    with pytest.raises(ValueError, match="transfer_probs"):
        st.train_student(x, y, N_CLASSES, x_transfer=x, transfer_probs=np.ones((10, 10)), alpha=1)
    with pytest.raises(ValueError, match="temperature"):
        p = np.full((10, 10), 0.1)
        st.train_student(x, y, N_CLASSES, x_transfer=x, transfer_probs=p, alpha=1, temperature=0)
    with pytest.raises(ValueError, match="x_labelled"):
        st.train_student(np.full((10, 64), np.nan), y, N_CLASSES)
    with pytest.raises(ValueError, match="learning_rate"):
        st.train_student(x, y, N_CLASSES, learning_rate=0.0)


def test_training_runs_on_one_blas_thread_and_restores_the_pool(monkeypatch):
    # Oracle: threadpoolctl's own report of the BLAS pools, read inside the training loop.
    from threadpoolctl import threadpool_info

    def blas_threads() -> list[int]:
        return [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]

    before = blas_threads()
    seen: list[list[int]] = []
    real = st.cross_entropy_and_gradient

    def spy(*args, **kwargs):
        seen.append(blas_threads())
        return real(*args, **kwargs)

    monkeypatch.setattr(st, "cross_entropy_and_gradient", spy)
    x = np.eye(4)
    st.train_student(x, np.arange(4), 4, epochs=3)
    assert seen and all(threads == [1] * len(threads) for threads in seen)
    assert blas_threads() == before
