"""Plotly figures for the quiz: data in, ``go.Figure`` out. No Streamlit, no maths."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from explorer.charts import (
    CURRENT,
    LEGEND_ON_TOP,
    LIMIT,
    PROBABILITY_AXIS,
    REFERENCE,
    SECOND,
    bar_trace,
    plain,
)
from explorer.checks import check_count, check_texts

#: The first set of bars is the question's setup (grey, as the Explorer's T = 1 reference); the
#: others are what the question asks about.
PANEL_COLORS = (REFERENCE, CURRENT, SECOND, LIMIT)


def panel_bars(
    labels: Sequence[str],
    names: Sequence[str],
    probs: Sequence[Sequence[float]],
    n_finite: int,
) -> go.Figure:
    """Grouped bars: one set of probabilities per name, side by side for each class.

    A dotted line marks the uniform level 1/``n_finite``, named in the legend (a label on the
    line would sit on the bars' own labels where a bar is at that level, as at T = ∞); the
    probability axis is 0 … 1, so bars of different questions read on the same scale.
    """
    names = check_texts(names, "names")
    if isinstance(probs, str | bytes) or not isinstance(probs, Sequence | np.ndarray):
        raise TypeError("probs must be a list of probability lists, one per name")
    n_finite = check_count(n_finite, "n_finite", len(plain(labels)))
    if len(names) != len(probs) or not 1 <= len(names) <= len(PANEL_COLORS):
        raise ValueError(
            f"names and probs must match: 1 to {len(PANEL_COLORS)} names, one set of probs each"
        )
    fig = go.Figure()
    for name, values, color in zip(names, probs, PANEL_COLORS, strict=False):
        fig.add_trace(bar_trace(labels, values, name, color))
    uniform = dict(dash="dot", color=LIMIT, width=1.5)
    fig.add_hline(y=1 / n_finite, line=uniform)
    fig.add_trace(  # the line's legend entry: no points of its own
        go.Scatter(x=[None], y=[None], mode="lines", line=uniform, name=f"uniform 1/{n_finite}")
    )
    fig.update_layout(
        barmode="group",
        xaxis_type="category",  # labels such as "0", "1" are names, not numbers
        yaxis=PROBABILITY_AXIS,
        legend=LEGEND_ON_TOP,
        margin=dict(t=30, b=30, l=55, r=20),
        height=380,
    )
    return fig
