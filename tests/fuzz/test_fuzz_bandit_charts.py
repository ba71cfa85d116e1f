"""Fuzzing explorer.bandit_charts: the figures from real (tiny) bandit runs and from results built
by hand with a hostile field, or lists that are not lists of results (refused by name)."""

from __future__ import annotations

import functools
import math

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from explorer import bandit
from explorer import bandit_charts as module
from tests.fuzz.charts_common import VALID_PERCENT, bad_numbers
from tests.fuzz.hostile import call_contract, cases, corrupt_fields, fuzzes, junk, unfuzzed


@functools.cache
def runs() -> list:
    policies = [("softmax", 0.0), ("softmax", 0.1), ("softmax", 100.0), ("epsilon-greedy", 0.1)]
    policies += [("epsilon-greedy", 0.0), ("softmax", 1e-300)]
    return [
        bandit.run_bandit(policy, parameter, runs=2, steps=5, arms=3, seed=seed)
        for seed, (policy, parameter) in enumerate(policies)
    ]


subsets = st.lists(st.integers(0, 5), min_size=1, max_size=4, unique=True)
HOSTILE_RESULTS = st.one_of(
    junk,
    st.just([]),
    st.lists(
        st.one_of(junk, corrupt_fields(st.sampled_from(range(6)).map(lambda i: runs()[i]))),
        min_size=1,
        max_size=2,
    ),
)


@fuzzes(module.reward_curves, module.optimal_share_curves, slow=True)
@given(cases({"results": subsets}, {"results": HOSTILE_RESULTS}, VALID_PERCENT))
def test_reward_and_optimal_share_curves(case):
    results = case.kwargs["results"]
    if case.bad is None:
        results = [runs()[i] for i in results]
    for chart, values in (
        (module.reward_curves, "average_reward"),
        (module.optimal_share_curves, "optimal_share"),
    ):
        fig = call_contract(chart, results, bad=case.bad)
        if case.bad is None:
            assert [trace.y.tolist() for trace in fig.data] == [
                getattr(r, values).tolist() for r in results
            ]


@fuzzes(module.final_reward_against_temperature, slow=True)
@given(
    cases(
        {
            "scores": subsets.map(
                lambda chosen: bandit.final_scores([runs()[i] for i in chosen], 2)
            ),
            "best_possible": st.one_of(st.none(), st.floats(-10, 10)),
        },
        {
            "scores": st.one_of(
                junk,
                st.lists(
                    st.one_of(
                        junk,
                        corrupt_fields(
                            st.just(0).map(lambda _: bandit.final_scores(runs()[:1], 2)[0])
                        ),
                    ),
                    min_size=1,
                    max_size=2,
                ),
            ),
            "best_possible": bad_numbers(),
        },
        VALID_PERCENT,
    )
)
def test_final_reward_against_temperature(case):
    fig = call_contract(module.final_reward_against_temperature, **case.kwargs, bad=case.bad)
    if case.bad is None:
        scores = case.kwargs["scores"]
        on_axis = [s for s in scores if s.policy == "softmax" and s.parameter > 0]
        if on_axis:
            assert sorted(fig.data[0].x) == sorted(s.parameter for s in on_axis)
        assert len(fig.data) == (1 if on_axis else 0) + len(scores) - len(on_axis)
        assert all(math.isfinite(y) for trace in fig.data for y in np.asarray(trace.y, float))


def test_every_public_function_has_a_fuzzer():
    assert unfuzzed(module) == []
