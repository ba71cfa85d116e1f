"""The Boltzmann physics page's state: one object for everything the page shows, and its URL form.

Pure Python (no Streamlit). Energies are kept in the state's unit, as the energies field shows
them; a preset's energies are rounded to 10 significant digits so that the field, the state and
the link hold the same numbers exactly.

Caps (each with a message when exceeded): 2 to :data:`MAX_LEVELS` levels; energies within
±:data:`MAX_ABS_ENERGY` in the chosen unit; degeneracies in (0, :data:`MAX_DEGENERACY`];
temperatures from :data:`MIN_KELVIN` to :data:`MAX_KELVIN` kelvin (0 K is a limit, shown in the
bridge view, not a temperature one can set); 1 to :data:`MAX_PARTICLES` particles.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace

import numpy as np

from explorer import physics
from explorer.checks import check_count, check_real, real_array
from explorer.links import query_from_state, state_from_query
from explorer.state import InputError, parse_number
from explorer.units import UNITS, convert, kT_in

SYSTEMS = ("co_rotor", "two_level", "ladder", "custom")
SYSTEM_NAMES = {
    "co_rotor": "CO rotor",
    "two_level": "Two-level",
    "ladder": "Ladder (oscillator)",
    "custom": "Custom",
}
#: Preset name in explorer.physics.PRESETS for each preset system.
_PRESET_KEYS = {"co_rotor": "co_rotor", "two_level": "two_level", "ladder": "ladder"}
VIEWS = ("thermo", "bridge", "ensemble")

MIN_LEVELS = 2
MAX_LEVELS = 80  # the CO preset has 61 (J = 0 … 60); more bars than 80 are unreadable
MAX_TEXT_CHARS = 3000  # an energies or degeneracies field (80 numbers of 10 digits fit easily)
MAX_ABS_ENERGY = 1e12  # in the chosen unit: far beyond any atomic or molecular level
MAX_DEGENERACY = 1e12
MIN_KELVIN = 1e-6
MAX_KELVIN = 1e9
MAX_PARTICLES = physics.MAX_PARTICLES
MAX_SEED = 2**32 - 1
SIGNIFICANT_DIGITS = 10  # presets and unit conversions are rounded to this many

_SEPARATORS = re.compile(r"[,;\s]+")


def rounded(values) -> tuple[float, ...]:
    """Values rounded to :data:`SIGNIFICANT_DIGITS` significant digits, as exact floats."""
    return tuple(_round(v) for v in map(float, _levels(values, "values")))


def _round(value: float) -> float:
    """``value`` to SIGNIFICANT_DIGITS digits; the largest floats round up beyond the float
    range, and stay as they are."""
    result = float(f"{value:.{SIGNIFICANT_DIGITS}g}")
    return result if math.isfinite(result) or not math.isfinite(value) else value


def _levels(values, name: str) -> np.ndarray:
    """``values`` as a 1-D float array with no NaN (±inf pass), or an error naming ``name``."""
    array = real_array(values, name)
    if array.ndim != 1:
        raise ValueError(f"{name} must be a list of numbers, got shape {array.shape}")
    if np.isnan(array).any():
        raise ValueError(f"{name} contain NaN; give numbers")
    return array


def preset_levels(system: str) -> tuple[str, tuple[float, ...], tuple[float, ...]]:
    """(unit, energies, degeneracies) of a preset system, energies rounded."""
    if not isinstance(system, str) or system not in _PRESET_KEYS:
        raise ValueError(f"system must be one of {', '.join(_PRESET_KEYS)}, got {system!r}")
    scheme = physics.PRESETS[_PRESET_KEYS[system]]
    return scheme.unit, rounded(scheme.energies), tuple(float(g) for g in scheme.degeneracies)


_CO_UNIT, _CO_ENERGIES, _CO_DEGENERACIES = preset_levels("co_rotor")


@dataclass(frozen=True)
class PhysicsState:
    """Everything the Boltzmann physics page shows."""

    system: str = "co_rotor"  # one of SYSTEMS: which preset the levels came from, or custom
    unit: str = _CO_UNIT  # one of explorer.units.UNITS: the unit of ``energies``
    energies: tuple[float, ...] = _CO_ENERGIES  # finite, |E| ≤ MAX_ABS_ENERGY
    degeneracies: tuple[float, ...] = _CO_DEGENERACIES  # one per level, > 0
    kelvin: float = 300.0  # MIN_KELVIN … MAX_KELVIN
    particles: int = 1000  # ensemble size
    seed: int = 42  # the ensemble's random seed
    view: str = "thermo"  # one of VIEWS

    @property
    def kT(self) -> float:
        """k_B T in the state's unit."""
        return float(kT_in(self.unit, self.kelvin))

    @property
    def labels(self) -> tuple[str, ...]:
        """The preset's level names (J = 3, n = 2, lower …) or level 0, level 1, …."""
        if self.system in _PRESET_KEYS:
            labels = physics.PRESETS[_PRESET_KEYS[self.system]].labels
            if len(labels) == len(self.energies):
                return labels
        return tuple(f"level {i}" for i in range(len(self.energies)))

    @property
    def populations(self) -> np.ndarray:
        """The Boltzmann populations at this temperature."""
        return physics.boltzmann_populations(self.energies, self.kT, self.degeneracies)


