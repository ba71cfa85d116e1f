"""The Explorer's state: one object that says everything the page shows, and its URL form.

Pure Python (no Streamlit): parsing what a user types, validating it with messages a learner can
act on, and a round trip through query-string parameters so that every view can be a link.
"""

from __future__ import annotations

import math
import re
import string
from collections.abc import Mapping
from dataclasses import dataclass, replace

import numpy as np

from explorer.checks import check_count
from explorer.core import probs_to_logits, softmax
from explorer.temperature import TEMPERATURE_STOPS, nearest_stop

MIN_CLASSES = 2
MAX_CLASSES = 12  # more bars than this are unreadable on a projector
MAX_TEXT_CHARS = 600  # longest values or labels field accepted (12 numbers need far less)
MAX_LABEL_CHARS = 20
MAX_TEMPERATURE = 1e6  # the exact-entry cap; softmax itself takes any T ≥ 0, inf included
MAX_DIGIT = 359  # test images of the digits model are numbered 0 … MAX_DIGIT (explorer.digits)

INPUT_MODES = ("logits", "probabilities")
VIEWS = ("curves", "steps", "compare", "logprob", "sweep")

_SEPARATORS = re.compile(r"[,;\s]+")
_NUMBER_WORDS = {"inf": "inf", "+inf": "inf", "-inf": "-inf", "∞": "inf", "-∞": "-inf"}


class InputError(ValueError):
    """Input a user typed that cannot be used; the message says why, in plain words."""


@dataclass(frozen=True)
class ExplorerState:
    """Everything the Explorer page shows. Other pages share its logits, labels and T."""

    logits: tuple[float, ...] = (2.0, 1.0, 0.1)  # finite, or -inf for a masked entry
    labels: tuple[str, ...] = ("A", "B", "C")  # one per logit, distinct
    temperature: float = 1.0  # 0 (greedy) … MAX_TEMPERATURE
    compare_temperature: float = 2.0  # the second temperature in the compare view
    input_mode: str = "logits"  # how the values are typed: "logits" or "probabilities"
    view: str = "curves"  # which detail view is open, one of VIEWS
    digit: int | None = None  # a digits test image whose model logits these are (None = typed)

    @property
    def n_finite(self) -> int:
        """How many classes are not masked (logit -inf)."""
        return sum(math.isfinite(z) for z in self.logits)

    @property
    def probs(self) -> np.ndarray:
        """softmax(logits / temperature)."""
        return softmax(self.logits, self.temperature)


def default_labels(count: int) -> tuple[str, ...]:
    """A, B, C, … for ``count`` classes (0 to 26)."""
    return tuple(string.ascii_uppercase[: check_count(count, "count", 26, low=0)])


def parse_numbers(text: str, what: str = "logits") -> tuple[float, ...]:
    """Numbers separated by commas, semicolons or spaces; ``-inf`` allowed (masked entry).

    Raises :class:`InputError` with a message naming the bad entry, for text that is not a list
    of MIN_CLASSES to MAX_CLASSES numbers, NaN, or +inf.
    """
    text = text.strip().strip("[]()").replace("−", "-")  # accept pasted Python lists, math minus
    if len(text) > MAX_TEXT_CHARS:
        raise InputError(f"That is too long: {what} are limited to {MAX_TEXT_CHARS} characters.")
    tokens = [token for token in _SEPARATORS.split(text) if token]
    values = []
    for position, token in enumerate(tokens, start=1):
        try:
            value = float(_NUMBER_WORDS.get(token.lower(), token))
        except ValueError:
            raise InputError(f"“{token[:20]}” (entry {position}) is not a number.") from None
        if math.isnan(value):
            raise InputError(f"Entry {position} is NaN; every entry must be a number.")
        if value == math.inf:
            raise InputError(
                f"Entry {position} is +inf (or too large for a float, beyond ±1.8e308). "
                "Use a finite number, or -inf to mask an entry."
            )
        values.append(value)
    if len(values) < MIN_CLASSES:
        raise InputError(f"Give at least {MIN_CLASSES} {what}, separated by commas.")
    if len(values) > MAX_CLASSES:
        raise InputError(
            f"{len(values)} {what} is too many: the Explorer shows at most {MAX_CLASSES} classes."
        )
    return tuple(values)


def parse_logits(text: str) -> tuple[float, ...]:
    """Logits typed by a user; at least one must be finite."""
    logits = parse_numbers(text, "logits")
    if all(value == -math.inf for value in logits):
        raise InputError("Every logit is -inf (masked): leave at least one finite logit.")
    return logits


