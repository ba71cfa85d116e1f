"""Every view is a link, in a real browser: a page's URL after a few changes, opened in a fresh
browser, shows the same numbers (text, metrics, every chart's data); the browser's back button
brings back the previous view; a garbled or hostile URL falls back to defaults with a notice,
never an error, and the page rewrites it into a clean link.
"""

from __future__ import annotations

import importlib
import re
from urllib.parse import parse_qs, quote, urlsplit

import numpy as np
import pytest

from .conftest import (
    APP_IDLE,
    assert_no_exception,
    new_page,
    open_app,
    save_screenshot,
    wait_for_app_idle,
    wait_for_app_ready,
    wait_for_dom_quiet,
)

PLOTLY = ".js-plotly-plot"
NOTICE = '[data-testid="stAlertContentInfo"]'
ALERT = '[data-testid="stAlertContainer"]'
DIALOG = '[role="dialog"]'
CHART_TIMEOUT = 120_000  # ms: a page's first heavy computation (trained models) on a busy machine

# Everything a person reads or a chart draws: the main area's text (metrics, captions, field
# values shown as text), every input's value, the chosen options, and each chart's traces as
# plotly holds them after decoding.
_FINGERPRINT_JS = """
() => {
    const main = document.querySelector('[data-testid="stMain"]');
    const list = (v) => v == null ? null
        : (typeof v === 'object' && 'length' in v) ? Array.from(v) : v;
    return {
        text: main.innerText,
        inputs: [...main.querySelectorAll('input, textarea')].map(i =>
            (i.getAttribute('aria-label') || '') + ' = ' + (i.type === 'range'
                ? i.getAttribute('aria-valuetext')
                : i.type === 'checkbox' ? String(i.checked) : i.value)),
        chosen: [...main.querySelectorAll('[role="radio"][aria-checked="true"]')]
            .map(r => r.innerText.trim()),
        charts: [...main.querySelectorAll('.js-plotly-plot')].map(g => g._fullData.map(t => ({
            type: t.type, name: t.name, x: list(t.x), y: list(t.y), text: list(t.text),
        }))),
    };
}
"""


def fingerprint(page) -> dict:
    return page.evaluate(_FINGERPRINT_JS)


_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


def numbers_as_values(texts: list[str]) -> list[str]:
    """Each number written as its value: "3" and "3.0" are the same logit."""
    return [_NUMBER.sub(lambda m: repr(float(m.group())), text) for text in texts]


def query(page) -> dict[str, str]:
    return {name: values[-1] for name, values in parse_qs(urlsplit(page.url).query).items()}


def wait_for_param(page, name: str, value: str) -> None:
    """Wait until the link says ``name=value`` and the run that wrote it has finished."""
    page.wait_for_function(
        "([name, value]) => new URLSearchParams(location.search).get(name) === value",
        arg=[name, value],
        timeout=15_000,
    )
    # The page writes its link early in a run: that run is under way, or over.
    page.wait_for_selector(APP_IDLE, state="attached", timeout=CHART_TIMEOUT)
    wait_for_dom_quiet(page)


def settle(page) -> None:
    """Wait until every chart is drawn and the page has stopped changing."""
    page.wait_for_function(
        """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
            .every(c => c.querySelector('.js-plotly-plot .main-svg'))""",
        timeout=CHART_TIMEOUT,
    )
    wait_for_app_idle(page, timeout=CHART_TIMEOUT)
    page.wait_for_timeout(300)  # chart transitions
    wait_for_dom_quiet(page)


def enter(page, role: str, name: str, text: str) -> None:
    field = page.get_by_role(role, name=name, exact=True)
    field.fill(text)
    field.press("Enter")


def reopened(browser, url: str) -> tuple[dict, list[str], object]:
    """Open ``url`` in a fresh browser context: its fingerprint, its notices, and the page."""
    page = new_page(browser, width=1400, height=1400)
    page.goto(url)
    wait_for_app_ready(page, timeout=CHART_TIMEOUT)
    settle(page)
    assert_no_exception(page)
    return fingerprint(page), page.locator(NOTICE).all_inner_texts(), page


