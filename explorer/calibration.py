"""Calibration by temperature scaling (Guo et al., 2017, On Calibration of Modern Neural Networks).

A classifier is *calibrated* when, among the examples it gives confidence 0.8, about 80% are
right. Modern networks are overconfident; dividing every logit by one temperature ``T > 1``,
fitted on held-out (validation) data by minimising the negative log-likelihood, repairs most of
it without changing a single prediction (``argmax z / T = argmax z`` for any ``T > 0``).

Pure numpy and scipy, built on :mod:`explorer.core`. Logits are ``(n, k)`` arrays: one row per
example, one column per class; ``-inf`` masks a class (never the label's own). Labels are
integers in ``0 … k − 1``. Every size is capped (:data:`MAX_ROWS`, :data:`MAX_CLASSES`,
:data:`MAX_ENTRIES`, :data:`MAX_BINS`, :data:`MAX_CURVE_WORK`); bad input raises ``ValueError``
with a sentence a user can read.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from numbers import Integral, Real

import numpy as np
from numpy.typing import ArrayLike

from explorer.checks import check_real, real_array
from explorer.core import _check_probs, log_softmax, softmax

__all__ = [
    "MAX_BINS",
    "MAX_CLASSES",
    "MAX_CURVE_TEMPERATURES",
    "MAX_CURVE_WORK",
    "MAX_ENTRIES",
    "MAX_ROWS",
    "MIN_ROWS",
    "TEMPERATURE_BOUNDS",
    "CalibrationReport",
    "Evaluation",
    "ReliabilityBins",
    "Scores",
    "accuracy",
    "calibrate",
    "evaluate",
    "expected_calibration_error",
    "fit_temperature",
    "negative_log_likelihood",
    "nll_curve",
    "reliability_bins",
    "split_rows",
]

#: Most examples (rows) one call accepts.
MAX_ROWS = 200_000
#: Most classes (columns) one call accepts; at least 2 are needed.
MAX_CLASSES = 1000
#: Most logits (rows × classes) one call accepts: 20 million float64 are 160 MB.
MAX_ENTRIES = 20_000_000
#: Most confidence bins of a reliability diagram.
MAX_BINS = 100
#: Most temperatures × logits one :func:`nll_curve` call evaluates (about a second of work).
MAX_CURVE_WORK = 100_000_000
#: Most temperatures one :func:`nll_curve` call takes (each costs ~11 µs even on a tiny table).
MAX_CURVE_TEMPERATURES = 10_000
#: Fewest rows :func:`split_rows` splits: half to fit T, half to test it.
MIN_ROWS = 20
#: The interval :func:`fit_temperature` searches, in the units of the logits.
TEMPERATURE_BOUNDS = (1e-2, 1e2)
#: Points of the NLL-against-T curve in :func:`calibrate` (fewer for very large data).
CURVE_POINTS = 200
#: The curve in :func:`calibrate` spans at least this range of T (wider to show the fitted T).
CURVE_RANGE = (0.1, 10.0)
#: :func:`fit_temperature` starts from a fit on about this many rows when it has 4 times more.
_WARM_START_ROWS = 2_000


# --------------------------------------------------------------------------------------------
# Argument checks


def _check_shape(array: np.ndarray, name: str) -> None:
    if array.ndim != 2:
        raise ValueError(
            f"{name} must be a table with one row per example and one column per class, "
            f"got an array of shape {array.shape}."
        )
    rows, classes = array.shape
    if not 1 <= rows <= MAX_ROWS:
        raise ValueError(f"{name} must have from 1 to {MAX_ROWS:,} rows, got {rows:,}.")
    if not 2 <= classes <= MAX_CLASSES:
        raise ValueError(f"{name} must have from 2 to {MAX_CLASSES:,} classes, got {classes:,}.")
    if array.size > MAX_ENTRIES:
        raise ValueError(
            f"{name} has {array.size:,} entries (rows × classes); the limit is {MAX_ENTRIES:,}."
        )


def _check_labels(
    labels: ArrayLike, rows: int, classes: int, name: str = "labels", table: str = "logits"
) -> np.ndarray:
    """Labels as an int64 vector of length ``rows`` (those of ``table``), each in
    ``0 … classes − 1``."""
    try:
        array = np.asarray(labels)
    except (TypeError, ValueError):  # ragged nested lists
        raise ValueError(
            f"{name} must be a list of {rows:,} class numbers, one per row of {table}."
        ) from None
    if array.ndim != 1 or len(array) != rows:
        raise ValueError(
            f"{name} must be a list of {rows:,} class numbers, one per row of {table}."
        )
    if array.dtype.kind not in "iuf":
        raise ValueError(f"{name} must be whole numbers (class indices).")
    if array.dtype.kind == "f" and not np.all(np.isfinite(array) & (array == np.round(array))):
        raise ValueError(f"{name} must be whole numbers (class indices), not fractions or NaN.")
    if array.min() < 0 or array.max() > classes - 1:
        raise ValueError(
            f"{name} must be class numbers from 0 to {classes - 1} ({table} has {classes:,} "
            "columns)."
        )
    return array.astype(np.int64)


def _as_table(values: ArrayLike, name: str) -> np.ndarray:
    """A float64 (n, k) array within the caps, or raise naming ``name``."""
    try:
        array = real_array(values, name)
    except TypeError:
        raise ValueError(f"{name} must be a table of numbers with rows of equal length.") from None
    _check_shape(array, name)
    return array


def _check_problem(
    logits: ArrayLike, labels: ArrayLike, name: str = "logits", labels_name: str = "labels"
) -> tuple[np.ndarray, np.ndarray]:
    """Validated (logits, labels): no NaN or +inf, each row's own label's logit finite."""
    z = _as_table(logits, name)
    for bad, what in ((np.isnan(z), "NaN"), (np.isposinf(z), "+inf")):
        if bad.any():
            row, column = np.argwhere(bad)[0] + 1
            raise ValueError(
                f"{name} has {what} in row {row}, column {column}; every logit must be a number "
                "(or -inf to mask a class)."
            )
    y = _check_labels(labels, z.shape[0], z.shape[1], labels_name, name)
    own = z[np.arange(len(y)), y]
    if np.isneginf(own).any():
        row = int(np.flatnonzero(np.isneginf(own))[0]) + 1
        raise ValueError(
            f"{name}: row {row} masks its own label's class (logit -inf; the label is in "
            f"{labels_name}), so its likelihood is 0 at every temperature."
        )
    return z, y


def _check_positive(value: float, name: str) -> float:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, Real):
        raise ValueError(f"{name} must be a number greater than 0, got {value!r}.")
    try:
        number = float(value)
    except OverflowError:  # an int beyond the float range
        number = math.inf
    if not (0 < number < math.inf):
        raise ValueError(f"{name} must be a finite number greater than 0, got {number!r}.")
    return number


def _check_n_bins(n_bins: int) -> int:
    if isinstance(n_bins, (bool, np.bool_)) or not isinstance(n_bins, Integral):
        raise ValueError(f"n_bins must be a whole number from 1 to {MAX_BINS}, got {n_bins!r}.")
    if not 1 <= n_bins <= MAX_BINS:
        raise ValueError(f"n_bins must be from 1 to {MAX_BINS}, got {n_bins}.")
    return int(n_bins)


# --------------------------------------------------------------------------------------------
# Scores


def negative_log_likelihood(
    logits: ArrayLike, labels: ArrayLike, temperature: float = 1.0
) -> float:
    r"""Mean negative log-likelihood of the labels under ``softmax(logits / T)``, in nats.

    .. math:: \mathrm{NLL}(T) = -\frac1n \sum_i \log \operatorname{softmax}(z_i / T)_{y_i}

    Parameters
    ----------
    logits : array_like
        ``(n, k)`` logits; ``-inf`` masks a class, but not a row's own label.
    labels : array_like
        ``n`` integer class indices in ``0 … k − 1``.
    temperature : float, default 1.0
        Finite ``T > 0``, in the units of the logits.

    Returns
    -------
    float
        ≥ 0; 0 only if every label gets probability 1. ``inf`` only if a label's log-probability
        lies below the float range (about -1.8e308).

    Examples
    --------
    >>> round(negative_log_likelihood([[0.0, 0.0]], [1]), 6)  # ln 2
    0.693147
    """
    z, y = _check_problem(logits, labels)
    temperature = _check_positive(temperature, "temperature")
    return float(-np.mean(log_softmax(z, temperature, axis=1)[np.arange(len(y)), y]))


def accuracy(logits_or_probs: ArrayLike, labels: ArrayLike) -> float:
    """Share of rows whose top entry is the label, from 0 to 1.

    Works on logits or probabilities alike (softmax keeps the order). A tie for the top goes to
    the first of the tied columns (numpy's ``argmax``). No temperature ``T > 0`` changes it.

    Examples
    --------
    >>> accuracy([[2.0, 1.0], [0.0, 3.0], [1.0, 1.0]], [0, 0, 1])
    0.3333333333333333
    """
    z, y = _check_problem(logits_or_probs, labels, "logits_or_probs")
    return float(np.mean(z.argmax(axis=1) == y))


@dataclass(frozen=True)
class ReliabilityBins:
    """Accuracy against confidence in equal-width bins: the data of a reliability diagram.

    Bin ``b`` holds the rows whose confidence (top probability) lies in
    ``(edges[b], edges[b + 1]]``; a confidence of exactly 0 goes to the first bin.

    Attributes
    ----------
    edges : numpy.ndarray
        ``n_bins + 1`` edges ``b / n_bins`` from 0 to 1, each correctly rounded, so a confidence
        written as the same fraction (1/3 with 15 bins) equals its edge exactly.
    counts : numpy.ndarray
        int64 number of rows in each bin.
    accuracy : numpy.ndarray
        Share of the bin's rows whose top class is the label; NaN for an empty bin.
    confidence : numpy.ndarray
        Mean confidence of the bin's rows; NaN for an empty bin.
    """

    edges: np.ndarray
    counts: np.ndarray
    accuracy: np.ndarray
    confidence: np.ndarray

    @property
    def ece(self) -> float:
        """Expected calibration error: the mean |accuracy − confidence|, weighted by count."""
        used = self.counts > 0
        weights = self.counts[used] / self.counts.sum()
        return float(np.sum(weights * np.abs(self.accuracy[used] - self.confidence[used])))


def _top(probs: ArrayLike) -> tuple[np.ndarray, np.ndarray, int]:
    """(confidence, predicted class) of each row of validated probabilities, and k."""
    p = _as_table(probs, "probs")
    try:
        p = _check_probs(p, axis=1)
    except ValueError as error:
        raise ValueError(f"{error}; each row of probs must be a probability vector.") from None
    predicted = p.argmax(axis=1)  # ties: the first tied column
    return p[np.arange(len(p)), predicted], predicted, p.shape[1]


def reliability_bins(probs: ArrayLike, labels: ArrayLike, n_bins: int = 15) -> ReliabilityBins:
    """Bin the rows by confidence (top probability) and compare accuracy with confidence.

    Parameters
    ----------
    probs : array_like
        ``(n, k)`` probabilities, each row ≥ 0 and summing to 1 (within 1e-6).
    labels : array_like
        ``n`` integer class indices in ``0 … k − 1``.
    n_bins : int, default 15
        Equal-width bins on ``[0, 1]``, from 1 to :data:`MAX_BINS`. Bins are ``(lower, upper]``.

    Returns
    -------
    ReliabilityBins
        Its ``ece`` property is :func:`expected_calibration_error`.

    Notes
    -----
    The predicted class is the row's top probability; a tie goes to the first tied column
    (numpy's ``argmax``), and the row is right if that column is the label.

    Examples
    --------
    >>> bins = reliability_bins([[0.9, 0.1], [0.6, 0.4]], [0, 1], n_bins=2)
    >>> bins.counts.tolist(), bins.accuracy.tolist()
    ([0, 2], [nan, 0.5])
    """
    confidence, predicted, classes = _top(probs)
    y = _check_labels(labels, len(confidence), classes, table="probs")
    n_bins = _check_n_bins(n_bins)
    edges = np.arange(n_bins + 1) / n_bins
    # searchsorted "left" puts a confidence equal to an edge in the bin that edge closes.
    index = np.clip(np.searchsorted(edges, confidence, side="left") - 1, 0, n_bins - 1)
    counts = np.bincount(index, minlength=n_bins)
    right = np.bincount(index, weights=(predicted == y).astype(np.float64), minlength=n_bins)
    total = np.bincount(index, weights=confidence, minlength=n_bins)
    with np.errstate(invalid="ignore"):  # 0 / 0 in an empty bin is the NaN we document
        return ReliabilityBins(edges, counts, right / counts, total / counts)


def expected_calibration_error(probs: ArrayLike, labels: ArrayLike, n_bins: int = 15) -> float:
    r"""Expected calibration error (ECE) with equal-width confidence bins, from 0 to 1.

    .. math:: \mathrm{ECE} = \sum_b \frac{n_b}{n} \left| \mathrm{acc}(b) - \mathrm{conf}(b) \right|

    Confidence is a row's top probability; bins are ``(lower, upper]`` on ``[0, 1]`` (see
    :func:`reliability_bins` for the bins, the ties and the argument limits). Empty bins add 0.

    Examples
    --------
    >>> round(expected_calibration_error([[0.9, 0.1], [0.6, 0.4]], [0, 1], n_bins=2), 6)
    0.25
    """
    return reliability_bins(probs, labels, n_bins).ece


# --------------------------------------------------------------------------------------------
# Fitting T


def _slope_function(z: np.ndarray, y: np.ndarray) -> Callable[[float], tuple[float, float]] | None:
    """u = log T ↦ (g, dg/du), g with the sign of dNLL/dT; None if the NLL does not depend on T.

    With the inverse temperature ``s = 1 / T`` the NLL is convex in ``s``, with derivative the
    mean over rows of ``E_p[z] − z_y`` (p = softmax(s z)), so dNLL/dT = −(1/T²) dNLL/ds has at
    most one sign change. ``g`` is ``−dNLL/ds`` for the logits shifted by their row maximum and
    scaled into ``[-1, 0]`` (keeping every product finite, logits of 1e300 included), and
    ``dg/du = a · mean Var_p(w) ≥ 0`` where p = softmax(a w), ``a = 2 scale / T``: g increases
    with T.
    """
    top = z.max(axis=1, keepdims=True)  # finite, as every row's label logit is
    half = np.where(np.isfinite(z), z * 0.5 - top * 0.5, 0.0)  # (z − max) / 2, no overflow
    scale = float(-half.min())
    if scale == 0:
        return None
    w = half / scale
    own = w[np.arange(len(y)), y]

    def g(u: float) -> tuple[float, float]:
        temperature = math.exp(u)
        p = softmax(z, temperature, axis=1)
        weighted = p * w
        mean = weighted.sum(axis=1)
        variance = np.maximum(np.einsum("ij,ij->i", weighted, w) - mean**2, 0.0)
        slope = 2 * scale / temperature * float(np.mean(variance))
        return float(np.mean(own - mean)), slope

    return g


def _root_in_log_t(g: Callable[[float], tuple[float, float]], start: float = 1.0) -> float:
    """T where g changes sign, by Newton's method on u = log T kept inside a bracket.

    A Newton step that leaves the bracket is replaced by a bisection, or by a visit to a bound
    of TEMPERATURE_BOUNDS not yet seen; a bound where g has the optimum's sign beyond it is the
    answer. Stops when a Newton step is below 1e-12 (T to about 12 digits).
    """
    lowest, highest = (math.log(bound) for bound in TEMPERATURE_BOUNDS)
    low, high = lowest, highest  # the bracket
    seen_low = seen_high = False
    u = math.log(start)
    for _ in range(200):
        value, slope = g(u)
        # At a bound, the NLL rising with T (at the lowest) or falling (at the highest) means the
        # optimum lies beyond it: the bound is the answer.
        if u == lowest and value >= 0:
            return TEMPERATURE_BOUNDS[0]
        if u == highest and value <= 0:
            return TEMPERATURE_BOUNDS[1]
        # g increases with T: the root lies below u. A zero g with a zero slope is the NLL
        # flattened by underflow (every label's probability rounds to 1): go lower.
        if value >= 0:
            high, seen_high = u, True
        else:
            low, seen_low = u, True
        step = value / slope if slope > 0 else math.copysign(math.inf, value)
        if abs(step) < 1e-12:  # converged: Newton's next step is below T's 12th digit
            return math.exp(min(max(u - step, lowest), highest))
        candidate = u - step
        if not low < candidate < high:
            if candidate <= low and not seen_low:
                candidate = lowest
            elif candidate >= high and not seen_high:
                candidate = highest
            else:
                candidate = 0.5 * (low + high)
        if high - low < 1e-12:
            return math.exp(0.5 * (low + high))
        u = candidate
    return math.exp(u)  # pragma: no cover - bisection alone converges in about 60 steps


def fit_temperature(logits: ArrayLike, labels: ArrayLike) -> float:
    r"""The temperature that minimises the mean NLL of ``softmax(logits / T)`` on these rows.

    .. math:: T^* = \arg\min_{T} \; -\frac1n \sum_i \log \operatorname{softmax}(z_i / T)_{y_i}

    Fit it on held-out (validation) rows, never on the rows you will judge it by.

    Parameters
    ----------
    logits : array_like
        ``(n, k)`` logits: at most :data:`MAX_ROWS` rows, 2 to :data:`MAX_CLASSES` classes and
        :data:`MAX_ENTRIES` entries. ``-inf`` masks a class, but not a row's own label. Any
        finite size (±1e300) works.
    labels : array_like
        ``n`` integer class indices in ``0 … k − 1``.

    Returns
    -------
    float
        ``T*`` in :data:`TEMPERATURE_BOUNDS` ``= [0.01, 100]``, to about 12 significant digits.
        If the optimum lies outside, the nearer bound is returned: 0.01 when every row is
        already right with room to spare (the NLL keeps falling as T → 0), 100 when the logits
        are nearly useless. If the NLL does not depend on T at all (every row's finite logits
        are equal), 1.0.

    Notes
    -----
    With ``s = 1 / T`` the NLL is convex, so its slope changes sign at most once. The slope and
    its derivative are computed exactly (not by differences), and the slope's zero is found by
    Newton's method on ``log T``, safeguarded by bisection, from T = 1 (or, beyond 8,000 rows,
    from the fit on 2,000 evenly spaced rows): typically 5 to 9 passes over the data (3 to 4
    with the warm start), robust for any scale of the logits.

    Examples
    --------
    >>> logits = [[2.0, 0.0], [2.0, 0.0], [2.0, 0.0], [0.0, 2.0]]  # right 3 times in 4
    >>> round(fit_temperature(logits, [0, 0, 0, 0]), 4)  # 2 / T* = ln 3
    1.8205
    """
    z, y = _check_problem(logits, labels)
    g = _slope_function(z, y)
    if g is None:
        return 1.0
    start = 1.0
    if len(y) > 4 * _WARM_START_ROWS:  # a first guess from every m-th row saves a few passes
        every = len(y) // _WARM_START_ROWS
        start = fit_temperature(z[::every], y[::every])
    return _root_in_log_t(g, start)


def nll_curve(logits: ArrayLike, labels: ArrayLike, temperatures: ArrayLike) -> np.ndarray:
    """The mean NLL (nats) at each of many temperatures, for a plot against T.

    Parameters
    ----------
    logits, labels : array_like
        As for :func:`fit_temperature`.
    temperatures : array_like
        1-D finite temperatures > 0, at most :data:`MAX_CURVE_TEMPERATURES` of them.
        Temperatures × logits must not exceed :data:`MAX_CURVE_WORK` (200 temperatures on
        1,000 × 10 logits take about 20 ms).

    Returns
    -------
    numpy.ndarray
        The NLL at each temperature, the shape of ``temperatures``.

    Examples
    --------
    >>> nll_curve([[1.0, 0.0]], [0], [1.0, 1e9]).round(4)  # T → ∞: ln 2
    array([0.3133, 0.6931])
    """
    z, y = _check_problem(logits, labels)
    try:
        temps = real_array(temperatures, "temperatures")
    except TypeError:
        raise ValueError("temperatures must be a non-empty list of numbers.") from None
    if temps.ndim != 1 or temps.size == 0:
        raise ValueError("temperatures must be a non-empty list of numbers.")
    if not (np.all(np.isfinite(temps)) and np.all(temps > 0)):
        raise ValueError("temperatures must be finite numbers greater than 0.")
    if temps.size > MAX_CURVE_TEMPERATURES:
        raise ValueError(
            f"{temps.size:,} temperatures is too many for one curve (the limit is "
            f"{MAX_CURVE_TEMPERATURES:,})."
        )
    if temps.size * z.size > MAX_CURVE_WORK:
        raise ValueError(
            f"{temps.size:,} temperatures on {z.size:,} logits is too much work (the limit is "
            f"{MAX_CURVE_WORK:,} in all): use fewer temperatures or fewer rows."
        )
    rows = np.arange(len(y))
    with np.errstate(over="ignore"):  # a mean of log-probabilities near -1e308 is -inf
        return np.array([-np.mean(log_softmax(z, t, axis=1)[rows, y]) for t in temps])


# --------------------------------------------------------------------------------------------
# The report for the page


@dataclass(frozen=True)
class Scores:
    """How good the probabilities at one temperature are, on the test rows."""

    nll: float  # mean negative log-likelihood, nats (lower is better)
    ece: float  # expected calibration error, 0 … 1 (lower is better)
    accuracy: float  # share of rows right, 0 … 1 (the same at every T)


@dataclass(frozen=True)
class Evaluation:
    """Some rows' probabilities at one temperature, judged."""

    temperature: float
    scores: Scores
    bins: ReliabilityBins
    confidence: np.ndarray  # each row's top probability


