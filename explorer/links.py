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


def state_from_query(
    default: State, params: Mapping[str, str | list[str]], parameters: Parameters
) -> tuple[State, list[str]]:
    """The state a link describes, and a notice for each parameter that was bad and ignored."""
    state, notices = default, []
    for name, (field, parse) in parameters.items():
        raw = params.get(name)
        raw = raw[-1] if isinstance(raw, list) and raw else raw
        if not isinstance(raw, str):
            continue
        try:
            state = replace(state, **{field: parse(raw)})
        except InputError as error:
            notices.append(f"The link's “{name}” was ignored: {error}")
    return state, notices
