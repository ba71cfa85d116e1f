"""Tests for explorer.physics, the Boltzmann distribution, against closed forms and oracles.

Oracles: scipy.special.softmax for the populations, 50-digit mpmath for Z and U at the extremes,
textbook closed forms (Schottky, Einstein, the rotor's high-temperature series), numerical
derivatives for C = dU/dT, scipy.optimize for the Schottky peak and scipy.stats for the ensemble.
"""

import math
import warnings

import mpmath
import numpy as np
import pytest
import scipy.optimize
import scipy.special
import scipy.stats
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from numpy.testing import assert_allclose, assert_array_equal

from explorer.physics import (
    CO_ROTATIONAL_CONSTANT,
    MAX_PARTICLES,
    PRESETS,
    boltzmann_populations,
    carbon_monoxide_rotor,
    draw_ensemble,
    harmonic_ladder,
    harmonic_truncation_error,
    rigid_rotor,
    rotor_most_populated_estimate,
    schottky_heat_capacity,
    schottky_peak,
    thermodynamics,
    two_level,
)
from explorer.units import UNITS, kT_in

INF = math.inf
prop = settings(max_examples=150, deadline=None)


@st.composite
def systems(draw, lo=-50.0, hi=50.0):
    """Levels (1 to 8, ties likely) with positive degeneracies."""
    n = draw(st.integers(1, 8))
    energies = draw(hnp.arrays(np.float64, n, elements=st.integers(-20, 20).map(float)))
    energies = energies * draw(st.sampled_from([0.5, 1.0, 2.5])) + draw(st.floats(lo, hi))
    degeneracies = draw(hnp.arrays(np.float64, n, elements=st.integers(1, 9).map(float)))
    return energies, degeneracies


moderate_kT = st.floats(0.05, 500.0)


# --- the distribution ---------------------------------------------------------------------------


@prop
@given(systems(), moderate_kT)
def test_populations_are_degeneracy_weighted_softmax(system, kT):
    energies, g = system
    expected = scipy.special.softmax(-energies / kT + np.log(g))
    assert_allclose(boltzmann_populations(energies, kT, g), expected, rtol=1e-12, atol=1e-300)


def test_populations_without_degeneracies_are_softmax_of_minus_energy():
    energies = np.array([0.0, 1.0, 2.5, -0.5])
    for kT in (0.1, 1.0, 7.0):
        expected = scipy.special.softmax(-energies / kT)
        assert_allclose(boltzmann_populations(energies, kT), expected, rtol=1e-14)


def test_zero_temperature_splits_the_ground_levels_by_degeneracy_as_the_limit_does():
    energies, g = [2.0, 0.0, 0.0, 1.0], [5.0, 1.0, 3.0, 7.0]
    at_zero = boltzmann_populations(energies, 0.0, g)
    assert_array_equal(at_zero, [0.0, 0.25, 0.75, 0.0])
    assert_allclose(boltzmann_populations(energies, 1e-3, g), at_zero, atol=1e-300)
    assert_allclose(boltzmann_populations(energies, 0.05, g), at_zero, atol=1e-7)
    # without degeneracies, tied ground levels share evenly, as the core's greedy limit does
    assert_array_equal(boltzmann_populations(energies, 0.0), [0.0, 0.5, 0.5, 0.0])


def test_infinite_temperature_weights_levels_by_degeneracy():
    energies, g = [0.0, 1.0, 1e6], [1.0, 3.0, 4.0]
    assert_allclose(boltzmann_populations(energies, INF, g), [0.125, 0.375, 0.5], rtol=1e-15)
    assert_allclose(boltzmann_populations(energies, 1e15, g), [0.125, 0.375, 0.5], rtol=1e-9)
    assert_allclose(boltzmann_populations(energies, INF), [1 / 3] * 3, rtol=1e-15)


