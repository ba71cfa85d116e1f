"""Plotly figures for knowledge distillation: data in, ``go.Figure`` out. No Streamlit, no maths."""

from __future__ import annotations

import math
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
    format_share,
    format_temperature,
    plain,
)
from explorer.checks import check_count, check_fields, check_number, check_vector
from explorer.distillation import MAX_TEMPERATURE, MIN_TEMPERATURE
from explorer.distillation_demos import GradientNorms, SoftTargets
from explorer.distillation_experiment import ConfigSummary

_LARGEST = float(np.finfo(float).max)
MARGIN = dict(t=60, b=50, l=65, r=20)


def soft_targets_bars(
    labels: Sequence[str], soft: SoftTargets, *, log_scale: bool = False
) -> go.Figure:
    """The teacher's soft targets at T beside its T = 1 probabilities; the true class marked.

    ``log_scale`` shows the probability on a log axis, where the wrong classes' tiny T = 1
    probabilities (the dark knowledge a T = 1 student cannot see) become visible.
    """
    check_fields(soft, SoftTargets, "soft")
    names = plain(labels)
    check_count(soft.true_class, "soft.true_class", len(names) - 1, low=0)
    for mass, name in (
        (soft.wrong_mass, "soft.wrong_mass"),
        (soft.wrong_mass_at_one, "soft.wrong_mass_at_one"),
    ):
        check_number(mass, name, 0, 1)
    check_number(soft.temperature, "soft.temperature", low=0)
    temperature = format_temperature(soft.temperature)
    fig = go.Figure()
    reference = bar_trace(labels, soft.probs_at_one, "T = 1 (the teacher's prediction)", REFERENCE)
    reference.update(text=None)  # ten pairs of numbers would overlap: the T bars carry theirs
    fig.add_trace(reference)
    fig.add_trace(bar_trace(labels, soft.probs, f"soft targets at T = {temperature}", CURRENT))
    fig.add_annotation(
        x=names[soft.true_class],
        y=1.0,
        yref="paper",
        yanchor="bottom",
        text="true class ▼",
        showarrow=False,
        font=dict(color=SECOND),
    )
    fig.update_layout(
        title_text=(
            f"Soft targets: wrong classes get {soft.wrong_mass:.1%} at T = {temperature}, "
            f"{format_share(soft.wrong_mass_at_one)} at T = 1"
        ),
        barmode="group",
        legend=LEGEND_ON_TOP | dict(y=1.08),
        margin=MARGIN | dict(t=90),
        height=400,
    )
    fig.update_xaxes(type="category", title_text="class")  # "0", "1" are names, not numbers
    if log_scale:
        floor = max(float(np.min(np.r_[soft.probs, soft.probs_at_one])), 1e-12)
        fig.update_yaxes(
            type="log", range=[np.log10(floor) - 0.5, 0.3], title_text="probability (log scale)"
        )
    else:
        fig.update_yaxes(PROBABILITY_AXIS)
    return fig


def _law(limit: float, temperatures: np.ndarray) -> np.ndarray:
    """limit / T²; beyond the float range, inf (drawn off the chart), not a warning."""
    with np.errstate(over="ignore"):
        return limit / temperatures**2


