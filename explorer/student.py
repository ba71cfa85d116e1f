"""A small student for distillation: softmax regression trained by full-batch Adam in numpy.

scikit-learn's classifiers learn from hard labels only; a distilled student must learn from a
teacher's soft targets, so it is trained here, with the gradients of :mod:`explorer.distillation`.
The student is the smallest classifier there is: a linear map from the 64 pixels to 10 logits
(650 parameters, against the digits teacher's 2,410), no hidden layer. Its objective is convex,
so it starts from zero weights and its training is deterministic given its data.

The objective, for labelled examples with one-hot labels ``y`` and a transfer set with targets
``p`` (soft targets at temperature T, or any probabilities):

.. math:: L = (1 - \\alpha)\\,\\overline{\\mathrm{CE}(y, \\mathrm{softmax}(z))}
          + \\alpha\\, T^2\\, \\overline{\\mathrm{KL}(p \\,\\|\\, \\mathrm{softmax}(z / T))}

(bars: means over each set's rows), as in Hinton, Vinyals & Dean (2015), who weight the soft term
by T² so that its gradients keep their size when T changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from numbers import Real

import numpy as np
from numpy.typing import ArrayLike
from threadpoolctl import threadpool_limits

from explorer.checks import check_count, real_array, whole_array
from explorer.core import _check_probs, entropy
from explorer.distillation import _check_distillation_temperature, cross_entropy_and_gradient

__all__ = [
    "ADAM_BETAS",
    "LEARNING_RATE",
    "MAX_ABS_INPUT",
    "MAX_CLASSES",
    "MAX_EPOCHS",
    "Student",
    "accuracy",
    "train_student",
]

#: Most full-batch steps one training takes (about 0.3 ms each on the 1,078 digits: 2,000 in 0.6 s).
MAX_EPOCHS = 2000
#: Adam's step size, and its decay rates for the gradient's mean and square (Kingma & Ba, 2015).
LEARNING_RATE = 0.05
ADAM_BETAS = (0.9, 0.999)
_ADAM_EPSILON = 1e-8
#: Most classes, and the largest input size: beyond them Adam's steps could leave the float range.
MAX_CLASSES = 1000
MAX_ABS_INPUT = 1e6


@dataclass(frozen=True)
class Student:
    """A trained softmax regression: ``logits = x @ weights + bias``.

    Attributes
    ----------
    weights : numpy.ndarray
        (features, classes).
    bias : numpy.ndarray
        (classes,).
    loss_history : numpy.ndarray
        The objective L (nats) before each step and after the last: ``epochs + 1`` values.
    """

    weights: np.ndarray
    bias: np.ndarray
    loss_history: np.ndarray

    def logits(self, x: ArrayLike) -> np.ndarray:
        """Pre-softmax outputs, shape (n, classes)."""
        return np.asarray(x, dtype=float) @ self.weights + self.bias

    @property
    def parameter_count(self) -> int:
        return int(self.weights.size + self.bias.size)


def accuracy(logits: np.ndarray, labels: np.ndarray) -> float:
    """Share of rows whose largest logit is the label's (ties: the first largest)."""
    z = real_array(logits, "logits")
    if z.ndim != 2 or z.shape[0] == 0 or z.shape[1] == 0 or np.isnan(z).any():
        raise ValueError(f"logits must be a table of numbers, one row per example, got {z.shape}")
    y = whole_array(labels, "labels")
    if y.shape != (len(z),):
        raise ValueError("labels must hold one whole-number class per row of logits")
    return float(np.mean(np.argmax(z, axis=1) == y))


def _check_alpha(alpha: float) -> float:
    if isinstance(alpha, (bool, np.bool_)) or not isinstance(alpha, Real) or not 0 <= alpha <= 1:
        raise ValueError(f"alpha (the soft loss's weight) must be from 0 to 1, got {alpha!r}")
    return float(alpha)


def _check_inputs(x: ArrayLike, name: str) -> np.ndarray:
    array = real_array(x, name)
    if array.ndim != 2 or not (np.abs(array) <= MAX_ABS_INPUT).all():  # NaN fails too
        raise ValueError(
            f"{name} must be a table (examples × features) of numbers within ±{MAX_ABS_INPUT:g}"
        )
    return array


def _check_epochs(epochs: int) -> int:
    return check_count(epochs, "epochs", MAX_EPOCHS)