def assert_same_view(browser, page, name: str) -> None:
    """The page's own link, opened afresh, reproduces it exactly."""
    settle(page)
    assert_no_exception(page)
    here = fingerprint(page)
    link = page.url
    there, notices, fresh = reopened(browser, link)
    try:
        save_screenshot(fresh, f"links_{name}_reopened", full_page=True)
        assert notices == []
        assert fresh.url == link  # the fresh page keeps the link as it was
        # A field shows what was typed ("3"), the link its value ("3.0"): compare values.
        assert numbers_as_values(there["inputs"]) == numbers_as_values(here["inputs"])
        for part in ("chosen", "charts", "text"):
            assert there[part] == here[part], f"{name}: the link does not reproduce {part}"
    finally:
        fresh.context.close()


# --- round trips --------------------------------------------------------------------------------


def test_an_explorer_link_reproduces_the_view(browser, app_url):
    page = new_page(browser, width=1400, height=1400)
    try:
        open_app(page, app_url)
        default = fingerprint(page)
        enter(page, "textbox", "Logits", "1.5, -0.5, 0.25, 3")
        wait_for_param(page, "z", "1.5,-0.5,0.25,3.0")
        enter(page, "textbox", "Labels", "north, east, south, west")
        wait_for_param(page, "labels", "north,east,south,west")
        enter(page, "spinbutton", "Exact temperature", "0.7")
        wait_for_param(page, "T", "0.7")
        page.get_by_role("radio", name="Compare two temperatures").click()
        wait_for_param(page, "view", "compare")
        second = page.get_by_role("slider", name="Second temperature")
        second.focus()
        second.press("ArrowLeft")
        page.wait_for_function(
            "() => new URLSearchParams(location.search).get('T2') !== '2.0'", timeout=15_000
        )
        wait_for_app_idle(page)
        settle(page)
        assert fingerprint(page)["charts"] != default["charts"]
        probs = np.exp(np.array([1.5, -0.5, 0.25, 3]) / 0.7)
        bars = page.locator(PLOTLY).first.evaluate("g => Array.from(g._fullData.at(-1).y)")
        assert bars == pytest.approx(probs / probs.sum(), abs=1e-12)
        assert_same_view(browser, page, "explorer")
    finally:
        page.context.close()


def test_a_sampling_lab_link_reproduces_the_view(browser, app_url):
    page = new_page(browser, width=1400, height=1400)
    try:
        open_app(page, app_url, "sampling_page")
        enter(page, "spinbutton", "Seed", "42")
        wait_for_param(page, "seed", "42")
        page.get_by_role("radio", name="Decoding pipeline").click()
        wait_for_param(page, "sec", "decoding")
        enter(page, "spinbutton", "top-k (0 = off)", "2")
        wait_for_param(page, "k", "2")
        toggle = page.get_by_role("switch", name="Apply temperature last")
        toggle.focus()  # its label covers the input: the keyboard, as a person without a mouse
        toggle.press("Space")
        wait_for_param(page, "tlast", "1")
        tokens_left = page.get_by_test_id("stMetric").filter(has_text="Tokens left")
        assert tokens_left.get_by_test_id("stMetricValue").inner_text() == "2"
        assert_same_view(browser, page, "sampling")
    finally:
        page.context.close()


def test_a_physics_link_reproduces_the_view(browser, app_url):
    page = new_page(browser, width=1400, height=1400)
    try:
        open_app(page, app_url, "physics_page")
        page.get_by_role("combobox", name="System").click()
        page.get_by_role("option", name="Two-level").click()
        wait_for_param(page, "psys", "two_level")
        enter(page, "spinbutton", "Exact temperature (K)", "50")
        wait_for_param(page, "pK", "50.0")
        page.get_by_role("radio", name="Particles").click()
        wait_for_param(page, "pview", "ensemble")
        enter(page, "spinbutton", "Seed", "7")
        wait_for_param(page, "pseed", "7")
        assert_same_view(browser, page, "physics")
    finally:
        page.context.close()


def test_an_applications_link_reproduces_the_view(browser, app_url):
    page = new_page(browser, width=1400, height=1400)
    try:
        open_app(page, app_url, "applications_page")
        page.get_by_role("radio", name="Attention").click()
        wait_for_param(page, "sec", "attention")
        slider = page.get_by_role("slider", name="Dimension d of queries and keys")
        slider.focus()
        slider.press("ArrowRight")
        wait_for_param(page, "d", "128")
        enter(page, "spinbutton", "Keys per query", "12")
        wait_for_param(page, "keys", "12")
        assert_same_view(browser, page, "applications")
    finally:
        page.context.close()


