"""The Explorer page in a real browser: it loads, the Temperature slider drives the readouts, bad
logits are refused without losing the state, and how long the readout takes to follow a key press.

Expected figures are computed here with numpy, independently of the app's own code.
"""

from __future__ import annotations

import os
import re
import statistics

import numpy as np
import pytest

from .conftest import (
    ARTIFACTS,
    REPO_ROOT,
    assert_no_exception,
    new_page,
    open_app,
    save_screenshot,
    save_screenshot_to,
    wait_for_app_idle,
)

DEFAULT_LOGITS = np.array([2.0, 1.0, 0.1])
METRIC_LABELS = ("Entropy (nats)", "Entropy (bits)", "Perplexity", "Top probability")
README_SCREENSHOT = REPO_ROOT / "assets" / "explorer.png"
CHART = (
    '[data-testid="stPlotlyChart"], [data-testid="stVegaLiteChart"], '
    '[data-testid="stArrowVegaLiteChart"], [data-testid="stImage"]'
)
ERROR = '[data-testid="stAlertContentError"], [role="alert"]'
LATENCY_PRESSES = 10

_NUMBER = re.compile(r"[-+−]?(?:\d+(?:[.,]\d*)?|\.\d+)(?:[eE][-+−]?\d+)?")


def softmax(z: np.ndarray, temperature: float) -> np.ndarray:
    if temperature == 0:
        top = z == z.max()
        return top / top.sum()
    scaled = (z - z.max()) / temperature
    weights = np.exp(scaled)
    return weights / weights.sum()


def entropy_nats(z: np.ndarray, temperature: float) -> float:
    p = softmax(z, temperature)
    p = p[p > 0]
    return float(-(p * np.log(p)).sum())


def parse_number(text: str) -> float:
    """The first number in a metric's text: ``0.8018`` → 0.8018, ``65.9%`` → 0.659."""
    match = _NUMBER.search(text.replace("\u2212", "-"))
    assert match, f"no number in {text!r}"
    value = float(match.group().replace("−", "-").replace(",", ""))
    return value / 100 if "%" in text[match.end() :].lstrip()[:1] else value


# --- page access --------------------------------------------------------------------------------


def metric(page, label: str):
    """The stMetric whose label is exactly ``label``."""
    return page.get_by_test_id("stMetric").filter(
        has=page.get_by_test_id("stMetricLabel").get_by_text(label, exact=True)
    )


def metric_text(page, label: str) -> str:
    return metric(page, label).get_by_test_id("stMetricValue").inner_text().strip()


def metric_value(page, label: str) -> float:
    return parse_number(metric_text(page, label))


def metric_texts(page) -> dict[str, str]:
    return {label: metric_text(page, label) for label in METRIC_LABELS}


def temperature_slider(page):
    return page.get_by_role("slider", name="Temperature")


def exact_temperature(page):
    return page.get_by_role("spinbutton", name="Exact temperature")


def logits_input(page):
    return page.get_by_role("textbox", name="Logits", exact=True)


def wait_for_metric_change(page, label: str, previous: str, timeout: float = 15_000) -> str:
    """Wait until the metric ``label`` shows something other than ``previous``; return it."""
    page.wait_for_function(
        _METRIC_CHANGED_JS, arg={"label": label, "previous": previous}, timeout=timeout
    )
    return metric_text(page, label)


# Finds the metric by its label each time: a rerun may replace the element.
_READ_METRIC_JS = """
(label) => {
    for (const m of document.querySelectorAll('[data-testid="stMetric"]')) {
        const l = m.querySelector('[data-testid="stMetricLabel"]');
        if (l && l.innerText.trim() === label) {
            const v = m.querySelector('[data-testid="stMetricValue"]');
            return v ? v.innerText.trim() : null;
        }
    }
    return null;
}
"""
_METRIC_CHANGED_JS = f"""
({{label, previous}}) => {{
    const text = ({_READ_METRIC_JS})(label);
    return text !== null && text !== previous;
}}
"""
# Resolves with the ms from the last keydown to the frame the readout first differs.
_LATENCY_JS = f"""
({{label, previous}}) => {{
    const text = ({_READ_METRIC_JS})(label);
    if (text === null || text === previous) return false;
    return performance.now() - window.__e2eKeyDown;
}}
"""


def press_and_wait(page, key: str, label: str = "Entropy (nats)") -> str:
    """Press ``key`` on the focused element, wait for ``label`` to change and the rerun to end."""
    before = metric_text(page, label)
    page.keyboard.press(key)
    after = wait_for_metric_change(page, label, before)
    wait_for_app_idle(page)
    return after


# --- tests --------------------------------------------------------------------------------------


