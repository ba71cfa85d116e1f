"""Plotly figures for the bandit (exploration) lab: data in, ``go.Figure`` out. No Streamlit.

Softmax policies are solid lines coloured cold to hot (dark purple for the lowest temperature,
orange for the highest); ε-greedy ones, the reference, are dashed greys.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.colors import sample_colorscale

from explorer.bandit import BanditResult, FinalScore
from explorer.charts import CURRENT, LEGEND_ON_TOP, LIMIT, SECOND, plain
from explorer.checks import check_count, check_fields, check_number

_LARGEST = float(np.finfo(float).max)
MARGIN = dict(t=70, b=45, l=60, r=20)
CURVES_MARGIN = dict(t=120, b=45, l=60, r=20)  # room for the title above a two-row legend


def _ramp(scale: str, count: int, low: float, high: float) -> list[str]:
    """``count`` colours evenly spread over ``low`` … ``high`` of a plotly colour scale."""
    if count == 0:  # (sample_colorscale would give one colour for no points)
        return []
    return sample_colorscale(scale, list(np.linspace(low, high, count)) if count > 1 else [low])


def _line_styles(results: Sequence[BanditResult]) -> list[dict]:
    """Softmax: solid, cold (purple) to hot (orange) by temperature rank; ε-greedy: dashed grey."""
    softmax_order = sorted((r.parameter, i) for i, r in enumerate(results) if r.policy == "softmax")
    greedy_order = sorted((r.parameter, i) for i, r in enumerate(results) if r.policy != "softmax")
    styles: list[dict] = [{} for _ in results]
    for color, (_, i) in zip(
        _ramp("Plasma", len(softmax_order), 0.0, 0.8), softmax_order, strict=True
    ):
        styles[i] = dict(color=color, width=2, dash="solid")
    for color, (_, i) in zip(
        _ramp("Greys", len(greedy_order), 0.45, 0.95), greedy_order, strict=True
    ):
        styles[i] = dict(color=color, width=2, dash="dash")
    return styles


def _check_results(results: Sequence[BanditResult]) -> None:
    if isinstance(results, str) or not isinstance(results, Sequence):
        raise TypeError(f"results must be a list of BanditResult, got {type(results).__name__}")
    if not results:
        raise ValueError("results is empty: give at least one policy's result")
    for result in results:
        check_fields(result, BanditResult, "results")
        check_count(result.runs, "results.runs", 10**9)


def _curves(results: Sequence[BanditResult], values: str, hover: str) -> go.Figure:
    _check_results(results)
    fig = go.Figure()
    for result, style in zip(results, _line_styles(results), strict=True):
        y = getattr(result, values)
        fig.add_trace(
            go.Scatter(
                x=np.arange(1, len(y) + 1),
                y=y,
                name=plain([result.label])[0],
                mode="lines",
                line=style,
                hovertemplate=f"step %{{x}}: {hover}<extra>%{{fullData.name}}</extra>",
            )
        )
    fig.update_xaxes(title_text="step (pulls so far)")
    fig.update_layout(legend=LEGEND_ON_TOP, margin=CURVES_MARGIN, height=460)
    return fig


def reward_curves(results: Sequence[BanditResult]) -> go.Figure:
    """Average reward per step for each policy (S&B Fig. 2.2, top), and the best possible.

    The dotted line is the mean value of each run's best arm: what always pulling it would earn.
    """
    fig = _curves(results, "average_reward", "reward %{y:.3f}")
    best_possible = results[0].optimal_value
    fig.add_hline(
        y=best_possible,
        line_dash="dot",
        line_color=LIMIT,
        annotation_text=f"best arm every time: {best_possible:.2f}",
        annotation_position="bottom right",
    )
    fig.update_yaxes(title_text="average reward (over runs)")
    fig.update_layout(title_text=f"Average reward per step, {results[0].runs:,} runs")
    return fig


def optimal_share_curves(results: Sequence[BanditResult]) -> go.Figure:
    """Share of runs that pulled their best arm, per step (S&B Fig. 2.2, bottom), 0 … 100%."""
    fig = _curves(results, "optimal_share", "%{y:.1%} best arm")
    fig.update_yaxes(title_text="best arm pulled (share of runs)", tickformat=".0%", range=[0, 1])
    fig.update_layout(title_text=f"How often the best arm is pulled, {results[0].runs:,} runs")
    return fig


def final_reward_against_temperature(
    scores: Sequence[FinalScore], best_possible: float | None = None
) -> go.Figure:
    """Final-window mean reward against softmax temperature (log axis): too cold and too hot lose.

    Softmax scores with ``T > 0`` are joined by a line; the best of them is starred. Softmax at
    ``T = 0`` (greedy) and every ε-greedy policy are horizontal dashed lines for reference, and
    ``best_possible`` (optional) a dotted one.
    """
    if isinstance(scores, str) or not isinstance(scores, Sequence):
        raise TypeError(f"scores must be a list of FinalScore, got {type(scores).__name__}")
    for score in scores:
        check_fields(score, FinalScore, "scores")
    if best_possible is not None:
        best_possible = check_number(best_possible, "best_possible", -_LARGEST, _LARGEST)
    on_axis = sorted(
        (s for s in scores if s.policy == "softmax" and s.parameter > 0), key=lambda s: s.parameter
    )
    flat = [s for s in scores if s not in on_axis]
    fig = go.Figure()
    if on_axis:
        rewards = [s.final_reward for s in on_axis]
        top = int(np.argmax(rewards))
        fig.add_trace(
            go.Scatter(
                x=[s.parameter for s in on_axis],
                y=rewards,
                customdata=[s.final_optimal_share for s in on_axis],
                name="softmax at temperature T",
                mode="lines+markers",
                line=dict(color=CURRENT, width=2),
                marker=dict(
                    size=[18 if i == top else 9 for i in range(len(on_axis))],
                    symbol=["star" if i == top else "circle" for i in range(len(on_axis))],
                ),
                hovertemplate="T = %{x:g}: reward %{y:.3f}, best arm %{customdata:.0%}"
                "<extra></extra>",
            )
        )
    span = [on_axis[0].parameter, on_axis[-1].parameter] if on_axis else [0.1, 1.0]
    for score, color in zip(flat, _ramp("Greys", len(flat), 0.45, 0.95), strict=True):
        fig.add_trace(
            go.Scatter(
                x=span,
                y=[score.final_reward] * 2,
                name=f"{plain([score.label])[0]}: {score.final_reward:.2f}",
                mode="lines",
                line=dict(color=color, width=1.5, dash="dash"),
                hovertemplate=f"{score.final_optimal_share:.0%} best arm<extra></extra>",
            )
        )
    if best_possible is not None:
        fig.add_hline(
            y=best_possible,
            line_dash="dot",
            line_color=SECOND,
            annotation_text=f"best arm every time: {best_possible:.2f}",
            annotation_position="bottom right",
        )
    window = scores[0].window if scores else 0
    fig.update_xaxes(type="log", title_text="softmax temperature T (log scale)")
    fig.update_yaxes(title_text=f"mean reward, last {window} steps")
    fig.update_layout(
        title_text="Final reward against temperature: the best T is neither cold nor hot",
        legend=LEGEND_ON_TOP,
        margin=MARGIN,
        height=420,
    )
    return fig
