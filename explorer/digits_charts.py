"""Plotly figures of the digits themselves: data in, ``go.Figure`` out. No Streamlit, no maths."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from explorer.checks import check_count, check_texts, real_array


def digit_image(image: np.ndarray, title: str, height: int = 220) -> go.Figure:
    """An 8×8 digit as ink on paper (0 = white … 16 = black), square pixels, no axes."""
    pixels = real_array(image, "image")
    if pixels.ndim != 2 or pixels.size == 0 or not ((pixels >= 0) & (pixels <= 16)).all():
        raise ValueError("image must be a table of pixels, each from 0 to 16 (NaN refused)")
    check_texts([title], "title")
    height = check_count(height, "height", 5000, low=50)
    fig = go.Figure(
        go.Heatmap(
            z=pixels,
            zmin=0,
            zmax=16,
            colorscale="Greys",
            showscale=False,
            hovertemplate="row %{y}, column %{x}: ink %{z:.0f} of 16<extra></extra>",
        )
    )
    fig.update_xaxes(visible=False, constrain="domain")
    fig.update_yaxes(visible=False, autorange="reversed", scaleanchor="x", constrain="domain")
    fig.update_layout(
        title=dict(text=title, font=dict(size=14)),
        height=height,
        margin=dict(t=40, b=5, l=5, r=5),
        plot_bgcolor="white",
    )
    return fig
