"""The Boltzmann physics page through Streamlit's AppTest: widgets in, numbers on the page out.

Every session starts from the entrypoint (app.py) switched to the physics page. Expected numbers
come from scipy.special.softmax of −E/kT + ln g with the physical constants written out here,
never from the app's own maths.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.special
from streamlit.testing.v1 import AppTest

from . import apptest
from .apptest import chart, decode, errors, notices, query, run, set_widget

PAGE = "explorer/views/physics_page.py"

SYSTEM, UNIT, ENERGIES, DEGENERACIES = "p_system", "p_unit", "p_energies", "p_degeneracies"
K_SLIDER, K_EXACT, PARTICLES, SEED, VIEW = "p_kelvin", "p_kelvin_exact", "p_n", "p_seed", "p_view"
PHYSICS_KEY, EXPLORER_KEY = "physics_state", "explorer_state"

K_B = 1.380649e-23  # J/K
CM = 6.62607015e-34 * 299_792_458.0 * 100.0  # J per cm⁻¹
MEV = 1.602176634e-22  # J per meV
CO_B = 57_635.968_019e6 / 299_792_458.0 / 100.0  # cm⁻¹


def start(**query: str) -> AppTest:
    return apptest.start(PAGE, **query)


# --- driving and reading the page ---------------------------------------------------------------


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def trace(figure: dict, name: str) -> dict:
    (found,) = [t for t in figure["data"] if t.get("name") == name]
    return found


def shown_populations(at: AppTest) -> np.ndarray:
    return decode(trace(chart(at), "populations")["y"])


def boltzmann(energies_joules, degeneracies, kelvin: float) -> np.ndarray:
    """The oracle: scipy's softmax of −E/kT + ln g."""
    e = np.asarray(energies_joules, dtype=float)
    return scipy.special.softmax(-e / (K_B * kelvin) + np.log(degeneracies))


def co(kelvin: float) -> np.ndarray:
    j = np.arange(61)
    return boltzmann(CO_B * j * (j + 1) * CM, 2 * j + 1, kelvin)


def two_level(kelvin: float) -> np.ndarray:
    return boltzmann([0.0, 10.0 * MEV], [1, 1], kelvin)


# --- the default: carbon monoxide at 300 K ------------------------------------------------------


def test_co_at_300_k_has_j_7_most_populated():
    at = start()
    expected = co(300.0)
    assert int(np.argmax(expected)) == 7
    assert metrics(at)["Most populated level"] == "J = 7"
    assert float(metrics(at)["Its population"]) == pytest.approx(expected.max(), rel=1e-3)
    np.testing.assert_allclose(shown_populations(at), expected, rtol=1e-8, atol=1e-300)
    assert trace(chart(at), "populations")["x"][7] == "J = 7"
    assert float(metrics(at)["kT (cm⁻¹)"]) == pytest.approx(K_B * 300 / CM, rel=1e-4)
    assert any("At 300 K it is J = 7" in m.value for m in at.markdown)
    assert not at.error and not at.info
    assert query(at, "psys") == "co_rotor" and float(query(at, "pK")) == 300.0


@pytest.mark.parametrize("kelvin", [50.0, 1000.0, 7.3, 20000.0])
def test_exact_temperature_moves_the_populations(kelvin):
    at = start()
    before = shown_populations(at)
    set_widget(at, K_EXACT, kelvin)
    expected = co(kelvin)
    assert not np.allclose(shown_populations(at), before)
    np.testing.assert_allclose(shown_populations(at), expected, rtol=1e-7, atol=1e-300)
    assert metrics(at)["Most populated level"] == f"J = {int(np.argmax(expected))}"
    assert float(query(at, "pK")) == kelvin


def test_the_log_slider_sets_the_exact_temperature():
    at = set_widget(start(), K_SLIDER, 2000.0)
    assert at.get_by_key(K_EXACT).value == 2000.0
    np.testing.assert_allclose(shown_populations(at), co(2000.0), rtol=1e-7, atol=1e-300)
    at = set_widget(at, K_EXACT, 333.0)
    assert at.get_by_key(K_SLIDER).value == 300.0  # the nearest stop on a log scale


def test_switching_the_unit_converts_the_levels_and_keeps_the_physics():
    at = set_widget(start(), UNIT, "meV")
    assert at.session_state[PHYSICS_KEY].unit == "meV"
    energies = np.array([float(x) for x in at.get_by_key(ENERGIES).value.split(",")])
    j = np.arange(61)
    np.testing.assert_allclose(energies, CO_B * j * (j + 1) * CM / MEV, rtol=1e-9)
    assert metrics(at)["Most populated level"] == "J = 7"
    assert float(metrics(at)["kT (meV)"]) == pytest.approx(K_B * 300 / MEV, rel=1e-4)


# --- presets and the thermodynamics -------------------------------------------------------------


