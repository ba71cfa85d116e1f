"""Boltzmann physics: softmax with temperature read as statistical mechanics.

The page's state (:class:`~explorer.physics_state.PhysicsState`) is the truth: widgets are seeded
from it, read back at the top of each run (callbacks have already run), validated by a pure
function, and the result is saved and written to the URL before anything is drawn.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import streamlit as st

from explorer import physics, physics_charts, physics_lab
from explorer.physics_state import (
    MAX_KELVIN,
    MAX_LEVELS,
    MAX_PARTICLES,
    MAX_SEED,
    MAX_TEXT_CHARS,
    MIN_KELVIN,
    SYSTEM_NAMES,
    SYSTEMS,
    VIEWS,
    PhysicsForm,
    PhysicsState,
    apply_form,
    convert_energies,
    format_kelvin,
    format_levels,
    from_query,
    preset_levels,
    to_query,
)
from explorer.state import MAX_CLASSES
from explorer.temperature import nearest_stop
from explorer.units import UNITS, kT_in
from explorer.views import controls
from explorer.views.safe_text import literal
from explorer.views.session import STATE_KEY, load, save, write_link
from explorer.views.widgets import plot

PHYSICS_KEY = "physics_state"
SYSTEM, UNIT, ENERGIES, DEGENERACIES = "p_system", "p_unit", "p_energies", "p_degeneracies"
K_SLIDER, K_EXACT, PARTICLES, SEED, VIEW = "p_kelvin", "p_kelvin_exact", "p_n", "p_seed", "p_view"
KEYS = (SYSTEM, UNIT, ENERGIES, DEGENERACIES, K_SLIDER, K_EXACT, PARTICLES, SEED, VIEW)
_SHOWN_ONLY_IN = {PARTICLES: "ensemble", SEED: "ensemble"}
PAGE = "physics"

VIEW_NAMES = {"thermo": "Thermodynamics", "bridge": "The softmax bridge", "ensemble": "Particles"}

#: The log-scale slider's stops: 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 per decade, 1 K … 100 000 K.
KELVIN_STOPS: tuple[float, ...] = (
    *(float(f"{m * 10**d:g}") for d in range(5) for m in (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8)),
    100_000.0,
)


def fmt(value: float, digits: int = 4) -> str:
    return "∞" if math.isinf(value) else f"{value:.{digits}g}"


# --- widgets ↔ state ----------------------------------------------------------------------------


def seed_widgets(state: PhysicsState) -> None:
    """Give widgets the state's values where the state, not the widget, is current
    (see explorer.views.controls.seed)."""
    values = {
        SYSTEM: state.system,
        UNIT: state.unit,
        ENERGIES: format_levels(state.energies),
        DEGENERACIES: format_levels(state.degeneracies),
        K_SLIDER: nearest_stop(state.kelvin, KELVIN_STOPS),
        K_EXACT: state.kelvin,
        PARTICLES: state.particles,
        SEED: state.seed,
        VIEW: state.view,
    }
    view = st.session_state.get(VIEW)
    hidden = tuple(key for key, shown_in in _SHOWN_ONLY_IN.items() if view != shown_in)
    controls.seed({key: values[key] for key in KEYS}, controls.arrived_on(PAGE), hidden)


def read_form() -> PhysicsForm:
    ss = st.session_state
    return PhysicsForm(
        system=ss[SYSTEM],
        unit=ss[UNIT],
        energies=ss[ENERGIES],
        degeneracies=ss[DEGENERACIES],
        kelvin=ss[K_EXACT],
        particles=ss[PARTICLES],
        seed=ss[SEED],
        view=ss[VIEW],
    )


def _system_chosen() -> None:
    ss = st.session_state
    if ss[SYSTEM] in ("co_rotor", "two_level", "ladder"):
        unit, energies, degeneracies = preset_levels(ss[SYSTEM])
        ss[UNIT] = unit
        ss[ENERGIES] = format_levels(energies)
        ss[DEGENERACIES] = format_levels(degeneracies)


def _levels_edited() -> None:
    st.session_state[SYSTEM] = "custom"


def _unit_chosen() -> None:
    """Show the same levels in the new unit (the last valid ones, converted)."""
    ss = st.session_state
    state = ss[PHYSICS_KEY]
    try:
        ss[ENERGIES] = format_levels(convert_energies(state.energies, state.unit, ss[UNIT]))
    except ValueError:  # beyond the float range in the new unit: keep the unit
        ss[UNIT] = state.unit


def _slider_moved() -> None:
    st.session_state[K_EXACT] = st.session_state[K_SLIDER]


def _exact_typed() -> None:
    kelvin = st.session_state[K_EXACT]
    if kelvin is not None and math.isfinite(kelvin) and kelvin > 0:
        st.session_state[K_SLIDER] = nearest_stop(kelvin, KELVIN_STOPS)


def _new_draw() -> None:
    st.session_state[SEED] = (int(st.session_state[SEED]) + 1) % (MAX_SEED + 1)


def show_error(errors: dict[str, str], field: str) -> None:
    if field in errors:
        st.error(literal(errors[field]), icon=":material/error:")


@st.cache_data(max_entries=64, show_spinner=False)
def curves_for(
    energies: tuple[float, ...], degeneracies: tuple[float, ...], unit: str, kelvin: float
) -> physics_lab.Curves:
    return physics_lab.thermodynamic_curves(energies, degeneracies, unit, kelvin)


# --- the run ------------------------------------------------------------------------------------

previous, link_notices = load(PHYSICS_KEY, from_query)
seed_widgets(previous)
result = apply_form(previous, read_form())
state, errors = result.state, result.errors
save(PHYSICS_KEY, state)
write_link(to_query(state))

kT, labels = state.kT, state.labels
energies, degeneracies = np.array(state.energies), np.array(state.degeneracies)
thermo = physics.thermodynamics(energies, kT, degeneracies)
populations = thermo.populations
most = physics_lab.most_populated(populations)
unit = state.unit

st.title("Boltzmann physics")
st.caption(
    "The same formula as softmax, read as physics: a level with energy E and g states is "
    "occupied in proportion to g·e^(−E/kT). Change the temperature and watch the populations."
)
for notice in link_notices:
    st.info(literal(notice), icon=":material/info:")

left, right = st.columns([1, 2], gap="large")
with left:
    system_column, unit_column = st.columns([3, 2])
    system_column.selectbox(
        "System", SYSTEMS, format_func=SYSTEM_NAMES.get, key=SYSTEM, on_change=_system_chosen
    )
    unit_column.selectbox(
        "Energy unit",
        UNITS,
        key=UNIT,
        on_change=_unit_chosen,
        help="Switching converts the energies (to 10 significant digits); the physics is the same.",
    )
    if state.system != "custom":
        st.caption(literal(physics.PRESETS[state.system].description))
    st.text_area(
        f"Energies ({unit})",
        key=ENERGIES,
        max_chars=MAX_TEXT_CHARS,
        height=90,
        on_change=_levels_edited,
        help=f"2 to {MAX_LEVELS} level energies, by commas. Only differences matter.",
    )
    show_error(errors, "energies")
    st.text_area(
        "Degeneracies g",
        key=DEGENERACIES,
        max_chars=MAX_TEXT_CHARS,
        height=68,
        on_change=_levels_edited,
        help="How many states share each level (> 0), one per energy; empty means 1 each.",
    )
    show_error(errors, "degeneracies")
    st.select_slider(
        "Temperature (K)",
        options=KELVIN_STOPS,
        format_func=format_kelvin,
        key=K_SLIDER,
        on_change=_slider_moved,
        help="Log scale, 1 K to 100 000 K: each step multiplies T by about 1.25.",
    )
    st.number_input(
        "Exact temperature (K)",
        step=1.0,
        format="%g",
        key=K_EXACT,
        on_change=_exact_typed,
        help=f"Any T from {MIN_KELVIN:g} K to {MAX_KELVIN:g} K.",
    )
    show_error(errors, "kelvin")

with right:
    cols = st.columns(4)
    cols[0].metric(f"kT ({unit})", fmt(kT, 5), help=literal(f"k_B × {state.kelvin:g} K in {unit}"))
    cols[1].metric("Most populated level", labels[most])
    cols[2].metric("Its population", fmt(float(populations[most])))
    cols[3].metric(
        "Z (from E₀)",
        fmt(thermo.relative_partition_function),
        help="Σ g·e^(−(E − E₀)/kT): roughly how many states are thermally reachable.",
    )
    top = physics_lab.visible_top(energies, populations, kT)
    plot(
        physics_charts.level_diagram(labels, energies, degeneracies, populations, kT, unit, top),
        alt=f"Energy levels with their populations at {state.kelvin:g} K: the most populated "
        f"level is {labels[most]}, with {populations[most]:.3f} of the population.",
    )
    if top < energies.max():
        st.caption(
            "Levels holding less than 1e-4 of the population are above the diagram's top: "
            "zoom out (double-click) to see them."
        )
    if state.system == "co_rotor":
        b = physics.CO_ROTATIONAL_CONSTANT
        estimate = physics.rotor_most_populated_estimate(b, float(kT_in("cm⁻¹", state.kelvin)))
        st.markdown(
            f"**Carbon monoxide.** At {state.kelvin:g} K the most populated level is "
            f"**{labels[most]}**, not J = 0: each level has 2J + 1 states, and that count grows "
            f"while e^(−E_J/kT) is still close to 1. The peak sits near √(kT/2B) − ½ = "
            f"{estimate:.2f}. **At 300 K it is J = 7** — the strongest lines of CO's rotational "
            "spectrum come from there."
        )

view = st.segmented_control(
    "Look closer", VIEWS, format_func=VIEW_NAMES.get, key=VIEW, required=True
)

if view == "thermo":
    curves = curves_for(state.energies, state.degeneracies, unit, state.kelvin)
    marker = physics_lab.schottky_marker(energies, degeneracies, unit)
    cols = st.columns(4)
    cols[0].metric(f"U ({unit})", fmt(thermo.mean_energy, 5))
    cols[1].metric("S / k_B", fmt(thermo.entropy))
    cols[2].metric(f"F ({unit})", fmt(thermo.free_energy, 5))
    cols[3].metric("C / k_B", fmt(thermo.heat_capacity))
    plot(
        physics_charts.thermodynamics_figure(curves, unit, state.kelvin, marker),
        alt="Mean energy, entropy, free energy and heat capacity against temperature; entropy "
        f"rises from ln g₀ = {curves.ground_entropy:.3f} to ln Σg = {curves.max_entropy:.3f}"
        + (
            f"; the heat capacity peaks at C = {marker.heat_capacity:.4f} k_B where kT = "
            f"{marker.kT_over_gap:.4f} Δ (the Schottky anomaly)."
            if marker
            else "."
        ),
    )
    st.caption(
        "U = Σ p E, S = −k_B Σ p ln(p/g), F = U − TS = −kT ln Z, C = dU/dT = Var(E)/(k_B T²). "
        "The dashed line is the current temperature."
    )
    if marker is not None:
        st.markdown(
            f"**The Schottky anomaly.** Two levels Δ = {marker.gap:.6g} {unit} apart can absorb "
            "heat only while kT is comparable to Δ: far below, almost nothing is excited; far "
            "above, both levels are already as full as they get (their g decide). So C has a "
            f"single peak, C = {marker.heat_capacity:.4f} k_B at kT = {marker.kT_over_gap:.4f} Δ "
            f"= {marker.kT:.4g} {unit}, T = {marker.kelvin:.4g} K (the star)."
        )
    if state.system == "co_rotor":
        st.markdown(
            "**A rotor's heat capacity.** Once kT is a few B, C levels off at k_B: a linear "
            "molecule's two rotational degrees of freedom, each ½ k_B (equipartition). The small "
            "overshoot near 2 K is real. The fall above a few thousand K is not: the preset "
            "stops at J = 60, so it runs out of levels."
        )
    if state.system == "ladder":
        st.markdown(
            "**A truncated oscillator.** With finitely many levels, C rises like Einstein's "
            "oscillator then falls back to 0 once kT is comparable to the ladder's height: the "
            "real oscillator would keep C → k_B. Trust the curves while N·ħω ≫ kT."
        )

elif view == "bridge":
    result_bridge = physics_lab.bridge(energies, degeneracies, kT)
    st.markdown(
        "The Boltzmann populations **are** a softmax: logits z = −E/kT + ln g at softmax "
        f"temperature 1, or logits −E + kT ln g at softmax temperature **T_softmax = kT = "
        f"{kT:.5g} {literal(unit)}**."
    )
    st.latex(
        r"p_i = \frac{g_i e^{-E_i/kT}}{\sum_j g_j e^{-E_j/kT}}"
        r" = \mathrm{softmax}\left(-\frac{E}{kT} + \ln g\right)_i"
    )
    cols = st.columns(4)
    cols[0].metric(f"softmax temperature = kT ({unit})", fmt(kT, 5))
    cols[1].metric(
        "max |softmax − Boltzmann|",
        f"{result_bridge.max_difference:.1e}",
        help="explorer.core.softmax of the logits against explorer.physics.boltzmann_populations.",
    )
    cols[2].metric("ln Z", fmt(result_bridge.log_z, 6))
    cols[3].metric(
        "ln Z, every E raised by 5 kT",
        fmt(result_bridge.log_z_shifted, 6),
        help=f"Populations change by at most {result_bridge.shifted_max_difference:.1e}.",
    )
    table = pd.DataFrame(
        {
            f"E ({unit})": energies,
            "g": degeneracies,
            "logit z = −E/kT + ln g": result_bridge.logits,
            "softmax(z)": result_bridge.softmax,
            "Boltzmann p": result_bridge.boltzmann,
        },
        index=pd.Index(labels, name="level"),
    )
    st.dataframe(
        table,
        column_config={name: st.column_config.NumberColumn(format="%.6g") for name in table},
        alt="Each level's energy, degeneracy, logit, softmax probability and Boltzmann "
        "population: the last two columns are equal.",
    )
    st.markdown(
        f"**Shifting every energy changes nothing but Z.** Raising all levels by "
        f"{result_bridge.shift:.4g} {literal(unit)} (5 kT) multiplies every e^(−E/kT) by e^(−5): "
        f"ln Z falls by exactly 5, from {result_bridge.log_z:.6g} to "
        f"{result_bridge.log_z_shifted:.6g}, and the populations stay the same — as adding a "
        "constant to every logit leaves softmax unchanged."
    )
    plot(
        physics_charts.limits_bars(labels, result_bridge, state.kelvin),
        alt="Populations now beside the two limits: everything in the ground level as kT → 0, "
        "and g/Σg as kT → ∞.",
    )
    st.markdown(
        f"**The limits.** As kT → 0 (softmax T → 0, greedy) everything falls into the ground "
        f"level and S → ln g₀ = {result_bridge.ground_entropy:.4g}. As kT → ∞ (softmax T → ∞, "
        f"uniform) every *state* is equally likely, so each level holds g/Σg and S → ln Σg = "
        f"{result_bridge.max_entropy:.4g}. Now S = {result_bridge.entropy:.4g} k_B."
    )
    n = len(labels)
    if st.button(
        "Open these as logits in the Explorer",
        icon=":material/open_in_new:",
        disabled=n > MAX_CLASSES,
        help=(
            f"The Explorer shows at most {MAX_CLASSES} classes; this system has {n} levels."
            if n > MAX_CLASSES
            else "Logits ln g − (E − E₀)/kT (6 significant digits) at Explorer T = 1: the "
            "Explorer's bars are these populations. Its T then multiplies kT for g = 1 levels."
        ),
    ):
        save(STATE_KEY, physics_lab.as_explorer_state(energies, degeneracies, labels, kT))
        st.switch_page("explorer/views/explorer_page.py")

else:
    cols = st.columns([1, 1, 1], vertical_alignment="bottom")
    cols[0].number_input(
        "Particles N",
        min_value=1,
        max_value=MAX_PARTICLES,
        step=100,
        key=PARTICLES,
        help=f"1 to {MAX_PARTICLES:,} independent particles.",
    )
    cols[1].number_input("Seed", min_value=0, max_value=MAX_SEED, step=1, key=SEED)
    cols[2].button("New draw", icon=":material/casino:", on_click=_new_draw, width="stretch")
    show_error(errors, "particles")
    show_error(errors, "seed")
    draw = physics_lab.ensemble(populations, state.particles, state.seed)
    cols = st.columns(3)
    cols[0].metric("Particles in the most populated level", f"{int(draw.counts[most]):,}")
    cols[1].metric("Largest |fraction − p|", fmt(draw.largest_deviation, 3))
    cols[2].metric("Typical fluctuation √(p(1−p)/N)", fmt(draw.typical_deviation, 3))
    chart_left, chart_right = st.columns([2, 1])
    with chart_left:
        plot(
            physics_charts.ensemble_bars(labels, draw, state.particles),
            alt=f"Histogram of {state.particles:,} particles over the levels beside the "
            f"Boltzmann populations; the largest difference is {draw.largest_deviation:.3f}.",
        )
    with chart_right:
        plot(
            physics_charts.particles_on_levels(energies, draw.counts, state.seed, unit, top),
            alt=f"{state.particles:,} particles as dots on the energy levels: the most crowded "
            f"level is {labels[int(np.argmax(draw.counts))]}.",
        )
    st.caption(
        "A small system fluctuates: with N particles each fraction wanders by about "
        "√(p(1−p)/N) around p. Press New draw to see it; make N 100 times larger and the "
        "wandering shrinks 10 times — the Boltzmann distribution is what a large system settles to."
    )