@prop
@given(systems(), moderate_kT, st.floats(-1e3, 1e3))
def test_adding_a_constant_to_the_energies(system, kT, constant):
    energies, g = system
    before = thermodynamics(energies, kT, g)
    after = thermodynamics(energies + constant, kT, g)
    assert_allclose(after.populations, before.populations, rtol=1e-9, atol=1e-300)
    scale = max(1.0, float(np.abs(energies).max()), abs(constant))
    assert_allclose(after.mean_energy, before.mean_energy + constant, atol=1e-12 * scale)
    assert_allclose(after.entropy, before.entropy, rtol=1e-9, atol=1e-9)
    assert_allclose(after.heat_capacity, before.heat_capacity, rtol=1e-7, atol=1e-9)
    shifted = before.log_partition_function - constant / kT
    assert_allclose(after.log_partition_function, shifted, atol=1e-12 * scale / kT)
    assert_allclose(
        after.log_relative_partition_function, before.log_relative_partition_function, rtol=1e-12
    )


# --- thermodynamic identities -------------------------------------------------------------------


@prop
@given(systems(), moderate_kT)
def test_free_energy_identities_and_gibbs_entropy(system, kT):
    energies, g = system
    t = thermodynamics(energies, kT, g)
    scale = max(1.0, float(np.abs(energies).max()), kT)
    assert_allclose(t.free_energy, t.mean_energy - kT * t.entropy, atol=1e-12 * scale * 10)
    assert_allclose(t.free_energy, -kT * t.log_partition_function, atol=1e-12 * scale * 10)
    p = t.populations
    gibbs = -np.sum(np.where(p > 0, p * np.log(np.where(p > 0, p, 1.0) / g), 0.0))
    assert_allclose(t.entropy, gibbs, rtol=1e-10, atol=1e-10)
    assert_allclose(t.mean_energy, p @ energies, rtol=1e-12, atol=1e-12 * scale)
    variance = p @ (energies - p @ energies) ** 2
    assert_allclose(t.heat_capacity, variance / kT**2, rtol=1e-8, atol=1e-12)


@pytest.mark.parametrize(
    ("energies", "degeneracies"),
    [
        ([0.0, 1.0], None),
        ([0.0, 0.3, 0.9, 2.2, 4.0], [1, 2, 2, 5, 1]),
        (rigid_rotor(1.0, 40).energies, rigid_rotor(1.0, 40).degeneracies),
    ],
)
def test_heat_capacity_is_the_temperature_derivative_of_the_energy(energies, degeneracies):
    kT = np.geomspace(0.05, 50.0, 60)
    step = kT * 1e-4
    t = thermodynamics(energies, kT, degeneracies)
    upper = thermodynamics(energies, kT + step, degeneracies).mean_energy
    lower = thermodynamics(energies, kT - step, degeneracies).mean_energy
    derivative = (upper - lower) / (2 * step)
    assert_allclose(t.heat_capacity, derivative, rtol=1e-6, atol=1e-9)


def test_two_level_heat_capacity_matches_the_closed_form():
    kT = np.geomspace(0.01, 100.0, 200)
    x = 1.0 / kT
    expected = x**2 * np.exp(x) / (1 + np.exp(x)) ** 2
    assert_allclose(thermodynamics([0.0, 1.0], kT).heat_capacity, expected, rtol=1e-12)
    assert_allclose(schottky_heat_capacity(kT, 1.0), expected, rtol=1e-12)
    # degenerate levels: C = x² r e^-x / (1 + r e^-x)²
    r = 3.0
    expected = x**2 * r * np.exp(-x) / (1 + r * np.exp(-x)) ** 2
    assert_allclose(thermodynamics([0.0, 1.0], kT, [2, 6]).heat_capacity, expected, rtol=1e-12)
    assert_allclose(schottky_heat_capacity(kT, 1.0, 2, 6), expected, rtol=1e-12)


def test_schottky_closed_form_limits_do_not_warn():
    assert schottky_heat_capacity(0.0, 1.0) == 0.0
    assert schottky_heat_capacity(INF, 1.0) == 0.0
    assert schottky_heat_capacity(1e-300, 1e300) == 0.0


