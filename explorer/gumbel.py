"""The Gumbel tricks: the Gumbel-max trick (:func:`gumbel_max_sample`, one race laid bare by
:func:`gumbel_race`) and its relaxation (:func:`gumbel_softmax`).

Randomness comes from ``rng``: an int seed (the same seed gives the same draws), ``None`` (fresh
entropy) or a :class:`numpy.random.Generator`, which is used and advanced. Bad input raises
``ValueError`` naming the argument (``TypeError`` for an ``rng`` of the wrong kind); nothing here
warns, overflows or returns NaN for valid input.
"""

from __future__ import annotations

import math
from numbers import Real
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike

from explorer.checks import _shown
from explorer.core import (
    _check_logits,
    _check_temperature,
    _limit_weights,
    _scaled_shifted,
    softmax,
)
from explorer.sampling import _as_generator, _check_size, _vector

__all__ = [
    "MAX_NOISE_ENTRIES",
    "GumbelRace",
    "gumbel_max_sample",
    "gumbel_race",
    "gumbel_softmax",
]


#: Most Gumbel noise values one call draws: ``size × n`` for :func:`gumbel_max_sample` and
#: :func:`gumbel_softmax` (whose result is a ``size × n`` array; 20 million float64 are 160 MB).
MAX_NOISE_ENTRIES = 20_000_000

#: Noise is drawn in blocks of about this many values, so memory stays small for any ``size``.
_NOISE_BLOCK = 1 << 20


def _check_noise_size(size: int, n: int) -> int:
    size = _check_size(size)
    if size * n > MAX_NOISE_ENTRIES:
        raise ValueError(
            f"size × classes must be at most {MAX_NOISE_ENTRIES:,} noise values, got "
            f"size {size:,} × {n:,} classes; ask for fewer draws"
        )
    return size


def _check_tau(tau: float) -> float:
    """τ as a float ≥ 0 (inf included), or ValueError naming it."""
    message = f"tau must be a number ≥ 0 (0 = one-hot, inf = uniform), got {_shown(tau)}"
    if isinstance(tau, (bool, np.bool_)) or not isinstance(tau, Real):
        raise ValueError(message)
    try:
        value = float(tau)
    except OverflowError:  # an int of 400 digits
        raise ValueError(f"{message}: beyond the float range (about 1.8e308)") from None
    if not value >= 0:  # NaN fails too
        raise ValueError(message)
    return value


class GumbelRace(NamedTuple):
    """One Gumbel-max race (:func:`gumbel_race`): ``scaled + noise``, highest wins."""

    #: (z − max z) / T: 0 at the top, ``-inf`` for masked entries (and, at T = 0, for all but
    #: the tied maxima). Shifting by a constant changes no race.
    scaled: np.ndarray
    #: Standard Gumbel noise, one value per class.
    noise: np.ndarray
    #: Index of the winner, ``argmax(scaled + noise)``.
    winner: int


def _race_scores(logits: ArrayLike, temperature: float) -> np.ndarray:
    """Shifted scaled logits, max 0; at T = 0 or inf, 0 on the limit's support and -inf off it."""
    z = _vector(_check_logits(logits, -1), "logits")
    temperature = _check_temperature(temperature)
    if temperature == 0 or math.isinf(temperature):
        return np.where(_limit_weights(z, temperature, -1) > 0, 0.0, -np.inf)
    return _scaled_shifted(z, temperature, -1)


def gumbel_race(
    logits: ArrayLike, temperature: float = 1.0, rng: int | np.random.Generator | None = None
) -> GumbelRace:
    r"""One draw by the Gumbel-max trick, with its workings: the scaled logits, noise, winner.

    .. math:: i = \arg\max_j \left( z_j / T + g_j \right), \qquad g_j = -\log(-\log u_j)

    Returns
    -------
    GumbelRace
        ``(scaled, noise, winner)``; see :class:`GumbelRace`. ``winner`` is distributed as
        ``softmax(logits, T)``.

    Examples
    --------
    >>> race = gumbel_race([2.0, 1.0, 0.1], temperature=1.0, rng=0)
    >>> race.scaled
    array([ 0. , -1. , -1.9])
    >>> int(np.argmax(race.scaled + race.noise)) == race.winner
    True
    """
    scaled = _race_scores(logits, temperature)
    noise = _as_generator(rng).gumbel(size=scaled.size)
    return GumbelRace(scaled, noise, int(np.argmax(scaled + noise)))


