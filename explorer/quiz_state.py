"""The quiz page's state: which question, whether its answer shows, and the link to it.

A link carries the question (``q=halve``) and whether the answer is revealed (``show=1``): a
teacher shares a question unrevealed, a learner shares the worked answer. What a learner picked
stays in their session, never in a link: the one who opens it answers for themselves.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from explorer.checks import check_count, check_whole
from explorer.links import query_from_state, state_from_query
from explorer.quiz import KEYS, question
from explorer.state import InputError

MAX_SHOWN_CHARS = 30  # of a bad question name quoted back in a notice


@dataclass(frozen=True)
class QuizState:
    """What the quiz page shows."""

    question: str = KEYS[0]  # one of explorer.quiz.KEYS
    show: bool = False  # the reveal is on the page (the learner committed, or the link says so)
    pick: int | None = None  # the learner's answer, an index into the choices; not in links


def _question(raw: str) -> str:
    if not isinstance(raw, str):
        raise InputError(f"the question must be named by its key, one of {', '.join(KEYS)}.")
    if raw not in KEYS:
        shown = raw[:MAX_SHOWN_CHARS] + ("…" if len(raw) > MAX_SHOWN_CHARS else "")
        raise InputError(f"there is no question “{shown}” (the questions: {', '.join(KEYS)}).")
    return raw


def _flag(raw: str) -> bool:
    if raw not in ("0", "1"):
        raise InputError("must be 0 (answer hidden) or 1 (answer shown).")
    return raw == "1"


#: URL parameter → (field, parser). Parsers raise InputError for a bad value.
_PARAMETERS = {"q": ("question", _question), "show": ("show", _flag)}


def to_query(state: QuizState) -> dict[str, str]:
    """Query-string parameters that reproduce the question and whether its answer shows."""
    return query_from_state(state, _PARAMETERS)


def from_query(params: Mapping[str, str | list[str]]) -> tuple[QuizState, list[str]]:
    """The state a link describes, and a notice for each parameter that was bad and ignored.

    A link whose question is unknown opens the first question with its answer hidden, whatever
    its ``show`` says: a mistyped link meant for a class must not give an answer away.
    """
    state, notices = state_from_query(QuizState(), params, _PARAMETERS)
    question_given = {"q": params["q"]} if "q" in params else {}
    question_refused = state_from_query(QuizState(), question_given, _PARAMETERS)[1]
    if state.show and question_refused:
        state = replace(state, show=False)
        notices.append("The answer stays hidden, since the link's question was not found.")
    return state, notices


def go_to(key: str) -> QuizState:
    """Question ``key``, unanswered."""
    return QuizState(question=_question(key))


def step(state: QuizState, offset: int) -> QuizState:
    """The question ``offset`` places on (−1 = previous), wrapping around, unanswered."""
    return go_to(KEYS[(KEYS.index(state.question) + check_whole(offset, "offset")) % len(KEYS)])


def commit(state: QuizState, pick: int) -> QuizState:
    """The learner answers ``pick`` (an index into the question's choices): the reveal shows,
    with their answer marked."""
    choices = question(state.question).choices
    return replace(state, show=True, pick=check_count(pick, "pick", len(choices) - 1, low=0))


def hide(state: QuizState) -> QuizState:
    """The same question, answer hidden and pick forgotten: try it again."""
    return replace(state, show=False, pick=None)