def test_two_level_preset_marks_the_schottky_peak():
    at = set_widget(start(), SYSTEM, "two_level")
    assert at.get_by_key(ENERGIES).value == "0, 10" and at.get_by_key(UNIT).value == "meV"
    np.testing.assert_allclose(shown_populations(at), two_level(300.0), rtol=1e-12)
    peak = trace(chart(at, 1), "Schottky peak")
    kT_over_gap, kT = peak["customdata"][0]
    assert kT_over_gap == pytest.approx(0.4168, abs=1e-4)
    assert peak["y"][0] == pytest.approx(0.4392, abs=1e-4)
    assert peak["x"][0] == pytest.approx(0.41678 * 10.0 * MEV / K_B, rel=1e-4)
    assert kT == pytest.approx(4.1678, rel=1e-4)
    # The closed form C = x² eˣ / (1 + eˣ)², x = Δ/kT, peaks there: check it is a maximum.
    x = np.linspace(1.5, 3.5, 20001)
    c = x**2 * np.exp(x) / (1 + np.exp(x)) ** 2
    assert 1 / x[np.argmax(c)] == pytest.approx(kT_over_gap, abs=1e-4)
    assert c.max() == pytest.approx(peak["y"][0], abs=1e-6)
    assert any("Schottky anomaly" in m.value for m in at.markdown)


def test_no_schottky_marker_for_more_than_two_levels():
    at = start()
    assert not [t for t in chart(at, 1)["data"] if t.get("name") == "Schottky peak"]


def test_ladder_preset_says_it_is_truncated():
    at = set_widget(start(), SYSTEM, "ladder")
    assert "truncated" in at.caption[0].value or any("truncated" in c.value for c in at.caption)
    energies = (np.arange(30) + 0.5) * 25.0
    np.testing.assert_allclose(
        shown_populations(at), boltzmann(energies * MEV, np.ones(30), 300.0), rtol=1e-9
    )


def test_thermodynamics_metrics_match_closed_forms_for_two_levels():
    at = set_widget(set_widget(start(), SYSTEM, "two_level"), K_EXACT, 50.0)
    x = 10.0 * MEV / (K_B * 50.0)  # Δ/kT
    p_upper = 1 / (1 + math.exp(x))
    shown = metrics(at)
    assert float(shown["U (meV)"]) == pytest.approx(10.0 * p_upper, rel=1e-3)
    assert float(shown["C / k_B"]) == pytest.approx(
        x**2 * math.exp(x) / (1 + math.exp(x)) ** 2, rel=1e-3
    )
    entropy = -(p_upper * math.log(p_upper) + (1 - p_upper) * math.log(1 - p_upper))
    assert float(shown["S / k_B"]) == pytest.approx(entropy, rel=1e-3)


# --- the bridge ---------------------------------------------------------------------------------


def test_bridge_numbers_are_equal():
    at = set_widget(start(), VIEW, "bridge")
    table = at.dataframe[0].value
    expected = co(300.0)
    np.testing.assert_allclose(table["softmax(z)"], expected, rtol=1e-8, atol=1e-300)
    np.testing.assert_allclose(table["Boltzmann p"], expected, rtol=1e-8, atol=1e-300)
    kT = K_B * 300 / CM
    np.testing.assert_allclose(
        table["logit z = −E/kT + ln g"],
        -table["E (cm⁻¹)"] / kT + np.log(table["g"]),
        rtol=1e-9,
    )
    shown = metrics(at)
    assert float(shown["softmax temperature = kT (cm⁻¹)"]) == pytest.approx(kT, rel=1e-4)
    assert float(shown["max |softmax − Boltzmann|"]) < 1e-12
    assert float(shown["ln Z"]) - float(shown["ln Z, every E raised by 5 kT"]) == pytest.approx(
        5.0, abs=1e-5
    )
    limits = chart(at, 1)
    g = 2 * np.arange(61) + 1
    np.testing.assert_allclose(decode(trace(limits, "kT → ∞: g / Σg")["y"]), g / g.sum())
    ground = decode(trace(limits, "kT → 0: the ground level")["y"])
    assert ground[0] == 1 and ground[1:].sum() == 0


def test_open_as_logits_in_the_explorer():
    at = set_widget(set_widget(start(), SYSTEM, "two_level"), VIEW, "bridge")
    at.button[0].click()
    run(at)
    state = at.session_state[EXPLORER_KEY]
    assert state.labels == ("lower", "upper") and state.temperature == 1.0
    np.testing.assert_allclose(scipy.special.softmax(state.logits), two_level(300.0), rtol=1e-5)
    assert at.get_by_key("x_values").value.startswith("0")  # the Explorer's field shows them


def test_open_in_explorer_is_disabled_beyond_twelve_levels():
    at = set_widget(start(), VIEW, "bridge")
    assert at.button[0].disabled


# --- the ensemble -------------------------------------------------------------------------------