@pytest.mark.parametrize(("g_lower", "g_upper"), [(1, 1), (1, 3), (4, 1), (2, 2)])
def test_schottky_peak_agrees_with_scipy_optimize(g_lower, g_upper):
    peak = schottky_peak(g_lower, g_upper)

    def minus_c(kT):
        return -thermodynamics([0.0, 1.0], kT, [g_lower, g_upper]).heat_capacity

    found = scipy.optimize.minimize_scalar(
        minus_c, bounds=(0.05, 2.0), method="bounded", options={"xatol": 1e-12}
    )
    assert_allclose(peak.kT_over_gap, found.x, rtol=1e-6)  # a maximum is flat: x to √ε
    assert_allclose(peak.heat_capacity, -found.fun, rtol=1e-12)


def test_schottky_peak_figures():
    peak = schottky_peak()
    # the stationarity condition 2/x = tanh(x/2), solved by scipy's brentq
    x = scipy.optimize.brentq(lambda x: 2 / x - math.tanh(x / 2), 1.0, 10.0, xtol=1e-15)
    assert_allclose(peak.kT_over_gap, 1 / x, rtol=1e-14)
    assert round(peak.kT_over_gap, 4) == 0.4168
    assert round(peak.heat_capacity, 4) == 0.4392
    assert_allclose(peak.heat_capacity, (x / 2 / math.cosh(x / 2)) ** 2, rtol=1e-14)


def test_long_ladder_has_einsteins_heat_capacity():
    ladder = harmonic_ladder(1.0, 400)
    kT = np.geomspace(0.05, 20.0, 80)
    x = 1.0 / kT
    t = thermodynamics(ladder.energies, kT)
    # the truncated oscillator in closed form: the full one minus the levels n ≥ N
    n = 400

    def einstein(x):  # x² e^x / (e^x − 1)², written with e^-x so that nothing overflows
        return x**2 * np.exp(-x) / np.expm1(-x) ** 2

    c_truncated = einstein(x) - einstein(n * x)
    u_truncated = 0.5 + 1 / np.expm1(x) - n * np.exp(-n * x) / -np.expm1(-n * x)
    assert_allclose(t.heat_capacity, c_truncated, rtol=1e-9)
    assert_allclose(t.mean_energy, u_truncated, rtol=1e-12)
    # Einstein's oscillator, to within the truncation (e^-20 of the population at kT = 20 ħω)
    assert_allclose(t.heat_capacity, einstein(x), rtol=2e-6)
    assert_allclose(t.mean_energy, 0.5 + 1 / np.expm1(x), rtol=1e-7)


def test_truncation_error_is_the_population_a_longer_ladder_puts_above_n():
    long = harmonic_ladder(1.0, 3000)
    for kT in (0.5, 2.0, 20.0):
        p = boltzmann_populations(long.energies, kT)
        assert_allclose(harmonic_truncation_error(1.0, 400, kT), p[400:].sum(), rtol=1e-9)
    assert harmonic_truncation_error(1.0, 400, 0.0) == 0.0
    assert harmonic_truncation_error(1.0, 400, INF) == 1.0
    assert harmonic_truncation_error(1.0, 10, [1.0, 2.0]).shape == (2,)


# --- limits and extremes ------------------------------------------------------------------------


def test_zero_temperature_limit():
    energies, g = [3.0, 1.5, 1.5, 4.0], [2, 3, 4, 1]
    t = thermodynamics(energies, 0.0, g)
    assert t.mean_energy == t.free_energy == t.ground_energy == 1.5
    assert t.entropy == math.log(7)
    assert t.heat_capacity == 0.0
    assert t.log_relative_partition_function == math.log(7)
    assert t.log_partition_function == -INF  # Z = 7 e^(−1.5/kT) → 0
    assert thermodynamics([-1.0, 0.0], 0.0).log_partition_function == INF
    assert_allclose(thermodynamics([0.0, 1.0], 0.0, [5, 1]).partition_function, 5.0, rtol=1e-15)
    near_zero = thermodynamics(energies, 0.01, g)
    assert_allclose(near_zero.entropy, t.entropy, rtol=1e-15)
    assert near_zero.heat_capacity < 1e-50


