"""Fuzzing explorer.bandit: softmax and ε-greedy on the testbed, with hostile policies,
parameters, estimates, sizes over the caps and results that are not results. Valid cases are
small (the simulation is the slow part) and checked for what must hold: probabilities sum to 1,
shares lie in [0, 1], one curve point per step."""

import math

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from explorer import bandit
from tests.fuzz.hostile import (
    Case,
    call_contract,
    cases,
    counts,
    float_tables,
    fuzzes,
    hostile_arrays,
    hostile_scalars,
    hostile_text,
    junk,
    regressions,
    unfuzzed,
)

policies = st.sampled_from(bandit.POLICIES)
bad_policies = st.one_of(hostile_text, junk, st.sampled_from(["Softmax", "greedy", "epsilon"]))


@st.composite
def policy_parameters(draw):
    policy = draw(policies)
    high = bandit.MAX_TEMPERATURE if policy == "softmax" else 1.0
    return policy, draw(st.one_of(st.floats(0, high), st.sampled_from([0.0, high, 5e-324])))


estimates = float_tables(
    st.one_of(st.floats(-1e300, 1e300), st.floats(-5, 5)), max_rows=4, max_columns=6
)


@st.composite
def choice_cases(draw):
    policy, parameter = draw(policy_parameters())
    return draw(
        cases(
            {"policy": st.just(policy), "parameter": st.just(parameter), "estimates": estimates},
            {"policy": bad_policies, "parameter": hostile_scalars(), "estimates": hostile_arrays()},
        )
    )


@fuzzes(bandit.choice_probabilities)
@given(choice_cases())
@regressions(
    [
        Case({"policy": "softmax", "parameter": 1.0, "estimates": [1.0, 2.0]}, "estimates"),
        Case({"policy": "epsilon-greedy", "parameter": 0.1, "estimates": None}, "estimates"),
        Case(
            {"policy": "softmax", "parameter": 10**400, "estimates": np.zeros((1, 2))}, "parameter"
        ),
    ]
)
def test_choice_probabilities(case):
    # The parameter is named for what it is: temperature or epsilon.
    bad = {"parameter": ("temperature", "epsilon")}.get(case.bad, case.bad)
    probs = call_contract(bandit.choice_probabilities, **case.kwargs, bad=bad)
    if case.bad is None:
        assert probs.shape == case.kwargs["estimates"].shape
        assert ((probs >= 0) & (probs <= 1)).all()
        np.testing.assert_allclose(probs.sum(axis=1), 1.0, atol=1e-12)


@st.composite
def draw_cases(draw):
    weights = draw(float_tables(st.floats(0, 1), max_rows=4, max_columns=6))
    weights[:, 0] += weights.sum(axis=1) == 0
    probs = weights / weights.sum(axis=1, keepdims=True)
    uniforms = np.array(
        draw(st.lists(st.floats(0, 1, exclude_max=True), min_size=len(probs), max_size=len(probs)))
    )
    return draw(
        cases(
            {"probs": st.just(probs), "uniforms": st.just(uniforms)},
            {"probs": hostile_arrays(), "uniforms": hostile_arrays()},
        )
    )


@fuzzes(bandit.draw_arms)
@given(draw_cases())
@regressions(
    [
        Case({"probs": np.ones((1, 1)), "uniforms": [0.5, 0.5]}, "uniforms"),
        Case({"probs": [[0.5, 0.5]], "uniforms": None}, "uniforms"),
        Case({"probs": [0.5, 0.5], "uniforms": [0.5]}, "probs"),
    ]
)
def test_draw_arms(case):
    arms = call_contract(bandit.draw_arms, **case.kwargs, bad=case.bad)
    if case.bad is None:
        probs = case.kwargs["probs"]
        assert arms.shape == (len(probs),)
        assert (probs[np.arange(len(probs)), arms] > 0).all()  # never an arm of probability 0


run_sizes = {
    "runs": st.integers(1, 20),
    "steps": st.integers(1, 20),
    "arms": st.integers(1, 10),
    "seed": st.integers(0, 2**64),
}
bad_sizes = {
    "runs": counts(bandit.MAX_RUNS),
    "steps": counts(bandit.MAX_STEPS),
    "arms": counts(bandit.MAX_ARMS),
    "seed": st.one_of(junk, st.integers(max_value=-1)),
}
#: Over MAX_WORK in product though each is within its own cap: "runs × steps × arms".
WORK = "runs × steps × arms"


def check_result(result, steps):
    assert result.average_reward.shape == result.optimal_share.shape == (steps,)
    assert ((result.optimal_share >= 0) & (result.optimal_share <= 1)).all()


@st.composite
def run_cases(draw):
    policy, parameter = draw(policy_parameters())
    return draw(
        cases(
            {"policy": st.just(policy), "parameter": st.just(parameter), **run_sizes},
            {"policy": bad_policies, "parameter": hostile_scalars(), **bad_sizes},
        )
    )


