"""The decoding filters: the distribution a language model's next token is drawn from.

Temperature, top-k, top-p and min-p, in the order and with the exact rules of Hugging Face
transformers' ``generate()`` (:func:`next_token_probs`; the tests run transformers' own logits
warpers as the oracle), also stage by stage for the page (:func:`decoding_stages`). Bad input
raises ``ValueError`` naming the argument.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from numbers import Integral, Real

import numpy as np
from numpy.typing import ArrayLike

from explorer.checks import _shown
from explorer.core import (
    _check_logits,
    _check_temperature,
    _scaled_shifted,
    softmax,
)
from explorer.sampling import _vector

__all__ = [
    "DEFAULT_ORDER",
    "STAGE_NAMES",
    "TEMPERATURE_LAST_ORDER",
    "Decoding",
    "Stage",
    "decoding_stages",
    "next_token_probs",
]


#: The four decoding stages, by name.
STAGE_NAMES = ("temperature", "top_k", "top_p", "min_p")

#: The order Hugging Face transformers' ``generate()`` applies them (its logits warpers).
DEFAULT_ORDER = STAGE_NAMES

#: Temperature after the filters (``temperature_last``, as in llama.cpp and text-generation-webui).
TEMPERATURE_LAST_ORDER = ("top_k", "top_p", "min_p", "temperature")


def _check_unit(value: float, name: str, *, open_at_zero: bool) -> float:
    """``value`` as a float in (0, 1] (``open_at_zero``) or [0, 1], or raise naming ``name``."""
    interval = "(0, 1]" if open_at_zero else "[0, 1]"
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, Real):
        raise ValueError(f"{name} must be a number in {interval} or None, got {_shown(value)}")
    try:
        number = float(value)
    except OverflowError:  # an int of 400 digits
        raise ValueError(f"{name} must be in {interval}, got {_shown(value)}") from None
    low_ok = number > 0 if open_at_zero else number >= 0
    if not (low_ok and number <= 1):  # NaN fails both comparisons
        raise ValueError(f"{name} must be in {interval}, got {number!r}")
    return number


def _check_top_k(top_k: int | None) -> int | None:
    if top_k is None:
        return None
    if isinstance(top_k, (bool, np.bool_)) or not isinstance(top_k, Integral) or top_k < 1:
        raise ValueError(f"top_k must be an integer ≥ 1 or None, got {_shown(top_k)}")
    return int(top_k)


def _check_order(order: tuple[str, ...]) -> tuple[str, ...]:
    """``order`` as a tuple holding each of :data:`STAGE_NAMES` once, or ValueError naming it."""
    names = isinstance(order, (tuple, list)) and all(type(name) is str for name in order)
    if names and sorted(order) == sorted(STAGE_NAMES):
        return tuple(order)
    raise ValueError(f"order must list each of {STAGE_NAMES} once, got {_shown(order)}")


def _check_flag(value: bool, name: str) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{name} must be True or False, got {_shown(value)}")
    return bool(value)


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
        ``top_k`` not an integer ≥ 1; ``top_p`` outside (0, 1]; ``min_p`` outside [0, 1]; an
        ``order`` that is not a tuple or list of each stage name once.

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
    order (temperature, top-k, top-p, min-p), or with temperature last if ``temperature_last``
    (True or False; anything else raises ValueError naming it). Removed entries are exactly 0,
    the rest sum to 1.

    Examples
    --------
    >>> next_token_probs([1.0, 1.0, 0.0], temperature=0)
    array([0.5, 0.5, 0. ])
    >>> next_token_probs(np.log([0.5, 0.25, 0.25]), top_p=0.75)  # the second 0.25 crosses 0.75
    array([0.66666667, 0.        , 0.33333333])
    """
    temperature_last = _check_flag(temperature_last, "temperature_last")
    order = TEMPERATURE_LAST_ORDER if temperature_last else DEFAULT_ORDER
    return decoding_stages(
        logits, temperature=temperature, top_k=top_k, top_p=top_p, min_p=min_p, order=order
    ).probs
