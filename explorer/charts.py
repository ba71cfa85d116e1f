"""Plotly figures for the Explorer: data in, ``go.Figure`` out. No Streamlit, no maths."""

from __future__ import annotations

import html
import math
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from explorer.checks import (
    check_count,
    check_fields,
    check_number,
    check_texts,
    check_vector,
    check_whole,
    real_array,
)
from explorer.figure_parts import hline, hline_label, subplot_layout, vline
from explorer.temperature import Comparison, Curves, Summary

# Okabe–Ito: distinguishable with every common form of colour blindness.
PALETTE = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#D55E00",
    "#CC79A7",
    "#56B4E9",
    "#F0E442",
    "#000000",
)
CURRENT, REFERENCE, SECOND, LIMIT = "#0072B2", "#B8B8B8", "#D55E00", "#555555"
_LARGEST = float(np.finfo(float).max)
#: Most frames :func:`sweep_animation` builds (the Explorer's sweep has 81): each is a bar trace
#: the browser is sent, so more would only be slower to build and to load.
MAX_FRAMES = 1000
PROBABILITY_AXIS = dict(range=[0, 1.12], title="probability", tickformat=".1f")
LEGEND_ON_TOP = dict(orientation="h", y=1.02, yanchor="bottom", x=0)


def plain(labels: Sequence[str]) -> list[str]:
    """User labels as plotly text that shows exactly as typed.

    Plotly reads <b>, <a href=…> and the like in labels as markup; escaped, they show as typed.
    """
    return [html.escape(label, quote=False) for label in check_texts(labels, "labels")]


def class_color(index: int) -> str:
    return PALETTE[check_whole(index, "index") % len(PALETTE)]


