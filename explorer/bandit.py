"""Exploration as a temperature: softmax (Boltzmann) action selection on the 10-armed testbed.

The testbed of Sutton & Barto, *Reinforcement Learning: An Introduction* (2nd ed., 2018), §2.3:
each run is a fresh bandit whose arms have true values ``q*(a) ~ N(0, 1)``; pulling arm ``a``
pays a reward ``~ N(q*(a), 1)``. The agent keeps sample-average estimates ``Q(a)`` (starting at
0) and picks its next arm either

- by **softmax** over the estimates at temperature ``T`` (:func:`explorer.core.softmax`
  semantics: ``T = 0`` is greedy with ties shared uniformly at random, large ``T`` is uniform), or
- **ε-greedy** (§2.2, the reference): the greedy arm (ties at random), except with probability
  ``ε`` a uniformly random arm.

All runs advance together (vectorised over runs). Arms are drawn by inverse CDF on uniform
draws; every random number comes from one :class:`numpy.random.Generator` seeded with ``seed``,
in a fixed order (the testbed's ``q*`` first, then per step one uniform and one normal per run).
So the same seed gives identical curves, and policies run with the same seed face the same
bandits and the same noise (common random numbers: their curves differ only by the policy).
Bad arguments raise ``ValueError`` naming the argument.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from numbers import Real

import numpy as np
import scipy.integrate
import scipy.stats

from explorer.checks import check_count, check_real, check_seed, real_array
from explorer.core import softmax

__all__ = [
    "DEFAULT_EPSILONS",
    "DEFAULT_TEMPERATURES",
    "MAX_ARMS",
    "MAX_POLICIES",
    "MAX_RUNS",
    "MAX_STEPS",
    "MAX_TEMPERATURE",
    "MAX_WORK",
    "POLICIES",
    "BanditResult",
    "FinalScore",
    "best",
    "choice_probabilities",
    "compare",
    "draw_arms",
    "expected_best_value",
    "explain",
    "final_scores",
    "run_bandit",
]

#: The two action-selection rules, by name.
POLICIES = ("softmax", "epsilon-greedy")

#: Most independent bandit runs averaged per policy (S&B use 2,000).
MAX_RUNS = 5_000
#: Most time steps per run (S&B plot 1,000).
MAX_STEPS = 5_000
#: Most arms per bandit (the testbed has 10).
MAX_ARMS = 100
#: Most arm-steps simulated per policy, ``runs × steps × arms``: the testbed's
#: 2,000 × 1,000 × 10 = 2×10⁷ takes about 0.4 s on one core; the cap, about 1 s.
MAX_WORK = 50_000_000
#: Most policies one :func:`compare` call runs.
MAX_POLICIES = 12
#: Highest softmax temperature accepted, in reward units; at 100 the choice is all but uniform.
MAX_TEMPERATURE = 100.0

#: A grid that brackets the best temperature on the 10-armed testbed (measured, 2,000 runs ×
#: 1,000 steps, seeds 0–2: T = 0.2–0.25 wins with 1.44–1.45 mean reward over the last 100 steps).
DEFAULT_TEMPERATURES = (0.01, 0.05, 0.1, 0.2, 0.5, 1.0)
#: S&B Fig. 2.2's ε values: greedy, a little exploration, more exploration.
DEFAULT_EPSILONS = (0.0, 0.01, 0.1)


@dataclass(frozen=True, eq=False)
class BanditResult:
    """Learning curves of one policy, averaged over the runs.

    ``average_reward[t]`` is the mean reward at step ``t + 1`` (reward units), and
    ``optimal_share[t]`` the fraction of runs that pulled their best arm there (0 … 1).
    ``optimal_value`` is the mean over runs of ``max_a q*(a)``: the average reward of an agent
    that always knew the best arm (≈ 1.54 for 10 arms). ``seconds`` is the wall-clock time taken.
    """

    label: str
    policy: str
    parameter: float
    average_reward: np.ndarray
    optimal_share: np.ndarray
    optimal_value: float
    runs: int
    seed: int
    seconds: float


@dataclass(frozen=True)
class FinalScore:
    """A policy's averages over the last ``window`` steps: reward and share of best-arm pulls."""

    label: str
    policy: str
    parameter: float
    final_reward: float
    final_optimal_share: float
    window: int


