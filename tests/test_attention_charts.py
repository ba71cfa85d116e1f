"""The attention figures carry the numbers they are given, on titled axes."""

import math

import numpy as np
import pytest

from explorer import attention_charts as charts
from explorer.attention import EntropyAgainstDimension, QueryWeights

RESULT = EntropyAgainstDimension(
    dimensions=np.array([1, 16, 256]),
    scaled_entropy=np.array([1.0, 0.98, 0.99]),
    unscaled_entropy=np.array([1.0, 0.5, 0.1]),
    scaled_max_weight=np.array([0.5, 0.52, 0.51]),
    unscaled_max_weight=np.array([0.5, 0.8, 0.97]),
    score_std=np.array([1.0, 4.0, 16.0]),
    keys=4,
    queries=10,
    uniform_entropy=math.log(4),
)


def test_entropy_chart_plots_scaled_and_unscaled_against_log_d_with_the_uniform_level():
    fig = charts.entropy_against_dimension(RESULT)
    scaled, unscaled = fig.data
    assert list(scaled.x) == [1, 16, 256] and list(scaled.y) == [1.0, 0.98, 0.99]
    assert list(unscaled.y) == [1.0, 0.5, 0.1]
    assert "√d" in scaled.name and "√d" not in unscaled.name
    assert fig.layout.xaxis.type == "log"
    assert fig.layout.yaxis.title.text == "entropy (nats)"
    assert [shape.y0 for shape in fig.layout.shapes] == [pytest.approx(math.log(4))]
    assert "ln 4" in fig.layout.annotations[0].text


def test_max_weight_chart_marks_the_uniform_weight():
    fig = charts.max_weight_against_dimension(RESULT)
    assert list(fig.data[1].y) == [0.5, 0.8, 0.97]
    assert [shape.y0 for shape in fig.layout.shapes] == [0.25]
    assert fig.layout.xaxis.title.text and fig.layout.yaxis.title.text == "largest weight"


def test_query_weights_are_side_by_side_bars_per_key():
    example = QueryWeights(
        dimension=64,
        scores=np.array([3.0, -1.0, 0.5]),
        scaled=np.array([0.5, 0.2, 0.3]),
        unscaled=np.array([0.98, 0.0, 0.02]),
    )
    fig = charts.query_weights(example)
    scaled, unscaled = fig.data
    assert list(scaled.x) == ["k1", "k2", "k3"]
    assert list(scaled.y) == [0.5, 0.2, 0.3] and list(unscaled.y) == [0.98, 0.0, 0.02]
    assert list(scaled.customdata) == [3.0, -1.0, 0.5]  # raw scores in the hover
    assert fig.layout.barmode == "group" and fig.layout.xaxis.type == "category"
    assert [shape.y0 for shape in fig.layout.shapes] == [pytest.approx(1 / 3)]
    assert "d = 64" in fig.layout.title.text
