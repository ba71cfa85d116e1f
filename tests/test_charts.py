"""The figures carry the right numbers: checked against scipy, not against the app's own maths."""

import dataclasses
import math

import numpy as np
import plotly.graph_objects as go
import pytest
import scipy.special
import scipy.stats

from explorer import charts
from explorer.temperature import compare, summarize, sweep_frames, temperature_curves

LOGITS, LABELS = np.array([2.0, 1.0, 0.1]), ("A", "B", "C")


def oracle(logits, temperature):
    return scipy.special.softmax(np.asarray(logits, float) / temperature)


def hline_values(fig):
    return [shape.y0 for shape in fig.layout.shapes if shape.y0 == shape.y1]


def test_probability_bars_show_current_and_reference_with_uniform_line():
    probs, reference = oracle(LOGITS, 0.5), oracle(LOGITS, 1)
    fig = charts.probability_bars(LABELS, probs, 0.5, 3, reference)
    ref_trace, current = fig.data
    np.testing.assert_allclose(current.y, probs)
    np.testing.assert_allclose(ref_trace.y, reference)
    assert current.name == "T = 0.5" and list(current.x) == list(LABELS)
    assert list(current.text) == [f"{p:.3f}" for p in probs]  # values readable on the bars
    assert hline_values(fig) == [pytest.approx(1 / 3)]
    assert tuple(fig.layout.yaxis.range) == (0, 1.12)  # fixed axis: bars visibly move with T


@pytest.mark.parametrize("n_finite", [1, 3, 50_000])
def test_uniform_line_is_what_plotlys_add_hline_draws(n_finite):
    # Oracle: plotly's own helper, which the hand-written shape replaces for speed.
    reference = go.Figure(go.Bar(x=["a"], y=[1.0]))
    reference.add_hline(
        y=1 / n_finite,
        line_dash="dot",
        line_color=charts.LIMIT,
        annotation_text=f"uniform 1/{n_finite}",
        annotation_position="top right",
    )
    ours = charts.probability_bars(["a"], np.array([1.0]), 1.0, n_finite)
    assert ours.layout.shapes == reference.layout.shapes
    assert ours.layout.annotations == reference.layout.annotations


def test_probability_bars_without_reference_and_with_a_masked_class():
    fig = charts.probability_bars(("a", "b", "c"), np.array([0.5, 0.5, 0.0]), math.inf, 2)
    assert len(fig.data) == 1 and fig.data[0].name == "T = ∞"
    assert hline_values(fig) == [0.5]


def test_curves_figure_draws_each_class_limits_and_current_temperature():
    curves = temperature_curves(LOGITS)
    fig = charts.temperature_curves(curves, LABELS, 0.7)
    lines = [trace for trace in fig.data if trace.mode == "lines"]
    assert [trace.name for trace in lines] == [*LABELS, "entropy (nats)"]
    for i, trace in enumerate(lines[:3]):
        k = 120
        assert trace.y[k] == pytest.approx(oracle(LOGITS, trace.x[k])[i], rel=1e-9)
    markers = [trace for trace in fig.data if trace.mode == "markers"]
    left = [m.y[0] for m in markers if m.x[0] == pytest.approx(0.01)]
    right = [m.y[0] for m in markers if m.x[0] == pytest.approx(100)]
    assert left == [1.0, 0.0, 0.0] and right == pytest.approx([1 / 3] * 3)
    vertical = [shape for shape in fig.layout.shapes if shape.x0 == shape.x1]
    assert vertical and vertical[0].x0 == 0.7
    assert fig.layout.xaxis.type == "log" and fig.layout.xaxis2.type == "log"


def helper_built_curves_layout(curves, temperature):
    """The curves figure's panels and lines as plotly's own helpers lay them out (the oracle
    for the hand-written layout, which exists because these helpers cost ~20 ms a call)."""
    from plotly.subplots import make_subplots

    fig = make_subplots(
        rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.08, row_heights=[0.62, 0.38]
    )
    empty_too = dict(exclude_empty_subplots=False)  # this figure has no traces
    fig.add_hline(
        y=curves.max_entropy, line_dash="dot", line_color=charts.LIMIT, row=2, col=1, **empty_too
    )
    fig.add_vline(
        x=temperature, line_color=charts.CURRENT, line_width=2, line_dash="dash", **empty_too
    )
    fig.update_xaxes(type="log")
    return fig.layout


