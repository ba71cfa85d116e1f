"""Sampling lab: temperature matters because we sample. Widgets in, charts out."""

from __future__ import annotations

import math

import numpy as np
import streamlit as st

from explorer import charts, sampling_charts
from explorer.core import entropy, softmax
from explorer.corpus import MAX_CORPUS_CHARS, clean_corpus, default_corpus
from explorer.decoding import decoding_stages
from explorer.gumbel import gumbel_race, gumbel_softmax
from explorer.ngram import display_token, fit_ngram
from explorer.sampling_lab import (
    GUMBEL_CHECK_DRAWS,
    compare_temperatures,
    gumbel_check,
    single_draws,
    summarize_draws,
)
from explorer.sampling_state import (
    MAX_DRAWS,
    MAX_LENGTH,
    MAX_ORDER,
    MAX_PROMPT_CHARS,
    MAX_SEED,
    MAX_TOP_K,
    SECTIONS,
    apply_form,
    from_query,
    to_query,
)
from explorer.state import apply_form as apply_distribution
from explorer.state import to_query as distribution_query
from explorer.temperature import TEMPERATURE_STOPS, nearest_stop
from explorer.views import controls
from explorer.views.safe_text import literal
from explorer.views.session import STATE_KEY, load, load_state, save, write_link
from explorer.views.widgets import field_errors, number_list, plot

LAB_KEY = "sampling_state"
SECTION_NAMES = {
    "draws": "Draw samples",
    "gumbel": "The Gumbel trick",
    "decoding": "Decoding pipeline",
    "text": "Text generation",
}
SINGLE, RACE, CORPUS, PASTED = "s_single_count", "s_race", "s_corpus", "s_pasted"
MAX_SINGLE_DRAWS = 100  # the one-at-a-time view lists at most this many draws
#: Widgets drawn in one section only: re-seeded from the state while their section is hidden.
SHOWN_ONLY_IN = {
    "s_draws": "draws",
    "s_tau": "gumbel",
    **dict.fromkeys(("s_top_k", "s_top_p", "s_min_p", "s_tlast"), "decoding"),
    **dict.fromkeys(("s_prompt", "s_order", "s_length", "s_temps"), "text"),
}


@st.cache_data(max_entries=16, show_spinner="Drawing…")
def cached_draws(probs: tuple[float, ...], draws: int, seed: int):
    return summarize_draws(probs, draws, seed)


@st.cache_resource(max_entries=8, show_spinner="Fitting the n-gram model…")
def fitted_model(text: str, order: int):
    """Shared read-only across sessions; 8 models of a 200 kB corpus bound the memory."""
    return fit_ngram(text, order=order)


@st.cache_data(max_entries=4, show_spinner=False)
def builtin_corpus() -> str:
    return default_corpus()


def fmt(value: float, digits: int = 4) -> str:
    return "∞" if math.isinf(value) else f"{value:.{digits}g}"


# --- state: the shared distribution and the lab's own settings ------------------------------
arrived = controls.arrived_on("sampling")
ss = st.session_state
shared, notices = load_state()
lab, lab_notices = load(LAB_KEY, from_query)
controls.seed_widgets(shared, arrived)
controls.seed(
    {
        "s_section": lab.section,
        "s_seed": lab.seed,
        "s_draws": lab.draws,
        "s_top_k": lab.top_k,
        "s_top_p": lab.top_p,
        "s_min_p": lab.min_p,
        "s_tlast": lab.temperature_last,
        "s_tau": nearest_stop(lab.tau),
        "s_prompt": lab.prompt,
        "s_order": lab.order,
        "s_length": lab.length,
        "s_temps": number_list(lab.text_temperatures),
    },
    arrived,
    hidden=tuple(key for key, shown in SHOWN_ONLY_IN.items() if shown != ss.get("s_section")),
)
distribution = apply_distribution(shared, controls.read_form(shared))
shared = distribution.state
lab, lab_errors = apply_form(
    lab,
    {
        "sec": ss.s_section,
        "seed": ss.s_seed,
        "N": ss.s_draws,
        "k": ss.s_top_k,
        "p": ss.s_top_p,
        "minp": ss.s_min_p,
        "tlast": ss.s_tlast,
        "tau": ss.s_tau,
        "prompt": ss.s_prompt,
        "order": ss.s_order,
        "len": ss.s_length,
        "Ts": ss.s_temps,
    },
)
save(STATE_KEY, shared)
save(LAB_KEY, lab)
write_link(
    {key: value for key, value in distribution_query(shared).items() if key in ("z", "labels", "T")}
    | to_query(lab)
)

