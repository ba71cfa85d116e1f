"""Accessibility in a real browser: the colour-blind-safe palette reaches the charts, every chart
has a text alternative that states its takeaway, every control has an accessible name, and the
main controls work from the keyboard alone, with a visible focus ring.

Accessible names are Chromium's own, read from its accessibility tree (what a screen reader
gets), not from attributes. Expected numbers are computed here with numpy.
"""

from __future__ import annotations

import re
import tomllib

import numpy as np
import pytest

from explorer.charts import PALETTE

from .conftest import (
    ARTIFACTS,
    REPO_ROOT,
    assert_no_exception,
    new_page,
    open_app,
    save_screenshot,
    wait_for_app_idle,
    wait_for_dom_quiet,
)

PLOTLY = ".js-plotly-plot"
FIGURE = '[data-testid="stPlotlyChart"]'
#: Roles a person operates: each needs an accessible name.
INTERACTIVE_ROLES = {
    "button",
    "checkbox",
    "combobox",
    "DisclosureTriangle",  # an expander's <summary>
    "link",
    "listbox",
    "menuitem",
    "option",
    "radio",
    "searchbox",
    "slider",
    "spinbutton",
    "switch",
    "tab",
    "textbox",
}
#: Each labelled Streamlit widget and the roles its control may have.
WIDGET_ROLES = {
    "stTextInput": ("textbox",),
    "stTextArea": ("textbox",),
    "stNumberInput": ("spinbutton",),
    "stSlider": ("slider",),
    "stSelectbox": ("combobox",),
    "stMultiSelect": ("combobox",),  # the sidebar's "Hide controls", in presentation mode
    "stButtonGroup": ("radiogroup", "group"),  # segmented controls and pills
    "stRadio": ("radiogroup",),
    "stCheckbox": ("checkbox", "switch"),  # st.toggle is a switch
}
GENERIC_ALTS = {"chart", "plot", "figure", "graph", "image", "plotly chart", "a chart"}
ICON_WORD = re.compile(r"\b[a-z]+_[a-z_]+\b")  # a Material icon's ligature read out as text
DEFAULT_LOGITS = np.array([2.0, 1.0, 0.1])
#: The distillation section trains its students on first view (seconds alone, much longer when
#: the machine is busy); other sections take a second or two.
SLOW_SECTION_TIMEOUT = 120_000
PRIMARY_RGB = "0, 114, 178"  # the theme's primaryColor #0072B2 as getComputedStyle writes it


