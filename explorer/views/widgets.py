"""Small pieces every page section uses: a chart with the house config, errors under fields."""

from __future__ import annotations

from collections.abc import Iterable

import plotly.graph_objects as go
import streamlit as st

from explorer.presentation import restyle
from explorer.views import presentation
from explorer.views.safe_text import literal

#: The house toolbar: no plotly logo, no selection tools (nothing here reads a selection).
PLOT_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["select2d", "lasso2d"]}


def plot(fig: go.Figure, alt: str, config: dict | None = None) -> None:
    """A plotly chart with a text alternative stating its takeaway, every chart's one way in.

    ``config`` is plotly's (the house toolbar, :data:`PLOT_CONFIG`, by default). In
    presentation mode the figure is restyled for a projector (explorer.presentation.restyle).
    """
    if presentation.current().on:
        fig = restyle(fig)
    st.plotly_chart(fig, config=PLOT_CONFIG if config is None else config, alt=alt)


def number_list(values: Iterable[float]) -> str:
    """``0.2, 1, 10.02456``: numbers for a text field, as short as ``%g`` where that is exact,
    else every digit, so that reading the field back gives the same numbers (a link's
    10.02456 must not become 10.0246)."""
    return ", ".join(f"{v:g}" if float(f"{v:g}") == v else repr(float(v)) for v in values)


def field_errors(errors: dict[str, str], names: Iterable[str]) -> None:
    """The error message of each field in ``names`` that has one, shown as typed.

    The link parsers word some messages to follow "The link's “Ts” was ignored:" ("give 1 to
    4 temperatures, by commas."); under a field they start a sentence, so with a capital.
    """
    for name in names:
        if name in errors:
            message = errors[name][:1].upper() + errors[name][1:]
            st.error(literal(message), icon=":material/error:")
