"""Knowledge distillation (Hinton, Vinyals & Dean, 2015): soft targets, the loss and its gradients.

A student learns from a teacher's *soft targets* :math:`p = \\mathrm{softmax}(v / T)` (``v`` the
teacher's logits) by making its own :math:`q = \\mathrm{softmax}(z / T)` (``z`` the student's
logits) close to them: the distillation loss is :math:`T^2 \\, \\mathrm{KL}(p \\,\\|\\, q)`. At a
high temperature the soft targets show which wrong classes the teacher finds similar ("dark
knowledge"); the factor :math:`T^2` keeps the gradients of this loss the same size whatever T
(:func:`high_temperature_gradient`; plotted by :mod:`explorer.distillation_demos`).

Pure numpy on top of :mod:`explorer.core`. Logits are in nats (any real scores; only differences
within a row matter); temperatures are in the units of the logits, from
:data:`MIN_TEMPERATURE` to :data:`MAX_TEMPERATURE`. Arrays are one example (1-D) or a batch of
examples (2-D, one per row).
Bad input raises ``ValueError`` naming the argument.
"""

from __future__ import annotations

import math
from numbers import Real

import numpy as np
from numpy.typing import ArrayLike

from explorer.core import _check_logits, _check_probs, log_softmax, softmax

__all__ = [
    "MAX_TEMPERATURE",
    "MIN_TEMPERATURE",
    "cross_entropy_and_gradient",
    "cross_entropy_gradient",
    "distillation_loss",
    "high_temperature_gradient",
    "soft_cross_entropy",
    "soft_loss_gradient",
    "soft_targets",
]

#: Highest temperature accepted. Far above any useful distillation temperature (Hinton et al.
#: used 1 to 20); beyond it the soft targets differ from uniform by less than a part in 1e3 for
#: logits spread over a few units.
MAX_TEMPERATURE = 1000.0
#: Lowest temperature accepted. Far below any useful one; below it the gradients, of size up to
#: 2 / T, would leave the float range long before T reaches the smallest float (5e-324).
MIN_TEMPERATURE = 1e-3


def _check_distillation_temperature(temperature: float, name: str = "temperature") -> float:
    """``temperature`` as a float in [MIN_TEMPERATURE, MAX_TEMPERATURE], or raise naming it."""
    if isinstance(temperature, (bool, np.bool_)) or not isinstance(temperature, Real):
        raise ValueError(f"{name} must be a number above 0, got {temperature!r:.60}")
    try:
        value = float(temperature)
    except OverflowError:  # an int beyond the float range
        value = math.inf
    if not MIN_TEMPERATURE <= value <= MAX_TEMPERATURE:  # NaN fails too
        raise ValueError(
            f"{name} must be from {MIN_TEMPERATURE:g} to {MAX_TEMPERATURE:g}, got {value!r}"
        )
    return value


def _finite_logits(logits: ArrayLike, name: str) -> np.ndarray:
    """Finite logits, 1-D (one example) or 2-D (one example per row)."""
    try:
        z = _check_logits(logits, -1)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{name}: {error}") from None
    if z.ndim > 2:
        raise ValueError(f"{name} must be one example (1-D) or one per row (2-D), got {z.shape}")
    if not np.isfinite(z).all():
        raise ValueError(f"{name} must all be finite numbers (no -inf masks in distillation)")
    return z


def _same_shape(a: np.ndarray, b: np.ndarray, names: str) -> None:
    if a.shape != b.shape:
        raise ValueError(f"{names} must have the same shape, got {a.shape} and {b.shape}")


def soft_targets(logits: ArrayLike, temperature: float) -> np.ndarray:
    r"""A teacher's soft targets :math:`p_i = \exp(v_i / T) / \sum_j \exp(v_j / T)`.

    Parameters
    ----------
    logits : array_like
        The teacher's logits ``v``: finite, one example (1-D) or one per row (2-D).
    temperature : float
        ``MIN_TEMPERATURE ≤ T ≤ MAX_TEMPERATURE``. T = 1 is the teacher's ordinary prediction; a
        higher T lifts the small probabilities of the wrong classes (T → ∞: uniform).

    Returns
    -------
    numpy.ndarray
        Probabilities, the shape of ``logits``, each row summing to 1.

    Examples
    --------
    >>> soft_targets([4.0, 2.0, 0.0], temperature=2.0).round(3)
    array([0.665, 0.245, 0.09 ])
    """
    v = _finite_logits(logits, "logits")
    return softmax(v, _check_distillation_temperature(temperature))


