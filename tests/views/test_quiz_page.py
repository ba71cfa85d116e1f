"""The quiz page through Streamlit's AppTest: nothing of the reveal before an answer is committed,
the reveal after it (the right answer marked, a wrong one said to be wrong), navigation, links.

Every session starts from the entrypoint (app.py) and switches to the page, as a link does. The
chart's bars are checked against scipy.special.softmax of z / T (closed forms at T = 0 and ∞).
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
import scipy.special
from streamlit.testing.v1 import AppTest

from explorer.quiz import KEYS, QUESTIONS, question

from . import apptest
from .apptest import chart, decode, notices, plain, query, run, set_widget

QUIZ, EXPLORER = "explorer/views/quiz_page.py", "explorer/views/explorer_page.py"
QUESTION, PICK, QUIZ_KEY = "q_question", "q_pick", "quiz_state"
REVEAL, HIDE, PREVIOUS, NEXT = "Reveal the answer", "Hide the answer and try it", "Previous", "Next"


def start(**query: str) -> AppTest:
    return apptest.start(QUIZ, **query)


def click(at: AppTest, label: str) -> AppTest:
    next(b for b in at.button if b.label == label).click()
    return run(at)


def answer(at: AppTest, choice: int) -> AppTest:
    """Choose ``choice`` in the form and press Reveal (as a learner commits)."""
    at.radio(key=PICK).set_value(choice)
    return click(at, REVEAL)


def texts(at: AppTest) -> str:
    """Everything the page says in words (markdown, captions, alerts, metrics, headings)."""
    parts = [
        *(m.value for m in at.markdown),
        *(c.value for c in at.caption),
        *(e.value for kind in (at.info, at.success, at.warning, at.error) for e in kind),
        *(m.label for m in at.metric),
        *(h.value for h in (*at.title, *at.subheader)),
    ]
    return plain("\n".join(parts))


def sheet(at: AppTest) -> list[str]:
    """The revealed answer sheet, one line per choice, as read (colour and icon markup gone)."""
    (markdown,) = [m.value for m in at.markdown if m.value.startswith("- :")]
    lines = []
    for line in markdown.splitlines():
        line = re.sub(r"^- :(green|red|gray)\[(:material/\w+: )?(.*)\]$", r"\3", line)
        lines.append(plain(line.replace("**", "")))
    return lines


def explanation_shown(at: AppTest, key: str) -> bool:
    return question(key).explanation in texts(at)


def oracle(logits, temperature: float) -> np.ndarray:
    z = np.asarray(logits, dtype=float)
    if temperature == 0:
        return (z == z.max()) / (z == z.max()).sum()
    if math.isinf(temperature):
        return np.isfinite(z) / np.isfinite(z).sum()
    return scipy.special.softmax(z / temperature)


def bars(figure: dict) -> list[dict]:
    return [trace for trace in figure["data"] if trace["type"] == "bar"]


def shown_question(at: AppTest) -> str:
    return at.selectbox(key=QUESTION).value


# --- before an answer: no reveal -----------------------------------------------------------------


def test_the_first_question_opens_unanswered_with_no_reveal():
    at = start()
    first = QUESTIONS[0]
    assert at.title[0].value == "Predict, then reveal"
    assert at.subheader[0].value == f"Question 1 of {len(QUESTIONS)}: {first.title}"
    radio = at.radio(key=PICK)
    assert radio.value is None
    assert [plain(option) for option in radio.options] == list(first.choices)
    assert not at.get("plotly_chart") and not at.metric
    assert not explanation_shown(at, first.key)
    assert "the answer" not in texts(at).replace("Reveal the answer", "")
    assert not at.success and not at.warning
    assert (query(at, "q"), query(at, "show")) == (first.key, "0")


def test_reveal_without_a_choice_asks_for_one_and_reveals_nothing():
    at = click(start(), REVEAL)
    assert [plain(w.value) for w in at.warning] == [
        "Choose an answer first: the reveal comes after a prediction."
    ]
    assert not at.get("plotly_chart") and not explanation_shown(at, KEYS[0])
    assert query(at, "show") == "0"
    at = run(at)  # the reminder is for that press only
    assert not at.warning


def test_choosing_without_pressing_reveal_reveals_nothing():
    at = start()
    at.radio(key=PICK).set_value(question(KEYS[0]).answer)
    at = run(at)
    assert not at.get("plotly_chart") and not explanation_shown(at, KEYS[0])


# --- the reveal ----------------------------------------------------------------------------------


def test_the_right_answer_reveals_the_chart_and_the_explanation():
    at = answer(start(), question("halve").answer)
    item = question("halve")
    assert [plain(s.value) for s in at.success] == [f"Right: “{item.choices[item.answer]}”"]
    assert not at.warning
    assert explanation_shown(at, "halve")
    assert sheet(at) == [
        f"{choice} — the answer (your answer)" if i == item.answer else choice
        for i, choice in enumerate(item.choices)
    ]
    assert query(at, "show") == "1" and at.session_state[QUIZ_KEY].pick == item.answer
    assert not at.get("radio")  # the answer is committed: no second guess on the same reveal

    (element,) = at.get("plotly_chart")
    assert element.proto.alt == item.takeaway
    figure = chart(at)
    z = np.array(item.panels[0].logits)
    before, after = bars(figure)
    assert (before["name"], after["name"]) == ("before: T = 1", "after: T = 0.5")
    np.testing.assert_allclose(decode(before["y"]), scipy.special.softmax(z))
    np.testing.assert_allclose(decode(after["y"]), scipy.special.softmax(2 * z))
    assert [m.label for m in at.metric] == ["Entropy, before: T = 1", "Entropy, after: T = 0.5"]


def test_a_wrong_answer_is_marked_wrong_and_the_right_one_shown():
    item = question("shift")
    wrong = 2
    at = answer(start(q="shift"), wrong)
    right = item.choices[item.answer]
    assert [plain(w.value) for w in at.warning] == [
        f"Not quite. You chose “{item.choices[wrong]}” The answer is “{right}”"
    ]
    assert not at.success
    assert item.answer == 0
    assert sheet(at) == [
        f"{right} — the answer",
        item.choices[1],
        f"{item.choices[wrong]} — your answer",
        item.choices[3],
    ]
    assert explanation_shown(at, "shift")
    assert len(at.get("plotly_chart")) == 1


def test_the_pick_stays_marked_across_reruns():
    at = answer(start(q="top"), 3)
    at = run(at)
    assert "— your answer" in texts(at) and len(at.warning) == 1


def test_hide_starts_the_question_over():
    at = answer(start(q="equal"), 1)
    at = click(at, HIDE)
    assert shown_question(at) == "equal" and at.radio(key=PICK).value is None
    assert not at.get("plotly_chart") and not explanation_shown(at, "equal")
    assert query(at, "show") == "0"
    at = answer(at, 0)  # and it can be answered again
    assert len(at.success) == 1


@pytest.mark.parametrize("key", KEYS)
def test_every_question_reveals_bars_that_scipy_agrees_with(key):
    item = question(key)
    at = answer(start(q=key), item.answer)
    figure = chart(at)
    assert [trace["name"] for trace in bars(figure)] == [p.name for p in item.panels]
    assert figure["data"][-1]["name"] == f"uniform 1/{item.n_finite}"
    for trace, panel in zip(bars(figure), item.panels, strict=True):
        assert trace["x"] == list(item.labels)
        np.testing.assert_allclose(
            decode(trace["y"]), oracle(panel.logits, panel.temperature), rtol=1e-12, atol=1e-15
        )
    assert at.get("plotly_chart")[0].proto.alt == item.takeaway
    assert explanation_shown(at, key) and len(at.success) == 1


# --- navigation ----------------------------------------------------------------------------------


def test_next_and_previous_move_through_the_questions_and_wrap():
    at = click(start(), NEXT)
    assert shown_question(at) == KEYS[1] and query(at, "q") == KEYS[1]
    assert at.subheader[0].value.startswith(f"Question 2 of {len(KEYS)}")
    at = click(at, PREVIOUS)
    at = click(at, PREVIOUS)
    assert shown_question(at) == KEYS[-1] and query(at, "q") == KEYS[-1]
    at = click(at, NEXT)
    assert shown_question(at) == KEYS[0]


def test_moving_on_from_a_revealed_question_starts_the_next_unanswered():
    at = answer(start(), 0)
    at = click(at, NEXT)
    assert shown_question(at) == KEYS[1]
    assert at.radio(key=PICK).value is None and not at.get("plotly_chart")
    assert query(at, "show") == "0" and at.session_state[QUIZ_KEY].pick is None


def test_a_half_chosen_answer_does_not_follow_to_the_next_question():
    at = start()
    at.radio(key=PICK).set_value(1)
    at = click(at, NEXT)
    assert at.radio(key=PICK).value is None


def test_the_question_list_jumps_to_a_question():
    at = set_widget(start(), QUESTION, "masked")
    assert shown_question(at) == "masked" and query(at, "q") == "masked"
    assert plain(at.markdown[0].value) == question("masked").setup
    assert at.radio(key=PICK).value is None


# --- links ---------------------------------------------------------------------------------------


def test_a_link_opens_its_question_unrevealed():
    at = start(q="entropy")
    assert shown_question(at) == "entropy"
    assert at.subheader[0].value == "Question 6 of 8: T doubles: does the entropy?"
    assert not at.get("plotly_chart") and not explanation_shown(at, "entropy")
    assert not notices(at)


def test_show_1_reveals_without_a_pick():
    at = start(q="masked", show="1")
    item = question("masked")
    assert len(at.get("plotly_chart")) == 1 and explanation_shown(at, "masked")
    (info,) = notices(at)
    assert info.startswith("This link shows the answer: “0, and the other three get 1/3 each.”")
    assert sheet(at)[item.answer] == f"{item.choices[item.answer]} — the answer"
    assert "your answer" not in texts(at)
    assert not at.success and not at.warning
    # Hiding it lets the one who opened the link answer for themselves.
    at = click(at, HIDE)
    assert not at.get("plotly_chart") and query(at, "show") == "0"
    at = answer(at, 1)
    assert len(at.warning) == 1 and "— your answer" in texts(at)


@pytest.mark.parametrize(
    ("params", "notice"),
    [
        (
            {"q": "<script>alert(1)</script>"},
            "The link's “q” was ignored: there is no question “<script>alert(1)</script>”",
        ),
        ({"q": "**top**"}, "The link's “q” was ignored: there is no question “**top**”"),
        ({"show": "[x](http://e.vil)"}, "The link's “show” was ignored: must be 0"),
    ],
)
def test_a_hostile_link_falls_back_with_a_literal_notice(params, notice):
    at = start(**params)
    assert shown_question(at) == KEYS[0] and not at.get("plotly_chart")
    assert any(text.startswith(notice) for text in notices(at)), notices(at)
    assert query(at, "q") == KEYS[0] and query(at, "show") == "0"


def test_a_mistyped_revealed_link_does_not_give_the_first_answer_away():
    at = start(q="halfe", show="1")
    assert shown_question(at) == KEYS[0] and not at.get("plotly_chart")
    assert notices(at)[-1] == "The answer stays hidden, since the link's question was not found."


def test_the_share_links_name_the_question():
    at = start(q="scale")
    caption = at.caption[-1].value
    assert "(?q=scale)" in caption and "(?q=scale&show=1)" in caption


def test_the_quiz_keeps_its_place_across_a_visit_to_another_page():
    at = answer(start(q="zero"), 1)
    at.switch_page(EXPLORER)
    at = run(at)
    assert at.title[0].value == "Softmax temperature explorer"
    at.switch_page(QUIZ)
    at = run(at)
    assert shown_question(at) == "zero" and len(at.warning) == 1
    assert len(at.get("plotly_chart")) == 1 and query(at, "show") == "1"


def test_share_links_keep_a_teachers_presentation_mode():
    """Regression: the share links were relative ?q=… and dropped present=1."""
    at = apptest.start("explorer/views/quiz_page.py", q="halve", present="1", hide="formula")
    caption = next(c.value for c in at.caption if "Share" in c.value)
    assert "?q=halve&present=1&hide=formula)" in caption
    assert "?q=halve&show=1&present=1&hide=formula)" in caption