def test_page_loads_with_title_and_readouts(browser, app_url):
    page = new_page(browser, width=1400, height=1800)
    try:
        open_app(page, app_url)
        assert_no_exception(page)

        heading = page.get_by_role("heading", level=1).first
        titles = [page.title(), heading.inner_text() if heading.count() else ""]
        assert any("Softmax" in title for title in titles), f"no 'Softmax' in title: {titles}"

        page.get_by_test_id("stMetric").first.wait_for(state="visible")
        for label in METRIC_LABELS:
            assert metric(page, label).count() == 1, f"metric {label!r} missing or repeated"
        assert metric_value(page, "Entropy (nats)") == pytest.approx(
            entropy_nats(DEFAULT_LOGITS, 1.0), abs=5e-4
        )
        assert "2" in logits_input(page).input_value()

        page.locator(CHART).first.wait_for(state="visible", timeout=15_000)
        page.wait_for_timeout(1_000)  # chart transitions and web fonts
        wait_for_app_idle(page)
        save_screenshot(page, "explorer_default", full_page=True)
        assert_no_exception(page)
    finally:
        page.context.close()


def test_a_shared_link_opens_the_same_view_and_makes_the_readme_screenshot(browser, app_url):
    page = new_page(browser, width=1400, height=1560)
    try:
        open_app(page, app_url, "?z=2.0,1.0,0.1&labels=cat,dog,fox&T=0.5&view=curves")
        assert_no_exception(page)
        assert page.get_by_role("spinbutton", name="Exact temperature").input_value() == "0.5"
        assert page.get_by_role("textbox", name="Labels").input_value() == "cat, dog, fox"
        assert metric_value(page, "Entropy (nats)") == pytest.approx(
            entropy_nats(DEFAULT_LOGITS, 0.5), abs=5e-4
        )
        # The README's screenshot: T = 0.5 beside the grey T = 1 bars, and the curves. Always
        # saved to artifacts/; UPDATE_SCREENSHOTS=1 refreshes the README's copy in assets/.
        page.locator(CHART).nth(1).wait_for(state="visible", timeout=15_000)
        page.wait_for_timeout(1_000)  # chart transitions and web fonts
        wait_for_app_idle(page)
        save_screenshot_to(page, ARTIFACTS / README_SCREENSHOT.name)
        if os.environ.get("UPDATE_SCREENSHOTS") == "1":
            save_screenshot_to(page, README_SCREENSHOT)
        assert_no_exception(page)
    finally:
        page.context.close()


def test_default_readouts_match_numpy(page, app_url):
    open_app(page, app_url)
    nats = entropy_nats(DEFAULT_LOGITS, 1.0)
    expected = {
        "Entropy (nats)": nats,
        "Entropy (bits)": nats / np.log(2),
        "Perplexity": np.exp(nats),
        "Top probability": softmax(DEFAULT_LOGITS, 1.0).max(),
    }
    for label, value in expected.items():
        assert metric_value(page, label) == pytest.approx(value, rel=2e-3), label
    assert float(exact_temperature(page).input_value()) == pytest.approx(1.0)
    assert_no_exception(page)


def test_temperature_slider_drives_entropy(page, app_url):
    open_app(page, app_url)
    slider = temperature_slider(page)
    spin = exact_temperature(page)
    start_entropy = metric_value(page, "Entropy (nats)")
    start_exact = spin.input_value()
    assert float(start_exact) == pytest.approx(1.0)

    slider.focus()
    for _ in range(3):
        press_and_wait(page, "ArrowRight")
    assert_no_exception(page)

    hotter = float(spin.input_value())
    assert hotter > 1.0, f"exact temperature did not go up: {start_exact} → {hotter}"
    entropy = metric_value(page, "Entropy (nats)")
    assert entropy > start_entropy
    assert entropy == pytest.approx(entropy_nats(DEFAULT_LOGITS, hotter), abs=5e-4)

    slider.focus()
    press_and_wait(page, "Home")
    assert_no_exception(page)
    assert float(spin.input_value()) == 0.0
    assert metric_value(page, "Entropy (nats)") == pytest.approx(0.0, abs=1e-9)
    assert metric_value(page, "Top probability") == pytest.approx(1.0)
    save_screenshot(page, "explorer_greedy", full_page=True)


def test_bad_logits_show_a_message_and_keep_state(page, app_url):
    open_app(page, app_url)
    before = metric_texts(page)

    field = logits_input(page)
    field.fill("abc")
    field.press("Enter")
    wait_for_app_idle(page)

    page.locator(ERROR).first.wait_for(state="visible", timeout=10_000)
    message = page.locator(ERROR).first.inner_text()
    assert message.strip(), "the error message is empty"
    assert_no_exception(page)
    assert metric_texts(page) == before
    save_screenshot(page, "explorer_bad_logits", full_page=True)