@pytest.mark.parametrize("temperature", [0.7, 0.01, 100.0])
def test_curves_layout_matches_plotlys_subplot_helpers(temperature):
    curves = temperature_curves(LOGITS)
    ours = charts.temperature_curves(curves, LABELS, temperature).layout
    reference = helper_built_curves_layout(curves, temperature)
    for axis in ("xaxis", "yaxis", "xaxis2", "yaxis2"):
        mine, theirs = ours[axis], reference[axis]
        assert mine.anchor == theirs.anchor and mine.type == theirs.type, axis
        np.testing.assert_allclose(mine.domain, theirs.domain, rtol=1e-12, err_msg=axis)
    assert ours.xaxis.matches == reference.xaxis.matches == "x2"
    assert ours.xaxis.showticklabels is False  # only the bottom panel labels T
    keys = ("type", "xref", "yref", "x0", "x1", "y0", "y1")
    assert [[s[k] for k in keys] for s in ours.shapes] == [
        [s[k] for k in keys] for s in reference.shapes
    ]
    assert [s.line.to_plotly_json() for s in ours.shapes] == [
        s.line.to_plotly_json() for s in reference.shapes
    ]


@pytest.mark.parametrize(("temperature", "marked_at"), [(0, 0.01), (1e5, 100)])
def test_curves_mark_temperatures_outside_the_range_at_the_edge(temperature, marked_at):
    fig = charts.temperature_curves(temperature_curves(LOGITS), LABELS, temperature)
    vertical = [shape for shape in fig.layout.shapes if shape.x0 == shape.x1]
    assert vertical[0].x0 == pytest.approx(marked_at)


@pytest.mark.parametrize("temperature", [0.3, 1.0, 4.0, math.inf])
def test_log_probabilities_lie_on_a_line_of_slope_one_over_t(temperature):
    logits = np.array([3.0, -1.0, 0.5, -math.inf])
    finite = np.isfinite(logits)
    log_probs = np.full(len(logits), -math.inf)
    log_probs[finite] = scipy.special.log_softmax(logits[finite] / temperature)
    fig = charts.log_probability_lines(logits, ("a", "b", "c", "d"), [(temperature, log_probs)])
    line, points = fig.data
    slope = (line.y[1] - line.y[0]) / (line.x[1] - line.x[0])
    assert slope == pytest.approx(1 / temperature, abs=1e-12)
    np.testing.assert_allclose(points.x, [3.0, -1.0, 0.5])  # the masked class is left out
    on_line = line.y[0] + slope * (points.x - line.x[0])
    np.testing.assert_allclose(points.y, on_line, atol=1e-9)
    assert list(points.text) == ["a", "b", "c"]


def test_comparison_bars():
    fig = charts.comparison_bars(LABELS, compare(LOGITS, 0.5, 3.0), 0.5, 3.0)
    np.testing.assert_allclose(fig.data[0].y, oracle(LOGITS, 0.5))
    np.testing.assert_allclose(fig.data[1].y, oracle(LOGITS, 3.0))
    assert [t.name for t in fig.data] == ["T = 0.5", "T = 3"]


def test_sweep_animation_plays_in_the_browser_at_30_fps():
    temps = np.array([0.1, 1.0, 10.0])
    probs = np.stack([oracle(LOGITS, t) for t in temps])
    fig = charts.sweep_animation(LABELS, temps, probs, [summarize(p) for p in probs], 3)
    assert [frame.name for frame in fig.frames] == ["0.1", "1", "10"]
    for frame, temperature, expected in zip(fig.frames, temps, probs, strict=True):
        # Each frame moves the bars and the title line, each onto its trace of the figure.
        pairs = zip(frame.traces, frame.data, strict=True)
        moved = {fig.data[index].type: trace for index, trace in pairs}
        assert sorted(moved) == ["bar", "scatter"] and frame.layout.to_plotly_json() == {}
        np.testing.assert_allclose(moved["bar"].y, expected)
        assert moved["scatter"].text == (
            f"T = {temperature:g}   entropy {scipy.stats.entropy(expected):.3f} nats   "
            f"top probability {expected.max():.3f}",
        )
    title = fig.data[0]  # a text trace on hidden axes of their own, above the plot
    assert title.mode == "text" and (title.xaxis, title.yaxis) == ("x2", "y2")
    assert fig.layout.xaxis2.visible is False and fig.layout.yaxis2.overlaying == "y"
    assert fig.layout.title.text is None  # nothing a frame would leave stale
    play = fig.layout.updatemenus[0].buttons[0].args[1]["frame"]
    # Plotly starts a frame at the first display refresh more than `duration` whole ms after
    # the last: between one 60 Hz refresh and two (less a ms) it takes every second, 30 fps.
    assert 1000 / 60 < play["duration"] < 1000 / 30 - 1
    assert play["redraw"] is False  # a full redraw per frame took longer than a frame
    steps = fig.layout.sliders[0].steps
    assert [list(step.args[0]) for step in steps] == [["0.1"], ["1"], ["10"]]
    assert not any(step.args[1]["frame"]["redraw"] for step in steps)


