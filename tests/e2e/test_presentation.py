"""Presentation mode in a real browser: the type really is larger (computed font sizes, with and
without present=1), the copy-link box holds the page's address with its query, the mode
survives the sidebar's page links, and a link's hide= removes controls. The screenshots of the
mode are saved for the README (UPDATE_SCREENSHOTS=1 refreshes assets/).
"""

from __future__ import annotations

import os
from urllib.parse import parse_qs, urlsplit

import pytest

from .conftest import (
    ARTIFACTS,
    REPO_ROOT,
    assert_no_exception,
    open_app,
    save_screenshot_to,
    wait_for_app_idle,
)

PLOTLY = ".js-plotly-plot"
LINK_BOX = '[data-testid="stSidebar"] [data-testid="stCode"] code'
EXPLORER_LESSON = "?present=1&T=2&hide=examples,try,digits,mistakes,export"
SCREENSHOTS = {
    "explorer": (EXPLORER_LESSON, REPO_ROOT / "assets" / "presentation-explorer.png"),
    "sampling": ("sampling_page?present=1", REPO_ROOT / "assets" / "presentation-sampling.png"),
}

# Computed font sizes (px) of what a class reads: a metric's value, a paragraph of the page, a
# label of a chart's axis, the text on a bar.
_SIZES_JS = """() => {
    const size = (selector) => {
        const element = document.querySelector(selector);
        return element ? parseFloat(getComputedStyle(element).fontSize) : null;
    };
    return {
        metric: size('[data-testid="stMetricValue"]'),
        paragraph: size('[data-testid="stMain"] [data-testid="stMarkdownContainer"] p'),
        tick: size('.js-plotly-plot .xtick text'),
        bar_text: size('.js-plotly-plot .bartext'),
    };
}"""


def settle(page) -> None:
    page.locator(PLOTLY).first.wait_for(state="visible", timeout=20_000)
    page.wait_for_timeout(800)  # chart transitions and web fonts
    wait_for_app_idle(page)


def sizes(page) -> dict[str, float]:
    measured = page.evaluate(_SIZES_JS)
    assert all(measured.values()), measured  # every element was found
    return measured


def address(url: str) -> tuple[str, dict[str, str]]:
    """A URL's path and its query parameters (the last of each)."""
    parts = urlsplit(url)
    query = parse_qs(parts.query, keep_blank_values=True)
    return parts.path.rstrip("/"), {name: values[-1] for name, values in query.items()}


def link_box(page) -> str:
    return page.locator(LINK_BOX).inner_text().replace("\n", "")


def test_presentation_mode_renders_larger(page, app_url):
    open_app(page, app_url)
    settle(page)
    normal = sizes(page)
    open_app(page, app_url, "?present=1")
    settle(page)
    presented = sizes(page)
    (ARTIFACTS / "presentation_font_sizes.txt").write_text(f"{normal}\n{presented}\n")
    assert presented["paragraph"] >= 1.3 * normal["paragraph"], (normal, presented)
    assert presented["metric"] > normal["metric"], (normal, presented)
    assert presented["tick"] >= 20 > normal["tick"], (normal, presented)
    assert presented["bar_text"] >= 20 > normal["bar_text"], (normal, presented)
    background = page.evaluate(
        "() => getComputedStyle(document.querySelector('.js-plotly-plot .main-svg')).background"
        " + document.querySelector('.js-plotly-plot .bg').getAttribute('style')"
    )
    assert "255, 255, 255" in background  # a white plot on a white page
    assert_no_exception(page)


def test_the_copy_link_box_holds_the_page_address_and_follows_the_page(page, app_url):
    open_app(page, app_url, "?present=1&hide=formula&T=2")
    settle(page)
    path, query = address(page.url)
    assert address(link_box(page)) == (path, query)
    assert query["present"] == "1" and query["hide"] == "formula" and query["T"] == "2.0"
    assert page.locator(LINK_BOX).inner_text().startswith(app_url)  # a whole address

    # The sidebar's page link: Streamlit empties the address; the mode comes back into it.
    page.get_by_test_id("stSidebarNav").get_by_text("Sampling lab").click()
    page.wait_for_url("**/sampling_page?**present=1**", timeout=20_000)
    settle(page)
    path, query = address(page.url)
    assert path.endswith("/sampling_page") and query["present"] == "1"
    assert address(link_box(page)) == (path, query)
    assert page.get_by_role("switch", name="Presentation mode").is_checked()
    assert sizes(page)["tick"] >= 20
    assert_no_exception(page)


def test_a_link_hides_the_named_controls(page, app_url):
    open_app(page, app_url, "?present=1&hide=values,formula&z=1,2,3")
    settle(page)
    assert page.get_by_role("textbox", name="Labels", exact=True).count() == 1  # not hidden
    assert page.get_by_role("textbox", name="Logits", exact=True).count() == 0
    assert page.locator(".katex").count() == 0
    assert page.get_by_test_id("stMetricValue").nth(3).inner_text() == "0.6652"  # softmax(1,2,3)
    assert_no_exception(page)


@pytest.mark.parametrize("name", SCREENSHOTS)
def test_screenshot_of_presentation_mode(page, app_url, name):
    """What a class sees at 1400×1000. Always saved to artifacts/; UPDATE_SCREENSHOTS=1 refreshes
    the README's copies in assets/."""
    path, readme_copy = SCREENSHOTS[name]
    open_app(page, app_url, path)
    settle(page)
    page.wait_for_timeout(1_000)
    save_screenshot_to(page, ARTIFACTS / readme_copy.name)
    if os.environ.get("UPDATE_SCREENSHOTS") == "1":
        save_screenshot_to(page, readme_copy)
    assert_no_exception(page)
