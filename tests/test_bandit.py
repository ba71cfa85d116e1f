"""Tests for explorer.bandit: softmax and ε-greedy exploration on the 10-armed testbed.

Oracles: a plain-Python agent written here from Sutton & Barto's pseudocode (§2.4) with
scipy.special.softmax, fed the same random numbers; the published curves of S&B Fig. 2.2;
closed forms (E[max] of n normals, the uniform policy's reward 0 and best-arm share 1/n); a
chi-square test (scipy.stats) of drawn arms against scipy.special.softmax. Every seed is fixed.
"""

import math
import re

import numpy as np
import pytest
import scipy.special
import scipy.stats
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from numpy.testing import assert_allclose, assert_array_equal

from explorer.bandit import (
    DEFAULT_TEMPERATURES,
    MAX_ARMS,
    MAX_POLICIES,
    MAX_RUNS,
    MAX_STEPS,
    MAX_TEMPERATURE,
    best,
    choice_probabilities,
    compare,
    draw_arms,
    expected_best_value,
    explain,
    final_scores,
    run_bandit,
)


def last_window(values, window=100):
    return float(np.mean(values[-window:]))


# --------------------------------------------------------------------------------------------
# The oracle: one agent at a time, in plain Python, from S&B's "simple bandit algorithm".


def reference_curves(policy, parameter, runs, steps, arms, seed):
    """Average reward and best-arm share from a loop over runs, using the module's draw order
    (q* for all runs, then per step one uniform and one normal per run)."""
    rng = np.random.default_rng(seed)
    true_values = rng.standard_normal((runs, arms))
    uniforms, noises = np.empty((steps, runs)), np.empty((steps, runs))
    for step in range(steps):
        uniforms[step] = rng.random(runs)
        noises[step] = rng.standard_normal(runs)
    rewards, optimal = np.zeros((steps, runs)), np.zeros((steps, runs))
    for run in range(runs):
        totals, counts = [0.0] * arms, [0] * arms
        for step in range(steps):
            estimates = [t / c if c else 0.0 for t, c in zip(totals, counts, strict=True)]
            if policy == "softmax":
                probs = scipy.special.softmax(np.array(estimates) / parameter)
            else:
                top = max(estimates)
                ties = [a for a in range(arms) if estimates[a] == top]
                greedy_share = (1 - parameter) / len(ties)
                probs = [parameter / arms + greedy_share * (a in ties) for a in range(arms)]
            cdf = np.cumsum(probs)
            arm = min(int(np.searchsorted(cdf, uniforms[step, run] * cdf[-1], "right")), arms - 1)
            reward = true_values[run, arm] + noises[step, run]
            totals[arm] += reward
            counts[arm] += 1
            rewards[step, run] = reward
            optimal[step, run] = arm == int(np.argmax(true_values[run]))
    return rewards.mean(axis=1), optimal.mean(axis=1)


@pytest.mark.parametrize(("policy", "parameter"), [("softmax", 0.3), ("epsilon-greedy", 0.1)])
def test_vectorised_runs_equal_a_plain_loop_over_agents(policy, parameter):
    result = run_bandit(policy, parameter, runs=12, steps=60, arms=5, seed=3)
    reward, optimal = reference_curves(policy, parameter, 12, 60, 5, seed=3)
    assert_allclose(result.average_reward, reward, rtol=1e-12, atol=1e-12)
    assert_allclose(result.optimal_share, optimal)


# --------------------------------------------------------------------------------------------
# Published and closed-form facts


@pytest.fixture(scope="module")
def testbed():
    """S&B Fig. 2.2's setting: 2,000 runs × 1,000 steps, ε = 0, 0.01, 0.1 (about 1.2 s)."""
    return {r.parameter: r for r in compare([], [0.0, 0.01, 0.1], runs=2000, steps=1000, seed=0)}


def test_epsilon_greedy_matches_sutton_barto_figure_2_2(testbed):
    # Fig. 2.2 at step 1,000: ε = 0.1 earns about 1.4 and picks the best arm about 80% of the
    # time; greedy earns about 1.0 with the best arm about a third of the time; ε = 0.01 sits
    # between them and is still climbing. Tolerances are 3–4 standard errors for 2,000 runs.
    explorer, cautious, greedy = testbed[0.1], testbed[0.01], testbed[0.0]
    assert 1.30 < last_window(explorer.average_reward) < 1.45
    assert 0.76 < last_window(explorer.optimal_share) < 0.85
    assert 0.90 < last_window(greedy.average_reward) < 1.12
    assert 0.28 < last_window(greedy.optimal_share) < 0.42
    assert (
        last_window(greedy.average_reward)
        < last_window(cautious.average_reward)
        < last_window(explorer.average_reward)
    )


