"""The Sampling lab's figures carry the numbers they are given, and show removed entries."""

import numpy as np
import pytest

from explorer import sampling_charts as charts

LABELS = ("A", "B", "<b>C</b>")
PROBS = np.array([0.5, 0.3, 0.2])


def test_histogram_shows_frequencies_with_intervals_and_exact_marks():
    freqs, low, high = (
        np.array([0.52, 0.28, 0.2]),
        np.array([0.5, 0.26, 0.18]),
        np.array([0.54, 0.3, 0.22]),
    )
    fig = charts.histogram_vs_exact(LABELS, PROBS, freqs, low, high, 1000)
    bars, exact = fig.data
    np.testing.assert_allclose(bars.y, freqs)
    np.testing.assert_allclose(bars.error_y.array, high - freqs)
    np.testing.assert_allclose(bars.error_y.arrayminus, freqs - low)
    np.testing.assert_allclose(exact.y, PROBS)
    assert list(bars.x)[2] == "&lt;b&gt;C&lt;/b&gt;"  # labels reach plotly as plain text


def test_convergence_is_log_log():
    ns = np.array([10, 100, 1000])
    fig = charts.convergence(ns, np.array([0.1, 0.03, 0.01]), 0.3 / np.sqrt(ns))
    assert fig.layout.xaxis.type == "log" and fig.layout.yaxis.type == "log"
    np.testing.assert_allclose(fig.data[1].y, 0.3 / np.sqrt(ns))


def test_cumulative_bar_stacks_to_one_and_marks_u():
    fig = charts.cumulative_bar(LABELS, PROBS, 0.61, drawn=1)
    assert fig.layout.barmode == "stack"
    assert sum(trace.x[0] for trace in fig.data) == pytest.approx(1)
    assert [trace.marker.opacity for trace in fig.data] == [0.45, 1.0, 0.45]
    assert fig.layout.shapes[0].x0 == 0.61


def test_gumbel_race_highlights_the_winner():
    scaled, noise = np.array([1.0, 0.5, -np.inf]), np.array([0.2, 1.1, 3.0])
    fig = charts.gumbel_race(LABELS, scaled, noise, winner=1)
    totals = fig.data[2]
    np.testing.assert_allclose(totals.y[:2], [1.2, 1.6])
    assert totals.y[2] is None  # a masked class takes no part in the race (a gap, not NaN)
    assert list(totals.marker.symbol) == ["circle", "star", "circle"]


def test_decoding_stages_grey_and_strike_removed_entries():
    alive = [np.array([True, True, True]), np.array([True, True, False])]
    probs = [PROBS, np.array([0.625, 0.375, 0.0])]
    fig = charts.decoding_stages(LABELS, ["temperature", "top-k = 2"], probs, alive)
    last = fig.data[1]
    assert list(last.text) == ["0.625", "0.375", "removed"]
    assert list(last.marker.pattern.shape) == ["", "", "/"]
    assert last.marker.color[2] == charts.REMOVED
    assert [a.text for a in fig.layout.annotations] == ["temperature", "top-k = 2"]