def with_preset(state: PhysicsState, system: str) -> PhysicsState:
    """``state`` with a preset's levels and unit (``custom`` keeps the levels)."""
    if system == "custom":
        return replace(state, system="custom")
    unit, energies, degeneracies = preset_levels(system)
    return replace(state, system=system, unit=unit, energies=energies, degeneracies=degeneracies)


def convert_energies(energies, from_unit: str, to_unit: str) -> tuple[float, ...]:
    """Energies expressed in another unit, rounded to 10 significant digits."""
    try:
        converted = convert(_levels(energies, "energies"), from_unit, to_unit)
    except ValueError as error:
        raise ValueError(f"energies in {to_unit!s:.20}: {error}") from None
    return rounded(np.atleast_1d(converted))


# --- parsing what a user types ------------------------------------------------------------------


def format_levels(values) -> str:
    """``0, 3.845, 11.53``: exact (shortest round trip), whole numbers without ``.0``."""
    return ", ".join(
        str(int(v)) if v.is_integer() and abs(v) < 1e15 else repr(v)
        for v in map(float, _levels(values, "values"))
    )


def format_kelvin(kelvin: float) -> str:
    """``300 K``: a temperature as the slider shows it."""
    value = check_real(kelvin, "kelvin")
    if math.isnan(value):
        raise ValueError("kelvin is NaN; give a temperature")
    return f"{value:g} K"


def _parse_list(text: str, what: str, low: float, high: float, unit: str = "") -> list[float]:
    text = str(text).strip().strip("[]()").replace("−", "-")
    if len(text) > MAX_TEXT_CHARS:
        raise InputError(f"That is too long: {what} are limited to {MAX_TEXT_CHARS} characters.")
    tokens = [token for token in _SEPARATORS.split(text) if token]
    values = []
    for position, token in enumerate(tokens, start=1):
        try:
            value = float(token)
        except ValueError:
            raise InputError(
                f"“{token[:20]}” ({what}, entry {position}) is not a number."
            ) from None
        if math.isnan(value):
            raise InputError(f"Entry {position} of the {what} is NaN; give a number.")
        if not low <= value <= high:
            raise InputError(
                f"Entry {position} of the {what} ({value:g}) is outside {low:g} … {high:g}{unit}."
            )
        values.append(value)
    if len(values) > MAX_LEVELS:
        raise InputError(f"{len(values)} {what} is too many: the page shows at most {MAX_LEVELS}.")
    return values


def parse_energies(text: str, unit: str = "") -> tuple[float, ...]:
    """Level energies typed by a user: 2 to MAX_LEVELS finite numbers within ±MAX_ABS_ENERGY."""
    values = _parse_list(
        text, "energies", -MAX_ABS_ENERGY, MAX_ABS_ENERGY, f" {unit}" if unit else ""
    )
    if len(values) < MIN_LEVELS:
        raise InputError(f"Give at least {MIN_LEVELS} energies, separated by commas.")
    return tuple(values)


def parse_degeneracies(text: str, n_levels: int) -> tuple[float, ...]:
    """Degeneracies, one per level, each > 0; an empty field means 1 for every level."""
    n_levels = check_count(n_levels, "n_levels", MAX_LEVELS, low=0)
    if not str(text).strip():
        return (1.0,) * n_levels
    values = _parse_list(text, "degeneracies", 0, MAX_DEGENERACY)
    if any(v <= 0 for v in values):
        raise InputError("Degeneracies count states: each must be greater than 0.")
    if len(values) != n_levels:
        raise InputError(
            f"{n_levels} energies but {len(values)} degeneracies: give one per level "
            "(or leave the field empty for 1 each)."
        )
    return tuple(values)


def parse_kelvin(value: object) -> float:
    """A temperature in kelvin: above 0, at most MAX_KELVIN."""
    text = str(value).strip()
    try:
        kelvin = float(text)
    except ValueError:
        raise InputError(f"Temperature “{text[:20]}” is not a number (kelvin).") from None
    if math.isnan(kelvin):
        raise InputError("Temperature is NaN; give a number of kelvin.")
    if kelvin < 0:
        raise InputError(
            f"{kelvin:g} K is below absolute zero: kelvin start at 0, no temperature is lower."
        )
    if kelvin == 0:
        raise InputError(
            "0 K is a limit, not a temperature to set: everything sits in the ground level "
            f"(the bridge view shows it). Use a small temperature such as {MIN_KELVIN:g} K."
        )
    if not MIN_KELVIN <= kelvin <= MAX_KELVIN:
        raise InputError(f"Temperature must be between {MIN_KELVIN:g} K and {MAX_KELVIN:g} K.")
    return kelvin


