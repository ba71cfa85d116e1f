"""The Explorer's examples and exports in a real browser: a click loads an example (metrics and
bars follow), the CSV download holds the numbers, the code block the logits, and the chart's
camera button saves softmax-T-<T>.png; the three mistakes open with a link to calibration.

Expected figures are computed here with numpy, independently of the app's own code.
"""

from __future__ import annotations

import csv
import io

import numpy as np

from .conftest import assert_no_exception, open_app, save_screenshot, wait_for_app_idle

PLOTLY = ".js-plotly-plot"


def softmax(z, temperature: float) -> np.ndarray:
    z = np.asarray(z, dtype=float)
    finite = np.isfinite(z)
    weights = np.where(finite, np.exp((np.where(finite, z, 0) - z[finite].max()) / temperature), 0)
    return weights / weights.sum()


def metric_text(page, label: str) -> str:
    metric = page.get_by_test_id("stMetric").filter(
        has=page.get_by_test_id("stMetricLabel").get_by_text(label, exact=True)
    )
    return metric.get_by_test_id("stMetricValue").inner_text().strip()


def click_example(page, name: str) -> None:
    page.get_by_role("radiogroup", name="Example").get_by_role(
        "radio", name=name, exact=True
    ).click()
    wait_for_app_idle(page)
    page.wait_for_timeout(500)  # the bar chart's transition


def test_an_example_loads_and_its_csv_and_code_carry_the_numbers(page, app_url):
    open_app(page, app_url)
    assert metric_text(page, "Top probability") == "0.659"
    click_example(page, "Confident")
    expected = softmax([8.0, 1.0, 0.5, 0.0], 1.0)
    assert metric_text(page, "Top probability") == f"{expected.max():.4g}"
    assert page.get_by_text("cat is 7 logits ahead").is_visible()
    assert page.get_by_role("textbox", name="Labels").input_value() == "cat, dog, fox, owl"
    bars = page.locator(PLOTLY).first.inner_text()
    assert f"{expected.max():.3f}" in bars and f"{expected[1]:.3f}" in bars
    save_screenshot(page, "explorer_tools_example")

    page.get_by_text("Export: CSV, JSON, NumPy code").click()
    download_button = page.get_by_role("button", name="Download CSV")
    download_button.wait_for(state="visible")
    with page.expect_download() as info:
        download_button.click()
    download = info.value
    assert download.suggested_filename == "softmax-T-1.csv"
    with open(download.path(), encoding="utf-8", newline="") as file:
        table = list(csv.DictReader(io.StringIO(file.read(), newline="")))
    assert [row["label"] for row in table] == ["cat", "dog", "fox", "owl"]
    shown = np.array([float(row["probability"]) for row in table])
    np.testing.assert_allclose(shown, expected, rtol=1e-12)
    assert [float(row["logit"]) for row in table] == [8.0, 1.0, 0.5, 0.0]

    code = page.get_by_test_id("stMain").get_by_test_id("stCode").inner_text()
    assert "logits = np.array([8.0, 1.0, 0.5, 0.0])" in code
    assert "labels = ['cat', 'dog', 'fox', 'owl']" in code
    page.get_by_test_id("stMain").get_by_test_id("stCode").scroll_into_view_if_needed()
    save_screenshot(page, "explorer_tools_export")
    assert_no_exception(page)


def test_the_next_word_example_and_the_chart_camera_button(page, app_url):
    open_app(page, app_url)
    click_example(page, "Next word")
    expected = softmax([9.2, 8.6, 8.1, 7.8, 7.5, 7.1, 6.9, 6.3, 5.6, -np.inf], 0.7)
    assert metric_text(page, "Top probability") == f"{expected.max():.4g}"
    assert page.get_by_role("spinbutton", name="Exact temperature").input_value() == "0.7"
    bars = page.locator(PLOTLY).first
    assert "<eos>" in bars.inner_text() and f"{expected[0]:.3f}" in bars.inner_text()
    assert page.get_by_text("<eos> is masked (−inf): exactly 0 at every T.").is_visible()
    save_screenshot(page, "explorer_tools_next_word")

    bars.hover()
    camera = bars.locator('[data-title="Download plot as a PNG"]')
    with page.expect_download() as info:
        camera.click()
    assert info.value.suggested_filename == "softmax-T-0.7.png"
    assert info.value.path().read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    page.get_by_text("Three common mistakes").click()
    link = page.get_by_role("link", name="Applications lab: calibration")
    link.wait_for(state="visible")
    link.scroll_into_view_if_needed()
    assert page.get_by_text("more confident, not more accurate").is_visible()
    save_screenshot(page, "explorer_tools_mistakes")
    assert_no_exception(page)