def train_student(
    x_labelled: ArrayLike,
    y_labelled: ArrayLike,
    n_classes: int,
    *,
    x_transfer: ArrayLike | None = None,
    transfer_probs: ArrayLike | None = None,
    temperature: float = 1.0,
    alpha: float = 0.0,
    epochs: int = 300,
    learning_rate: float = LEARNING_RATE,
) -> Student:
    r"""Train a softmax regression on hard labels, a transfer set's targets, or both.

    Parameters
    ----------
    x_labelled : array_like
        (n, features) inputs with true labels, each within ±:data:`MAX_ABS_INPUT`.
    y_labelled : array_like
        (n,) labels, integers from 0 to ``n_classes − 1``.
    n_classes : int
        2 to :data:`MAX_CLASSES`.
    x_transfer : array_like, optional
        (m, features) inputs the student learns ``transfer_probs`` on (with ``alpha > 0``).
    transfer_probs : array_like, optional
        (m, n_classes) targets: the teacher's soft targets at ``temperature``, or one-hot
        labels (with ``temperature = 1``, the soft term is then the cross-entropy on them).
    temperature : float, default 1.0
        T of the student's softmax in the soft term; from 0.001 to 1000 (see
        :func:`explorer.distillation.soft_targets`).
    alpha : float, default 0.0
        Weight of the soft term, from 0 (hard labels only) to 1 (soft targets only).
    epochs : int, default 300
        Full-batch Adam steps, 1 to :data:`MAX_EPOCHS`. No early stopping.
    learning_rate : float, default :data:`LEARNING_RATE`

    Returns
    -------
    Student

    Examples
    --------
    >>> x = np.array([[0.0, 1.0], [1.0, 0.0]])
    >>> student = train_student(x, np.array([0, 1]), 2, epochs=50)
    >>> student.logits(x).argmax(axis=1), student.loss_history[[0, -1]].round(3)  # from ln 2
    (array([0, 1]), array([0.693, 0.038]))
    """
    x_hard = _check_inputs(x_labelled, "x_labelled")
    labels = whole_array(y_labelled, "y_labelled")
    alpha, epochs = _check_alpha(alpha), _check_epochs(epochs)
    n_classes = check_count(n_classes, "n_classes", MAX_CLASSES, low=2)
    if isinstance(learning_rate, (bool, np.bool_)) or not (
        isinstance(learning_rate, Real) and 0 < learning_rate <= 1
    ):
        raise ValueError(f"learning_rate must be above 0 and at most 1, got {learning_rate!r}")
    learning_rate = float(learning_rate)  # a Fraction, say, would make the weights objects
    if labels.shape != (len(x_hard),):
        raise ValueError("y_labelled must hold one whole-number label per row of x_labelled")
    if labels.size and (labels.min() < 0 or labels.max() >= n_classes):
        raise ValueError(f"y_labelled must hold classes from 0 to {n_classes - 1}")
    y_hard = np.eye(n_classes)[labels]
    use_soft = alpha > 0
    if use_soft:
        if x_transfer is None or transfer_probs is None:
            raise ValueError("alpha > 0 needs a transfer set: give x_transfer and transfer_probs")
        x_soft = _check_inputs(x_transfer, "x_transfer")
        p_soft = _check_probs(transfer_probs, -1, "transfer_probs")
        if x_soft.shape[1] != x_hard.shape[1]:
            raise ValueError("x_transfer must have as many features as x_labelled")
        if p_soft.shape != (len(x_soft), n_classes):
            raise ValueError("transfer_probs must have one row of n_classes per transfer example")
        h_soft = float(np.mean(entropy(p_soft)))
        temperature = _check_distillation_temperature(temperature)
    use_hard = alpha < 1 and len(x_hard) > 0
    if not (use_hard or use_soft):
        raise ValueError("nothing to learn from: give labelled examples or alpha > 0")

    weights = np.zeros((x_hard.shape[1], n_classes))
    bias = np.zeros(n_classes)
    # Each term: (inputs, their transpose made contiguous for a fast x.T @ dz, targets, T, weight).
    # Times T², the soft term's gradient is T² (q − p) / T; KL(p ‖ q) = CE(p, q) − H(p).
    terms = []
    if use_hard:
        terms.append((x_hard, np.ascontiguousarray(x_hard.T), y_hard, 1.0, 1 - alpha, 0.0))
    if use_soft:
        weight = alpha * temperature**2
        terms.append((x_soft, np.ascontiguousarray(x_soft.T), p_soft, temperature, weight, h_soft))
    history = np.empty(epochs + 1)
    # One BLAS thread: these matrices are small (≈1000 × 64 × 10), so a second thread gains
    # nothing and, on a busy server, the two wait for each other. 600 epochs on 1,078 transfer
    # images with the machine's load at 3.5: 0.2–0.5 s on one thread, 2.3–8.2 s on OpenBLAS's 2.
    with threadpool_limits(limits=1, user_api="blas"):
        _adam(terms, weights, bias, history, epochs, learning_rate)
    return Student(weights=weights, bias=bias, loss_history=history)


def _adam(
    terms: list[tuple],
    weights: np.ndarray,
    bias: np.ndarray,
    history: np.ndarray,
    epochs: int,
    learning_rate: float,
) -> None:
    """Full-batch Adam on the summed terms, updating ``weights`` and ``bias`` in place."""
    moments = [np.zeros_like(weights), np.zeros_like(bias)]
    squares = [np.zeros_like(weights), np.zeros_like(bias)]
    beta1, beta2 = ADAM_BETAS
    for step in range(epochs + 1):
        loss, grad_w, grad_b = 0.0, np.zeros_like(weights), np.zeros_like(bias)
        for x, x_t, targets, term_t, weight, target_entropy in terms:
            losses, dz = cross_entropy_and_gradient(x @ weights + bias, targets, term_t)
            loss += weight * (float(np.mean(losses)) - target_entropy)
            dz *= weight / len(x)
            grad_w += x_t @ dz
            grad_b += dz.sum(axis=0)
        history[step] = loss
        if step == epochs:
            break
        for k, (param, grad) in enumerate(((weights, grad_w), (bias, grad_b))):
            moments[k] = beta1 * moments[k] + (1 - beta1) * grad
            squares[k] = beta2 * squares[k] + (1 - beta2) * grad**2
            mean = moments[k] / (1 - beta1 ** (step + 1))
            square = squares[k] / (1 - beta2 ** (step + 1))
            param -= learning_rate * mean / (np.sqrt(square) + _ADAM_EPSILON)
