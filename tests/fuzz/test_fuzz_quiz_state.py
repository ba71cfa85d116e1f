"""Fuzzing explorer.quiz_state: hostile links never raise nor reveal an answer by mistake, and
the question-stepping functions refuse what is not a question or a whole number."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from explorer import quiz_state as module
from explorer.quiz import KEYS, question
from explorer.quiz_state import QuizState
from tests.fuzz.hostile import (
    call_contract,
    cases,
    fuzzes,
    hostile_ints,
    hostile_queries,
    hostile_text,
    junk,
    unfuzzed,
    wrong_kinds,
)

VALID = {"q": list(KEYS), "show": ["0", "1"]}
states = st.builds(
    QuizState,
    question=st.sampled_from(KEYS),
    show=st.booleans(),
    pick=st.one_of(st.none(), st.integers(0, 3)),
)


def check_state(state: QuizState) -> None:
    assert isinstance(state, QuizState) and state.question in KEYS
    assert isinstance(state.show, bool)


@fuzzes(module.from_query, module.to_query, scale=2)
@given(hostile_queries(VALID))
def test_from_query(params):
    state, notices = call_contract(module.from_query, params, bad=None)
    check_state(state)
    assert state.pick is None  # a link never carries a pick
    assert all(isinstance(n, str) for n in notices) and len(notices) <= len(params) + 1
    raw = params.get("q")
    last = (raw[-1] if raw else None) if isinstance(raw, list) else raw
    if state.show and last is not None:  # a link's question is revealed only if it is real
        assert last == state.question
    assert module.from_query(module.to_query(state)) == (state, [])


@fuzzes(module.go_to)
@given(st.one_of(st.sampled_from(KEYS), hostile_text, junk))
def test_go_to(key):
    state = call_contract(module.go_to, key, bad=("question", "key"))
    if state is not None:
        assert state == QuizState(question=key) and question(key).key == key


@fuzzes(module.step)
@given(cases({"state": states, "offset": st.integers(-20, 20)}, {"offset": wrong_kinds()}))
def test_step(case):
    state = call_contract(module.step, **case.kwargs, bad=("offset", "integer", "index"))
    if state is not None:
        before, offset = case.kwargs["state"], case.kwargs["offset"]
        assert state.question == KEYS[(KEYS.index(before.question) + offset) % len(KEYS)]
        assert (state.show, state.pick) == (False, None)


@fuzzes(module.commit)
@given(
    cases(
        {"state": states, "pick": st.integers(0, 3)},
        {"pick": st.one_of(hostile_ints(), wrong_kinds())},
    )
)
def test_commit(case):
    state = call_contract(module.commit, **case.kwargs, bad="pick")
    if state is not None:
        n_choices = len(question(state.question).choices)
        assert state.show and 0 <= state.pick < n_choices


@fuzzes(module.hide)
@given(states)
def test_hide(state):
    hidden = call_contract(module.hide, state, bad=None)
    assert hidden == QuizState(question=state.question)


def test_every_public_function_has_a_fuzzer():
    assert unfuzzed(module) == []
