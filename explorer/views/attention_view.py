"""The Applications lab's attention section: why scaled dot-product attention divides by √d."""

from __future__ import annotations

import math

import streamlit as st

from explorer import attention, attention_charts
from explorer.applications_state import MAX_KEYS, ApplicationsState
from explorer.views.widgets import field_errors, plot

#: Widget key → URL parameter, for the page to seed and read.
WIDGETS = {"a_d": "d", "a_keys": "keys"}
DIMENSIONS = attention.DEFAULT_DIMENSIONS  # 1, 2, 4, … 4096
QUERIES = 256  # queries averaged per dimension (fewer when many keys, to bound the work)


def seed_values(lab: ApplicationsState) -> dict[str, object]:
    return {"a_d": lab.dimension, "a_keys": lab.keys}


def queries_for(keys: int) -> int:
    return min(QUERIES, attention.MAX_SCORE_DRAWS // ((keys + 1) * max(DIMENSIONS)))


@st.cache_data(max_entries=16, show_spinner="Drawing random queries and keys…")
def sweep(keys: int, seed: int) -> attention.EntropyAgainstDimension:
    return attention.entropy_against_dimension(
        DIMENSIONS, keys=keys, queries=queries_for(keys), seed=seed
    )


def show(lab: ApplicationsState, errors: dict[str, str]) -> None:
    st.subheader("Attention: dividing by √d is a temperature")
    st.latex(
        r"\mathrm{Attention}(Q, K, V) = \mathrm{softmax}\!\left(\frac{QK^\top}{\sqrt{d}}\right) V"
    )
    st.markdown(
        "A query and a key with d independent components of variance 1 have a dot product of "
        "variance d (Vaswani et al., 2017, §3.2.1). Without the √d, a larger d means larger "
        "logits: attention without scaling is scaled attention at temperature T = 1/√d, and "
        "its weights freeze towards one-hot. With it, the scores keep unit variance at every d."
    )
    cols = st.columns(2)
    cols[0].select_slider(
        "Dimension d of queries and keys",
        options=DIMENSIONS,
        key="a_d",
        help="Powers of two from 1 to 4096.",
    )
    cols[1].number_input(
        "Keys per query",
        min_value=2,
        max_value=MAX_KEYS,
        step=1,
        key="a_keys",
        help=f"2 to {MAX_KEYS}. Uniform weights over n keys have entropy ln n.",
    )
    field_errors(errors, WIDGETS.values())
    result = sweep(lab.keys, lab.seed)
    at = DIMENSIONS.index(lab.dimension)
    metrics = st.columns(3)
    metrics[0].metric("Entropy, scaled (nats)", f"{result.scaled_entropy[at]:.3f}")
    metrics[1].metric("Entropy, unscaled (nats)", f"{result.unscaled_entropy[at]:.3f}")
    metrics[2].metric(
        "Spread of q·k",
        f"{result.score_std[at]:.3g}",
        help=f"Standard deviation of the raw scores; √d = {math.sqrt(lab.dimension):.3g}.",
    )
    plot(
        attention_charts.entropy_against_dimension(result),
        alt="Entropy against d: flat with scaling, falling towards 0 without it.",
    )
    example = attention.one_query(lab.dimension, keys=lab.keys, seed=lab.seed)
    plot(
        attention_charts.query_weights(example),
        alt=f"One query's weights at d = {lab.dimension}: scaled spread out, unscaled peaked.",
    )
    st.caption(
        f"Averages over {result.queries} random queries, each over {result.keys} keys, seed "
        f"{lab.seed} (the Exploration section's seed). Uniform weights would have entropy "
        f"ln {result.keys} = {result.uniform_entropy:.3f}."
    )
