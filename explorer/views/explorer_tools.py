"""The Explorer's teaching tools: examples in one click, a prompt to try, three common mistakes,
and the numbers to take away (CSV, JSON, NumPy code). Streamlit only; the content is in
explorer.presets and explorer.export.
"""

from __future__ import annotations

import streamlit as st

from explorer import export, presets
from explorer.state import ExplorerState
from explorer.views import controls
from explorer.views.safe_text import literal
from explorer.views.session import STATE_KEY

EXAMPLE = "x_example"
APPLICATIONS_PAGE = "explorer/views/applications_page.py"


def _load_example() -> None:
    """Load the chosen example into the state and every field. Clicking the example already
    shown (which unselects it) loads it again: T and the view go back to the example's."""
    ss = st.session_state
    shown = presets.matching(ss[STATE_KEY])
    name = ss[EXAMPLE] or (shown.name if shown else None)
    if name is None:
        return
    state = presets.apply_preset(ss[STATE_KEY], name)
    ss[STATE_KEY] = state
    controls.seed_widgets(state, arrived=True, keys=controls.EXPLORER_KEYS)


def example_picker(state: ExplorerState) -> None:
    """One button per example; the one the page shows is highlighted, with what to notice."""
    shown = presets.matching(state)
    # Set before the widget is drawn: the highlight follows the state, so it goes when the
    # values are edited and comes back on a link to an example.
    st.session_state[EXAMPLE] = shown.name if shown else None
    st.pills(
        "Example",
        list(presets.PRESETS),
        key=EXAMPLE,
        on_change=_load_example,
        wrap=True,  # in a column they would otherwise scroll sideways, hiding some examples
        help="Load a ready-made distribution (and its temperature). Click it again to reset T.",
    )
    if shown:
        st.caption(literal(shown.notice))


def try_this(state: ExplorerState) -> None:
    st.caption("**Try this:** " + literal(presets.try_this(state)))


def misconceptions() -> None:
    """The three mistakes, each with its correction, in a closed expander."""
    with st.expander("Three common mistakes"):
        for claim, correction in presets.MISCONCEPTIONS:
            st.markdown(f"**Not true: {literal(claim)}** {literal(correction)}")
        st.page_link(
            APPLICATIONS_PAGE,
            label="Applications lab: calibration",
            icon=":material/model_training:",
        )


def export_panel(state: ExplorerState) -> None:
    """Download buttons for CSV and JSON, and code that reproduces the numbers exactly."""
    stem = export.file_stem(state.temperature)
    with st.expander("Export: CSV, JSON, NumPy code"):
        csv_column, json_column = st.columns(2)
        csv_column.download_button(
            "Download CSV",
            export.to_csv(state),
            file_name=f"{stem}.csv",
            mime="text/csv",
            on_click="ignore",
            icon=":material/download:",
        )
        json_column.download_button(
            "Download JSON",
            export.to_json(state),
            file_name=f"{stem}.json",
            mime="application/json",
            on_click="ignore",
            icon=":material/download:",
        )
        st.caption(
            "Label, logit, probability at this T and at T = 1, with T and the entropy (nats). "
            "This code gives exactly the probabilities shown (copy button at its top right):"
        )
        st.code(export.numpy_snippet(state), language="python")
