r"""Attention as a temperature: why scaled dot-product attention divides by √d.

Vaswani et al. (2017), "Attention is all you need", §3.2.1: the weights a query gives the keys
are :math:`\mathrm{softmax}(q \cdot k_j / \sqrt{d})`. If the components of ``q`` and ``k`` are
independent with mean 0 and variance 1, the dot product :math:`q \cdot k` has variance ``d``;
without the factor, the scores spread as √d and the softmax saturates towards one-hot as ``d``
grows, so the gradients through it vanish.

In this project's words, dividing by √d is a temperature: unscaled attention is scaled
attention at ``T = 1/√d``, and scaled attention is unscaled attention at ``T = √d``. Here the
weights are computed exactly that way, with :func:`explorer.core.softmax`.

Bad arguments raise ``ValueError`` naming the argument.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from explorer.checks import check_count, check_seed, real_array
from explorer.core import entropy, softmax

__all__ = [
    "DEFAULT_DIMENSIONS",
    "MAX_DIMENSION",
    "MAX_DIMENSION_COUNT",
    "MAX_KEYS",
    "MAX_QUERIES",
    "MAX_SCORE_DRAWS",
    "EntropyAgainstDimension",
    "QueryWeights",
    "attention_weights",
    "entropy_against_dimension",
    "one_query",
]

#: Largest query/key dimension ``d`` (GPT-3's largest model has 128 per head, 12,288 in all).
MAX_DIMENSION = 4096
#: Most keys a query attends over.
MAX_KEYS = 1024
#: Most queries in one call.
MAX_QUERIES = 4096
#: Most dimensions one :func:`entropy_against_dimension` call measures.
MAX_DIMENSION_COUNT = 32
#: Most normal draws one :func:`entropy_against_dimension` call makes, ``queries × (keys + 1) ×
#: largest d`` (the defaults make 17.8 million, about 0.3 s). They are drawn in blocks of about
#: a million, so memory stays near 30 MB.
MAX_SCORE_DRAWS = 1 << 25
#: Dimensions 1, 2, 4, … 4096: each a doubling, so a log axis spaces them evenly.
DEFAULT_DIMENSIONS = tuple(2**power for power in range(13))

#: Queries are drawn in blocks of about this many normal values, to keep memory small.
_BLOCK_DRAWS = 1 << 20


@dataclass(frozen=True, eq=False)
class EntropyAgainstDimension:
    """Mean statistics of attention weights per dimension ``d``, scaled and unscaled.

    Entropies are in nats, between 0 (one-hot) and ``uniform_entropy = ln(keys)``; max weights
    between ``1/keys`` and 1. ``score_std`` is the measured standard deviation of the raw
    scores ``q · k`` (√d in theory); dividing by √d brings it to about 1.
    """

    dimensions: np.ndarray
    scaled_entropy: np.ndarray
    unscaled_entropy: np.ndarray
    scaled_max_weight: np.ndarray
    unscaled_max_weight: np.ndarray
    score_std: np.ndarray
    keys: int
    queries: int
    uniform_entropy: float


@dataclass(frozen=True, eq=False)
class QueryWeights:
    """One random query's weights over its keys at one dimension: scaled and unscaled."""

    dimension: int
    scores: np.ndarray  # raw q · k_j, one per key
    scaled: np.ndarray  # softmax(q · k / √d)
    unscaled: np.ndarray  # softmax(q · k)


def _as_matrix(values: ArrayLike, name: str, rows_cap: int) -> np.ndarray:
    """A finite (rows, d) float array with 1 ≤ rows ≤ ``rows_cap`` and 1 ≤ d ≤ MAX_DIMENSION."""
    try:
        array = real_array(values, name)
    except TypeError:
        raise ValueError(f"{name} must be an array of real numbers") from None
    if array.ndim == 1:
        array = array[None, :]
    if array.ndim != 2 or array.size == 0:
        raise ValueError(f"{name} must be a non-empty (count, d) array, got shape {array.shape}")
    if not np.isfinite(array).all():
        raise ValueError(f"{name} must be finite numbers (found NaN or inf)")
    check_count(array.shape[0], f"the number of {name}", rows_cap)
    check_count(array.shape[1], f"the dimension d of {name}", MAX_DIMENSION)
    return array


