"""Plotly figures for attention as a temperature: data in, ``go.Figure`` out. No Streamlit."""

from __future__ import annotations

import math

import plotly.graph_objects as go

from explorer.attention import EntropyAgainstDimension, QueryWeights
from explorer.charts import CURRENT, LEGEND_ON_TOP, LIMIT, PROBABILITY_AXIS, SECOND
from explorer.checks import check_count, check_fields, check_number, check_vector

MARGIN = dict(t=70, b=45, l=60, r=20)
SCALED_NAME, UNSCALED_NAME = "scaled: softmax(q·k / √d)", "unscaled: softmax(q·k)"


def _against_dimension(
    result: EntropyAgainstDimension, scaled, unscaled, hover: str, title: str
) -> go.Figure:
    fig = go.Figure()
    for name, values, color in ((SCALED_NAME, scaled, CURRENT), (UNSCALED_NAME, unscaled, SECOND)):
        fig.add_trace(
            go.Scatter(
                x=result.dimensions,
                y=values,
                name=name,
                mode="lines+markers",
                line=dict(color=color, width=2.5),
                hovertemplate=f"d = %{{x}}: {hover}<extra>%{{fullData.name}}</extra>",
            )
        )
    fig.update_xaxes(type="log", title_text="dimension d of queries and keys (log scale)")
    fig.update_layout(
        title_text=f"{title} ({result.queries:,} random queries, {result.keys} keys each)",
        legend=LEGEND_ON_TOP,
        margin=MARGIN,
        height=400,
    )
    return fig


def _check_result(result: EntropyAgainstDimension) -> None:
    check_fields(result, EntropyAgainstDimension, "result")
    check_count(result.keys, "result.keys", 10**6)
    check_count(result.queries, "result.queries", 10**9)
    if not (result.dimensions > 0).all():
        raise ValueError("result.dimensions must be above 0 (a log axis)")
    most = math.log(result.keys) * (1 + 1e-12)  # the entropy of uniform weights
    check_number(result.uniform_entropy, "result.uniform_entropy", 0, most)
    for name, high in (
        ("scaled_entropy", most),
        ("unscaled_entropy", most),
        ("scaled_max_weight", 1),
        ("unscaled_max_weight", 1),
    ):
        check_vector(getattr(result, name), f"result.{name}", low=0, high=high)


def entropy_against_dimension(result: EntropyAgainstDimension) -> go.Figure:
    """Mean entropy of the attention weights against d, scaled and unscaled, with ln(keys).

    The dotted line is the uniform weights' entropy ln(keys), the most there can be; 0 is
    one-hot.
    """
    _check_result(result)
    fig = _against_dimension(
        result,
        result.scaled_entropy,
        result.unscaled_entropy,
        "%{y:.3f} nats",
        "Mean entropy of the attention weights",
    )
    fig.add_hline(
        y=result.uniform_entropy,
        line_dash="dot",
        line_color=LIMIT,
        annotation_text=f"uniform: ln {result.keys} = {result.uniform_entropy:.2f} nats",
        annotation_position="bottom left",
    )
    fig.update_yaxes(title_text="entropy (nats)", range=[0, 1.08 * result.uniform_entropy])
    return fig


def max_weight_against_dimension(result: EntropyAgainstDimension) -> go.Figure:
    """Mean largest attention weight against d, scaled and unscaled: 1 is one-hot."""
    _check_result(result)
    fig = _against_dimension(
        result,
        result.scaled_max_weight,
        result.unscaled_max_weight,
        "largest weight %{y:.3f}",
        "Mean largest attention weight",
    )
    fig.add_hline(
        y=1 / result.keys,
        line_dash="dot",
        line_color=LIMIT,
        annotation_text=f"uniform: 1/{result.keys}",
        annotation_position="top left",
    )
    fig.update_yaxes(title_text="largest weight", range=[0, 1.05], tickformat=".1f")
    return fig


def query_weights(example: QueryWeights) -> go.Figure:
    """One query's attention weights over its keys at one d: scaled beside unscaled (bars)."""
    check_fields(example, QueryWeights, "example")
    if example.scaled.ndim != 1 or example.scaled.size == 0:
        raise ValueError("example.scaled must hold one weight per key")
    labels = [f"k{j + 1}" for j in range(len(example.scaled))]
    fig = go.Figure()
    for name, weights, color in (
        (SCALED_NAME, example.scaled, CURRENT),
        (UNSCALED_NAME, example.unscaled, SECOND),
    ):
        fig.add_trace(
            go.Bar(
                x=labels,
                y=weights,
                customdata=example.scores,
                name=name,
                marker_color=color,
                hovertemplate="%{x}: weight %{y:.4f}, q·k = %{customdata:.2f}"
                "<extra>%{fullData.name}</extra>",
            )
        )
    fig.add_hline(
        y=1 / len(labels),
        line_dash="dot",
        line_color=LIMIT,
        annotation_text=f"uniform 1/{len(labels)}",
        annotation_position="top right",
    )
    fig.update_xaxes(type="category", title_text="key")
    fig.update_layout(
        title_text=f"One query's attention weights at d = {example.dimension:,}",
        barmode="group",
        yaxis=PROBABILITY_AXIS | dict(title="attention weight"),
        legend=LEGEND_ON_TOP,
        margin=MARGIN,
        height=400,
    )
    return fig