def softmax(z: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    weights = np.exp((z - z.max()) / temperature)
    return weights / weights.sum()


def entropy(p: np.ndarray) -> float:
    p = p[p > 0]
    return float(-(p * np.log(p)).sum())


# --- reading the page ---------------------------------------------------------------------------


def metric_text(page, label: str) -> str:
    metric = page.get_by_test_id("stMetric").filter(
        has=page.get_by_test_id("stMetricLabel").get_by_text(label, exact=True)
    )
    return metric.get_by_test_id("stMetricValue").inner_text().strip()


def wait_for_charts(page, timeout: float = SLOW_SECTION_TIMEOUT) -> None:
    """Wait until every chart container holds its drawn plotly chart."""
    page.wait_for_function(
        f"""() => [...document.querySelectorAll('{FIGURE}')]
            .every(c => c.querySelector('{PLOTLY} .main-svg'))""",
        timeout=timeout,
    )
    wait_for_dom_quiet(page)


def chart_alternatives(page) -> list[dict]:
    return page.evaluate(
        f"""() => [...document.querySelectorAll('{FIGURE}')].map(c => ({{
            role: c.getAttribute('role'),
            label: c.getAttribute('aria-label'),
            plots: c.querySelectorAll('{PLOTLY}').length,
        }}))"""
    )


def accessibility_tree(page) -> list[dict]:
    """Chromium's accessibility tree: role and computed name of every node it exposes."""
    session = page.context.new_cdp_session(page)
    try:
        nodes = session.send("Accessibility.getFullAXTree")["nodes"]
    finally:
        session.detach()
    return [
        {
            "role": node.get("role", {}).get("value"),
            "name": (node.get("name", {}).get("value") or "").strip(),
        }
        for node in nodes
        if not node.get("ignored")
    ]


def check_charts(page, where: str) -> list[str]:
    """Every plotly chart sits in a figure whose accessible name is a sentence; return them."""
    figures = chart_alternatives(page)
    assert page.locator(PLOTLY).count() == len(figures), f"{where}: a chart outside a figure"
    alts = []
    for figure in figures:
        label = (figure["label"] or "").strip()
        assert figure["role"] == "figure" and figure["plots"] == 1, (where, figure)
        words = re.findall(r"[^\W_]+", label)
        assert len(words) >= 5 and label.lower().rstrip(".") not in GENERIC_ALTS, (where, label)
        assert not re.search(r"\{|\}|\bNone\b|\bnan\b|undefined", label), (where, label)
        # What a screen reader announces is the label (Chromium computes the same name).
        assert page.get_by_role("figure", name=label, exact=True).count() >= 1, (where, label)
        alts.append(label)
    assert len(set(alts)) == len(alts), f"{where}: two charts share one text alternative: {alts}"
    return alts


def check_controls(page, where: str) -> None:
    """Every control has an accessible name, and each widget's visible label names it."""
    nodes = [node for node in accessibility_tree(page) if node["role"] in INTERACTIVE_ROLES]
    assert nodes, f"{where}: no controls found"
    unnamed = [node["role"] for node in nodes if not node["name"]]
    assert not unnamed, f"{where}: controls without an accessible name: {unnamed}"
    iconic = [node for node in nodes if ICON_WORD.search(node["name"])]
    assert not iconic, f"{where}: icon ligatures read out as names: {iconic}"

    labels = page.get_by_test_id("stWidgetLabel")
    for index in range(labels.count()):
        label = labels.nth(index)
        text = label.inner_text().strip()
        widget = label.locator(
            "xpath=ancestor::*[@data-testid][not(@data-testid='stWidgetLabel')][1]"
        )
        testid = widget.get_attribute("data-testid")
        assert testid in WIDGET_ROLES, f"{where}: a label {text!r} on an unknown {testid}"
        named = sum(widget.get_by_role(role, name=text).count() for role in WIDGET_ROLES[testid])
        assert named >= 1, f"{where}: {testid} shows the label {text!r} but is not named by it"


def check_view(page, where: str, charts: bool = True) -> list[str]:
    wait_for_charts(page)
    assert_no_exception(page)
    alts = check_charts(page, where)
    assert bool(alts) == charts, f"{where}: expected {'some' if charts else 'no'} charts: {alts}"
    check_controls(page, where)
    return alts


# --- keyboard -----------------------------------------------------------------------------------

_FOCUSED = """() => {
    const e = document.activeElement;
    if (!e || e === document.body) return null;
    const group = e.closest('[role="radiogroup"]');
    return {
        tag: e.tagName,
        role: e.getAttribute('role') || e.type || '',
        label: e.getAttribute('aria-label') || '',
        text: (e.innerText || '').trim(),
        group: group ? group.getAttribute('aria-label') : null,
        checked: e.getAttribute('aria-checked'),
    };
}"""


def focused(page) -> dict | None:
    return page.evaluate(_FOCUSED)


def tab_to(page, matches, key: str = "Tab", limit: int = 80) -> dict:
    """Press ``key`` (Tab or Shift+Tab) until the focused element satisfies ``matches``."""
    visited = []
    for _ in range(limit):
        page.keyboard.press(key)
        element = focused(page)
        if element and matches(element):
            return element
        visited.append(element and (element["label"] or element["text"][:30]))
    pytest.fail(f"{key} never reached the control; it went through {visited}")


def wait_for_metric_change(page, label: str, previous: str) -> str:
    page.wait_for_function(
        """([label, previous]) => [...document.querySelectorAll('[data-testid="stMetric"]')]
            .some(m => {
                const name = m.querySelector('[data-testid="stMetricLabel"]')?.innerText.trim();
                const value = m.querySelector('[data-testid="stMetricValue"]')?.innerText.trim();
                return name === label && value !== previous;
            })""",
        arg=[label, previous],
        timeout=15_000,
    )
    wait_for_app_idle(page)
    return metric_text(page, label)


def first_chart_bars(page) -> dict[str, list[float]]:
    """The first chart's bars, by trace name, as plotly holds them after decoding (its
    ``data`` may keep them base64-encoded)."""
    return page.evaluate(
        f"""() => Object.fromEntries(document.querySelector('{PLOTLY}')._fullData
            .filter(t => t.type === 'bar').map(t => [t.name, Array.from(t.y)]))"""
    )


def slider_thumb_style(page, name: str) -> dict:
    return page.evaluate(
        """(name) => {
            const input = document.querySelector(`input[type="range"][aria-label="${name}"]`);
            const thumb = input.parentElement.parentElement;
            const style = getComputedStyle(thumb);
            return {
                focusVisible: input.matches(':focus-visible'),
                shadow: style.boxShadow,
                outline: style.outlineStyle,
            };
        }""",
        name,
    )


# --- the theme ----------------------------------------------------------------------------------


def test_the_theme_gives_every_chart_the_okabe_ito_palette(page, app_url):
    theme = tomllib.loads((REPO_ROOT / ".streamlit" / "config.toml").read_text())["theme"]
    assert theme["base"] == "light"
    open_app(page, app_url)
    wait_for_charts(page)
    colorways = page.evaluate(
        f"() => [...document.querySelectorAll('{PLOTLY}')].map(g => g._fullLayout.colorway)"
    )
    assert len(colorways) >= 2
    # Streamlit 1.67 hands plotly exactly ten colours (an 8-colour list came through with two
    # "undefined" and plotly fell back to its own palette): Okabe–Ito, then its first two again.
    for colorway in colorways:
        assert [c.upper() for c in colorway] == [*PALETTE, *PALETTE[:2]], colorway


# --- text alternatives and names, page by page --------------------------------------------------

SECTIONS = {
    "explorer": (
        "",
        "Look closer",
        (
            "Across temperatures",
            "Step by step",
            "Compare two temperatures",
            "Log-probabilities",
            "Temperature sweep",
        ),
    ),
    "sampling": (
        "sampling_page",
        "Section",
        ("Draw samples", "The Gumbel trick", "Decoding pipeline", "Text generation"),
    ),
    "physics": (
        "physics_page",
        "Look closer",
        ("Thermodynamics", "The softmax bridge", "Particles"),
    ),
    "applications": (
        "applications_page?runs=200&steps=200",  # a small bandit experiment: seconds, not 15
        "Section",
        ("Calibration", "Distillation", "Exploration (RL)", "Attention"),
    ),
}


@pytest.mark.parametrize("name", list(SECTIONS))
def test_every_chart_and_control_is_described(browser, app_url, name):
    path, chooser, sections = SECTIONS[name]
    page = new_page(browser, width=1400, height=1400)
    try:
        open_app(page, app_url, path)
        every_alt = []
        for section in sections:
            radio = page.get_by_role("radiogroup", name=chooser).get_by_role(
                "radio", name=section, exact=True
            )
            if radio.get_attribute("aria-checked") != "true":
                radio.click()
                wait_for_app_idle(page, timeout=SLOW_SECTION_TIMEOUT)
            assert radio.get_attribute("aria-checked") == "true"
            every_alt += check_view(page, f"{name} / {section}")
        save_screenshot(page, f"a11y_{name}_last_section")
        print(f"{name}:", *every_alt, sep="\n  ")
    finally:
        page.context.close()


def test_the_quiz_is_described_before_and_after_the_reveal(page, app_url):
    open_app(page, app_url, "quiz_page?q=halve")
    check_view(page, "quiz / question", charts=False)
    assert page.get_by_role("radiogroup", name="Your prediction").get_by_role("radio").count() == 4
    open_app(page, app_url, "quiz_page?q=halve&show=1")
    [alt] = check_view(page, "quiz / answer")
    assert "Halving T" in alt  # the question's own takeaway, not a generic sentence


# --- keyboard only ------------------------------------------------------------------------------


def test_the_explorer_works_from_the_keyboard_alone(browser, app_url):
    page = new_page(browser, width=1400, height=1400)
    try:
        _explorer_by_keyboard(page, app_url)
    finally:
        page.context.close()


def _explorer_by_keyboard(page, app_url):
    open_app(page, app_url)
    wait_for_charts(page)
    assert slider_thumb_style(page, "Temperature")["shadow"] == "none"

    # Tab from the top of the page to the Temperature slider: its thumb shows a focus ring.
    tab_to(page, lambda e: e["role"] == "range" and e["label"] == "Temperature")
    ring = slider_thumb_style(page, "Temperature")
    assert ring["focusVisible"], ring
    assert ring["shadow"] != "none" and PRIMARY_RGB in ring["shadow"], ring
    page.get_by_test_id("stSlider").first.screenshot(path=str(ARTIFACTS / "a11y_slider_focus.png"))

    # Arrow keys move it: one step up the log-scale stops, and the readouts follow.
    before = metric_text(page, "Entropy (nats)")
    page.keyboard.press("ArrowRight")
    after = wait_for_metric_change(page, "Entropy (nats)", before)
    temperature = float(page.get_by_role("spinbutton", name="Exact temperature").input_value())
    assert temperature > 1.0
    assert float(after) == pytest.approx(entropy(softmax(DEFAULT_LOGITS, temperature)), abs=5e-4)
    assert focused(page)["label"] == "Temperature"  # focus stays on the slider after the rerun
    top = softmax(DEFAULT_LOGITS, temperature).max()
    [bars_alt] = [a for a in check_charts(page, "explorer") if a.startswith("Bar chart")]
    assert f"T = {temperature:g}" in bars_alt and f"probability {top:.2f}" in bars_alt, bars_alt

    # Shift+Tab back to the Logits field, replace its text and press Enter: the bars change.
    tab_to(page, lambda e: e["tag"] == "INPUT" and e["label"] == "Logits", key="Shift+Tab")
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type("3, 1, 0.5")
    page.keyboard.press("Enter")
    page.wait_for_function(
        "() => new URLSearchParams(location.search).get('z') === '3.0,1.0,0.5'", timeout=15_000
    )
    wait_for_app_idle(page)
    bars = first_chart_bars(page)
    assert set(bars) == {f"T = {temperature:g}", "T = 1 (for comparison)"}, bars
    z = np.array([3.0, 1.0, 0.5])
    assert bars[f"T = {temperature:g}"] == pytest.approx(softmax(z, temperature), abs=1e-12)
    assert bars["T = 1 (for comparison)"] == pytest.approx(softmax(z), abs=1e-12)

    # The view chooser: Tab into it, arrow to "Step by step", Enter.
    tab_to(page, lambda e: e["group"] == "Look closer")
    for _ in range(5):
        if focused(page)["text"] == "Step by step":
            break
        page.keyboard.press("ArrowRight")
    assert focused(page)["text"] == "Step by step"
    page.keyboard.press("Enter")
    page.get_by_test_id("stDataFrame").wait_for(timeout=15_000)
    wait_for_app_idle(page)
    assert "view=steps" in page.url
    assert page.get_by_role("radio", name="Step by step").get_attribute("aria-checked") == "true"

    # An example pill: back up to the examples, arrow to "Confident", Space.
    tab_to(page, lambda e: e["group"] == "Example", key="Shift+Tab")
    for _ in range(10):
        if focused(page)["text"] == "Confident":
            break
        page.keyboard.press("ArrowRight")
    assert focused(page)["text"] == "Confident"
    page.keyboard.press("Space")
    page.wait_for_function(
        "() => new URLSearchParams(location.search).get('labels') === 'cat,dog,fox,owl'",
        timeout=15_000,
    )
    wait_for_app_idle(page)
    confident = softmax(np.array([8.0, 1.0, 0.5, 0.0]))  # the "Confident" example, at its T = 1
    assert float(metric_text(page, "Top probability")) == pytest.approx(confident.max(), abs=5e-4)
    assert page.get_by_role("textbox", name="Labels").input_value() == "cat, dog, fox, owl"
    assert page.get_by_role("radio", name="Confident").get_attribute("aria-checked") == "true"
    assert_no_exception(page)
    save_screenshot(page, "a11y_explorer_keyboard")


def test_the_sampling_seed_and_draw_button_work_from_the_keyboard(page, app_url):
    open_app(page, app_url, "sampling_page")
    probs = softmax(DEFAULT_LOGITS)
    draw = page.get_by_text(re.compile(r"^Draw \d+: a uniform number"))
    assert draw.inner_text().startswith("Draw 1: a uniform number u = ")

    tab_to(page, lambda e: e["tag"] == "INPUT" and e["label"] == "Seed")
    page.keyboard.press("ArrowUp")  # 10 → 11, committed at once
    page.wait_for_function(
        "() => new URLSearchParams(location.search).get('seed') === '11'", timeout=15_000
    )
    wait_for_app_idle(page)
    u = np.random.default_rng(11).random(2) * probs.sum()  # the app's draws: r · F_last
    assert draw.inner_text().startswith(f"Draw 1: a uniform number u = {u[0]:.3f}")

    tab_to(page, lambda e: e["tag"] == "BUTTON" and e["text"].endswith("Draw one more"))
    page.keyboard.press("Enter")
    page.get_by_text(re.compile(r"^Draw 2: ")).wait_for(timeout=15_000)
    wait_for_app_idle(page)
    assert draw.inner_text().startswith(f"Draw 2: a uniform number u = {u[1]:.3f}")
    assert_no_exception(page)
