"""The Explorer: what temperature does to one set of logits. Widgets in, charts out."""

from __future__ import annotations

import math

import streamlit as st

from explorer import charts, export
from explorer.core import log_softmax, softmax
from explorer.state import VIEWS, apply_form, to_query
from explorer.temperature import (
    compare,
    describe,
    live_formula,
    step_table,
    summarize,
    sweep_frames,
    temperature_curves,
)
from explorer.views import controls, digits_model, explorer_tools
from explorer.views.presentation import shows
from explorer.views.safe_text import literal
from explorer.views.session import STATE_KEY, load_state, save, write_link
from explorer.views.widgets import PLOT_CONFIG, plot

VIEW_NAMES = {
    "curves": "Across temperatures",
    "steps": "Step by step",
    "compare": "Compare two temperatures",
    "logprob": "Log-probabilities",
    "sweep": "Temperature sweep",
}


@st.cache_resource(max_entries=64, show_spinner=False)
def sweep_figure(logits: tuple[float, ...], labels: tuple[str, ...], n_finite: int):
    """The sweep does not depend on T: build its 81 frames once per set of logits and labels.

    Shared read-only across sessions (plot and st.plotly_chart copy a figure, never change it);
    64 entries of about 100 kB each bound the memory.
    """
    return charts.sweep_animation(labels, *sweep_frames(logits), n_finite=n_finite)


def fmt(value: float, digits: int = 4) -> str:
    return "∞" if math.isinf(value) else f"{value:.{digits}g}"


previous, link_notices = load_state()
previous = digits_model.sync(previous)
controls.seed_widgets(previous, controls.arrived_on("explorer"), keys=controls.EXPLORER_KEYS)
result = apply_form(previous, controls.read_form(previous, keys=controls.EXPLORER_KEYS))
state = result.state
save(STATE_KEY, state)
write_link(to_query(state))

probs = state.probs
summary = summarize(probs)
temperature, labels, n_finite = state.temperature, state.labels, state.n_finite
#: The toolbar keeps "Download plot as a png" (named softmax-T-<T>.png, see export.image_options).
config = PLOT_CONFIG | {"toImageButtonOptions": export.image_options(temperature)}

st.title("Softmax temperature explorer")
st.caption(
    "Softmax turns scores (logits) into probabilities. Temperature T decides how sharp they are: "
    "move the slider and watch."
)
for notice in link_notices + result.notices:
    st.info(literal(notice), icon=":material/info:")

left, right = st.columns([1, 2], gap="large")
with left:  # each part a teacher may hide (presentation mode) is named in shows()
    if shows("examples"):
        explorer_tools.example_picker(state)
    controls.values_and_labels(result.errors)
    controls.temperature()
    if shows("try"):
        explorer_tools.try_this(state)
    if shows("digits"):
        digits_model.preset_picker()
    digits_model.show_image(state)
    if shows("formula"):
        st.latex(r"q_i = \frac{e^{z_i / T}}{\sum_j e^{z_j / T}}")
        st.latex(live_formula(state.logits, temperature))
    st.markdown(describe(temperature, summary, n_finite))
    if shows("mistakes"):
        explorer_tools.misconceptions()

with right:
    metrics = st.columns(4)
    metrics[0].metric("Entropy (nats)", fmt(summary.entropy_nats))
    metrics[1].metric("Entropy (bits)", fmt(summary.entropy_bits))
    metrics[2].metric(
        "Perplexity",
        fmt(summary.perplexity),
        help=f"exp(entropy): the effective number of choices, between 1 and {n_finite}.",
    )
    metrics[3].metric(
        "Top probability",
        fmt(summary.top_probability),
        help=literal(f"Class {labels[summary.top_index]}"),
    )
    reference = None if temperature == 1 else softmax(state.logits)
    plot(
        charts.probability_bars(labels, probs, temperature, n_finite, reference),
        alt=f"Bar chart: at T = {charts.format_temperature(temperature)} class "
        f"{labels[summary.top_index]} has probability {summary.top_probability:.2f}"
        + ("" if reference is None else f" (at T = 1: {reference[summary.top_index]:.2f})"),
        config=config,
    )
    if shows("export"):
        explorer_tools.export_panel(state)

