"""The quiz in a real browser: the explanation is not in the page until an answer is committed,
committing by mouse or by keyboard alone reveals it, links open a question (revealed or not), and
a hostile link is shown literally.

Texts come from explorer.quiz (what the page should say); the bars' numbers are checked against
numpy, independently of the app's code.
"""

from __future__ import annotations

from urllib.parse import parse_qs, quote, urlsplit

import numpy as np

from explorer.quiz import KEYS, question

from .conftest import (
    assert_no_exception,
    new_page,
    open_app,
    save_screenshot,
    wait_for_app_idle,
)

PATH = "quiz_page"
PLOTLY = ".js-plotly-plot"
ALERT_SUCCESS = '[data-testid="stAlertContentSuccess"]'
ALERT_WARNING = '[data-testid="stAlertContentWarning"]'
ALERT_INFO = '[data-testid="stAlertContentInfo"]'
MAX_TABS = 40  # key presses allowed to reach the answers from the top of the page


def query(page) -> dict[str, str]:
    return {name: values[-1] for name, values in parse_qs(urlsplit(page.url).query).items()}


def alert_texts(page, selector: str) -> list[str]:
    """Each alert's message, without its icon (a font ligature, whose text is its name)."""
    messages = page.locator(selector).locator('[data-testid="stMarkdownContainer"]')
    return [text.strip() for text in messages.all_inner_texts()]


def in_dom(page, text: str) -> bool:
    """Whether ``text`` is anywhere in the document, shown or not."""
    return page.evaluate("(text) => document.documentElement.textContent.includes(text)", text)


def wait_for_reveal(page) -> None:
    page.locator(PLOTLY).first.wait_for(state="visible", timeout=20_000)
    page.wait_for_timeout(600)  # chart transitions and web fonts
    wait_for_app_idle(page)


def softmax(z: np.ndarray, temperature: float) -> np.ndarray:
    weights = np.exp((z - z.max()) / temperature)
    return weights / weights.sum()


def focused(page) -> dict:
    return page.evaluate(
        """() => {
            const e = document.activeElement;
            return {tag: e.tagName, type: e.type || "", text: (e.closest("label") || e).innerText
                || e.getAttribute("aria-label") || ""};
        }"""
    )


def test_the_answer_is_hidden_until_one_is_chosen_and_committed(browser, app_url):
    item = question("halve")
    page = new_page(browser, width=1400, height=1900)
    try:
        open_app(page, app_url, PATH)
        assert_no_exception(page)
        assert page.get_by_role("heading", level=1).first.inner_text() == "Predict, then reveal"
        assert query(page) == {"q": "halve", "show": "0"}
        explanation = item.explanation[:80]
        assert not in_dom(page, explanation)
        assert page.locator(PLOTLY).count() == 0
        radios = page.get_by_role("radio")
        assert radios.count() == len(item.choices)
        assert all(not radios.nth(i).is_checked() for i in range(radios.count()))

        # Choosing alone commits nothing: the answer is in a form.
        page.get_by_role("radio", name=item.choices[item.answer]).click(force=True)
        page.wait_for_timeout(500)
        wait_for_app_idle(page)
        assert not in_dom(page, explanation) and page.locator(PLOTLY).count() == 0
        save_screenshot(page, "quiz_chosen_not_revealed")

        page.get_by_role("button", name="Reveal the answer").click()
        wait_for_app_idle(page)
        wait_for_reveal(page)
        assert_no_exception(page)
        assert in_dom(page, explanation)  # the same check, now positive
        assert alert_texts(page, ALERT_SUCCESS) == [f"Right: “{item.choices[item.answer]}”"]
        assert query(page) == {"q": "halve", "show": "1"}
        assert page.get_by_role("radio").count() == 0

        chart = page.locator(PLOTLY).first.inner_text()
        assert "before: T = 1" in chart and "after: T = 0.5" in chart
        z = np.array([2.0, 1.0, 0.0])
        for probability in (*softmax(z, 1.0), *softmax(z, 0.5)):
            assert f"{probability:.3f}" in chart  # each bar's label
        save_screenshot(page, "quiz_revealed", full_page=True)
    finally:
        page.context.close()


