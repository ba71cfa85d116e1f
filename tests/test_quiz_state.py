"""The quiz's state: exact URL round trip, hostile links fall back with a notice, and the moves
between questions (next, previous, jump, commit, hide)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from explorer.quiz import KEYS
from explorer.quiz_state import (
    MAX_SHOWN_CHARS,
    QuizState,
    commit,
    from_query,
    go_to,
    hide,
    step,
    to_query,
)
from explorer.state import InputError

states = st.builds(QuizState, question=st.sampled_from(KEYS), show=st.booleans())


@settings(max_examples=100, deadline=None)
@given(states)
def test_every_state_survives_the_url_round_trip_exactly(state):
    restored, notices = from_query(to_query(state))
    assert notices == [] and restored == state


def test_the_link_holds_the_question_and_whether_it_is_revealed_never_the_pick():
    assert to_query(QuizState()) == {"q": KEYS[0], "show": "0"}
    assert to_query(QuizState("top", show=True, pick=2)) == {"q": "top", "show": "1"}
    assert from_query({"q": "halve", "show": "1"}) == (QuizState("halve", show=True), [])
    assert from_query({}) == (QuizState(), [])
    assert from_query({"q": "masked"}) == (QuizState("masked"), [])  # hidden unless show=1


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["q", "show", "pick", "x"]),
        st.text(max_size=40) | st.lists(st.text(max_size=8), max_size=3),
    )
)
def test_any_query_gives_a_valid_state(params):
    state, notices = from_query(params)
    assert state.question in KEYS and isinstance(state.show, bool) and state.pick is None
    assert len(notices) <= 2  # one per bad parameter, and one if the answer stays hidden


@pytest.mark.parametrize(
    "value",
    ["<script>alert(1)</script>", "**halve**", "HALVE", " halve", "", "[x](http://e.vil)"],
)
def test_an_unknown_question_opens_the_first_one_with_a_notice(value):
    state, notices = from_query({"q": value, "show": "0"})
    assert state == QuizState()
    (notice,) = notices
    assert notice.startswith("The link's “q” was ignored: there is no question “")
    assert value[:MAX_SHOWN_CHARS] in notice and "halve, shift" in notice


def test_a_long_question_name_is_shortened_in_the_notice():
    state, (notice,) = from_query({"q": "x" * 100_000})
    assert state == QuizState()
    assert "x" * MAX_SHOWN_CHARS + "…”" in notice and len(notice) < 250


def test_an_unknown_question_never_reveals_an_answer():
    state, notices = from_query({"q": "halfe", "show": "1"})
    assert state == QuizState(show=False)
    assert notices[-1] == "The answer stays hidden, since the link's question was not found."
    # A known question keeps its show=1; a repeated parameter counts by its last value.
    assert from_query({"q": ["nope", "top"], "show": "1"}) == (QuizState("top", True), [])
    state, notices = from_query({"q": ["top", "nope"], "show": "1"})
    assert state == QuizState(show=False) and len(notices) == 2


@pytest.mark.parametrize("value", ["2", "true", "yes", "", "1.0", "-1"])
def test_a_bad_show_keeps_the_question_and_hides_the_answer(value):
    state, (notice,) = from_query({"q": "top", "show": value})
    assert state == QuizState("top", show=False)
    assert notice == "The link's “show” was ignored: must be 0 (answer hidden) or 1 (answer shown)."


def test_next_and_previous_wrap_around_and_start_unanswered():
    first, last = QuizState(KEYS[0]), QuizState(KEYS[-1], show=True, pick=1)
    assert step(first, 1) == QuizState(KEYS[1])
    assert step(first, -1) == QuizState(KEYS[-1])
    assert step(last, 1) == QuizState(KEYS[0])
    assert step(QuizState(KEYS[3], show=True, pick=0), -1) == QuizState(KEYS[2])
    state = first
    for _ in KEYS:
        state = step(state, 1)
    assert state == first  # len(KEYS) steps come back round


def test_jump_commit_and_hide():
    assert go_to("entropy") == QuizState("entropy")
    with pytest.raises(InputError):
        go_to("nope")
    answered = commit(QuizState("equal"), 2)
    assert answered == QuizState("equal", show=True, pick=2)
    assert hide(answered) == QuizState("equal")
    assert hide(QuizState("equal", show=True)) == QuizState("equal")
