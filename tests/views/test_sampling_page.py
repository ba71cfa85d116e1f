"""The Sampling lab through Streamlit's AppTest: every section, the shared state, the links.

Every session starts from the entrypoint (app.py) and switches to the lab. Expected numbers come
from scipy (softmax, chisquare, binomtest's Wilson interval) or from numpy's own Generator
replaying the draws (u = rng.random(k) · F_last, class = searchsorted(F, u, "right")).
"""

from __future__ import annotations

from urllib.parse import parse_qsl

import numpy as np
import pytest
import scipy.special
import scipy.stats
from streamlit.testing.v1 import AppTest

from . import apptest
from .apptest import APP, chart, decode, plain, query, run, set_widget

SAMPLING, EXPLORER = "explorer/views/sampling_page.py", "explorer/views/explorer_page.py"

VALUES, LABELS, T_SLIDER, T_EXACT = "x_values", "x_labels", "x_temperature", "x_temperature_exact"
SECTION, SEED, DRAWS, TOP_K, TOP_P = "s_section", "s_seed", "s_draws", "s_top_k", "s_top_p"
TLAST, TAU, PROMPT, TEMPS = "s_tlast", "s_tau", "s_prompt", "s_temps"
CORPUS, PASTED = "s_corpus", "s_pasted"
LAB_KEY = "sampling_state"

DEFAULT_LOGITS = np.array([2.0, 1.0, 0.1])
DEFAULT_LABELS = ["A", "B", "C"]
DEFAULT_SEED, DEFAULT_N = 10, 1000


def start(**query: str) -> AppTest:
    return apptest.start(SAMPLING, **query)


# --- driving the page ------------------------------------------------------------------------


def click(at: AppTest, label: str) -> AppTest:
    next(b for b in at.button if b.label == label).click()
    return run(at)


# --- reading the page ------------------------------------------------------------------------


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def trace(figure: dict, name: str) -> dict:
    return next(t for t in figure["data"] if t.get("name") == name)


# --- oracles ---------------------------------------------------------------------------------


def replay(probs, seed: int, count: int) -> tuple[np.ndarray, np.ndarray]:
    """numpy's Generator: u = r · F_last, the class whose cumulative interval holds u."""
    cumulative = np.cumsum(probs)
    u = np.random.default_rng(seed).random(count) * cumulative[-1]
    return u, np.searchsorted(cumulative, u, side="right")


def counts_of(probs, seed: int, n: int) -> np.ndarray:
    return np.bincount(replay(probs, seed, n)[1], minlength=len(probs))


def nucleus_size(probs, top_p: float) -> int:
    """How many of the largest probabilities it takes to reach top_p (the crossing one kept)."""
    return int(np.searchsorted(np.cumsum(np.sort(probs)[::-1]), top_p) + 1)


P1 = scipy.special.softmax(DEFAULT_LOGITS)


# --- 1. every section renders ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("section", "n_charts", "metric_labels"),
    [
        ("draws", 3, {"Chi-square p-value", "Total variation", "Draws"}),
        ("gumbel", 3, {"Chi-square p-value (100,000 races)", "Mean largest weight"}),
        ("decoding", 2, {"Tokens left", "Entropy after filters (nats)"}),
        ("text", 1, set()),
    ],
)
def test_each_section_renders(section, n_charts, metric_labels):
    at = set_widget(start(), SECTION, section)
    assert at.title[0].value == "Sampling lab"
    assert len(at.get("plotly_chart")) == n_charts
    assert metric_labels <= set(metrics(at))
    assert query(at, "sec") == section and at.session_state[LAB_KEY].section == section
    assert not at.error and not at.info
    if section == "text":
        assert [m.value for m in at.markdown[:4]] == [f"**T = {t}**" for t in (0.2, 0.7, 1, 1.5)]


# --- 2. draws --------------------------------------------------------------------------------


def single_view(at: AppTest) -> tuple[float, str]:
    (line,) = chart(at, 0)["layout"]["shapes"]
    return line["x0"], plain(at.markdown[0].value)