def test_ensemble_is_seeded_and_settles_as_n_grows():
    at = set_widget(set_widget(start(), SYSTEM, "two_level"), VIEW, "ensemble")
    figure = chart(at, 1)
    counts = decode(trace(figure, "1,000 particles: fraction in each level")["customdata"])
    assert counts.sum() == 1000
    expected = np.random.default_rng(42).multinomial(1000, two_level(300.0))
    np.testing.assert_array_equal(counts, expected)
    at.button[0].click()  # New draw: the next seed
    run(at)
    assert at.get_by_key(SEED).value == 43 and query(at, "pseed") == "43"
    set_widget(at, PARTICLES, 1_000_000)
    big = decode(trace(chart(at, 1), "1,000,000 particles: fraction in each level")["y"])
    assert np.abs(big - two_level(300.0)).max() < 5 * math.sqrt(0.25 / 1e6)
    assert float(metrics(at)["Largest |fraction − p|"]) < 0.0025


# --- bad input: a message under the field, the rest of the state kept --------------------------


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        (ENERGIES, "0, 1, abc", "is not a number"),
        (ENERGIES, "0, nan", "NaN"),
        (ENERGIES, "0, 1e300", "outside"),
        (ENERGIES, "5", "at least 2"),
        (ENERGIES, ", ".join(str(i) for i in range(81)), "too many"),
        (DEGENERACIES, "1, 2, 3", "energies but 3 degeneracies"),
        (DEGENERACIES, "0, 1", "greater than 0"),
        (K_EXACT, 0.0, "0 K is a limit"),
        (K_EXACT, -5.0, "below absolute zero"),
        (K_EXACT, 1e12, "between"),
    ],
)
def test_bad_input_shows_an_error_and_keeps_the_rest(key, value, message):
    at = set_widget(start(), SYSTEM, "two_level")
    set_widget(at, key, value)
    assert any(message in e for e in errors(at)), errors(at)
    state = at.session_state[PHYSICS_KEY]
    assert state.energies == (0.0, 10.0) and state.degeneracies == (1.0, 1.0)
    assert state.kelvin == 300.0
    np.testing.assert_allclose(shown_populations(at), two_level(300.0), rtol=1e-12)
    if key != K_EXACT:  # the temperature still takes effect while the levels are wrong
        set_widget(at, K_EXACT, 80.0)
        assert any(message in e for e in errors(at))
        np.testing.assert_allclose(shown_populations(at), two_level(80.0), rtol=1e-12)


def test_an_empty_degeneracies_field_means_one_each():
    at = set_widget(set_widget(start(), ENERGIES, "0, 1, 2"), DEGENERACIES, "")
    assert not at.error
    assert at.session_state[PHYSICS_KEY].degeneracies == (1.0, 1.0, 1.0)
    assert at.get_by_key(SYSTEM).value == "custom"
    assert trace(chart(at), "populations")["x"] == ["level 0", "level 1", "level 2"]


# --- links --------------------------------------------------------------------------------------


def test_a_link_reproduces_a_view():
    link = {
        "psys": "custom",
        "punit": "eV",
        "pE": "0.0,0.05,0.05,0.2",
        "pg": "1.0,2.0,1.0,5.0",
        "pK": "450.0",
        "pN": "250",
        "pseed": "7",
        "pview": "ensemble",
    }
    at = start(**link)
    assert not at.info and not at.error
    assert at.get_by_key(VIEW).value == "ensemble" and at.get_by_key(SEED).value == 7
    assert at.get_by_key(K_EXACT).value == 450.0 and at.get_by_key(UNIT).value == "eV"
    expected = boltzmann(np.array([0, 0.05, 0.05, 0.2]) * 1000 * MEV, [1, 2, 1, 5], 450.0)
    np.testing.assert_allclose(shown_populations(at), expected, rtol=1e-12)
    assert {name: query(at, name) for name in link} == link
    again = start(**{name: query(at, name) for name in link})
    assert again.session_state[PHYSICS_KEY] == at.session_state[PHYSICS_KEY]


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("pK", "abc"),
        ("pK", "-1"),
        ("pK", "0"),
        ("pK", "nan"),
        ("pE", "1,nan"),
        ("pE", "<b>1</b>"),
        ("pg", "1,2,3"),
        ("pN", "1e9"),
        ("pseed", "-1"),
        ("pview", "<script>"),
        ("psys", "sun"),
        ("punit", "MeV"),
    ],
)
def test_a_hostile_link_gives_a_notice_and_keeps_defaults(name, value):
    at = start(**{name: value})
    assert any(f"“{name}” was ignored" in n for n in notices(at)), notices(at)
    assert metrics(at)["Most populated level"] == "J = 7"
    np.testing.assert_allclose(shown_populations(at), co(300.0), rtol=1e-8, atol=1e-300)


def test_the_page_keeps_its_state_across_a_visit_to_another_page():
    at = set_widget(set_widget(start(), SYSTEM, "two_level"), VIEW, "ensemble")
    set_widget(at, PARTICLES, 77)
    set_widget(at, K_EXACT, 123.0)
    run(at.switch_page("explorer/views/explorer_page.py"))
    run(at.switch_page(PAGE))
    state = at.session_state[PHYSICS_KEY]
    assert (state.system, state.view, state.particles, state.kelvin) == (
        "two_level",
        "ensemble",
        77,
        123.0,
    )
    assert at.get_by_key(PARTICLES).value == 77
