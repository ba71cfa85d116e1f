"""The physics page's figures carry the right numbers (the oracle: scipy.special.softmax)."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.special

from explorer import physics, physics_charts, physics_lab
from explorer.physics_state import PhysicsState, with_preset


def trace(figure, name):
    (found,) = [t for t in figure.data if t.name == name]
    return found


def diagram(state: PhysicsState):
    p = state.populations
    top = physics_lab.visible_top(state.energies, p, state.kT)
    return physics_charts.level_diagram(
        state.labels, state.energies, state.degeneracies, p, state.kT, state.unit, top
    )


@pytest.mark.parametrize("kelvin", [30.0, 300.0, 3000.0])
def test_level_diagram_populations_are_boltzmann(kelvin):
    state = PhysicsState(kelvin=kelvin)
    e, g = np.array(state.energies), np.array(state.degeneracies)
    oracle = scipy.special.softmax(-e / state.kT + np.log(g))
    bars = trace(diagram(state), "populations")
    np.testing.assert_allclose(bars.y, oracle, rtol=1e-9, atol=1e-300)
    np.testing.assert_allclose(
        bars.y, physics.boltzmann_populations(e, state.kT, g), rtol=1e-12, atol=1e-300
    )
    assert list(bars.x) == list(state.labels)


def test_co_most_populated_is_marked_at_j_7():
    figure = diagram(PhysicsState())
    assert any(a.text == "most populated: J = 7" for a in figure.layout.annotations)
    colors = trace(figure, "populations").marker.color
    assert colors[7] == physics_charts.MOST and colors.count(physics_charts.MOST) == 1


def test_user_labels_are_escaped():
    figure = physics_charts.level_diagram(
        ["<b>x</b>", "y"], [0.0, 1.0], [1.0, 1.0], np.array([0.7, 0.3]), 1.0, "meV", 1.0
    )
    assert trace(figure, "populations").x[0] == "&lt;b&gt;x&lt;/b&gt;"


def test_schottky_marker_is_at_the_peak():
    state = with_preset(PhysicsState(), "two_level")
    curves = physics_lab.thermodynamic_curves(state.energies, state.degeneracies, "meV", 300.0)
    marker = physics_lab.schottky_marker(state.energies, state.degeneracies, "meV")
    figure = physics_charts.thermodynamics_figure(curves, "meV", 300.0, marker)
    star = trace(figure, "Schottky peak")
    assert star.customdata[0][0] == pytest.approx(0.4168, abs=1e-4)
    assert star.y[0] == pytest.approx(0.4392, abs=1e-4)
    c = trace(figure, "heat capacity C / k_B")
    assert star.y[0] >= max(c.y) - 1e-12
    assert curves.kelvin[np.argmax(c.y)] == pytest.approx(star.x[0], rel=0.05)


def test_ensemble_bars_show_fractions_and_expected():
    p = np.array([0.6, 0.4])
    draw = physics_lab.ensemble(p, 100, seed=1)
    figure = physics_charts.ensemble_bars(["a", "b"], draw, 100)
    np.testing.assert_allclose(figure.data[0].y, draw.counts / 100)
    np.testing.assert_allclose(figure.data[1].y, p)
    dots = physics_charts.particles_on_levels([0.0, 1.0], draw.counts, 1, "meV", 1.0)
    assert len(dots.data[1].y) == 100