def test_draw_one_more_advances_the_single_draw():
    at = start()
    u, drawn = replay(P1, DEFAULT_SEED, 3)
    for count in (1, 2, 3):
        x, text = single_view(at)
        assert x == pytest.approx(u[count - 1], rel=1e-12)
        label = DEFAULT_LABELS[drawn[count - 1]]
        assert text.startswith(f"Draw {count}: a uniform number u = {u[count - 1]:.3f}")
        assert f"the piece of “{label}”" in text
        assert text.endswith("Draws so far: " + ", ".join(DEFAULT_LABELS[i] for i in drawn[:count]))
        opacity = [b["marker"]["opacity"] for b in chart(at, 0)["data"]]
        assert np.argmax(opacity) == drawn[count - 1]  # the drawn class is highlighted
        click(at, "Draw one more")
    click(at, "Start over")
    assert single_view(at)[0] == pytest.approx(u[0], rel=1e-12)


def test_n_draws_histogram_chi_square_and_wilson_intervals():
    at = start()
    counts = counts_of(P1, DEFAULT_SEED, DEFAULT_N)
    bars = trace(chart(at, 1), f"frequency in {DEFAULT_N:,} draws")
    freq = decode(bars["y"])
    np.testing.assert_allclose(freq, counts / DEFAULT_N, rtol=1e-12)
    np.testing.assert_allclose(decode(trace(chart(at, 1), "exact probability")["y"]), P1)
    ci = [scipy.stats.binomtest(int(c), DEFAULT_N).proportion_ci(method="wilson") for c in counts]
    np.testing.assert_allclose(decode(bars["error_y"]["array"]), [c.high for c in ci] - freq)
    np.testing.assert_allclose(decode(bars["error_y"]["arrayminus"]), freq - [c.low for c in ci])
    pvalue = scipy.stats.chisquare(counts, DEFAULT_N * P1).pvalue
    assert float(metrics(at)["Chi-square p-value"]) == pytest.approx(pvalue, rel=5e-3)
    tv = 0.5 * np.abs(counts / DEFAULT_N - P1).sum()
    assert float(metrics(at)["Total variation"]) == pytest.approx(tv, rel=5e-3)
    assert metrics(at)["Draws"] == "1,000"


def test_seed_changes_the_draws_and_the_same_seed_repeats_them():
    at = start()
    first = decode(chart(at, 1)["data"][0]["y"])
    set_widget(at, SEED, 11)
    other = decode(chart(at, 1)["data"][0]["y"])
    assert not np.array_equal(first, other)
    np.testing.assert_allclose(other, counts_of(P1, 11, DEFAULT_N) / DEFAULT_N, rtol=1e-12)
    assert single_view(at)[0] == pytest.approx(replay(P1, 11, 1)[0][0])
    assert query(at, "seed") == "11"
    set_widget(at, SEED, DEFAULT_SEED)
    np.testing.assert_array_equal(decode(chart(at, 1)["data"][0]["y"]), first)


def test_n_is_capped_in_the_widget_and_in_a_link():
    at = set_widget(start(), DRAWS, 20_000)
    assert at.get_by_key(DRAWS).max == 1_000_000
    assert metrics(at)["Draws"] == "20,000"
    np.testing.assert_allclose(
        decode(chart(at, 1)["data"][0]["y"]), counts_of(P1, DEFAULT_SEED, 20_000) / 20_000
    )
    linked = start(N="2000000")
    assert any(plain(i.value).startswith("The link's “N” was ignored") for i in linked.info)
    assert metrics(linked)["Draws"] == "1,000" and query(linked, "N") == "1000"


# --- 3. gumbel -------------------------------------------------------------------------------


def test_gumbel_race_totals_winner_and_check():
    at = set_widget(start(), SECTION, "gumbel")
    race = chart(at, 0)
    scaled = decode(trace(race, "(z − max z) / T")["y"])
    noise = decode(trace(race, "Gumbel noise")["y"])
    totals = decode(trace(race, "total")["y"])
    np.testing.assert_allclose(scaled, DEFAULT_LOGITS - DEFAULT_LOGITS.max(), atol=1e-12)
    np.testing.assert_allclose(totals, scaled + noise, rtol=1e-12)
    winner = int(np.argmax(totals))
    symbols = trace(race, "total")["marker"]["symbol"]
    assert symbols == ["star" if i == winner else "circle" for i in range(3)]
    assert f"“{DEFAULT_LABELS[winner]}” wins this race" in plain(at.markdown[0].value)
    assert float(metrics(at)["Chi-square p-value (100,000 races)"]) > 1e-3
    check = chart(at, 1)
    np.testing.assert_allclose(decode(trace(check, "exact probability")["y"]), P1)
    np.testing.assert_allclose(decode(check["data"][0]["y"]), P1, atol=0.01)
    click(at, "New race")
    assert decode(trace(chart(at, 0), "Gumbel noise")["y"]).tolist() != noise.tolist()


