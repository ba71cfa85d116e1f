"""Examples a teacher loads in one click, a "try this" prompt for any state, and three mistakes.

Pure data and pure functions (no Streamlit). Each preset goes through the state's own parsers,
so a preset is exactly what typing its values into the page would give.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from explorer.core import softmax
from explorer.state import (
    ExplorerState,
    format_numbers,
    parse_labels,
    parse_logits,
    parse_probabilities,
)


@dataclass(frozen=True)
class Preset:
    """One example: the numbers, their names, and what to notice once it is loaded."""

    name: str  # short, shown on its button
    notice: str  # one line: what to notice (every number in it is checked in the tests)
    values: tuple[float, ...]  # logits, or probabilities when input_mode is "probabilities"
    labels: tuple[str, ...]
    input_mode: str = "logits"
    temperature: float | None = None  # None: keep the temperature the page has
    view: str | None = None  # None: keep the open view


PRESETS: dict[str, Preset] = {
    preset.name: preset
    for preset in (
        Preset(
            "2, 1, 0.1",
            "The textbook example: at T = 1 the probabilities are 0.659, 0.242 and 0.099. "
            "A logit gap of 1 becomes a ratio of e ≈ 2.72 between A and B.",
            (2.0, 1.0, 0.1),
            ("A", "B", "C"),
            temperature=1.0,
        ),
        Preset(
            "0.25 / 0.75",
            "Typed as probabilities, kept as logits log 0.25 and log 0.75 (3 times more likely). "
            "T = 2 takes the square root of that ratio (0.366 vs 0.634), T = 0.5 squares it "
            "(0.1 vs 0.9).",
            (0.25, 0.75),
            ("heads", "tails"),
            input_mode="probabilities",
            temperature=1.0,
        ),
        Preset(
            "e⁶ vs e³",
            "Logits 6 and 3 at T = 1.5: z/T is 4 and 2, so the numerators are e⁴ ≈ 54.6 and "
            "e² ≈ 7.389, and A gets 54.6 / (54.6 + 7.389) = 0.881 (at T = 1 it had 0.953).",
            (6.0, 3.0),
            ("A", "B"),
            temperature=1.5,
            view="steps",
        ),
        Preset(
            "Confident",
            "A classifier sure of itself: cat is 7 logits ahead and takes 0.998 at T = 1. "
            "Doubling T still leaves it 0.933; only around T = 5 do the others show (cat 0.598).",
            (8.0, 1.0, 0.5, 0.0),
            ("cat", "dog", "fox", "owl"),
            temperature=1.0,
        ),
        Preset(
            "Ambiguous",
            "Logits only 0.1 apart: at T = 1 cat has just 0.367, hardly more than a third. "
            "At T = 0.1 the gaps count ten times as much and cat has 0.665.",
            (2.1, 2.0, 1.9),
            ("cat", "fox", "dog"),
            temperature=1.0,
        ),
        Preset(
            "All equal",
            "Equal logits give 0.25 each at every temperature, T = 0 included: temperature "
            "stretches differences, and there are none. The entropy is the most possible, "
            "ln 4 ≈ 1.386 nats (2 bits).",
            (1.0, 1.0, 1.0, 1.0),
            ("A", "B", "C", "D"),
        ),
        Preset(
            "Tie at the top",
            "yes and sure tie at 3. At T = 0 they share the probability, 0.5 each (not one "
            "picked at random); at T = 1 each has 0.468 and no keeps 0.063.",
            (3.0, 3.0, 1.0),
            ("yes", "sure", "no"),
            temperature=0.0,
        ),
        Preset(
            "Next word",
            "Candidates for the word after “The cat sat on the”. At T = 0.7, a common sampling "
            "setting, mat has 0.509; at T = 1 0.382, at T = 2 only 0.232 as the tail spreads out. "
            "<eos> is masked (−inf): exactly 0 at every T.",
            (9.2, 8.6, 8.1, 7.8, 7.5, 7.1, 6.9, 6.3, 5.6, -math.inf),
            ("mat", "floor", "sofa", "bed", "couch", "chair", "rug", "windowsill", "roof", "<eos>"),
            temperature=0.7,
        ),
    )
}


def _check_state(state: object) -> None:
    if not isinstance(state, ExplorerState):
        raise TypeError(f"state must be an ExplorerState, got {type(state).__name__}")


def apply_preset(state: ExplorerState, name: str) -> ExplorerState:
    """``state`` showing the preset ``name``: its values, labels, and its T and view if it sets
    them. The compare temperature is kept; the values are no longer a digits image's.

    Raises ``ValueError`` for a name not in :data:`PRESETS`, ``TypeError`` for a ``state`` that
    is not an :class:`~explorer.state.ExplorerState`.
    """
    _check_state(state)
    if not isinstance(name, str) or name not in PRESETS:
        raise ValueError(
            f"name must be one of the examples ({', '.join(PRESETS)}), got {name!r:.40}"
        )
    preset = PRESETS[name]
    text = format_numbers(preset.values)
    if preset.input_mode == "probabilities":
        logits, _ = parse_probabilities(text)
    else:
        logits = parse_logits(text)
    return replace(
        state,
        logits=logits,
        labels=parse_labels(", ".join(preset.labels), len(logits)),
        input_mode=preset.input_mode,
        temperature=state.temperature if preset.temperature is None else preset.temperature,
        view=state.view if preset.view is None else preset.view,
        digit=None,
    )


def matching(state: ExplorerState) -> Preset | None:
    """The preset whose logits and labels ``state`` shows (any T, any view), if there is one."""
    _check_state(state)
    for name, preset in PRESETS.items():
        loaded = apply_preset(state, name)
        if loaded.logits == state.logits and loaded.labels == state.labels:
            return preset
    return None


def try_this(state: ExplorerState) -> str:
    """A next thing to try with the current logits and T, with the number it will show."""
    _check_state(state)
    finite = [z for z in state.logits if math.isfinite(z)]
    temperature = state.temperature
    top = float(softmax(state.logits, temperature).max())
    masked = (
        " The masked class stays at exactly 0 whatever you do."
        if len(finite) < len(state.logits)
        else ""
    )
    if len(finite) == 1:
        return (
            "Only one class is not masked, so it has probability 1 at every T. Give another "
            "class a number instead of -inf and move T."
        )
    if min(finite) == max(finite):
        return (
            "Every class that is not masked has the same logit, so every T gives the same bars. "
            "Add 1 to one logit, then move T." + masked
        )
    if temperature == 0:
        share = float(softmax(state.logits, 0.5).max())
        ties = finite.count(max(finite))
        taker = "the largest logit takes" if ties == 1 else f"the {ties} tied largest logits share"
        return (
            f"T = 0 is greedy: {taker} everything. Set T to 0.5 and the others appear; the top "
            f"bar becomes {share:.3f}." + masked
        )
    if top >= 0.99:
        doubled = float(softmax(state.logits, 2 * temperature).max())
        return (
            f"One class has {top:.3f}. Double T (to {2 * temperature:g}) and watch it drop to "
            f"{doubled:.3f}: the others get a visible share." + masked
        )
    uniform = 1 / len(finite)
    if top - uniform < 0.05 * uniform:
        tenth = float(softmax(state.logits, temperature / 10).max())
        return (
            f"The bars are nearly level ({uniform:.3f} each would be uniform). Divide T by 10 "
            f"(to {temperature / 10:g}) and the top bar climbs to {tenth:.3f}." + masked
        )
    halved = float(softmax(state.logits, temperature / 2).max())
    return (
        f"Halve T (to {temperature / 2:g}) and watch the top bar grow from {top:.3f} to "
        f"{halved:.3f}; then try T = {2 * temperature:g}." + masked
    )


#: Three things learners often believe about softmax and temperature, each with its correction.
MISCONCEPTIONS: tuple[tuple[str, str], ...] = (
    (
        "Softmax outputs are calibrated probabilities.",
        "They always add up to 1, but that alone does not make them honest: a network that "
        "says 0.9 is often right far less than 90% of the time. Calibration is measured on "
        "held-out data and fixed by fitting one temperature; see the Calibration section of "
        "the Applications lab.",
    ),
    (
        "Temperature can change which class is on top.",
        "Not for any T above 0 and below ∞: dividing every logit by the same positive T keeps "
        "their order, so the largest logit always has the largest probability. Only at the "
        "edges: at T = 0, classes tied for the largest logit share the probability equally, and "
        "as T → ∞ every class that is not masked tends to the same share. A masked (−inf) class "
        "has probability exactly 0 at every T, so it is never on top.",
    ),
    (
        "Lower T is always better.",
        "A lower T makes the model more confident, not more accurate. When it is wrong, it is "
        "wrong with probability near 1 (its log-loss grows without bound), and a language "
        "model near T = 0 repeats the same safe words. The right T is measured (calibration) "
        "or chosen for the task.",
    ),
)
