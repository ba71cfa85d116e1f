r"""The Boltzmann distribution: softmax with temperature, read as statistical mechanics.

A system whose levels have energies :math:`E_i` and degeneracies :math:`g_i`, in equilibrium at
temperature T, occupies them with

.. math:: p_i = \frac{g_i\, e^{-E_i / kT}}{Z}, \qquad Z = \sum_j g_j\, e^{-E_j / kT},

which is ``softmax(-E / kT + ln g)``: the logits are minus the energies and the softmax
temperature is kT, in the unit of the energies (:mod:`explorer.units` converts kelvin to kT).
Everything here is built on :mod:`explorer.core`, so it inherits its exact limits (kT = 0, kT = inf)
and its overflow care (levels 1e300 apart at kT = 1e-300). Heat capacity and entropy are in units
of k_B. Bad input raises ``ValueError`` naming the argument; nothing warns or returns NaN.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from numbers import Integral, Real

import numpy as np
from numpy.typing import ArrayLike

# The core's private helpers are shared on purpose: (E - E0) / kT with the same overflow care as
# softmax itself, and the same probability-vector checks, rather than a second copy of each.
from explorer.checks import check_real, real_array
from explorer.core import _check_probs, _scaled_shifted, log_softmax, softmax
from explorer.units import SPEED_OF_LIGHT, canonical_unit

__all__ = [
    "CO_ROTATIONAL_CONSTANT",
    "MAX_LADDER_LEVELS",
    "MAX_PARTICLES",
    "PRESETS",
    "LevelScheme",
    "SchottkyPeak",
    "Thermodynamics",
    "boltzmann_populations",
    "carbon_monoxide_rotor",
    "draw_ensemble",
    "harmonic_ladder",
    "harmonic_truncation_error",
    "rigid_rotor",
    "rotor_most_populated_estimate",
    "schottky_heat_capacity",
    "schottky_peak",
    "thermodynamics",
    "two_level",
]

#: Most particles :func:`draw_ensemble` draws: plenty for a histogram, instant to sample.
MAX_PARTICLES = 1_000_000

#: Most levels a ladder or rotor preset builds (a long ladder is 400 levels).
MAX_LADDER_LEVELS = 10_000

#: Rotational constant B₀ of ¹²C¹⁶O in its ground vibrational state, in cm⁻¹ (1.922529).
#: B₀ = 57 635.968 019(28) MHz from sub-Doppler rotational lines: G. Winnewisser, S. P. Belov,
#: Th. Klaus and R. Schieder, J. Mol. Spectrosc. 184, 468–472 (1997), the value the CDMS catalogue
#: uses; divided by c to give cm⁻¹. (The equilibrium B_e = 1.93128 cm⁻¹, Huber & Herzberg via the
#: NIST Chemistry WebBook, is 0.5 % larger; B₀ = B_e − α_e/2 is the one the v = 0 molecules have.)
CO_ROTATIONAL_CONSTANT = 57_635.968_019e6 / (SPEED_OF_LIGHT * 100.0)


# --- validation ---------------------------------------------------------------------------------


def _check_energies(energies: ArrayLike) -> np.ndarray:
    """Level energies as a non-empty 1-D float array, every one finite."""
    e = real_array(energies, "energies")
    if e.ndim != 1 or e.size == 0:
        raise ValueError(f"energies must be a 1-D array of at least one level, got shape {e.shape}")
    if not np.isfinite(e).all():
        raise ValueError("energies must be finite numbers (found NaN or ±inf)")
    return e


def _check_degeneracies(degeneracies: ArrayLike | None, n_levels: int) -> np.ndarray:
    """Degeneracies as a float array of ``n_levels`` positive finite numbers (default all 1)."""
    if degeneracies is None:
        return np.ones(n_levels)
    g = real_array(degeneracies, "degeneracies")
    if g.shape != (n_levels,):
        raise ValueError(
            f"degeneracies must have one entry per level: {n_levels} energies, shape {g.shape}"
        )
    if not np.isfinite(g).all() or (g <= 0).any():
        raise ValueError("degeneracies must be finite numbers > 0 (found NaN, inf, 0 or < 0)")
    with np.errstate(over="ignore"):
        if not math.isfinite(g.sum()):
            raise ValueError("degeneracies add up to more than the float range (about 1.8e308)")
    return g


def _check_kT(kT: ArrayLike) -> tuple[np.ndarray, bool]:
    """Temperatures as a 1-D float array, and whether ``kT`` was a scalar."""
    if isinstance(kT, (bool, np.bool_)):
        raise TypeError(f"kT must be a real number ≥ 0 or a 1-D array of them, got {kT!r}")
    t = real_array(kT, "kT", "a real number ≥ 0 or a 1-D array of them")
    if t.ndim > 1 or t.size == 0:
        raise ValueError(f"kT must be a number or a non-empty 1-D array, got shape {t.shape}")
    if np.isnan(t).any() or (t < 0).any():
        raise ValueError("kT must be ≥ 0 (0 = ground state, inf = all states equally likely)")
    return np.atleast_1d(t), t.ndim == 0


def _check_positive(value: float, name: str) -> float:
    """A finite real number > 0, or raise naming ``name``."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, Real):
        raise TypeError(f"{name} must be a real number > 0, got {value!r:.60}")
    number = check_real(value, name)
    if not (math.isfinite(number) and number > 0):
        raise ValueError(f"{name} must be a finite number > 0, got {number!r}")
    return number