def relaxed(at: AppTest) -> np.ndarray:
    return decode(chart(at, 2)["data"][0]["z"])


def test_tau_changes_the_relaxed_samples():
    at = set_widget(start(), SECTION, "gumbel")
    means = {}
    for tau in (0.1, 2.0):
        set_widget(at, TAU, tau)
        samples = relaxed(at)
        assert samples.shape == (6, 3)
        np.testing.assert_allclose(samples.sum(axis=1), 1, rtol=1e-12)
        means[tau] = float(metrics(at)["Mean largest weight"])
        assert means[tau] == pytest.approx(samples.max(axis=1).mean(), rel=5e-3)
        assert query(at, "tau") == str(tau)
    assert means[0.1] > means[2.0]
    assert not np.allclose(relaxed(set_widget(at, TAU, 0.5)), relaxed(set_widget(at, TAU, 1.0)))


# --- 4. decoding -----------------------------------------------------------------------------

FOUR = np.array([2.0, 1.0, 0.1, -1.0])


def sampled(at: AppTest) -> np.ndarray:
    return decode(trace(chart(at, 1), "after the filters: what is sampled")["y"])


def test_top_k_two_keeps_the_softmax_of_the_top_two():
    at = set_widget(start(), SECTION, "decoding")
    set_widget(at, VALUES, "2, 1, 0.1, -1")
    set_widget(at, TOP_K, 2)
    expected = np.concatenate([scipy.special.softmax(FOUR[:2]), [0, 0]])
    np.testing.assert_allclose(sampled(at), expected, rtol=1e-12, atol=0)
    assert metrics(at)["Tokens left"] == "2"
    stages = chart(at, 0)
    titles = [a["text"] for a in stages["layout"]["annotations"]]
    assert titles == ["temperature = 1", "top-k = 2", "top-p = 0.9", "min-p: off"]
    shown = [f"{expected[0]:.3f}", f"{expected[1]:.3f}", "removed", "removed"]
    assert stages["data"][-1]["text"] == shown
    only_t = trace(chart(at, 1), "temperature only (T = 1)")
    np.testing.assert_allclose(decode(only_t["y"]), scipy.special.softmax(FOUR), rtol=1e-12)
    assert query(at, "k") == "2"


def test_top_p_with_temperature_first_or_last():
    """z = 2, 1, 0.1, -1, T = 0.5, top-p = 0.7: softmax(z/0.5) puts 0.862 on the top token, so
    temperature first keeps 1; softmax(z) puts 0.61 there, so temperature last keeps 2."""
    at = set_widget(start(), SECTION, "decoding")
    set_widget(at, VALUES, "2, 1, 0.1, -1")
    set_widget(at, T_SLIDER, 0.5)
    set_widget(at, TOP_P, 0.7)
    first = nucleus_size(scipy.special.softmax(FOUR / 0.5), 0.7)
    last = nucleus_size(scipy.special.softmax(FOUR), 0.7)
    assert (first, last) == (1, 2)  # the case differs, by construction

    assert metrics(at)["Tokens left"] == str(first)
    np.testing.assert_array_equal(sampled(at), [1, 0, 0, 0])
    set_widget(at, TLAST, True)
    assert metrics(at)["Tokens left"] == str(last)
    expected = np.concatenate([scipy.special.softmax(FOUR[:2] / 0.5), [0, 0]])
    np.testing.assert_allclose(sampled(at), expected, rtol=1e-12)
    titles = [a["text"] for a in chart(at, 0)["layout"]["annotations"]]
    assert titles == ["top-k: off", "top-p = 0.7", "min-p: off", "temperature = 0.5"]
    assert query(at, "tlast") == "1" and query(at, "p") == "0.7"


# --- 5. text ---------------------------------------------------------------------------------