view = (
    st.segmented_control(
        "Look closer", VIEWS, format_func=VIEW_NAMES.get, key=controls.VIEW, required=True
    )
    if shows("views")
    else state.view
)

if view == "curves":
    curves = temperature_curves(state.logits)
    plot(
        charts.temperature_curves(curves, labels, temperature),
        alt="Line chart: each probability against temperature; as T grows every class tends "
        f"to 1/{n_finite} and the entropy rises to ln {n_finite}.",
        config=config,
    )
    st.caption(
        "Each curve is one class's probability as T runs from 0.01 to 100 (log scale). Diamonds "
        "at the left edge mark the T → 0 limit (everything on the largest logit), squares at the "
        f"right the T → ∞ limit (1/{n_finite} each). The entropy never decreases as T grows."
    )

elif view == "steps":
    import pandas as pd  # here, not at the top: ~0.4 s of the first page load, for one view

    table = pd.DataFrame(
        step_table(state.logits, temperature), index=pd.Index(labels, name="class")
    )
    st.dataframe(
        table,
        column_config={name: st.column_config.NumberColumn(format="%.4g") for name in table},
        alt="The softmax arithmetic for each class, one column per step.",
    )
    if temperature == 0:
        st.caption(
            "At T = 0 dividing by T is undefined; the limit gives the largest logit(s) all "
            "the probability, shared equally among ties."
        )
    else:
        st.caption(
            "Divide each logit by T, exponentiate, divide by the total. Computers subtract the "
            "largest z/T first: the result is the same (the factor cancels), but exp can no "
            "longer overflow — try logits like 1000, 999 and compare the exp columns."
        )

elif view == "compare":
    second = controls.compare_temperature()
    comparison = compare(state.logits, temperature, second)
    cols = st.columns(3)
    cols[0].metric(f"KL(T={temperature:g} ‖ T={second:g})", fmt(comparison.kl_ab), help="nats")
    cols[1].metric(f"KL(T={second:g} ‖ T={temperature:g})", fmt(comparison.kl_ba), help="nats")
    cols[2].metric(
        "Total variation",
        fmt(comparison.total_variation),
        help="Half the sum of |difference|: the most probability any event can gain.",
    )
    plot(
        charts.comparison_bars(labels, comparison, temperature, second),
        alt=f"Bars at T = {temperature:g} and T = {second:g}; total-variation distance "
        f"{comparison.total_variation:.3f}.",
        config=config,
    )
    st.caption(
        "KL divergence is not symmetric: each direction asks how surprised one "
        "distribution is by the other. ∞ means one gives probability 0 to what the other "
        "thinks possible (as T = 0 does)."
    )

elif view == "logprob":
    if temperature == 0:
        st.info(
            "At T = 0 log q is 0 for the top class and −∞ for the rest: no line to draw. "
            "Move T above 0.",
            icon=":material/info:",
        )
    else:
        lines = [(temperature, log_softmax(state.logits, temperature))]
        if temperature != 1:
            lines.append((1.0, log_softmax(state.logits)))
        plot(
            charts.log_probability_lines(state.logits, labels, lines),
            alt=f"log q against z: a straight line of slope 1/T = {1 / temperature:.3g}.",
            config=config,
        )
        st.caption(
            "log q_i = z_i / T − log Z: every class sits on one straight line of slope "
            "1/T. Low T makes the line steep (big gaps in log-probability), high T flat."
        )

else:
    plot(
        sweep_figure(state.logits, labels, n_finite),
        alt="Animated bars: as T sweeps from 0.01 to 100 the bars flatten to uniform.",
        config=config,
    )
    st.caption(
        "Press ▶ Play, or drag the T slider under the chart: it runs in your browser, "
        "frame by frame, without asking the server."
    )
