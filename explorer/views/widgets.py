"""Small pieces every page section uses: a chart with the house config, errors under fields."""

from __future__ import annotations

from collections.abc import Iterable

import plotly.graph_objects as go
import streamlit as st

from explorer.views.safe_text import literal

PLOT_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["select2d", "lasso2d"]}


def plot(fig: go.Figure, alt: str) -> None:
    """A plotly chart with the house toolbar and a text alternative stating its takeaway."""
    st.plotly_chart(fig, config=PLOT_CONFIG, alt=alt)


def field_errors(errors: dict[str, str], names: Iterable[str]) -> None:
    """The error message of each field in ``names`` that has one, shown as typed."""
    for name in names:
        if name in errors:
            st.error(literal(errors[name]), icon=":material/error:")
