"""A page's state as URL query parameters and back: the machinery every page's state shares.

A page declares its parameters as ``{name: (field, parse)}``; ``parse`` turns the parameter's
text into the field's value or raises :class:`~explorer.state.InputError`. A bad parameter is
ignored (the field keeps its default) with a notice; nothing in a link can raise.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import fields, replace
from typing import TypeVar

from explorer.state import InputError, format_numbers

State = TypeVar("State")
Parameters = Mapping[str, tuple[str, Callable[[str], object]]]


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, tuple):
        return format_numbers(value).replace(" ", "")
    if isinstance(value, float):
        return repr(value)
    return str(value)


def query_from_state(state: object, parameters: Parameters) -> dict[str, str]:
    """Query parameters that reproduce every declared field of ``state`` exactly."""
    param_of = {field: name for name, (field, _) in parameters.items()}
    return {
        param_of[item.name]: _text(getattr(state, item.name))
        for item in fields(state)
        if item.name in param_of
    }


def apply_fields(
    state: State, values: Mapping[str, object], parameters: Parameters
) -> tuple[State, dict[str, str]]:
    """Apply ``{parameter: value}`` through the parameters' parsers (as text, as in a link).

    Returns the new state and an error message per parameter that could not be used; those
    fields keep their value from ``state``.
    """
    errors: dict[str, str] = {}
    for name, (field, parse) in parameters.items():
        if name not in values:
            continue
        raw = values[name]
        text = ("1" if raw else "0") if isinstance(raw, bool) else str(raw)
        try:
            state = replace(state, **{field: parse(text)})
        except InputError as error:
            errors[name] = str(error)
    return state, errors


def state_from_query(
    default: State, params: Mapping[str, str | list[str]], parameters: Parameters
) -> tuple[State, list[str]]:
    """The state a link describes, and a notice for each parameter that was bad and ignored."""
    last = {
        name: raw[-1] if isinstance(raw, list) else raw
        for name, raw in params.items()
        if isinstance(raw, str) or (isinstance(raw, list) and raw)
    }
    state, errors = apply_fields(default, last, parameters)
    return state, [f"The link's “{name}” was ignored: {error}" for name, error in errors.items()]