def parse_probabilities(text: str) -> tuple[tuple[float, ...], str | None]:
    """Probabilities typed by a user, as logits log p, and a notice if they were normalised."""
    probs = np.array(parse_numbers(text, "probabilities"))
    if (probs < 0).any():
        raise InputError("Probabilities cannot be negative.")
    if probs.max() == math.inf:
        raise InputError("Probabilities must be finite.")
    largest = float(probs.max())
    if not largest > 0:
        raise InputError("At least one probability must be greater than 0.")
    # Scale by the largest first: the sum of numbers near 1e308 would overflow.
    scaled = probs / largest
    normalised = scaled / scaled.sum()
    with np.errstate(over="ignore"):
        total = largest * float(scaled.sum())
    notice = None
    if abs(total - 1) > 1e-9:
        notice = (
            f"These add up to {total:.6g}, not 1, so each was divided by {total:.6g}."
            if math.isfinite(total)
            else "These add up to more than 1.8e308, so each was divided by their total."
        )
    return tuple(float(z) for z in probs_to_logits(normalised)), notice


def parse_labels(text: str, count: int) -> tuple[str, ...]:
    """Comma-separated labels for ``count`` classes; missing ones become A, B, C, ….

    Labels beyond ``count`` are ignored (see :func:`extra_labels`); duplicates are refused,
    since two bars cannot share a name.
    """
    if len(text) > MAX_TEXT_CHARS:
        raise InputError(f"Labels are limited to {MAX_TEXT_CHARS} characters in all.")
    given = _split_labels(text)
    labels = [
        (given[i] if i < len(given) and given[i] else default)[:MAX_LABEL_CHARS]
        for i, default in enumerate(default_labels(count))
    ]
    duplicates = sorted({label for label in labels if labels.count(label) > 1})
    if duplicates:
        raise InputError(f"Each label must be different (“{duplicates[0]}” appears twice).")
    return tuple(labels)


def extra_labels(text: str, count: int) -> list[str]:
    """The labels in ``text`` beyond the first ``count``, which :func:`parse_labels` ignores."""
    return _split_labels(text)[count:]


def _split_labels(text: str) -> list[str]:
    return [label.strip() for label in text.split(",")] if text.strip() else []


def parse_number(value: object, name: str, low: float, high: float, integer: bool = False):
    """A number from a field or URL, within [low, high] (an int if ``integer``).

    Raises :class:`InputError` naming ``name`` for text that is not a number, NaN, or a value
    out of range.
    """
    text = str(value).strip()
    try:
        number = int(text) if integer else float(text)
        if not integer and math.isnan(number):  # (math.isnan of a 310-digit int overflows)
            raise ValueError
    except ValueError:
        kind = "a whole number" if integer else "a number"
        raise InputError(f"{name} “{text[:20]}” is not {kind}.") from None
    if not low <= number <= high:
        raise InputError(f"{name} must be between {low:g} and {high:g}.")
    return number


def parse_temperatures(text: str, most: int, high: float) -> tuple[float, ...]:
    """1 to ``most`` temperatures in [0, high], separated by commas, in the order given."""
    parts = [part for part in text.replace(" ", "").split(",") if part]
    if not 1 <= len(parts) <= most:
        raise InputError(f"give 1 to {most} temperatures, by commas.")
    return tuple(parse_number(part, "Each temperature", 0, high) for part in parts)


def parse_stop(value: object, name: str, stops: tuple[float, ...] = TEMPERATURE_STOPS) -> float:
    """A temperature that must be one of a slider's ``stops`` (a link cannot place a slider
    between them); off-stop values are refused, naming the nearest stop.
    """
    temperature = parse_number(value, name, stops[0], stops[-1])
    if temperature not in stops:
        raise InputError(
            f"{name} {temperature:g} is between the slider's stops; the nearest is "
            f"{nearest_stop(temperature, stops):g}."
        )
    return temperature


def parse_temperature(value: object) -> float:
    """A temperature from a field or URL: a number in [0, MAX_TEMPERATURE]."""
    return parse_number(value, "Temperature", 0, MAX_TEMPERATURE)


def format_numbers(values: tuple[float, ...] | np.ndarray, digits: int | None = None) -> str:
    """``2.0, 1.0, 0.1``: exact (shortest round-trip) by default, or ``digits`` significant."""
    if digits is None:
        return ", ".join(repr(float(value)) for value in values)
    return ", ".join(f"{float(value):.{digits}g}" for value in values)


def values_text(state: ExplorerState) -> str:
    """What the values field shows: the logits, or their probabilities at T = 1."""
    if state.input_mode == "probabilities":
        return format_numbers(softmax(state.logits), digits=12)
    return format_numbers(state.logits)


