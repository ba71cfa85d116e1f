"""What temperature does to one set of logits: the Explorer's domain model (pure numpy)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from explorer.checks import check_count, check_real, real_array
from explorer.core import (
    _check_logits,
    _check_probs,
    _check_temperature,
    entropy,
    kl_divergence,
    softmax,
    total_variation,
)

#: Mantissas of the slider's stops within each decade: round numbers a teacher says aloud.
_MANTISSAS = (1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0)

#: The Temperature slider's stops: 0 (greedy), then 0.01 … 100, evenly spaced on a log scale.
_DECADES = tuple(round(m * 10.0**exponent, 6) for exponent in range(-2, 2) for m in _MANTISSAS)
TEMPERATURE_STOPS: tuple[float, ...] = (0.0, *_DECADES, 100.0)

#: Range of the temperature curves (log axis); the T → 0 and T → ∞ limits are drawn at its ends.
CURVE_RANGE = (0.01, 100.0)

#: Most temperatures :func:`curve_temperatures` and :func:`sweep_frames` make (a chart needs 200).
MAX_CURVE_POINTS = 10_000


def _logit_vector(logits: ArrayLike) -> np.ndarray:
    """Logits as softmax accepts them (no NaN or +inf, one finite at least), and 1-D."""
    z = _check_logits(logits, -1)
    if z.ndim != 1:
        raise ValueError(f"logits must be a 1-D list of numbers, got shape {z.shape}")
    return z


def nearest_stop(temperature: float, stops: tuple[float, ...] = TEMPERATURE_STOPS) -> float:
    """The stop closest to ``temperature`` on a log scale (a 0 stop only for T ≤ 0; the largest
    stop for T = inf). ``stops`` are finite numbers ≥ 0, at least one of them > 0."""
    temperature = check_real(temperature, "temperature")
    if math.isnan(temperature):
        raise ValueError("temperature is NaN; give a number")
    values = real_array(stops, "stops")
    if values.ndim != 1 or not (np.isfinite(values) & (values >= 0)).all():
        raise ValueError("stops must be a list of finite numbers ≥ 0")
    if temperature <= 0 and (values == 0).any():
        return 0.0
    positive = values[values > 0]
    if positive.size == 0:
        raise ValueError("stops must include a stop above 0")
    if temperature <= 0:
        return float(positive[0])
    if math.isinf(temperature):
        return float(positive.max())
    return float(positive[np.argmin(np.abs(np.log(positive) - math.log(temperature)))])


def curve_temperatures(count: int = 200) -> np.ndarray:
    """``count`` (1 to :data:`MAX_CURVE_POINTS`) temperatures spread evenly in log T across
    :data:`CURVE_RANGE`."""
    count = check_count(count, "count", MAX_CURVE_POINTS)
    low, high = CURVE_RANGE
    return np.logspace(math.log10(low), math.log10(high), count)


@dataclass(frozen=True)
class Curves:
    """Probabilities and entropy as functions of temperature, with both limits."""

    temperatures: np.ndarray  # shape (m,), log-spaced
    probs: np.ndarray  # shape (m, n): probs[k, i] = q_i at temperatures[k]
    entropy_nats: np.ndarray  # shape (m,)
    greedy: np.ndarray  # shape (n,): the T → 0 limit
    uniform: np.ndarray  # shape (n,): the T → ∞ limit
    max_entropy: float  # log(number of finite logits), the T → ∞ entropy


def _softmax_rows(z: np.ndarray, temperatures: np.ndarray) -> np.ndarray:
    """``np.stack([softmax(z, t) for t in temperatures])``, in one pass where it is exact.

    ``z``: checked 1-D logits (:func:`_logit_vector`: no NaN or +inf, one finite at least);
    ``temperatures``: checked, 1-D and not empty (:func:`_check_temperatures`).

    softmax(z, T) computes (z − max z) / T, then normalises exp of it. When every T is in
    (0, ∞) and z − max z does not overflow, that first step is one broadcast division, and
    softmax at T = 1 of its rows does the rest with the same operations (subtracting a row
    maximum of 0 and dividing by 1 change nothing): the same numbers, bit for bit, 10–30×
    faster for 200 temperatures (tests/test_temperature.py holds it to the loop). Anything
    else (T = 0 or ∞, a spread of logits beyond the float range) takes the loop.
    """
    finite = z[np.isfinite(z)]
    with np.errstate(over="ignore", invalid="ignore"):
        ok = math.isfinite(float(finite.max()) - float(finite.min())) and bool(
            np.all((temperatures > 0) & (temperatures < math.inf))
        )
    if ok:
        with np.errstate(over="ignore", under="ignore"):
            shifted = z - finite.max()
            scaled = shifted[np.newaxis, :] / temperatures[:, np.newaxis]
        return softmax(scaled, 1.0, axis=-1)
    return np.stack([softmax(z, t) for t in temperatures])


def _check_temperatures(temperatures: ArrayLike) -> np.ndarray:
    """1 to :data:`MAX_CURVE_POINTS` temperatures ≥ 0 (inf included) as a 1-D float64 array,
    or an error naming ``temperatures``. The size is checked before anything of that size is
    made."""
    temps = real_array(temperatures, "temperatures", "a list of temperatures")
    if temps.ndim != 1 or temps.size == 0:
        raise ValueError(
            f"temperatures must be a list of 1 to {MAX_CURVE_POINTS:,} temperatures, "
            f"got shape {temps.shape}"
        )
    if temps.size > MAX_CURVE_POINTS:
        raise ValueError(
            f"temperatures may hold at most {MAX_CURVE_POINTS:,} temperatures, got {temps.size:,}"
        )
    if not (temps >= 0).all():  # NaN fails too
        raise ValueError("temperatures must be numbers ≥ 0 (0 = greedy, inf = uniform)")
    return temps


def temperature_curves(logits: ArrayLike, temperatures: ArrayLike | None = None) -> Curves:
    """Every probability and the entropy across temperature, for the curves chart.

    ``logits``: 1-D, as :func:`explorer.core.softmax` takes them. ``temperatures``: 1 to
    :data:`MAX_CURVE_POINTS` temperatures ≥ 0 (default :func:`curve_temperatures`).
    """
    logits = _logit_vector(logits)
    temps = curve_temperatures() if temperatures is None else _check_temperatures(temperatures)
    probs = _softmax_rows(logits, temps)
    uniform = softmax(logits, math.inf)
    return Curves(
        temperatures=temps,
        probs=probs,
        entropy_nats=entropy(probs),
        greedy=softmax(logits, 0.0),
        uniform=uniform,
        max_entropy=float(entropy(uniform)),
    )


@dataclass(frozen=True)
class Summary:
    """The readouts shown beside the bars."""

    entropy_nats: float
    entropy_bits: float
    perplexity: float  # exp(entropy): the effective number of choices
    top_probability: float
    top_index: int


def summarize(probs: ArrayLike) -> Summary:
    """Entropy in nats and bits, perplexity and the top probability of a distribution."""
    p = _check_probs(probs, -1)
    if p.ndim != 1:
        raise ValueError(f"probs must be a 1-D probability vector, got shape {p.shape}")
    nats = float(entropy(p))
    return Summary(
        entropy_nats=nats,
        entropy_bits=nats / math.log(2),
        perplexity=math.exp(nats),
        top_probability=float(p.max()),
        top_index=int(p.argmax()),
    )


def step_table(logits: ArrayLike, temperature: float) -> dict[str, np.ndarray]:
    """The arithmetic a teacher writes on the board, one column per step.

    Columns: ``z``, ``z/T``, ``exp(z/T)`` (the naive numerator, which overflows to inf for large
    logits), ``z/T − max`` and ``exp(z/T − max)`` (the stable numerator, at most 1), and
    ``probability``. At T = 0 the division is undefined: those columns are NaN and only the
    greedy probabilities are given. At T = inf, z/T is 0 for every finite logit.
    """
    z = _logit_vector(logits)
    temperature = _check_temperature(temperature)
    probs = softmax(z, temperature)
    if temperature == 0:
        blank = np.full_like(z, np.nan)
        scaled = naive = shifted = stable = blank
    else:
        masked = np.isneginf(z)
        # Subtracting the max before dividing is more exact and cannot overflow; a quotient
        # beyond the float range shows as ±inf, which is what a float can honestly say of it.
        with np.errstate(over="ignore", under="ignore", invalid="ignore"):
            scaled = np.where(masked, -np.inf, z / temperature) + 0.0
            naive = np.exp(scaled)
            shifted = np.where(masked, -np.inf, (z - z[~masked].max()) / temperature) + 0.0
            stable = np.exp(shifted)
    return {
        "z": z,
        "z/T": scaled,
        "exp(z/T)": naive,
        "z/T − max": shifted,
        "exp(z/T − max)": stable,
        "probability": probs,
    }


@dataclass(frozen=True)
class Comparison:
    """Two temperatures on the same logits, and how far apart their distributions are."""

    probs_a: np.ndarray
    probs_b: np.ndarray
    kl_ab: float  # KL(q_a ‖ q_b), nats
    kl_ba: float  # KL(q_b ‖ q_a), nats
    total_variation: float


def compare(logits: ArrayLike, temperature_a: float, temperature_b: float) -> Comparison:
    """Softmax of the same logits at two temperatures, with KL both ways and TV distance."""
    z = _logit_vector(logits)
    try:
        probs_a = softmax(z, temperature_a)
    except (TypeError, ValueError) as error:
        raise type(error)(f"temperature_a: {error}") from None
    try:
        probs_b = softmax(z, temperature_b)
    except (TypeError, ValueError) as error:
        raise type(error)(f"temperature_b: {error}") from None
    return Comparison(
        probs_a=probs_a,
        probs_b=probs_b,
        kl_ab=float(kl_divergence(probs_a, probs_b)),
        kl_ba=float(kl_divergence(probs_b, probs_a)),
        total_variation=float(total_variation(probs_a, probs_b)),
    )


def describe(temperature: float, summary: Summary, n_finite: int) -> str:
    """A one-sentence, plain-language reading of what this temperature does."""
    temperature = _check_temperature(temperature)
    if not isinstance(summary, Summary):
        raise TypeError(f"summary must be a Summary (from summarize), got {summary!r:.60}")
    n_finite = check_count(n_finite, "n_finite", 2**63)
    share = f"{summary.top_probability:.0%}"
    if temperature == 0:
        return (
            f"T = 0 is greedy: the largest logit takes all the probability ({share}), "
            "shared only if several tie."
        )
    if math.isinf(temperature):
        return f"T = ∞ ignores the logits: all {n_finite} choices are equally likely."
    if temperature < 1:
        return (
            f"T = {temperature:g} < 1 sharpens: differences between logits are multiplied by "
            f"{1 / temperature:.3g}, so the top choice grows to {share}."
        )
    if temperature > 1:
        return (
            f"T = {temperature:g} > 1 softens: differences between logits shrink to "
            f"{1 / temperature:.3g}× their size, so the top choice falls to {share} and the "
            f"distribution spreads toward uniform (1/{n_finite} each)."
        )
    return f"T = 1 is plain softmax: the logits are used as they are; the top choice gets {share}."


def sweep_frames(
    logits: ArrayLike, count: int = 81
) -> tuple[np.ndarray, np.ndarray, list[Summary]]:
    """Temperatures, probabilities and summaries for an animation across :data:`CURVE_RANGE`
    (``count`` from 1 to :data:`MAX_CURVE_POINTS` frames)."""
    logits = _logit_vector(logits)
    temps = curve_temperatures(count)
    probs = np.stack([softmax(logits, t) for t in temps])
    return temps, probs, [summarize(p) for p in probs]


def live_formula(logits: ArrayLike, temperature: float, max_terms: int = 4) -> str:
    """LaTeX for the top class's probability with the numbers filled in.

    Shows at most ``max_terms`` terms of the sum (then ⋯); masked classes are left out. The
    value goes on a second line (``aligned``), so that the formula fits a narrow column.
    Subscripts are class positions, never user labels (no user text reaches LaTeX).
    """
    z = _logit_vector(logits)
    temperature = _check_temperature(temperature)
    max_terms = check_count(max_terms, "max_terms", MAX_CURVE_POINTS)
    top = int(np.argmax(z))
    q_top = float(softmax(z, temperature)[top])
    if temperature == 0:
        return rf"T = 0:\ q_{{{top + 1}}} = {q_top:.4g}\ \text{{(greedy: all on the largest)}}"
    if math.isinf(temperature):
        return rf"T = \infty:\ q_{{{top + 1}}} = 1/{np.isfinite(z).sum()} = {q_top:.4g}"

    def term(value: float) -> str:
        return rf"e^{{{value:g}/{temperature:g}}}"

    finite = [value for value in z if math.isfinite(value)]
    terms = [term(value) for value in finite[:max_terms]]
    if len(finite) > max_terms:
        terms.append(r"\cdots")
    fraction = rf"\frac{{{term(z[top])}}}{{{' + '.join(terms)}}}"
    # The value on a line of its own: beside the fraction it ran past a narrow column's edge.
    return rf"\begin{{aligned}} q_{{{top + 1}}} &= {fraction} \\ &= {q_top:.4g} \end{{aligned}}"
