"""Plotly figures for calibration by temperature scaling: data in, ``go.Figure`` out.

No Streamlit, no maths beyond presentation. Large fonts and thick lines: these are shown on
projectors. Text from users (a file name in a title) goes through :func:`explorer.charts.plain`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from explorer.calibration import ReliabilityBins
from explorer.charts import CURRENT, LEGEND_ON_TOP, LIMIT, REFERENCE, SECOND, plain
from explorer.checks import check_count, check_fields, check_number, check_texts, check_vector

_LARGEST = float(np.finfo(float).max)
FONT = dict(size=16)
MARGIN = dict(t=70, b=60, l=70, r=20)
GAP = "rgba(213, 94, 0, 0.35)"  # SECOND, see-through: the gap over (or under) each bar


def _title(title: str | None) -> dict:
    if title is not None and not isinstance(title, str):
        raise TypeError(f"title must be a text or None, got {type(title).__name__}")
    return dict(text=plain([title])[0], x=0, xanchor="left") if title else {}


def _check_bins(bins: ReliabilityBins, name: str) -> ReliabilityBins:
    """Bins as reliability_bins makes them: NaN accuracy and confidence only in empty bins."""
    check_fields(bins, ReliabilityBins, name, nan=("accuracy", "confidence"))
    n = bins.counts.size
    if not (bins.edges.shape == (n + 1,) and bins.accuracy.shape == bins.confidence.shape == (n,)):
        raise ValueError(f"{name} must have n + 1 edges and n counts, accuracies, confidences")
    if n == 0 or not (np.diff(bins.edges) > 0).all() or not (bins.counts >= 0).all():
        raise ValueError(f"{name} must have increasing edges and counts ≥ 0")
    if bins.counts.sum() == 0:
        raise ValueError(f"{name} holds no examples")
    empty = bins.counts == 0
    if (np.isnan(bins.accuracy) | np.isnan(bins.confidence))[~empty].any():
        raise ValueError(f"{name} has NaN in a bin that is not empty")
    return bins


def _or_none(values: np.ndarray, empty: np.ndarray) -> list:
    """The values, None (a gap: no bar) where a bin is empty."""
    return [None if gap else float(v) for v, gap in zip(values, empty, strict=True)]


def _panel(fig: go.Figure, bins: ReliabilityBins, col: int) -> None:
    """Accuracy bars, the gap up (or down) to the mean confidence, and the diagonal."""
    centres = 0.5 * (bins.edges[:-1] + bins.edges[1:])
    width = float(bins.edges[1] - bins.edges[0])
    empty = bins.counts == 0
    hover = [
        f"confidence {lo:.2f}–{hi:.2f}: {n:,} examples"
        for lo, hi, n in zip(bins.edges[:-1], bins.edges[1:], bins.counts, strict=True)
    ]
    first = col == 1
    fig.add_trace(
        go.Bar(
            x=centres,
            y=_or_none(bins.accuracy, empty),
            width=width,
            name="accuracy in the bin",
            legendgroup="accuracy",
            showlegend=first,
            marker=dict(color=CURRENT, line=dict(color="white", width=1)),
            customdata=hover,
            hovertemplate="%{customdata}<br>accuracy %{y:.3f}<extra></extra>",
        ),
        row=1,
        col=col,
    )
    fig.add_trace(
        go.Bar(
            x=centres,
            y=_or_none(bins.confidence - bins.accuracy, empty),
            base=_or_none(bins.accuracy, empty),
            width=width,
            name="gap to the mean confidence",
            legendgroup="gap",
            showlegend=first,
            marker=dict(color=GAP, line=dict(color=SECOND, width=2)),
            customdata=_or_none(bins.confidence, empty),
            hovertemplate="mean confidence %{customdata:.3f}<extra></extra>",
        ),
        row=1,
        col=col,
    )
    fig.add_trace(
        go.Scatter(
            x=[0, 1],
            y=[0, 1],
            mode="lines",
            name="perfect calibration",
            legendgroup="diagonal",
            showlegend=first,
            line=dict(color=LIMIT, width=3, dash="dash"),
            hoverinfo="skip",
        ),
        row=1,
        col=col,
    )


def reliability_diagram(
    before: ReliabilityBins,
    after: ReliabilityBins,
    before_temperature: float = 1.0,
    after_temperature: float | None = None,
    title: str | None = None,
) -> go.Figure:
    """Reliability diagrams before and after scaling, side by side, with their ECE.

    Each panel: accuracy per confidence bin as bars (empty bins have none), the gap between
    accuracy and the bin's mean confidence shaded above (overconfident) or below it, and the
    diagonal of perfect calibration.
    """
    _check_bins(before, "before"), _check_bins(after, "after")
    before_temperature = check_number(before_temperature, "before_temperature", low=0)
    if after_temperature is not None:
        after_temperature = check_number(after_temperature, "after_temperature", low=0)
    after_name = "fitted T" if after_temperature is None else f"T = {after_temperature:.3g}"
    fig = make_subplots(
        rows=1,
        cols=2,
        shared_yaxes=True,
        horizontal_spacing=0.06,
        subplot_titles=(
            f"Before (T = {before_temperature:.3g}): ECE {100 * before.ece:.1f}%",
            f"After ({after_name}): ECE {100 * after.ece:.1f}%",
        ),
    )
    for col, bins in ((1, before), (2, after)):
        _panel(fig, bins, col)
        fig.update_xaxes(
            title_text="confidence (top probability)", range=[0, 1], dtick=0.2, row=1, col=col
        )
    fig.update_yaxes(title_text="accuracy", range=[0, 1.02], dtick=0.2, row=1, col=1)
    fig.update_annotations(font=dict(size=18))  # the panel titles
    fig.update_layout(
        title=_title(title),
        barmode="overlay",
        bargap=0,
        font=FONT,
        legend=dict(LEGEND_ON_TOP, y=-0.22, yanchor="top"),
        height=520,
        margin=dict(MARGIN, b=110),
    )
    return fig


def confidence_histogram(
    conf_before: Sequence[float],
    conf_after: Sequence[float],
    n_bins: int,
    before_temperature: float = 1.0,
    after_temperature: float | None = None,
    accuracy: float | None = None,
    log_counts: bool = False,
    title: str | None = None,
) -> go.Figure:
    """How many examples get each confidence, before and after scaling, with the means marked.

    Bars of width 1 / ``n_bins`` on [0, 1], the two temperatures side by side; a dashed line at
    each mean confidence (its value in the legend) and, if given, a solid black line at the
    accuracy. A model whose mean confidence sits right of its accuracy is overconfident.
    ``log_counts`` puts the counts on a log axis, to see the few examples of low confidence.
    """
    conf_before, conf_after = (
        _nonempty(check_vector(values, name, low=0, high=1), name)
        for values, name in ((conf_before, "conf_before"), (conf_after, "conf_after"))
    )
    n_bins = check_count(n_bins, "n_bins", 1000)
    before_temperature = check_number(before_temperature, "before_temperature", low=0)
    if after_temperature is not None:
        after_temperature = check_number(after_temperature, "after_temperature", low=0)
    if accuracy is not None:
        accuracy = check_number(accuracy, "accuracy", 0, 1)
    after_name = "fitted T" if after_temperature is None else f"T = {after_temperature:.3g}"
    fig = go.Figure()
    series = (
        (conf_before, f"T = {before_temperature:.3g}", REFERENCE),
        (conf_after, after_name, CURRENT),
    )
    for values, name, color in series:
        values = np.asarray(values, dtype=float)
        mean = float(np.mean(values))
        fig.add_trace(
            go.Histogram(
                x=values,
                xbins=dict(start=0, end=1, size=1 / n_bins),
                name=f"top probability at {name} (mean {mean:.3f}, dashed)",
                marker_color=color,
                hovertemplate="confidence %{x}: %{y:,} examples<extra>" + name + "</extra>",
            )
        )
        fig.add_vline(x=mean, line=dict(color=color, width=3, dash="dash"))
    if accuracy is not None:
        fig.add_vline(
            x=accuracy,
            line=dict(color="#000000", width=3),
            annotation_text=f"accuracy {100 * accuracy:.1f}%",
            annotation_position="top left",
        )
    fig.update_xaxes(title_text="confidence (top probability)", range=[0, 1.0001], dtick=0.1)
    fig.update_yaxes(
        title_text="number of examples" + (" (log scale)" if log_counts else ""),
        type="log" if log_counts else "linear",
    )
    fig.update_layout(
        title=_title(title),
        barmode="group",
        bargap=0.1,
        font=FONT,
        legend=LEGEND_ON_TOP,
        height=420,
        margin=MARGIN,
    )
    return fig


def _nonempty(values: np.ndarray, name: str) -> np.ndarray:
    if values.size == 0:
        raise ValueError(f"{name} is empty")
    return values


def _nearest(temperatures: np.ndarray, temperature: float) -> int:
    """Index of the plotted temperature nearest ``temperature`` on the log axis."""
    return int(np.argmin(np.abs(np.log(temperatures) - np.log(temperature))))


def nll_against_temperature(
    temperatures: Sequence[float],
    nll: Sequence[float],
    fitted_temperature: float,
    manual_temperature: float | None = None,
    split: str = "validation",
    title: str | None = None,
) -> go.Figure:
    """The mean NLL against T on a log axis, the fitted T (its minimum) and T = 1 marked.

    ``manual_temperature``, if given, is marked too. Markers sit on the plotted point nearest
    each temperature (exactly on it when the curve includes it, as :func:`calibrate`'s does).
    """
    temps = _nonempty(
        check_vector(temperatures, "temperatures", low=5e-324, high=_LARGEST), "temperatures"
    )
    values = check_vector(nll, "nll", length=temps.size, low=0, high=_LARGEST)
    fitted_temperature = check_number(fitted_temperature, "fitted_temperature", 5e-324, _LARGEST)
    if manual_temperature is not None:
        manual_temperature = check_number(
            manual_temperature, "manual_temperature", 5e-324, _LARGEST
        )
    check_texts([split], "split")
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=temps,
            y=values,
            mode="lines",
            name=f"mean NLL on the {plain([split])[0]} rows",
            line=dict(color=LIMIT, width=3),
            hovertemplate="T = %{x:.3g}: NLL %{y:.4f} nats<extra></extra>",
        )
    )
    marks = [(1.0, "T = 1 (the model as trained)", REFERENCE, "circle")]
    marks.append((fitted_temperature, f"fitted T = {fitted_temperature:.3g}", CURRENT, "star"))
    if manual_temperature is not None:
        marks.append((manual_temperature, f"your T = {manual_temperature:.3g}", SECOND, "diamond"))
    for temperature, name, color, symbol in marks:
        i = _nearest(temps, temperature)
        fig.add_trace(
            go.Scatter(
                x=[temps[i]],
                y=[values[i]],
                mode="markers",
                name=name,
                marker=dict(color=color, symbol=symbol, size=18, line=dict(color="white", width=1)),
                hovertemplate=name + ": NLL %{y:.4f} nats<extra></extra>",
            )
        )
        fig.add_vline(x=temps[i], line=dict(color=color, width=2, dash="dot"))
    fig.update_xaxes(type="log", title_text="temperature T (log scale)")
    fig.update_yaxes(title_text="mean negative log-likelihood (nats)")
    fig.update_layout(
        title=_title(title), font=FONT, legend=LEGEND_ON_TOP, height=420, margin=MARGIN
    )
    return fig
