"""Statistics of a run of draws: counts, Wilson intervals, a chi-square goodness-of-fit test
(small classes pooled by Cochran's rule), total-variation distance and its convergence in N
against the 1/√N law. Bad input raises ``ValueError`` naming the argument.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import scipy.special
import scipy.stats
from numpy.typing import ArrayLike

from explorer.checks import check_count, check_number, real_array
from explorer.core import (
    _check_probs,
    total_variation,
)
from explorer.sampling import _check_size, _vector

__all__ = [
    "MAX_CLASSES",
    "MAX_CURVE_POINTS",
    "MAX_TRIALS",
    "MIN_EXPECTED_COUNT",
    "ChiSquareResult",
    "ConvergenceCurve",
    "chi_square_test",
    "class_counts",
    "convergence_curve",
    "empirical_tv",
    "expected_tv",
    "frequencies",
    "wilson_interval",
]


#: Cochran's rule: the chi-square test pools classes until every tested bin expects ≥ 5 draws.
MIN_EXPECTED_COUNT = 5.0

#: Most classes :func:`class_counts` counts into (8 MB of int64; a language model's vocabulary of
#: ~250,000 tokens fits). The pages pass at most 12 (:data:`explorer.state.MAX_CLASSES`).
MAX_CLASSES = 1_000_000

#: Most trials (and draws in all) the statistics take: 2**53, beyond which float64 no longer
#: holds every whole number, so shares and expected counts would be rounded.
MAX_TRIALS = 2**53

#: Most grid points :func:`convergence_curve` makes (a chart needs 40).
MAX_CURVE_POINTS = 10_000


def _whole_vector(values: ArrayLike, name: str, what: str) -> np.ndarray:
    """``values`` as a 1-D array of whole numbers (empty allowed), or ValueError naming it."""
    try:
        array = np.asarray(values)
    except (TypeError, ValueError) as error:  # ragged nested lists, mostly
        raise ValueError(f"{name} must be {what} ({error})") from None
    array = _vector(array, name)
    if array.size and not np.issubdtype(array.dtype, np.integer):
        raise ValueError(f"{name} must be {what}, got {array.dtype.name} values")
    return array


def _check_draws(draws: ArrayLike, n_classes: int) -> np.ndarray:
    """Class indices as a 1-D int64 array, each in ``[0, n_classes)``."""
    array = _whole_vector(draws, "draws", "integer class indices")
    if array.size and (array.min() < 0 or array.max() >= n_classes):
        raise ValueError(f"draws must be class indices from 0 to {n_classes - 1}")
    return array.astype(np.int64, copy=False)


def class_counts(draws: ArrayLike, n_classes: int) -> np.ndarray:
    """How many draws fell in each class: int64, length ``n_classes`` (0 to :data:`MAX_CLASSES`;
    zeros included).

    Examples
    --------
    >>> class_counts([2, 0, 2], 4)
    array([1, 0, 2, 0])
    """
    n_classes = _check_size(n_classes, cap=MAX_CLASSES, name="n_classes")
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
        n, from 1 to :data:`MAX_TRIALS` (e.g. the number of draws).
    confidence : float, default 0.95
        In (0, 1). The quantile is taken from the tail, ``-ndtri((1 - confidence) / 2)``, so
        that a confidence within 1e-16 of 1 still gives a finite z.

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
    trials = check_count(trials, "trials", MAX_TRIALS)
    k = real_array(successes, "successes", "whole numbers ≥ 0")
    if not (np.isfinite(k).all() and (k == np.round(k)).all() and (k >= 0).all()):
        raise ValueError("successes must be whole numbers ≥ 0")
    if (k > trials).any():
        raise ValueError(f"successes must be at most trials ({trials}), got {k.max():g}")
    level = check_number(confidence, "confidence")
    if not 0 < level < 1:
        raise ValueError(f"confidence must be in (0, 1), got {level!r}")
    n = float(trials)
    z = -scipy.special.ndtri(0.5 - 0.5 * level)  # the upper tail's quantile, exact near 1
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


def _check_counts(counts: ArrayLike, p: np.ndarray) -> np.ndarray:
    """Draws per class: whole numbers ≥ 0, one per entry of ``p``, adding up to 1 …
    :data:`MAX_TRIALS`; ValueError naming ``counts`` otherwise."""
    observed = _whole_vector(counts, "counts", "whole numbers ≥ 0 (draws per class)")
    if observed.shape != p.shape:
        raise ValueError(
            f"counts and probs must have the same length, got {observed.shape} and {p.shape}"
        )
    if not (observed >= 0).all():
        raise ValueError("counts must be whole numbers ≥ 0 (draws per class)")
    # The float sum first: an int64 sum of huge counts would wrap around; once it is at most
    # about 2**53, the exact int sum cannot.
    if float(observed.sum(dtype=np.float64)) > 2 * MAX_TRIALS or int(observed.sum()) > MAX_TRIALS:
        raise ValueError(f"counts must add up to at most {MAX_TRIALS:,} draws")
    if not observed.any():
        raise ValueError("counts are all 0: the test needs at least one draw")
    return observed


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
        Draws per class (:func:`class_counts`), at least one draw and at most
        :data:`MAX_TRIALS` in total.
    probs : array_like
        The probabilities tested against, 1-D, the length of ``counts``.
    min_expected : float, default 5
        Smallest expected count of a bin, ≥ 0 (0 pools nothing; inf pools everything).

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
    observed = _check_counts(counts, p)
    total = int(observed.sum())
    impossible = np.flatnonzero((p == 0) & (observed > 0))
    if impossible.size:
        raise ValueError(
            f"counts has {int(observed[impossible].sum())} draw(s) in class(es) "
            f"{impossible.tolist()}, whose probability is 0: impossible under probs"
        )
    min_expected = check_number(min_expected, "min_expected", low=0)
    classes = np.flatnonzero(p > 0)
    expected = total * p[classes] / p[classes].sum()
    bins = [classes[group].tolist() for group in _pool_small(expected, min_expected)]
    if len(bins) < 2:
        return ChiSquareResult(0.0, 1.0, 0, tuple(tuple(b) for b in bins))
    observed_bins = np.array([observed[b].sum() for b in bins], dtype=np.float64)
    expected_bins = np.array([total * p[b].sum() for b in bins]) / p[classes].sum()
    with np.errstate(over="ignore"):  # a bin expecting 1e-300 draws: the statistic is inf
        result = scipy.stats.chisquare(observed_bins, expected_bins)
    return ChiSquareResult(
        float(result.statistic), float(result.pvalue), len(bins) - 1, tuple(tuple(b) for b in bins)
    )


def empirical_tv(counts: ArrayLike, probs: ArrayLike) -> float:
    r"""Total-variation distance between the draws' frequencies and ``probs``.

    :math:`\tfrac12 \sum_i |c_i / N - p_i|`, by :func:`explorer.core.total_variation`: 0 when the
    frequencies are exactly ``probs``, at most 1. ``counts``: numbers ≥ 0 (not all 0), one per
    entry of the probability vector ``probs``.
    """
    observed = _vector(real_array(counts, "counts", "numbers ≥ 0 (draws per class)"), "counts")
    if not (np.isfinite(observed).all() and (observed >= 0).all()):
        raise ValueError("counts must be finite and ≥ 0")
    p = _vector(_check_probs(probs, -1), "probs")
    if observed.shape != p.shape:
        raise ValueError(
            f"counts and probs must have the same length, got {observed.shape} and {p.shape}"
        )
    with np.errstate(over="ignore"):
        total = observed.sum()
    if total == 0:
        raise ValueError("counts are all 0: no draws to compare")
    if math.isinf(total):  # counts near 1e308: take the shares of the scaled-down counts
        observed = observed / observed.max()
        total = observed.sum()
    return float(total_variation(observed / total, p))


def expected_tv(probs: ArrayLike, n: ArrayLike) -> np.ndarray | float:
    r"""Large-N mean total-variation distance of N draws' frequencies from ``probs``.

    .. math:: \mathbb{E}[\mathrm{TV}] \approx \frac{\sum_i \sqrt{p_i (1 - p_i)}}{\sqrt{2 \pi N}}

    Derivation: the frequency :math:`\hat p_i` is binomial over N, approximately normal with mean
    :math:`p_i` and standard deviation :math:`\sigma_i = \sqrt{p_i(1-p_i)/N}`; for a normal
    deviation :math:`E|X| = \sigma \sqrt{2/\pi}`; by linearity (the classes' correlation does not
    matter for a mean) :math:`E[\tfrac12 \sum_i |\hat p_i - p_i|] = \tfrac12 \sqrt{2/\pi}
    \sum_i \sigma_i`, and :math:`\tfrac12\sqrt{2/\pi} = 1/\sqrt{2\pi}`. The error falls like
    :math:`1/\sqrt N`: 100 times more draws, 10 times closer.

    ``n`` is a number of draws > 0, or an array of them (the result has its shape).

    Examples
    --------
    >>> round(float(expected_tv([0.5, 0.5], 100)), 5)  # 2 · 0.5 / sqrt(200π)
    0.03989
    """
    p = _vector(_check_probs(probs, -1), "probs")
    draws = real_array(n, "n", "numbers of draws")
    if not (draws > 0).all():  # NaN fails too
        raise ValueError("n must be > 0")
    # sqrt(2π) · sqrt(N), not sqrt(2πN): 2πN overflows for N near 1e308
    result = np.sqrt(p * (1 - p)).sum() / (math.sqrt(2 * math.pi) * np.sqrt(draws))
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
        Number of grid values before duplicates are dropped, 2 to :data:`MAX_CURVE_POINTS`.

    Returns
    -------
    ConvergenceCurve

    Examples
    --------
    >>> from explorer.sampling import sample
    >>> curve = convergence_curve(sample([0.3, 0.7], 10_000, rng=1), [0.3, 0.7], points=3)
    >>> curve.n
    array([    1,   100, 10000])
    """
    p = _vector(_check_probs(probs, -1), "probs")
    stream = _check_draws(draws, p.size)
    if stream.size == 0:
        raise ValueError("draws is empty: the curve needs at least one draw")
    points = check_count(points, "points", MAX_CURVE_POINTS, low=2)
    grid = np.unique(np.rint(np.logspace(0, np.log10(stream.size), points)).astype(np.int64))
    grid[-1] = stream.size  # exactly all of them, whatever logspace rounded to
    counts = np.zeros(p.size, dtype=np.int64)
    tv = np.empty(grid.size)
    start = 0
    for j, stop in enumerate(grid):
        counts += np.bincount(stream[start:stop], minlength=p.size)
        tv[j] = empirical_tv(counts, p)
        start = stop
    return ConvergenceCurve(grid, tv, np.asarray(expected_tv(p, grid)))