def test_a_quiz_link_reproduces_the_question_and_its_answer(browser, app_url):
    page = new_page(browser, width=1400, height=1400)
    try:
        open_app(page, app_url, "quiz_page")
        page.get_by_role("button", name="Next").click()
        wait_for_app_idle(page)
        page.get_by_role("button", name="Next").click()
        wait_for_app_idle(page)
        page.get_by_role("radiogroup", name="Your prediction").get_by_role("radio").first.click(
            force=True  # its styled label covers the native input
        )
        page.get_by_role("button", name="Reveal the answer").click()
        wait_for_param(page, "show", "1")
        settle(page)
        question = page.get_by_role("heading", level=3).first.inner_text()
        assert question.startswith("Question 3 of ")
        here = fingerprint(page)
        there, notices, fresh = reopened(browser, page.url)
        try:
            assert fresh.get_by_role("heading", level=3).first.inner_text() == question
            assert there["charts"] == here["charts"] and there["charts"]
            metrics = fresh.get_by_test_id("stMetric").all_inner_texts()
            assert metrics == page.get_by_test_id("stMetric").all_inner_texts() and metrics
            # The learner's own pick is not in the link: the fresh page says it shows the answer.
            assert any("This link shows the answer" in n for n in notices), notices
        finally:
            fresh.context.close()
    finally:
        page.context.close()


def test_the_labels_field_shows_the_labels_the_link_holds(page, app_url):
    open_app(page, app_url)
    enter(page, "textbox", "Logits", "1, 2, 3, 4")
    wait_for_param(page, "z", "1.0,2.0,3.0,4.0")
    settle(page)
    save_screenshot(page, "links_labels_after_a_fourth_logit")
    ticks = page.locator(PLOTLY).first.evaluate("g => Array.from(g._fullData.at(-1).x)")
    assert ticks == ["A", "B", "C", "D"] and query(page)["labels"] == "A,B,C,D"
    assert page.get_by_role("textbox", name="Labels").input_value() == "A, B, C, D"


# --- back and forward ---------------------------------------------------------------------------


def test_back_and_forward_bring_back_the_previous_views(page, app_url):
    open_app(page, app_url)
    exact = page.get_by_role("spinbutton", name="Exact temperature")
    entropy = page.get_by_test_id("stMetricValue").first
    shown = {}
    for temperature in ("2", "0.5"):
        exact.fill(temperature)
        exact.press("Enter")
        wait_for_param(page, "T", f"{float(temperature)!r}")
        shown[temperature] = entropy.inner_text()
    assert shown["2"] != shown["0.5"]

    page.go_back()
    wait_for_app_idle(page)
    page.wait_for_timeout(500)  # the rerun the history change starts
    wait_for_app_idle(page)
    save_screenshot(page, "links_after_back")
    assert query(page)["T"] == "2.0", page.url
    assert exact.input_value() == "2"
    assert entropy.inner_text() == shown["2"]

    page.go_forward()
    wait_for_app_idle(page)
    page.wait_for_timeout(500)
    wait_for_app_idle(page)
    assert query(page)["T"] == "0.5", page.url
    assert exact.input_value() == "0.5"
    assert entropy.inner_text() == shown["0.5"]


# --- garbled and hostile links ------------------------------------------------------------------

#: Each page's path and its link parameters.
PAGES = {
    "explorer": ("", ("z", "labels", "T", "T2", "mode", "view", "img")),
    "sampling": (
        "sampling_page",
        ("sec", "seed", "N", "k", "p", "minp", "tlast", "tau", "prompt", "order", "len", "Ts"),
    ),
    "physics": ("physics_page", ("psys", "punit", "pE", "pg", "pK", "pN", "pseed", "pview")),
    "applications": (
        "applications_page",
        ("sec", "calT", "bins", "kdimg", "kdT", "seed", "runs", "steps", "Ts", "d", "keys"),
    ),
    "quiz": ("quiz_page", ("q", "show")),
}
HEADINGS = {
    "explorer": "Softmax temperature explorer",
    "sampling": "Sampling lab",
    "physics": "Boltzmann physics",
    "applications": "Applications lab",
    "quiz": "Predict, then reveal",
}
OUTSIDE_IMAGE = "http://198.51.100.7/t.png"  # TEST-NET-2: must never be fetched
HOSTILE = (
    "<script>alert(1)</script>",
    "\x00",
    "🔥 ∞ ℵ₀ é",
    "9" * 3000,
    "nan",
    "-inf",
    "1e309",
    f"**bold** :red[x] ![i]({OUTSIDE_IMAGE})",
    "' OR 1=1 --",
    "1,2,<img src=x onerror=alert(2)>",
)
#: Junk that is not any page's parameter: unknown and empty names, bad escapes, repeats.
JUNK = "&%00=%00&junk=1&junk=%ZZ&=&&%=%&<b>=x&present=maybe&hide=%00"