def _check_parameter(policy: str, parameter: float) -> float:
    """The temperature (0 … MAX_TEMPERATURE) or ε (0 … 1) as a float, or raise naming it."""
    name, high = ("temperature", MAX_TEMPERATURE) if policy == "softmax" else ("epsilon", 1.0)
    if isinstance(parameter, (bool, np.bool_)) or not isinstance(parameter, Real):
        raise ValueError(f"{name} must be a number from 0 to {high:g}, got {parameter!r}")
    value = check_real(parameter, name)
    if not 0 <= value <= high:  # NaN fails too
        raise ValueError(f"{name} must be from 0 to {high:g}, got {value!r}")
    return value


def _check_policy(policy: str) -> str:
    if policy not in POLICIES:
        raise ValueError(f"policy must be one of {', '.join(POLICIES)}; got {policy!r}")
    return policy


def _label(policy: str, parameter: float) -> str:
    return f"softmax T = {parameter:g}" if policy == "softmax" else f"ε-greedy ε = {parameter:g}"


def choice_probabilities(policy: str, parameter: float, estimates: np.ndarray) -> np.ndarray:
    """The probability of pulling each arm given the estimates ``Q``, one row per run.

    ``estimates`` is ``(runs, arms)`` (finite); ``policy`` and ``parameter`` are those of
    :func:`run_bandit`. Each row sums to 1.

    Examples
    --------
    >>> choice_probabilities("epsilon-greedy", 0.2, np.array([[1.0, 3.0, 3.0, 0.0]]))
    array([[0.05, 0.45, 0.45, 0.05]])
    """
    policy = _check_policy(policy)
    parameter = _check_parameter(policy, parameter)
    return _choice_probabilities(policy, parameter, _table(estimates, "estimates"))


def _table(values: object, name: str) -> np.ndarray:
    """A non-empty finite (runs, arms) float array, or raise naming ``name``."""
    array = real_array(values, name)
    if array.ndim != 2 or array.size == 0:
        raise ValueError(f"{name} must be a non-empty (runs, arms) table, got shape {array.shape}")
    if not np.isfinite(array).all():
        raise ValueError(f"{name} must be finite numbers (found NaN or inf)")
    return array


def _choice_probabilities(policy: str, parameter: float, estimates: np.ndarray) -> np.ndarray:
    """:func:`choice_probabilities` for checked arguments (the simulation's inner loop)."""
    if policy == "softmax":
        return softmax(estimates, temperature=parameter, axis=1)
    greedy = softmax(estimates, temperature=0, axis=1)  # ties share the greedy mass
    return (1 - parameter) * greedy + parameter / estimates.shape[1]


def draw_arms(probs: np.ndarray, uniforms: np.ndarray) -> np.ndarray:
    """One arm per row of ``probs`` (runs, arms), by inverse CDF on ``uniforms`` in [0, 1).

    Row ``r`` gets the arm ``i`` with ``F(i−1) ≤ u_r · F(last) < F(i)``, ``F`` the running sum
    of the row, so arm ``i`` comes with probability ``probs[r, i]``; an arm of probability 0 is
    never drawn.
    """
    probs = _table(probs, "probs")
    if (probs < 0).any() or not (probs.sum(axis=1) > 0).all():
        raise ValueError("probs must be ≥ 0 with a positive sum in each row")
    u = real_array(uniforms, "uniforms")
    if u.shape != (len(probs),) or not ((u >= 0) & (u < 1)).all():
        raise ValueError(f"uniforms must be {len(probs):,} numbers in [0, 1), one per row of probs")
    return _draw_arms(probs, u)


def _draw_arms(probs: np.ndarray, uniforms: np.ndarray) -> np.ndarray:
    """:func:`draw_arms` for checked arguments (the simulation's inner loop)."""
    cdf = np.cumsum(probs, axis=1)
    below = cdf <= (uniforms * cdf[:, -1])[:, None]
    return np.minimum(below.sum(axis=1), probs.shape[1] - 1)


