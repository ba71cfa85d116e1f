"""Fuzzing explorer.links, the query-string machinery every page's state shares: hostile links
never raise, and whatever state they give, its own link reproduces it."""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import given
from hypothesis import strategies as st

from explorer import applications_state, links, physics_state, quiz_state, sampling_state
from explorer import links as module
from explorer.state import InputError, parse_number
from tests.fuzz.hostile import (
    call_contract,
    fuzzes,
    hostile_floats,
    hostile_queries,
    hostile_text,
    junk,
    outcome,
    unfuzzed,
)


@dataclass(frozen=True)
class Toy:
    """A page's state in miniature: a float, a flag, a tuple and a text."""

    ratio: float = 0.5
    on: bool = False
    values: tuple[float, ...] = (1.0, 2.0)
    name: str = "x"


def _flag(raw: str) -> bool:
    if raw not in ("0", "1"):
        raise InputError("must be 0 or 1.")
    return raw == "1"


def _values(raw: str) -> tuple[float, ...]:
    return tuple(parse_number(part, "Each value", -1e6, 1e6) for part in raw.split(",") if part)


def _name(raw: str) -> str:
    if not 0 < len(raw) <= 10:
        raise InputError("is 1 to 10 characters.")
    return raw


TOY = {
    "r": ("ratio", lambda raw: parse_number(raw, "Ratio", 0, 1)),
    "on": ("on", _flag),
    "v": ("values", _values),
    "n": ("name", _name),
}
PAGES = [
    (Toy(), TOY),
    (sampling_state.SamplingState(), sampling_state._PARAMETERS),
    (applications_state.ApplicationsState(), applications_state._PARAMETERS),
    (quiz_state.QuizState(), quiz_state._PARAMETERS),
    (physics_state.PhysicsState(), physics_state._PARAMETERS),
]
VALID = {
    "r": ["0.25", "1", "0"],
    "on": ["0", "1"],
    "v": ["1.0,2.0", "-1e6", ""],
    "n": ["x", "abc"],
}
pages = st.sampled_from(PAGES)


def _valid_values(default, parameters) -> dict[str, list[str]]:
    return {name: [value] for name, value in module.query_from_state(default, parameters).items()}


QUERIES = st.one_of(
    hostile_queries(VALID),
    *(hostile_queries(_valid_values(default, parameters)) for default, parameters in PAGES[1:]),
)


def _reproduces(state, parameters) -> None:
    query = module.query_from_state(state, parameters)
    assert all(isinstance(name, str) and isinstance(text, str) for name, text in query.items())
    again, notices = module.state_from_query(type(state)(), query, parameters)
    assert notices == [] and again == state


@fuzzes(module.state_from_query, module.query_from_state, scale=2)
@given(pages, QUERIES)
def test_state_from_query(page, params):
    default, parameters = page
    state, notices = call_contract(module.state_from_query, default, params, parameters, bad=None)
    assert type(state) is type(default)
    assert all(isinstance(n, str) for n in notices) and len(notices) <= len(params)
    for name in parameters:  # a notice for each parameter that was bad, naming it
        assert sum(f"“{name}”" in notice for notice in notices) <= 1
    if not isinstance(state, physics_state.PhysicsState):  # its from_query reconciles levels
        _reproduces(state, parameters)


values = st.dictionaries(
    st.one_of(st.sampled_from(sorted(TOY)), hostile_text),
    st.one_of(hostile_text, hostile_floats, st.booleans(), junk),
    max_size=5,
)


@fuzzes(module.apply_fields)
@given(values)
def test_apply_fields(fields):
    state, errors = call_contract(module.apply_fields, Toy(), fields, TOY, bad=None)
    assert set(errors) <= set(fields) & set(TOY)
    assert all(isinstance(message, str) and message for message in errors.values())
    for name, (field, _) in TOY.items():  # a field that was refused keeps its value
        if name in errors or name not in fields:
            assert getattr(state, field) == getattr(Toy(), field)
    _reproduces(state, TOY)


@given(junk)
def test_a_state_that_is_not_a_dataclass_is_a_type_error(state):
    # ``parameters`` are each page's constant table, not fuzzed.
    outcome(links.query_from_state, state, TOY, bad=("dataclass",))


def test_every_public_function_has_a_fuzzer():
    assert unfuzzed(module) == []
