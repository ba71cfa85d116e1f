"""The softmax family with temperature, in pure numpy.

Every function here is exact at the limits a learner reaches for: ``T = 0`` (greedy), ``T = inf``
(uniform over the finite logits), masked ``-inf`` logits, and finite logits of any size (±1e300 with
``T = 1e-300`` included). Bad input raises ``ValueError`` naming the argument; nothing here warns,
overflows or returns NaN.
"""

from __future__ import annotations

import math
from numbers import Real

import numpy as np
from numpy.typing import ArrayLike

from explorer.checks import check_axis, check_real, real_array

__all__ = [
    "entropy",
    "kl_divergence",
    "log_softmax",
    "probs_to_logits",
    "softmax",
    "total_variation",
]

#: How far a probability vector's sum may stray from 1 before it is rejected.
PROBABILITY_SUM_TOLERANCE = 1e-6


def _check_temperature(temperature: float) -> float:
    """Return ``temperature`` as a float, or raise if it is not a real number ≥ 0."""
    if type(temperature) is float and temperature >= 0:  # the common case, fast
        return temperature
    if isinstance(temperature, (bool, np.bool_)) or not isinstance(temperature, Real):
        raise TypeError(f"temperature must be a real number ≥ 0, got {temperature!r:.60}")
    value = check_real(temperature, "temperature")
    if math.isnan(value) or value < 0:
        raise ValueError(f"temperature must be ≥ 0 (0 = greedy, inf = uniform), got {value!r}")
    return value


def _as_float_array(values: ArrayLike, name: str) -> np.ndarray:
    """Convert to a non-empty float64 array, or raise naming ``name``."""
    array = real_array(values, name)
    if array.ndim == 0:
        raise ValueError(f"{name} must be an array with at least one entry, got a scalar")
    if array.size == 0:
        raise ValueError(f"{name} is empty: give at least one value")
    return array


def _check_logits(logits: ArrayLike, axis: int) -> np.ndarray:
    """Validate logits: no NaN, no +inf, and at least one finite entry along ``axis``."""
    z = _as_float_array(logits, "logits")
    if np.isnan(z).any():
        raise ValueError("logits contain NaN; every logit must be a number or -inf (masked)")
    if np.isposinf(z).any():
        raise ValueError("logits contain +inf; use finite values, or -inf to mask an entry")
    if not np.isfinite(z).any(axis=axis).all():
        raise ValueError(
            "logits are all -inf (masked) along the axis somewhere: nothing is left to choose"
        )
    return z


def _check_probs(probs: ArrayLike, axis: int, name: str = "probs") -> np.ndarray:
    """Validate a probability vector: finite, ≥ 0, summing to 1 along ``axis``."""
    p = _as_float_array(probs, name)
    axis = check_axis(axis, p.ndim)
    if not np.isfinite(p).all():
        raise ValueError(f"{name} must be finite numbers (found NaN or inf)")
    if (p < 0).any():
        raise ValueError(f"{name} must be ≥ 0 (found {p.min():g})")
    with np.errstate(over="ignore"):  # entries near 1e308 sum to inf, which fails below
        sums = p.sum(axis=axis)
    if np.abs(sums - 1).max() > PROBABILITY_SUM_TOLERANCE:
        worst = np.ravel(sums)[np.argmax(np.abs(np.ravel(sums) - 1))]
        raise ValueError(f"{name} must sum to 1 along the axis (one sums to {worst:.6g})")
    return p


def _scaled_shifted(z: np.ndarray, temperature: float, axis: int) -> np.ndarray:
    """(z − max z) / T for 0 < T < inf: every entry ≤ 0, the maxima exactly 0.

    Subtracting the maximum first keeps exp() from overflowing. Where the difference itself
    overflows (a spread beyond 1.8e308), it is recomputed from halves, which is exact at that
    size, so that a large T can bring it back into range; a result still beyond the float range
    is -inf, whose exp is the exact-enough 0.
    """
    top = z.max(axis=axis, keepdims=True)
    with np.errstate(over="ignore", under="ignore"):
        shifted = z - top
        scaled = shifted / temperature
        overflowed = np.isneginf(shifted) & np.isfinite(z)
        if overflowed.any():
            halves = (z * 0.5 - top * 0.5) / temperature * 2.0
            scaled = np.where(overflowed, halves, scaled)
    return scaled