def texts(at: AppTest) -> list[str]:
    return [t.value for t in at.text]


def test_text_is_reproducible_and_follows_the_temperature_list():
    at = set_widget(start(), SECTION, "text")
    first = texts(at)
    assert len(first) == 4 and all(t.startswith("The ") and len(t) == 304 for t in first)
    assert len(set(first)) == 4
    assert texts(run(at)) == first
    assert texts(start(sec="text")) == first  # another session, the same seed

    set_widget(at, TEMPS, "0, 2")
    assert [m.value for m in at.markdown[:2]] == ["**T = 0**", "**T = 2**"]
    assert len(texts(at)) == 2 and query(at, "Ts") == "0.0,2.0"
    two = texts(at)
    for bad in ("a, b", "0.1, 0.2, 0.3, 0.4, 0.5"):
        set_widget(at, TEMPS, bad)
        assert len(at.error) == 1
        assert texts(at) == two and at.session_state[LAB_KEY].text_temperatures == (0.0, 2.0)


def test_pasted_corpus_too_short_falls_back_to_the_builtin():
    at = set_widget(start(), SECTION, "text")
    builtin = texts(at)
    set_widget(at, CORPUS, "pasted")
    set_widget(at, PASTED, "too short")
    assert len(at.error) == 1 and "Using the built-in corpus meanwhile" in plain(at.error[0].value)
    assert texts(at) == builtin


def test_a_prompt_of_unseen_characters_still_generates():
    at = set_widget(set_widget(start(), SECTION, "text"), PROMPT, "ЖЖЖ")
    assert all(t.startswith("ЖЖЖ") and len(t) == 303 for t in texts(at))
    assert not at.error and query(at, "prompt") == "ЖЖЖ"


# --- 6. shared state -------------------------------------------------------------------------


def test_logits_typed_here_are_what_the_explorer_shows():
    at = set_widget(start(), VALUES, "3, 1, -2")
    set_widget(at, LABELS, "x, y, z")
    run(at.switch_page(EXPLORER))
    bars = decode(trace(chart(at, 0), "T = 1")["y"])  # the Explorer's bars
    np.testing.assert_allclose(bars, scipy.special.softmax([3, 1, -2]), rtol=1e-12)
    assert at.get_by_key(LABELS).value == "x, y, z"


def test_temperature_set_on_the_explorer_follows_to_the_lab():
    at = AppTest.from_file(str(APP), default_timeout=60)
    run(at)
    set_widget(at, T_SLIDER, 0.5)
    run(at.switch_page(SAMPLING))
    assert at.get_by_key(T_SLIDER).value == 0.5 and at.get_by_key(T_EXACT).value == 0.5
    widths = [b["x"][0] for b in chart(at, 0)["data"]]
    np.testing.assert_allclose(widths, scipy.special.softmax(DEFAULT_LOGITS / 0.5), rtol=1e-12)
    assert query(at, "T") == "0.5"


def test_the_lab_settings_survive_a_trip_to_the_explorer():
    at = set_widget(start(), SECTION, "decoding")
    set_widget(at, TOP_K, 2)
    set_widget(at, SEED, 123)
    run(at.switch_page(EXPLORER))
    run(at.switch_page(SAMPLING))
    assert at.get_by_key(SECTION).value == "decoding"
    assert at.get_by_key(TOP_K).value == 2 and at.get_by_key(SEED).value == 123
    assert metrics(at)["Tokens left"] == "2"
    assert (query(at, "sec"), query(at, "k"), query(at, "seed")) == ("decoding", "2", "123")


OWN_SETTINGS = {
    "draws": {DRAWS: 5000},
    "gumbel": {TAU: 2.0},
    "decoding": {TOP_K: 2, TOP_P: 0.5, "s_min_p": 0.2, TLAST: True},
    "text": {PROMPT: "def ", "s_order": 3, "s_length": 50, TEMPS: "0, 2"},
}