def test_infinite_temperature_limit():
    energies, g = [0.0, 1.0, 3.0], [1, 2, 5]
    t = thermodynamics(energies, INF, g)
    assert_allclose(t.populations, [0.125, 0.25, 0.625], rtol=1e-15)
    assert_allclose(t.entropy, math.log(8), rtol=1e-15)
    assert_allclose(t.mean_energy, (0 + 2 + 15) / 8, rtol=1e-15)
    assert t.heat_capacity == 0.0
    assert t.free_energy == -INF
    assert_allclose(t.partition_function, 8.0, rtol=1e-15)
    hot = thermodynamics(energies, 1e12, g)
    assert_allclose(hot.entropy, math.log(8), rtol=1e-11)
    assert_allclose(hot.populations, t.populations, rtol=1e-11)
    assert_allclose(hot.mean_energy, t.mean_energy, rtol=1e-11)
    # a single non-degenerate level: F = −kT ln Z = E exactly, at every kT
    assert thermodynamics([2.0], INF).free_energy == 2.0
    assert thermodynamics([2.0], 1e300).free_energy == 2.0


@pytest.mark.parametrize(
    ("energies", "kT"),
    [
        ([1e300, -1e300], 1e-300),
        ([1e300, -1e300], 1e300),
        ([1e300, 0.0, -1e300], np.array([0.0, 1e-300, 1.0, 1e300, INF])),
        ([0.0, 1e6, 2e6], 1e-3),
        ([0.0, 1.0, 2.0], 1e12),
        ([1.7e308, -1.7e308], 1e308),  # the spread overflows, (E − E0)/kT does not
        ([0.0, 5e-324], 5e-324),
    ],
)
def test_extremes_are_finite_and_silent(energies, kT):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        t = thermodynamics(energies, kT)
        p = boltzmann_populations(energies, kT)
    assert_allclose(np.sum(p, axis=-1), 1.0, rtol=1e-15)
    for name in (
        "log_relative_partition_function",
        "relative_partition_function",
        "mean_energy",
        "entropy",
        "heat_capacity",
    ):
        assert np.isfinite(getattr(t, name)).all(), name
    assert not np.isnan(t.log_partition_function).any()
    assert not np.isnan(t.free_energy).any()


def test_levels_a_million_apart_at_low_temperature():
    t = thermodynamics([0.0, 1e6, 2e6], 1e-3, [2, 1, 1])
    assert_array_equal(t.populations, [1.0, 0.0, 0.0])
    assert (t.mean_energy, t.heat_capacity) == (0.0, 0.0)
    assert t.entropy == math.log(2)


def test_split_shift_gives_partition_function_beyond_the_float_range():
    # ln Z = 1000 + ln(1 + e^-0.5): Z is e^1000, beyond the float range; its log is fine.
    t = thermodynamics([-1000.0, -999.5], 1.0)
    assert_allclose(t.log_partition_function, 1000 + math.log1p(math.exp(-0.5)), rtol=1e-15)
    assert t.partition_function == INF
    assert_allclose(t.relative_partition_function, 1 + math.exp(-0.5), rtol=1e-15)


def mp_thermo(energies, kT, degeneracies=None):
    """ln Z, U, S/k and C/k from their definitions, at 50 digits."""
    g = degeneracies if degeneracies is not None else [1.0] * len(energies)
    with mpmath.workdps(50):
        e = [mpmath.mpf(float(v)) for v in energies]
        w = [mpmath.mpf(float(v)) for v in g]
        beta = 1 / mpmath.mpf(float(kT))
        ground = min(e)
        # Factors below e^-1e6 are far under any float: skip them rather than make mpmath crawl.
        terms = [
            (gi, ei, mpmath.exp(-(ei - ground) * beta))
            for gi, ei in zip(w, e, strict=True)
            if (ei - ground) * beta < 1e6
        ]
        z_rel = mpmath.fsum(gi * b for gi, _, b in terms)
        u = mpmath.fsum(gi * ei * b for gi, ei, b in terms) / z_rel
        var = mpmath.fsum(gi * (ei - u) ** 2 * b for gi, ei, b in terms) / z_rel
        log_z = mpmath.log(z_rel) - ground * beta
        return float(log_z), float(u), float(log_z + u * beta), float(var * beta**2)


