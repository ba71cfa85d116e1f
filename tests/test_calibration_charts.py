"""The calibration figures carry the numbers they are given, on titled axes, readable as shown.

Oracle: the bins, confidences and curves built by hand in each test (no calibration maths).
"""

import numpy as np
import pytest

from explorer import calibration_charts as charts
from explorer.calibration import ReliabilityBins

NAN = np.nan


def bins(accuracy, confidence, counts):
    n = len(counts)
    return ReliabilityBins(
        edges=np.arange(n + 1) / n,
        counts=np.array(counts),
        accuracy=np.array(accuracy, dtype=float),
        confidence=np.array(confidence, dtype=float),
    )


BEFORE = bins([NAN, 0.5, 0.7, 0.8], [NAN, 0.45, 0.8, 0.95], [0, 4, 10, 86])
AFTER = bins([NAN, 0.5, 0.7, 0.8], [NAN, 0.48, 0.68, 0.81], [0, 4, 10, 86])


def test_reliability_diagram_shows_accuracy_bars_gaps_and_the_diagonal_in_two_panels():
    fig = charts.reliability_diagram(BEFORE, AFTER, after_temperature=1.72, title="<b>mine</b>.csv")
    accuracy, gap, diagonal = fig.data[:3]
    np.testing.assert_allclose(accuracy.x, [0.125, 0.375, 0.625, 0.875])
    # An empty bin has no bar: None (a gap), not NaN
    np.testing.assert_array_equal(np.asarray(accuracy.y, dtype=float), BEFORE.accuracy)
    assert accuracy.y[0] is None
    assert accuracy.width == 0.25
    # The gap runs from the accuracy to the mean confidence: above the bar when overconfident.
    np.testing.assert_allclose(np.asarray(gap.base, dtype=float)[1:], [0.5, 0.7, 0.8])
    np.testing.assert_allclose(np.asarray(gap.y[1:], dtype=float), [-0.05, 0.1, 0.15])
    assert list(diagonal.x) == [0, 1] and list(diagonal.y) == [0, 1]
    np.testing.assert_allclose(np.asarray(fig.data[3].y[1:], dtype=float), [0.5, 0.7, 0.8])
    assert fig.data[3].xaxis == "x2"
    # ECE by hand: 0.04 × 0.05 + 0.1 × 0.1 + 0.86 × 0.15 = 0.141; after: 0.0008 + 0.002 + 0.0086
    titles = [a.text for a in fig.layout.annotations]
    assert titles == ["Before (T = 1): ECE 14.1%", "After (T = 1.72): ECE 1.1%"]
    assert (
        fig.layout.xaxis.title.text
        == fig.layout.xaxis2.title.text
        == ("confidence (top probability)")
    )
    assert fig.layout.yaxis.title.text == "accuracy"
    assert fig.layout.title.text == "&lt;b&gt;mine&lt;/b&gt;.csv"  # user text shows as typed
    assert [trace.showlegend for trace in fig.data] == [True, True, True, False, False, False]


def test_confidence_histogram_bins_both_temperatures_and_marks_means_and_accuracy():
    before, after = np.array([0.99, 0.98, 0.6, 1.0]), np.array([0.9, 0.85, 0.55, 0.95])
    fig = charts.confidence_histogram(before, after, 10, after_temperature=2.0, accuracy=0.75)
    first, second = fig.data
    np.testing.assert_array_equal(first.x, before)
    np.testing.assert_array_equal(second.x, after)
    assert first.xbins.size == pytest.approx(0.1) and first.xbins.start == 0
    assert first.name == "top probability at T = 1 (mean 0.892, dashed)"
    assert second.name == "top probability at T = 2 (mean 0.812, dashed)"
    lines = [(shape.x0, shape.line.dash) for shape in fig.layout.shapes]
    assert lines == [(pytest.approx(0.8925), "dash"), (pytest.approx(0.8125), "dash"), (0.75, None)]
    assert fig.layout.annotations[0].text == "accuracy 75.0%"
    assert fig.layout.xaxis.title.text == "confidence (top probability)"
    assert fig.layout.yaxis.title.text == "number of examples"
    logged = charts.confidence_histogram(before, after, 10, log_counts=True)
    assert logged.layout.yaxis.type == "log"


def test_nll_against_temperature_marks_one_the_optimum_and_the_users_choice_on_a_log_axis():
    temps = np.array([0.5, 1.0, 1.7, 3.0, 6.0])
    nll = np.array([0.4, 0.2, 0.1, 0.15, 0.3])
    fig = charts.nll_against_temperature(temps, nll, 1.7, manual_temperature=3.0)
    curve, one, fitted, manual = fig.data
    np.testing.assert_array_equal(curve.x, temps)
    np.testing.assert_array_equal(curve.y, nll)
    assert (one.x[0], one.y[0]) == (1.0, 0.2)
    assert (fitted.x[0], fitted.y[0], fitted.marker.symbol) == (1.7, 0.1, "star")
    assert (manual.x[0], manual.y[0]) == (3.0, 0.15)
    assert fitted.name == "fitted T = 1.7" and manual.name == "your T = 3"
    assert [shape.x0 for shape in fig.layout.shapes] == [1.0, 1.7, 3.0]
    assert fig.layout.xaxis.type == "log"
    assert fig.layout.xaxis.title.text == "temperature T (log scale)"
    assert fig.layout.yaxis.title.text == "mean negative log-likelihood (nats)"
    assert curve.name == "mean NLL on the validation rows"
    # Without a manual T there is no third mark; a temperature off the grid snaps to the nearest.
    fig = charts.nll_against_temperature(temps, nll, 1.6)
    assert len(fig.data) == 3 and fig.data[2].x[0] == 1.7
