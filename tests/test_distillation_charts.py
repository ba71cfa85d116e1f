"""The distillation figures carry the numbers they are given, on the axes they say."""

import numpy as np
import pytest
import scipy.special

from explorer import distillation_charts as charts
from explorer.distillation_demos import GradientNorms, SoftTargets
from explorer.distillation_experiment import ConfigSummary

LABELS = tuple(str(d) for d in range(4))


def soft_targets_example():
    v = np.array([6.0, 1.0, 3.0, 0.0])
    probs, probs_at_one = scipy.special.softmax(v / 4.0), scipy.special.softmax(v)  # oracle
    return SoftTargets(
        temperature=4.0,
        probs=probs,
        probs_at_one=probs_at_one,
        true_class=2,
        wrong_ranked=(0, 1, 3),
        wrong_mass=1 - probs[2],
        wrong_mass_at_one=1 - probs_at_one[2],
    )


def test_soft_targets_bars_show_both_temperatures_and_mark_the_true_class():
    soft = soft_targets_example()
    fig = charts.soft_targets_bars(LABELS, soft)
    at_one, at_t = fig.data
    np.testing.assert_allclose(at_one.y, soft.probs_at_one)
    np.testing.assert_allclose(at_t.y, soft.probs)
    assert "T = 4" in at_t.name and "T = 1" in at_one.name
    assert list(at_t.x) == list(LABELS) and fig.layout.xaxis.type == "category"
    [mark] = [a for a in fig.layout.annotations if a.text == "true class ▼"]
    assert mark.x == "2"
    assert f"{soft.wrong_mass:.1%}" in fig.layout.title.text
    assert fig.layout.yaxis.title.text == "probability" and fig.layout.xaxis.title.text == "class"


def test_soft_targets_bars_on_a_log_axis_reach_down_to_the_smallest_probability():
    soft = soft_targets_example()
    fig = charts.soft_targets_bars(LABELS, soft, log_scale=True)
    assert fig.layout.yaxis.type == "log"
    assert fig.layout.yaxis.range[0] < np.log10(soft.probs_at_one.min())


def test_gradient_chart_draws_both_curves_the_law_and_the_reference_lines():
    temps = np.array([1.0, 10.0, 100.0])
    unscaled = np.array([0.3, 0.01, 0.0001])
    norms = GradientNorms(temps, unscaled, unscaled * temps**2, 1.0, hard=0.7)
    fig = charts.gradient_norms_chart(norms, temperature=10.0)
    without, with_t2, law = fig.data
    np.testing.assert_allclose(without.y, unscaled)
    np.testing.assert_allclose(with_t2.y, [0.3, 1.0, 1.0])
    np.testing.assert_allclose(law.y, 1.0 / temps**2)
    assert "T²" in with_t2.name and "T²" not in without.name.replace("without", "")
    horizontal = sorted(s.y0 for s in fig.layout.shapes if s.y0 == s.y1)
    assert horizontal == [0.7, 1.0]  # hard-label level and the large-T limit
    assert [s.x0 for s in fig.layout.shapes if s.x0 == s.x1] == [10.0]
    assert fig.layout.xaxis.type == "log" and fig.layout.yaxis.type == "log"
    assert "temperature" in fig.layout.xaxis.title.text
    assert "gradient" in fig.layout.yaxis.title.text


def test_gradient_chart_without_a_hard_label_has_only_the_limit_line():
    norms = GradientNorms(
        np.array([1.0, 2.0]), np.array([0.2, 0.1]), np.array([0.2, 0.4]), 0.5, None
    )
    fig = charts.gradient_norms_chart(norms)
    assert [s.y0 for s in fig.layout.shapes] == [0.5]


def test_accuracy_bars_show_means_spreads_each_seed_and_the_teacher():
    summaries = [
        ConfigSummary("hard labels", None, 0.0, (0.80, 0.86), 0.83, 0.0424),
        ConfigSummary("KD T=<4>", 4.0, 0.9, (0.95, 0.96), 0.955, 0.0071),
    ]
    fig = charts.accuracy_bars(summaries, teacher_accuracy=0.9667)
    bars, dots = fig.data
    np.testing.assert_allclose(bars.y, [0.83, 0.955])
    np.testing.assert_allclose(bars.error_y.array, [0.0424, 0.0071])
    assert list(bars.x) == ["hard labels", "KD T=&lt;4&gt;"]  # labels reach plotly as plain text
    assert list(fig.layout.xaxis.ticktext) == [
        "hard labels<br>83.0% ± 4.2%",
        "KD T=&lt;4&gt;<br>95.5% ± 0.7%",
    ]
    assert list(bars.marker.color) == [charts.REFERENCE, charts.CURRENT]
    np.testing.assert_allclose(dots.y, [0.80, 0.86, 0.95, 0.96])
    assert list(dots.x) == ["hard labels"] * 2 + ["KD T=&lt;4&gt;"] * 2
    assert [s.y0 for s in fig.layout.shapes] == [pytest.approx(0.9667)]
    assert fig.layout.yaxis.title.text == "test accuracy"
    assert fig.layout.yaxis.range[0] <= 0.80 and fig.layout.yaxis.range[1] == 1.0
