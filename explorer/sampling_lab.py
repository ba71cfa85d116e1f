"""The Sampling lab's domain model: what each section shows, computed from the pure modules."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from explorer.checks import check_count, check_seed
from explorer.core import softmax
from explorer.draw_stats import (
    ChiSquareResult,
    ConvergenceCurve,
    chi_square_test,
    class_counts,
    convergence_curve,
    empirical_tv,
    wilson_interval,
)
from explorer.gumbel import gumbel_max_sample
from explorer.ngram import NGramModel, distinct_n, generate, mean_surprisal, repeated_ngram_rate
from explorer.sampling import MAX_DRAWS, sample

GUMBEL_CHECK_DRAWS = 100_000  # Gumbel-max draws behind the "matches softmax" check
MAX_TEMPERATURES = 8  # texts generated side by side by compare_temperatures


def single_draws(probs: ArrayLike, seed: int, count: int) -> tuple[np.ndarray, np.ndarray]:
    """The first ``count`` draws of seed ``seed``, with the uniform u that picked each.

    :func:`explorer.sampling.sample` draws u = r · F_last from ``Generator.random`` and takes the
    class whose cumulative interval holds u; the same generator replays those u here.
    ``count``: 0 to :data:`~explorer.sampling.MAX_DRAWS`; ``seed``: a whole number ≥ 0.
    """
    count = check_count(count, "count", MAX_DRAWS, low=0)
    seed = check_seed(seed)
    drawn = sample(probs, count, rng=seed)  # checks probs
    p = np.asarray(probs, dtype=float)
    uniforms = np.random.default_rng(seed).random(count) * np.cumsum(p)[-1]
    return uniforms, drawn


@dataclass(frozen=True)
class DrawSummary:
    """N draws against the exact distribution."""

    counts: np.ndarray
    frequencies: np.ndarray
    lower: np.ndarray  # 95% Wilson interval per class
    upper: np.ndarray
    chi_square: ChiSquareResult
    total_variation: float
    convergence: ConvergenceCurve


def summarize_draws(probs: ArrayLike, draws: int, seed: int) -> DrawSummary:
    """Draw ``draws`` samples (1 to :data:`~explorer.sampling.MAX_DRAWS`) with ``seed`` (a whole
    number ≥ 0) and compare them with ``probs``."""
    draws = check_count(draws, "draws", MAX_DRAWS)
    drawn = sample(probs, draws, rng=check_seed(seed))  # checks probs
    p = np.asarray(probs, dtype=float)
    counts = class_counts(drawn, len(p))
    lower, upper = wilson_interval(counts, draws)
    return DrawSummary(
        counts=counts,
        frequencies=counts / draws,
        lower=lower,
        upper=upper,
        chi_square=chi_square_test(counts, p),
        total_variation=empirical_tv(counts, p),
        convergence=convergence_curve(drawn, p),
    )


@dataclass(frozen=True)
class GumbelCheck:
    """Gumbel-max frequencies against softmax(z / T): the trick draws from the softmax."""

    frequencies: np.ndarray
    probs: np.ndarray
    chi_square: ChiSquareResult
    total_variation: float


def gumbel_check(logits: ArrayLike, temperature: float, seed: int) -> GumbelCheck:
    """Argmax of z/T + Gumbel noise, :data:`GUMBEL_CHECK_DRAWS` times, against the softmax.

    ``seed``: a whole number ≥ 0.
    """
    seed = check_seed(seed)
    probs = softmax(logits, temperature)
    counts = class_counts(
        gumbel_max_sample(logits, temperature, GUMBEL_CHECK_DRAWS, seed), len(probs)
    )
    return GumbelCheck(
        frequencies=counts / GUMBEL_CHECK_DRAWS,
        probs=probs,
        chi_square=chi_square_test(counts, probs),
        total_variation=empirical_tv(counts, probs),
    )


@dataclass(frozen=True)
class TextRun:
    """Text generated at one temperature, with the numbers that say how diverse it is."""

    temperature: float
    text: str
    distinct_2: float  # unique character pairs / all pairs: higher = more varied
    repeated_4: float  # share of 4-grams seen earlier in the same text: higher = loops
    surprisal_bits: float  # mean −log₂ p per character under the model at T = 1


def compare_temperatures(
    model: NGramModel, prompt: str, length: int, temperatures: Sequence[float], seed: int
) -> list[TextRun]:
    """Generate from the same prompt and seed at each temperature, side by side.

    ``temperatures``: 1 to :data:`MAX_TEMPERATURES` of them; ``seed``: a whole number ≥ 0.
    """
    if not isinstance(model, NGramModel):
        raise TypeError(f"model must be an NGramModel, got {type(model).__name__}")
    if not isinstance(prompt, str):
        raise TypeError(f"prompt must be a text, got {type(prompt).__name__}")
    if isinstance(temperatures, str) or not isinstance(temperatures, Sequence | np.ndarray):
        raise TypeError("temperatures must be a list of temperatures")
    check_count(len(temperatures), "the number of temperatures", MAX_TEMPERATURES)
    seed = check_seed(seed)
    runs = []
    for temperature in temperatures:
        generation = generate(model, prompt, length, temperature, rng=seed)
        tokens = list(generation.tokens)
        surprisal = mean_surprisal(model, tokens, prompt=prompt, base=2)
        runs.append(
            TextRun(
                temperature=temperature,
                text=generation.text,
                distinct_2=distinct_n(tokens, 2),
                repeated_4=repeated_ngram_rate(tokens, 4),
                surprisal_bits=surprisal if math.isfinite(surprisal) else math.inf,
            )
        )
    return runs
