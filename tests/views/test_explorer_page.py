"""The Explorer page through Streamlit's AppTest: widgets in, numbers on the page out.

Every run starts from the entrypoint (app.py, which navigates to the Explorer). Expected numbers
come from scipy (softmax, entropy, rel_entr) or closed forms, never from the app's own maths.
pyproject.toml turns RuntimeWarning into an error, so a page that warns fails here too.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
import scipy.special
import scipy.stats
from streamlit.testing.v1 import AppTest

from .apptest import chart, decode, errors, notices, query, run, set_widget, start

# Widget keys (explorer/views/controls.py).
MODE, VALUES, LABELS = "x_mode", "x_values", "x_labels"
T_SLIDER, T_EXACT, T_COMPARE, VIEW = "x_temperature", "x_temperature_exact", "x_compare", "x_view"
STATE_KEY = "explorer_state"

DEFAULT_LOGITS = (2.0, 1.0, 0.1)
DEFAULT_LABELS = ["A", "B", "C"]
SUMMARY_LABELS = ("Entropy (nats)", "Entropy (bits)", "Perplexity", "Top probability")
REFERENCE_TRACE = "T = 1 (for comparison)"
GREY = "#B8B8B8"


# --- driving the page ------------------------------------------------------------------------


# --- reading the page ------------------------------------------------------------------------


def oracle(logits, temperature: float) -> np.ndarray:
    """softmax(z / T) by scipy; at T = 0 the greedy limit (ties share), written out here."""
    z = np.asarray(logits, dtype=float)
    if temperature == 0:
        top = (z == z.max()).astype(float)
        return top / top.sum()
    return scipy.special.softmax(z / temperature)


def oracle_summary(probs) -> dict[str, float]:
    nats = float(scipy.stats.entropy(probs))
    return {
        "Entropy (nats)": nats,
        "Entropy (bits)": float(scipy.stats.entropy(probs, base=2)),
        "Perplexity": math.exp(nats),
        "Top probability": float(np.max(probs)),
    }


def metrics(at: AppTest) -> dict[str, float]:
    """Every st.metric on the page, label → value (shown with ~4 significant digits)."""
    return {m.label: math.inf if m.value == "∞" else float(m.value) for m in at.metric}


def approx(expected):
    return pytest.approx(expected, rel=1e-3, abs=1e-12)


def assert_summary(at: AppTest, probs) -> None:
    shown = metrics(at)
    for label, expected in oracle_summary(probs).items():
        assert shown[label] == approx(expected), label


def bar_traces(at: AppTest) -> dict[str, dict]:
    return {trace["name"]: trace for trace in chart(at)["data"]}


def current_bars(at: AppTest, temperature: float) -> dict:
    return bar_traces(at)[f"T = {temperature:g}"]


def uniform_levels(figure: dict) -> list[float]:
    return [s["y0"] for s in figure["layout"].get("shapes", []) if s["y0"] == s["y1"]]


def parse_numbers(text: str) -> np.ndarray:
    return np.array([float(token) for token in re.split(r"[,\s]+", text.strip()) if token])


def slider_stop(at: AppTest, temperature: float) -> float:
    """The slider option closest to T on a log scale, worked out from the options shown."""
    stops = [0.0 if o.startswith("0 ") else float(o) for o in at.get_by_key(T_SLIDER).options]
    if temperature == 0:
        return 0.0
    return min(stops[1:], key=lambda s: abs(math.log(s) - math.log(temperature)))


# --- 1. default load -------------------------------------------------------------------------


def test_default_load_shows_softmax_of_the_default_logits():
    at = start()
    probs = oracle(DEFAULT_LOGITS, 1.0)

    assert_summary(at, probs)
    assert metrics(at)["Entropy (nats)"] == approx(0.8467)
    assert list(metrics(at))[:4] == list(SUMMARY_LABELS)

    bars = bar_traces(at)
    assert list(bars) == ["T = 1"]  # no grey comparison at T = 1
    np.testing.assert_allclose(decode(bars["T = 1"]["y"]), probs, rtol=1e-12)
    assert bars["T = 1"]["x"] == DEFAULT_LABELS
    assert uniform_levels(chart(at)) == [pytest.approx(1 / 3)]

    np.testing.assert_array_equal(parse_numbers(query(at, "z")), DEFAULT_LOGITS)
    assert query(at, "labels") == "A,B,C"
    assert float(query(at, "T")) == 1.0
    assert not at.error and not at.info


# --- 2. the temperature slider ---------------------------------------------------------------


@pytest.mark.parametrize("temperature", [0.5, 0.01, 3.0, 100.0])
def test_slider_moves_bars_metrics_and_exact_field(temperature):
    at = start()
    before = chart(at)
    set_widget(at, T_SLIDER, temperature)
    probs = oracle(DEFAULT_LOGITS, temperature)

    assert chart(at) != before
    assert_summary(at, probs)
    assert at.get_by_key(T_EXACT).value == temperature
    np.testing.assert_allclose(decode(current_bars(at, temperature)["y"]), probs, rtol=1e-9)

    grey = bar_traces(at)[REFERENCE_TRACE]
    assert grey["marker"]["color"] == GREY
    np.testing.assert_allclose(decode(grey["y"]), oracle(DEFAULT_LOGITS, 1.0), rtol=1e-12)
    assert float(query(at, "T")) == temperature


def test_entropy_at_half_temperature():
    at = set_widget(start(), T_SLIDER, 0.5)
    expected = float(scipy.stats.entropy(scipy.special.softmax(np.array(DEFAULT_LOGITS) / 0.5)))
    assert metrics(at)["Entropy (nats)"] == approx(expected)
    assert metrics(at)["Entropy (nats)"] < 0.8467  # sharper than T = 1


def test_back_to_t_1_removes_the_grey_trace():
    at = set_widget(set_widget(start(), T_SLIDER, 2.0), T_SLIDER, 1.0)
    assert list(bar_traces(at)) == ["T = 1"]


# --- 3. the exact temperature ----------------------------------------------------------------


@pytest.mark.parametrize(("typed", "stop"), [(0.73, 0.7), (2.2, 2.0), (0.001, 0.01), (1e6, 100.0)])
def test_exact_temperature_is_used_exactly_and_slider_snaps(typed, stop):
    at = set_widget(start(), T_EXACT, typed)
    probs = oracle(DEFAULT_LOGITS, typed)

    assert_summary(at, probs)
    np.testing.assert_allclose(decode(current_bars(at, typed)["y"]), probs, rtol=1e-9)
    assert at.get_by_key(T_SLIDER).value == stop
    assert at.get_by_key(T_EXACT).value == typed
    assert at.session_state[STATE_KEY].temperature == typed


def test_exact_073_is_not_the_slider_stop():
    at = set_widget(start(), T_EXACT, 0.73)
    at_stop = oracle_summary(oracle(DEFAULT_LOGITS, 0.7))
    assert metrics(at)["Entropy (nats)"] != approx(at_stop["Entropy (nats)"])
    assert float(query(at, "T")) == 0.73


# --- 4. T = 0 --------------------------------------------------------------------------------


def test_zero_temperature_is_greedy():
    at = set_widget(start(), T_SLIDER, 0.0)
    shown = metrics(at)
    assert shown["Entropy (nats)"] == 0
    assert shown["Entropy (bits)"] == 0
    assert shown["Perplexity"] == 1
    assert shown["Top probability"] == 1
    assert at.get_by_key(T_EXACT).value == 0
    np.testing.assert_array_equal(decode(current_bars(at, 0)["y"]), [1.0, 0.0, 0.0])


def test_zero_temperature_shares_between_tied_logits():
    at = set_widget(set_widget(start(), T_SLIDER, 0.0), VALUES, "1, 1, 0")
    np.testing.assert_array_equal(decode(current_bars(at, 0)["y"]), [0.5, 0.5, 0.0])
    assert_summary(at, [0.5, 0.5, 0.0])
    assert metrics(at)["Entropy (nats)"] == approx(math.log(2))


# --- 5. probabilities mode -------------------------------------------------------------------


def closed_form_pair(p: float, q: float, temperature: float) -> np.ndarray:
    """softmax(log p / T) for two classes: p^(1/T) / (p^(1/T) + q^(1/T))."""
    a, b = p ** (1 / temperature), q ** (1 / temperature)
    return np.array([a, b]) / (a + b)


def test_switching_to_probabilities_shows_the_current_distribution():
    at = set_widget(start(), MODE, "probabilities")
    field = at.get_by_key(VALUES)
    assert field.label == "Probabilities"
    np.testing.assert_allclose(parse_numbers(field.value), oracle(DEFAULT_LOGITS, 1), rtol=1e-9)
    assert_summary(at, oracle(DEFAULT_LOGITS, 1))
    assert query(at, "mode") == "probabilities"
    assert not at.error


@pytest.mark.parametrize(("temperature", "top"), [(0.5, 0.9), (5.0, 0.5547)])
def test_probabilities_are_tempered(temperature, top):
    at = set_widget(start(), MODE, "probabilities")
    set_widget(at, T_SLIDER, temperature)
    set_widget(at, VALUES, "0.25, 0.75")
    expected = closed_form_pair(0.25, 0.75, temperature)

    assert expected.max() == approx(top)
    assert metrics(at)["Top probability"] == approx(top)
    assert_summary(at, expected)
    np.testing.assert_allclose(decode(current_bars(at, temperature)["y"]), expected, rtol=1e-9)
    assert current_bars(at, temperature)["x"] == ["A", "B"]
    assert not at.error


def test_probabilities_not_summing_to_one_are_normalised_with_a_notice():
    at = set_widget(start(), MODE, "probabilities")
    set_widget(at, LABELS, "A, B")
    set_widget(at, VALUES, "1, 3")

    assert any("add up to 4" in n and "divided by 4" in n for n in notices(at))
    np.testing.assert_allclose(decode(current_bars(at, 1)["y"]), [0.25, 0.75], rtol=1e-12)
    assert_summary(at, [0.25, 0.75])
    assert not at.error


def test_zero_probability_is_a_masked_class():
    at = set_widget(start(), MODE, "probabilities")
    set_widget(at, T_SLIDER, 5.0)
    set_widget(at, VALUES, "0, 0.25, 0.75")

    bars = decode(current_bars(at, 5)["y"])
    assert bars[0] == 0.0  # exactly, at any T
    np.testing.assert_allclose(bars[1:], closed_form_pair(0.25, 0.75, 5.0), rtol=1e-9)
    assert at.session_state[STATE_KEY].logits[0] == -math.inf
    assert uniform_levels(chart(at)) == [pytest.approx(1 / 2)]


def test_huge_probabilities_are_normalised_not_a_crash():
    """Regression: each entry was finite, but their sum overflowed to inf and the page crashed.

    "1e308, 1e308" is two equal weights: [0.5, 0.5].
    """
    at = set_widget(start(), MODE, "probabilities")
    set_widget(at, LABELS, "A, B")
    set_widget(at, VALUES, "1e308, 1e308")
    if not at.error:
        np.testing.assert_allclose(decode(current_bars(at, 1)["y"]), [0.5, 0.5], rtol=1e-12)


# --- 6. bad input keeps the last good state --------------------------------------------------

GOOD_LOGITS = (3.0, 1.0, -2.0)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("abc", "“abc” (entry 1) is not a number."),
        ("1", "Give at least 2 logits, separated by commas."),
        ("nan, 1", "Entry 1 is NaN; every entry must be a number."),
        ("1e309, 1", "Entry 1 is +inf (or too large for a float, beyond ±1.8e308)."),
        (", ".join(["1"] * 13), "13 logits is too many: the Explorer shows at most 12 classes."),
        # The field keeps its first 600 characters (max_chars): 200 numbers, still too many.
        (", ".join(["1"] * 10_000), "too many: the Explorer shows at most 12 classes."),
        ("-inf, -inf", "Every logit is -inf (masked): leave at least one finite logit."),
    ],
    ids=["word", "one", "nan", "overflow", "thirteen", "ten-thousand", "all-masked"],
)
def test_bad_values_show_an_error_and_keep_the_last_good_logits(text, message):
    at = set_widget(start(), VALUES, "3, 1, -2")
    bars_before = decode(current_bars(at, 1)["y"])

    set_widget(at, VALUES, text)
    assert len(errors(at)) == 1 and message in errors(at)[0]
    assert_summary(at, oracle(GOOD_LOGITS, 1))
    np.testing.assert_array_equal(decode(current_bars(at, 1)["y"]), bars_before)
    assert at.session_state[STATE_KEY].logits == GOOD_LOGITS
    np.testing.assert_array_equal(parse_numbers(query(at, "z")), GOOD_LOGITS)

    set_widget(at, T_SLIDER, 0.5)  # T still works; the old logits at the new T
    assert len(errors(at)) == 1 and message in errors(at)[0]
    assert_summary(at, oracle(GOOD_LOGITS, 0.5))
    np.testing.assert_allclose(
        decode(current_bars(at, 0.5)["y"]), oracle(GOOD_LOGITS, 0.5), rtol=1e-9
    )


def test_duplicate_labels_show_an_error_and_keep_the_labels():
    at = set_widget(start(), LABELS, "x, y, z")
    set_widget(at, LABELS, "a, a, b")

    assert errors(at) == ["Each label must be different (“a” appears twice)."]
    assert current_bars(at, 1)["x"] == ["x", "y", "z"]
    assert at.session_state[STATE_KEY].labels == ("x", "y", "z")
    assert query(at, "labels") == "x,y,z"
    assert_summary(at, oracle(DEFAULT_LOGITS, 1))


def test_fixing_the_values_clears_the_error():
    at = set_widget(set_widget(start(), VALUES, "abc"), VALUES, "0, 1")
    assert not at.error
    assert_summary(at, oracle([0, 1], 1))


# --- 7. labels follow the values; masked classes ---------------------------------------------


def test_a_fourth_value_gets_a_default_fourth_label():
    at = set_widget(start(), LABELS, "p, q, r")
    set_widget(at, VALUES, "1, 2, 3, 4")

    bars = current_bars(at, 1)
    assert bars["x"] == ["p", "q", "r", "D"]
    np.testing.assert_allclose(decode(bars["y"]), oracle([1, 2, 3, 4], 1), rtol=1e-12)
    assert uniform_levels(chart(at)) == [pytest.approx(1 / 4)]
    assert query(at, "labels") == "p,q,r,D"
    assert not at.error


@pytest.mark.parametrize("temperature", [1.0, 0.2, 20.0])
def test_minus_inf_masks_a_class(temperature):
    logits = [1.0, -math.inf, 3.0, 4.0]
    at = set_widget(start(), VALUES, "1, -inf, 3, 4")
    set_widget(at, T_SLIDER, temperature)

    bars = decode(current_bars(at, temperature)["y"])
    assert bars[1] == 0.0
    np.testing.assert_allclose(bars, oracle(logits, temperature), rtol=1e-9)
    assert_summary(at, oracle(logits, temperature))
    assert metrics(at)["Perplexity"] <= 3  # at most the 3 unmasked classes
    assert uniform_levels(chart(at)) == [pytest.approx(1 / 3)]


# --- 8. the detail views ---------------------------------------------------------------------


@pytest.mark.parametrize("view", ["curves", "steps", "compare", "logprob", "sweep"])
def test_every_view_renders(view):
    at = set_widget(start(), VIEW, view)
    assert at.get_by_key(VIEW).value == view
    assert at.session_state[STATE_KEY].view == view
    assert query(at, "view") == view
    charts = at.get("plotly_chart")
    if view == "steps":
        assert len(charts) == 1 and len(at.dataframe) == 1
    else:
        assert len(charts) == 2 and not at.dataframe
    assert (T_COMPARE in [w.key for w in at.select_slider]) == (view == "compare")
    assert len(at.metric) == (7 if view == "compare" else 4)


def test_curves_entropy_follows_temperature():
    at = start()
    figure = chart(at, 1)
    entropy = next(t for t in figure["data"] if t["name"] == "entropy (nats)")
    temps, shown = decode(entropy["x"]), decode(entropy["y"])
    assert temps.min() == pytest.approx(0.01) and temps.max() == pytest.approx(100)
    expected = [scipy.stats.entropy(oracle(DEFAULT_LOGITS, t)) for t in temps]
    np.testing.assert_allclose(shown, expected, rtol=1e-9, atol=1e-12)
    for i, label in enumerate(DEFAULT_LABELS):
        curve = next(t for t in figure["data"] if t["name"] == label and t["mode"] == "lines")
        probs = [oracle(DEFAULT_LOGITS, t)[i] for t in temps]
        np.testing.assert_allclose(decode(curve["y"]), probs, rtol=1e-9, atol=1e-300)


@pytest.mark.parametrize(("temperature", "naive"), [(1.0, [403.4, 20.09]), (1.5, [54.6, 7.389])])
def test_steps_table(temperature, naive):
    at = set_widget(start(), VIEW, "steps")
    set_widget(at, VALUES, "6, 3")
    set_widget(at, T_SLIDER, temperature)

    table = at.dataframe[0].value
    assert list(table.index) == ["A", "B"]
    np.testing.assert_allclose(table["exp(z/T)"], naive, rtol=1e-3)
    np.testing.assert_allclose(table["exp(z/T)"], np.exp(np.array([6, 3]) / temperature))
    np.testing.assert_allclose(table["z/T"], np.array([6, 3]) / temperature)
    np.testing.assert_allclose(table["probability"], oracle([6, 3], temperature), rtol=1e-12)


def test_steps_table_at_zero_temperature():
    at = set_widget(set_widget(start(), VIEW, "steps"), T_SLIDER, 0.0)
    table = at.dataframe[0].value
    np.testing.assert_array_equal(table["probability"], [1.0, 0.0, 0.0])
    assert table["z/T"].isna().all()


@pytest.mark.parametrize(("t1", "t2"), [(1.0, 2.0), (0.5, 5.0), (3.0, 0.2), (0.0, 2.0)])
def test_compare_view_divergences(t1, t2):
    at = set_widget(start(), VIEW, "compare")
    set_widget(at, T_SLIDER, t1)
    set_widget(at, T_COMPARE, t2)

    p, q = oracle(DEFAULT_LOGITS, t1), oracle(DEFAULT_LOGITS, t2)
    shown = metrics(at)
    assert shown[f"KL(T={t1:g} ‖ T={t2:g})"] == approx(scipy.special.rel_entr(p, q).sum())
    assert shown[f"KL(T={t2:g} ‖ T={t1:g})"] == approx(scipy.special.rel_entr(q, p).sum())
    assert shown["Total variation"] == approx(0.5 * np.abs(p - q).sum())
    assert at.session_state[STATE_KEY].compare_temperature == t2
    assert float(query(at, "T2")) == t2

    traces = {t["name"]: t for t in chart(at, 1)["data"]}
    np.testing.assert_allclose(decode(traces[f"T = {t1:g}"]["y"]), p, rtol=1e-9)
    np.testing.assert_allclose(decode(traces[f"T = {t2:g}"]["y"]), q, rtol=1e-9)


def test_compare_keeps_the_second_temperature_across_views():
    """Regression: leaving the compare view and coming back reset the second temperature.

    compare, second T = 5 → steps → compare brought the slider, the state and the link's T2
    back to 2: Streamlit dropped the hidden widget's value and the key fell back to the first
    value the script had seeded.
    """
    at = set_widget(start(), VIEW, "compare")
    set_widget(at, T_COMPARE, 5.0)
    set_widget(at, VIEW, "steps")
    assert at.session_state[STATE_KEY].compare_temperature == 5.0
    set_widget(at, VIEW, "compare")

    assert at.get_by_key(T_COMPARE).value == 5.0
    assert at.session_state[STATE_KEY].compare_temperature == 5.0
    assert float(query(at, "T2")) == 5.0


def line_slope(trace: dict) -> float:
    x, y = decode(trace["x"]), decode(trace["y"])
    assert len(x) == 2 and np.isfinite(x).all() and np.isfinite(y).all()
    return (y[1] - y[0]) / (x[1] - x[0])


@pytest.mark.parametrize("temperature", [0.5, 1.0, 2.5])
def test_logprob_line_has_slope_one_over_t(temperature):
    at = set_widget(start(), VIEW, "logprob")
    set_widget(at, T_SLIDER, temperature)

    data = chart(at, 1)["data"]
    lines = {t["name"].split(":")[0]: t for t in data if t["mode"] == "lines"}
    assert line_slope(lines[f"T = {temperature:g}"]) == pytest.approx(1 / temperature)
    assert len(lines) == (1 if temperature == 1 else 2)  # and a T = 1 line for comparison
    if temperature != 1:
        assert line_slope(lines["T = 1"]) == pytest.approx(1.0)

    points = next(t for t in data if t["mode"] == "markers+text")
    np.testing.assert_allclose(decode(points["x"]), DEFAULT_LOGITS)
    np.testing.assert_allclose(
        decode(points["y"]), np.log(oracle(DEFAULT_LOGITS, temperature)), rtol=1e-9
    )


def test_logprob_at_zero_temperature_shows_a_notice_not_a_chart():
    at = set_widget(set_widget(start(), VIEW, "logprob"), T_SLIDER, 0.0)
    assert any(n.startswith("At T = 0 log q") for n in notices(at))
    assert len(at.get("plotly_chart")) == 1  # only the bars


def test_logprob_line_with_the_widest_logits():
    """Regression: with logits ±1e308 the log-probability line overflowed.

    np.linspace(-1e308, 1e308, 2) overflowed (a RuntimeWarning, an error in this suite) and
    the line's left end was NaN, so no line was drawn.
    """
    at = set_widget(start(), VIEW, "logprob")
    set_widget(at, VALUES, "1e308, -1e308")
    line = next(t for t in chart(at, 1)["data"] if t["mode"] == "lines")
    np.testing.assert_array_equal(decode(line["x"]), [-1e308, 1e308])


def test_sweep_is_an_animation_with_a_play_button():
    at = set_widget(start(), VIEW, "sweep")
    figure = chart(at, 1)
    frames = figure["frames"]
    assert len(frames) >= 30
    buttons = [b for menu in figure["layout"]["updatemenus"] for b in menu["buttons"]]
    assert any(b["method"] == "animate" and "Play" in b["label"] for b in buttons)
    first, last = decode(frames[0]["data"][0]["y"]), decode(frames[-1]["data"][0]["y"])
    np.testing.assert_allclose(first, oracle(DEFAULT_LOGITS, 0.01), rtol=1e-6, atol=1e-300)
    np.testing.assert_allclose(last, oracle(DEFAULT_LOGITS, 100), rtol=1e-6)


# --- 9. links --------------------------------------------------------------------------------


def test_a_link_reproduces_its_state():
    at = start(z="6,3,-inf", labels="cat,dog,fox", T="1.5", view="steps")
    logits = [6.0, 3.0, -math.inf]

    assert not at.info and not at.error
    np.testing.assert_array_equal(parse_numbers(at.get_by_key(VALUES).value), logits)
    assert at.get_by_key(LABELS).value == "cat, dog, fox"
    assert at.get_by_key(T_EXACT).value == 1.5
    assert at.get_by_key(T_SLIDER).value == 1.5
    assert at.get_by_key(VIEW).value == "steps"
    assert_summary(at, oracle(logits, 1.5))
    assert current_bars(at, 1.5)["x"] == ["cat", "dog", "fox"]
    np.testing.assert_allclose(at.dataframe[0].value["exp(z/T)"], [54.6, 7.389, 0], rtol=1e-3)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("z", "<script>"),
        ("T", "-5"),
        ("T", "nan"),
        ("T", "inf"),
        ("T2", "-1"),
        ("view", "../../etc"),
        ("mode", "raw"),
        ("labels", "a,a,b"),
        ("z", "1," * 2500),  # 5,000 characters
    ],
    ids=[
        "z-script",
        "T-negative",
        "T-nan",
        "T-inf",
        "T2-negative",
        "view",
        "mode",
        "labels",
        "z-long",
    ],
)
def test_a_hostile_link_falls_back_to_defaults_with_a_notice(name, value):
    at = start(**{name: value})

    assert any(n.startswith(f"The link's “{name}” was ignored") for n in notices(at))
    assert not at.error
    state = at.session_state[STATE_KEY]
    assert state.logits == DEFAULT_LOGITS
    assert list(state.labels) == DEFAULT_LABELS
    assert (state.temperature, state.compare_temperature) == (1.0, 2.0)
    assert (state.view, state.input_mode) == ("curves", "logits")
    assert_summary(at, oracle(DEFAULT_LOGITS, 1))
    np.testing.assert_array_equal(parse_numbers(query(at, "z")), DEFAULT_LOGITS)
    assert query(at, name) != value  # the link is rewritten to what the page shows

    run(at)  # the notice is for the first run only
    assert not at.info


def test_link_notice_shows_the_hostile_text_literally():
    at = start(z="<script>")
    assert "“<script>” (entry 1) is not a number." in notices(at)[0]


def test_the_page_link_round_trips_after_interactions():
    at = set_widget(start(), VALUES, "0.5, -1, 2.25, -inf")
    set_widget(at, LABELS, "w, x, y, z")
    set_widget(at, T_EXACT, 0.37)
    set_widget(at, VIEW, "compare")
    set_widget(at, T_COMPARE, 8.0)

    again = start(**{name: query(at, name) for name in at.query_params})
    assert again.session_state[STATE_KEY] == at.session_state[STATE_KEY]
    assert metrics(again) == metrics(at)
    assert not again.info


# --- 10. the state object is the single source of truth --------------------------------------


def assert_page_shows_state(at: AppTest) -> None:
    state = at.session_state[STATE_KEY]
    probs = oracle(state.logits, state.temperature)

    bars = current_bars(at, state.temperature)
    assert bars["x"] == list(state.labels)
    np.testing.assert_allclose(decode(bars["y"]), probs, rtol=1e-9)
    assert_summary(at, probs)
    n_finite = sum(math.isfinite(z) for z in state.logits)
    assert uniform_levels(chart(at)) == [pytest.approx(1 / n_finite)]

    assert at.get_by_key(T_EXACT).value == state.temperature
    assert at.get_by_key(T_SLIDER).value == slider_stop(at, state.temperature)
    assert at.get_by_key(MODE).value == state.input_mode
    assert at.get_by_key(VIEW).value == state.view
    if state.view == "compare":
        assert at.get_by_key(T_COMPARE).value == state.compare_temperature

    if at.error:  # a bad field keeps its text; the state keeps the last good values
        return
    field = parse_numbers(at.get_by_key(VALUES).value)
    if state.input_mode == "probabilities":
        np.testing.assert_allclose(field / field.sum(), oracle(state.logits, 1), rtol=1e-9)
    else:
        np.testing.assert_array_equal(field, state.logits)

    np.testing.assert_array_equal(parse_numbers(query(at, "z")), state.logits)
    assert query(at, "labels").split(",") == list(state.labels)
    assert float(query(at, "T")) == state.temperature
    assert float(query(at, "T2")) == state.compare_temperature
    assert query(at, "mode") == state.input_mode
    assert query(at, "view") == state.view


def test_state_object_matches_the_page_through_a_session():
    at = start()
    assert_page_shows_state(at)
    steps = [
        (VALUES, "3, 1, -inf, 0"),
        (LABELS, "w, x, y, z"),
        (T_SLIDER, 0.5),
        (T_EXACT, 0.8),
        (VIEW, "compare"),
        (T_COMPARE, 4.0),
        (VALUES, "not numbers"),  # an error: the state keeps the last good logits
        (MODE, "probabilities"),  # rewrites the field from the state, clearing the error
        (VALUES, "0.1, 0.2, 0.3, 0.4, 0"),
        (T_SLIDER, 0.0),
        (VIEW, "logprob"),
        (MODE, "logits"),
        (T_EXACT, 12.5),
        (VIEW, "sweep"),
    ]
    for key, value in steps:
        set_widget(at, key, value)
        assert_page_shows_state(at)

    state = at.session_state[STATE_KEY]
    assert state.temperature == 12.5 and state.view == "sweep"
    assert state.labels == ("w", "x", "y", "z", "E")
    np.testing.assert_allclose(
        oracle(state.logits, 1), [0.1, 0.2, 0.3, 0.4, 0.0], rtol=1e-9, atol=0
    )


def test_the_explorer_keeps_its_view_across_a_visit_to_another_page():
    """Regression: a keyed widget missing from a page loses its value; back on the Explorer the
    view and the second temperature fell back to the first values the script had seeded."""
    at = set_widget(start(), VIEW, "compare")
    set_widget(at, T_COMPARE, 5.0)
    set_widget(at, T_SLIDER, 0.5)
    run(at.switch_page("explorer/views/sampling_page.py"))
    run(at.switch_page("explorer/views/explorer_page.py"))
    assert at.get_by_key(VIEW).value == "compare" and at.get_by_key(T_COMPARE).value == 5.0
    state = at.session_state[STATE_KEY]
    assert (state.view, state.compare_temperature, state.temperature) == ("compare", 5.0, 0.5)


def test_a_fourth_value_writes_its_label_into_the_labels_field():
    """Regression: the field still said "A, B, C" while the chart and the link said A, B, C, D."""
    at = start()
    set_widget(at, LABELS, "cat, dog, fox")
    set_widget(at, VALUES, "1, 2, 3, 4")
    assert at.text_input(key=LABELS).value == "cat, dog, fox, D"
    assert query(at, "labels") == "cat,dog,fox,D"
    set_widget(at, VALUES, "1, 2")  # fewer values: typed labels are kept, the extra one noticed
    assert at.text_input(key=LABELS).value == "cat, dog, fox, D"
    assert any("Extra labels ignored: fox, D" in n for n in notices(at))
