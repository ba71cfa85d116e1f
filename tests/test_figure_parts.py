"""Each layout piece is what plotly's own helper makes (the oracle: make_subplots, add_hline,
add_vline), so that figures built from them look exactly as before, only faster."""

import plotly.graph_objects as go
import pytest
from plotly.subplots import make_subplots

from explorer import figure_parts

GRIDS = [
    dict(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.08, row_heights=[0.62, 0.38]),
    dict(rows=2, cols=2, shared_xaxes=True, subplot_titles=["a", "b", "c", "d"]),
    dict(rows=1, cols=2, column_widths=[0.36, 0.64], subplot_titles=("left", "right")),
]


@pytest.mark.parametrize("grid", GRIDS)
def test_subplot_layout_is_make_subplots_layout(grid):
    expected = make_subplots(**grid).layout.to_plotly_json()
    expected.pop("template")
    assert figure_parts.subplot_layout(**grid) == expected


def test_subplot_layout_returns_a_fresh_copy_each_time():
    first = figure_parts.subplot_layout(**GRIDS[1])
    first["annotations"].append({"text": "mine"})
    first["xaxis"]["type"] = "log"
    second = figure_parts.subplot_layout(**GRIDS[1])
    assert len(second["annotations"]) == 4 and "type" not in second["xaxis"]


@pytest.mark.parametrize(("row", "col"), [(1, 1), (1, 2), (2, 1), (2, 2)])
def test_axis_names_are_the_ones_make_subplots_gives_each_panel(row, col):
    fig = make_subplots(rows=2, cols=2)
    fig.add_trace(go.Scatter(x=[1], y=[1]), row=row, col=col)
    assert figure_parts.axis_names(row, col, cols=2) == (fig.data[0].xaxis, fig.data[0].yaxis)


def one_panel_grid():
    fig = make_subplots(rows=1, cols=2)
    for col in (1, 2):
        fig.add_trace(go.Scatter(x=[1, 2], y=[1, 2]), row=1, col=col)
    return fig


@pytest.mark.parametrize("position", ["top left", "top right", "bottom left", "bottom right"])
@pytest.mark.parametrize(("dash", "width"), [(None, None), ("dot", None), ("dash", 2)])
def test_hline_and_label_are_add_hlines(position, dash, width):
    fig = one_panel_grid()
    style = {"line_color": "#123456"} | ({"line_dash": dash} if dash else {})
    style |= {"line_width": width} if width else {}
    fig.add_hline(
        y=0.25,
        row=1,
        col=2,
        annotation_text="level",
        annotation_position=position,
        annotation_bgcolor="white",
        annotation_font_color="red",
        **style,
    )
    shape = figure_parts.hline(0.25, "#123456", dash=dash, width=width, xaxis="x2", yaxis="y2")
    label = figure_parts.hline_label(
        0.25, "level", position, xaxis="x2", yaxis="y2", bgcolor="white", font={"color": "red"}
    )
    assert fig.layout.shapes[0].to_plotly_json() == shape
    assert fig.layout.annotations[0].to_plotly_json() == label


@pytest.mark.parametrize("x", [0.01, 3.0, 1e5])
def test_vline_is_add_vlines_shape(x):
    fig = one_panel_grid()
    fig.update_xaxes(type="log")
    fig.add_vline(x=x, line_color="#0072B2", line_dash="dash", line_width=2, row=1, col=2)
    shape = figure_parts.vline(x, "#0072B2", dash="dash", width=2, xaxis="x2", yaxis="y2")
    assert fig.layout.shapes[0].to_plotly_json() == shape
