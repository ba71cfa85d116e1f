"""The bandit figures carry the curves and scores they are given, on titled axes."""

import numpy as np
import pytest

from explorer import bandit_charts as charts
from explorer.bandit import BanditResult, FinalScore


def result(policy, parameter, label, reward, share):
    return BanditResult(
        label=label,
        policy=policy,
        parameter=parameter,
        average_reward=np.asarray(reward, float),
        optimal_share=np.asarray(share, float),
        optimal_value=1.5,
        runs=20,
        seed=0,
        seconds=0.1,
    )


RESULTS = [
    result("softmax", 1.0, "softmax T = 1", [0.1, 0.4, 0.6], [0.1, 0.2, 0.3]),
    result("softmax", 0.1, "softmax T = 0.1", [0.2, 0.9, 1.3], [0.1, 0.5, 0.7]),
    result("epsilon-greedy", 0.1, "<i>ε-greedy</i> ε = 0.1", [0.0, 0.8, 1.2], [0.1, 0.6, 0.8]),
]


def score(policy, parameter, reward, share=0.5):
    return FinalScore(f"{policy} {parameter}", policy, parameter, reward, share, window=100)


def test_reward_curves_plot_each_policy_against_step_with_the_best_possible_line():
    fig = charts.reward_curves(RESULTS)
    assert [list(trace.y) for trace in fig.data] == [list(r.average_reward) for r in RESULTS]
    assert list(fig.data[0].x) == [1, 2, 3]  # steps count from 1
    assert fig.data[2].name == "&lt;i&gt;ε-greedy&lt;/i&gt; ε = 0.1"  # labels shown as typed
    assert [shape.y0 for shape in fig.layout.shapes] == [1.5]
    assert fig.layout.xaxis.title.text and fig.layout.yaxis.title.text
    assert "20 runs" in fig.layout.title.text


def test_softmax_lines_go_cold_to_hot_and_epsilon_greedy_is_dashed():
    fig = charts.optimal_share_curves(RESULTS)
    hot, cold, greedy = fig.data
    assert hot.line.dash == cold.line.dash == "solid" and greedy.line.dash == "dash"
    assert hot.line.color != cold.line.color
    assert list(cold.y) == [0.1, 0.5, 0.7]
    assert tuple(fig.layout.yaxis.range) == (0, 1) and fig.layout.yaxis.tickformat == ".0%"


def test_final_reward_against_temperature_stars_the_best_and_draws_references_flat():
    scores = [
        score("softmax", 0.5, 1.1),
        score("softmax", 0.01, 1.0),
        score("softmax", 0.1, 1.4),
        score("softmax", 0.0, 0.95),
        score("epsilon-greedy", 0.1, 1.3),
    ]
    fig = charts.final_reward_against_temperature(scores, best_possible=1.54)
    curve, *flat = fig.data
    assert list(curve.x) == [0.01, 0.1, 0.5]  # T = 0 cannot sit on a log axis
    assert list(curve.y) == [1.0, 1.4, 1.1]
    assert list(curve.marker.symbol) == ["circle", "star", "circle"]
    assert [list(trace.y) for trace in flat] == [[0.95, 0.95], [1.3, 1.3]]
    assert all(list(trace.x) == [0.01, 0.5] for trace in flat)  # across the swept range
    assert fig.layout.xaxis.type == "log"
    assert fig.layout.yaxis.title.text == "mean reward, last 100 steps"
    assert [shape.y0 for shape in fig.layout.shapes] == [pytest.approx(1.54)]