def evaluate(
    logits: ArrayLike, labels: ArrayLike, temperature: float = 1.0, n_bins: int = 15
) -> Evaluation:
    """NLL, ECE, accuracy, reliability bins and confidences of ``softmax(logits / T)``.

    Arguments and limits as for :func:`negative_log_likelihood` and :func:`reliability_bins`.
    Cheap enough to call on every move of a temperature slider (under 1 ms for 360 × 10).

    Examples
    --------
    >>> evaluate([[2.0, 0.0], [0.0, 2.0]], [0, 0], temperature=2.0).scores.accuracy
    0.5
    """
    z, y = _check_problem(logits, labels)
    temperature = _check_positive(temperature, "temperature")
    probs = softmax(z, temperature, axis=1)
    bins = reliability_bins(probs, y, n_bins)
    nll = negative_log_likelihood(z, y, temperature)
    scores = Scores(nll=nll, ece=bins.ece, accuracy=accuracy(z, y))
    return Evaluation(temperature, scores, bins, probs.max(axis=1))


@dataclass(frozen=True)
class CalibrationReport:
    """Temperature scaling fitted on validation rows and judged on test rows.

    Attributes
    ----------
    temperature : float
        The fitted T (:func:`fit_temperature` on the validation rows).
    at_bound : bool
        True if T is a bound of :data:`TEMPERATURE_BOUNDS` (the true optimum may lie beyond).
    before, after, manual : Scores
        Test scores at T = 1, at the fitted T, and at ``manual_temperature`` (None if not given).
    manual_temperature : float or None
    bins_before, bins_after, bins_manual : ReliabilityBins
        Test reliability bins at the same three temperatures (``bins_manual`` None if not given).
    confidence_before, confidence_after : numpy.ndarray
        Each test row's top probability at T = 1 and at the fitted T (for histograms).
    curve_temperatures, curve_nll : numpy.ndarray
        The validation NLL against T (log-spaced, the fitted T included exactly).
    validation_nll_before, validation_nll_after : float
        The validation NLL at T = 1 and at the fitted T (its minimum).
    """

    temperature: float
    at_bound: bool
    before: Scores
    after: Scores
    manual_temperature: float | None
    manual: Scores | None
    bins_before: ReliabilityBins
    bins_after: ReliabilityBins
    bins_manual: ReliabilityBins | None
    confidence_before: np.ndarray
    confidence_after: np.ndarray
    curve_temperatures: np.ndarray
    curve_nll: np.ndarray
    validation_nll_before: float
    validation_nll_after: float


