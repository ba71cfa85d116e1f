"""Predict, then reveal: questions on temperature. Commit to an answer, then see the numbers.

The state (explorer.quiz_state) says which question is open, whether its answer shows and what
the learner picked; buttons and the question list change it through callbacks, and the page is
drawn from it. The answer is a radio in a form: choosing (by mouse or arrow keys) commits
nothing until "Reveal the answer" is pressed, and nothing of the reveal is sent to the browser
before that.
"""

from __future__ import annotations

import streamlit as st

from explorer import presentation, quiz_charts
from explorer.presentation import page_url
from explorer.quiz import KEYS, QUESTIONS, Question, is_right, question
from explorer.quiz_state import commit, from_query, go_to, hide, step, to_query
from explorer.views import controls
from explorer.views import presentation as presenting
from explorer.views.safe_text import literal
from explorer.views.session import load, save, write_link
from explorer.views.widgets import plot

QUIZ_KEY = "quiz_state"
QUESTION, PICK, UNANSWERED = "q_question", "q_pick", "q_unanswered"

ss = st.session_state


# --- callbacks: each turns the state into the next one (they run before the script) ----------


def _move(state) -> None:
    save(QUIZ_KEY, state)
    ss[PICK] = None  # a new question, or the same one again, starts unanswered


def _previous() -> None:
    _move(step(ss[QUIZ_KEY], -1))


def _next() -> None:
    _move(step(ss[QUIZ_KEY], 1))


def _jump() -> None:
    _move(go_to(ss[QUESTION]))


def _hide() -> None:
    _move(hide(ss[QUIZ_KEY]))


def _submit() -> None:
    pick = ss.get(PICK)
    choices = question(ss[QUIZ_KEY].question).choices
    if isinstance(pick, int) and not isinstance(pick, bool) and 0 <= pick < len(choices):
        save(QUIZ_KEY, commit(ss[QUIZ_KEY], pick))
    else:
        # No choice yet, or a stale one: pressing Next then Reveal before the new question has
        # arrived sends the old question's answer (as its text). Ask, rather than guess.
        ss[PICK] = None
        ss[UNANSWERED] = True  # say so on this run; the reveal waits for a choice


#: format_func values are kept in the session, which must pickle: dicts' get methods do.
TITLES = {key: f"{number}. {question(key).title}" for number, key in enumerate(KEYS, start=1)}


# --- the reveal --------------------------------------------------------------------------------


def _verdict(item: Question, pick: int | None) -> None:
    right = item.choices[item.answer]
    if pick is None:
        st.info(
            literal(f"This link shows the answer: “{right}” To test yourself first, hide it."),
            icon=":material/visibility:",
        )
    elif is_right(item, pick):
        st.success(literal(f"Right: “{right}”"), icon=":material/check_circle:")
    else:
        st.warning(
            literal(f"Not quite. You chose “{item.choices[pick]}” The answer is “{right}”"),
            icon=":material/cancel:",
        )


def _answer_sheet(item: Question, pick: int | None) -> None:
    """Every choice, the right one marked (and the learner's, if it was another)."""
    lines = []
    for index, choice in enumerate(item.choices):
        text = literal(choice)
        if index == item.answer:
            mark = " (your answer)" if index == pick else ""
            lines.append(f"- :green[:material/check_circle: **{text}** — the answer{mark}]")
        elif index == pick:
            lines.append(f"- :red[:material/cancel: {text} — your answer]")
        else:
            lines.append(f"- :gray[{text}]")
    st.markdown("\n".join(lines))


def _reveal(item: Question, pick: int | None) -> None:
    _verdict(item, pick)
    _answer_sheet(item, pick)
    plot(
        quiz_charts.panel_bars(
            item.labels,
            [panel.name for panel in item.panels],
            [panel.probs for panel in item.panels],
            item.n_finite,
        ),
        alt=item.takeaway,
    )
    for column, panel in zip(st.columns(len(item.panels)), item.panels, strict=True):
        column.metric(f"Entropy, {panel.name}", f"{panel.entropy:.3f} nats")
    st.markdown("**Why.** " + literal(item.explanation))
    st.button("Hide the answer and try it", icon=":material/visibility_off:", on_click=_hide)


# --- state ---------------------------------------------------------------------------------------
controls.arrived_on("quiz")  # so that the other pages re-seed their widgets when we leave
quiz, notices = load(QUIZ_KEY, from_query)
ss[QUESTION] = quiz.question  # the list shows the state's question; its callback moves the state
write_link(to_query(quiz))
item = question(quiz.question)

# --- page ----------------------------------------------------------------------------------------
st.title("Predict, then reveal")
st.caption(
    f"{len(QUESTIONS)} questions on what temperature does to softmax. Commit to an answer first; "
    "the chart and the explanation come after. A wrong guess that gets explained is worth more "
    "than a right one."
)
for notice in notices:
    st.info(literal(notice), icon=":material/info:")

previous, chooser, following = st.columns([1, 4, 1], vertical_alignment="bottom")
previous.button("Previous", icon=":material/arrow_back:", on_click=_previous, width="stretch")
chooser.selectbox("Question", KEYS, format_func=TITLES.get, key=QUESTION, on_change=_jump)
following.button("Next", icon=":material/arrow_forward:", on_click=_next, width="stretch")

st.subheader(f"Question {KEYS.index(item.key) + 1} of {len(QUESTIONS)}: {item.title}")
st.markdown(literal(item.setup))
st.markdown(f"**{literal(item.prompt)}**")

if quiz.show:
    _reveal(item, quiz.pick)
else:
    with st.form("q_answer", border=False, enter_to_submit=False):
        st.radio(
            "Your prediction",
            range(len(item.choices)),
            format_func=dict(enumerate(map(literal, item.choices))).get,
            index=None,
            key=PICK,
        )
        st.form_submit_button("Reveal the answer", type="primary", on_click=_submit)
    if ss.pop(UNANSWERED, False):
        st.warning("Choose an answer first: the reveal comes after a prediction.")
    else:
        st.caption("Choose one answer and press Reveal; the chart and the explanation follow.")

mode = presentation.to_query(presenting.current())  # a teacher's projector link stays one
st.caption(
    f"Share [this question]({page_url(None, {'q': item.key} | mode)}) or [this question with "
    f"its answer]({page_url(None, {'q': item.key, 'show': '1'} | mode)}); the page's own "
    "address says the same."
)