def run_bandit(
    policy: str,
    parameter: float,
    *,
    runs: int = 2000,
    steps: int = 1000,
    arms: int = 10,
    seed: int = 0,
) -> BanditResult:
    r"""Average learning curves of one policy over ``runs`` fresh bandits.

    Parameters
    ----------
    policy : {"softmax", "epsilon-greedy"}
        Softmax picks arm ``a`` with probability :math:`e^{Q(a)/T} / \sum_b e^{Q(b)/T}`;
        ε-greedy picks the best estimate (ties at random), or with probability ``ε`` any arm.
    parameter : float
        The temperature ``T`` for softmax, in reward units, 0 … :data:`MAX_TEMPERATURE`
        (``T = 0`` is greedy, and then identical, draw for draw, to ε-greedy with ε = 0); or
        ``ε`` for ε-greedy, 0 … 1 (ε = 1 picks uniformly).
    runs, steps, arms : int
        Bandits averaged (1 … :data:`MAX_RUNS`), pulls per bandit (1 … :data:`MAX_STEPS`),
        arms per bandit (1 … :data:`MAX_ARMS`); ``runs × steps × arms`` ≤ :data:`MAX_WORK`.
    seed : int
        Seeds the one generator behind the testbed and every draw (≥ 0).

    Returns
    -------
    BanditResult
        Reward and best-arm share per step, averaged over runs. 2,000 × 1,000 × 10 takes
        about 0.4 s on one core.

    Examples
    --------
    >>> result = run_bandit("softmax", 0.2, runs=200, steps=300, seed=1)
    >>> result.label, result.average_reward.shape
    ('softmax T = 0.2', (300,))
    >>> round(float(result.optimal_share[-100:].mean()), 2)  # best arm, last 100 steps
    0.7
    """
    policy = _check_policy(policy)
    parameter = _check_parameter(policy, parameter)
    runs = check_count(runs, "runs", MAX_RUNS)
    steps = check_count(steps, "steps", MAX_STEPS)
    arms = check_count(arms, "arms", MAX_ARMS)
    seed = check_seed(seed)
    if runs * steps * arms > MAX_WORK:
        raise ValueError(
            f"runs × steps × arms must be at most {MAX_WORK:,}, got {runs:,} × {steps:,} × "
            f"{arms:,}; use fewer runs or steps"
        )
    start = time.perf_counter()
    rng = np.random.default_rng(seed)
    true_values = rng.standard_normal((runs, arms))  # q*(a), one bandit per run
    best_arm = true_values.argmax(axis=1)
    estimates = np.zeros((runs, arms))  # Q(a): sample averages, starting at 0
    pulls = np.zeros((runs, arms))
    rows = np.arange(runs)
    average_reward, optimal_share = np.empty(steps), np.empty(steps)
    for step in range(steps):
        probs = _choice_probabilities(policy, parameter, estimates)
        actions = _draw_arms(probs, rng.random(runs))
        rewards = true_values[rows, actions] + rng.standard_normal(runs)
        pulls[rows, actions] += 1
        # Incremental sample average: Q ← Q + (R − Q) / n (S&B eq. 2.3).
        estimates[rows, actions] += (rewards - estimates[rows, actions]) / pulls[rows, actions]
        average_reward[step] = rewards.mean()
        optimal_share[step] = np.mean(actions == best_arm)
    return BanditResult(
        label=_label(policy, parameter),
        policy=policy,
        parameter=parameter,
        average_reward=average_reward,
        optimal_share=optimal_share,
        optimal_value=float(true_values.max(axis=1).mean()),
        runs=runs,
        seed=seed,
        seconds=time.perf_counter() - start,
    )


def compare(
    temperatures: Sequence[float] = DEFAULT_TEMPERATURES,
    epsilons: Sequence[float] = DEFAULT_EPSILONS,
    *,
    runs: int = 2000,
    steps: int = 1000,
    arms: int = 10,
    seed: int = 0,
) -> list[BanditResult]:
    """Softmax at each temperature, then ε-greedy at each ε, all on the same testbed.

    Every policy gets the same ``seed``, hence the same ``q*`` per run and the same noise, so
    the curves are directly comparable. At most :data:`MAX_POLICIES` policies in all; the
    other arguments are those of :func:`run_bandit`. The default grid (9 policies, 2,000 × 1,000)
    takes about 4 s on one core.

    Examples
    --------
    >>> [r.label for r in compare([0.1], [0.0], runs=10, steps=5)]
    ['softmax T = 0.1', 'ε-greedy ε = 0']
    """
    temperatures = _parameter_list(temperatures, "temperatures")
    epsilons = _parameter_list(epsilons, "epsilons")
    count = len(temperatures) + len(epsilons)
    if not 1 <= count <= MAX_POLICIES:
        raise ValueError(
            f"temperatures and epsilons together must list 1 to {MAX_POLICIES} policies, "
            f"got {count}"
        )
    policies = [("softmax", t) for t in temperatures] + [("epsilon-greedy", e) for e in epsilons]
    for policy, parameter in policies:  # check every argument before the first long run
        _check_parameter(policy, parameter)
    return [
        run_bandit(policy, parameter, runs=runs, steps=steps, arms=arms, seed=seed)
        for policy, parameter in policies
    ]


def _parameter_list(values: Sequence[float], name: str) -> list:
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        raise TypeError(f"{name} must be a list of numbers, got {values!r:.60}")
    return list(values)