def test_slider_latency_measurement(page, app_url):
    """Time from a key press to the entropy readout changing. Reported, never asserted."""
    open_app(page, app_url)
    page.evaluate(
        "() => document.addEventListener("
        "'keydown', () => { window.__e2eKeyDown = performance.now(); }, true)"
    )
    temperature_slider(page).focus()
    label = "Entropy (nats)"
    latencies = []
    for _ in range(LATENCY_PRESSES):
        before = metric_text(page, label)
        page.keyboard.press("ArrowRight")
        handle = page.wait_for_function(
            _LATENCY_JS, arg={"label": label, "previous": before}, timeout=15_000
        )
        latencies.append(float(handle.json_value()))
        wait_for_app_idle(page)
    assert_no_exception(page)

    p50 = statistics.median(latencies)
    p95 = float(np.percentile(latencies, 95))
    report = (
        f"slider key press → '{label}' readout change, {len(latencies)} presses\n"
        f"p50 {p50:.0f} ms\np95 {p95:.0f} ms\n"
        f"all (ms): {', '.join(f'{ms:.0f}' for ms in latencies)}\n"
    )
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "slider_latency.txt").write_text(report)
    print(report)


def record_outside_requests(page, app_url: str) -> list[str]:
    """A list that fills with every URL the page requests from anywhere but the app."""
    outside: list[str] = []

    def note(request) -> None:
        if not request.url.startswith((app_url, "data:", "blob:")):
            outside.append(request.url)

    page.on("request", note)
    return outside


def test_user_text_is_shown_as_typed_never_run_or_rendered(page, app_url):
    # Labels land in plotly (which reads <b>, <a> as markup) and in st.info / st.error
    # (markdown: images fetch from any host, **emphasis**, :color[…]). All must show as typed.
    outside = record_outside_requests(page, app_url)
    open_app(page, app_url)
    hostile = "<b>bold</b>, <img src=x onerror=window.__pwned=1>, **star** ![i](http://198.51.100.7/t.png)"
    logits = page.get_by_role("textbox", name="Logits")
    logits.fill("1, 2")
    logits.press("Enter")
    wait_for_app_idle(page)
    labels = page.get_by_role("textbox", name="Labels")
    labels.fill(hostile)
    labels.press("Enter")
    wait_for_app_idle(page)
    notice = page.get_by_test_id("stAlertContentInfo").inner_text()
    assert "**star** ![i](http://198.51.100.7/t.png)" in notice  # literal, not bold or an image
    ticks = page.locator(".xtick").all_text_contents()
    assert ticks[:2] == ["<b>bold</b>", "<img src=x onerror=w"]  # labels are cut at 20 chars
    assert page.locator(".xtick tspan[style*='bold']").count() == 0
    assert page.evaluate("window.__pwned") is None
    assert outside == []
    assert_no_exception(page)


def test_nothing_is_fetched_from_outside_the_app(page, app_url):
    # Nothing is downloaded at run time: a classroom without internet gets the same page.
    # (Regression: a :material/…: page icon made every visit fetch a favicon from a font CDN.)
    outside = record_outside_requests(page, app_url)
    open_app(page, app_url)
    for view in (
        "Step by step",
        "Compare two temperatures",
        "Log-probabilities",
        "Temperature sweep",
        "Across temperatures",
    ):
        page.get_by_role("radio", name=view).click()
        wait_for_app_idle(page)
        assert_no_exception(page)
    page.wait_for_timeout(1_000)  # late requests: favicon, fonts
    assert outside == []


def test_the_sweep_plays_in_the_browser_without_the_server(page, app_url):
    open_app(page, app_url, "?view=sweep")
    chart = page.locator(".js-plotly-plot").nth(1)  # the first chart is the bars at T
    chart.wait_for(state="visible")
    title_before = chart.locator(".textpoint text").text_content()
    # Count animation frames and watch the app: a server round trip would set it "running".
    page.evaluate(
        """(gd) => {
            window.__frames = 0; window.__reruns = 0;
            gd.on('plotly_animatingframe', () => window.__frames++);
            const app = document.querySelector('[data-testid="stApp"]');
            new MutationObserver(() => {
                if (app.dataset.testScriptState === 'running') window.__reruns++;
            }).observe(app, {attributes: true});
        }""",
        chart.element_handle(),
    )
    chart.get_by_text("Play").click()
    page.wait_for_timeout(2_000)
    frames, reruns = page.evaluate("[window.__frames, window.__reruns]")
    title_after = chart.locator(".textpoint text").text_content()
    (ARTIFACTS / "sweep_fps.txt").write_text(f"{frames / 2:.0f} frames per second over 2 s\n")
    print(f"sweep: {frames / 2:.0f} frames/s, {reruns} server reruns")
    assert frames >= 5 and reruns == 0  # it animates, client-side; the rate is a measurement
    assert title_after != title_before and title_after.startswith("T = ")
    assert_no_exception(page)