def _check_count(value: int, name: str, low: int, high: int) -> int:
    """An integer in [low, high], or raise naming ``name``."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, Integral):
        raise TypeError(f"{name} must be an integer, got {value!r}")
    if not low <= value <= high:
        raise ValueError(f"{name} must be between {low:,} and {high:,}, got {value:,}")
    return int(value)


# --- the distribution ---------------------------------------------------------------------------


def _reduced_energies(energies: np.ndarray, kT: float) -> np.ndarray:
    """x_i = (E_i − E_0) / kT ≥ 0, with E_0 the ground energy; +inf beyond the float range.

    kT = 0 gives 0 for the ground level(s) and +inf above them; kT = inf gives 0 everywhere.
    """
    if kT == 0:
        return np.where(energies == energies.min(), 0.0, math.inf)
    if math.isinf(kT):
        return np.zeros_like(energies)
    return -_scaled_shifted(-energies, kT, axis=-1)


def _reduced_rows(energies: np.ndarray, kTs: np.ndarray) -> np.ndarray:
    """x = (E − E_0) / kT, one row per temperature: shape (m, n)."""
    return np.stack([_reduced_energies(energies, float(t)) for t in kTs])


def boltzmann_populations(
    energies: ArrayLike, kT: ArrayLike, degeneracies: ArrayLike | None = None
) -> np.ndarray:
    r"""Level populations of the Boltzmann distribution.

    .. math:: p_i = \frac{g_i\, e^{-E_i / kT}}{\sum_j g_j\, e^{-E_j / kT}}
        = \mathrm{softmax}\!\left(-\frac{E}{kT} + \ln g\right)_i

    Parameters
    ----------
    energies : array_like
        1-D level energies, finite, in any unit (only differences matter).
    kT : float or array_like
        Thermal energy ``kT ≥ 0`` in the unit of ``energies``, or a 1-D array of them.
        ``kT = 0``: all the population is in the ground level(s), the levels exactly equal to the
        lowest energy, shared among them in proportion to their degeneracies (the kT → 0+ limit).
        ``kT = inf``: ``p_i = g_i / Σ g``, every state equally likely.
    degeneracies : array_like, optional
        g_i, one positive finite number per level (usually whole numbers); default all 1.

    Returns
    -------
    numpy.ndarray
        Shape ``(n,)`` for a scalar kT, ``(m, n)`` for m temperatures; each row sums to 1.

    Raises
    ------
    ValueError
        Energies empty, NaN or ±inf; kT negative or NaN; degeneracies of the wrong length, ≤ 0 or
        not finite.

    Examples
    --------
    >>> boltzmann_populations([0.0, 1.0], kT=1.0).round(4)
    array([0.7311, 0.2689])
    >>> boltzmann_populations([0.0, 0.0, 5.0], kT=0, degeneracies=[1, 3, 5])
    array([0.25, 0.75, 0.  ])
    """
    e = _check_energies(energies)
    log_g = np.log(_check_degeneracies(degeneracies, e.size))
    kTs, scalar = _check_kT(kT)
    p = softmax(log_g - _reduced_rows(e, kTs), 1.0, axis=-1)
    return p[0] if scalar else p


@dataclass(frozen=True)
class Thermodynamics:
    """Equilibrium properties at one temperature (floats) or several (arrays of shape (m,)).

    Energies (``ground_energy``, ``mean_energy``, ``free_energy``) are in the unit of the input;
    ``entropy`` and ``heat_capacity`` are in units of k_B (multiply by k_B or R for SI).
    """

    kT: float | np.ndarray
    #: E_0 = min E, the shift: Z = e^(−E_0/kT) · Z_rel.
    ground_energy: float
    #: p_i, shape (n,) or (m, n).
    populations: np.ndarray
    #: ln Z_rel, Z_rel = Σ g_i e^(−(E_i − E_0)/kT): always finite, from ln g_ground to ln Σ g.
    log_relative_partition_function: float | np.ndarray
    #: Z_rel, the partition function counted from the ground level: finite, ≥ Σ g over E_0.
    relative_partition_function: float | np.ndarray
    #: ln Z = ln Z_rel − E_0/kT: ±inf only where E_0/kT overflows (and at kT = 0 if E_0 ≠ 0).
    log_partition_function: float | np.ndarray
    #: Z = exp(ln Z): 0 or inf where Z is beyond the float range (use the logs or Z_rel then).
    partition_function: float | np.ndarray
    #: U = Σ p_i E_i.
    mean_energy: float | np.ndarray
    #: S / k_B = ln Z + U / kT = −Σ p_i ln(p_i / g_i).
    entropy: float | np.ndarray
    #: C / k_B = Var(E) / (kT)² = dU / d(kT).
    heat_capacity: float | np.ndarray
    #: F = U − T S = −kT ln Z (±inf where −kT ln Z_rel is beyond the float range).
    free_energy: float | np.ndarray


def _infinite_kT_free_energy(log_z_rel: np.ndarray, mean_energy: np.ndarray) -> np.ndarray:
    """F at kT = inf: −kT ln Σg → ∓inf, except Σg = 1, where F → the g-weighted mean energy."""
    return np.where(log_z_rel == 0, mean_energy, -np.sign(log_z_rel) * math.inf)


def thermodynamics(
    energies: ArrayLike, kT: ArrayLike, degeneracies: ArrayLike | None = None
) -> Thermodynamics:
    r"""Partition function, mean energy, entropy, heat capacity and free energy.

    With :math:`x_i = (E_i - E_0)/kT` counted from the ground energy :math:`E_0 = \min E`,
    :math:`Z_\mathrm{rel} = \sum_i g_i e^{-x_i}` the partition function counted from the ground
    level and :math:`p_i` the populations (see :func:`boltzmann_populations`):

    .. math::
        \ln Z = \ln Z_\mathrm{rel} - \frac{E_0}{kT}, \quad
        U = E_0 + \sum_i p_i (E_i - E_0), \quad
        \frac{S}{k_B} = \ln Z + \frac{U}{kT} = \ln Z_\mathrm{rel} + \langle x \rangle, \quad
        \frac{C}{k_B} = \frac{\mathrm{Var}(E)}{(kT)^2} = \langle (x - \langle x \rangle)^2 \rangle,
        \quad F = -kT \ln Z = E_0 - kT \ln Z_\mathrm{rel}

    Parameters
    ----------
    energies, degeneracies
        As in :func:`boltzmann_populations`.
    kT : float or array_like
        ``kT ≥ 0`` in the unit of the energies, or a 1-D array of them (for curves).

    Returns
    -------
    Thermodynamics
        Floats for a scalar kT; arrays of shape (m,) (populations (m, n)) for m temperatures.

    Notes
    -----
    Working from the ground level keeps every quantity in range at any level spacing: the
    variance is taken about the mean of x (never as E[E²] − E[E]²), and
    ``log_relative_partition_function`` is always finite. The limits are exact:
    kT = 0 gives U = E_0, S = ln g_ground (the summed degeneracy of the levels at E_0), C = 0,
    F = E_0, ln Z = ∓inf for E_0 ≷ 0; kT = inf gives p_i = g_i/Σg, U = Σ g_i E_i / Σ g,
    S = ln Σg, C = 0, F = −inf (Σg > 1).

    Examples
    --------
    >>> t = thermodynamics([0.0, 1.0], kT=1.0)
    >>> round(t.mean_energy, 4), round(t.entropy, 4), round(t.heat_capacity, 4)
    (0.2689, 0.5822, 0.1966)
    >>> thermodynamics([0.0, 0.0, 5.0], kT=0, degeneracies=[1, 3, 5]).entropy == math.log(4)
    True
    """
    e = _check_energies(energies)
    log_g = np.log(_check_degeneracies(degeneracies, e.size))
    kTs, scalar = _check_kT(kT)
    ground = float(e.min())
    reduced = _reduced_rows(e, kTs)
    weights = log_g - reduced  # the logits ln g − x; −inf where x is beyond the float range
    log_p = log_softmax(weights, 1.0, axis=-1)
    p = softmax(weights, 1.0, axis=-1)
    top = weights.argmax(axis=-1)[:, None]  # ln Z_rel = w_k − ln p_k, exact at the largest w_k
    log_z_rel = (np.take_along_axis(weights, top, -1) - np.take_along_axis(log_p, top, -1))[:, 0]
    x = np.where(p > 0, reduced, 0.0)  # unpopulated levels drop out of the averages
    with np.errstate(under="ignore", over="ignore", divide="ignore", invalid="ignore"):
        mean_x = (p * x).sum(axis=-1)
        heat_capacity = (p * (x - mean_x[:, None]) ** 2).sum(axis=-1)
        excitation = e - ground  # E − E_0 ≥ 0; inf only where the spread is beyond 1.8e308
        mean_energy = ground + p @ excitation if np.isfinite(excitation).all() else p @ e
        mean_energy = np.clip(mean_energy, ground, e.max())  # a mean lies in range: no ulp over
        finite = np.isfinite(kTs) & (kTs > 0)
        free_energy = np.where(finite, ground - kTs * log_z_rel, ground)
        free_energy = np.where(
            np.isinf(kTs), _infinite_kT_free_energy(log_z_rel, mean_energy), free_energy
        )
        shift = np.where(kTs > 0, ground / kTs, np.sign(ground) * math.inf)
        log_z = log_z_rel - np.where(ground == 0, 0.0, shift)
        z = np.exp(log_z)
    fields = {
        "kT": kTs,
        "log_relative_partition_function": log_z_rel,
        "relative_partition_function": np.exp(log_z_rel),
        "log_partition_function": log_z,
        "partition_function": z,
        "mean_energy": mean_energy,
        "entropy": log_z_rel + mean_x,
        "heat_capacity": heat_capacity,
        "free_energy": free_energy,
    }
    if scalar:
        fields = {name: float(value[0]) for name, value in fields.items()}
    return Thermodynamics(ground_energy=ground, populations=p[0] if scalar else p, **fields)


# --- presets ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LevelScheme:
    """A set of energy levels to explore: pure data, energies in ``unit``."""

    name: str
    description: str
    unit: str  # one of explorer.units.UNITS
    energies: np.ndarray  # shape (n,)
    degeneracies: np.ndarray  # shape (n,), positive
    labels: tuple[str, ...]  # one per level, e.g. "J = 3"


def two_level(gap: float, g_lower: float = 1, g_upper: float = 1, unit: str = "meV") -> LevelScheme:
    """Two levels, 0 and ``gap`` (> 0), with degeneracies ``g_lower`` and ``g_upper`` (> 0).

    Its heat capacity is the Schottky anomaly (:func:`schottky_heat_capacity`): a single bump
    near kT ≈ 0.42 gap for g = 1, 1.

    Examples
    --------
    >>> two_level(10.0).energies
    array([ 0., 10.])
    """
    unit = canonical_unit(unit)
    gap = _check_positive(gap, "gap")
    g = np.array([_check_positive(g_lower, "g_lower"), _check_positive(g_upper, "g_upper")])
    return LevelScheme(
        name="Two-level system",
        description=(
            f"Two levels {gap:g} {unit} apart (degeneracies {g[0]:g} and {g[1]:g}): a spin in a "
            "magnetic field, a defect with two states. Its heat capacity has a single peak, the "
            "Schottky anomaly, at kT ≈ 0.42 Δ for equal degeneracies."
        ),
        unit=unit,
        energies=np.array([0.0, gap]),
        degeneracies=g,
        labels=("lower", "upper"),
    )


def harmonic_ladder(quantum: float, n_levels: int, unit: str = "meV") -> LevelScheme:
    r"""Evenly spaced levels :math:`E_n = (n + \tfrac12)\hbar\omega`, n = 0 … N − 1, all g = 1.

    A harmonic oscillator truncated to its ``n_levels`` lowest levels. The truncation leaves out
    the population the full oscillator has above them, :math:`e^{-N\hbar\omega/kT}`
    (:func:`harmonic_truncation_error`), so the ladder is the oscillator to within that when
    N·ħω ≫ kT; its heat capacity is then Einstein's.

    Examples
    --------
    >>> harmonic_ladder(2.0, 3).energies
    array([1., 3., 5.])
    """
    unit = canonical_unit(unit)
    quantum = _check_positive(quantum, "quantum")
    n = _check_count(n_levels, "n_levels", 1, MAX_LADDER_LEVELS)
    if not math.isfinite((n - 0.5) * quantum):
        raise ValueError("quantum × n_levels is beyond the float range: use a smaller quantum")
    levels = np.arange(n)
    return LevelScheme(
        name="Evenly spaced ladder (harmonic oscillator)",
        description=(
            f"A harmonic oscillator, E_n = (n + ½)·ħω with ħω = {quantum:g} {unit}, truncated to "
            f"its {n} lowest levels: the missing population is exp(−{n}·ħω/kT), negligible while "
            f"{n}·ħω ≫ kT (below 1e-15 for kT < {n * quantum / 35:.3g} {unit})."
        ),
        unit=unit,
        energies=(levels + 0.5) * quantum,
        degeneracies=np.ones(n),
        labels=tuple(f"n = {k}" for k in levels),
    )


def harmonic_truncation_error(quantum: float, n_levels: int, kT: ArrayLike) -> np.ndarray | float:
    r"""Population of the full harmonic oscillator above its ``n_levels`` lowest levels.

    .. math:: \sum_{n \ge N} (1 - e^{-x}) e^{-n x} = e^{-N x}, \qquad x = \hbar\omega / kT

    0 at kT = 0, 1 at kT = inf. A float for a scalar kT, else an array.

    Examples
    --------
    >>> float(harmonic_truncation_error(1.0, 400, kT=20.0)) < 1e-8
    True
    """
    quantum = _check_positive(quantum, "quantum")
    n = _check_count(n_levels, "n_levels", 1, MAX_LADDER_LEVELS)
    kTs, scalar = _check_kT(kT)
    with np.errstate(divide="ignore", over="ignore", under="ignore"):
        error = np.exp(-(quantum / kTs) * n)  # kT = 0: exp(−inf) = 0; kT = inf: exp(0) = 1
    return float(error[0]) if scalar else error


def rigid_rotor(
    rotational_constant: float, j_max: int, unit: str = "cm⁻¹", name: str = "Rigid rotor"
) -> LevelScheme:
    r"""Rotational levels :math:`E_J = B\,J(J+1)`, :math:`g_J = 2J + 1`, for J = 0 … ``j_max``.

    A linear rigid rotor (no centrifugal distortion); ``rotational_constant`` B > 0 is in ``unit``.

    Examples
    --------
    >>> rigid_rotor(1.0, 3).energies, rigid_rotor(1.0, 3).degeneracies
    (array([ 0.,  2.,  6., 12.]), array([1., 3., 5., 7.]))
    """
    unit = canonical_unit(unit)
    b = _check_positive(rotational_constant, "rotational_constant")
    j = np.arange(_check_count(j_max, "j_max", 0, MAX_LADDER_LEVELS - 1) + 1)
    if not math.isfinite(b * int(j[-1]) * (int(j[-1]) + 1.0)):
        raise ValueError(
            "rotational_constant × j_max(j_max + 1) is beyond the float range: use a smaller "
            "rotational_constant or j_max"
        )
    return LevelScheme(
        name=name,
        description=(
            f"A linear rigid rotor, E_J = B·J(J+1) with B = {b:.6g} {unit}, each level 2J + 1 "
            f"times degenerate, J = 0 … {j[-1]}."
        ),
        unit=unit,
        energies=b * j * (j + 1.0),
        degeneracies=2.0 * j + 1.0,
        labels=tuple(f"J = {k}" for k in j),
    )


def carbon_monoxide_rotor(j_max: int = 60) -> LevelScheme:
    """Carbon monoxide (¹²C¹⁶O) as a rigid rotor, B = :data:`CO_ROTATIONAL_CONSTANT` cm⁻¹.

    With ``j_max = 60`` the levels left out hold less than 1e-14 of the population at 300 K and
    less than 1e-4 at 1000 K. At 300 K the most populated level is J = 7.
    """
    scheme = rigid_rotor(CO_ROTATIONAL_CONSTANT, j_max, "cm⁻¹", "Carbon monoxide rotor")
    description = (
        f"¹²C¹⁶O as a rigid rotor: E_J = B·J(J+1), g_J = 2J + 1, B₀ = {CO_ROTATIONAL_CONSTANT:.4f} "
        f"cm⁻¹ (ground vibrational state; Winnewisser et al. 1997), J = 0 … {j_max}. Many levels "
        "are populated at room temperature; the most populated is J = 7 at 300 K, where the "
        "(2J + 1) states of a level outweigh its Boltzmann factor."
    )
    return LevelScheme(
        name=scheme.name,
        description=description,
        unit=scheme.unit,
        energies=scheme.energies,
        degeneracies=scheme.degeneracies,
        labels=scheme.labels,
    )


def rotor_most_populated_estimate(rotational_constant: float, kT: float) -> float:
    r"""The J where :math:`(2J + 1)\, e^{-B J (J+1)/kT}` peaks, treating J as continuous.

    .. math:: J_\mathrm{max} \approx \sqrt{kT / 2B} - \tfrac12

    B and kT in the same unit; the most populated level is one of the integers next to it.

    Examples
    --------
    >>> round(rotor_most_populated_estimate(2.0, 400.0), 3)
    9.5
    """
    b = _check_positive(rotational_constant, "rotational_constant")
    if isinstance(kT, (bool, np.bool_)) or not isinstance(kT, Real):
        raise ValueError(f"kT must be a number ≥ 0, got {kT!r:.60}")
    if not check_real(kT, "kT") >= 0:
        raise ValueError(f"kT must be a number ≥ 0, got {kT!r:.60}")
    return math.sqrt(float(kT) / (2.0 * b)) - 0.5


#: The page's presets, ready to use: energies in each scheme's unit.
PRESETS: dict[str, LevelScheme] = {
    "two_level": two_level(10.0, unit="meV"),
    "ladder": harmonic_ladder(25.0, 30, unit="meV"),
    "co_rotor": carbon_monoxide_rotor(),
}


# --- the Schottky anomaly -----------------------------------------------------------------------


def schottky_heat_capacity(
    kT: ArrayLike, gap: float, g_lower: float = 1, g_upper: float = 1
) -> np.ndarray | float:
    r"""Heat capacity C/k_B of a two-level system (the Schottky anomaly), in closed form.

    .. math:: \frac{C}{k_B} = \frac{x^2\, r e^{-x}}{(1 + r e^{-x})^2}
        = \left(\frac{x/2}{\cosh((x - \ln r)/2)}\right)^2, \qquad x = \frac{\Delta}{kT},\
        r = \frac{g_\mathrm{upper}}{g_\mathrm{lower}}

    0 at kT = 0 and kT = inf. A float for a scalar kT, else an array.

    Examples
    --------
    >>> round(schottky_heat_capacity(1.0, 1.0), 4)
    0.1966
    """
    gap = _check_positive(gap, "gap")
    log_r = math.log(_check_positive(g_upper, "g_upper")) - math.log(
        _check_positive(g_lower, "g_lower")
    )
    kTs, scalar = _check_kT(kT)
    with np.errstate(divide="ignore", over="ignore", under="ignore", invalid="ignore"):
        x = gap / kTs
        decay = np.exp(-np.abs(x - log_r) / 2)  # 1/cosh(u) = 2 e^(−|u|) / (1 + e^(−2|u|))
        c = (x * decay / (1 + decay**2)) ** 2
    c = np.where(np.isinf(x), 0.0, c)  # kT = 0, or Δ/kT beyond the float range: C → 0
    return float(c[0]) if scalar else c


@dataclass(frozen=True)
class SchottkyPeak:
    """Where the two-level heat capacity peaks: kT/Δ there, and C/k_B there."""

    kT_over_gap: float
    heat_capacity: float


def schottky_peak(g_lower: float = 1, g_upper: float = 1) -> SchottkyPeak:
    r"""Location and height of the Schottky heat-capacity maximum, found numerically.

    Setting d(ln C)/dx = 0 in :func:`schottky_heat_capacity` gives

    .. math:: \frac{2}{x} = \tanh\frac{x - \ln r}{2},

    whose left side falls and right side rises, so it has exactly one root, with x ≥ 2. It is
    bracketed in [2, max(2, ln r) + 40] and bisected to the last bit (pure Python: no SciPy at run
    time). For g = 1, 1: kT ≈ 0.4168 Δ, C ≈ 0.4392 k_B.

    Examples
    --------
    >>> peak = schottky_peak()
    >>> round(peak.kT_over_gap, 4), round(peak.heat_capacity, 4)
    (0.4168, 0.4392)
    """
    log_r = math.log(_check_positive(g_upper, "g_upper")) - math.log(
        _check_positive(g_lower, "g_lower")
    )
    low, high = 2.0, max(2.0, log_r) + 40.0
    while True:
        middle = 0.5 * (low + high)
        if middle in (low, high):
            break
        if 2.0 / middle > math.tanh((middle - log_r) / 2):
            low = middle
        else:
            high = middle
    x = middle
    return SchottkyPeak(
        kT_over_gap=1.0 / x, heat_capacity=schottky_heat_capacity(1.0 / x, 1.0, g_lower, g_upper)
    )


# --- an ensemble of particles -------------------------------------------------------------------


def draw_ensemble(
    populations: ArrayLike,
    n_particles: int,
    rng: np.random.Generator | int | None = None,
) -> np.ndarray:
    """How many of ``n_particles`` independent particles sit in each level: a multinomial draw.

    Parameters
    ----------
    populations : array_like
        1-D level populations (≥ 0, summing to 1 within 1e-6), e.g. from
        :func:`boltzmann_populations`.
    n_particles : int
        0 to :data:`MAX_PARTICLES` (1,000,000).
    rng : numpy.random.Generator or int, optional
        A generator, or a seed for reproducible draws; ``None`` draws fresh randomness.

    Returns
    -------
    numpy.ndarray
        int64 counts, one per level, summing to ``n_particles``.

    Examples
    --------
    >>> draw_ensemble([0.5, 0.5, 0.0], 1000, rng=1).sum()
    np.int64(1000)
    """
    p = _check_probs(populations, -1, "populations")
    if p.ndim != 1:
        raise ValueError(f"populations must be a 1-D array, got shape {p.shape}")
    n = _check_count(n_particles, "n_particles", 0, MAX_PARTICLES)
    if not (rng is None or isinstance(rng, (np.random.Generator, Integral))) or isinstance(
        rng, (bool, np.bool_)
    ):
        raise TypeError(f"rng must be a numpy Generator, an integer seed or None, got {rng!r:.60}")
    if isinstance(rng, Integral) and rng < 0:
        raise ValueError(f"rng, as a seed, must be a whole number ≥ 0, got {rng}")
    generator = np.random.default_rng(rng)
    return generator.multinomial(n, p / p.sum()).astype(np.int64)
