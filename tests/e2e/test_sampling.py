"""The Sampling lab in a real browser: its URL, one draw at a time, many draws, the decoding
pipeline. Expected figures come from numpy's own Generator, independently of the app's code.
"""

from __future__ import annotations

import re

import numpy as np

from .conftest import (
    assert_no_exception,
    new_page,
    open_app,
    save_screenshot,
    wait_for_app_idle,
)

PATH = "sampling_page"
PLOTLY = ".js-plotly-plot"
DEFAULT_PROBS = np.exp([2.0, 1.0, 0.1]) / np.exp([2.0, 1.0, 0.1]).sum()
DEFAULT_SEED = 10


def uniforms(count: int, seed: int = DEFAULT_SEED) -> np.ndarray:
    """The u of the first ``count`` draws: r · F_last, r from numpy's Generator."""
    return np.random.default_rng(seed).random(count) * np.cumsum(DEFAULT_PROBS)[-1]


def metric_value(page, label: str) -> str:
    metric = page.get_by_test_id("stMetric").filter(
        has=page.get_by_test_id("stMetricLabel").get_by_text(label, exact=True)
    )
    return metric.get_by_test_id("stMetricValue").inner_text().strip()


def draw_text(page) -> str:
    return page.get_by_text(re.compile(r"^Draw \d+: a uniform number")).inner_text()


def settle(page) -> None:
    page.locator(PLOTLY).first.wait_for(state="visible", timeout=15_000)
    page.wait_for_timeout(800)  # chart transitions and web fonts
    wait_for_app_idle(page)


def test_the_lab_has_its_own_path_and_a_nav_entry(browser, app_url):
    page = new_page(browser, width=1400, height=1800)
    try:
        open_app(page, app_url)
        page.get_by_test_id("stSidebarNavLink").filter(has_text="Sampling lab").click()
        page.wait_for_url(re.compile(rf"/{PATH}(\?|$)"))
        wait_for_app_idle(page)
        assert page.get_by_role("heading", level=1).first.inner_text() == "Sampling lab"
        assert "sec=draws" in page.url and "seed=10" in page.url  # the link reproduces the view
        assert_no_exception(page)

        open_app(page, app_url, PATH)  # the same page, opened by its path
        assert page.get_by_role("heading", level=1).first.inner_text() == "Sampling lab"
        assert page.get_by_role("radio", name="Draw samples").is_checked()
        settle(page)
        save_screenshot(page, "sampling_draws", full_page=True)
        assert_no_exception(page)
    finally:
        page.context.close()


def test_draw_one_more_changes_the_text(page, app_url):
    open_app(page, app_url, PATH)
    u = uniforms(2)
    first = draw_text(page)
    assert first.startswith(f"Draw 1: a uniform number u = {u[0]:.3f}")
    page.get_by_role("button", name="Draw one more").click()
    wait_for_app_idle(page)
    second = draw_text(page)
    assert second != first and second.startswith(f"Draw 2: a uniform number u = {u[1]:.3f}")
    assert_no_exception(page)


def test_many_draws_show_the_histogram_and_the_chi_square(browser, app_url):
    page = new_page(browser, width=1400, height=1800)
    try:
        open_app(page, app_url, PATH)
        field = page.get_by_role("spinbutton", name="Draws N")
        field.fill("100000")
        field.press("Enter")
        wait_for_app_idle(page)
        page.wait_for_function(
            "() => [...document.querySelectorAll('[data-testid=\"stMetricValue\"]')]"
            ".some(m => m.innerText.trim() === '100,000')",
            timeout=30_000,
        )
        assert metric_value(page, "Draws") == "100,000"
        pvalue = float(metric_value(page, "Chi-square p-value"))
        assert 0 <= pvalue <= 1
        histogram = page.locator(PLOTLY).nth(1)
        histogram.wait_for(state="visible", timeout=15_000)
        assert histogram.locator(".bars .point").count() == 3
        assert "frequency in 100,000 draws" in histogram.inner_text()
        settle(page)
        save_screenshot(page, "sampling_histogram", full_page=True)
        assert_no_exception(page)
    finally:
        page.context.close()


def test_the_decoding_section_shows_the_stage_chart(browser, app_url):
    page = new_page(browser, width=1400, height=2000)
    try:
        open_app(page, app_url, PATH)
        page.get_by_role("radio", name="Decoding pipeline").click()
        wait_for_app_idle(page)
        stages = page.locator(PLOTLY).first
        stages.wait_for(state="visible", timeout=15_000)
        titles = stages.locator(".annotation-text").all_text_contents()
        assert titles == ["temperature = 1", "top-k: off", "top-p = 0.9", "min-p: off"]
        # The default top-p 0.9 keeps A and B (0.659 + 0.242 ≥ 0.9) and strikes C.
        assert metric_value(page, "Tokens left") == "2"
        assert "sec=decoding" in page.url
        settle(page)
        save_screenshot(page, "sampling_decoding", full_page=True)
        assert_no_exception(page)
    finally:
        page.context.close()