def parse_particles(value: object) -> int:
    return parse_number(value, "Particles", 1, MAX_PARTICLES, integer=True)


def parse_seed(value: object) -> int:
    return parse_number(value, "Seed", 0, MAX_SEED, integer=True)


def _choice(options: tuple[str, ...]):
    def parse(raw: str) -> str:
        if raw not in options:
            raise InputError(f"must be one of {', '.join(options)}.")
        return raw

    return parse


# --- the URL ------------------------------------------------------------------------------------

#: URL parameter → (field, parser). Names start with "p": the Explorer and the Sampling lab use
#: z, labels, T, T2, mode, view, sec, seed, N, k, p, ….
_PARAMETERS = {
    "psys": ("system", _choice(SYSTEMS)),
    "punit": ("unit", _choice(UNITS)),
    "pE": ("energies", parse_energies),
    "pg": ("degeneracies", lambda raw: tuple(_parse_list(raw, "degeneracies", 0, MAX_DEGENERACY))),
    "pK": ("kelvin", parse_kelvin),
    "pN": ("particles", parse_particles),
    "pseed": ("seed", parse_seed),
    "pview": ("view", _choice(VIEWS)),
}


def to_query(state: PhysicsState) -> dict[str, str]:
    """Query-string parameters that reproduce ``state`` exactly."""
    return query_from_state(state, _PARAMETERS)


def from_query(params: Mapping[str, str | list[str]]) -> tuple[PhysicsState, list[str]]:
    """The state a link describes, and a notice for each parameter that was bad and ignored.

    ``psys`` alone loads that preset; ``punit`` without ``pE`` converts the levels to that unit;
    ``pE`` and ``pg`` must agree in length (else ``pg`` is ignored, with 1 for every level).
    """
    base, notices = state_from_query(PhysicsState(), params, {"psys": _PARAMETERS["psys"]})
    base = with_preset(base, base.system) if base.system in _PRESET_KEYS else base
    rest = {name: entry for name, entry in _PARAMETERS.items() if name != "psys"}
    state, more = state_from_query(base, params, rest)
    notices += more
    energies_given = state.energies != base.energies
    if state.unit != base.unit and not energies_given:
        state = replace(state, energies=convert_energies(base.energies, base.unit, state.unit))
    degeneracies = tuple(float(g) for g in state.degeneracies)
    if len(degeneracies) != len(state.energies) or any(g <= 0 for g in degeneracies):
        n = len(state.energies)
        keep = len(base.degeneracies) == n and degeneracies != base.degeneracies
        degeneracies = base.degeneracies if keep else (1.0,) * n
        if "pg" in params:
            notices.append(
                f"The link's “pg” was ignored: it must give one degeneracy > 0 for each of the "
                f"{n} energies; {'the preset’s are' if keep else '1 each is'} used."
            )
    return replace(state, degeneracies=degeneracies), notices


# --- the form -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PhysicsForm:
    """What the page's fields hold after an interaction, before validation."""

    system: str
    unit: str
    energies: str
    degeneracies: str
    kelvin: object
    particles: object
    seed: object
    view: str


@dataclass(frozen=True)
class FormResult:
    """The new state, and an error per field that could not be used (keyed by field name)."""

    state: PhysicsState
    errors: dict[str, str]


def apply_form(state: PhysicsState, form: PhysicsForm) -> FormResult:
    """Apply what the user entered to ``state``.

    A field that cannot be used gets an error and leaves its part of the state as it was; every
    other field still takes effect. Energies and degeneracies change together or not at all.
    """
    errors: dict[str, str] = {}
    unit = form.unit if form.unit in UNITS else state.unit
    energies, degeneracies = state.energies, state.degeneracies
    try:
        new_energies = parse_energies(form.energies, unit)
    except InputError as error:
        errors["energies"] = str(error)
    else:
        try:
            degeneracies = parse_degeneracies(form.degeneracies, len(new_energies))
            energies = new_energies
        except InputError as error:
            errors["degeneracies"] = str(error)
    if "energies" in errors and unit != state.unit:
        unit = state.unit  # the kept energies are in the old unit
    values = {}
    for field, parse in (
        ("kelvin", parse_kelvin),
        ("particles", parse_particles),
        ("seed", parse_seed),
    ):
        try:
            values[field] = parse(getattr(form, field))
        except InputError as error:
            errors[field] = str(error)
    new_state = replace(
        state,
        system=form.system if form.system in SYSTEMS else state.system,
        unit=unit,
        energies=energies,
        degeneracies=degeneracies,
        view=form.view if form.view in VIEWS else state.view,
        **values,
    )
    return FormResult(new_state, errors)