def test_best_arm_value_is_the_expected_maximum_of_ten_normals(testbed):
    # E[max of 10 N(0,1)] = 1.538753 (Tippett 1925; also scipy quad below). The testbed's mean
    # over 2,000 runs has a standard error of 0.59/√2000 = 0.013.
    assert expected_best_value(10) == pytest.approx(1.538753, abs=1e-6)
    assert testbed[0.1].optimal_value == pytest.approx(1.538753, abs=0.05)
    for result in testbed.values():  # no policy beats always pulling the best arm
        assert last_window(result.average_reward) < result.optimal_value


@pytest.mark.parametrize(
    ("arms", "closed_form"),
    [(1, 0.0), (2, 1 / math.sqrt(math.pi)), (3, 3 / (2 * math.sqrt(math.pi)))],
)
def test_expected_best_value_closed_forms(arms, closed_form):
    # E[max(X1, X2)] = 1/√π and E[max of 3] = 3/(2√π) for standard normals.
    assert expected_best_value(arms) == pytest.approx(closed_form, abs=1e-9)


@pytest.mark.parametrize(
    ("policy", "parameter"), [("epsilon-greedy", 1.0), ("softmax", MAX_TEMPERATURE)]
)
def test_uniform_choice_earns_the_mean_value_and_finds_the_best_arm_one_time_in_ten(
    policy, parameter
):
    # Closed form: a uniform pick earns E[q*] = 0 and is the best arm with probability 1/10.
    # Standard errors here: reward 0.014 (the runs' mean q*), best-arm share 0.001.
    result = run_bandit(policy, parameter, runs=500, steps=200, seed=4)
    assert abs(result.average_reward.mean()) < 0.06
    assert result.optimal_share.mean() == pytest.approx(0.1, abs=0.01)


def test_temperature_zero_is_greedy_draw_for_draw():
    softmax_cold = run_bandit("softmax", 0.0, runs=300, steps=200, seed=5)
    greedy = run_bandit("epsilon-greedy", 0.0, runs=300, steps=200, seed=5)
    assert_array_equal(softmax_cold.average_reward, greedy.average_reward)
    assert_array_equal(softmax_cold.optimal_share, greedy.optimal_share)


def test_the_temperature_grid_brackets_the_winner_and_both_extremes_lose():
    results = compare(DEFAULT_TEMPERATURES, [], runs=1000, steps=1000, seed=1)
    rewards = [last_window(r.average_reward) for r in results]
    top = int(np.argmax(rewards))
    assert 0 < top < len(rewards) - 1  # neither the coldest nor the hottest T wins
    assert results[top].parameter in (0.1, 0.2, 0.5)
    assert rewards[top] - rewards[0] > 0.2 and rewards[top] - rewards[-1] > 0.2


# --------------------------------------------------------------------------------------------
# Choosing arms


def test_softmax_choices_follow_softmax_of_the_estimates():
    estimates = np.array([0.3, -0.2, 1.1, 0.9, 0.0])
    temperature = 0.4
    expected = scipy.special.softmax(estimates / temperature)  # oracle: scipy
    repeated = np.tile(estimates, (40_000, 1))
    probs = choice_probabilities("softmax", temperature, repeated)
    arms = draw_arms(probs, np.random.default_rng(6).random(len(repeated)))
    counts = np.bincount(arms, minlength=5)
    assert scipy.stats.chisquare(counts, expected * len(arms)).pvalue > 0.001
    assert_allclose(probs[0], expected, rtol=1e-12)


def test_epsilon_greedy_probabilities_by_hand():
    estimates = np.array([[1.0, 3.0, 3.0, 0.0], [0.0, 0.0, 0.0, 0.0]])
    probs = choice_probabilities("epsilon-greedy", 0.2, estimates)
    # ε/4 = 0.05 each, plus 0.8 split between the two tied greedy arms; all tied: uniform.
    assert_allclose(probs, [[0.05, 0.45, 0.45, 0.05], [0.25] * 4])


@settings(max_examples=200, deadline=None)
@given(
    hnp.arrays(np.float64, (6, 4), elements=st.floats(0, 1)),
    hnp.arrays(np.float64, 6, elements=st.floats(0, 1, exclude_max=True)),
)
def test_draws_are_the_inverse_cdf_and_skip_empty_arms(weights, uniforms):
    weights[:, 1] = 0.0  # an arm that must never be drawn
    weights[:, 0] += 1e-3
    probs = weights / weights.sum(axis=1, keepdims=True)
    arms = draw_arms(probs, uniforms)
    for row in range(6):  # oracle: numpy's searchsorted on the running sum
        cdf = np.cumsum(probs[row])
        expected = min(int(np.searchsorted(cdf, uniforms[row] * cdf[-1], "right")), 3)
        assert arms[row] == expected
        assert probs[row, arms[row]] > 0