def class_dash(index: int) -> str:
    """Solid lines for the first len(PALETTE) classes, dashed for the next (colours repeat)."""
    return ("solid", "dash", "dot")[check_whole(index, "index") // len(PALETTE) % 3]


def format_share(probability: float) -> str:
    """A probability as a percentage; tiny ones in scientific notation rather than 0.00%."""
    probability = check_number(probability, "probability", 0, 1)
    return (
        f"{probability:.2%}"
        if probability >= 1e-4 or probability == 0
        else f"{probability * 100:.1e}%"
    )


def format_temperature(temperature: float) -> str:
    temperature = check_number(temperature, "temperature", low=0)
    return "∞" if math.isinf(temperature) else f"{temperature:g}"


def bar_trace(labels: Sequence[str], probs: np.ndarray, name: str, color: str, **style) -> go.Bar:
    """Bars of ``probs`` (each in [0, 1], one per label), their values printed above them."""
    x = plain(labels)
    probs = check_vector(probs, "probs", length=len(x), low=0, high=1)
    check_texts([name, color], "name and color")
    return go.Bar(
        x=x,
        y=probs,
        name=name,
        marker_color=color,
        text=[f"{p:.3f}" for p in probs],
        textposition="outside",
        cliponaxis=False,
        hovertemplate="%{x}: %{y:.6g}<extra>" + name + "</extra>",
        **style,
    )


def _uniform_line(fig: go.Figure, n_finite: int) -> None:
    """The dotted 1/n level across the plot, labelled at its right end (as ``add_hline`` would
    draw it, without its ~15 ms: the bars are redrawn on every rerun)."""
    level = 1 / n_finite
    fig.layout.shapes += (hline(level, LIMIT, dash="dot"),)
    fig.layout.annotations += (hline_label(level, f"uniform 1/{n_finite}"),)


def _bar_layout(fig: go.Figure, height: int = 380) -> go.Figure:
    fig.update_layout(
        barmode="group",
        xaxis_type="category",  # labels such as "0", "1" are names, not numbers
        yaxis=PROBABILITY_AXIS,
        legend=LEGEND_ON_TOP,
        margin=dict(t=30, b=30, l=55, r=20),
        height=height,
    )
    return fig


def probability_bars(
    labels: Sequence[str],
    probs: np.ndarray,
    temperature: float,
    n_finite: int,
    reference: np.ndarray | None = None,
    zoom: bool = False,
) -> go.Figure:
    """Bars of q at the current T, grey T = 1 bars beside them, and the uniform 1/n level.

    The probability axis is fixed at 0 … 1 so that bars visibly move with T; ``zoom`` fits it
    to the tallest bar instead (for many small probabilities).
    """
    n_finite = check_count(n_finite, "n_finite", 10**9)  # how many classes are not masked
    fig = go.Figure()
    if reference is not None:
        fig.add_trace(bar_trace(labels, reference, "T = 1 (for comparison)", REFERENCE))
    fig.add_trace(bar_trace(labels, probs, f"T = {format_temperature(temperature)}", CURRENT))
    _uniform_line(fig, n_finite)
    _bar_layout(fig)
    if zoom:
        top = max(float(np.max(probs)), 0.0 if reference is None else float(np.max(reference)))
        fig.update_yaxes(range=[0, 1.25 * top], tickformat=".2f")
    return fig


def comparison_bars(
    labels: Sequence[str],
    comparison: Comparison,
    temperature_a: float,
    temperature_b: float,
) -> go.Figure:
    """The same logits at two temperatures, side by side."""
    check_fields(comparison, Comparison, "comparison")
    for name in ("probs_a", "probs_b"):
        if not abs(float(np.sum(getattr(comparison, name))) - 1) <= 1e-6:
            raise ValueError(f"comparison.{name} must be probabilities summing to 1")
    temperature_a = check_number(temperature_a, "temperature_a", low=0)
    temperature_b = check_number(temperature_b, "temperature_b", low=0)
    fig = go.Figure()
    fig.add_trace(bar_trace(labels, comparison.probs_a, f"T = {temperature_a:g}", CURRENT))
    fig.add_trace(bar_trace(labels, comparison.probs_b, f"T = {temperature_b:g}", SECOND))
    _uniform_line(fig, int(np.count_nonzero(comparison.probs_a + comparison.probs_b > 0)))
    return _bar_layout(fig)


def _some_labels(labels: Sequence[str]) -> list[str]:
    """``labels`` as a list of at least one text, or an error naming them."""
    labels = check_texts(labels, "labels")
    if not labels:
        raise ValueError("labels is empty: give one label per class")
    return labels


def _check_curves(curves: Curves, n: int) -> Curves:
    """``curves`` as :func:`explorer.temperature.temperature_curves` makes them for ``n``
    classes: finite temperatures > 0 (a log axis), rows of probabilities, entropies ≥ 0, no NaN
    anywhere; TypeError / ValueError naming ``curves.<field>`` otherwise. O(size), a few µs."""
    check_fields(curves, Curves, "curves")
    temps = check_vector(curves.temperatures, "curves.temperatures", low=5e-324, high=_LARGEST)
    if temps.size == 0:
        raise ValueError("curves.temperatures is empty: give at least one temperature")
    if curves.probs.shape != (temps.size, n):
        raise ValueError(
            f"curves.probs must have a row per entry of curves.temperatures and a column per "
            f"entry of labels, shape ({temps.size}, {n}), got {curves.probs.shape}"
        )
    if not ((curves.probs >= 0) & (curves.probs <= 1)).all():
        raise ValueError("curves.probs must be probabilities, from 0 to 1")
    check_vector(curves.entropy_nats, "curves.entropy_nats", length=temps.size, low=0)
    check_vector(curves.greedy, "curves.greedy", length=n, low=0, high=1)
    check_vector(curves.uniform, "curves.uniform", length=n, low=0, high=1)
    check_number(curves.max_entropy, "curves.max_entropy", 0, _LARGEST)
    return curves


def temperature_curves(curves: Curves, labels: Sequence[str], temperature: float) -> go.Figure:
    """Each probability (top) and the entropy (bottom) against T on a log axis.

    The T → 0 limit (greedy) is drawn as diamonds at the left edge and the T → ∞ limit (uniform)
    as squares at the right edge; the current T is a vertical line (at an edge if outside).

    Built as one figure dict from :mod:`explorer.figure_parts`: plotly's ``make_subplots``,
    ``add_hline`` and ``add_vline`` cost about 25 ms here, on every move of the slider.

    ``curves`` (from :func:`explorer.temperature.temperature_curves`) has one column per label;
    ``temperature`` is T ≥ 0, inf included. Anything else raises TypeError / ValueError naming
    the argument.
    """
    shown_labels = plain(_some_labels(labels))
    curves = _check_curves(curves, len(shown_labels))
    temperature = check_number(temperature, "temperature", low=0)
    temps = curves.temperatures
    left, right = float(temps[0]), float(temps[-1])
    data: list[dict] = []
    for i, label in enumerate(shown_labels):
        color = class_color(i)
        data.append(
            dict(
                type="scatter",
                x=temps,
                y=curves.probs[:, i],
                name=label,
                mode="lines",
                legendgroup=label,
                line=dict(color=color, width=2.5, dash=class_dash(i)),
                hovertemplate="%{fullData.name}: %{y:.4f} at T = %{x:.3g}<extra></extra>",
                xaxis="x",
                yaxis="y",
            )
        )
        for x, value, symbol, limit in (
            (left, curves.greedy[i], "diamond", "T → 0"),
            (right, curves.uniform[i], "square", "T → ∞"),
        ):
            data.append(
                dict(
                    type="scatter",
                    x=[x],
                    y=[value],
                    mode="markers",
                    name=label,
                    legendgroup=label,
                    showlegend=False,
                    marker=dict(
                        color=color, symbol=symbol, size=10, line=dict(color="white", width=1)
                    ),
                    hovertemplate="%{fullData.name}, "
                    + f"{limit} limit: {value:.4f}<extra></extra>",
                    xaxis="x",
                    yaxis="y",
                )
            )
    data.append(
        dict(
            type="scatter",
            x=temps,
            y=curves.entropy_nats,
            name="entropy (nats)",
            mode="lines",
            line=dict(color="#000000", width=2.5),
            hovertemplate="entropy %{y:.4f} nats at T = %{x:.3g}<extra></extra>",
            xaxis="x2",
            yaxis="y2",
        )
    )
    marker_x = min(max(temperature, left), right) if temperature > 0 else left
    current = dict(color=CURRENT, dash="dash", width=2)
    # Two panels sharing x: probabilities on top (62%), entropy below (38%).
    layout = subplot_layout(
        rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.08, row_heights=[0.62, 0.38]
    )
    layout["xaxis"]["type"] = "log"
    layout["xaxis2"].update(type="log", title_text="temperature T (log scale)")
    layout["yaxis"].update(title_text="probability", range=[-0.02, 1.02])
    layout["yaxis2"].update(title_text="entropy (nats)", rangemode="tozero")
    max_entropy = curves.max_entropy
    layout["shapes"] = [
        hline(max_entropy, LIMIT, dash="dot", xaxis="x2", yaxis="y2"),
        vline(marker_x, **current),
        vline(marker_x, **current, xaxis="x2", yaxis="y2"),
    ]
    layout["annotations"] = [
        hline_label(
            max_entropy,
            f"T → ∞: ln {np.count_nonzero(curves.uniform)} = {max_entropy:.3f}",
            "bottom right",
            xaxis="x2",
            yaxis="y2",
        ),
        # One label over both panels. On a log axis plotly places annotations in log10 units.
        dict(
            font=dict(color=CURRENT),
            showarrow=False,
            text=f"T = {format_temperature(temperature)}",
            x=math.log10(marker_x),
            xref="x",
            y=1.0,
            yanchor="bottom",
            yref="paper",
        ),
    ]
    layout.update(height=560, legend=LEGEND_ON_TOP, margin=dict(t=40, b=40, l=60, r=20))
    return go.Figure(dict(data=data, layout=layout))


def log_probability_lines(
    logits: np.ndarray, labels: Sequence[str], lines: Sequence[tuple[float, np.ndarray]]
) -> go.Figure:
    """log q_i against z_i: at temperature T the points lie on a line of slope 1/T.

    ``lines`` holds (temperature, log-probabilities) pairs, T > 0. Masked entries (-inf) are
    left out: they have no place on the plot.
    """
    z = check_vector(logits, "logits", length=len(plain(labels)), high=_LARGEST)
    keep = np.isfinite(z)
    if not keep.any():
        raise ValueError("logits must have at least one finite entry")
    if isinstance(lines, str) or not isinstance(lines, Sequence):
        raise TypeError("lines must be a list of (temperature, log-probabilities) pairs")
    check_count(len(lines), "the number of lines", 3, low=0)
    checked = []
    for pair in lines:
        if not isinstance(pair, tuple | list) or len(pair) != 2:
            raise TypeError("lines must be a list of (temperature, log-probabilities) pairs")
        temperature = check_number(pair[0], "lines' temperature", 5e-324)
        log_probs = check_vector(pair[1], "lines' log-probabilities", length=z.size, high=0)
        checked.append((temperature, log_probs))
    lines = checked
    top = int(np.argmax(z))
    z_line = np.array([z[keep].min(), z[top]])  # two points (no linspace: it overflows at ±1e308)
    fig = go.Figure()
    for (temperature, log_probs), color in zip(lines, (CURRENT, REFERENCE, SECOND), strict=False):
        name = f"T = {format_temperature(temperature)}"
        slope = 1 / temperature  # 0 at T = inf: every log q equals -ln n
        # log q_i = log q_top + (z_i − z_top)/T: exact at the top; the far end is -inf only when
        # it truly lies beyond the float range.
        with np.errstate(over="ignore"):
            rise = slope * (z_line - z[top]) if slope else np.zeros(2)
        fig.add_trace(
            go.Scatter(
                x=z_line,
                y=log_probs[top] + rise,
                mode="lines",
                line=dict(color=color, width=2),
                name=f"{name}: slope 1/T = {slope:.3g}",
                hoverinfo="skip",
            )
        )
        fig.add_trace(
            go.Scatter(
                x=z[keep],
                y=log_probs[keep],
                mode="markers+text",
                showlegend=False,
                text=[label for label, k in zip(plain(labels), keep, strict=True) if k],
                textposition="top left",
                marker=dict(color=color, size=11),
                hovertemplate="z = %{x:.4g}, log q = %{y:.4g}<extra>" + name + "</extra>",
            )
        )
    fig.update_layout(
        xaxis_title="logit z",
        yaxis_title="log q (nats)",
        legend=LEGEND_ON_TOP,
        height=420,
        margin=dict(t=40, b=40, l=60, r=20),
    )
    return fig


def _check_sweep(labels, temperatures, probs, summaries, n_finite, frame_ms) -> tuple:
    """:func:`sweep_animation`'s arguments, checked (see it); O(frames × classes)."""
    labels = _some_labels(labels)
    temperatures = check_vector(temperatures, "temperatures", low=0)
    m = temperatures.size
    if not 1 <= m <= MAX_FRAMES:
        raise ValueError(f"temperatures must hold 1 to {MAX_FRAMES:,} temperatures, got {m:,}")
    probs = real_array(probs, "probs", "a table of probabilities")
    if probs.shape != (m, len(labels)):
        raise ValueError(
            f"probs must have a row per entry of temperatures and a column per entry of labels, "
            f"shape ({m}, {len(labels)}), got {probs.shape}"
        )
    if not ((probs >= 0) & (probs <= 1)).all():  # NaN fails too
        raise ValueError("probs must be probabilities, from 0 to 1")
    if isinstance(summaries, str) or not isinstance(summaries, Sequence):
        raise TypeError(f"summaries must be a list of Summary, got {type(summaries).__name__}")
    if len(summaries) != m:
        raise ValueError(
            f"summaries must have one Summary per entry of temperatures ({m}), got {len(summaries)}"
        )
    for summary in summaries:
        check_fields(summary, Summary, "summaries")
    n_finite = check_count(n_finite, "n_finite", max(len(labels), 1))
    frame_ms = check_count(frame_ms, "frame_ms", 10_000)
    return labels, temperatures, probs, summaries, n_finite, frame_ms


def sweep_animation(
    labels: Sequence[str],
    temperatures: np.ndarray,
    probs: np.ndarray,
    summaries: Sequence[Summary],
    n_finite: int,
    frame_ms: int = 25,
) -> go.Figure:
    """Bars animated across temperature, played and scrubbed in the browser (no server trips).

    ``probs[k]`` and ``summaries[k]`` belong to ``temperatures[k]``. A frame moves two traces,
    the bars and a one-point text trace that is the title line (T, entropy, top probability),
    so the browser updates them in place (``redraw=False``, 1–3 ms a frame in headless
    Chromium) instead of redrawing the whole figure (30–50 ms on a busy machine, more than a
    frame's time). A layout title would change only on a full redraw.

    ``frame_ms`` is the least time between frames: Plotly starts the next frame at the first
    display refresh *more* than ``frame_ms`` after the last, timed by Date.now() in whole ms.
    At 60 Hz two refreshes are 33.3 ms apart, which reads as 33 or 34 ms, so 33 waited for a
    third refresh most of the time (about 22 frames per second); 25 takes every second one:
    30 frames per second at 60 Hz (30 to 40 at 120 Hz).

    Arguments, checked before any frame is built (TypeError / ValueError naming the argument
    otherwise): ``temperatures``, 1 to :data:`MAX_FRAMES` of them, each ≥ 0; ``probs``, one row
    of probabilities per temperature and one column per label; ``summaries``, one
    :class:`~explorer.temperature.Summary` per temperature; ``n_finite``, the unmasked classes,
    1 to ``len(labels)``; ``frame_ms``, 1 to 10,000.
    """
    labels, temperatures, probs, summaries, n_finite, frame_ms = _check_sweep(
        labels, temperatures, probs, summaries, n_finite, frame_ms
    )

    def title(k: int) -> str:
        return (
            f"T = {temperatures[k]:.3g}   entropy {summaries[k].entropy_nats:.3f} nats   "
            f"top probability {summaries[k].top_probability:.3f}"
        )

    def bars(k: int) -> go.Bar:
        return bar_trace(labels, probs[k], "probability", CURRENT)

    def title_line(k: int) -> go.Scatter:  # above the plot's top left corner, like a title
        return go.Scatter(
            x=[0],
            y=[1],
            text=[title(k)],
            mode="text",
            textposition="top right",
            textfont=dict(size=16, weight="bold", color="#2F2D2B"),  # the theme's title's
            xaxis="x2",
            yaxis="y2",
            cliponaxis=False,
            hoverinfo="skip",
        )

    # The bars stay the last trace and each frame's first (the presentation restyle and the
    # tests read them there); ``traces`` maps a frame's data onto the figure's.
    frames = [
        go.Frame(data=[bars(k), title_line(k)], traces=[1, 0], name=f"{t:.3g}")
        for k, t in enumerate(temperatures)
    ]
    play = dict(
        frame=dict(duration=frame_ms, redraw=False),
        transition=dict(duration=0),
        fromcurrent=True,
        mode="immediate",
    )
    fig = go.Figure(data=[title_line(0), bars(0)], frames=frames)
    _uniform_line(fig, n_finite)
    text_axis = dict(overlaying="x", visible=False, range=[0, 1], fixedrange=True)
    fig.update_layout(
        xaxis2=text_axis,
        yaxis2=text_axis | dict(overlaying="y"),
        updatemenus=[
            dict(
                type="buttons",
                direction="left",
                x=0,
                y=-0.18,
                xanchor="left",
                showactive=False,
                buttons=[
                    dict(label="▶ Play", method="animate", args=[None, play]),
                    dict(
                        label="❚❚ Pause",
                        method="animate",
                        args=[
                            [None],
                            dict(frame=dict(duration=0, redraw=False), mode="immediate"),
                        ],
                    ),
                ],
            )
        ],
        sliders=[
            dict(
                active=0,
                x=0.18,
                len=0.82,
                y=-0.1,
                currentvalue=dict(prefix="T = ", xanchor="right"),  # clear of the buttons
                steps=[
                    dict(
                        label=frame.name,
                        method="animate",
                        args=[
                            [frame.name],
                            dict(frame=dict(duration=0, redraw=False), mode="immediate"),
                        ],
                    )
                    for frame in frames
                ],
            )
        ],
    )
    _bar_layout(fig, height=460)
    fig.update_layout(margin=dict(t=60, b=110, l=55, r=20), showlegend=False)
    return fig
