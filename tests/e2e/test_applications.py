"""The Applications lab in a real browser: the calibration view (the digits model, the manual
temperature, uploads good and bad), links that reproduce a view (and a hostile one), and the
other sections drawn without error.

Uploaded files are made here with numpy, so the temperature the app should fit is known
independently of its code. Regression tests of bugs they found are at the end of the file.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, quote, urlsplit

import numpy as np

from explorer.digits import load_split

from .conftest import (
    ARTIFACTS,
    assert_no_exception,
    new_page,
    open_app,
    save_screenshot,
    wait_for_app_idle,
)

PATH = "applications_page"
PLOTLY = ".js-plotly-plot"
ALERT_ERROR = '[data-testid="stAlertContentError"]'
ALERT_WARNING = '[data-testid="stAlertContentWarning"]'
ALERT_INFO = '[data-testid="stAlertContentInfo"]'
TRUE_TEMPERATURE = 3.0  # the uploaded logits are this many times the ones the labels follow


# --- helpers ------------------------------------------------------------------------------------


def metric(page, label: str):
    return page.get_by_test_id("stMetric").filter(
        has=page.get_by_test_id("stMetricLabel").get_by_text(label, exact=True)
    )


def metric_value(page, label: str) -> str:
    return metric(page, label).get_by_test_id("stMetricValue").inner_text().strip()


def metric_delta(page, label: str) -> str:
    return metric(page, label).get_by_test_id("stMetricDelta").inner_text().strip()


def percent(text: str) -> float:
    return float(text.split("%")[0].replace("−", "-"))


def query(page) -> dict[str, str]:
    return {name: values[-1] for name, values in parse_qs(urlsplit(page.url).query).items()}


def settle(page, charts: int = 1) -> None:
    """Wait for the ``charts``-th plotly chart, its transitions, and the app to be idle."""
    page.locator(PLOTLY).nth(charts - 1).wait_for(state="visible", timeout=20_000)
    page.wait_for_timeout(800)  # chart transitions and web fonts
    wait_for_app_idle(page)


def wait_for_metric_change(page, label_prefix: str, old: str, timeout: float = 15_000) -> None:
    """Wait until the metric whose label starts with ``label_prefix`` no longer shows ``old``."""
    page.wait_for_function(
        """([prefix, old]) => [...document.querySelectorAll('[data-testid="stMetric"]')].some(m => {
            const label = m.querySelector('[data-testid="stMetricLabel"]');
            const value = m.querySelector('[data-testid="stMetricValue"]');
            return label && value && label.innerText.trim().startsWith(prefix)
                && value.innerText.trim() !== old;
        })""",
        arg=[label_prefix, old],
        timeout=timeout,
    )
    wait_for_app_idle(page)


def softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def sampled(rows: int = 400, classes: int = 5, seed: int = 7) -> tuple[np.ndarray, np.ndarray]:
    """Logits z and labels drawn from softmax(z): a model calibrated at T = 1."""
    rng = np.random.default_rng(seed)
    z = rng.normal(0.0, 2.0, size=(rows, classes))
    p = softmax(z)
    labels = np.array([rng.choice(classes, p=row) for row in p])
    return z, labels


def csv_bytes(table: np.ndarray, labels: np.ndarray, header: bool = False) -> bytes:
    lines = []
    if header:
        lines.append(",".join([*(f"class{i}" for i in range(table.shape[1])), "label"]))
    for row, label in zip(table, labels, strict=True):
        lines.append(",".join([*(repr(float(x)) for x in row), str(int(label))]))
    return ("\n".join(lines) + "\n").encode()


def choose_upload(page) -> None:
    page.get_by_role("radio", name="Your own logits").click()
    wait_for_app_idle(page)
    page.get_by_test_id("stFileUploader").wait_for(state="visible", timeout=15_000)


def upload(page, name: str, data: bytes, mime: str = "text/csv") -> None:
    uploader = page.get_by_test_id("stFileUploader").locator('input[type="file"]')
    uploader.set_input_files({"name": name, "mimeType": mime, "buffer": data})
    wait_for_app_idle(page)
    page.get_by_text(name, exact=True).first.wait_for(timeout=15_000)  # the uploader lists it
    wait_for_app_idle(page)


def alert_texts(page, selector: str) -> list[str]:
    return [text.strip() for text in page.locator(selector).all_inner_texts()]


# --- calibration --------------------------------------------------------------------------------


def test_calibration_view_fits_a_temperature_above_one(browser, app_url):
    # Tall viewport: a full-page capture of a Streamlit app only gets what the viewport holds.
    page = new_page(browser, width=1400, height=3200)
    try:
        open_app(page, app_url, PATH)
        assert_no_exception(page)
        assert page.get_by_role("heading", level=1).first.inner_text() == "Applications lab"
        assert page.get_by_role("radio", name="Calibration").is_checked()
        assert page.get_by_role("radio", name="The digits model").is_checked()
        settle(page, charts=3)

        # The digits network is overconfident: the fitted T is above 1 and scaling helps.
        assert float(metric_value(page, "Fitted temperature")) > 1.0
        ece_after = percent(metric_value(page, "Test ECE"))
        ece_delta = metric_delta(page, "Test ECE")
        assert re.match(r"^[-−]\d", ece_delta), ece_delta
        was = float(re.search(r"was ([\d.]+)%", ece_delta).group(1))
        assert ece_after < was
        assert abs(ece_after - was - percent(ece_delta)) < 0.02  # the delta is after − before
        nll_delta = metric_delta(page, "Test NLL")
        assert re.match(r"^[-−]\d", nll_delta), nll_delta
        assert metric_delta(page, "Test accuracy") == "unchanged"
        # At the default T = 1 the manual metrics are the "before" figures.
        assert metric_value(page, "Test NLL at T = 1") == re.search(
            r"was ([\d.]+)", nll_delta
        ).group(1)
        assert metric_value(page, "Test accuracy at T = 1") == metric_value(page, "Test accuracy")

        charts = page.locator(PLOTLY)
        assert charts.count() == 3
        reliability, histogram, curve = (charts.nth(i).inner_text() for i in range(3))
        assert "Before (T = 1)" in reliability and "After (T = " in reliability
        assert "confidence (top probability)" in histogram and "number of examples" in histogram
        assert "temperature T (log scale)" in curve and "fitted T = " in curve
        assert query(page)["sec"] == "calibration"
        save_screenshot(page, "applications_calibration", full_page=True)
        assert_no_exception(page)
    finally:
        page.context.close()


def test_your_temperature_slider_moves_the_nll_and_the_link(page, app_url):
    open_app(page, app_url, PATH)
    settle(page, charts=3)
    assert query(page)["calT"] == "1.0"
    before = metric_value(page, "Test NLL at T = 1")
    fitted = metric_value(page, "Fitted temperature")

    slider = page.get_by_role("slider", name="Your temperature")
    slider.focus()
    for _ in range(3):  # 1 → 1.01 → 1.02 → 1.03 (a linear slider, step 0.01)
        slider.press("ArrowRight")
    page.wait_for_function(
        """() => [...document.querySelectorAll('[data-testid="stMetricLabel"]')]
            .some(l => l.innerText.trim() === 'Test NLL at T = 1.03')""",
        timeout=15_000,
    )
    wait_for_app_idle(page)
    assert_no_exception(page)
    assert slider.get_attribute("aria-valuetext") == "1.03"
    after = metric_value(page, "Test NLL at T = 1.03")
    assert after != before
    assert query(page)["calT"] == "1.03"
    assert metric_value(page, "Fitted temperature") == fitted  # the fit does not move
    assert "your T = 1.03" in page.locator(PLOTLY).nth(2).inner_text()

    # The rest of the page keeps working: the bins field still reruns the analysis.
    bins = page.get_by_role("spinbutton", name="Bins")
    bins.fill("10")
    bins.press("Enter")
    page.wait_for_function(
        "() => new URLSearchParams(location.search).get('bins') === '10'", timeout=15_000
    )
    wait_for_app_idle(page)
    assert query(page)["calT"] == "1.03"
    assert metric_value(page, "Test NLL at T = 1.03") == after  # NLL does not depend on bins
    assert_no_exception(page)

    # The link the page now shows reproduces the view in a fresh session.
    link = page.url
    again = new_page(page.context.browser)
    try:
        again.goto(link)
        wait_for_app_idle(again)
        settle(again, charts=3)
        assert metric_value(again, "Test NLL at T = 1.03") == after
        assert again.get_by_role("spinbutton", name="Bins").input_value() == "10"
        assert (
            again.get_by_role("slider", name="Your temperature").get_attribute("aria-valuetext")
            == "1.03"
        )
        assert_no_exception(again)
    finally:
        again.context.close()


def test_upload_of_scaled_logits_fits_their_temperature(browser, app_url):
    page = new_page(browser, width=1400, height=3200)
    try:
        _upload_scaled_logits(page, app_url)
    finally:
        page.context.close()


def _upload_scaled_logits(page, app_url):
    z, labels = sampled()
    open_app(page, app_url, PATH)
    choose_upload(page)
    assert "Upload a file" in " ".join(alert_texts(page, ALERT_INFO))
    digits_fit = metric_value(page, "Fitted temperature")

    upload(page, "logits.csv", csv_bytes(TRUE_TEMPERATURE * z, labels, header=True))
    wait_for_metric_change(page, "Fitted temperature", digits_fit)
    assert_no_exception(page)
    assert not alert_texts(page, ALERT_ERROR)
    fitted = float(metric_value(page, "Fitted temperature"))
    assert 2.0 < fitted < 4.5, fitted
    assert metric_delta(page, "Test accuracy") == "unchanged"
    assert page.get_by_text("200 rows fit the temperature, 200 other rows test it").count() == 1
    assert any('headed "label" (column 6)' in t for t in alert_texts(page, ALERT_INFO))
    settle(page, charts=3)
    save_screenshot(page, "applications_upload", full_page=True)


def test_upload_of_probabilities_is_recognised(page, app_url):
    z, labels = sampled(seed=11)
    open_app(page, app_url, PATH)
    choose_upload(page)
    digits_fit = metric_value(page, "Fitted temperature")
    upload(page, "probabilities.csv", csv_bytes(softmax(z), labels))
    wait_for_metric_change(page, "Fitted temperature", digits_fit)
    assert_no_exception(page)
    warnings = " ".join(alert_texts(page, ALERT_WARNING))
    assert "look like probabilities" in warnings, warnings
    assert not alert_texts(page, ALERT_ERROR)
    # softmax(log p) = p: a model calibrated at T = 1 gets a fitted T near 1.
    assert 0.6 < float(metric_value(page, "Fitted temperature")) < 1.6
    assert page.locator(PLOTLY).count() == 3


def test_bad_uploads_show_an_error_and_keep_the_bins(browser, app_url):
    page = new_page(browser, width=1400, height=1600)
    try:
        _bad_uploads(page, app_url)
    finally:
        page.context.close()


def _bad_uploads(page, app_url):
    open_app(page, app_url, PATH)
    choose_upload(page)
    digits_fit = metric_value(page, "Fitted temperature")
    bins = page.get_by_role("spinbutton", name="Bins")
    bins.fill("20")
    bins.press("Enter")
    page.wait_for_function(
        "() => new URLSearchParams(location.search).get('bins') === '20'", timeout=15_000
    )
    wait_for_app_idle(page)

    junk = bytes(range(256)) * 8  # not text: NUL bytes, invalid UTF-8
    upload(page, "x.csv", junk)
    page.locator(ALERT_ERROR).first.wait_for(timeout=15_000)
    assert_no_exception(page)
    error = " ".join(alert_texts(page, ALERT_ERROR))
    assert "not text" in error and "The digits model is shown instead." in error, error
    assert metric_value(page, "Fitted temperature") == digits_fit  # the digits analysis stays
    assert page.locator(PLOTLY).count() == 3
    assert bins.input_value() == "20"
    assert query(page)["bins"] == "20"
    settle(page, charts=3)
    save_screenshot(page, "applications_upload_junk")

    z, labels = sampled(rows=40)
    lines = csv_bytes(z, labels).decode().splitlines()
    cells = lines[4].split(",")
    cells[1] = "**abc**"  # markdown in the file: shown as typed, not bold
    lines[4] = ",".join(cells)
    upload(page, "typo.csv", ("\n".join(lines) + "\n").encode())
    page.wait_for_function(
        """() => [...document.querySelectorAll('[data-testid="stAlertContentError"]')]
            .some(e => e.innerText.includes('abc'))""",
        timeout=15_000,
    )
    wait_for_app_idle(page)
    assert_no_exception(page)
    error = " ".join(alert_texts(page, ALERT_ERROR))
    assert "Line 5, column 2 holds '**abc**', which is not a number." in error, error
    assert page.locator(f"{ALERT_ERROR} strong").count() == 0
    assert metric_value(page, "Fitted temperature") == digits_fit
    assert bins.input_value() == "20"
    assert query(page)["bins"] == "20"
    assert page.locator(PLOTLY).count() == 3
    save_screenshot(page, "applications_upload_typo")


# --- links --------------------------------------------------------------------------------------


def test_a_shared_link_reproduces_the_attention_view(page, app_url):
    open_app(page, app_url, f"{PATH}?sec=attention&d=1024&keys=8")
    settle(page, charts=2)
    assert_no_exception(page)
    assert page.get_by_role("radio", name="Attention").is_checked()
    slider = page.get_by_role("slider", name="Dimension d of queries and keys")
    assert slider.get_attribute("aria-valuetext") == "1024"
    assert page.get_by_role("spinbutton", name="Keys per query").input_value() == "8"
    assert float(metric_value(page, "Entropy, unscaled (nats)")) < 0.3
    scaled = float(metric_value(page, "Entropy, scaled (nats)"))
    assert 1.0 < scaled < np.log(8)  # unit-variance scores over 8 keys: spread, not uniform
    assert abs(float(metric_value(page, "Spread of q·k")) - np.sqrt(1024)) < 4
    params = query(page)
    assert (params["sec"], params["d"], params["keys"]) == ("attention", "1024", "8")
    assert not alert_texts(page, ALERT_INFO)
    save_screenshot(page, "applications_attention", full_page=True)


def test_a_hostile_link_is_shown_literally_and_ignored(page, app_url):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    script = "<script>alert(1)</script>"
    open_app(page, app_url, f"{PATH}?sec=attention&d={quote(script)}&calT=nan&keys=**8**")
    settle(page, charts=2)
    assert_no_exception(page)
    notices = alert_texts(page, ALERT_INFO)
    assert any("“d” was ignored" in n and "<script>alert(1)</s" in n for n in notices), notices
    assert any("“calT” was ignored" in n for n in notices), notices
    assert any("“keys” was ignored" in n and "**8**" in n for n in notices), notices
    assert page.locator("[data-testid='stAlertContainer'] script").count() == 0
    assert page.locator("[data-testid='stAlertContainer'] strong").count() == 0
    # The defaults stand in for what was ignored, and the link is rewritten to them.
    params = query(page)
    assert (params["d"], params["calT"], params["keys"]) == ("64", "1.0", "16")
    assert (
        page.get_by_role("slider", name="Dimension d of queries and keys").get_attribute(
            "aria-valuetext"
        )
        == "64"
    )
    page.wait_for_timeout(300)
    assert dialogs == []
    save_screenshot(page, "applications_hostile_link", full_page=True)


# --- the other sections -------------------------------------------------------------------------


def test_exploration_section_runs_a_small_experiment(browser, app_url):
    page = new_page(browser, width=1400, height=2600)
    try:
        open_app(page, app_url, f"{PATH}?sec=exploration&runs=200&steps=200")
        settle(page, charts=3)
        assert_no_exception(page)
        assert page.get_by_role("radio", name="Exploration (RL)").is_checked()
        assert page.get_by_role("spinbutton", name="Runs").input_value() == "200"
        assert page.get_by_role("spinbutton", name="Steps").input_value() == "200"
        winner = metric_value(page, "Winner (last 100 steps)")
        assert re.match(r"^(softmax|ε-greedy|greedy)", winner, re.IGNORECASE), winner
        assert float(metric_value(page, "Its average reward")) > 0.5
        assert page.locator(PLOTLY).count() == 3
        params = query(page)
        assert (params["sec"], params["runs"], params["steps"]) == ("exploration", "200", "200")
        save_screenshot(page, "applications_exploration", full_page=True)
    finally:
        page.context.close()


def test_distillation_section_draws_soft_targets_and_the_experiment(browser, app_url):
    page = new_page(browser, width=1400, height=3400)
    try:
        open_app(page, app_url, PATH)
        page.get_by_role("radio", name="Distillation").click()
        wait_for_app_idle(page)
        page.get_by_text("Reading it honestly").wait_for(timeout=60_000)
        settle(page, charts=4)
        assert_no_exception(page)
        assert query(page)["sec"] == "distillation"
        assert page.get_by_role("radio", name="Distillation").is_checked()
        digit, soft, _gradients, bars = page.locator(PLOTLY).all_inner_texts()
        truth = int(load_split().y_test[0])  # an 8 in scikit-learn's seeded split
        assert digit.startswith(f"Test image 0: {'an' if truth == 8 else 'a'} {truth}")
        assert "soft targets at T = 4" in soft and "T = 1 (the teacher's prediction)" in soft
        assert "Student accuracy on the test images" in bars and "hard labels" in bars
        assert len(re.findall(r"KD T=\d+", bars)) >= 2
        assert page.get_by_test_id("stDataFrame").count() == 1
        assert float(metric_value(page, "T² · KL at T = 4 (nats)")) > 0
        save_screenshot(page, "applications_distillation", full_page=True)
    finally:
        page.context.close()


# --- regressions: each of these failed before its fix ------------------------------------------


def test_an_upload_survives_a_visit_to_another_section(browser, app_url):
    page = new_page(browser, width=1400, height=1600)
    try:
        z, labels = sampled()
        open_app(page, app_url, PATH)
        choose_upload(page)
        digits_fit = metric_value(page, "Fitted temperature")
        upload(page, "logits.csv", csv_bytes(TRUE_TEMPERATURE * z, labels, header=True))
        wait_for_metric_change(page, "Fitted temperature", digits_fit)
        uploaded_fit = metric_value(page, "Fitted temperature")
        assert "Your file stays in this session" in page.get_by_text("rows fit").inner_text()

        page.get_by_role("radio", name="Attention").click()
        wait_for_app_idle(page)
        page.get_by_role("radio", name="Calibration").click()
        wait_for_app_idle(page)
        settle(page, charts=3)
        assert_no_exception(page)
        save_screenshot(page, "applications_upload_after_section_switch")
        assert page.get_by_role("radio", name="Your own logits").is_checked()
        assert metric_value(page, "Fitted temperature") == uploaded_fit
    finally:
        page.context.close()


def test_a_link_temperature_between_slider_stops_is_kept(page, app_url):
    open_app(page, app_url, f"{PATH}?calT=1.72")
    settle(page, charts=3)
    assert_no_exception(page)
    notices = alert_texts(page, ALERT_INFO)
    labels = page.get_by_test_id("stMetricLabel").all_inner_texts()
    # Either the link's T is shown, or the page says it was changed.
    assert "Test NLL at T = 1.72" in labels and not notices, (labels, query(page))


def test_the_gradient_chart_legend_does_not_cover_its_title(browser, app_url):
    page = new_page(browser, width=1400, height=2000)
    try:
        open_app(page, app_url, f"{PATH}?sec=distillation")
        page.get_by_text("Reading it honestly").wait_for(timeout=60_000)
        settle(page, charts=3)
        chart = page.locator(PLOTLY).filter(has_text="Why the soft loss is multiplied by T²")
        title = chart.locator(".gtitle").bounding_box()
        legend = chart.locator(".legend").bounding_box()
        chart.screenshot(path=str(ARTIFACTS / "applications_gradient_chart.png"))
        overlap = not (
            legend["y"] >= title["y"] + title["height"]
            or title["y"] >= legend["y"] + legend["height"]
            or legend["x"] >= title["x"] + title["width"]
            or title["x"] >= legend["x"] + legend["width"]
        )
        assert not overlap, (title, legend)
    finally:
        page.context.close()
