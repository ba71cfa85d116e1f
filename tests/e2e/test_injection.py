"""No code injection, in a real browser: wherever a person's text reaches the page (the
Explorer's fields and link, the Sampling lab's prompt and pasted corpus, the physics fields, an
uploaded file's name and cells, chart labels, tooltips, the notices that echo a bad link value),
HTML, script and markdown links show as the text that was typed and never run.

Each payload would set a flag on ``window`` if the browser took it as markup. After the page is
drawn (and after hovering a chart, and a tooltip) the flags must still be undefined, no element
the payloads describe may exist, the image ``x`` must never be requested, no dialog may open,
and the payload's text must be visible where the page shows it. The flag is the last line of
defence, not the first: Streamlit 1.67 strips event handlers even from ``unsafe_allow_html``
markdown and ``st.html``, so a label echoed unsafely shows up as an element (``<b>``,
``img[src=x]``), a request for ``x`` or text that is not what was typed, and those are checked.
(Rendering the labels with ``st.markdown(..., unsafe_allow_html=True)`` or without
``charts.plain`` or ``safe_text.literal`` fails these tests.)

Messages render markdown: ``![x](x)`` and ``[x](javascript:__p)`` check that what they quote
stays text (explorer.views.safe_text.literal). Labels are cut to 20 characters and values echoed
in messages to 20 or 24, so besides the classic payloads there are short ones that stay live
within those caps (``<svg/onload=__p=1>``).
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit

import pytest

from explorer.state import MAX_LABEL_CHARS

from .conftest import (
    assert_no_exception,
    open_app,
    save_screenshot,
    wait_for_app_idle,
)
from .test_applications import choose_upload, csv_bytes, sampled
from .test_links import CHART_TIMEOUT, enter, settle, wait_for_param

# --- the payloads -------------------------------------------------------------------------------

IMG = '<img src=x onerror="window.__pwned=1">'
SCRIPT = "<script>window.__pwned=1</script>"
SVG = '<svg onload="window.__pwned=1">'
JS_LINK = "[x](javascript:window.__pwned=1)"
# Live within a 20-character cut, with no comma or space (the fields' separators).
SHORT_SVG = "<svg/onload=__p=1>"
SHORT_LINK = "[x](javascript:__p)"
# Markdown, for the messages (st.error and st.info render markdown; safe_text.literal escapes it):
# an image would request ``x``, a link would show as "x".
MD_IMG = "![x](x)"
BOLD = "<b>b</b>"
FLAGS = ("__pwned", "__p")

MAIN = '[data-testid="stMain"]'
ALERT = '[data-testid="stAlertContainer"]'
ERROR = '[data-testid="stAlertContentError"]'
NOTICE = '[data-testid="stAlertContentInfo"]'
PLOTLY = ".js-plotly-plot"
HOVER = f"{PLOTLY} .hoverlayer .hovertext"
TOOLTIP = '[data-testid="stTooltipContent"]'

#: Elements that exist only if a payload was parsed as markup.
PLANTED = (
    'img[src="x"]',
    "img[onerror]",
    "svg[onload]",
    "[onerror]",
    "[onload]",
    'a[href^="javascript:" i]',
    f"{MAIN} b",
)
_SCRIPTS_JS = "() => [...document.scripts].filter(s => s.textContent.includes('__p')).length"


def cut(label: str) -> str:
    """A label as the Explorer keeps it."""
    return label[:MAX_LABEL_CHARS]


@pytest.fixture
def watched(page):
    """The page, with every dialog and every request for the image ``x`` recorded."""
    page.dialogs, page.image_requests = [], []
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    page.on(
        "request",
        lambda request: (
            page.image_requests.append(request.url)
            if urlsplit(request.url).path.endswith("/x")
            else None
        ),
    )
    return page


def assert_inert(page) -> None:
    """Nothing planted ran, or became an element, a request or a dialog."""
    page.wait_for_timeout(300)  # an onerror fires once the image's request has failed
    assert_no_exception(page)
    for flag in FLAGS:
        assert page.evaluate(f"typeof window.{flag}") == "undefined", flag
    for selector in PLANTED:
        assert page.locator(selector).count() == 0, selector
    assert page.evaluate(_SCRIPTS_JS) == 0
    assert page.dialogs == [] and page.image_requests == []


def assert_shown(page, text: str, where: str = MAIN) -> None:
    """``text`` is visible, as typed, somewhere in ``where``."""
    shown = page.locator(where).get_by_text(text, exact=False).first
    shown.wait_for(state="visible", timeout=15_000)


def alert_text(page, selector: str = ALERT) -> str:
    return "\n".join(page.locator(selector).all_inner_texts())


def hover_each_bar(page, chart: int = 0) -> list[str]:
    """Hover every bar of the ``chart``-th plotly chart (those with a height: a bar of
    probability 0 has none); the text of each hover label."""
    texts = []
    bars = page.locator(PLOTLY).nth(chart).locator(".barlayer .point path")
    for index in range(bars.count()):
        box = bars.nth(index).bounding_box()
        if box is None or box["height"] < 2:
            continue
        page.mouse.move(0, 0)
        page.locator(HOVER).first.wait_for(state="detached", timeout=5_000)
        bars.nth(index).hover(force=True)
        page.locator(HOVER).first.wait_for(state="visible", timeout=5_000)
        texts.append(" ".join(page.locator(HOVER).all_text_contents()))
    page.mouse.move(0, 0)
    return texts


def chart_texts(page, chart: int = 0) -> str:
    """Every SVG text of a plotly chart (ticks, legend, annotations), as drawn."""
    return (
        page.locator(PLOTLY)
        .nth(chart)
        .evaluate("g => [...g.querySelectorAll('text')].map(t => t.textContent).join('\\n')")
    )


def upload(page, name: str, data: bytes) -> None:
    """Upload ``data`` as a CSV file named ``name``; wait until the uploader lists it (by a
    shortened name: its title holds the whole name)."""
    uploader = page.get_by_test_id("stFileUploader").locator('input[type="file"]')
    uploader.set_input_files({"name": name, "mimeType": "text/csv", "buffer": data})
    chip = page.get_by_test_id("stFileChipName")
    page.wait_for_function(
        "name => [...document.querySelectorAll('[data-testid=\"stFileChipName\"]')]"
        ".some(c => c.title === name)",
        arg=name,
        timeout=15_000,
    )
    assert chip.count() == 1
    wait_for_app_idle(page, timeout=CHART_TIMEOUT)


# --- the Explorer -------------------------------------------------------------------------------


def test_explorer_fields_show_markup_as_text(watched, app_url):
    page = watched
    open_app(page, app_url)
    enter(page, "textbox", "Logits", "1, 2, 3, 4")
    wait_for_param(page, "z", "1.0,2.0,3.0,4.0")
    labels = (SHORT_SVG, BOLD, SHORT_LINK, IMG)
    enter(page, "textbox", "Labels", ", ".join((*labels, SCRIPT, SVG)))
    wait_for_param(page, "labels", ",".join(cut(label) for label in labels))
    settle(page)
    assert_inert(page)

    # The chart's ticks and the curves' legend, as typed (cut to 20 characters).
    for chart in (0, 1):
        drawn = chart_texts(page, chart)
        assert all(cut(label) in drawn for label in labels), drawn
    hovers = hover_each_bar(page)
    assert all(cut(label) in text for label, text in zip(labels, hovers, strict=True)), hovers
    assert_inert(page)

    # Labels past the fourth are quoted, whole, in a notice.
    assert f"Extra labels ignored: {SCRIPT}, " in alert_text(page, NOTICE)

    # The metric's tooltip names the top class.
    top = page.get_by_test_id("stMetric").filter(has_text="Top probability")
    top.get_by_test_id("stTooltipHoverTarget").hover()
    page.locator(TOOLTIP).wait_for(state="visible", timeout=5_000)
    assert page.locator(TOOLTIP).inner_text().strip() == f"Class {cut(IMG)}"
    save_screenshot(page, "injection_explorer_labels")
    page.mouse.move(0, 0)
    assert_inert(page)

    # A bad value and duplicate labels: their messages quote what was typed.
    enter(page, "textbox", "Logits", f"1, 2, 3, {SHORT_SVG}")
    page.locator(ERROR).first.wait_for(timeout=15_000)
    wait_for_app_idle(page)
    assert f"“{SHORT_SVG}” (entry 4) is not a number." in alert_text(page, ERROR)
    # Not last: the field strips a pasted list's brackets and parentheses from both ends.
    enter(page, "textbox", "Logits", f"1, 2, {MD_IMG}, 4")
    page.locator(ERROR).get_by_text("(entry 3)").wait_for(timeout=15_000)
    wait_for_app_idle(page)
    assert f"“{MD_IMG}” (entry 3) is not a number." in alert_text(page, ERROR)
    assert_inert(page)
    enter(page, "textbox", "Labels", f"{BOLD}, {BOLD}, c, d")
    page.wait_for_function(
        "() => document.body.innerText.includes('appears twice')", timeout=15_000
    )
    wait_for_app_idle(page)
    assert f"Each label must be different (“{BOLD}” appears twice)." in alert_text(page, ERROR)
    assert_shown(page, f"“{BOLD}” appears twice", ERROR)
    enter(page, "textbox", "Labels", f"{SHORT_LINK}, {SHORT_LINK}, c, d")
    page.locator(ERROR).get_by_text("javascript").wait_for(timeout=15_000)
    wait_for_app_idle(page)
    assert f"(“{SHORT_LINK}” appears twice)." in alert_text(page, ERROR)
    save_screenshot(page, "injection_explorer_errors", full_page=True)
    assert_inert(page)


@pytest.mark.parametrize("view", ["logprob", "compare", "sweep"])
def test_a_link_with_markup_shows_it_as_text(watched, app_url, view):
    page = watched
    labels = (SHORT_SVG, BOLD, SHORT_LINK, IMG)
    bad = {"T": IMG, "T2": MD_IMG, "mode": SVG, "img": SHORT_LINK}
    query = f"?z=1,2,3,4&labels={quote(','.join(labels))}&view={view}&" + "&".join(
        f"{name}={quote(value)}" for name, value in bad.items()
    )
    open_app(page, app_url, query)
    settle(page)
    assert_inert(page)
    notices = alert_text(page, NOTICE)
    assert all(f"The link's “{name}” was ignored" in notices for name in bad), notices
    # Each value is quoted as far as the notice goes (20 characters; a mode is not quoted).
    for quoted in (cut(IMG), MD_IMG, SHORT_LINK):
        assert_shown(page, f"“{quoted}” is not a", NOTICE)
    assert page.get_by_role("textbox", name="Labels").input_value() == ", ".join(
        cut(label) for label in labels
    )
    charts = page.locator(PLOTLY).count()
    drawn = "\n".join(chart_texts(page, chart) for chart in range(charts))
    assert all(cut(label) in drawn for label in labels), drawn
    for chart in range(charts):
        for text in hover_each_bar(page, chart):
            assert any(cut(label) in text for label in labels), text
    if view == "sweep":  # the animation's frames carry the labels too: play it
        page.locator(PLOTLY).nth(1).locator(".updatemenu-button").first.click()
        page.wait_for_timeout(1500)
        assert all(cut(label) in chart_texts(page, 1) for label in labels)
    save_screenshot(page, f"injection_link_{view}", full_page=True)
    assert_inert(page)


# --- the Sampling lab ---------------------------------------------------------------------------


def test_sampling_lab_prompt_and_pasted_corpus_show_as_text(watched, app_url):
    page = watched
    labels = (SHORT_SVG, BOLD, SHORT_LINK, IMG)
    open_app(
        page,
        app_url,
        f"sampling_page?sec=text&prompt={quote(IMG)}&z=1,2,3,4&labels={quote(','.join(labels))}",
    )
    page.wait_for_selector('[data-testid="stText"]', timeout=CHART_TIMEOUT)
    settle(page)
    assert page.get_by_role("textbox", name="Prompt").input_value() == IMG
    generated = page.get_by_test_id("stText").all_inner_texts()
    assert generated and all(text.startswith(IMG) for text in generated), generated
    assert_inert(page)

    # A corpus made of the payloads: the model writes them back, as text.
    page.get_by_role("radio", name="Paste your own").click()
    wait_for_app_idle(page)
    corpus = "\n".join([f"{IMG} {SCRIPT} {SVG} {JS_LINK}"] * 30)
    area = page.get_by_role("textbox", name="Your text")
    area.fill(corpus)
    area.press("Control+Enter")
    wait_for_app_idle(page, timeout=CHART_TIMEOUT)
    settle(page)
    generated = page.get_by_test_id("stText").all_inner_texts()
    assert any(SCRIPT in text or SVG in text for text in generated), generated
    save_screenshot(page, "injection_sampling_text", full_page=True)
    assert_inert(page)

    # The labels in the other sections' charts and sentences.
    for section in ("Draw samples", "The Gumbel trick", "Decoding pipeline"):
        page.get_by_role("radio", name=section).click()
        wait_for_app_idle(page, timeout=CHART_TIMEOUT)
        settle(page)
        charts = page.locator(PLOTLY).count()
        drawn = "\n".join(chart_texts(page, chart) for chart in range(charts))
        assert all(cut(label) in drawn for label in labels), (section, drawn)
        hover_each_bar(page)
        assert_inert(page)
        said = page.locator(MAIN).inner_text()  # sentences name the draw and the winner
        if section == "Draw samples":
            assert any(f"falls in the piece of “{cut(label)}”" in said for label in labels)
        if section == "The Gumbel trick":
            assert any(f"“{cut(label)}” wins this race" in said for label in labels), said


# --- Boltzmann physics --------------------------------------------------------------------------


def test_physics_fields_and_link_show_markup_as_text(watched, app_url):
    page = watched
    bad = {"pE": SHORT_SVG, "pg": SCRIPT, "pK": MD_IMG}
    open_app(page, app_url, "physics_page?" + "&".join(f"{k}={quote(v)}" for k, v in bad.items()))
    settle(page)
    notices = alert_text(page, NOTICE)
    assert all(f"The link's “{name}” was ignored" in notices for name in bad), notices
    for quoted in (SHORT_SVG, cut(SCRIPT), MD_IMG):
        assert_shown(page, f"“{quoted}”", NOTICE)
    assert_inert(page)

    # Degeneracies are checked only against valid energies: the degeneracies first.
    fields = (
        ("Degeneracies g", f"1, {BOLD}", f"“{BOLD}” (degeneracies, entry 2) is not a number."),
        (re.compile(r"^Energies \("), f"0, 1, {SHORT_SVG}", f"“{SHORT_SVG}” (energies, entry 3)"),
    )
    for name, text, message in fields:
        field = page.get_by_role("textbox", name=name)
        field.fill(text)
        field.press("Control+Enter")
        page.locator(ERROR).get_by_text(message).wait_for(timeout=15_000)
        wait_for_app_idle(page)
        assert_inert(page)
    save_screenshot(page, "injection_physics", full_page=True)
    assert_inert(page)


# --- an uploaded file ---------------------------------------------------------------------------


def test_an_uploaded_files_name_and_cells_show_as_text(watched, app_url):
    page = watched
    open_app(page, app_url, "applications_page")
    choose_upload(page)
    z, labels = sampled(rows=60)
    name = f"{IMG}.csv"
    upload(page, name, csv_bytes(z, labels))
    page.get_by_test_id("stMetric").first.wait_for(timeout=CHART_TIMEOUT)
    assert page.locator(ERROR).count() == 0
    chip = page.get_by_test_id("stFileChipName")
    assert chip.inner_text() == '<img sr...ed=1">.csv'  # Streamlit shortens it, as text
    assert_inert(page)

    # Back from another section, the page names the file it still analyses.
    page.get_by_role("radio", name="Attention").click()
    wait_for_app_idle(page, timeout=CHART_TIMEOUT)
    page.get_by_role("radio", name="Calibration").click()
    wait_for_app_idle(page, timeout=CHART_TIMEOUT)
    # The server has the name as the browser sent it: a form's file name has " as %22.
    received = name.replace('"', "%22")
    assert_shown(page, f"Analysing {received}, uploaded earlier in this session.")
    settle(page)
    save_screenshot(page, "injection_upload_name", full_page=True)
    assert_inert(page)

    # A cell of markup: the error quotes it.
    lines = csv_bytes(z, labels).decode().splitlines()
    cells = lines[4].split(",")
    cells[1] = SHORT_SVG
    lines[4] = ",".join(cells)
    upload(page, f"{SVG}.csv", ("\n".join(lines) + "\n").encode())
    page.locator(ERROR).first.wait_for(timeout=15_000)
    wait_for_app_idle(page)
    assert f"Line 5, column 2 holds '{SHORT_SVG}', which is not a number." in alert_text(
        page, ERROR
    )
    assert_shown(page, f"'{SHORT_SVG}'", ERROR)
    save_screenshot(page, "injection_upload_cell", full_page=True)
    assert_inert(page)
