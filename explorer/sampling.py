"""Drawing tokens: sampling, the decoding filters (top-k, top-p, min-p), Gumbel tricks, statistics.

Pure numpy and scipy, built on :mod:`explorer.core`. Three parts:

- **Sampling** from a probability vector, by inverse CDF (:func:`sample`), capped at
  :data:`MAX_DRAWS` draws a call. A class of probability 0 is never drawn.
- **Decoding**: the distribution a language model's next token is drawn from, after temperature,
  top-k, top-p and min-p, in the order and with the exact rules of Hugging Face transformers'
  ``generate()`` (:func:`next_token_probs`), also stage by stage for the page
  (:func:`decoding_stages`).
- **Gumbel**: the Gumbel-max trick (:func:`gumbel_max_sample`, one race laid bare by
  :func:`gumbel_race`) and its relaxation (:func:`gumbel_softmax`).
- **Statistics** of a run of draws: counts, Wilson intervals, a chi-square goodness-of-fit test,
  total-variation distance and its convergence in N against the 1/√N law.

Randomness comes from ``rng``: an int seed (the same seed gives the same draws), ``None`` (fresh
entropy) or a :class:`numpy.random.Generator`, which is used and advanced. Bad input raises
``ValueError`` naming the argument (``TypeError`` for an ``rng`` of the wrong kind); nothing here
warns, overflows or returns NaN for valid input.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from numbers import Integral, Real
from typing import NamedTuple

import numpy as np
import scipy.special
import scipy.stats
from numpy.typing import ArrayLike

from explorer.core import (
    _check_logits,
    _check_probs,
    _check_temperature,
    _limit_weights,
    _scaled_shifted,
    softmax,
    total_variation,
)

__all__ = [
    "DEFAULT_ORDER",
    "MAX_DRAWS",
    "MAX_NOISE_ENTRIES",
    "MIN_EXPECTED_COUNT",
    "STAGE_NAMES",
    "TEMPERATURE_LAST_ORDER",
    "ChiSquareResult",
    "ConvergenceCurve",
    "Decoding",
    "GumbelRace",
    "Stage",
    "chi_square_test",
    "class_counts",
    "convergence_curve",
    "decoding_stages",
    "empirical_tv",
    "expected_tv",
    "frequencies",
    "gumbel_max_sample",
    "gumbel_race",
    "gumbel_softmax",
    "next_token_probs",
    "sample",
    "wilson_interval",
]

#: Most draws one call makes (:func:`sample`, :func:`gumbel_max_sample`): a million take a few
#: milliseconds and 8 MB, and are more than any chart or test on the page needs.
MAX_DRAWS = 1_000_000

#: Most Gumbel noise values one call draws: ``size × n`` for :func:`gumbel_max_sample` and
#: :func:`gumbel_softmax` (whose result is a ``size × n`` array; 20 million float64 are 160 MB).
MAX_NOISE_ENTRIES = 20_000_000

#: Noise is drawn in blocks of about this many values, so memory stays small for any ``size``.
_NOISE_BLOCK = 1 << 20

#: The four decoding stages, by name.
STAGE_NAMES = ("temperature", "top_k", "top_p", "min_p")

#: The order Hugging Face transformers' ``generate()`` applies them (its logits warpers).
DEFAULT_ORDER = STAGE_NAMES

#: Temperature after the filters (``temperature_last``, as in llama.cpp and text-generation-webui).
TEMPERATURE_LAST_ORDER = ("top_k", "top_p", "min_p", "temperature")

#: Cochran's rule: the chi-square test pools classes until every tested bin expects ≥ 5 draws.
MIN_EXPECTED_COUNT = 5.0


# --------------------------------------------------------------------------------------------
# Argument checks


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


def _check_noise_size(size: int, n: int) -> int:
    size = _check_size(size)
    if size * n > MAX_NOISE_ENTRIES:
        raise ValueError(
            f"size × classes must be at most {MAX_NOISE_ENTRIES:,} noise values, got "
            f"size {size:,} × {n:,} classes; ask for fewer draws"
        )
    return size


def _as_generator(rng: int | np.random.Generator | None) -> np.random.Generator:
    """A Generator from an int seed or ``None``; a Generator passed in is returned as it is."""
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None or (isinstance(rng, Integral) and not isinstance(rng, (bool, np.bool_))):
        if rng is not None and rng < 0:
            raise ValueError(f"rng, as a seed, must be an integer ≥ 0, got {rng!r}")
        return np.random.default_rng(None if rng is None else int(rng))
    raise TypeError(f"rng must be an int seed, None or a numpy.random.Generator, got {rng!r}")


def _check_unit(value: float, name: str, *, open_at_zero: bool) -> float:
    """``value`` as a float in (0, 1] (``open_at_zero``) or [0, 1], or raise naming ``name``."""
    interval = "(0, 1]" if open_at_zero else "[0, 1]"
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, Real):
        raise ValueError(f"{name} must be a number in {interval} or None, got {value!r}")
    number = float(value)
    low_ok = number > 0 if open_at_zero else number >= 0
    if not (low_ok and number <= 1):  # NaN fails both comparisons
        raise ValueError(f"{name} must be in {interval}, got {number!r}")
    return number


def _check_top_k(top_k: int | None) -> int | None:
    if top_k is None:
        return None
    if isinstance(top_k, (bool, np.bool_)) or not isinstance(top_k, Integral) or top_k < 1:
        raise ValueError(f"top_k must be an integer ≥ 1 or None, got {top_k!r}")
    return int(top_k)


def _check_order(order: tuple[str, ...]) -> tuple[str, ...]:
    order = tuple(order)
    if sorted(order) != sorted(STAGE_NAMES):
        raise ValueError(f"order must list each of {STAGE_NAMES} once, got {order!r}")
    return order


def _check_draws(draws: ArrayLike, n_classes: int) -> np.ndarray:
    """Class indices as a 1-D int64 array, each in ``[0, n_classes)``."""
    array = _vector(np.asarray(draws), "draws")
    if array.size and not np.issubdtype(array.dtype, np.integer):
        raise ValueError(f"draws must be integer class indices, got dtype {array.dtype}")
    array = array.astype(np.int64, copy=False)
    if array.size and (array.min() < 0 or array.max() >= n_classes):
        raise ValueError(f"draws must be class indices from 0 to {n_classes - 1}")
    return array


# --------------------------------------------------------------------------------------------
# Sampling


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


# --------------------------------------------------------------------------------------------
# Decoding: temperature, top-k, top-p, min-p


@dataclass(frozen=True)
class Stage:
    """One stage of the decoding pipeline, as the page shows it.

    Attributes
    ----------
    name : str
        ``"temperature"``, ``"top_k"``, ``"top_p"`` or ``"min_p"``.
    setting : float, int or None
        The stage's parameter; ``None`` when the stage is off (it passes everything through).
    alive : numpy.ndarray
        bool, the entries not removed so far (masked ``-inf`` logits are never alive).
    probs : numpy.ndarray
        The distribution after this stage: 0 off ``alive``, the rest renormalised, at
        temperature T once the temperature stage has passed and at 1 before.
    """

    name: str
    setting: float | int | None
    alive: np.ndarray
    probs: np.ndarray


@dataclass(frozen=True)
class Decoding:
    """The decoding pipeline stage by stage (:func:`decoding_stages`).

    Attributes
    ----------
    logits : numpy.ndarray
        The input logits, float64.
    initial : numpy.ndarray
        ``softmax(logits)`` at T = 1, before any stage.
    temperature_only : numpy.ndarray
        ``softmax(logits, T)``: temperature without any filter, for comparison.
    stages : tuple of Stage
        In the order applied.
    """

    logits: np.ndarray
    initial: np.ndarray
    temperature_only: np.ndarray
    stages: tuple[Stage, ...]

    @property
    def probs(self) -> np.ndarray:
        """The final distribution: the one the next token is drawn from."""
        return self.stages[-1].probs

    @property
    def alive(self) -> np.ndarray:
        """Entries that survive every stage."""
        return self.stages[-1].alive


def _ordering_key(z: np.ndarray, temperature: float) -> np.ndarray:
    """Values whose order and ties the filters use after temperature: z / T, as transformers has.

    Dividing by T > 0 keeps the order, but rounding can tie values that differed; transformers
    filters on the divided values, so ties are taken from them too. Where z / T would overflow,
    the shifted (z − max) / T of the core is used instead; at T = 0 and T = inf the order is
    that of z (the limit of T → 0+ and of large T).
    """
    if temperature == 0 or math.isinf(temperature):
        return z
    with np.errstate(over="ignore", under="ignore"):
        key = z / temperature
    if np.isinf(key[np.isfinite(z)]).any():
        return _scaled_shifted(z, temperature, -1)
    return key


def _top_k_keep(key: np.ndarray, k: int) -> np.ndarray:
    """Entries whose key is at least the k-th largest (ties with it kept)."""
    if k >= key.size:
        return np.ones(key.size, dtype=bool)
    kth = np.partition(key, key.size - k)[key.size - k]
    return key >= kth


def _top_p_keep(key: np.ndarray, probs: np.ndarray, top_p: float) -> np.ndarray:
    """transformers' TopPLogitsWarper rule (min_tokens_to_keep = 1), as a keep mask.

    Sort ascending by key, accumulate the probabilities, remove where the running sum is
    ≤ 1 − top_p, and always keep the last (largest) entry. Equal keys are taken in index order
    (a stable sort), so when tied entries straddle the cut the lower-indexed ones go first.
    """
    order = np.argsort(key, kind="stable")
    remove = np.cumsum(probs[order]) <= 1 - top_p
    remove[-1] = False
    keep = np.empty(key.size, dtype=bool)
    keep[order] = ~remove
    return keep


def _masked_softmax(z: np.ndarray, alive: np.ndarray, temperature: float) -> np.ndarray:
    return softmax(np.where(alive, z, -np.inf), temperature)


def decoding_stages(
    logits: ArrayLike,
    *,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float | None = None,
    min_p: float | None = None,
    order: tuple[str, ...] = DEFAULT_ORDER,
) -> Decoding:
    r"""The next-token distribution built stage by stage: temperature, top-k, top-p, min-p.

    Each filter removes entries (their probability becomes exactly 0) and the rest is
    renormalised; temperature reshapes without removing:

    - **temperature** :math:`T`: :math:`q \propto \exp(z / T)` (:func:`explorer.core.softmax`;
      T = 0 greedy with ties shared, T = inf uniform over the entries left).
    - **top-k**: keep the ``top_k`` largest logits; entries tied with the k-th are kept, and
      ``top_k ≥ n`` keeps all.
    - **top-p** (nucleus): keep the most probable entries until their total reaches ``top_p``,
      the entry that crosses it included. The rule is transformers': sort ascending, remove
      where the cumulative probability is ≤ 1 − ``top_p``, keep the top entry whatever happens.
      ``top_p = 1`` keeps all (``generate()`` skips the filter).
    - **min-p**: keep entries with :math:`q_i \ge` ``min_p`` × :math:`\max_j q_j`.

    The filters see the distribution as it is when they run: after temperature in the default
    order (Hugging Face transformers' ``generate()``), at T = 1 in ``TEMPERATURE_LAST_ORDER``.

    Parameters
    ----------
    logits : array_like
        1-D logits; ``-inf`` masks an entry (never alive, probability 0 throughout).
    temperature : float, default 1.0
        T ≥ 0; 0 and inf as in :func:`explorer.core.softmax`.
    top_k : int, optional
        ≥ 1. ``None`` turns the stage off.
    top_p : float, optional
        In (0, 1]. ``None`` turns the stage off.
    min_p : float, optional
        In [0, 1]. ``None`` turns the stage off; 0 keeps every entry.
    order : tuple of str, default :data:`DEFAULT_ORDER`
        Each of :data:`STAGE_NAMES` once.

    Returns
    -------
    Decoding
        The stages in order, each with its alive mask and distribution, and the T = 1 and
        temperature-only distributions. ``.probs`` is :func:`next_token_probs`'s result.

    Raises
    ------
    ValueError
        Invalid logits (see :func:`explorer.core.softmax`) or not 1-D; T negative or NaN;
        ``top_k`` not an integer ≥ 1; ``top_p`` outside (0, 1]; ``min_p`` outside [0, 1]; a bad
        ``order``.

    Notes
    -----
    Every filter keeps at least the top entry, so something is always left. Ties at the top-p
    cut are settled by index (see ``_top_p_keep``): exactly what transformers does for up to 16
    entries, where torch's sort is stable; above that torch's sort is not stable and transformers
    may keep a different one of the tied entries (the same number of them, the same values).
    At T = 0 the filters act on the greedy distribution, the T → 0+ limit of transformers'
    chain: top-p and min-p then see only the tied maxima.

    Examples
    --------
    >>> d = decoding_stages([2.0, 1.0, 0.0, -1.0], temperature=0.5, top_k=3, top_p=0.9)
    >>> [(s.name, s.alive.tolist()) for s in d.stages]  # doctest: +NORMALIZE_WHITESPACE
    [('temperature', [True, True, True, True]), ('top_k', [True, True, True, False]),
     ('top_p', [True, True, False, False]), ('min_p', [True, True, False, False])]
    >>> d.probs.round(4)
    array([0.8808, 0.1192, 0.    , 0.    ])
    """
    z = _vector(_check_logits(logits, -1), "logits")
    temperature = _check_temperature(temperature)
    settings: dict[str, float | int | None] = {
        "temperature": temperature,
        "top_k": _check_top_k(top_k),
        "top_p": None if top_p is None else _check_unit(top_p, "top_p", open_at_zero=True),
        "min_p": None if min_p is None else _check_unit(min_p, "min_p", open_at_zero=False),
    }
    order = _check_order(order)

    alive = np.isfinite(z)
    key, current_t = z, 1.0
    initial = probs = softmax(z)
    stages = []
    for name in order:
        setting = settings[name]
        if name == "temperature":
            key, current_t = _ordering_key(z, temperature), temperature
        elif setting is not None:
            masked_key = np.where(alive, key, -np.inf)
            if name == "top_k":
                alive = alive & _top_k_keep(masked_key, setting)
            elif name == "top_p" and setting < 1:
                alive = alive & _top_p_keep(masked_key, probs, setting)
            elif name == "min_p":
                alive = alive & (probs >= setting * probs.max())
        probs = _masked_softmax(z, alive, current_t)
        stages.append(Stage(name, setting, alive, probs))
    return Decoding(z, initial, softmax(z, temperature), tuple(stages))


def next_token_probs(
    logits: ArrayLike,
    *,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float | None = None,
    min_p: float | None = None,
    temperature_last: bool = False,
) -> np.ndarray:
    """The distribution the next token is drawn from, after temperature, top-k, top-p and min-p.

    The final output of :func:`decoding_stages` (see it for each rule), in transformers'
    order (temperature, top-k, top-p, min-p), or with temperature last if ``temperature_last``.
    Removed entries are exactly 0, the rest sum to 1.

    Examples
    --------
    >>> next_token_probs([1.0, 1.0, 0.0], temperature=0)
    array([0.5, 0.5, 0. ])
    >>> next_token_probs(np.log([0.5, 0.25, 0.25]), top_p=0.75)  # the second 0.25 crosses 0.75
    array([0.66666667, 0.        , 0.33333333])
    """
    order = TEMPERATURE_LAST_ORDER if temperature_last else DEFAULT_ORDER
    return decoding_stages(
        logits, temperature=temperature, top_k=top_k, top_p=top_p, min_p=min_p, order=order
    ).probs


# --------------------------------------------------------------------------------------------
# Gumbel


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
    if isinstance(tau, (bool, np.bool_)) or not isinstance(tau, Real) or not float(tau) >= 0:
        raise ValueError(f"tau must be a number ≥ 0 (0 = one-hot, inf = uniform), got {tau!r}")
    scores = _race_scores(logits, temperature)
    size = _check_noise_size(size, scores.size)
    if size == 0:
        return np.empty((0, scores.size))
    noise = _as_generator(rng).gumbel(size=(size, scores.size))
    return softmax(scores + noise, float(tau), axis=-1)


# --------------------------------------------------------------------------------------------
# Statistics of the draws


def class_counts(draws: ArrayLike, n_classes: int) -> np.ndarray:
    """How many draws fell in each class: int64, length ``n_classes`` (zeros included).

    Examples
    --------
    >>> class_counts([2, 0, 2], 4)
    array([1, 0, 2, 0])
    """
    n_classes = _check_size(n_classes, cap=np.iinfo(np.int64).max, name="n_classes")
    draws = _check_draws(draws, n_classes)
    return np.bincount(draws, minlength=n_classes).astype(np.int64, copy=False)


def frequencies(draws: ArrayLike, n_classes: int) -> np.ndarray:
    """Empirical distribution of the draws: the share of each class (raises if there are none).

    Examples
    --------
    >>> frequencies([2, 0, 2, 2], 3)
    array([0.25, 0.  , 0.75])
    """
    counts = class_counts(draws, n_classes)
    if counts.sum() == 0:
        raise ValueError("draws is empty: frequencies need at least one draw")
    return counts / counts.sum()


def wilson_interval(
    successes: ArrayLike, trials: int, confidence: float = 0.95
) -> tuple[np.ndarray, np.ndarray]:
    r"""Wilson score interval for a binomial proportion, per entry of ``successes``.

    With :math:`\hat p = k / n` and :math:`z` the normal quantile at ``(1 + confidence) / 2``
    (1.96 for 95%):

    .. math:: \frac{\hat p + \frac{z^2}{2n} \pm z \sqrt{\frac{\hat p (1 - \hat p)}{n}
              + \frac{z^2}{4n^2}}}{1 + \frac{z^2}{n}}

    Unlike the normal (Wald) interval it stays inside [0, 1] and does not collapse to a point at
    k = 0 or k = n; its coverage is close to the nominal level even for small n. The ends are
    exactly 0 at k = 0 and 1 at k = n. Same values as
    ``scipy.stats.binomtest(k, n).proportion_ci(confidence, method="wilson")``.

    Parameters
    ----------
    successes : array_like of int
        Counts k, each in ``[0, trials]`` (e.g. :func:`class_counts`).
    trials : int
        n ≥ 1 (e.g. the number of draws).
    confidence : float, default 0.95
        In (0, 1).

    Returns
    -------
    (low, high) : tuple of numpy.ndarray
        float64, the shape of ``successes``.

    Examples
    --------
    >>> low, high = wilson_interval([0, 5, 10], 10)
    >>> low.round(4), high.round(4)
    (array([0.    , 0.2366, 0.7225]), array([0.2775, 0.7634, 1.    ]))
    """
    if isinstance(trials, (bool, np.bool_)) or not isinstance(trials, Integral) or trials < 1:
        raise ValueError(f"trials must be an integer ≥ 1, got {trials!r}")
    k = np.asarray(successes, dtype=np.float64)
    if not (np.isfinite(k).all() and (k == np.round(k)).all() and (k >= 0).all()):
        raise ValueError("successes must be whole numbers ≥ 0")
    if (k > trials).any():
        raise ValueError(f"successes must be at most trials ({trials}), got {k.max():g}")
    level = float(confidence)
    if not 0 < level < 1:
        raise ValueError(f"confidence must be in (0, 1), got {confidence!r}")
    n = float(trials)
    z = scipy.special.ndtri(0.5 + 0.5 * level)
    share = k / n
    denominator = 2 * (n + z * z)
    center = (2 * n * share + z * z) / denominator
    delta = z / denominator * np.sqrt(4 * n * share * (1 - share) + z * z)
    low = np.where(k == 0, 0.0, np.clip(center - delta, 0.0, 1.0))
    high = np.where(k == n, 1.0, np.clip(center + delta, 0.0, 1.0))
    return low, high


@dataclass(frozen=True)
class ChiSquareResult:
    """Pearson's chi-square goodness-of-fit test of counts against probabilities.

    Attributes
    ----------
    statistic : float
        :math:`\\sum (O - E)^2 / E` over the tested bins.
    pvalue : float
        Chance of a statistic at least this large if the draws follow the probabilities
        (1.0 when there is nothing to test: one bin).
    dof : int
        Degrees of freedom: bins − 1.
    bins : tuple of tuple of int
        The classes in each tested bin; a bin of several classes was pooled because their
        expected counts were small. Classes of probability 0 are in none.
    """

    statistic: float
    pvalue: float
    dof: int
    bins: tuple[tuple[int, ...], ...]


def _pool_small(expected: np.ndarray, min_expected: float) -> list[list[int]]:
    """Group positions so that every group's expected total is ≥ ``min_expected`` if it can be.

    The smallest expectations are merged into one bin until it reaches ``min_expected``; the
    others stay single, in their order, and the pooled bin comes last. If even everything
    together falls short, it is one bin.
    """
    order = [int(i) for i in np.argsort(expected, kind="stable")]
    pooled: list[int] = []
    total = 0.0
    while order and (expected[order[0]] < min_expected or (pooled and total < min_expected)):
        total += expected[order[0]]
        pooled.append(order.pop(0))
    if pooled and total < min_expected and order:
        pooled.append(order.pop(0))  # too little even together: merge into the next smallest
    bins = [[i] for i in sorted(order)]
    return [*bins, sorted(pooled)] if pooled else bins


def chi_square_test(
    counts: ArrayLike, probs: ArrayLike, min_expected: float = MIN_EXPECTED_COUNT
) -> ChiSquareResult:
    r"""Pearson's chi-square goodness-of-fit test: do these counts come from ``probs``?

    .. math:: X^2 = \sum_b \frac{(O_b - E_b)^2}{E_b}, \qquad E_b = N \sum_{i \in b} p_i,
              \qquad X^2 \sim \chi^2_{B - 1}

    computed by :func:`scipy.stats.chisquare` on the bins ``b``.

    Classes of probability 0 are left out (their expected count is 0, which the statistic cannot
    divide by); a draw in one is impossible under ``probs`` and raises ``ValueError``.

    Small expected counts: the chi-square law of :math:`X^2` is a large-N approximation, poor
    when a bin expects fewer than about 5 draws. Classes expecting fewer than ``min_expected``
    draws are therefore pooled into one bin (smallest first, until the bin expects at least
    ``min_expected``; if it still does not, it takes in the next smallest class). The bins used
    are in the result. With a single bin left there is nothing to test: ``pvalue`` is 1.

    Parameters
    ----------
    counts : array_like of int
        Draws per class (:func:`class_counts`), at least one draw in total.
    probs : array_like
        The probabilities tested against, 1-D, the length of ``counts``.
    min_expected : float, default 5
        Smallest expected count of a bin, ≥ 0 (0 pools nothing).

    Returns
    -------
    ChiSquareResult

    Examples
    --------
    >>> result = chi_square_test([48, 52, 0], [0.5, 0.5, 0.0])
    >>> round(result.pvalue, 4), result.dof, result.bins
    (0.6892, 1, ((0,), (1,)))
    """
    p = _vector(_check_probs(probs, -1), "probs")
    observed = _vector(np.asarray(counts), "counts")
    if observed.shape != p.shape:
        raise ValueError(
            f"counts and probs must have the same length, got {observed.shape} and {p.shape}"
        )
    if not (np.issubdtype(observed.dtype, np.integer) and (observed >= 0).all()):
        raise ValueError("counts must be integers ≥ 0")
    total = int(observed.sum())
    if total == 0:
        raise ValueError("counts are all 0: the test needs at least one draw")
    impossible = np.flatnonzero((p == 0) & (observed > 0))
    if impossible.size:
        raise ValueError(
            f"{int(observed[impossible].sum())} draw(s) fell in class(es) "
            f"{impossible.tolist()}, whose probability is 0: impossible under probs"
        )
    if not min_expected >= 0:
        raise ValueError(f"min_expected must be ≥ 0, got {min_expected!r}")
    classes = np.flatnonzero(p > 0)
    expected = total * p[classes] / p[classes].sum()
    bins = [classes[group].tolist() for group in _pool_small(expected, min_expected)]
    if len(bins) < 2:
        return ChiSquareResult(0.0, 1.0, 0, tuple(tuple(b) for b in bins))
    observed_bins = np.array([observed[b].sum() for b in bins], dtype=np.float64)
    expected_bins = np.array([total * p[b].sum() for b in bins]) / p[classes].sum()
    result = scipy.stats.chisquare(observed_bins, expected_bins)
    return ChiSquareResult(
        float(result.statistic), float(result.pvalue), len(bins) - 1, tuple(tuple(b) for b in bins)
    )


def empirical_tv(counts: ArrayLike, probs: ArrayLike) -> float:
    r"""Total-variation distance between the draws' frequencies and ``probs``.

    :math:`\tfrac12 \sum_i |c_i / N - p_i|`, by :func:`explorer.core.total_variation`: 0 when the
    frequencies are exactly ``probs``, at most 1.
    """
    observed = _vector(np.asarray(counts, dtype=np.float64), "counts")
    if not (np.isfinite(observed).all() and (observed >= 0).all()):
        raise ValueError("counts must be finite and ≥ 0")
    if observed.sum() <= 0:
        raise ValueError("counts are all 0: no draws to compare")
    return float(total_variation(observed / observed.sum(), probs))


def expected_tv(probs: ArrayLike, n: ArrayLike) -> np.ndarray | float:
    r"""Large-N mean total-variation distance of N draws' frequencies from ``probs``.

    .. math:: \mathbb{E}[\mathrm{TV}] \approx \frac{\sum_i \sqrt{p_i (1 - p_i)}}{\sqrt{2 \pi N}}

    Derivation: the frequency :math:`\hat p_i` is binomial over N, approximately normal with mean
    :math:`p_i` and standard deviation :math:`\sigma_i = \sqrt{p_i(1-p_i)/N}`; for a normal
    deviation :math:`E|X| = \sigma \sqrt{2/\pi}`; by linearity (the classes' correlation does not
    matter for a mean) :math:`E[\tfrac12 \sum_i |\hat p_i - p_i|] = \tfrac12 \sqrt{2/\pi}
    \sum_i \sigma_i`, and :math:`\tfrac12\sqrt{2/\pi} = 1/\sqrt{2\pi}`. The error falls like
    :math:`1/\sqrt N`: 100 times more draws, 10 times closer.

    Examples
    --------
    >>> round(float(expected_tv([0.5, 0.5], 100)), 5)  # 2 · 0.5 / sqrt(200π)
    0.03989
    """
    p = _vector(_check_probs(probs, -1), "probs")
    draws = np.asarray(n, dtype=np.float64)
    if not (draws > 0).all():
        raise ValueError("n must be > 0")
    result = np.sqrt(p * (1 - p)).sum() / np.sqrt(2 * np.pi * draws)
    return result[()] if isinstance(result, np.ndarray) else result


@dataclass(frozen=True)
class ConvergenceCurve:
    """TV distance of the first N draws from the exact probabilities, on a log grid of N.

    Attributes
    ----------
    n : numpy.ndarray
        int64 numbers of draws, increasing, from 1 to all of them.
    tv : numpy.ndarray
        TV distance of the first ``n`` draws' frequencies from ``probs``.
    reference : numpy.ndarray
        :func:`expected_tv` at each ``n``: the 1/√N law the curve should follow.
    """

    n: np.ndarray
    tv: np.ndarray
    reference: np.ndarray


def convergence_curve(draws: ArrayLike, probs: ArrayLike, points: int = 40) -> ConvergenceCurve:
    """How the frequencies of one stream of draws close in on ``probs`` as N grows.

    The grid is ``points`` values of N spaced evenly in log from 1 to ``len(draws)`` (rounded
    to integers, duplicates dropped). The counts are accumulated along the stream, block by
    block: one pass over the draws, each prefix a real run of N draws, nothing redrawn.

    Parameters
    ----------
    draws : array_like of int
        Class indices in ``[0, len(probs))``, in the order drawn (e.g. :func:`sample`); at least
        one.
    probs : array_like
        The probabilities the draws were made from.
    points : int, default 40
        Number of grid values before duplicates are dropped, ≥ 2.

    Returns
    -------
    ConvergenceCurve

    Examples
    --------
    >>> curve = convergence_curve(sample([0.3, 0.7], 10_000, rng=1), [0.3, 0.7], points=3)
    >>> curve.n
    array([    1,   100, 10000])
    """
    p = _vector(_check_probs(probs, -1), "probs")
    stream = _check_draws(draws, p.size)
    if stream.size == 0:
        raise ValueError("draws is empty: the curve needs at least one draw")
    if isinstance(points, (bool, np.bool_)) or not isinstance(points, Integral) or points < 2:
        raise ValueError(f"points must be an integer ≥ 2, got {points!r}")
    grid = np.unique(np.rint(np.logspace(0, np.log10(stream.size), int(points))).astype(np.int64))
    grid[-1] = stream.size  # exactly all of them, whatever logspace rounded to
    counts = np.zeros(p.size, dtype=np.int64)
    tv = np.empty(grid.size)
    start = 0
    for j, stop in enumerate(grid):
        counts += np.bincount(stream[start:stop], minlength=p.size)
        tv[j] = empirical_tv(counts, p)
        start = stop
    return ConvergenceCurve(grid, tv, np.asarray(expected_tv(p, grid)))
