r"""Energy units and thermal energy kT, from the exact SI constants (pure Python and numpy).

Since the 2019 SI revision the constants below are exact by definition, so every conversion here
is exact up to float rounding (a few parts in 1e16). Units are case-sensitive: ``meV`` is not
``MeV``.

.. math:: E[\mathrm{J}] = E[\mathrm{eV}]\, e = E[\mathrm{cm^{-1}}]\, 100\, h c
    = E[\mathrm{kJ/mol}]\, 10^3 / N_A, \qquad kT[\mathrm{J}] = k_B\, T[\mathrm{K}]
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from explorer.checks import real_array

__all__ = [
    "AVOGADRO",
    "BOLTZMANN",
    "ELEMENTARY_CHARGE",
    "JOULES_PER_UNIT",
    "PLANCK",
    "SPEED_OF_LIGHT",
    "UNITS",
    "canonical_unit",
    "convert",
    "from_joules",
    "kT_in",
    "kelvin_from_kT",
    "to_joules",
]

#: Boltzmann constant k_B in J/K (exact, SI 2019).
BOLTZMANN = 1.380649e-23
#: Elementary charge e in C (exact): 1 eV = e J.
ELEMENTARY_CHARGE = 1.602176634e-19
#: Planck constant h in J s (exact).
PLANCK = 6.62607015e-34
#: Speed of light c in m/s (exact).
SPEED_OF_LIGHT = 299792458.0
#: Avogadro constant N_A in 1/mol (exact).
AVOGADRO = 6.02214076e23

#: The energy units, in the order of the page's selector.
UNITS: tuple[str, ...] = ("meV", "eV", "cm⁻¹", "kJ/mol", "J")

#: Joules in one of each unit. A wavenumber ν̃ is the energy h c ν̃ (ν̃ in 1/m = 100 × cm⁻¹).
JOULES_PER_UNIT: dict[str, float] = {
    "meV": ELEMENTARY_CHARGE / 1000.0,
    "eV": ELEMENTARY_CHARGE,
    "cm⁻¹": PLANCK * SPEED_OF_LIGHT * 100.0,
    "kJ/mol": 1000.0 / AVOGADRO,
    "J": 1.0,
}

#: ASCII spellings accepted for the units whose names are not ASCII.
_ALIASES = {"cm-1": "cm⁻¹", "cm^-1": "cm⁻¹", "1/cm": "cm⁻¹"}


def canonical_unit(unit: str) -> str:
    """The name in :data:`UNITS` for ``unit`` (``"cm-1"`` → ``"cm⁻¹"``), or raise ValueError.

    Examples
    --------
    >>> canonical_unit("cm-1")
    'cm⁻¹'
    """
    name = _ALIASES.get(unit, unit) if isinstance(unit, str) else None
    if name not in JOULES_PER_UNIT:
        raise ValueError(f"unit must be one of {', '.join(UNITS)} (or cm-1), got {unit!r}")
    return name


def _as_numbers(value: ArrayLike, name: str) -> np.ndarray:
    """``value`` as a float64 array with no NaN, or raise naming ``name``."""
    if isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be a real number or an array of them, got {value!r}")
    array = real_array(value, name, "a real number or an array of them")
    if np.isnan(array).any():
        raise ValueError(f"{name} contains NaN; give numbers")
    return array


def _result(array: np.ndarray) -> np.ndarray | float:
    """A 0-d array as a Python float; anything else unchanged."""
    return float(array) if array.ndim == 0 else array


def to_joules(value: ArrayLike, unit: str) -> np.ndarray | float:
    """An energy in ``unit`` converted to joules.

    Parameters
    ----------
    value : float or array_like
        Energies in ``unit``; ±inf passes through, NaN is rejected.
    unit : str
        One of :data:`UNITS` (``"cm-1"`` is accepted for ``"cm⁻¹"``).

    Returns
    -------
    float or numpy.ndarray
        A float for a scalar ``value``, else an array of its shape. Every unit is smaller than a
        joule, so nothing overflows.

    Examples
    --------
    >>> to_joules(1.0, "eV")
    1.602176634e-19
    """
    factor = JOULES_PER_UNIT[canonical_unit(unit)]
    return _result(_as_numbers(value, "value") * factor)


def from_joules(value: ArrayLike, unit: str) -> np.ndarray | float:
    """An energy in joules converted to ``unit``; the inverse of :func:`to_joules`.

    Raises ``ValueError`` for NaN, or for a finite value whose conversion is beyond the float
    range (above about 1.8e308 in ``unit``, only for absurd energies like 1e300 J).

    Examples
    --------
    >>> round(from_joules(1.602176634e-19, "meV"), 9)
    1000.0
    """
    name = canonical_unit(unit)
    joules = _as_numbers(value, "value")
    with np.errstate(over="ignore"):
        converted = joules / JOULES_PER_UNIT[name]
    if (np.isinf(converted) & np.isfinite(joules)).any():
        raise ValueError(f"value is too large to express in {name} (beyond the float range)")
    return _result(converted)


def convert(value: ArrayLike, from_unit: str, to_unit: str) -> np.ndarray | float:
    """An energy in ``from_unit`` expressed in ``to_unit`` (through joules).

    Examples
    --------
    >>> round(convert(1.0, "eV", "kJ/mol"), 4)
    96.4853
    """
    return from_joules(to_joules(value, from_unit), to_unit)


def _check_kelvin(kelvin: ArrayLike) -> np.ndarray:
    """Temperatures in kelvin as an array: each ≥ 0 (inf allowed), not NaN."""
    temperatures = _as_numbers(kelvin, "kelvin")
    if (temperatures < 0).any():
        raise ValueError(f"kelvin must be ≥ 0 (absolute temperature), got {temperatures.min()!r}")
    return temperatures


def kT_in(unit: str, kelvin: ArrayLike) -> np.ndarray | float:
    r"""The thermal energy k_B·T at ``kelvin`` kelvin, in ``unit``.

    .. math:: kT = k_B T, \qquad k_B = 1.380649 \times 10^{-23}\ \mathrm{J/K}

    Parameters
    ----------
    unit : str
        One of :data:`UNITS`.
    kelvin : float or array_like
        Absolute temperatures ≥ 0; ``inf`` gives ``inf``. Negative or NaN raises ValueError.

    Returns
    -------
    float or numpy.ndarray
        A float for a scalar ``kelvin``, else an array of its shape.

    Examples
    --------
    >>> round(kT_in("meV", 300.0), 3), round(kT_in("cm⁻¹", 300.0), 2)
    (25.852, 208.51)
    """
    name = canonical_unit(unit)
    return from_joules(BOLTZMANN * _check_kelvin(kelvin), name)


def kelvin_from_kT(kT: ArrayLike, unit: str) -> np.ndarray | float:
    """The temperature in kelvin at which k_B·T equals ``kT`` (in ``unit``): T = kT / k_B.

    ``kT`` must be ≥ 0 (``inf`` allowed). Energies whose temperature is beyond the float range
    (kT above about 2.5e285 J) raise ValueError.

    Examples
    --------
    >>> round(kelvin_from_kT(25.852, "meV"), 1)
    300.0
    """
    energies = _as_numbers(kT, "kT")
    if (energies < 0).any():
        raise ValueError(f"kT must be ≥ 0, got {energies.min()!r}")
    joules = to_joules(energies, unit)
    with np.errstate(over="ignore"):
        kelvin = np.asarray(joules) / BOLTZMANN
    if (np.isinf(kelvin) & np.isfinite(joules)).any():
        raise ValueError("kT is too large: its temperature is beyond the float range")
    return _result(kelvin)