def _fast_scaled(z: np.ndarray, temperature: float, axis: int) -> np.ndarray | None:
    """(z − max z) / T as a new array, when that is safe without the checks; else None.

    Safe means 0 < T < inf and every logit finite with a spread (max − min) of at most
    T · 1e300, so no entry can overflow. NaN, ±inf and huge spreads make the spread non-finite
    or too large, and take the checked path (:func:`_check_logits`, :func:`_scaled_shifted`),
    which gives the same numbers bit for bit where both apply. This path does three passes over
    the data where the checked one does eight: it is what keeps us level with scipy. Call it
    inside ``np.errstate(over="ignore", invalid="ignore")``: the spread of ±inf or huge logits
    overflows or is NaN, which is how they are told apart.
    """
    if not 0 < temperature < math.inf:
        return None
    # The spread over the whole array bounds every slice's spread: a safe, cheap test.
    high, low = float(z.max()), float(z.min())
    spread = high - low
    if not (math.isfinite(spread) and spread <= temperature * 1e300):  # NaN fails too
        return None
    top = high if z.ndim == 1 else z.max(axis=axis, keepdims=True)
    scaled = np.subtract(z, top)
    scaled /= temperature
    return scaled


def _limit_weights(z: np.ndarray, temperature: float, axis: int) -> np.ndarray:
    """Unnormalised weights of the T = 0 (ties at the max) or T = inf (finite entries) limit."""
    if temperature == 0:
        return (z == z.max(axis=axis, keepdims=True)).astype(np.float64)
    return np.isfinite(z).astype(np.float64)


def softmax(logits: ArrayLike, temperature: float = 1.0, axis: int = -1) -> np.ndarray:
    r"""Softmax with temperature.

    .. math:: q_i = \frac{\exp(z_i / T)}{\sum_j \exp(z_j / T)}

    Parameters
    ----------
    logits : array_like
        Real scores ``z`` (any unit; only differences matter). ``-inf`` masks an entry: its
        probability is exactly 0. At least one finite logit per slice along ``axis``.
    temperature : float, default 1.0
        ``T ≥ 0``, in the units of the logits. ``T = 0`` is the greedy limit: probability split
        evenly among the tied maxima, exactly 0 elsewhere. ``T = inf`` is the uniform distribution
        over the finite logits.
    axis : int, default -1
        Axis along which the probabilities sum to 1; other axes are a batch.

    Returns
    -------
    numpy.ndarray
        float64 probabilities, the shape of ``logits``, each slice summing to 1.

    Raises
    ------
    ValueError
        Empty logits, NaN or +inf logits, a slice that is all -inf, or T negative or NaN.

    Notes
    -----
    The maximum is subtracted before dividing by T, so no finite input overflows; adding a
    constant to every logit changes nothing (shift invariance).

    Examples
    --------
    >>> softmax([2.0, 1.0, 0.1]).round(3)
    array([0.659, 0.242, 0.099])
    >>> softmax([1.0, 1.0, 0.0], temperature=0)
    array([0.5, 0.5, 0. ])
    """
    z = _as_float_array(logits, "logits")
    axis = check_axis(axis, z.ndim)
    temperature = _check_temperature(temperature)
    # exp of a very negative number is 0: correct. Overflow and NaN: see _fast_scaled.
    with np.errstate(under="ignore", over="ignore", invalid="ignore"):
        scaled = _fast_scaled(z, temperature, axis)
        if scaled is not None:
            weights = np.exp(scaled, out=scaled)
        else:
            z = _check_logits(z, axis)
            if temperature == 0 or math.isinf(temperature):
                weights = _limit_weights(z, temperature, axis)
            else:
                weights = np.exp(_scaled_shifted(z, temperature, axis))
        weights /= weights.sum(axis=axis, keepdims=True)
    return weights


def log_softmax(logits: ArrayLike, temperature: float = 1.0, axis: int = -1) -> np.ndarray:
    r"""Natural log of :func:`softmax`, accurate where the probabilities underflow to 0.

    .. math:: \log q_i = \frac{z_i}{T} - \log \sum_j \exp(z_j / T)

    Parameters and limits are those of :func:`softmax`. Masked (-inf) entries, and entries whose
    log-probability is below the float range (about -1.8e308), are ``-inf``.

    Examples
    --------
    >>> log_softmax([0.0, -1000.0])
    array([    0., -1000.])
    """
    z = _as_float_array(logits, "logits")
    axis = check_axis(axis, z.ndim)
    temperature = _check_temperature(temperature)
    with np.errstate(divide="ignore", under="ignore", over="ignore", invalid="ignore"):
        scaled = _fast_scaled(z, temperature, axis)
        if scaled is None:
            z = _check_logits(z, axis)
            if temperature == 0 or math.isinf(temperature):
                weights = _limit_weights(z, temperature, axis)
                return np.log(weights) - np.log(weights.sum(axis=axis, keepdims=True))
            scaled = _scaled_shifted(z, temperature, axis)
        # Every scaled entry is ≤ 0 and the maxima are 0, so the sum is in [1, n]: no overflow.
        scaled -= np.log(np.exp(scaled).sum(axis=axis, keepdims=True))
        return scaled