@pytest.mark.parametrize(
    ("energies", "kT", "degeneracies"),
    [
        ([-1000.0, -999.5, 0.0, 700.0], 1.0, None),
        ([1e6, 1e6 + 1e-3, 1e6 + 2e-3], 1e-3, [1, 3, 5]),
        ([0.0, 1.0, 2.0], 1e12, [1, 1, 1]),
        ([1e300, 2e300], 1e300, [2, 1]),
        ([-1e-300, 0.0, 1e-300], 1e-300, None),
        ([5.0, 0.0, 7.5, 0.1], 0.37, [1e200, 1, 3, 1e-100]),
        (list(rigid_rotor(1.0, 60).energies), 300.0, list(rigid_rotor(1.0, 60).degeneracies)),
    ],
)
def test_against_fifty_digit_mpmath(energies, kT, degeneracies):
    log_z, u, s, c = mp_thermo(energies, kT, degeneracies)
    t = thermodynamics(energies, kT, degeneracies)
    assert_allclose(t.log_partition_function, log_z, rtol=1e-13)
    assert_allclose(t.mean_energy, u, rtol=1e-13)
    assert_allclose(t.entropy, s, rtol=1e-11, atol=1e-13)
    assert_allclose(t.heat_capacity, c, rtol=1e-8, atol=1e-15)


def test_vectorised_temperatures_equal_scalar_calls():
    energies, g = [0.0, 0.4, 0.4, 2.0, 5.0], [1, 2, 1, 3, 9]
    kT = np.array([0.0, 1e-300, 0.01, 0.3, 1.0, 10.0, 1e9, INF])
    curve = thermodynamics(energies, kT, g)
    for k, temperature in enumerate(kT):
        single = thermodynamics(energies, float(temperature), g)
        for name in (
            "log_relative_partition_function",
            "relative_partition_function",
            "log_partition_function",
            "partition_function",
            "mean_energy",
            "entropy",
            "heat_capacity",
            "free_energy",
        ):
            assert getattr(curve, name)[k] == getattr(single, name), name
        assert_array_equal(curve.populations[k], single.populations)
    assert_array_equal(boltzmann_populations(energies, kT, g), curve.populations)
    assert curve.populations.shape == (8, 5)
    assert isinstance(thermodynamics(energies, 1.0).entropy, float)


# --- presets ------------------------------------------------------------------------------------


def test_carbon_monoxide_at_300_kelvin_peaks_at_j_7():
    assert_allclose(CO_ROTATIONAL_CONSTANT, 1.92253, rtol=1e-6)
    co = carbon_monoxide_rotor()
    kT = kT_in(co.unit, 300.0)
    p = boltzmann_populations(co.energies, kT, co.degeneracies)
    assert int(np.argmax(p)) == 7
    assert co.labels[7] == "J = 7"
    estimate = rotor_most_populated_estimate(CO_ROTATIONAL_CONSTANT, kT)
    assert_allclose(estimate, math.sqrt(kT / (2 * CO_ROTATIONAL_CONSTANT)) - 0.5, rtol=1e-15)
    assert round(estimate) == 7
    # the estimate maximises the continuous (2J + 1) exp(−B J (J + 1) / kT)
    found = scipy.optimize.minimize_scalar(
        lambda j: -(2 * j + 1) * math.exp(-CO_ROTATIONAL_CONSTANT * j * (j + 1) / kT),
        bounds=(0.0, 30.0),
        method="bounded",
        options={"xatol": 1e-10},
    )
    assert_allclose(estimate, found.x, rtol=1e-6)


