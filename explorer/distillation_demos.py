"""Knowledge distillation on one example, as the page shows it: the dark knowledge in a teacher's
soft targets, and why the soft loss is multiplied by T².

Built on :mod:`explorer.distillation` (the loss and its gradients); pure numpy. Logits are one
example's (1-D, finite); temperatures as in :mod:`explorer.distillation`, ``0.001 ≤ T ≤ 1000``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from numbers import Integral

import numpy as np
from numpy.typing import ArrayLike

from explorer.checks import real_array
from explorer.core import softmax
from explorer.distillation import (
    MAX_TEMPERATURE,
    MIN_TEMPERATURE,
    _centred_difference,
    _finite_logits,
    _same_shape,
    cross_entropy_gradient,
    soft_loss_gradient,
    soft_targets,
)

__all__ = [
    "DEFAULT_GRADIENT_TEMPERATURES",
    "MAX_CURVE_POINTS",
    "GradientNorms",
    "SoftTargets",
    "explain_soft_targets",
    "gradient_norms",
]

#: Most temperatures :func:`gradient_norms` evaluates in one call (each costs two softmaxes).
MAX_CURVE_POINTS = 2000

#: The temperatures the gradient chart spans by default: 0.5 to 100, log-spaced.
DEFAULT_GRADIENT_TEMPERATURES = np.logspace(math.log10(0.5), 2.0, 61)


@dataclass(frozen=True)
class GradientNorms:
    """Euclidean norms of the soft-loss gradient for one example, against temperature.

    Attributes
    ----------
    temperatures : numpy.ndarray
        The temperatures, increasing.
    unscaled : numpy.ndarray
        ‖∂KL/∂z‖: falls like 1/T² once T is large.
    scaled : numpy.ndarray
        ‖∂(T² KL)/∂z‖ = T² × ``unscaled``: levels off at ``scaled_limit``.
    scaled_limit : float
        The closed-form large-T limit of ``scaled``, ‖(z − z̄) − (v − v̄)‖ / N.
    hard : float or None
        ‖∂CE/∂z‖ = ‖q₁ − y‖ of the hard-label loss at T = 1 (the same at every T), when a true
        class was given: the size the soft term's gradient is compared with.
    """

    temperatures: np.ndarray
    unscaled: np.ndarray
    scaled: np.ndarray
    scaled_limit: float
    hard: float | None


def gradient_norms(
    student_logits: ArrayLike,
    teacher_logits: ArrayLike,
    temperatures: ArrayLike | None = None,
    true_class: int | None = None,
) -> GradientNorms:
    r"""How large the soft loss's gradient is at each temperature, with and without T².

    Parameters
    ----------
    student_logits, teacher_logits : array_like
        One example's finite logits (1-D, same length).
    temperatures : array_like, optional
        Up to :data:`MAX_CURVE_POINTS` temperatures in [MIN_TEMPERATURE, MAX_TEMPERATURE]; sorted
        here.
        Default :data:`DEFAULT_GRADIENT_TEMPERATURES` (0.5 to 100).
    true_class : int, optional
        The example's label, for the hard-label gradient's norm (``GradientNorms.hard``).

    Returns
    -------
    GradientNorms

    Examples
    --------
    >>> norms = gradient_norms([1.0, -1.0, 0.0], [0.0, 2.0, 0.0], [1.0, 100.0])
    >>> round(float(norms.scaled[-1] / norms.scaled_limit), 2), bool(norms.unscaled[-1] < 1e-3)
    (1.0, True)
    """
    z = _vector(_finite_logits(student_logits, "student_logits"), "student_logits")
    v = _vector(_finite_logits(teacher_logits, "teacher_logits"), "teacher_logits")
    _same_shape(z, v, "student_logits and teacher_logits")
    temps = _check_temperatures(
        DEFAULT_GRADIENT_TEMPERATURES if temperatures is None else temperatures
    )
    unscaled = np.array([_norm(soft_loss_gradient(z, v, t, scale_by_t2=False)) for t in temps])
    with np.errstate(over="ignore", invalid="ignore"):
        centred, factor = _centred_difference(z, v), 1.0
    if not np.isfinite(centred).all():  # a step beyond the float range: in quarters
        centred, factor = _centred_difference(z * 0.25, v * 0.25), 4.0
    hard = None
    if true_class is not None:
        one_hot = np.eye(z.size)[_check_class(true_class, z.size)]
        hard = _norm(cross_entropy_gradient(z, one_hot, 1.0))
    return GradientNorms(
        temperatures=temps,
        unscaled=unscaled,
        scaled=unscaled * temps**2,
        scaled_limit=factor * _norm(centred) / z.size,  # (Python floats: inf, not a warning)
        hard=hard,
    )


def _norm(vector: np.ndarray) -> float:
    """The Euclidean norm, with no overflow for entries near the float range."""
    largest = float(np.max(np.abs(vector)))
    if largest == 0:
        return 0.0
    with np.errstate(under="ignore"):  # squares of entries far below the largest
        return largest * float(np.linalg.norm(vector / largest))


def _vector(array: np.ndarray, name: str) -> np.ndarray:
    if array.ndim != 1:
        raise ValueError(f"{name} must be one example's logits (1-D), got shape {array.shape}")
    return array


def _check_temperatures(temperatures: ArrayLike) -> np.ndarray:
    temps = np.sort(np.atleast_1d(real_array(temperatures, "temperatures")))
    if temps.ndim != 1 or temps.size == 0:
        raise ValueError("temperatures must be a non-empty list of numbers")
    if temps.size > MAX_CURVE_POINTS:
        raise ValueError(
            f"temperatures can hold at most {MAX_CURVE_POINTS:,} values, got {temps.size:,}"
        )
    if not (np.all(temps >= MIN_TEMPERATURE) and np.all(temps <= MAX_TEMPERATURE)):  # NaN too
        raise ValueError(
            f"temperatures must each be from {MIN_TEMPERATURE:g} to {MAX_TEMPERATURE:g}"
        )
    return temps


def _check_class(true_class: int, n_classes: int) -> int:
    if isinstance(true_class, (bool, np.bool_)) or not isinstance(true_class, Integral):
        raise ValueError(f"true_class must be a class index, got {true_class!r}")
    if not 0 <= true_class < n_classes:
        raise ValueError(f"true_class must be from 0 to {n_classes - 1}, got {true_class}")
    return int(true_class)


@dataclass(frozen=True)
class SoftTargets:
    """One example's soft targets at T beside its T = 1 distribution (the "dark knowledge").

    Attributes
    ----------
    temperature : float
    probs : numpy.ndarray
        softmax(v / T).
    probs_at_one : numpy.ndarray
        softmax(v), the teacher's ordinary prediction.
    true_class : int
    wrong_ranked : tuple of int
        The other classes, most probable first (the order of their logits; ties by index).
    wrong_mass, wrong_mass_at_one : float
        1 − p(true class) at T and at T = 1: how much the targets say about wrong classes.
    """

    temperature: float
    probs: np.ndarray
    probs_at_one: np.ndarray
    true_class: int
    wrong_ranked: tuple[int, ...]
    wrong_mass: float
    wrong_mass_at_one: float


def explain_soft_targets(
    teacher_logits: ArrayLike, temperature: float, true_class: int
) -> SoftTargets:
    """One example's soft targets at ``temperature``, the T = 1 ones, and the wrong classes ranked.

    Examples
    --------
    >>> explained = explain_soft_targets([5.0, 1.0, 3.0], temperature=4.0, true_class=0)
    >>> explained.wrong_ranked, round(explained.wrong_mass, 3)
    ((2, 1), 0.494)
    """
    v = _vector(_finite_logits(teacher_logits, "teacher_logits"), "teacher_logits")
    true_class = _check_class(true_class, v.size)
    probs, probs_at_one = soft_targets(v, temperature), softmax(v)
    wrong = [i for i in np.argsort(-v, kind="stable").tolist() if i != true_class]
    return SoftTargets(
        temperature=float(temperature),
        probs=probs,
        probs_at_one=probs_at_one,
        true_class=true_class,
        wrong_ranked=tuple(wrong),
        wrong_mass=float(np.delete(probs, true_class).sum()),  # not 1 − p: keeps 1e-12 exact
        wrong_mass_at_one=float(np.delete(probs_at_one, true_class).sum()),
    )