def gumbel_max_sample(
    logits: ArrayLike,
    temperature: float,
    size: int,
    rng: int | np.random.Generator | None = None,
) -> np.ndarray:
    r"""Draw ``size`` classes by the Gumbel-max trick: distributed as ``softmax(logits, T)``.

    .. math:: \arg\max_j \left( z_j / T + g_j \right) \sim \mathrm{softmax}(z / T),
              \qquad g_j \text{ i.i.d. standard Gumbel}

    Parameters
    ----------
    logits : array_like
        1-D logits; ``-inf`` entries are never drawn.
    temperature : float
        T ≥ 0. T = 0 draws uniformly among the tied maxima (the noise breaks the tie); T = inf
        uniformly among the finite logits.
    size : int
        From 0 to :data:`MAX_DRAWS`, and ``size × n`` at most :data:`MAX_NOISE_ENTRIES`.
    rng : int, numpy.random.Generator or None

    Returns
    -------
    numpy.ndarray
        ``size`` int64 class indices.

    Notes
    -----
    Cost O(size · n) — n noise values a draw — against O(size · log n) for :func:`sample`: the
    trick is shown for what it teaches (sampling as a race), not for speed.
    """
    scores = _race_scores(logits, temperature)
    size = _check_noise_size(size, scores.size)
    generator = _as_generator(rng)
    draws = np.empty(size, dtype=np.int64)
    block = max(1, _NOISE_BLOCK // scores.size)
    for start in range(0, size, block):
        rows = min(block, size - start)
        noise = generator.gumbel(size=(rows, scores.size))
        draws[start : start + rows] = np.argmax(scores + noise, axis=1)
    return draws


def gumbel_softmax(
    logits: ArrayLike,
    tau: float,
    size: int,
    rng: int | np.random.Generator | None = None,
    temperature: float = 1.0,
) -> np.ndarray:
    r"""Relaxed one-hot samples (Gumbel-softmax, also called Concrete).

    .. math:: y = \mathrm{softmax}\left( (z / T + g) / \tau \right),
              \qquad g_j \text{ i.i.d. standard Gumbel}

    As τ → 0 each row tends to the one-hot vector of the Gumbel-max draw (its ``argmax`` is
    distributed as ``softmax(logits, T)`` for every τ); as τ → inf it tends to uniform over the
    finite logits.

    Parameters
    ----------
    logits : array_like
        1-D logits; ``-inf`` entries are 0 in every row.
    tau : float
        Relaxation temperature τ ≥ 0. τ = 0 gives exact one-hot rows, and any small τ is safe:
        the softmax is :func:`explorer.core.softmax`, which does not overflow.
    size : int
        Rows, from 0 to :data:`MAX_DRAWS`, with ``size × n`` at most :data:`MAX_NOISE_ENTRIES`.
    rng : int, numpy.random.Generator or None
    temperature : float, default 1.0
        T ≥ 0 applied to the logits before the noise (0 and inf as in :func:`gumbel_max_sample`).

    Returns
    -------
    numpy.ndarray
        Shape ``(size, n)``, float64, each row summing to 1.

    Examples
    --------
    >>> y = gumbel_softmax([2.0, 1.0, 0.1], tau=0.5, size=4, rng=0)
    >>> y.shape, bool(np.allclose(y.sum(axis=1), 1))
    ((4, 3), True)
    """
    tau = _check_tau(tau)
    scores = _race_scores(logits, temperature)
    size = _check_noise_size(size, scores.size)
    if size == 0:
        return np.empty((0, scores.size))
    noise = _as_generator(rng).gumbel(size=(size, scores.size))
    return softmax(scores + noise, tau, axis=-1)