def test_carbon_monoxide_partition_function_matches_the_high_temperature_series():
    co = carbon_monoxide_rotor()
    kT = kT_in("cm⁻¹", 300.0)
    s = CO_ROTATIONAL_CONSTANT / kT
    mulholland = (1 + s / 3 + s**2 / 15 + 4 * s**3 / 315) / s  # Z ≈ kT/B + 1/3 + …
    t = thermodynamics(co.energies, kT, co.degeneracies)
    assert_allclose(t.partition_function, mulholland, rtol=1e-9)
    # the 60 levels leave out less than 1e-14 of the population at 300 K
    longer = rigid_rotor(CO_ROTATIONAL_CONSTANT, 200)
    assert boltzmann_populations(longer.energies, kT, longer.degeneracies)[61:].sum() < 1e-14


def test_presets_are_consistent_data():
    assert set(PRESETS) == {"two_level", "ladder", "co_rotor"}
    for scheme in PRESETS.values():
        n = scheme.energies.size
        assert scheme.unit in UNITS
        assert scheme.degeneracies.shape == (n,) and len(scheme.labels) == n
        assert (scheme.degeneracies > 0).all() and np.isfinite(scheme.energies).all()
        assert scheme.name and scheme.description
    assert "truncated" in PRESETS["ladder"].description
    assert_array_equal(two_level(2.0, 1, 3).degeneracies, [1.0, 3.0])
    assert_array_equal(harmonic_ladder(2.0, 4).energies, [1.0, 3.0, 5.0, 7.0])
    rotor = rigid_rotor(0.5, 4, unit="cm-1")
    assert_array_equal(rotor.energies, [0.0, 1.0, 3.0, 6.0, 10.0])
    assert_array_equal(rotor.degeneracies, [1.0, 3.0, 5.0, 7.0, 9.0])
    assert rotor.unit == "cm⁻¹"


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: two_level(0.0), "gap must be a finite number > 0"),
        (lambda: two_level(1.0, g_upper=-1), "g_upper must be"),
        (lambda: two_level(1.0, unit="MeV"), "unit must be one of"),
        (lambda: harmonic_ladder(math.nan, 10), "quantum must be"),
        (lambda: harmonic_ladder(1.0, 0), "n_levels must be between"),
        (lambda: rigid_rotor(-1.0, 10), "rotational_constant must be"),
        (lambda: rigid_rotor(1.0, 10**6), "j_max must be between"),
        (lambda: rotor_most_populated_estimate(1.0, -3.0), "kT must be"),
    ],
)
def test_preset_builders_reject_bad_parameters(build, message):
    with pytest.raises(ValueError, match=message):
        build()


def test_preset_builders_reject_wrong_types():
    with pytest.raises(TypeError, match="n_levels must be an integer"):
        harmonic_ladder(1.0, 10.0)
    with pytest.raises(TypeError, match="gap must be a real number"):
        two_level("1 meV")


# --- ensemble -----------------------------------------------------------------------------------


def test_ensemble_is_reproducible_and_counts_every_particle():
    p = boltzmann_populations([0.0, 1.0, 2.0, 3.0], 1.5, [1, 3, 5, 7])
    first = draw_ensemble(p, 10_000, rng=42)
    assert_array_equal(first, draw_ensemble(p, 10_000, rng=42))
    assert_array_equal(first, draw_ensemble(p, 10_000, rng=np.random.default_rng(42)))
    assert first.sum() == 10_000 and first.dtype == np.int64 and first.shape == (4,)
    assert draw_ensemble(p, 0, rng=1).sum() == 0
    assert draw_ensemble([0.0, 1.0, 0.0], 500, rng=3).tolist() == [0, 500, 0]
    assert draw_ensemble(p, MAX_PARTICLES, rng=7).sum() == MAX_PARTICLES