def test_keyboard_alone_chooses_commits_and_moves_on(browser, app_url):
    item = question("top")
    page = new_page(browser, width=1400, height=1900)
    try:
        open_app(page, app_url, f"{PATH}?q=top")
        assert not in_dom(page, item.explanation[:80])
        for _ in range(MAX_TABS):
            page.keyboard.press("Tab")
            if focused(page)["type"] == "radio":
                break
        state = focused(page)
        assert state["type"] == "radio", state
        assert state["text"].strip() == item.choices[0]  # an unchecked group is entered at its top
        page.keyboard.press("ArrowDown")  # moves to, and checks, the second choice
        assert page.get_by_role("radio", name=item.choices[1]).is_checked()
        page.wait_for_timeout(300)
        assert not in_dom(page, item.explanation[:80])  # still only a choice, not committed

        page.keyboard.press("Tab")
        assert focused(page) == {"tag": "BUTTON", "type": "submit", "text": "Reveal the answer"}
        page.keyboard.press("Enter")
        wait_for_app_idle(page)
        wait_for_reveal(page)
        assert_no_exception(page)
        assert in_dom(page, item.explanation[:80])
        (warning,) = alert_texts(page, ALERT_WARNING)
        assert warning == (
            f"Not quite. You chose “{item.choices[1]}” The answer is “{item.choices[0]}”"
        )
        assert query(page)["show"] == "1"
        save_screenshot(page, "quiz_keyboard_wrong_answer", full_page=True)

        # "Next" by keyboard: focus walks back up the page with Shift+Tab.
        for _ in range(MAX_TABS):
            page.keyboard.press("Shift+Tab")
            if focused(page)["text"].strip().endswith("Next"):  # after its icon's ligature
                break
        assert focused(page)["tag"] == "BUTTON" and focused(page)["text"].endswith("Next")
        page.keyboard.press("Enter")
        wait_for_app_idle(page)
        following = KEYS[KEYS.index("top") + 1]
        page.wait_for_function(
            f"() => new URLSearchParams(location.search).get('q') === '{following}'",
            timeout=15_000,
        )
        assert page.locator(PLOTLY).count() == 0
        assert page.get_by_role("heading", name=question(following).title).count() == 1
        assert_no_exception(page)
    finally:
        page.context.close()


def test_a_revealed_link_shows_the_answer_and_can_hide_it(browser, app_url):
    item = question("masked")
    page = new_page(browser, width=1400, height=1900)
    try:
        open_app(page, app_url, f"{PATH}?q=masked&show=1")
        wait_for_reveal(page)
        assert_no_exception(page)
        assert in_dom(page, item.explanation[:80])
        (info,) = alert_texts(page, ALERT_INFO)
        assert info.startswith("This link shows the answer: “0, and the other three get 1/3")
        chart = page.locator(PLOTLY).first.inner_text()
        assert "T = ∞" in chart and "0.333" in chart and "uniform 1/3" in chart
        save_screenshot(page, "quiz_link_revealed", full_page=True)

        page.get_by_role("button", name="Hide the answer and try it").click()
        wait_for_app_idle(page)
        page.get_by_role("button", name="Reveal the answer").wait_for(timeout=15_000)
        assert not in_dom(page, item.explanation[:80])
        assert query(page) == {"q": "masked", "show": "0"}
    finally:
        page.context.close()


def test_a_hostile_link_is_shown_literally_and_falls_back(page, app_url):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    script = "<script>alert(1)</script>"
    open_app(page, app_url, f"{PATH}?q={quote(script)}&show=1")
    assert_no_exception(page)
    notices = alert_texts(page, ALERT_INFO)
    assert any("“q” was ignored" in n and script in n for n in notices), notices
    assert "The answer stays hidden, since the link's question was not found." in notices
    assert page.locator("[data-testid='stAlertContainer'] script").count() == 0
    assert page.locator(PLOTLY).count() == 0
    assert query(page) == {"q": KEYS[0], "show": "0"}
    page.wait_for_timeout(300)
    assert dialogs == []