labels, temperature, seed = shared.labels, shared.temperature, lab.seed
probs = shared.probs

# --- page ------------------------------------------------------------------------------------
st.title("Sampling lab")
st.caption(
    "A model's probabilities only matter once we draw from them. Same seed, same draws: "
    "a whole class sees the same results."
)
for notice in notices + lab_notices + distribution.notices:
    st.info(literal(notice), icon=":material/info:")

left, right = st.columns([1, 2], gap="large")
with left:
    controls.values_and_labels(distribution.errors)
    controls.temperature()
    st.number_input(
        "Seed",
        min_value=0,
        max_value=MAX_SEED,
        step=1,
        key="s_seed",
        help="Every random draw on this page comes from this seed.",
    )
with right:
    section = st.segmented_control(
        "Section", SECTIONS, format_func=SECTION_NAMES.get, key="s_section", required=True
    )

    if section == "draws":
        st.subheader("One draw at a time")
        count = min(ss.get(SINGLE, 1), MAX_SINGLE_DRAWS)
        buttons = st.container(horizontal=True)
        if buttons.button(
            "Draw one more", icon=":material/casino:", disabled=count >= MAX_SINGLE_DRAWS
        ):
            ss[SINGLE] = count = count + 1
        if buttons.button("Start over"):
            ss[SINGLE] = count = 1
        uniforms, drawn = single_draws(probs, seed, count)
        plot(
            sampling_charts.cumulative_bar(labels, probs, float(uniforms[-1]), int(drawn[-1])),
            alt=f"Draw {count}: u = {uniforms[-1]:.3f} falls in class {labels[drawn[-1]]}.",
        )
        st.markdown(
            literal(
                f"Draw {count}: a uniform number u = {uniforms[-1]:.3f} falls in the piece of "
                f"“{labels[drawn[-1]]}”, so that is the sample. Draws so far: "
                + ", ".join(labels[i] for i in drawn[-20:])
                + (" …" if count > 20 else "")
            )
        )

        st.subheader("Many draws at once")
        st.number_input(
            "Draws N",
            min_value=1,
            max_value=MAX_DRAWS,
            step=1000,
            key="s_draws",
            help=f"Up to {MAX_DRAWS:,} at once.",
        )
        summary = cached_draws(tuple(probs), lab.draws, seed)
        cols = st.columns(3)
        cols[0].metric(
            "Chi-square p-value",
            fmt(summary.chi_square.pvalue, 3),
            help="Goodness of fit to the exact probabilities: a tiny p-value would "
            "mean the sampler is wrong. Classes with probability 0 are left out.",
        )
        cols[1].metric(
            "Total variation",
            fmt(summary.total_variation, 3),
            help="Half the summed |frequency − probability|; falls like 1/√N.",
        )
        cols[2].metric("Draws", f"{lab.draws:,}")
        plot(
            sampling_charts.histogram_vs_exact(
                labels, probs, summary.frequencies, summary.lower, summary.upper, lab.draws
            ),
            alt=f"Frequencies in {lab.draws:,} draws beside the exact probabilities.",
        )
        plot(
            sampling_charts.convergence(
                summary.convergence.n, summary.convergence.tv, summary.convergence.reference
            ),
            alt="Total-variation distance against N on log axes: it falls like 1/√N.",
        )
        st.caption(
            "Ten times more draws make the distance about √10 ≈ 3.2 times smaller: the "
            "1/√N law. The bars' whiskers are 95% intervals (Wilson)."
        )

    elif section == "gumbel":
        st.subheader("The Gumbel-max trick")
        race_index = ss.get(RACE, 0)
        if st.button("New race", icon=":material/refresh:"):
            ss[RACE] = race_index = race_index + 1
        race = gumbel_race(
            shared.logits, temperature, rng=np.random.default_rng([seed, race_index])
        )
        plot(
            sampling_charts.gumbel_race(labels, race.scaled, race.noise, race.winner),
            alt=f"Scaled logits plus Gumbel noise: {labels[race.winner]} has the highest total.",
        )
        st.markdown(
            literal(
                "Add independent Gumbel noise to each z/T and take the largest: "
                f"“{labels[race.winner]}” wins this race. Over many races each class wins exactly "
                "as often as the softmax says."
            )
        )
        check = gumbel_check(shared.logits, temperature, seed)
        cols = st.columns(2)
        cols[0].metric(
            f"Chi-square p-value ({GUMBEL_CHECK_DRAWS:,} races)", fmt(check.chi_square.pvalue, 3)
        )
        cols[1].metric("Total variation to the softmax", fmt(check.total_variation, 3))
        plot(
            sampling_charts.histogram_vs_exact(
                labels,
                check.probs,
                check.frequencies,
                check.frequencies,
                check.frequencies,
                GUMBEL_CHECK_DRAWS,
            ),
            alt="Gumbel-max win frequencies match the softmax probabilities.",
        )
        st.subheader("Gumbel-softmax: a differentiable relaxation")
        st.select_slider(
            "Relaxation temperature τ",
            options=TEMPERATURE_STOPS[1:],
            key="s_tau",
            format_func=charts.format_temperature,
            help="Small τ: samples are nearly one-hot; large τ: nearly uniform.",
        )
        relaxed = gumbel_softmax(shared.logits, lab.tau, 6, rng=seed, temperature=temperature)
        plot(
            sampling_charts.relaxed_samples(labels, relaxed, lab.tau),
            alt=f"Six Gumbel-softmax samples at τ = {lab.tau:g}.",
        )
        st.metric(
            "Mean largest weight",
            fmt(float(relaxed.max(axis=1).mean()), 3),
            help="1 for one-hot samples (τ → 0).",
        )

    elif section == "decoding":
        st.subheader("How a language model picks the next token")
        cols = st.columns(3, vertical_alignment="bottom")
        cols[0].number_input("top-k (0 = off)", min_value=0, max_value=MAX_TOP_K, key="s_top_k")
        cols[1].slider("top-p (1 = off)", 0.01, 1.0, step=0.01, key="s_top_p")
        cols[2].slider("min-p (0 = off)", 0.0, 1.0, step=0.01, key="s_min_p")
        st.toggle(
            "Apply temperature last",
            key="s_tlast",
            help="Off: temperature first, then the filters (Hugging Face's order). "
            "On: filters first, temperature last (some inference engines).",
        )
        decoding = decoding_stages(
            shared.logits,
            temperature=temperature,
            top_k=lab.top_k or None,
            top_p=lab.top_p if lab.top_p < 1 else None,
            min_p=lab.min_p or None,
            order=("top_k", "top_p", "min_p", "temperature")
            if lab.temperature_last
            else ("temperature", "top_k", "top_p", "min_p"),
        )
        final = decoding.stages[-1].probs
        plot(
            sampling_charts.decoding_stages(
                labels,
                [
                    stage.name.replace("_", "-")
                    + (": off" if stage.setting is None else f" = {stage.setting:g}")
                    for stage in decoding.stages
                ],
                [stage.probs for stage in decoding.stages],
                [stage.alive for stage in decoding.stages],
            ),
            alt="Each stage of the decoding pipeline; removed tokens are grey and struck.",
        )
        cols = st.columns(3)
        cols[0].metric("Tokens left", int((final > 0).sum()))
        cols[1].metric("Entropy after filters (nats)", fmt(float(entropy(final))))
        cols[2].metric("Entropy, temperature only", fmt(float(entropy(decoding.temperature_only))))
        plot(
            sampling_charts.final_vs_temperature_only(
                labels, final, decoding.temperature_only, temperature
            ),
            alt=f"What is sampled: {int((final > 0).sum())} of {len(final)} tokens left after "
            "the filters, renormalised, beside temperature alone.",
        )
        st.caption(
            "Temperature reshapes the whole distribution; top-k, top-p and min-p remove "
            "tokens outright. With temperature first, top-p sees the sharpened "
            "distribution, so a low T leaves fewer tokens; with temperature last, the "
            "filters see the raw logits and T only reshapes the survivors."
        )

    else:
        st.subheader("Text generation with a real (small) language model")
        source = st.segmented_control(
            "Corpus",
            ["builtin", "pasted"],
            key=CORPUS,
            default="builtin",
            required=True,
            format_func={"builtin": "Python reference (built in)", "pasted": "Paste your own"}.get,
        )
        corpus = builtin_corpus()
        if source == "pasted":
            st.text_area(
                "Your text",
                key=PASTED,
                max_chars=MAX_CORPUS_CHARS,
                height=120,
                help=f"Up to {MAX_CORPUS_CHARS:,} characters; kept in this session only "
                "(not in the link).",
            )
            try:
                corpus = clean_corpus(ss.get(PASTED, ""))
            except ValueError as error:
                reason = str(error).rstrip(".")
                st.error(
                    literal(
                        f"{reason[:1].upper()}{reason[1:]}. Using the built-in corpus meanwhile."
                    ),
                    icon=":material/error:",
                )
        cols = st.columns([2, 1, 1, 2])
        cols[0].text_input("Prompt", key="s_prompt", max_chars=MAX_PROMPT_CHARS)
        cols[1].number_input(
            "Order n",
            min_value=1,
            max_value=MAX_ORDER,
            key="s_order",
            help="Characters of context + 1.",
        )
        cols[2].number_input("Length", min_value=1, max_value=MAX_LENGTH, key="s_length")
        cols[3].text_input("Temperatures", key="s_temps", help="Up to 4, by commas.")
        field_errors(lab_errors, ("prompt", "order", "len", "Ts"))
        model = fitted_model(corpus, lab.order)
        runs = compare_temperatures(model, lab.prompt, lab.length, lab.text_temperatures, seed)
        for column, run in zip(st.columns(len(runs)), runs, strict=True):
            with column:
                st.markdown(f"**T = {run.temperature:g}**")
                st.text(lab.prompt + run.text)
                st.caption(
                    f"distinct pairs {run.distinct_2:.2f} · repeated 4-grams "
                    f"{run.repeated_4:.2f} · surprisal {fmt(run.surprisal_bits, 3)} bits"
                )
        st.caption(
            "Low T repeats itself (few distinct pairs, many repeats); high T drifts into "
            "made-up words (higher surprisal). The model only knows continuations it has "
            "seen, so even a high T stays within them."
        )
        tokens, logits = model.next_token_logits(lab.prompt)
        top = min(len(tokens), 12)
        next_probs = softmax(logits, temperature)[:top]
        plot(
            charts.probability_bars(
                [display_token(t) for t in tokens[:top]],
                next_probs,
                temperature,
                len(tokens),
                None if temperature == 1 else softmax(logits)[:top],
                zoom=True,
            ),
            alt=f"The model's next character after the prompt at T = {temperature:g}: "
            f"{display_token(tokens[0])} is the most likely, {next_probs[0]:.2f}.",
        )
        st.caption(
            "The next character after the prompt, as the model sees it: the Explorer's "
            "bars, for a real model (the 12 most likely shown)."
        )