def test_ensemble_follows_the_populations():
    p = boltzmann_populations(PRESETS["co_rotor"].energies, 208.5, PRESETS["co_rotor"].degeneracies)
    n = 200_000
    counts = draw_ensemble(p, n, rng=2024)
    expected = p * n
    keep = expected >= 5  # Pearson's chi-square needs ≥ 5 expected per cell: pool the tail
    observed = np.append(counts[keep], counts[~keep].sum())
    pooled = np.append(expected[keep], expected[~keep].sum())
    result = scipy.stats.chisquare(observed, pooled)
    assert result.pvalue > 0.01, result


@pytest.mark.parametrize(
    ("populations", "n", "error", "message"),
    [
        ([0.5, 0.5], MAX_PARTICLES + 1, ValueError, "n_particles must be between"),
        ([0.5, 0.5], -1, ValueError, "n_particles must be between"),
        ([0.5, 0.5], 10.0, TypeError, "n_particles must be an integer"),
        ([0.5, 0.5], True, TypeError, "n_particles must be an integer"),
        ([0.5, 0.4], 10, ValueError, "populations must sum to 1"),
        ([1.5, -0.5], 10, ValueError, "populations must be ≥ 0"),
        ([math.nan, 1.0], 10, ValueError, "populations must be finite"),
        ([[0.5, 0.5]], 10, ValueError, "populations must be a 1-D array"),
    ],
)
def test_ensemble_rejects_bad_input(populations, n, error, message):
    with pytest.raises(error, match=message):
        draw_ensemble(populations, n, rng=0)


def test_ensemble_rejects_a_bad_rng():
    with pytest.raises(TypeError, match="rng must be"):
        draw_ensemble([0.5, 0.5], 10, rng="seed")


# --- validation ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("energies", "kT", "degeneracies", "error", "message"),
    [
        ([0.0, math.nan], 1.0, None, ValueError, "energies must be finite"),
        ([0.0, INF], 1.0, None, ValueError, "energies must be finite"),
        ([0.0, -INF], 1.0, None, ValueError, "energies must be finite"),
        ([], 1.0, None, ValueError, "energies must be a 1-D array"),
        (1.0, 1.0, None, ValueError, "energies must be a 1-D array"),
        ([[0.0, 1.0]], 1.0, None, ValueError, "energies must be a 1-D array"),
        (["a", "b"], 1.0, None, TypeError, "energies must be an array of real numbers"),
        ([0.0, 1.0], -1.0, None, ValueError, "kT must be ≥ 0"),
        ([0.0, 1.0], -INF, None, ValueError, "kT must be ≥ 0"),
        ([0.0, 1.0], math.nan, None, ValueError, "kT must be ≥ 0"),
        ([0.0, 1.0], [1.0, -2.0], None, ValueError, "kT must be ≥ 0"),
        ([0.0, 1.0], [], None, ValueError, "kT must be a number or a non-empty 1-D array"),
        ([0.0, 1.0], [[1.0]], None, ValueError, "kT must be a number or a non-empty 1-D array"),
        ([0.0, 1.0], True, None, TypeError, "kT must be a real number"),
        ([0.0, 1.0], "hot", None, TypeError, "kT must be a real number"),
        ([0.0, 1.0], 1.0, [1.0], ValueError, "degeneracies must have one entry per level"),
        ([0.0, 1.0], 1.0, [1.0, 0.0], ValueError, "degeneracies must be finite numbers > 0"),
        ([0.0, 1.0], 1.0, [1.0, -2.0], ValueError, "degeneracies must be finite numbers > 0"),
        ([0.0, 1.0], 1.0, [1.0, INF], ValueError, "degeneracies must be finite numbers > 0"),
        ([0.0, 1.0], 1.0, [math.nan, 1], ValueError, "degeneracies must be finite numbers > 0"),
        ([0.0, 1.0], 1.0, [1e308, 1e308], ValueError, "degeneracies add up to more"),
    ],
)
def test_bad_input_raises_naming_the_argument(energies, kT, degeneracies, error, message):
    with pytest.raises(error, match=message):
        thermodynamics(energies, kT, degeneracies)
    with pytest.raises(error, match=message):
        boltzmann_populations(energies, kT, degeneracies)