def to_query(state: ExplorerState) -> dict[str, str]:
    """Query-string parameters that reproduce ``state`` exactly."""
    query = {
        "z": format_numbers(state.logits).replace(" ", ""),
        "labels": ",".join(state.labels),
        "T": repr(state.temperature),
        "T2": repr(state.compare_temperature),
        "mode": state.input_mode,
        "view": state.view,
    }
    return query if state.digit is None else query | {"img": str(state.digit)}


def from_query(
    params: Mapping[str, str | list[str]], base: ExplorerState | None = None
) -> tuple[ExplorerState, list[str]]:
    """The state a link describes, and a notice for each parameter that was bad and ignored.

    Fields the link does not mention keep their value in ``base`` (the defaults if None).
    """
    state, notices = base or ExplorerState(), []

    def value(name: str) -> str | None:
        raw = params.get(name)
        return raw[-1] if isinstance(raw, list) and raw else raw if isinstance(raw, str) else None

    def attempt(name: str, parse, field: str) -> None:
        nonlocal state
        raw = value(name)
        if raw is None:
            return
        try:
            state = replace(state, **{field: parse(raw)})
        except InputError as error:
            notices.append(f"The link's “{name}” was ignored: {error}")

    attempt("z", parse_logits, "logits")
    if value("z") is not None and len(state.logits) != len(state.labels):
        state = replace(state, labels=default_labels(len(state.logits)))
    attempt("labels", lambda raw: parse_labels(raw, len(state.logits)), "labels")
    attempt("T", parse_temperature, "temperature")
    attempt("T2", lambda raw: parse_stop(raw, "T2"), "compare_temperature")
    attempt("mode", lambda raw: _choice(raw, INPUT_MODES, "mode"), "input_mode")
    attempt("view", lambda raw: _choice(raw, VIEWS, "view"), "view")
    if value("z") is not None:  # the link's logits are typed ones unless it names an image
        state = replace(state, digit=None)
    attempt("img", lambda raw: parse_number(raw, "Image", 0, MAX_DIGIT, integer=True), "digit")
    return state, notices


def _parse_compare(value: object) -> float:
    return parse_stop(value, "Compare temperature")


def _choice(raw: str, options: tuple[str, ...], name: str) -> str:
    if raw not in options:
        raise InputError(f"{name} must be one of {', '.join(options)}.")
    return raw


@dataclass(frozen=True)
class FormInput:
    """What the Explorer's fields hold after an interaction, before validation."""

    input_mode: str
    values: str
    labels: str
    temperature: float
    compare_temperature: float
    view: str


@dataclass(frozen=True)
class FormResult:
    """The new state, an error per field that could not be used, and notices to show."""

    state: ExplorerState
    errors: dict[str, str]
    notices: list[str]


def apply_form(state: ExplorerState, form: FormInput) -> FormResult:
    """Apply what the user entered to ``state``.

    A field that cannot be used gets an error message and leaves its part of the state as it
    was; every other field still takes effect. Labels follow the number of values. New
    values (not merely shown another way) are no longer the model's logits of ``state.digit``.
    """
    errors: dict[str, str] = {}
    notices: list[str] = []
    logits = state.logits
    try:
        if form.input_mode == "probabilities":
            logits, notice = parse_probabilities(form.values)
            notices += [notice] if notice else []
        else:
            logits = parse_logits(form.values)
    except InputError as error:
        errors["values"] = str(error)
    try:
        labels = parse_labels(form.labels, len(logits))
        if extras := extra_labels(form.labels, len(logits)):
            notices.append(f"Extra labels ignored: {', '.join(extras)[:60]}.")
    except InputError as error:
        errors["labels"] = str(error)
        keep = len(state.labels) == len(logits)
        labels = state.labels if keep else default_labels(len(logits))
    temperatures = {}
    # The compare temperature is a slider's: only its stops can be a link's T2.
    parsers = {"temperature": parse_temperature, "compare_temperature": _parse_compare}
    for field, parse in parsers.items():
        try:
            temperatures[field] = parse(getattr(form, field))
        except InputError as error:
            errors[field] = str(error)
            temperatures[field] = getattr(state, field)
    new_state = replace(
        state,
        logits=logits,
        labels=labels,
        input_mode=form.input_mode if form.input_mode in INPUT_MODES else state.input_mode,
        view=form.view if form.view in VIEWS else state.view,
        digit=state.digit if _same_distribution(logits, state.logits) else None,
        **temperatures,
    )
    return FormResult(new_state, errors, notices)


def _same_distribution(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    """The same probabilities at T = 1 (logits typed as probabilities differ by a constant)."""
    return len(a) == len(b) and np.allclose(softmax(a), softmax(b), rtol=1e-9, atol=1e-15)