def gradient_norms_chart(norms: GradientNorms, temperature: float | None = None) -> go.Figure:
    """Size of the soft loss's gradient against T, with and without the T² factor, log–log.

    Without T² the gradient falls like 1/T²; with it, it levels off at the closed-form large-T
    limit. The hard-label loss's gradient (at T = 1, the same at every T) is the level the soft
    term is meant to stay comparable with. ``temperature`` marks the current T. A level of 0 (a
    student equal to its teacher) has no place on the log axis, and is not drawn.
    """
    check_fields(norms, GradientNorms, "norms")
    temps = check_vector(
        norms.temperatures, "norms.temperatures", low=MIN_TEMPERATURE, high=MAX_TEMPERATURE
    )
    if temps.size == 0:
        raise ValueError("norms.temperatures is empty")
    if temperature is not None:
        temperature = check_number(temperature, "temperature", MIN_TEMPERATURE, MAX_TEMPERATURE)
    check_number(norms.scaled_limit, "norms.scaled_limit", 0, _LARGEST)
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=temps,
            y=norms.unscaled,
            name="KL alone: ‖∂KL/∂z‖",
            mode="lines",
            line=dict(color=SECOND, width=2.5),
            hovertemplate="T = %{x:.3g}: %{y:.3g}<extra>without T²</extra>",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=temps,
            y=norms.scaled,
            name="T² × KL: ‖∂(T² KL)/∂z‖",
            mode="lines",
            line=dict(color=CURRENT, width=2.5),
            hovertemplate="T = %{x:.3g}: %{y:.3g}<extra>with T²</extra>",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=temps,
            y=_law(norms.scaled_limit, temps),
            name="large-T law: limit / T²",
            mode="lines",
            line=dict(color=LIMIT, width=1.5, dash="dot"),
            hoverinfo="skip",
        )
    )
    levels = [
        (norms.scaled_limit, "dash", LIMIT, "large-T limit ‖(z − z̄) − (v − v̄)‖ / N", "bottom"),
    ]
    if norms.hard is not None:
        levels.append((norms.hard, "dashdot", REFERENCE, "hard-label loss at T = 1", "top"))
    for level, dash, color, text, side in levels:
        if not 0 < level < math.inf:  # 0: nothing to draw on a log axis
            continue
        fig.add_hline(y=level, line_dash=dash, line_color=color)
        # On a log axis plotly places annotations in log10 units (add_hline's own would not).
        fig.add_annotation(
            x=1.0,
            xref="paper",
            xanchor="right",
            y=math.log10(level),
            yanchor=side,
            text=f"{text}: {level:.3g}",
            showarrow=False,
            font=dict(color=LIMIT),
        )
    if temperature is not None:
        fig.add_vline(x=temperature, line_color=CURRENT, line_dash="dash", line_width=1.5)
        fig.add_annotation(
            x=math.log10(temperature),
            y=0.0,
            yref="paper",
            yanchor="bottom",
            xanchor="left",
            text=f" T = {format_temperature(temperature)}",
            showarrow=False,
            font=dict(color=CURRENT),
        )
    fig.update_xaxes(type="log", title_text="temperature T (log scale)")
    fig.update_yaxes(type="log", title_text="gradient norm w.r.t. student logits (log scale)")
    fig.update_layout(
        title=dict(text="Why the soft loss is multiplied by T²", y=0.98, yanchor="top"),
        legend=LEGEND_ON_TOP | dict(y=1.02),  # between the plot and the title, never over it
        margin=MARGIN | dict(t=120),
        height=420,
    )
    return fig


def accuracy_bars(summaries: Sequence[ConfigSummary], teacher_accuracy: float) -> go.Figure:
    """Each student's test accuracy (mean over seeds, ± one standard deviation, and each seed as a
    dot) with the teacher's accuracy as a reference line.
    """
    if isinstance(summaries, str) or not isinstance(summaries, Sequence) or not summaries:
        raise TypeError("summaries must be a non-empty list of ConfigSummary")
    for summary in summaries:
        check_fields(summary, ConfigSummary, "summaries")
        check_vector(summary.accuracies, "summaries.accuracies", low=0, high=1)
        check_number(summary.mean, "summaries.mean", 0, 1)
        check_number(summary.std, "summaries.std", 0, 1)
    teacher_accuracy = check_number(teacher_accuracy, "teacher_accuracy", 0, 1)
    labels = plain([summary.label for summary in summaries])
    means = np.array([summary.mean for summary in summaries])
    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            x=labels,
            y=means,
            name="student, mean over seeds (± 1 s.d.)",
            marker_color=[REFERENCE if s.temperature is None else CURRENT for s in summaries],
            error_y=dict(
                type="data",
                array=[summary.std for summary in summaries],
                color="#333333",
                thickness=1.5,
            ),
            hovertemplate="%{x}: %{y:.2%}<extra>mean</extra>",
        )
    )
    dots_x = [label for label, s in zip(labels, summaries, strict=True) for _ in s.accuracies]
    dots_y = [accuracy for s in summaries for accuracy in s.accuracies]
    fig.add_trace(
        go.Scatter(
            x=dots_x,
            y=dots_y,
            name="one seed",
            mode="markers",
            marker=dict(color="#000000", size=6, opacity=0.6),
            hovertemplate="%{x}: %{y:.2%}<extra>one seed</extra>",
        )
    )
    fig.add_hline(
        y=teacher_accuracy,
        line_dash="dash",
        line_color=SECOND,
        annotation_text=f"teacher {teacher_accuracy:.1%}",
        annotation_position="top left",
    )
    low = min([teacher_accuracy, *dots_y])
    # The numbers go under the bars: the axis starts above 0, and above a bar sit its error bar
    # and dots.
    fig.update_xaxes(
        type="category",
        title_text="how the student was trained",
        tickvals=labels,
        ticktext=[
            f"{label}<br>{s.mean:.1%} ± {s.std:.1%}"
            for label, s in zip(labels, summaries, strict=True)
        ],
    )
    fig.update_yaxes(title_text="test accuracy", tickformat=".0%", range=[max(0.0, low - 0.1), 1.0])
    fig.update_layout(
        title_text="Student accuracy on the test images",
        legend=LEGEND_ON_TOP | dict(y=1.06),
        margin=MARGIN | dict(t=90),
        height=420,
    )
    return fig
