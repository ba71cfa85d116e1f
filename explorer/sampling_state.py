"""The Sampling lab's state: one object for everything the page shows beyond the shared
distribution (which is the Explorer's :class:`~explorer.state.ExplorerState`), and its URL form.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from explorer.links import apply_fields, query_from_state, state_from_query
from explorer.state import InputError, parse_number, parse_stop, parse_temperatures
from explorer.temperature import TEMPERATURE_STOPS

SECTIONS = ("draws", "gumbel", "decoding", "text")
MAX_DRAWS = 1_000_000  # one click draws at most this many samples
MAX_SEED = 2**32 - 1
MAX_TOP_K = 1000
MAX_PROMPT_CHARS = 200
MAX_ORDER = 8  # characters of context + 1
MAX_LENGTH = 2000  # characters generated per temperature
MAX_TEXT_TEMPERATURES = 4  # side-by-side columns


@dataclass(frozen=True)
class SamplingState:
    """What the Sampling lab shows, beyond the shared logits, labels and temperature."""

    section: str = "draws"  # one of SECTIONS
    seed: int = 10  # every random draw on the page; 10 gives a typical (not lucky) first run
    draws: int = 1000  # how many samples the draws section takes, 1 … MAX_DRAWS
    top_k: int = 0  # keep the k largest logits; 0 = off
    top_p: float = 0.9  # nucleus: keep the most probable entries reaching p (0.01 … 1); 1 = off
    min_p: float = 0.0  # keep entries with q ≥ min_p · max q; 0 = off
    temperature_last: bool = False  # apply T after the filters (some inference engines)
    tau: float = 0.5  # the Gumbel-softmax relaxation's own temperature
    prompt: str = "The "  # where generated text starts
    order: int = 5  # n-gram order: n − 1 characters of context
    length: int = 300  # characters generated per temperature
    text_temperatures: tuple[float, ...] = (0.2, 0.7, 1.0, 1.5)  # side by side


def _flag(raw: str) -> bool:
    if raw not in ("0", "1"):
        raise InputError("must be 0 or 1.")
    return raw == "1"


def _choice(raw: str) -> str:
    if raw not in SECTIONS:
        raise InputError(f"must be one of {', '.join(SECTIONS)}.")
    return raw


def _prompt(raw: str) -> str:
    if len(raw) > MAX_PROMPT_CHARS:
        raise InputError(f"is limited to {MAX_PROMPT_CHARS} characters.")
    return raw


def _temperatures(raw: str) -> tuple[float, ...]:
    return parse_temperatures(raw, MAX_TEXT_TEMPERATURES, 100)


#: URL parameter → (field, parser). Parsers raise InputError for a bad value.
_PARAMETERS = {
    "sec": ("section", _choice),
    "seed": ("seed", lambda raw: parse_number(raw, "Seed", 0, MAX_SEED, integer=True)),
    "N": ("draws", lambda raw: parse_number(raw, "Draws", 1, MAX_DRAWS, integer=True)),
    "k": ("top_k", lambda raw: parse_number(raw, "top-k", 0, MAX_TOP_K, integer=True)),
    "p": ("top_p", lambda raw: parse_number(raw, "top-p", 0.01, 1)),
    "minp": ("min_p", lambda raw: parse_number(raw, "min-p", 0, 1)),
    "tlast": ("temperature_last", _flag),
    "tau": ("tau", lambda raw: parse_stop(raw, "τ", TEMPERATURE_STOPS[1:])),
    "prompt": ("prompt", _prompt),
    "order": ("order", lambda raw: parse_number(raw, "Order", 1, MAX_ORDER, integer=True)),
    "len": ("length", lambda raw: parse_number(raw, "Length", 1, MAX_LENGTH, integer=True)),
    "Ts": ("text_temperatures", _temperatures),
}


def to_query(state: SamplingState) -> dict[str, str]:
    """Query-string parameters that reproduce ``state`` exactly."""
    return query_from_state(state, _PARAMETERS)


def from_query(params: Mapping[str, str | list[str]]) -> tuple[SamplingState, list[str]]:
    """The state a link describes, and a notice for each parameter that was bad and ignored."""
    return state_from_query(SamplingState(), params, _PARAMETERS)


def apply_form(state: SamplingState, values: Mapping[str, object]) -> tuple[SamplingState, dict]:
    """Apply the page's field values (keyed by URL parameter name), through the link parsers.

    A field that cannot be used keeps its value and gets an error message.
    """
    return apply_fields(state, values, _PARAMETERS)
