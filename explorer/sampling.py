"""Drawing classes from a probability vector: :func:`sample`, by inverse CDF, capped at
:data:`MAX_DRAWS` draws a call. A class of probability 0 is never drawn.

The rest of drawing tokens lives beside it: the decoding filters (:mod:`explorer.decoding`),
the Gumbel tricks (:mod:`explorer.gumbel`) and the statistics of a run of draws
(:mod:`explorer.draw_stats`). The argument checks they share are here.

Randomness comes from ``rng``: an int seed (the same seed gives the same draws), ``None`` (fresh
entropy) or a :class:`numpy.random.Generator`, which is used and advanced. Bad input raises
``ValueError`` naming the argument (``TypeError`` for an ``rng`` of the wrong kind); nothing here
warns, overflows or returns NaN for valid input.
"""

from __future__ import annotations

from numbers import Integral

import numpy as np
from numpy.typing import ArrayLike

from explorer.core import (
    _check_probs,
)

__all__ = [
    "MAX_DRAWS",
    "sample",
]


#: Most draws one call makes (:func:`sample`, :func:`gumbel_max_sample`): a million take a few
#: milliseconds and 8 MB, and are more than any chart or test on the page needs.
MAX_DRAWS = 1_000_000


def _vector(array: np.ndarray, name: str) -> np.ndarray:
    if array.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {array.shape}")
    return array


def _check_size(size: int, cap: int = MAX_DRAWS, name: str = "size") -> int:
    """Return ``size`` as an int in ``[0, cap]``, or raise naming ``name``."""
    if isinstance(size, (bool, np.bool_)) or not isinstance(size, Integral):
        raise ValueError(f"{name} must be an integer from 0 to {cap:,}, got {size!r}")
    if not 0 <= size <= cap:
        raise ValueError(f"{name} must be from 0 to {cap:,}, got {size:,}")
    return int(size)


def _as_generator(rng: int | np.random.Generator | None) -> np.random.Generator:
    """A Generator from an int seed or ``None``; a Generator passed in is returned as it is."""
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None or (isinstance(rng, Integral) and not isinstance(rng, (bool, np.bool_))):
        if rng is not None and rng < 0:
            raise ValueError(f"rng, as a seed, must be an integer ≥ 0, got {rng!r}")
        return np.random.default_rng(None if rng is None else int(rng))
    raise TypeError(f"rng must be an int seed, None or a numpy.random.Generator, got {rng!r}")


def sample(probs: ArrayLike, size: int, rng: int | np.random.Generator | None = None) -> np.ndarray:
    r"""Draw ``size`` class indices independently from the distribution ``probs``.

    Inverse-CDF sampling: with :math:`F_i = p_0 + \dots + p_i` and uniforms
    :math:`u \in [0, F_{n-1})`, the draw is the class :math:`i` with :math:`F_{i-1} \le u < F_i`,
    so :math:`P(i) = F_i - F_{i-1} = p_i`.

    Parameters
    ----------
    probs : array_like
        1-D probabilities, finite, ≥ 0, summing to 1 within 1e-6 (the sum is used as it is: no
        renormalisation is needed).
    size : int
        Number of draws, from 0 to :data:`MAX_DRAWS`.
    rng : int, numpy.random.Generator or None
        Seed or generator (see the module docstring). The same seed gives the same draws.

    Returns
    -------
    numpy.ndarray
        ``size`` int64 class indices in ``[0, n)``.

    Raises
    ------
    ValueError
        ``probs`` invalid (empty, not 1-D, NaN or inf, negative, sum off 1), or ``size`` not an
        integer in ``[0, MAX_DRAWS]``.

    Notes
    -----
    A class with ``p_i = 0`` can never be drawn: its interval :math:`[F_{i-1}, F_i)` is empty
    (adding 0 leaves the float sum unchanged), and :math:`u = r F_{n-1}` with :math:`r < 1` from
    ``Generator.random`` rounds below :math:`F_{n-1}`, so trailing zero classes are never reached
    either. Rounding in the cumulative sum and the 2⁻⁵³ grid of the uniforms move each class's
    chance by at most about n · 2⁻⁵³, so a positive probability far below that (1e-300 beside
    0.5) is drawn at a rate of 0 or 2⁻⁵³ rather than exactly ``p_i``. Cost: O(n + size · log n).

    Examples
    --------
    >>> sample([0.2, 0.0, 0.8], 8, rng=0)
    array([2, 2, 0, 0, 2, 2, 2, 2])
    """
    p = _vector(_check_probs(probs, -1), "probs")
    size = _check_size(size)
    generator = _as_generator(rng)
    cumulative = np.cumsum(p)
    uniforms = generator.random(size) * cumulative[-1]
    return np.searchsorted(cumulative, uniforms, side="right").astype(np.int64, copy=False)