def soft_cross_entropy(
    logits: ArrayLike, target_probs: ArrayLike, temperature: float
) -> np.ndarray | float:
    r"""Cross-entropy :math:`\ell = -\sum_i y_i \log q_i` of targets ``y`` under
    :math:`q = \mathrm{softmax}(z / T)`, in nats, one value per row.

    ``target_probs`` may be one-hot (the hard-label loss, at T = 1) or soft targets. Its
    gradient with respect to ``z`` is :func:`cross_entropy_gradient`.

    Examples
    --------
    >>> round(float(soft_cross_entropy([0.0, 0.0], [1.0, 0.0], temperature=1.0)), 6)  # ln 2
    0.693147
    """
    z, y, temperature = _check_cross_entropy_args(logits, target_probs, temperature)
    result = cross_entropy_and_gradient(z, y, temperature)[0]
    return result[()] if isinstance(result, np.ndarray) else result


def cross_entropy_gradient(
    logits: ArrayLike, target_probs: ArrayLike, temperature: float
) -> np.ndarray:
    r"""Gradient of :func:`soft_cross_entropy` with respect to the logits: :math:`(q - y) / T`.

    .. math:: \frac{\partial}{\partial z_i}\Big(-\sum_j y_j \log q_j\Big)
              = \frac{q_i - y_i}{T}, \qquad q = \mathrm{softmax}(z / T)

    Row ``r`` is the gradient of row ``r``'s own loss (for the mean over ``n`` rows, divide by
    ``n``). Each row sums to 0: adding a constant to every logit changes nothing.

    Examples
    --------
    >>> cross_entropy_gradient([0.0, 0.0], [1.0, 0.0], temperature=2.0)
    array([-0.25,  0.25])
    """
    z, y, temperature = _check_cross_entropy_args(logits, target_probs, temperature)
    return cross_entropy_and_gradient(z, y, temperature)[1]


def _check_cross_entropy_args(
    logits: ArrayLike, target_probs: ArrayLike, temperature: float
) -> tuple[np.ndarray, np.ndarray, float]:
    z = _finite_logits(logits, "logits")
    y = _check_probs(target_probs, -1, "target_probs")
    _same_shape(z, y, "logits and target_probs")
    return z, y, _check_distillation_temperature(temperature)


def cross_entropy_and_gradient(
    logits: np.ndarray, target_probs: np.ndarray, temperature: float
) -> tuple[np.ndarray, np.ndarray]:
    """Both :func:`soft_cross_entropy` (per row) and :func:`cross_entropy_gradient` from one
    log-softmax, for a training loop: the arguments are NOT checked (check them once, before).
    """
    log_q = log_softmax(logits, temperature)
    with np.errstate(under="ignore"):  # exp of a very negative log q is 0: correct
        q = np.exp(log_q)
    # y = 0 with log q = -inf (a class beyond the float range) contributes 0, not NaN.
    with np.errstate(invalid="ignore"):  # 0 × -inf, computed and then discarded by where
        losses = -np.where(target_probs > 0, target_probs * log_q, 0.0).sum(axis=-1)
    return losses, (q - target_probs) / temperature


def distillation_loss(
    teacher_logits: ArrayLike,
    student_logits: ArrayLike,
    temperature: float,
    *,
    scale_by_t2: bool = True,
) -> float:
    r"""The soft loss :math:`T^2\,\mathrm{KL}(p_T \,\|\, q_T)`, in nats, averaged over rows.

    .. math:: \mathrm{KL}(p \,\|\, q) = \sum_i p_i (\log p_i - \log q_i), \quad
              p = \mathrm{softmax}(v / T), \; q = \mathrm{softmax}(z / T)

    Parameters
    ----------
    teacher_logits, student_logits : array_like
        Finite logits ``v`` and ``z`` of the same shape: one example (1-D) or one per row (2-D).
    temperature : float
        ``MIN_TEMPERATURE ≤ T ≤ MAX_TEMPERATURE``, the same for teacher and student.
    scale_by_t2 : bool, default True
        Multiply by :math:`T^2`, as Hinton et al. do, so that the loss's gradients keep their
        size as T changes (without it they shrink like :math:`1 / T^2`).

    Returns
    -------
    float
        ≥ 0; exactly 0 when the student's logits equal the teacher's (up to a constant per row).
        Computed from log-softmaxes, so it stays accurate when probabilities underflow.

    Examples
    --------
    >>> round(distillation_loss([2.0, 0.0], [0.0, 0.0], temperature=1.0), 6)
    0.327813
    """
    v = _finite_logits(teacher_logits, "teacher_logits")
    z = _finite_logits(student_logits, "student_logits")
    _same_shape(v, z, "teacher_logits and student_logits")
    temperature = _check_distillation_temperature(temperature)
    log_p, log_q = log_softmax(v, temperature), log_softmax(z, temperature)
    with np.errstate(under="ignore"):  # exp of a very negative log p is 0: correct
        p = np.exp(log_p)
    # p = 0 contributes 0 even where both log-probabilities are -inf (beyond the float range).
    with np.errstate(invalid="ignore"):  # -inf − -inf, computed and then discarded by where
        terms = np.where(p > 0, p * (log_p - log_q), 0.0)
    kl = np.maximum(terms.sum(axis=-1), 0.0)
    with np.errstate(over="ignore"):
        loss = np.mean(kl)
    if np.isinf(loss) and np.isfinite(kl).all():  # rows near 1e308 overflowed the sum itself
        loss = np.sum(kl / kl.size)
    return float(loss) * (temperature**2 if scale_by_t2 else 1.0)