@fuzzes(bandit.run_bandit)
@given(run_cases())
@regressions(
    [
        Case(
            {
                "policy": "softmax",
                "parameter": 1.0,
                "runs": 5000,
                "steps": 5000,
                "arms": 3,
                "seed": 0,
            },
            "runs",
        )
    ]
)
def test_run_bandit(case):
    bad = {"parameter": ("temperature", "epsilon")}.get(case.bad, case.bad)
    result = call_contract(
        bandit.run_bandit,
        **case.kwargs,
        bad=bad and (*bad, WORK) if isinstance(bad, tuple) else bad and (bad, WORK),
    )
    if case.bad is None:
        check_result(result, case.kwargs["steps"])


parameter_lists = st.lists(st.floats(0, 1), max_size=3)


@fuzzes(bandit.compare)
@given(
    cases(
        {
            "temperatures": parameter_lists,
            "epsilons": parameter_lists,
            "runs": st.integers(1, 5),
            "steps": st.integers(1, 10),
            "arms": st.integers(1, 5),
            "seed": st.integers(0, 9),
        },
        {
            "temperatures": st.one_of(
                junk, hostile_arrays(), st.lists(hostile_scalars(), max_size=13)
            ),
            "epsilons": st.one_of(junk, hostile_arrays(), st.lists(hostile_scalars(), max_size=13)),
            **bad_sizes,
        },
    )
)
@regressions(
    [
        Case(
            {"temperatures": 1.0, "epsilons": [], "runs": 1, "steps": 1, "arms": 1, "seed": 0},
            "temperatures",
        ),
        Case(
            {"temperatures": [], "epsilons": None, "runs": 1, "steps": 1, "arms": 1, "seed": 0},
            "epsilons",
        ),
    ]
)
def test_compare(case):
    # A bad entry of temperatures is named "temperature", of epsilons "epsilon".
    bad = case.bad and (case.bad, case.bad.rstrip("s"), WORK)
    kwargs = case.kwargs
    if all(isinstance(v, list) and not v for v in (kwargs["temperatures"], kwargs["epsilons"])):
        bad = (*(bad or ()), "temperatures and epsilons")  # no policy at all: refused first
    results = call_contract(bandit.compare, **kwargs, bad=bad)
    if results is not None and case.bad is None:
        assert len(results) == len(kwargs["temperatures"]) + len(kwargs["epsilons"])
        for result in results:
            check_result(result, kwargs["steps"])


RESULTS = [
    bandit.run_bandit("softmax", 0.1, runs=3, steps=7, seed=1),
    bandit.run_bandit("epsilon-greedy", 0.1, runs=3, steps=7, seed=1),
    bandit.run_bandit("softmax", 1.0, runs=3, steps=9, seed=1),
]
result_lists = st.lists(st.sampled_from(RESULTS), min_size=1, max_size=3)
bad_results = st.one_of(junk, hostile_arrays(), st.lists(junk, min_size=1, max_size=2))


def window_cases():
    return cases(
        {"results": result_lists, "window": st.integers(1, 7)},
        {"results": bad_results, "window": counts(7)},
    )


@fuzzes(bandit.final_scores)
@given(window_cases())
@regressions(
    [
        Case({"results": [None], "window": 1}, "results"),
        Case({"results": 3, "window": 1}, "results"),
    ]
)
def test_final_scores(case):
    scores = call_contract(bandit.final_scores, **case.kwargs, bad=case.bad)
    if case.bad is None:
        results, window = case.kwargs["results"], case.kwargs["window"]
        for score, result in zip(scores, results, strict=True):
            assert score.final_reward == result.average_reward[-window:].mean()
            assert 0 <= score.final_optimal_share <= 1


@fuzzes(bandit.best)
@given(window_cases())
def test_best(case):
    winner = call_contract(bandit.best, **case.kwargs, bad=case.bad)
    if case.bad is None:
        rewards = [s.final_reward for s in bandit.final_scores(**case.kwargs)]
        assert winner.final_reward == max(rewards)


@fuzzes(bandit.explain)
@given(window_cases())
def test_explain(case):
    text = call_contract(bandit.explain, **case.kwargs, bad=case.bad)
    if case.bad is None:
        assert isinstance(text, str) and "nan" not in text.lower()


@fuzzes(bandit.expected_best_value)
@given(cases({"arms": st.sampled_from([1, 2, 10, 100])}, {"arms": counts(bandit.MAX_ARMS)}))
def test_expected_best_value(case):
    value = call_contract(bandit.expected_best_value, **case.kwargs, bad=case.bad)
    if case.bad is None:
        arms = case.kwargs["arms"]
        assert (value == 0 if arms == 1 else value > 0) or math.isclose(value, 0, abs_tol=1e-12)
        assert value < math.sqrt(2 * math.log(arms)) + 1e-9  # a classic upper bound


def test_every_public_function_has_a_fuzzer():
    assert unfuzzed(bandit) == []
