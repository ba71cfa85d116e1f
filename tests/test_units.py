"""Tests for explorer.units: energy units and kT, against scipy.constants and CODATA values."""

import math

import numpy as np
import pytest
import scipy.constants as sc
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from explorer.units import (
    AVOGADRO,
    BOLTZMANN,
    ELEMENTARY_CHARGE,
    JOULES_PER_UNIT,
    PLANCK,
    SPEED_OF_LIGHT,
    UNITS,
    canonical_unit,
    convert,
    from_joules,
    kelvin_from_kT,
    kT_in,
    to_joules,
)

prop = settings(max_examples=200, deadline=None)
units = st.sampled_from(UNITS)
# Magnitudes whose joule values stay normal floats: a subnormal keeps only a few bits.
magnitudes = st.floats(1e-250, 1e200) | st.just(0.0)
energies = st.tuples(magnitudes, st.sampled_from([1.0, -1.0])).map(lambda t: t[0] * t[1])
kelvins = magnitudes


# scipy.constants is the oracle: the same exact SI values, typed in by someone else.
SCIPY_JOULES = {
    "meV": sc.milli * sc.electron_volt,
    "eV": sc.physical_constants["electron volt"][0],
    "cm⁻¹": sc.h * sc.c / sc.centi,
    "kJ/mol": sc.kilo / sc.N_A,
    "J": 1.0,
}


def test_exact_si_constants_match_scipy():
    assert BOLTZMANN == sc.k == 1.380649e-23
    assert ELEMENTARY_CHARGE == sc.e == 1.602176634e-19
    assert PLANCK == sc.h == 6.62607015e-34
    assert SPEED_OF_LIGHT == sc.c == 299792458.0
    assert AVOGADRO == sc.N_A == 6.02214076e23


def test_units_for_the_selector():
    assert UNITS == ("meV", "eV", "cm⁻¹", "kJ/mol", "J")
    assert set(UNITS) == set(JOULES_PER_UNIT)


@pytest.mark.parametrize("unit", UNITS)
def test_joules_per_unit_match_scipy(unit):
    assert_allclose(JOULES_PER_UNIT[unit], SCIPY_JOULES[unit], rtol=2e-16)
    assert_allclose(to_joules(1.0, unit), SCIPY_JOULES[unit], rtol=2e-16)
    assert_allclose(from_joules(SCIPY_JOULES[unit], unit), 1.0, rtol=4e-16)


@pytest.mark.parametrize(
    ("unit", "expected", "rtol"),
    [
        # kT at 300 K, the figures a chemist knows by heart
        ("meV", 25.85, 2e-4),
        ("cm⁻¹", 208.5, 1e-4),
        ("kJ/mol", 2.494, 2e-4),
        ("eV", 0.02585, 2e-4),
        ("J", 4.141947e-21, 1e-6),
    ],
)
def test_thermal_energy_at_300_kelvin(unit, expected, rtol):
    assert_allclose(kT_in(unit, 300.0), expected, rtol=rtol)
    assert_allclose(kT_in(unit, 300.0), sc.k * 300.0 / SCIPY_JOULES[unit], rtol=4e-16)


def test_boltzmann_constant_in_other_units_matches_codata_tables():
    # CODATA lists k in eV/K, in 1/m per kelvin (wavenumber) and R = N_A k in J/(mol K).
    k_ev = sc.physical_constants["Boltzmann constant in eV/K"][0]
    k_inverse_metre = sc.physical_constants["Boltzmann constant in inverse meter per kelvin"][0]
    assert_allclose(kT_in("eV", 1.0), k_ev, rtol=1e-9)
    assert_allclose(kT_in("cm⁻¹", 1.0), k_inverse_metre / 100, rtol=1e-9)
    assert_allclose(kT_in("kJ/mol", 1.0) * 1000, sc.R, rtol=4e-16)


@pytest.mark.parametrize(
    ("value", "from_unit", "to_unit", "expected"),
    [
        (1.0, "eV", "kJ/mol", 96.485332),  # the Faraday constant / 1000
        (1.0, "eV", "cm⁻¹", 8065.5439),
        (1.0, "kJ/mol", "cm⁻¹", 83.593472),
        (1000.0, "meV", "eV", 1.0),
        (1.0, "cm-1", "meV", 0.123984198),
    ],
)
def test_known_conversions(value, from_unit, to_unit, expected):
    assert_allclose(convert(value, from_unit, to_unit), expected, rtol=1e-8)


def test_ascii_aliases_and_canonical_names():
    for alias in ("cm-1", "cm^-1", "1/cm", "cm⁻¹"):
        assert canonical_unit(alias) == "cm⁻¹"
    assert to_joules(2.0, "cm-1") == to_joules(2.0, "cm⁻¹")


def test_scalars_give_floats_and_arrays_keep_their_shape():
    assert isinstance(to_joules(1, "eV"), float)
    assert isinstance(kT_in("meV", 300), float)
    values = np.array([[1.0, 2.0], [3.0, 4.0]])
    assert to_joules(values, "meV").shape == (2, 2)
    assert_allclose(kT_in("meV", [0.0, 300.0]), [0.0, sc.k * 300 / sc.e * 1000], rtol=4e-16)


def test_limits_pass_through():
    assert kT_in("meV", 0.0) == 0.0
    assert kT_in("cm⁻¹", math.inf) == math.inf
    assert kelvin_from_kT(math.inf, "eV") == math.inf
    assert to_joules(-math.inf, "eV") == -math.inf


@prop
@given(energies, units, units)
def test_round_trips(value, unit_a, unit_b):
    assert_allclose(from_joules(to_joules(value, unit_a), unit_a), value, rtol=4e-16)
    assert_allclose(convert(convert(value, unit_a, unit_b), unit_b, unit_a), value, rtol=1e-15)


@prop
@given(kelvins, units)
def test_kelvin_round_trip(kelvin, unit):
    assert_allclose(kelvin_from_kT(kT_in(unit, kelvin), unit), kelvin, rtol=1e-15)


@pytest.mark.parametrize("unit", ["MeV", "kcal/mol", "K", "", None, ["eV"]])
def test_unknown_units_are_named(unit):
    with pytest.raises(ValueError, match="unit must be one of"):
        to_joules(1.0, unit)
    with pytest.raises(ValueError, match="unit must be one of"):
        kT_in(unit, 300.0)


def test_bad_values_raise_naming_the_argument():
    with pytest.raises(ValueError, match="value contains NaN"):
        to_joules(math.nan, "eV")
    with pytest.raises(ValueError, match="kelvin must be ≥ 0"):
        kT_in("eV", -1.0)
    with pytest.raises(ValueError, match="kelvin must be ≥ 0"):
        kT_in("eV", [300.0, -math.inf])
    with pytest.raises(ValueError, match="kelvin contains NaN"):
        kT_in("eV", math.nan)
    with pytest.raises(ValueError, match="kT must be ≥ 0"):
        kelvin_from_kT(-1.0, "meV")
    with pytest.raises(TypeError, match="kelvin must be a real number"):
        kT_in("eV", "300 K")
    with pytest.raises(TypeError, match="value must be a real number"):
        to_joules(True, "eV")


def test_results_beyond_the_float_range_raise_instead_of_warning():
    with pytest.raises(ValueError, match="too large to express in cm⁻¹"):
        from_joules(1e300, "cm⁻¹")
    with pytest.raises(ValueError, match="beyond the float range"):
        kelvin_from_kT(1e300, "J")
    # every unit is below a joule: to_joules never overflows
    assert math.isfinite(to_joules(1.7e308, "kJ/mol"))
