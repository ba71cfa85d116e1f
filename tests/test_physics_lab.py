"""The physics page's domain glue, against closed forms and scipy."""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.special

from explorer import physics_lab
from explorer.units import kT_in


def test_schottky_marker_for_two_levels():
    marker = physics_lab.schottky_marker([0.0, 10.0], [1.0, 1.0], "meV")
    assert marker.kT_over_gap == pytest.approx(0.41678, abs=1e-5)
    assert marker.heat_capacity == pytest.approx(0.43922, abs=1e-5)
    assert float(kT_in("meV", marker.kelvin)) == pytest.approx(marker.kT, rel=1e-12)
    assert physics_lab.schottky_marker([0, 1, 2], [1, 1, 1], "meV") is None
    assert physics_lab.schottky_marker([1, 1], [1, 1], "meV") is None
    flipped = physics_lab.schottky_marker([10.0, 0.0], [3.0, 1.0], "meV")
    direct = physics_lab.schottky_marker([0.0, 10.0], [1.0, 3.0], "meV")
    assert flipped == direct


def test_curves_cover_the_levels_and_the_current_temperature():
    curves = physics_lab.thermodynamic_curves([0.0, 10.0], [1.0, 1.0], "meV", 300.0)
    assert curves.kelvin[0] <= 300.0 <= curves.kelvin[-1]
    peak = physics_lab.schottky_marker([0.0, 10.0], [1.0, 1.0], "meV")
    assert curves.kelvin[0] < peak.kelvin < curves.kelvin[-1]
    assert curves.heat_capacity.max() == pytest.approx(peak.heat_capacity, rel=1e-3)
    assert curves.max_entropy == pytest.approx(math.log(2))
    assert np.all(np.diff(curves.entropy) >= -1e-12)


def test_bridge_softmax_equals_boltzmann_and_shift_changes_only_z():
    e, g, kT = np.array([0.0, 1.0, 2.5, 2.5]), np.array([1.0, 3.0, 5.0, 2.0]), 0.8
    bridge = physics_lab.bridge(e, g, kT)
    oracle = scipy.special.softmax(-e / kT + np.log(g))
    np.testing.assert_allclose(bridge.softmax, oracle, rtol=1e-12)
    np.testing.assert_allclose(bridge.boltzmann, oracle, rtol=1e-12)
    assert bridge.max_difference < 1e-15
    assert bridge.log_z - bridge.log_z_shifted == pytest.approx(5.0, abs=1e-12)
    assert bridge.shifted_max_difference < 1e-12
    np.testing.assert_allclose(bridge.uniform, g / g.sum())
    np.testing.assert_array_equal(bridge.ground, [1, 0, 0, 0])
    assert bridge.max_entropy == pytest.approx(math.log(11))


def test_bridge_with_energies_beyond_the_float_range_of_e_over_kt():
    bridge = physics_lab.bridge([1e12, 1e12 + 1], [1.0, 1.0], 1e-300)
    np.testing.assert_array_equal(bridge.boltzmann, [1.0, 0.0])
    np.testing.assert_array_equal(bridge.softmax, [1.0, 0.0])


def test_ensemble_is_the_seeded_multinomial():
    p = np.array([0.2, 0.5, 0.3])
    draw = physics_lab.ensemble(p, 500, seed=3)
    np.testing.assert_array_equal(draw.counts, np.random.default_rng(3).multinomial(500, p))
    assert draw.fractions.sum() == pytest.approx(1.0)
    assert draw.typical_deviation == pytest.approx(math.sqrt(0.25 / 500))


def test_visible_top_includes_populated_levels():
    e = np.array([0.0, 1.0, 2.0, 100.0])
    p = np.array([0.5, 0.3, 0.2, 1e-9])
    assert physics_lab.visible_top(e, p, kT=0.5) == 2.0


def test_explorer_state_reproduces_the_populations_at_t_1():
    energies, degeneracies = np.array([0.0, 10.0, 10.0, 25.0]), np.array([1.0, 3.0, 1.0, 5.0])
    kT = 8.617  # meV at 100 K
    state = physics_lab.as_explorer_state(energies, degeneracies, ["a", "b", "c", "d"], kT)
    expected = scipy.special.softmax(np.log(degeneracies) - energies / kT)
    np.testing.assert_allclose(scipy.special.softmax(np.array(state.logits)), expected, rtol=1e-5)
    assert state.temperature == 1.0 and state.labels == ("a", "b", "c", "d")
