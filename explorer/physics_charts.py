"""Plotly figures for the Boltzmann physics page: data in, ``go.Figure`` out. No Streamlit."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from explorer.charts import CURRENT, LEGEND_ON_TOP, LIMIT, REFERENCE, SECOND, plain
from explorer.checks import (
    check_count,
    check_fields,
    check_number,
    check_seed,
    check_texts,
    check_vector,
    whole_array,
)
from explorer.figure_parts import axis_names, hline, hline_label, subplot_layout, vline
from explorer.physics_lab import Bridge, Curves, Ensemble, SchottkyMarker

MOST = SECOND  # the most populated level's colour
MAX_DOTS = 2000  # particles drawn as dots on the levels (more are summarised by the bars)
_TEXT_ON_BARS = 16  # values printed on bars only when there are this few


_LARGEST = float(np.finfo(float).max)


def _finite(values, name: str, length: int | None = None) -> np.ndarray:
    """A non-empty list of finite numbers (``length`` of them if given), or an error naming it."""
    array = check_vector(values, name, length=length, low=-_LARGEST, high=_LARGEST)
    if array.size == 0:
        raise ValueError(f"{name} is empty")
    return array


def _lines(energies: np.ndarray, left: np.ndarray, right: np.ndarray) -> tuple[list, list]:
    """x and y of horizontal segments, one per level, separated by None."""
    xs: list = []
    ys: list = []
    for e, a, b in zip(energies, left, right, strict=True):
        xs += [float(a), float(b), None]
        ys += [float(e), float(e), None]
    return xs, ys


def level_diagram(
    labels: Sequence[str],
    energies: Sequence[float],
    degeneracies: Sequence[float],
    populations: np.ndarray,
    kT: float,
    unit: str,
    top: float,
) -> go.Figure:
    """Left: the levels to scale in energy, each with a bar on it as long as its population
    (relative to the most populated) and the line E₀ + kT. Right: the populations as bars.

    ``top`` is the highest energy in the left panel's default zoom (zoom out for the rest).
    Built as one dict (:mod:`explorer.figure_parts`): it is redrawn on every move of T.
    """
    n = len(plain(labels))
    e = _finite(energies, "energies", n)
    g = check_vector(degeneracies, "degeneracies", length=n, low=0)
    p = check_vector(populations, "populations", length=n, low=0, high=1)
    if not p.max() > 0:
        raise ValueError("populations must not all be 0")
    kT, top = check_number(kT, "kT", 0, _LARGEST), check_number(top, "top", -_LARGEST, _LARGEST)
    check_texts([unit], "unit")
    most = int(np.argmax(p))
    names = plain(labels)
    unit_text = plain([unit])[0]
    few = e.size <= _TEXT_ON_BARS
    on_levels = dict(mode="lines", hoverinfo="skip", showlegend=False, xaxis="x", yaxis="y")
    xs, ys = _lines(e, np.zeros_like(e), np.ones_like(e))
    half = 0.48 * p / p.max()
    bar_xs, bar_ys = _lines(e, 0.5 - half, 0.5 + half)
    data = [
        dict(type="scatter", x=xs, y=ys, name="levels", **on_levels)
        | dict(line=dict(color=REFERENCE, width=1.5)),
        dict(type="scatter", x=bar_xs, y=bar_ys, name="population on the level", **on_levels)
        | dict(line=dict(color=CURRENT, width=7 if few else 4)),
        dict(
            type="scatter",
            x=[0.5] * e.size,
            y=e,
            mode="markers",
            name="level",
            marker=dict(size=12, color="rgba(0,0,0,0)"),
            customdata=np.column_stack([p, g]),
            text=names,
            hovertemplate="%{text}: E = %{y:.6g} "
            + unit_text
            + ", g = %{customdata[1]:g}, p = %{customdata[0]:.4g}<extra></extra>",
            showlegend=False,
            xaxis="x",
            yaxis="y",
        ),
        dict(
            type="bar",
            x=names,
            y=p,
            name="populations",
            marker_color=[MOST if i == most else CURRENT for i in range(e.size)],
            customdata=np.column_stack([e, g]),
            text=[f"{v:.3f}" for v in p] if few else None,
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{x}: p = %{y:.6g} (E = %{customdata[0]:.6g}, "
            "g = %{customdata[1]:g})<extra></extra>",
            showlegend=False,
            xaxis="x2",
            yaxis="y2",
        ),
    ]
    layout = subplot_layout(
        rows=1,
        cols=2,
        column_widths=[0.36, 0.64],
        horizontal_spacing=0.13,
        subplot_titles=("Energy levels, to scale", "Population of each level"),
    )
    ground = float(e.min())
    span = max(top - ground, kT, 1e-300)
    layout["yaxis"].update(
        title_text=f"energy ({unit_text})", range=[ground - 0.05 * span, top + 0.08 * span]
    )
    layout["xaxis"].update(visible=False, range=[-0.02, 1.02])
    layout["yaxis2"].update(title_text="population p", range=[0, 1.18 * float(p.max())])
    # The labels are names, not numbers: a category axis.
    layout["xaxis2"].update(tickangle=0 if few else -60, type="category")
    layout["shapes"] = [hline(ground + kT, SECOND, dash="dash")]
    layout["annotations"] += [
        hline_label(
            ground + kT, "E₀ + kT", bgcolor="rgba(255,255,255,0.8)", font=dict(color=SECOND)
        ),
        dict(
            x=names[most],
            y=float(p[most]),
            xref="x2",
            yref="y2",
            text=f"most populated: {names[most]}",
            showarrow=True,
            arrowhead=2,
            ax=40,
            ay=-30,
            font=dict(color=MOST),
        ),
    ]
    layout.update(height=430, margin=dict(t=40, b=40, l=60, r=20), bargap=0.15)
    return go.Figure(dict(data=data, layout=layout))


def thermodynamics_figure(
    curves: Curves, unit: str, kelvin: float, marker: SchottkyMarker | None = None
) -> go.Figure:
    """Mean energy, entropy, free energy and heat capacity against T (kelvin, log axis).

    The current T is a dashed line in every panel; the entropy's limits ln g₀ and ln Σg are
    dotted; a two-level system's Schottky peak is marked on the heat capacity. Built as one
    dict (:mod:`explorer.figure_parts`): it is redrawn on every move of T.
    """
    check_fields(curves, Curves, "curves")
    if not (np.all(curves.kelvin > 0) and np.all(np.isfinite(curves.kelvin))):
        raise ValueError("curves.kelvin must be temperatures above 0 K (a log axis)")
    kelvin = check_number(kelvin, "kelvin", 5e-324, _LARGEST)
    if marker is not None:
        check_fields(marker, SchottkyMarker, "marker")
    check_texts([unit], "unit")
    unit_text = plain([unit])[0]
    panels = (
        ("mean_energy", f"mean energy U ({unit_text})", 1, 1),
        ("entropy", "entropy S / k_B", 1, 2),
        ("free_energy", f"free energy F ({unit_text})", 2, 1),
        ("heat_capacity", "heat capacity C / k_B", 2, 2),
    )
    layout = subplot_layout(
        rows=2,
        cols=2,
        shared_xaxes=True,
        vertical_spacing=0.12,
        horizontal_spacing=0.1,
        subplot_titles=[title for _, title, _, _ in panels],
    )
    data: list[dict] = []
    layout["shapes"] = []
    for field, title, row, col in panels:
        xaxis, yaxis = axis_names(row, col, cols=2)
        data.append(
            dict(
                type="scatter",
                x=curves.kelvin,
                y=getattr(curves, field),
                mode="lines",
                name=title,
                line=dict(color=CURRENT, width=2.5),
                hovertemplate=f"{title}: " + "%{y:.5g} at T = %{x:.4g} K<extra></extra>",
                showlegend=False,
                xaxis=xaxis,
                yaxis=yaxis,
            )
        )
        layout["shapes"].append(vline(kelvin, SECOND, dash="dash", xaxis=xaxis, yaxis=yaxis))
        layout[xaxis.replace("x", "xaxis")]["type"] = "log"
    for value, text, position in (
        (curves.max_entropy, f"T → ∞: ln Σg = {curves.max_entropy:.3f}", "top left"),
        (curves.ground_entropy, f"T → 0: ln g₀ = {curves.ground_entropy:.3f}", "bottom right"),
    ):
        layout["shapes"].append(hline(value, LIMIT, dash="dot", xaxis="x2", yaxis="y2"))
        layout["annotations"].append(hline_label(value, text, position, xaxis="x2", yaxis="y2"))
    if marker is not None:
        data.append(
            dict(
                type="scatter",
                x=[marker.kelvin],
                y=[marker.heat_capacity],
                mode="markers+text",
                name="Schottky peak",
                customdata=[[marker.kT_over_gap, marker.kT]],
                marker=dict(color=SECOND, size=12, symbol="star"),
                text=[
                    f"Schottky peak: C = {marker.heat_capacity:.4f} k_B at kT = "
                    f"{marker.kT_over_gap:.4f} Δ"
                ],
                textposition="bottom center",
                hovertemplate="Schottky peak: C = %{y:.4f} k_B at T = %{x:.4g} K "
                "(kT = %{customdata[0]:.4f} Δ)<extra></extra>",
                showlegend=False,
                xaxis="x4",
                yaxis="y4",
            )
        )
    for axis in ("xaxis3", "xaxis4"):
        layout[axis]["title_text"] = "temperature T (K, log scale)"
    layout["yaxis4"]["rangemode"] = "tozero"
    layout.update(height=560, margin=dict(t=40, b=50, l=60, r=20))
    return go.Figure(dict(data=data, layout=layout))


def limits_bars(labels: Sequence[str], result: Bridge, kelvin: float) -> go.Figure:
    """Populations now beside the two limits: the ground state (kT → 0) and g/Σg (kT → ∞)."""
    names = plain(labels)
    check_fields(result, Bridge, "result")
    kelvin = check_number(kelvin, "kelvin", low=0)
    fig = go.Figure()
    for values, name, color in (
        (result.ground, "kT → 0: the ground level", LIMIT),
        (result.boltzmann, f"now (T = {kelvin:g} K)", CURRENT),
        (result.uniform, "kT → ∞: g / Σg", REFERENCE),
    ):
        fig.add_trace(
            go.Bar(
                x=names,
                y=values,
                name=name,
                marker_color=color,
                hovertemplate="%{x}: %{y:.6g}<extra>" + name + "</extra>",
            )
        )
    fig.update_layout(
        barmode="group",
        yaxis=dict(title="population", range=[0, 1.05]),
        legend=LEGEND_ON_TOP,
        height=360,
        margin=dict(t=40, b=40, l=60, r=20),
    )
    fig.update_xaxes(type="category")  # labels such as "0", "1" are names, not numbers
    return fig


def ensemble_bars(labels: Sequence[str], draw: Ensemble, particles: int) -> go.Figure:
    """The fraction of N particles in each level, and the Boltzmann p it fluctuates about
    (diamonds, with ±2 standard deviations of a multinomial draw as whiskers)."""
    names = plain(labels)
    check_fields(draw, Ensemble, "draw")
    p = check_vector(draw.expected, "draw.expected", length=len(names), low=0, high=1)
    _finite(draw.fractions, "draw.fractions", len(names))
    particles = check_count(particles, "particles", 10**12)
    sigma = np.sqrt(p * (1 - p) / particles)
    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            x=names,
            y=draw.fractions,
            name=f"{particles:,} particles: fraction in each level",
            marker_color=CURRENT,
            customdata=draw.counts,
            hovertemplate="%{x}: %{customdata:,} particles (%{y:.4g})<extra></extra>",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=names,
            y=p,
            mode="markers",
            name="Boltzmann p (± 2σ for this N)",
            marker=dict(color="#000000", symbol="diamond", size=8),
            error_y=dict(type="data", array=2 * sigma, color=LIMIT, thickness=1.5),
            hovertemplate="%{x}: p = %{y:.4g}<extra></extra>",
        )
    )
    top = float(max(draw.fractions.max(), (p + 2 * sigma).max()))
    fig.update_layout(
        yaxis=dict(title="fraction of particles", range=[0, 1.12 * top]),
        legend=LEGEND_ON_TOP,
        height=380,
        margin=dict(t=40, b=40, l=60, r=20),
    )
    fig.update_xaxes(type="category")  # labels such as "0", "1" are names, not numbers
    return fig


def particles_on_levels(
    energies: Sequence[float], counts: np.ndarray, seed: int, unit: str, top: float
) -> go.Figure:
    """Each particle a dot on its level (up to MAX_DOTS, scattered along the level line)."""
    e = _finite(energies, "energies")
    counts = whole_array(counts, "counts")
    if counts.shape != e.shape or not ((counts >= 0) & (counts <= 10**12)).all():
        raise ValueError("counts must be one count from 0 to 10^12 per energy level")
    seed, top = check_seed(seed), check_number(top, "top", -_LARGEST, _LARGEST)
    check_texts([unit], "unit")
    total = int(counts.sum())
    scale = min(1.0, MAX_DOTS / total) if total else 1.0
    shown = np.floor(counts * scale).astype(int)
    rng = np.random.default_rng(seed)
    ys = np.repeat(e, shown)
    xs = rng.uniform(0.02, 0.98, size=ys.size)
    fig = go.Figure()
    xl, yl = _lines(e, np.zeros_like(e), np.ones_like(e))
    fig.add_trace(
        go.Scatter(x=xl, y=yl, mode="lines", line=dict(color=REFERENCE, width=1), hoverinfo="skip")
    )
    fig.add_trace(
        go.Scatter(
            x=xs,
            y=ys,
            mode="markers",
            name="particles",
            marker=dict(color=CURRENT, size=5, opacity=0.7),
            hoverinfo="skip",
        )
    )
    ground = float(e.min())
    span = max(top - ground, 1e-300)
    fig.update_layout(
        showlegend=False,
        height=380,
        margin=dict(t=30, b=30, l=60, r=20),
        xaxis=dict(visible=False, range=[0, 1]),
        yaxis=dict(
            title=f"energy ({plain([unit])[0]})", range=[ground - 0.05 * span, top + 0.08 * span]
        ),
        title_text=(
            f"{int(shown.sum()):,} of {total:,} particles drawn"
            if scale < 1
            else f"all {total:,} particles"
        ),
    )
    return fig