def attention_weights(queries: ArrayLike, keys: ArrayLike, *, scale: bool = True) -> np.ndarray:
    r"""Attention weights of each query over the keys: :math:`\mathrm{softmax}_j(q \cdot k_j / s)`.

    Parameters
    ----------
    queries : array_like
        ``(n_queries, d)``, or one query ``(d,)``; at most :data:`MAX_QUERIES` rows and
        :data:`MAX_DIMENSION` columns, finite.
    keys : array_like
        ``(n_keys, d)``, the same ``d``; at most :data:`MAX_KEYS` rows.
    scale : bool, default True
        ``s = √d`` (scaled dot-product attention) if true, ``s = 1`` if false. Unscaled
        attention is scaled attention at temperature ``T = 1/√d``.

    Returns
    -------
    numpy.ndarray
        ``(n_queries, n_keys)`` weights, each row summing to 1 (a 1-D query gives 1 row).

    Examples
    --------
    >>> attention_weights([[2.0, 0.0]], [[1.0, 0.0], [0.0, 1.0]], scale=False).round(3)
    array([[0.881, 0.119]])
    """
    q = _as_matrix(queries, "queries", MAX_QUERIES)
    k = _as_matrix(keys, "keys", MAX_KEYS)
    if q.shape[1] != k.shape[1]:
        raise ValueError(
            f"queries and keys must have the same dimension d, got {q.shape[1]} and {k.shape[1]}"
        )
    temperature = math.sqrt(q.shape[1]) if scale else 1.0
    with np.errstate(over="ignore", invalid="ignore"):
        scores = q @ k.T
    if not np.isfinite(scores).all():  # finite vectors whose dot product is not
        raise ValueError(
            "queries · keys is beyond the float range (about 1.8e308): use smaller queries or keys"
        )
    return softmax(scores, temperature=temperature, axis=1)


