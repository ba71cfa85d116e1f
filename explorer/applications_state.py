"""The Applications lab's state: one object for everything the page shows, and its URL form.

Uploaded files are not part of it: they stay in the session that uploaded them (a link cannot
carry a file), and the page says so.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from explorer.links import apply_fields, query_from_state, state_from_query
from explorer.state import MAX_DIGIT, InputError, parse_number, parse_temperatures

SECTIONS = ("calibration", "distillation", "exploration", "attention")
MIN_BINS, MAX_BINS = 5, 50  # reliability-diagram bins
#: The temperature sliders: (lowest, highest, step). Linear, so that any value a link holds is a
#: slider position (a fitted T of 1.72 stays 1.72); a value off the step is refused with a notice.
CALIBRATION_TEMPERATURES = (0.1, 10.0, 0.01)  # the NLL curve's range
KD_TEMPERATURES = (0.1, 20.0, 0.1)  # Hinton et al. used 1 to 20
MAX_SEED = 2**32 - 1
MAX_RUNS = 2000  # bandit runs averaged (each a fresh 10-armed testbed)
MAX_STEPS = 2000  # bandit steps per run; 2000 × 2000 takes about 15 s for all policies
MAX_BANDIT_TEMPERATURES = 8  # softmax policies compared (three ε-greedy ones come with them)
MAX_BANDIT_TEMPERATURE = 100.0
MAX_DIMENSION = 4096  # attention: query/key dimension d
MAX_KEYS = 64  # attention: keys each query attends over


@dataclass(frozen=True)
class ApplicationsState:
    """What the Applications lab shows. Temperatures here are the lab's own, not the Explorer's."""

    section: str = "calibration"  # one of SECTIONS
    # Calibration: a manual temperature to feel the NLL curve, and the diagram's bins.
    manual_temperature: float = 1.0  # on CALIBRATION_TEMPERATURES
    bins: int = 15  # MIN_BINS … MAX_BINS, equal width (Guo et al. use 15)
    # Distillation: the test image whose soft targets are shown, and the distillation T.
    image: int = 0  # test image 0 … MAX_DIGIT
    kd_temperature: float = 4.0  # on KD_TEMPERATURES
    # Exploration: softmax at these temperatures against ε-greedy, averaged over seeded runs.
    seed: int = 0  # the bandits, their rewards and every choice (attention's vectors too)
    runs: int = 2000  # 1 … MAX_RUNS
    steps: int = 1000  # 1 … MAX_STEPS
    bandit_temperatures: tuple[float, ...] = (0.01, 0.05, 0.1, 0.2, 0.5, 1.0)
    # Attention: the dimension of queries and keys, and how many keys each query sees.
    dimension: int = 64  # a power of two, 1 … MAX_DIMENSION
    keys: int = 16  # 2 … MAX_KEYS


def _choice(raw: str) -> str:
    if raw not in SECTIONS:
        raise InputError(f"must be one of {', '.join(SECTIONS)}.")
    return raw


def _temperatures(raw: str) -> tuple[float, ...]:
    """Sorted, each once: the chart's temperature axis and the legend read left to right."""
    return tuple(
        sorted(set(parse_temperatures(raw, MAX_BANDIT_TEMPERATURES, MAX_BANDIT_TEMPERATURE)))
    )


def _on_grid(raw: str, name: str, grid: tuple[float, float, float]) -> float:
    low, high, step = grid
    value = parse_number(raw, name, low, high)
    steps = round(value / step)
    if abs(steps * step - value) > 1e-9 * max(1.0, value):
        raise InputError(f"{name} must be a multiple of {step:g} (the slider's step).")
    return round(steps * step, 2)


def _dimension(raw: str) -> int:
    d = parse_number(raw, "Dimension d", 1, MAX_DIMENSION, integer=True)
    if d & (d - 1):
        raise InputError("Dimension d must be a power of two (1, 2, 4, … 4096).")
    return d


#: URL parameter → (field, parser). Parsers raise InputError for a bad value.
_PARAMETERS = {
    "sec": ("section", _choice),
    "calT": (
        "manual_temperature",
        lambda raw: _on_grid(raw, "Temperature", CALIBRATION_TEMPERATURES),
    ),
    "bins": ("bins", lambda raw: parse_number(raw, "Bins", MIN_BINS, MAX_BINS, integer=True)),
    "kdimg": ("image", lambda raw: parse_number(raw, "Image", 0, MAX_DIGIT, integer=True)),
    "kdT": (
        "kd_temperature",
        lambda raw: _on_grid(raw, "Distillation temperature", KD_TEMPERATURES),
    ),
    "seed": ("seed", lambda raw: parse_number(raw, "Seed", 0, MAX_SEED, integer=True)),
    "runs": ("runs", lambda raw: parse_number(raw, "Runs", 1, MAX_RUNS, integer=True)),
    "steps": ("steps", lambda raw: parse_number(raw, "Steps", 1, MAX_STEPS, integer=True)),
    "Ts": ("bandit_temperatures", _temperatures),
    "d": ("dimension", _dimension),
    "keys": ("keys", lambda raw: parse_number(raw, "Keys", 2, MAX_KEYS, integer=True)),
}


def to_query(state: ApplicationsState) -> dict[str, str]:
    """Query-string parameters that reproduce ``state`` exactly."""
    return query_from_state(state, _PARAMETERS)


def from_query(
    params: Mapping[str, str | list[str]],
) -> tuple[ApplicationsState, list[str]]:
    """The state a link describes, and a notice for each parameter that was bad and ignored."""
    return state_from_query(ApplicationsState(), params, _PARAMETERS)


def apply_form(
    state: ApplicationsState, values: Mapping[str, object]
) -> tuple[ApplicationsState, dict[str, str]]:
    """Apply the page's field values (keyed by URL parameter name), through the link parsers.

    A field that cannot be used keeps its value and gets an error message.
    """
    return apply_fields(state, values, _PARAMETERS)