def _curve_temperatures(z: np.ndarray, marks: list[float]) -> np.ndarray:
    """Log-spaced temperatures over CURVE_RANGE, widened to show ``marks``, which are included."""
    # Kept within [1e-300, 1e300], so that halving or doubling a mark neither underflows to 0 nor
    # overflows (the marks themselves are still included exactly).
    low = max(min(CURVE_RANGE[0], *(m / 2 for m in marks)), 1e-300)
    high = min(max(CURVE_RANGE[1], *(m * 2 for m in marks)), 1e300)
    # MAX_CURVE_WORK ≥ 5 × MAX_ENTRIES, so 2 points and 3 marks always fit within it.
    points = int(min(CURVE_POINTS, max(2, MAX_CURVE_WORK // z.size - len(marks))))
    return np.unique(np.concatenate([np.geomspace(low, high, points), marks]))


def calibrate(
    logits_val: ArrayLike,
    labels_val: ArrayLike,
    logits_test: ArrayLike,
    labels_test: ArrayLike,
    n_bins: int = 15,
    manual_temperature: float | None = None,
) -> CalibrationReport:
    """Fit T on the validation rows and report what it does to the test rows.

    Parameters
    ----------
    logits_val, labels_val : array_like
        Validation rows, to fit T (limits as in :func:`fit_temperature`).
    logits_test, labels_test : array_like
        Test rows, with the same number of classes, to judge it.
    n_bins : int, default 15
        Confidence bins for the ECE and the reliability diagram (1 to :data:`MAX_BINS`).
    manual_temperature : float, optional
        A temperature of the user's choosing (finite, > 0), scored beside the fitted one.

    Returns
    -------
    CalibrationReport

    Examples
    --------
    >>> logits = [[2.0, 0.0], [2.0, 0.0], [2.0, 0.0], [0.0, 2.0]]
    >>> report = calibrate(logits, [0, 0, 0, 0], logits, [0, 0, 0, 0])
    >>> round(report.temperature, 4), report.after.nll < report.before.nll
    (1.8205, True)
    """
    z_val, y_val = _check_problem(logits_val, labels_val, "logits_val", "labels_val")
    z_test, y_test = _check_problem(logits_test, labels_test, "logits_test", "labels_test")
    if z_val.shape[1] != z_test.shape[1]:
        raise ValueError(
            f"The validation rows (logits_val) have {z_val.shape[1]} classes but the test rows "
            f"(logits_test) have {z_test.shape[1]}; they must have the same classes."
        )
    n_bins = _check_n_bins(n_bins)
    if manual_temperature is not None:
        manual_temperature = _check_positive(manual_temperature, "manual_temperature")
    temperature = fit_temperature(z_val, y_val)
    before = evaluate(z_test, y_test, 1.0, n_bins)
    after = evaluate(z_test, y_test, temperature, n_bins)
    manual = None
    if manual_temperature is not None:
        manual = evaluate(z_test, y_test, manual_temperature, n_bins)
    marks = [1.0, temperature] + ([] if manual_temperature is None else [manual_temperature])
    temps = _curve_temperatures(z_val, marks)
    curve = nll_curve(z_val, y_val, temps)
    return CalibrationReport(
        temperature=temperature,
        at_bound=temperature in TEMPERATURE_BOUNDS,
        before=before.scores,
        after=after.scores,
        manual_temperature=manual_temperature,
        manual=None if manual is None else manual.scores,
        bins_before=before.bins,
        bins_after=after.bins,
        bins_manual=None if manual is None else manual.bins,
        confidence_before=before.confidence,
        confidence_after=after.confidence,
        curve_temperatures=temps,
        curve_nll=curve,
        validation_nll_before=float(curve[temps == 1.0][0]),
        validation_nll_after=float(curve[temps == temperature][0]),
    )


def split_rows(n: int, val_share: float = 0.5, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Split row numbers ``0 … n − 1`` at random into validation and test rows.

    Parameters
    ----------
    n : int
        Number of rows, from :data:`MIN_ROWS` to :data:`MAX_ROWS`.
    val_share : float, default 0.5
        Share of the rows for validation, from 0.1 to 0.9 (rounded to whole rows).
    seed : int, default 0
        The same seed gives the same split. Not stratified by class.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        Validation and test row numbers, each sorted; together every row exactly once.

    Examples
    --------
    >>> val, test = split_rows(20, seed=1)
    >>> len(val), len(test), sorted([*val, *test]) == list(range(20))
    (10, 10, True)
    """
    if isinstance(n, (bool, np.bool_)) or not isinstance(n, Integral):
        raise ValueError(f"The number of rows must be a whole number, got {n!r}.")
    if n < MIN_ROWS:
        raise ValueError(
            f"Calibration needs at least {MIN_ROWS} rows (half to fit T, half to test it); "
            f"this data has {n}."
        )
    if n > MAX_ROWS:
        raise ValueError(f"At most {MAX_ROWS:,} rows can be split; this data has {n:,}.")
    if isinstance(val_share, (bool, np.bool_)) or not isinstance(val_share, Real):
        raise ValueError(f"val_share must be a number from 0.1 to 0.9, got {val_share!r}.")
    if not 0.1 <= check_real(val_share, "val_share") <= 0.9:
        raise ValueError(f"val_share must be from 0.1 to 0.9, got {val_share!r}.")
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, Integral) or seed < 0:
        raise ValueError(f"seed must be a whole number ≥ 0, got {seed!r}.")
    order = np.random.default_rng(int(seed)).permutation(int(n))
    n_val = round(n * check_real(val_share, "val_share"))
    return np.sort(order[:n_val]), np.sort(order[n_val:])