def entropy(probs: ArrayLike, base: float | None = None, axis: int = -1) -> np.ndarray | float:
    r"""Shannon entropy of a probability vector.

    .. math:: H(p) = -\sum_i p_i \log p_i, \qquad 0 \log 0 = 0

    Parameters
    ----------
    probs : array_like
        Probabilities ≥ 0 summing to 1 along ``axis`` (within 1e-6).
    base : float, optional
        Logarithm base: ``None`` for nats, ``2`` for bits. Must be > 0 and ≠ 1.
    axis : int, default -1

    Returns
    -------
    float or numpy.ndarray
        Between 0 (one certain outcome) and ``log(n)`` (uniform over n outcomes).

    Examples
    --------
    >>> round(float(entropy([0.5, 0.5], base=2)), 12)
    1.0
    """
    p = _check_probs(probs, axis)
    if base is not None:
        base_value = check_real(base, "base")
        if not (base_value > 0 and base_value != 1 and math.isfinite(base_value)):
            raise ValueError(f"base must be a finite number > 0 and ≠ 1, got {base!r}")
    with np.errstate(divide="ignore", invalid="ignore", under="ignore"):
        terms = np.where(p > 0, -p * np.log(np.where(p > 0, p, 1.0)), 0.0)
    result = np.maximum(terms.sum(axis=axis), 0.0)
    if base is not None:
        result = result / math.log(base_value)
    return result[()] if isinstance(result, np.ndarray) else result


def probs_to_logits(probs: ArrayLike, axis: int = -1) -> np.ndarray:
    r"""Logits whose softmax (at T = 1) is ``probs``: :math:`z_i = \log p_i`.

    A zero probability becomes ``-inf`` (a masked entry). Raises ``ValueError`` for negative
    entries, NaN or inf, or sums further than 1e-6 from 1.

    Examples
    --------
    >>> probs_to_logits([0.25, 0.75, 0.0])
    array([-1.38629436, -0.28768207,        -inf])
    """
    p = _check_probs(probs, axis)
    with np.errstate(divide="ignore"):
        return np.log(p)


def kl_divergence(p: ArrayLike, q: ArrayLike, axis: int = -1) -> np.ndarray | float:
    r"""Kullback–Leibler divergence KL(p ‖ q) in nats.

    .. math:: D_{KL}(p \| q) = \sum_i p_i \log \frac{p_i}{q_i}

    Terms with ``p_i = 0`` are 0; a term with ``p_i > 0`` and ``q_i = 0`` makes it ``inf``.
    Both arguments must be probability vectors of the same shape.
    """
    p = _check_probs(p, axis, "p")
    q = _check_probs(q, axis, "q")
    if p.shape != q.shape:
        raise ValueError(f"p and q must have the same shape, got {p.shape} and {q.shape}")
    with np.errstate(divide="ignore", invalid="ignore", under="ignore", over="ignore"):
        ratio = np.log(np.where(p > 0, p, 1.0)) - np.log(np.where(p > 0, q, 1.0))
        terms = np.where(p > 0, p * ratio, 0.0)
    result = np.maximum(terms.sum(axis=axis), 0.0)
    return result[()] if isinstance(result, np.ndarray) else result


def total_variation(p: ArrayLike, q: ArrayLike, axis: int = -1) -> np.ndarray | float:
    r"""Total-variation distance :math:`\tfrac12 \sum_i |p_i - q_i|`, between 0 and 1."""
    p = _check_probs(p, axis, "p")
    q = _check_probs(q, axis, "q")
    if p.shape != q.shape:
        raise ValueError(f"p and q must have the same shape, got {p.shape} and {q.shape}")
    with np.errstate(under="ignore"):  # halving a subnormal difference
        result = np.minimum(0.5 * np.abs(p - q).sum(axis=axis), 1.0)  # rounding: 1 + 1 ulp
    return result[()] if isinstance(result, np.ndarray) else result
