"""Regression: labels that look like numbers ("0" … "9", the digits model's classes) are names.

Plotly guesses an axis type from the data: with x = "0", "1", … it drew a linear axis ticked
0, 2, 4, 6, 8, so half the classes had no label. Every chart whose x axis holds class labels
must declare it categorical.
"""

from __future__ import annotations

import numpy as np

from explorer import charts, physics_charts, physics_lab, sampling_charts
from explorer.core import softmax
from explorer.gumbel import gumbel_race
from explorer.temperature import compare, sweep_frames, temperature_curves

DIGITS = [str(d) for d in range(10)]
LOGITS = np.linspace(-3.0, 3.0, 10)
PROBS = softmax(LOGITS)
KINDS = ("bar", "heatmap")  # traces whose x holds the class labels


def category_axes(fig) -> list[str]:
    """The type of every x axis that carries a bar or heatmap trace."""
    used = {getattr(trace, "xaxis", None) or "x" for trace in fig.data if trace.type in KINDS}
    return [fig.layout["xaxis" + name[1:]].type for name in sorted(used)]


def test_explorer_bar_charts_name_every_class():
    figures = [
        charts.probability_bars(DIGITS, PROBS, 1.0, 10, softmax(LOGITS, 2.0)),
        charts.comparison_bars(DIGITS, compare(LOGITS, 1.0, 2.0), 1.0, 2.0),
        charts.sweep_animation(DIGITS, *sweep_frames(tuple(LOGITS)), n_finite=10),
    ]
    for fig in figures:
        assert category_axes(fig) == ["category"]
        assert list(fig.data[-1].x) == DIGITS


def test_sampling_charts_name_every_class():
    race = gumbel_race(LOGITS, 1.0, rng=0)
    figures = [
        sampling_charts.histogram_vs_exact(DIGITS, PROBS, PROBS, PROBS, PROBS, 100),
        sampling_charts.gumbel_race(DIGITS, race.scaled, race.noise, race.winner),
        sampling_charts.relaxed_samples(DIGITS, np.tile(PROBS, (3, 1)), 0.5),
        sampling_charts.decoding_stages(DIGITS, ["a", "b"], [PROBS, PROBS], [PROBS > 0] * 2),
        sampling_charts.final_vs_temperature_only(DIGITS, PROBS, PROBS, 1.0),
    ]
    for fig in figures:
        assert set(category_axes(fig)) == {"category"}


def test_physics_bar_charts_name_every_level():
    energies, degeneracies = np.arange(10.0), np.ones(10)
    populations = softmax(-energies)
    level = physics_charts.level_diagram(DIGITS, energies, degeneracies, populations, 1.0, "meV", 9)
    assert level.layout.xaxis2.type == "category"
    draw = physics_lab.ensemble(populations, 100, seed=1)
    assert category_axes(physics_charts.ensemble_bars(DIGITS, draw, 100)) == ["category"]
    bridge = physics_lab.bridge(energies, degeneracies, 1.0)
    assert set(category_axes(physics_charts.limits_bars(DIGITS, bridge, 300.0))) == {"category"}


def test_ten_curves_are_told_apart_by_colour_and_dash():
    """Regression: with 10 classes the 8-colour palette repeated, so "0" and "8" looked alike."""
    fig = charts.temperature_curves(temperature_curves(LOGITS), DIGITS, 1.0)
    lines = {t.name: (t.line.color, t.line.dash) for t in fig.data if t.mode == "lines"}
    styles = [lines[d] for d in DIGITS]
    assert len(set(styles)) == 10