@pytest.mark.parametrize("section", list(OWN_SETTINGS))
def test_a_sections_settings_survive_a_visit_to_another_section(section):
    """Regression: a section's own widgets fell back to the values seeded on arrival.

    Open the lab on another section, go to ``section``, change its settings, visit the other
    section and come back: the widgets, the state and the link were back to the defaults (for
    decoding: top-k 0, top-p 1, min-p 0, temperature first), as the Explorer's view was before
    its fix (controls.seed's ``hidden``).
    """
    other = "gumbel" if section != "gumbel" else "draws"
    at = set_widget(start(sec=other), SECTION, section)
    for key, value in OWN_SETTINGS[section].items():
        set_widget(at, key, value)
    chosen = at.session_state[LAB_KEY]
    set_widget(set_widget(at, SECTION, other), SECTION, section)
    shown = {key: at.get_by_key(key).value for key in OWN_SETTINGS[section]}
    assert shown == OWN_SETTINGS[section]
    assert at.session_state[LAB_KEY] == chosen


# --- 7. links --------------------------------------------------------------------------------

FULL_LINK = dict(
    parse_qsl(
        "z=3.0,1.0,-inf,0.0&labels=a,b,c,d&T=0.8&sec=decoding&seed=7&N=5000&k=2&p=0.9&minp=0.05"
        "&tlast=1&tau=0.2&prompt=def+&order=4&len=50&Ts=0.5,1.0"
    )
)


def test_a_full_link_reproduces_the_page():
    at = start(**FULL_LINK)
    assert not at.info and not at.error
    widgets = {SECTION: "decoding", SEED: 7, TOP_K: 2, TOP_P: 0.9, TLAST: True}
    for key, value in widgets.items():
        assert at.get_by_key(key).value == value, key
    assert at.session_state[DRAWS] == 5000 and at.session_state[TAU] == 0.2
    assert at.get_by_key(T_EXACT).value == 0.8
    assert {name: query(at, name) for name in FULL_LINK} == FULL_LINK
    # Filters first, at T = 1: top-k = 2 keeps a, b; softmax(3, 1) = 0.881, 0.119 passes top-p
    # 0.9 (0.881 < 0.9) and min-p 0.05 (0.119 ≥ 0.044); then T = 0.8 reshapes the two.
    assert nucleus_size(scipy.special.softmax([3.0, 1.0]), 0.9) == 2
    assert metrics(at)["Tokens left"] == "2"
    expected = np.concatenate([scipy.special.softmax(np.array([3.0, 1.0]) / 0.8), [0, 0]])
    np.testing.assert_allclose(sampled(at), expected, rtol=1e-12)

    draws = start(**(FULL_LINK | {"sec": "draws", "z": "3,1,0", "labels": "a,b,c"}))
    probs = scipy.special.softmax(np.array([3.0, 1.0, 0.0]) / 0.8)
    np.testing.assert_allclose(
        decode(chart(draws, 1)["data"][0]["y"]), counts_of(probs, 7, 5000) / 5000, rtol=1e-12
    )
    assert metrics(draws)["Draws"] == "5,000"
    text = start(**(FULL_LINK | {"sec": "text"}))
    assert [len(t) for t in texts(text)] == [54, 54] and texts(text)[0].startswith("def ")


HOSTILE = dict(sec="../../etc", seed="-1", N="2000000", k="1001", p="0", minp="nan")
HOSTILE |= dict(tlast="yes", tau="1e9", prompt="x" * 201, order="2.5", len="0", Ts="1,2,3,4,5")
SECTION_OF = {"k": "decoding", "p": "decoding", "minp": "decoding", "tlast": "decoding"}
SECTION_OF |= {"tau": "gumbel", "prompt": "text", "order": "text", "len": "text", "Ts": "text"}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_a_hostile_lab_parameter_gives_a_notice_and_the_default(name):
    section = {"sec": SECTION_OF[name]} if name in SECTION_OF else {}
    at = start(**section, **{name: HOSTILE[name]})
    shown = [plain(i.value) for i in at.info]
    assert any(n.startswith(f"The link's “{name}” was ignored") for n in shown), shown
    assert not at.error
    assert at.session_state[LAB_KEY] == start(**section).session_state[LAB_KEY]
    assert query(at, name) != HOSTILE[name]
    assert not run(at).info  # the notice is for the first run only


def test_hostile_values_for_every_lab_parameter_at_once():
    at = start(**HOSTILE)
    assert len(at.info) == len(HOSTILE)
    assert at.session_state[LAB_KEY] == start().session_state[LAB_KEY]
