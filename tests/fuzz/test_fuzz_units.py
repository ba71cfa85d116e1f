"""Fuzzing explorer.units: energy conversions and kT with hostile values and unit names.

Valid cases are checked against the exact SI factors (an independent product, not a round trip
through the module) and the conversions' algebra."""

import math

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from explorer import units
from tests.fuzz.hostile import (
    Case,
    call_contract,
    cases,
    float_vectors,
    fuzzes,
    hostile_arrays,
    hostile_scalars,
    hostile_text,
    junk,
    regressions,
    unfuzzed,
)

#: Joules per unit from the defining constants, written out here (the oracle).
EXACT = {
    "meV": 1.602176634e-19 / 1000,
    "eV": 1.602176634e-19,
    "cm⁻¹": 6.62607015e-34 * 299792458.0 * 100,
    "kJ/mol": 1000 / 6.02214076e23,
    "J": 1.0,
}
UNIT_NAMES = st.sampled_from([*units.UNITS, "cm-1", "cm^-1", "1/cm"])
bad_units = st.one_of(hostile_text, junk, st.sampled_from(["MEV", "ev", "kj/mol", "K", " eV"]))
energies = st.one_of(st.floats(-1e300, 1e300), st.sampled_from([math.inf, -math.inf, -0.0]))
values = st.one_of(energies, float_vectors(energies, max_size=5))
numbers = st.one_of(hostile_scalars(), hostile_arrays())


def as_array(value):
    return np.asarray(value, dtype=np.float64)


@fuzzes(units.canonical_unit)
@given(cases({"unit": UNIT_NAMES}, {"unit": bad_units}))
def test_canonical_unit(case):
    name = call_contract(units.canonical_unit, **case.kwargs, bad="unit")
    if name is not None:
        assert name in units.UNITS


# Found by the fuzzer: a long double beyond float64 warned, an int of 400 digits overflowed.
VALUE_REGRESSIONS = [
    Case({"value": np.longdouble("1e4000"), "unit": "meV"}, "value"),
    Case({"value": 10**400, "unit": "meV"}, "value"),
]


@fuzzes(units.to_joules)
@given(cases({"value": values, "unit": UNIT_NAMES}, {"value": numbers, "unit": bad_units}))
@regressions(VALUE_REGRESSIONS)
def test_to_joules(case):
    joules = call_contract(units.to_joules, **case.kwargs, bad=case.bad)
    if case.bad is None:
        value, unit = case.kwargs["value"], units.canonical_unit(case.kwargs["unit"])
        assert isinstance(joules, float) == np.isscalar(value)
        np.testing.assert_allclose(joules, as_array(value) * EXACT[unit], rtol=1e-15)


@fuzzes(units.from_joules)
@given(cases({"value": values, "unit": UNIT_NAMES}, {"value": numbers, "unit": bad_units}))
@regressions(VALUE_REGRESSIONS)
def test_from_joules(case):
    result = call_contract(units.from_joules, **case.kwargs, bad=case.bad or "value")
    if result is not None and case.bad is None:
        unit = units.canonical_unit(case.kwargs["unit"])
        expected = as_array(case.kwargs["value"]) / EXACT[unit]
        np.testing.assert_allclose(result, expected, rtol=1e-15)


@fuzzes(units.convert)
@given(
    cases(
        {"value": values, "from_unit": UNIT_NAMES, "to_unit": UNIT_NAMES},
        {"value": numbers, "from_unit": bad_units, "to_unit": bad_units},
    )
)
@regressions(
    [
        Case({"value": np.longdouble("1e4000"), "from_unit": "meV", "to_unit": "meV"}, "value"),
        Case({"value": 10**400, "from_unit": "meV", "to_unit": "eV"}, "value"),
    ]
)
def test_convert(case):
    # Too large to express in the target unit is a documented refusal of a valid value.
    bad = {"from_unit": "unit", "to_unit": "unit"}.get(case.bad, "value")
    result = call_contract(units.convert, **case.kwargs, bad=bad)
    if result is not None and case.bad is None:
        source = units.canonical_unit(case.kwargs["from_unit"])
        target = units.canonical_unit(case.kwargs["to_unit"])
        factor = EXACT[source] / EXACT[target]
        with np.errstate(over="ignore"):
            expected = as_array(case.kwargs["value"]) * factor
        # Through joules, values below about 1e-290 lose digits (or all of them) to underflow.
        np.testing.assert_allclose(result, expected, rtol=1e-14, atol=1e-290)


kelvins = st.one_of(st.floats(0, 1e300), st.just(math.inf))


@fuzzes(units.kT_in)
@given(
    cases(
        {"unit": UNIT_NAMES, "kelvin": st.one_of(kelvins, float_vectors(kelvins))},
        {"unit": bad_units, "kelvin": numbers},
    )
)
@regressions(
    [
        Case({"unit": "J", "kelvin": [np.longdouble("1e4000"), np.int64(-1)]}, "kelvin"),
        Case({"unit": "meV", "kelvin": 10**400}, "kelvin"),
    ]
)
def test_kT_in(case):
    kT = call_contract(units.kT_in, **case.kwargs, bad=case.bad)
    if case.bad is None:
        unit = units.canonical_unit(case.kwargs["unit"])
        expected = as_array(case.kwargs["kelvin"]) * 1.380649e-23 / EXACT[unit]
        assert (np.asarray(kT) >= 0).all()
        np.testing.assert_allclose(kT, expected, rtol=1e-14)


@fuzzes(units.kelvin_from_kT)
@given(
    cases(
        {"kT": st.one_of(kelvins, float_vectors(kelvins)), "unit": UNIT_NAMES},
        {"kT": numbers, "unit": bad_units},
    )
)
@regressions([Case({"kT": np.longdouble("1e4000"), "unit": "meV"}, "kT")])
def test_kelvin_from_kT(case):
    kelvin = call_contract(units.kelvin_from_kT, **case.kwargs, bad=case.bad or "kT")
    if kelvin is not None and case.bad is None:
        unit = units.canonical_unit(case.kwargs["unit"])
        with np.errstate(over="ignore"):
            expected = as_array(case.kwargs["kT"]) * EXACT[unit] / 1.380649e-23
        np.testing.assert_allclose(kelvin, expected, rtol=1e-14)
        assert (np.asarray(kelvin) >= 0).all()


def test_every_public_function_has_a_fuzzer():
    assert unfuzzed(units) == []