def soft_loss_gradient(
    student_logits: ArrayLike,
    teacher_logits: ArrayLike,
    temperature: float,
    scale_by_t2: bool = True,
) -> np.ndarray:
    r"""Gradient of the soft loss with respect to the student's logits.

    .. math:: \frac{\partial\, \mathrm{KL}(p_T \| q_T)}{\partial z_i} = \frac{q_i - p_i}{T},
              \qquad \frac{\partial\, T^2 \mathrm{KL}}{\partial z_i} = T\,(q_i - p_i)

    The entropy of ``p`` does not depend on ``z``, so this is :func:`cross_entropy_gradient`
    with the soft targets as targets (times T² when ``scale_by_t2``). Row ``r`` is the gradient
    of row ``r``'s own loss; :func:`distillation_loss` (the mean) has this divided by the rows.
    For large T it approaches :func:`high_temperature_gradient` (Hinton et al., eq. 4).

    Examples
    --------
    >>> soft_loss_gradient([0.0, 0.0], [2.0, 0.0], temperature=1.0).round(4)
    array([-0.3808,  0.3808])
    """
    z = _finite_logits(student_logits, "student_logits")
    v = _finite_logits(teacher_logits, "teacher_logits")
    _same_shape(z, v, "student_logits and teacher_logits")
    temperature = _check_distillation_temperature(temperature)
    # p as exp(log-softmax), computed the way the student's q is: a perfect student's gradient
    # is then exactly 0, not a rounding difference between two softmax routes.
    with np.errstate(under="ignore"):
        targets = np.exp(log_softmax(v, temperature))
    gradient = cross_entropy_and_gradient(z, targets, temperature)[1]
    return gradient * temperature**2 if scale_by_t2 else gradient


def high_temperature_gradient(
    student_logits: ArrayLike, teacher_logits: ArrayLike, temperature: float
) -> np.ndarray:
    r"""The large-T limit of the unscaled soft-loss gradient (Hinton et al., eq. 3–4).

    .. math:: \frac{\partial\, \mathrm{KL}}{\partial z_i} \approx
              \frac{(z_i - \bar z) - (v_i - \bar v)}{N\,T^2}

    with ``N`` classes and :math:`\bar z, \bar v` the row means (Hinton et al. take zero-mean
    logits, where it reads :math:`(z_i - v_i) / (N T^2)`). It follows from
    :math:`e^{x} \approx 1 + x` for logits small against T; the relative error is of order
    (spread of the logits) / T. Times T², the gradient tends to a limit independent of T.

    Examples
    --------
    >>> high_temperature_gradient([1.0, -1.0], [0.0, 0.0], temperature=10.0)
    array([ 0.005, -0.005])
    """
    z = _finite_logits(student_logits, "student_logits")
    v = _finite_logits(teacher_logits, "teacher_logits")
    _same_shape(z, v, "student_logits and teacher_logits")
    temperature = _check_distillation_temperature(temperature)
    scale = z.shape[-1] * temperature**2
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):  # checked below
        gradient = _centred_difference(z, v) / scale
        if not np.isfinite(gradient).all():  # a step beyond the float range: in quarters
            gradient = _centred_difference(z * 0.25, v * 0.25) / scale * 4.0
    if not np.isfinite(gradient).all():
        raise ValueError(
            "student_logits and teacher_logits are too large for this formula at this "
            "temperature: its result is beyond the float range (about 1.8e308)"
        )
    return gradient


def _centred_difference(z: np.ndarray, v: np.ndarray) -> np.ndarray:
    """(z − z̄) − (v − v̄) along the last axis."""
    return (z - z.mean(axis=-1, keepdims=True)) - (v - v.mean(axis=-1, keepdims=True))