def test_palette_is_okabe_ito():
    assert charts.class_color(0) == "#0072B2" and charts.class_color(8) == charts.class_color(0)


@pytest.mark.parametrize(("temperature", "label_at"), [(1.0, 1.0), (0.3, 0.3), (0, 0.01)])
def test_curves_label_the_current_temperature_once_at_its_line(temperature, label_at):
    # Regression: add_vline's label sat at 10**T on the log axis (at T ≈ 10 for T = 1), twice.
    fig = charts.temperature_curves(temperature_curves(LOGITS), LABELS, temperature)
    labels = [a for a in fig.layout.annotations if a.text.startswith("T = ")]
    assert len(labels) == 1 and labels[0].text == f"T = {temperature:g}"
    assert labels[0].x == pytest.approx(math.log10(label_at))  # log axes place labels in log10


def test_labels_reach_plotly_as_plain_text():
    # Plotly reads <b>, <a href=…> in text as markup; escaped, labels show exactly as typed.
    hostile = ("<b>x</b>", "<a href='javascript:alert(1)'>y</a>", "%{y}")
    probs = oracle([1.0, 2.0, 3.0], 1)
    fig = charts.probability_bars(hostile, probs, 1.0, 3)
    assert list(fig.data[0].x) == [
        "&lt;b&gt;x&lt;/b&gt;",
        "&lt;a href='javascript:alert(1)'&gt;y&lt;/a&gt;",
        "%{y}",
    ]
    curves = charts.temperature_curves(temperature_curves([1.0, 2.0, 3.0]), hostile, 1.0)
    assert "&lt;b&gt;x&lt;/b&gt;" in [trace.name for trace in curves.data]
    assert not any("<b>" in (trace.hovertemplate or "") for trace in curves.data)


def test_temperature_curves_refuses_curves_that_do_not_fit_the_labels():
    curves = temperature_curves(LOGITS)
    with pytest.raises(ValueError, match=r"curves\.probs .*labels"):
        charts.temperature_curves(curves, LABELS[:2], 1.0)  # was an IndexError for 4 labels
    with pytest.raises(TypeError, match="curves must be a Curves"):
        charts.temperature_curves(None, LABELS, 1.0)  # was AttributeError
    with pytest.raises(ValueError, match=r"curves\.temperatures"):
        bad = dataclasses.replace(curves, temperatures=np.r_[0.0, curves.temperatures[1:]])
        charts.temperature_curves(bad, LABELS, 1.0)  # log10(0): "math domain error"
    with pytest.raises(ValueError, match="temperature must be ≥ 0"):
        charts.temperature_curves(curves, LABELS, math.nan)


def test_sweep_animation_refuses_frames_that_do_not_fit_together():
    temps, probs, summaries = sweep_frames(LOGITS, 3)
    good = dict(labels=LABELS, temperatures=temps, probs=probs, summaries=summaries, n_finite=3)
    assert len(charts.sweep_animation(**good).frames) == 3
    for change, said in [
        (dict(temperatures=[]), "temperatures must hold 1 to"),  # was IndexError
        (dict(temperatures=np.ones(charts.MAX_FRAMES + 1)), "temperatures must hold 1 to"),
        (dict(probs=probs[:2]), "probs must have a row per entry of temperatures"),
        (dict(probs=np.array([])), "probs must have"),
        (dict(summaries=None), "summaries must be a list"),
        (dict(summaries=summaries[:2]), "summaries must have one Summary per entry"),
        (dict(n_finite=4), "n_finite must be from 1 to 3"),
        (dict(labels=[]), "labels is empty"),
    ]:
        with pytest.raises((TypeError, ValueError), match=said):
            charts.sweep_animation(**(good | change))
