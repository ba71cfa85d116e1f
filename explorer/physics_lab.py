"""The Boltzmann physics page's domain glue: curves over T, the Schottky marker, the softmax bridge.

Pure numpy on top of :mod:`explorer.physics`, :mod:`explorer.units` and :mod:`explorer.core`;
no Streamlit, no plotting. Energies are in one unit throughout (the page's); temperatures in
kelvin; entropy and heat capacity in units of k_B.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from explorer import physics
from explorer.checks import check_count, check_real, check_seed
from explorer.core import _check_probs, softmax
from explorer.state import MAX_LABEL_CHARS, ExplorerState
from explorer.units import canonical_unit, kelvin_from_kT, kT_in

CURVE_POINTS = 240
#: Curves span kT from (smallest gap)/CURVE_BELOW to (spread)·CURVE_ABOVE, and always the current T.
CURVE_BELOW, CURVE_ABOVE = 30.0, 10.0
#: The bridge's demonstration shift, in units of kT: every energy raised by 5 kT.
SHIFT_IN_KT = 5.0
#: Levels whose population is below this are drawn but left out of the diagram's default zoom.
VISIBLE_POPULATION = 1e-4


# The arguments come from the page's validated state; they are checked again here, with
# explorer.physics' own checks, so that a bad one raises a ValueError naming it, never a NaN.


def _levels(energies, degeneracies=None) -> tuple[np.ndarray, np.ndarray]:
    """(energies, degeneracies) checked as :mod:`explorer.physics` checks them (g = 1 if None)."""
    e = physics._check_energies(energies)
    return e, physics._check_degeneracies(degeneracies, e.size)


def _positive(value: float, name: str) -> float:
    """A finite number > 0 (a temperature in kelvin, or kT), or raise naming ``name``."""
    number = check_real(value, name)
    if not 0 < number < math.inf:
        raise ValueError(f"{name} must be a finite number > 0, got {number!r}")
    return number


def _populations(populations) -> np.ndarray:
    """A 1-D probability vector, or raise naming ``populations``."""
    p = _check_probs(populations, -1, "populations")
    if p.ndim != 1:
        raise ValueError(f"populations must be a 1-D array, got shape {p.shape}")
    return p


@dataclass(frozen=True)
class Curves:
    """Thermodynamic functions against temperature (arrays of shape (m,))."""

    kelvin: np.ndarray
    kT: np.ndarray
    mean_energy: np.ndarray
    entropy: np.ndarray
    free_energy: np.ndarray
    heat_capacity: np.ndarray
    max_entropy: float  # ln Σg, the kT → ∞ limit of S/k_B
    ground_entropy: float  # ln g_ground, the kT → 0 limit


def curve_kelvin_range(energies, unit: str, kelvin: float) -> tuple[float, float]:
    """Where the thermodynamics happens: from well below the smallest gap to above the spread."""
    e = np.unique(physics._check_energies(energies))
    unit, kelvin = canonical_unit(unit), _positive(kelvin, "kelvin")
    if e.size > 1:
        top_kT = float(kT_in(unit, 1e12))  # the range ends at 1e12 K: no need to go beyond
        with np.errstate(over="ignore"):  # a spread beyond 1.8e308 is inf, clipped below
            low_kT = min(float(np.diff(e).min()) / CURVE_BELOW, top_kT)
            high_kT = min(float(e[-1] - e[0]) * CURVE_ABOVE, top_kT)
        low, high = float(kelvin_from_kT(low_kT, unit)), float(kelvin_from_kT(high_kT, unit))
    else:
        low, high = kelvin / 100, kelvin * 100
    low, high = min(low, kelvin / 3), max(high, kelvin * 3)
    return max(low, 1e-9), min(high, 1e12)


def thermodynamic_curves(energies, degeneracies, unit: str, kelvin: float) -> Curves:
    """U, S, F and C over a log range of temperatures around the levels and the current T."""
    e, g = _levels(energies, degeneracies)
    low, high = curve_kelvin_range(e, unit, kelvin)
    kelvins = np.logspace(math.log10(low), math.log10(high), CURVE_POINTS)
    kTs = np.asarray(kT_in(unit, kelvins))
    t = physics.thermodynamics(e, kTs, g)
    return Curves(
        kelvin=kelvins,
        kT=kTs,
        mean_energy=np.asarray(t.mean_energy),
        entropy=np.asarray(t.entropy),
        free_energy=np.asarray(t.free_energy),
        heat_capacity=np.asarray(t.heat_capacity),
        max_entropy=float(math.log(g.sum())),
        ground_entropy=float(math.log(g[e == e.min()].sum())),
    )


@dataclass(frozen=True)
class SchottkyMarker:
    """The two-level heat-capacity peak, where the page marks it."""

    gap: float  # Δ, in the page's unit
    kT: float  # kT at the peak, in the page's unit
    kelvin: float
    kT_over_gap: float
    heat_capacity: float  # C/k_B at the peak


def schottky_marker(energies, degeneracies, unit: str) -> SchottkyMarker | None:
    """For exactly two distinct levels, the Schottky peak (None otherwise)."""
    e, g = _levels(energies, degeneracies)
    unit = canonical_unit(unit)
    if e.size != 2 or e[0] == e[1]:
        return None
    lower, upper = (0, 1) if e[0] < e[1] else (1, 0)
    gap = float(e[upper] - e[lower])
    peak = physics.schottky_peak(float(g[lower]), float(g[upper]))
    kT = peak.kT_over_gap * gap
    return SchottkyMarker(
        gap=gap,
        kT=kT,
        kelvin=float(kelvin_from_kT(kT, unit)),
        kT_over_gap=peak.kT_over_gap,
        heat_capacity=peak.heat_capacity,
    )


@dataclass(frozen=True)
class Bridge:
    """The same numbers read as softmax: logits z_i = ln g_i − E_i/kT at softmax temperature 1
    (equivalently logits −E_i + kT ln g_i at softmax temperature kT)."""

    kT: float
    logits: np.ndarray  # ln g − E/kT
    softmax: np.ndarray  # explorer.core.softmax(logits)
    boltzmann: np.ndarray  # explorer.physics.boltzmann_populations
    max_difference: float  # max |softmax − boltzmann|
    shift: float  # c = SHIFT_IN_KT · kT, added to every energy
    log_z: float  # ln Z
    log_z_shifted: float  # ln Z after the shift: ln Z − c/kT
    shifted_max_difference: float  # max |p(E + c) − p(E)|: 0 up to rounding
    ground: np.ndarray  # kT → 0: the ground level(s), shared by g
    uniform: np.ndarray  # kT → ∞: g_i / Σg
    entropy: float  # S/k_B now
    max_entropy: float  # ln Σg
    ground_entropy: float  # ln g_ground


def bridge(energies, degeneracies, kT: float) -> Bridge:
    """Boltzmann populations next to softmax of the same numbers, the shift and the limits."""
    e, g = _levels(energies, degeneracies)
    kT = _positive(kT, "kT")
    with np.errstate(over="ignore"):
        logits = np.log(g) - e / kT
        if not np.isfinite(logits).all():  # some E/kT beyond the float range: count from E₀,
            logits = np.log(g) - (e - e.min()) / kT  # which can only overflow to -inf
    logits = np.where(np.isfinite(logits), logits, -np.inf)
    by_softmax = softmax(logits)
    now = physics.thermodynamics(e, kT, g)
    shift = SHIFT_IN_KT * kT
    shifted = physics.thermodynamics(e + shift, kT, g)
    return Bridge(
        kT=kT,
        logits=logits,
        softmax=by_softmax,
        boltzmann=now.populations,
        max_difference=float(np.abs(by_softmax - now.populations).max()),
        shift=shift,
        log_z=now.log_partition_function,
        log_z_shifted=shifted.log_partition_function,
        shifted_max_difference=float(np.abs(shifted.populations - now.populations).max()),
        ground=physics.boltzmann_populations(e, 0.0, g),
        uniform=physics.boltzmann_populations(e, math.inf, g),
        entropy=now.entropy,
        max_entropy=float(math.log(g.sum())),
        ground_entropy=float(math.log(g[e == e.min()].sum())),
    )


def most_populated(populations) -> int:
    """Index of the most populated level (the lowest such on a tie)."""
    return int(np.argmax(_populations(populations)))


def visible_top(energies, populations, kT: float) -> float:
    """Top of the level diagram's default zoom: every level holding ≥ VISIBLE_POPULATION, the
    first level above the ground, and E₀ + 1.5 kT, whichever is highest."""
    e = physics._check_energies(energies)
    p = _populations(populations)
    if p.shape != e.shape:
        raise ValueError(
            f"populations must have one entry per level of energies: {e.size}, got {p.size}"
        )
    kT = check_real(kT, "kT")
    if not kT >= 0:
        raise ValueError(f"kT must be ≥ 0, got {kT!r}")
    order = np.unique(e)
    candidates = [float(e[p >= VISIBLE_POPULATION].max())]
    if order.size > 1:
        candidates.append(float(order[1]))
    top = max(candidates)
    return min(max(top, float(e.min()) + 1.5 * kT), float(e.max()))


@dataclass(frozen=True)
class Ensemble:
    """N particles drawn from the populations: counts and fractions per level."""

    counts: np.ndarray
    fractions: np.ndarray
    expected: np.ndarray
    largest_deviation: float  # max |fraction − p|
    typical_deviation: float  # √(max p(1 − p) / N): the size of the fluctuations to expect


def ensemble(populations, particles: int, seed: int) -> Ensemble:
    """A seeded multinomial draw of ``particles`` particles (explorer.physics.draw_ensemble)."""
    p = _populations(populations)
    particles = check_count(particles, "particles", physics.MAX_PARTICLES)
    counts = physics.draw_ensemble(p, particles, rng=check_seed(seed))
    fractions = counts / particles
    return Ensemble(
        counts=counts,
        fractions=fractions,
        expected=p,
        largest_deviation=float(np.abs(fractions - p).max()),
        typical_deviation=float(math.sqrt(float((p * (1 - p)).max()) / particles)),
    )


def as_explorer_state(energies, degeneracies, labels, kT: float) -> ExplorerState:
    """The Explorer's state whose bars at T = 1 are these populations.

    Logits ln g − (E − E₀)/kT, to 6 significant digits (a readable link); at Explorer T = 1
    their softmax is the Boltzmann distribution at kT.
    """
    energies, degeneracies = _levels(energies, degeneracies)
    kT = _positive(kT, "kT")
    if not isinstance(labels, Sequence) or isinstance(labels, str):
        raise TypeError(f"labels must be a list of texts, one per level, got {labels!r:.60}")
    if not all(isinstance(label, str) for label in labels):
        raise TypeError("labels must be a list of texts, one per level")
    if len(labels) != energies.size:
        raise ValueError(
            f"labels must have one entry per level: {energies.size}, got {len(labels)}"
        )
    with np.errstate(over="ignore"):  # beyond the float range: -inf, a masked logit
        logits = np.log(degeneracies) - (energies - energies.min()) / kT
    return ExplorerState(
        logits=tuple(float(f"{z:.6g}") if math.isfinite(z) else -math.inf for z in logits),
        labels=tuple(label[:MAX_LABEL_CHARS] for label in labels),
        temperature=1.0,
    )