def garbled_query(params: tuple[str, ...]) -> str:
    """Every parameter of the page given a hostile value, each given twice (the last counts)."""
    pairs = []
    for index, name in enumerate(params):
        first, last = HOSTILE[index % len(HOSTILE)], HOSTILE[(index + 3) % len(HOSTILE)]
        pairs += [f"{quote(name)}={quote(first)}", f"{quote(name)}={quote(last)}"]
    return "?" + "&".join(pairs) + JUNK


@pytest.mark.parametrize(
    "name",
    [
        "explorer",
        "sampling",  # len=999…9 (it crashed the page: regression)
        "physics",
        "applications",  # seed=999…9
        "quiz",
    ],
)
def test_a_garbled_link_falls_back_to_defaults_with_a_notice(browser, app_url, name):
    path, params = PAGES[name]
    page = new_page(browser, width=1400, height=1400)
    dialogs, outside = [], []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.on(
        "request",
        lambda request: (
            None
            if request.url.startswith((app_url, "data:", "blob:"))
            else outside.append(request.url)
        ),
    )
    try:
        page.goto(f"{app_url}/{path}{garbled_query(params)}")
        wait_for_app_ready(page, timeout=CHART_TIMEOUT)
        settle(page)
        save_screenshot(page, f"links_garbled_{name}", full_page=True)
        assert_no_exception(page)
        assert page.get_by_role("heading", level=1).first.inner_text() == HEADINGS[name]
        notices = page.locator(NOTICE).all_inner_texts()
        assert notices and all("ignored" in n or "not found" in n for n in notices), notices
        # What the link said is quoted as text: no element, no markup, no image.
        for tag in ("script", "img", "strong", "b"):
            assert page.locator(f"{ALERT} {tag}").count() == 0, tag
        assert page.locator(DIALOG).count() == 0
        page.wait_for_timeout(300)
        assert dialogs == [] and outside == []

        # The page now shows a clean link: it opens without a notice, on the same view.
        shown = fingerprint(page)
        there, again, fresh = reopened(browser, page.url)
        try:
            assert again == [], again
            assert there["charts"] == shown["charts"] and there["inputs"] == shown["inputs"]
        finally:
            fresh.context.close()
    finally:
        page.context.close()


def test_a_repeated_parameter_takes_its_last_value(page, app_url):
    open_app(page, app_url, "?T=2&T=0.5&view=steps&view=compare")
    assert_no_exception(page)
    assert page.get_by_role("spinbutton", name="Exact temperature").input_value() == "0.5"
    assert page.get_by_role("radio", name="Compare two temperatures").is_checked()
    assert (query(page)["T"], query(page)["view"]) == ("0.5", "compare")
    assert page.locator(NOTICE).count() == 0


# --- every parameter, every hostile value: the parsers themselves -------------------------------

PARSERS = {
    "explorer": ("explorer.state", PAGES["explorer"][1]),
    "sampling": ("explorer.sampling_state", PAGES["sampling"][1]),
    "physics": ("explorer.physics_state", PAGES["physics"][1]),
    "applications": ("explorer.applications_state", PAGES["applications"][1]),
    "quiz": ("explorer.quiz_state", PAGES["quiz"][1]),
    "presentation": ("explorer.presentation", ("present", "hide")),  # on every page's link
}
LONG_NUMBERS = ("9" * 310, "-" + "9" * 400, "9" * 5000)  # past float's range; past int()'s limit


@pytest.mark.parametrize(
    "name",
    list(PARSERS),
)
def test_no_parameter_value_makes_a_page_raise(name):
    """The browser test above tries one hostile value per parameter; this one tries them all,
    through the page's own link parser (what the page calls first), in milliseconds."""
    module_name, params = PARSERS[name]
    from_query = importlib.import_module(module_name).from_query
    raised = []
    for param in params:
        for value in (*HOSTILE, *LONG_NUMBERS, " ", "0", "-1", "1" * 20, "0x10", "1_000"):
            try:
                _state, notices = from_query({param: value})
            except Exception as error:  # any exception is the failure
                raised.append(f"{param}={value[:12]!r}… ({len(value)} chars): {error!r}")
            else:
                assert all(isinstance(n, str) and n for n in notices)
    assert not raised, "\n".join(raised)