# --------------------------------------------------------------------------------------------
# Reproducibility, comparison, summaries


def test_same_seed_same_curves_and_another_seed_other_curves():
    first = run_bandit("softmax", 0.2, runs=50, steps=100, seed=7)
    again = run_bandit("softmax", 0.2, runs=50, steps=100, seed=7)
    other = run_bandit("softmax", 0.2, runs=50, steps=100, seed=8)
    assert_array_equal(first.average_reward, again.average_reward)
    assert_array_equal(first.optimal_share, again.optimal_share)
    assert not np.array_equal(first.average_reward, other.average_reward)


def test_compared_policies_face_the_same_bandits():
    results = compare([0.1, 1.0], [0.1], runs=40, steps=30, seed=9)
    assert [r.label for r in results] == ["softmax T = 0.1", "softmax T = 1", "ε-greedy ε = 0.1"]
    assert len({r.optimal_value for r in results}) == 1
    # Step 1: every estimate is 0, so every policy picks uniformly from the same uniforms.
    assert len({r.average_reward[0] for r in results}) == 1


def test_scores_winner_and_explanation_name_the_measured_numbers():
    results = compare([0.01, 0.2, 5.0], [0.1], runs=300, steps=400, seed=2)
    means = {r.label: last_window(r.average_reward, 50) for r in results}
    winner = max(means, key=means.get)
    scores = final_scores(results, window=50)
    assert [s.final_reward for s in scores] == pytest.approx(list(means.values()))
    assert best(results, window=50).label == winner
    text = explain(results, window=50)
    assert f"{winner} averages {means[winner]:.2f}" in text
    assert "Too cold: softmax T = 0.01" in text and "Too hot: softmax T = 5" in text
    assert "best ε-greedy: ε-greedy ε = 0.1" in text


@settings(max_examples=25, deadline=None)
@given(
    st.sampled_from(["softmax", "epsilon-greedy"]),
    st.floats(0, 1),
    st.integers(1, 30),
    st.integers(1, 40),
    st.integers(1, 12),
)
def test_curves_have_one_value_per_step_within_bounds(policy, parameter, runs, steps, arms):
    result = run_bandit(policy, parameter, runs=runs, steps=steps, arms=arms, seed=0)
    assert result.average_reward.shape == result.optimal_share.shape == (steps,)
    assert np.all((result.optimal_share >= 0) & (result.optimal_share <= 1))
    assert np.all(np.isfinite(result.average_reward))
    if arms == 1:
        assert np.all(result.optimal_share == 1)


# --------------------------------------------------------------------------------------------
# Bad arguments and caps


@pytest.mark.parametrize(
    ("kwargs", "named"),
    [
        (dict(policy="greedy", parameter=0.1), "policy"),
        (dict(policy="softmax", parameter=-0.1), "temperature"),
        (dict(policy="softmax", parameter=math.nan), "temperature"),
        (dict(policy="softmax", parameter=MAX_TEMPERATURE * 2), "temperature"),
        (dict(policy="epsilon-greedy", parameter=1.5), "epsilon"),
        (dict(policy="softmax", parameter=0.1, runs=0), "runs"),
        (dict(policy="softmax", parameter=0.1, runs=MAX_RUNS + 1), "runs"),
        (dict(policy="softmax", parameter=0.1, steps=MAX_STEPS + 1), "steps"),
        (dict(policy="softmax", parameter=0.1, steps=2.5), "steps"),
        (dict(policy="softmax", parameter=0.1, arms=MAX_ARMS + 1), "arms"),
        (dict(policy="softmax", parameter=0.1, seed=-1), "seed"),
        (dict(policy="softmax", parameter=0.1, runs=MAX_RUNS, steps=MAX_STEPS), "runs × steps"),
    ],
)
def test_bad_arguments_raise_naming_the_argument(kwargs, named):
    with pytest.raises(ValueError, match=re.escape(named)):
        run_bandit(**kwargs)


def test_compare_and_summaries_refuse_bad_lists():
    with pytest.raises(ValueError, match="policies"):
        compare([0.1] * MAX_POLICIES, [0.1], runs=2, steps=2)
    with pytest.raises(ValueError, match="policies"):
        compare([], [], runs=2, steps=2)
    with pytest.raises(ValueError, match="epsilon"):
        compare([0.1], [2.0], runs=2, steps=2)
    with pytest.raises(ValueError, match="results"):
        final_scores([])
    with pytest.raises(ValueError, match="window"):
        final_scores([run_bandit("softmax", 0.1, runs=2, steps=5)], window=6)