def _check_results(results: Sequence[BanditResult]) -> list[BanditResult]:
    if isinstance(results, (str, bytes)) or not isinstance(results, Iterable):
        raise TypeError(f"results must be a list of bandit results, got {results!r:.60}")
    results = list(results)
    if not results:
        raise ValueError("results is empty: run at least one policy first")
    if not all(isinstance(result, BanditResult) for result in results):
        raise TypeError("results must hold bandit results (from run_bandit or compare)")
    return results


def final_scores(results: Sequence[BanditResult], window: int = 100) -> list[FinalScore]:
    """Mean reward and best-arm share over each result's last ``window`` steps (1 … steps).

    Examples
    --------
    >>> score = final_scores([run_bandit("epsilon-greedy", 1.0, runs=50, steps=20)], 10)[0]
    >>> score.label, score.window
    ('ε-greedy ε = 1', 10)
    """
    results = _check_results(results)
    steps = min(len(result.average_reward) for result in results)
    window = check_count(window, "window", steps)
    return [
        FinalScore(
            label=result.label,
            policy=result.policy,
            parameter=result.parameter,
            final_reward=float(result.average_reward[-window:].mean()),
            final_optimal_share=float(result.optimal_share[-window:].mean()),
            window=window,
        )
        for result in results
    ]


def best(results: Sequence[BanditResult], window: int = 100) -> FinalScore:
    """The policy with the highest mean reward over the last ``window`` steps."""
    return max(final_scores(results, window), key=lambda score: score.final_reward)


def expected_best_value(arms: int = 10) -> float:
    r"""Expected value of the best arm, :math:`E[\max_a q^*(a)]` for ``arms`` N(0, 1) values.

    .. math:: E[\max] = \int x \, n \, \varphi(x) \, \Phi(x)^{n-1} \, dx

    No policy can average more reward than this in expectation; 1.5388 for 10 arms.

    Examples
    --------
    >>> round(expected_best_value(10), 4)
    1.5388
    """
    arms = check_count(arms, "arms", MAX_ARMS)

    def density(x: float) -> float:
        return x * arms * scipy.stats.norm.pdf(x) * scipy.stats.norm.cdf(x) ** (arms - 1)

    return float(scipy.integrate.quad(density, -math.inf, math.inf)[0])


def explain(results: Sequence[BanditResult], window: int = 100) -> str:
    """Plain text for the page: which policy wins, and why too cold and too hot both lose.

    Names the measured winner and its numbers. The coldest and the hottest softmax temperature
    in ``results`` are the "too cold" and "too hot" examples, when they are colder or hotter
    than the best softmax temperature; the best ε-greedy is the reference.
    """
    results = _check_results(results)
    scores = final_scores(results, window)
    first = results[0]
    winner = max(scores, key=lambda score: score.final_reward)

    def said(score: FinalScore) -> str:
        return (
            f"{score.label} averages {score.final_reward:.2f} reward and pulls the best arm "
            f"{score.final_optimal_share:.0%} of the time"
        )

    paragraphs = [
        f"Over the last {winner.window} of {len(first.average_reward):,} steps "
        f"({first.runs:,} runs, seed {first.seed}), {said(winner)}: the best here. "
        f"Always pulling the best arm would earn {first.optimal_value:.2f}."
    ]
    softmaxes = sorted((s for s in scores if s.policy == "softmax"), key=lambda s: s.parameter)
    if softmaxes:
        best_softmax = max(softmaxes, key=lambda score: score.final_reward)
        if softmaxes[0].parameter < best_softmax.parameter:
            paragraphs.append(
                f"Too cold: {said(softmaxes[0])}. Almost greedy, it locks onto whichever arm "
                "first paid well and seldom tries the others, so it often never finds the best."
            )
        if softmaxes[-1].parameter > best_softmax.parameter:
            paragraphs.append(
                f"Too hot: {said(softmaxes[-1])}. It keeps spending pulls on arms it already "
                "knows are worse; the hotter, the closer to a uniform choice, which earns the "
                "average q*, about 0."
            )
    greedy = [s for s in scores if s.policy == "epsilon-greedy"]
    if greedy and softmaxes:
        reference = max(greedy, key=lambda score: score.final_reward)
        paragraphs.append(
            f"For reference, the best ε-greedy: {said(reference)}. ε-greedy explores "
            "uniformly, the worst arms as often as the second best; softmax explores mostly "
            "among the arms that look good, so each exploratory pull costs it less."
        )
    return "\n\n".join(paragraphs)
