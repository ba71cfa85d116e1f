"""Plotly figures for the Sampling lab: data in, ``go.Figure`` out. No Streamlit, no maths."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from explorer.charts import (
    CURRENT,
    LEGEND_ON_TOP,
    LIMIT,
    PROBABILITY_AXIS,
    REFERENCE,
    SECOND,
    bar_trace,
    class_color,
    format_temperature,
    plain,
)
from explorer.checks import check_count, check_number, check_texts, check_vector, real_array
from explorer.sampling import MAX_DRAWS

REMOVED = "#D9D9D9"
MARGIN = dict(t=40, b=40, l=55, r=20)


def histogram_vs_exact(
    labels: Sequence[str],
    probs: np.ndarray,
    frequencies: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    draws: int,
) -> go.Figure:
    """Empirical frequencies (bars, with 95% intervals) against the exact probabilities."""
    x = plain(labels)
    probs, frequencies, lower, upper = (
        check_vector(values, name, length=len(x), low=0, high=1)
        for values, name in (
            (probs, "probs"),
            (frequencies, "frequencies"),
            (lower, "lower"),
            (upper, "upper"),
        )
    )
    draws = check_count(draws, "draws", MAX_DRAWS)
    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            x=x,
            y=frequencies,
            name=f"frequency in {draws:,} draws",
            marker_color=CURRENT,
            error_y=dict(
                type="data",
                symmetric=False,
                array=upper - frequencies,
                arrayminus=frequencies - lower,
                color="#333333",
                thickness=1.5,
            ),
            hovertemplate="%{x}: %{y:.4f}<extra>frequency</extra>",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=x,
            y=probs,
            name="exact probability",
            mode="markers",
            marker=dict(symbol="line-ew", size=44, line=dict(width=3, color=SECOND)),
            hovertemplate="%{x}: %{y:.4f}<extra>exact</extra>",
        )
    )
    fig.update_layout(yaxis=PROBABILITY_AXIS, legend=LEGEND_ON_TOP, margin=MARGIN, height=380)
    fig.update_xaxes(type="category")  # labels such as "0", "1" are names, not numbers
    return fig


def convergence(ns: np.ndarray, distances: np.ndarray, expected: np.ndarray) -> go.Figure:
    """Total-variation distance against the number of draws, log–log, beside the 1/√N law."""
    ns = check_vector(ns, "ns", low=1)
    if ns.size == 0:
        raise ValueError("ns is empty: give at least one number of draws")
    distances = check_vector(distances, "distances", length=ns.size, low=0, high=1)
    expected = check_vector(expected, "expected", length=ns.size, low=0, high=1)
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=ns,
            y=distances,
            name="TV(frequencies, exact)",
            mode="lines+markers",
            line=dict(color=CURRENT, width=2),
            marker=dict(size=5),
            hovertemplate="N = %{x:,}: TV %{y:.4g}<extra></extra>",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=ns,
            y=expected,
            name="expected ∝ 1/√N",
            mode="lines",
            line=dict(color=LIMIT, width=2, dash="dash"),
            hoverinfo="skip",
        )
    )
    fig.update_xaxes(type="log", title_text="number of draws N (log scale)")
    fig.update_yaxes(type="log", title_text="total-variation distance (log scale)")
    fig.update_layout(legend=LEGEND_ON_TOP, margin=MARGIN, height=360)
    return fig


def cumulative_bar(labels: Sequence[str], probs: np.ndarray, u: float, drawn: int) -> go.Figure:
    """The interval [0, 1) cut into one piece per class; the uniform draw u picks a piece."""
    probs = check_vector(probs, "probs", length=len(plain(labels)), low=0, high=1)
    u = check_number(u, "u", 0, 1)
    drawn = check_count(drawn, "drawn", len(probs) - 1, low=0)
    fig = go.Figure()
    for i, (label, p) in enumerate(zip(plain(labels), probs, strict=True)):
        fig.add_trace(
            go.Bar(
                x=[p],
                y=["draw"],
                orientation="h",
                name=label,
                marker=dict(
                    color=class_color(i),
                    line=dict(color="white", width=1),
                    opacity=1.0 if i == drawn else 0.45,
                ),
                text=[label if p > 0.04 else ""],
                textposition="inside",
                insidetextanchor="middle",
                hovertemplate="%{fullData.name}: %{x:.4f}<extra></extra>",
            )
        )
    fig.add_vline(
        x=u,
        line_color="#000000",
        line_width=3,
        annotation_text=f"u = {u:.3f}",
        annotation_position="top",
    )
    fig.update_layout(
        barmode="stack",
        showlegend=False,
        height=170,
        margin=dict(t=40, b=40, l=55, r=20),
        xaxis=dict(range=[0, 1], title="cumulative probability"),
        yaxis=dict(visible=False),
    )
    return fig


def gumbel_race(
    labels: Sequence[str], scaled: np.ndarray, noise: np.ndarray, winner: int
) -> go.Figure:
    """(z − max z)/T plus Gumbel noise per class: the highest total wins (argmax), starred.

    Subtracting the max is a common shift: it moves every total equally and changes no winner.
    """
    x = plain(labels)
    scaled = check_vector(scaled, "scaled", length=len(x))  # -inf: a masked class
    if np.isposinf(scaled).any():
        raise ValueError("scaled must be numbers or -inf (a masked class), not +inf")
    noise = check_vector(noise, "noise", length=len(x))
    if not np.isfinite(noise).all():
        raise ValueError("noise must be finite numbers")
    winner = check_count(winner, "winner", len(x) - 1, low=0)
    finite = np.isfinite(scaled)
    fig = go.Figure()
    fig.add_trace(
        go.Bar(x=x, y=np.where(finite, scaled, 0), name="(z − max z) / T", marker_color=REFERENCE)
    )
    fig.add_trace(
        go.Bar(x=x, y=np.where(finite, noise, 0), name="Gumbel noise", marker_color=CURRENT)
    )
    # A masked class has no total: None leaves a gap (NaN would too, but is not a number).
    totals = [float(s + n) if f else None for s, n, f in zip(scaled, noise, finite, strict=True)]
    fig.add_trace(
        go.Scatter(
            x=x,
            y=totals,
            name="total",
            mode="markers",
            marker=dict(
                size=[22 if i == winner else 11 for i in range(len(x))],
                color=SECOND,
                symbol=["star" if i == winner else "circle" for i in range(len(x))],
            ),
            hovertemplate="%{x}: %{y:.3f}<extra>total</extra>",
        )
    )
    fig.update_layout(
        barmode="relative", legend=LEGEND_ON_TOP, margin=MARGIN, height=380, yaxis_title="score"
    )
    fig.update_xaxes(type="category")  # labels such as "0", "1" are names, not numbers
    return fig


def relaxed_samples(labels: Sequence[str], samples: np.ndarray, tau: float) -> go.Figure:
    """A few Gumbel-softmax samples (rows sum to 1): near one-hot for small τ."""
    names = plain(labels)
    samples = real_array(samples, "samples")
    if samples.ndim != 2 or samples.shape[1] != len(names) or not 1 <= len(samples) <= 50:
        raise ValueError(f"samples must be 1 to 50 rows of {len(names)} weights, one per label")
    if not ((samples >= 0) & (samples <= 1)).all():  # NaN fails too
        raise ValueError("samples must be weights from 0 to 1")
    tau = check_number(tau, "tau", low=0)
    fig = go.Figure(
        go.Heatmap(
            z=samples,
            x=plain(labels),
            y=[f"sample {k + 1}" for k in range(len(samples))],
            zmin=0,
            zmax=1,
            colorscale="Blues",
            colorbar=dict(title="weight"),
            text=np.round(samples, 2),
            texttemplate="%{text}",
            hovertemplate="%{y}, %{x}: %{z:.4f}<extra></extra>",
        )
    )
    fig.update_layout(
        title_text=f"Gumbel-softmax samples at τ = {tau:g}",
        margin=MARGIN,
        height=80 + 34 * len(samples),
        yaxis=dict(autorange="reversed"),
    )
    fig.update_xaxes(type="category")  # labels such as "0", "1" are names, not numbers
    return fig


def decoding_stages(
    labels: Sequence[str],
    stage_names: Sequence[str],
    stage_probs: Sequence[np.ndarray],
    stage_alive: Sequence[np.ndarray],
) -> go.Figure:
    """One row per pipeline stage: surviving entries in colour, removed ones grey and struck."""
    from plotly.subplots import make_subplots

    n = len(plain(labels))
    stage_names = check_texts(stage_names, "stage_names")
    check_count(len(stage_names), "the number of stages", 10)
    for values, name in ((stage_probs, "stage_probs"), (stage_alive, "stage_alive")):
        if not isinstance(values, Sequence) or isinstance(values, str):
            raise TypeError(f"{name} must be a list with one entry per stage name")
        if len(values) != len(stage_names):
            raise ValueError(f"{name} must have one entry per stage name")
    stage_probs = [check_vector(p, "stage_probs", length=n, low=0, high=1) for p in stage_probs]
    stage_alive = [check_vector(a, "stage_alive", length=n, low=0, high=1) > 0 for a in stage_alive]
    rows = len(stage_names)
    fig = make_subplots(
        rows=rows,
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.05,
        subplot_titles=list(stage_names),
    )
    x = plain(labels)
    for row, (probs, alive) in enumerate(zip(stage_probs, stage_alive, strict=True), start=1):
        fig.add_trace(
            go.Bar(
                x=x,
                y=np.where(alive, probs, 0.02),  # a stub keeps removed entries visible
                marker=dict(
                    color=[CURRENT if a else REMOVED for a in alive],
                    pattern=dict(shape=["" if a else "/" for a in alive]),
                ),
                text=[f"{p:.3f}" if a else "removed" for p, a in zip(probs, alive, strict=True)],
                textposition="outside",
                cliponaxis=False,
                showlegend=False,
                hovertemplate="%{x}: %{text}<extra></extra>",
            ),
            row=row,
            col=1,
        )
        fig.update_yaxes(range=[0, 1.15], tickformat=".1f", row=row, col=1)
    fig.update_layout(height=150 + 170 * rows, margin=MARGIN, bargap=0.25)
    fig.update_xaxes(type="category")  # labels such as "0", "1" are names, not numbers
    return fig


def final_vs_temperature_only(
    labels: Sequence[str], final: np.ndarray, temperature_only: np.ndarray, temperature: float
) -> go.Figure:
    """The distribution after the filters beside the one temperature alone gives."""
    fig = go.Figure()
    fig.add_trace(
        bar_trace(
            labels,
            temperature_only,
            f"temperature only (T = {format_temperature(temperature)})",
            REFERENCE,
        )
    )
    fig.add_trace(bar_trace(labels, final, "after the filters: what is sampled", CURRENT))
    fig.update_layout(
        barmode="group", yaxis=PROBABILITY_AXIS, legend=LEGEND_ON_TOP, margin=MARGIN, height=360
    )
    fig.update_xaxes(type="category")  # labels such as "0", "1" are names, not numbers
    return fig
