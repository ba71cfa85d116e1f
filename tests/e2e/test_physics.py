"""The Boltzmann physics page in a real browser: it opens on carbon monoxide at 300 K with J = 7
most populated, typing a temperature moves the populations, and nothing raises.

Expected figures are computed here with numpy, independently of the app's own code.
"""

from __future__ import annotations

import numpy as np

from .conftest import (
    assert_no_exception,
    new_page,
    open_app,
    save_screenshot,
    wait_for_app_idle,
)

CO_B = 57_635.968_019e6 / 299_792_458.0 / 100.0  # cm⁻¹, from the rotational line frequency
KT_PER_KELVIN_CM = 1.380649e-23 / (6.62607015e-34 * 299_792_458.0 * 100.0)  # cm⁻¹ per K
CHART = '[data-testid="stPlotlyChart"]'


def co_populations(kelvin: float, j_max: int = 60) -> np.ndarray:
    j = np.arange(j_max + 1)
    log_w = np.log(2 * j + 1) - CO_B * j * (j + 1) / (KT_PER_KELVIN_CM * kelvin)
    w = np.exp(log_w - log_w.max())
    return w / w.sum()


def metric_text(page, label: str) -> str:
    metric = page.get_by_test_id("stMetric").filter(
        has=page.get_by_test_id("stMetricLabel").get_by_text(label, exact=True)
    )
    return metric.get_by_test_id("stMetricValue").inner_text().strip()


def test_physics_page_follows_the_temperature(browser, app_url):
    page = new_page(browser, width=1400, height=1900)
    try:
        open_app(page, app_url, "physics_page")
        assert_no_exception(page)
        assert page.get_by_role("heading", level=1).first.inner_text().startswith("Boltzmann")

        expected = co_populations(300.0)
        assert metric_text(page, "Most populated level") == "J = 7" == f"J = {expected.argmax()}"
        assert abs(float(metric_text(page, "Its population")) - expected.max()) < 5e-4

        exact = page.get_by_role("spinbutton", name="Exact temperature (K)")
        exact.fill("1000")
        exact.press("Enter")
        page.wait_for_function(
            """() => [...document.querySelectorAll('[data-testid="stMetric"]')].some(
                m => m.innerText.includes('Most populated level') && !m.innerText.includes('J = 7'))
            """,
            timeout=15_000,
        )
        wait_for_app_idle(page)
        assert_no_exception(page)
        hot = co_populations(1000.0)
        assert metric_text(page, "Most populated level") == f"J = {hot.argmax()}"
        assert abs(float(metric_text(page, "Its population")) - hot.max()) < 5e-4
        assert "pK=1000" in page.url

        exact.fill("300")
        exact.press("Enter")
        page.wait_for_function(
            """() => [...document.querySelectorAll('[data-testid="stMetric"]')].some(
                m => m.innerText.includes('Most populated level') && m.innerText.includes('J = 7'))
            """,
            timeout=15_000,
        )
        wait_for_app_idle(page)
        page.locator(CHART).nth(1).wait_for(state="visible", timeout=15_000)
        page.wait_for_timeout(1_000)  # chart transitions and web fonts
        save_screenshot(page, "physics", full_page=True)
        assert_no_exception(page)
    finally:
        page.context.close()


def test_zero_kelvin_is_refused_in_the_page(page, app_url):
    open_app(page, app_url, "physics_page?psys=two_level&pview=bridge")
    exact = page.get_by_role("spinbutton", name="Exact temperature (K)")
    exact.fill("0")
    exact.press("Enter")
    page.get_by_text("0 K is a limit").first.wait_for(timeout=15_000)
    wait_for_app_idle(page)
    assert_no_exception(page)
    assert metric_text(page, "Most populated level") == "lower"
    page.get_by_text("Particles", exact=True).click()
    wait_for_app_idle(page)
    page.locator(CHART).nth(2).wait_for(state="visible", timeout=15_000)
    page.wait_for_timeout(800)
    assert_no_exception(page)
    save_screenshot(page, "physics_particles", full_page=True)