def _scores_by_dimension(
    rng: np.random.Generator, queries: int, keys: int, dimensions: np.ndarray
) -> dict[int, np.ndarray]:
    """Raw scores ``q · k`` (queries, keys) at each d, each query with its own random keys.

    The d-dimensional vectors are the first d components of the largest ones: the components
    are drawn in order, a block at a time, and the partial dot products kept at each d. So one
    pass draws everything, the numbers at one d do not depend on which other d are asked for,
    and neighbouring d share their noise (the curves against d are smooth).
    """
    wanted = set(dimensions.tolist())
    block = max(1, _BLOCK_DRAWS // (queries * (keys + 1)))
    partial = np.zeros((queries, keys))
    scores = {}
    for start in range(0, int(dimensions.max()), block):
        q = rng.standard_normal((queries, 1, block))
        k = rng.standard_normal((queries, keys, block))
        running = partial[:, :, None] + np.cumsum(q * k, axis=2)  # scores at d = start + 1 …
        for d in wanted & set(range(start + 1, start + block + 1)):
            scores[d] = running[:, :, d - start - 1]
        partial = running[:, :, -1]
    return scores


def _check_dimensions(dimensions: Sequence[int]) -> np.ndarray:
    if isinstance(dimensions, (str, bytes)) or not isinstance(dimensions, Iterable):
        raise TypeError(f"dimensions must be a list of whole numbers, got {dimensions!r:.60}")
    values = list(dimensions)
    if not 1 <= len(values) <= MAX_DIMENSION_COUNT:
        raise ValueError(
            f"dimensions must list 1 to {MAX_DIMENSION_COUNT} values, got {len(values)}"
        )
    name = "each dimension d in dimensions"
    return np.array([check_count(d, name, MAX_DIMENSION) for d in values])


def entropy_against_dimension(
    dimensions: Sequence[int] = DEFAULT_DIMENSIONS,
    *,
    keys: int = 16,
    queries: int = 256,
    seed: int = 0,
) -> EntropyAgainstDimension:
    r"""Mean entropy and max weight of random attention, scaled and unscaled, per dimension.

    For each ``d``, ``queries`` random queries each attend over their own ``keys`` random keys,
    every component independent N(0, 1). Scaled, the scores :math:`q \cdot k / \sqrt{d}` have
    variance 1 at every ``d``, so the mean entropy hardly moves (for large ``d`` the scores of
    one query tend to independent N(0, 1) values; at small ``d`` they are products of normals and
    the mean differs slightly). Unscaled, the scores' spread grows as √d: the entropy falls
    towards 0 and the max weight rises towards 1 (one-hot).

    Parameters
    ----------
    dimensions : sequence of int
        1 to :data:`MAX_DIMENSION_COUNT` values of ``d``, each 1 … :data:`MAX_DIMENSION`.
    keys : int
        Keys per query, 2 … :data:`MAX_KEYS`.
    queries : int
        Queries averaged, 1 … :data:`MAX_QUERIES`; ``queries × (keys + 1) × d`` ≤
        :data:`MAX_SCORE_DRAWS` for the largest ``d``.
    seed : int
        Seeds the generator (≥ 0). The vectors at each ``d`` are the first ``d`` components of
        one set of vectors, so adding a dimension to the list leaves the others' numbers
        unchanged, and neighbouring ``d`` share their randomness.

    Examples
    --------
    >>> result = entropy_against_dimension([1, 1024], keys=8, queries=64)
    >>> bool(result.unscaled_entropy[1] < 0.1 < 1 < result.scaled_entropy[1])
    True
    """
    dims = _check_dimensions(dimensions)
    keys = check_count(keys, "keys", MAX_KEYS)
    if keys < 2:
        raise ValueError("keys must be at least 2: one key always gets all the weight")
    queries = check_count(queries, "queries", MAX_QUERIES)
    seed = check_seed(seed)
    draws = queries * (keys + 1) * int(dims.max())
    if draws > MAX_SCORE_DRAWS:
        raise ValueError(
            f"queries × (keys + 1) × d must be at most {MAX_SCORE_DRAWS:,}, got {draws:,}; "
            "use fewer queries or keys"
        )
    stats = {name: np.empty(len(dims)) for name in ("hs", "hu", "ms", "mu", "std")}
    by_dimension = _scores_by_dimension(np.random.default_rng(seed), queries, keys, dims)
    for i, dimension in enumerate(dims):
        scores = by_dimension[int(dimension)]
        scaled = softmax(scores, temperature=math.sqrt(dimension), axis=1)
        unscaled = softmax(scores, temperature=1.0, axis=1)
        stats["hs"][i] = np.mean(entropy(scaled, axis=1))
        stats["hu"][i] = np.mean(entropy(unscaled, axis=1))
        stats["ms"][i] = scaled.max(axis=1).mean()
        stats["mu"][i] = unscaled.max(axis=1).mean()
        stats["std"][i] = scores.std()
    return EntropyAgainstDimension(
        dimensions=dims,
        scaled_entropy=stats["hs"],
        unscaled_entropy=stats["hu"],
        scaled_max_weight=stats["ms"],
        unscaled_max_weight=stats["mu"],
        score_std=stats["std"],
        keys=keys,
        queries=queries,
        uniform_entropy=math.log(keys),
    )


def one_query(dimension: int, *, keys: int = 16, seed: int = 0) -> QueryWeights:
    """One random query's weights over ``keys`` random keys (N(0, 1) components) at ``d``.

    ``dimension`` is 1 … :data:`MAX_DIMENSION`, ``keys`` 1 … :data:`MAX_KEYS`, ``seed`` ≥ 0.

    Examples
    --------
    >>> example = one_query(4096, keys=4)
    >>> bool(example.unscaled.max() > 0.99 and example.scaled.max() < 0.9)
    True
    """
    dimension = check_count(dimension, "dimension", MAX_DIMENSION)
    keys = check_count(keys, "keys", MAX_KEYS)
    rng = np.random.default_rng([check_seed(seed), dimension])
    query = rng.standard_normal(dimension)
    key_matrix = rng.standard_normal((keys, dimension))
    return QueryWeights(
        dimension=dimension,
        scores=key_matrix @ query,
        scaled=attention_weights(query, key_matrix, scale=True)[0],
        unscaled=attention_weights(query, key_matrix, scale=False)[0],
    )
