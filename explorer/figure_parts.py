"""Plotly layout pieces as plain dicts: subplot grids, horizontal and vertical lines, their labels.

Plotly's helpers (``make_subplots``, ``add_hline``, ``add_vline``) validate the whole figure on
every call: 10–25 ms each, which made the figures redrawn on every slider move (the Explorer's
curves, the physics page's level diagram and thermodynamics) the slowest part of a rerun. These
functions return the same layout entries the helpers would make, as dicts that a figure takes in
one go, ``go.Figure(dict(data=traces, layout=layout))`` (tests/test_figure_parts.py holds each one
to the helper it replaces). Bad arguments raise ValueError or TypeError naming them.
"""

from __future__ import annotations

import copy
import functools
import math
from typing import Any, Literal

from plotly.subplots import make_subplots

from explorer.checks import check_count, check_number, check_real

Corner = Literal["top left", "top right", "bottom left", "bottom right"]
CORNERS = ("top left", "top right", "bottom left", "bottom right")
MAX_PANELS = 100  # rows, columns: no figure here has more than a handful


def _text(value: object, name: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{name} must be text, got {type(value).__name__}")
    return value


def _position(value: object, name: str) -> float:
    """``value`` itself (the figure's JSON unchanged) if it is a finite real number."""
    if not math.isfinite(check_real(value, name)):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    return value  # type: ignore[return-value]


def _hashable(value: Any) -> Any:
    return tuple(_hashable(v) for v in value) if isinstance(value, list | tuple) else value


def _unhashable(value: Any) -> Any:
    return [_unhashable(v) for v in value] if isinstance(value, tuple) else value


@functools.lru_cache(maxsize=32)
def _grid(key: tuple[tuple[str, Any], ...]) -> dict:
    layout = make_subplots(**{name: _unhashable(value) for name, value in key}).layout
    grid = layout.to_plotly_json()
    grid.pop("template", None)  # every figure gets the default template anyway
    return grid


def subplot_layout(**make_subplots_args: Any) -> dict:
    """The layout ``make_subplots(**make_subplots_args)`` makes (axes, domains, subplot titles),
    as a fresh dict: built once per set of arguments, then copied (about 0.1 ms).

    The axes are named as plotly names them: row by row, ``x``/``y`` for the first panel, then
    ``x2``/``y2``, … (:func:`axis_names`). Arguments must be hashable once lists become tuples;
    ``rows`` and ``cols`` at most :data:`MAX_PANELS`.

    >>> layout = subplot_layout(rows=2, cols=1, shared_xaxes=True)
    >>> layout["xaxis"]["matches"], layout["yaxis2"]["anchor"]
    ('x2', 'x2')
    """
    for name in ("rows", "cols"):
        if name in make_subplots_args:
            check_count(make_subplots_args[name], name, MAX_PANELS)
    key = tuple(sorted((name, _hashable(value)) for name, value in make_subplots_args.items()))
    for name, value in key:
        try:
            hash(value)
        except TypeError:
            raise TypeError(f"{name} must be numbers, text or lists of them") from None
    try:
        return copy.deepcopy(_grid(key))
    except (ValueError, TypeError, ArithmeticError) as error:  # plotly's checks; Decimal NaN
        names = ", ".join(name for name, _ in key) or "no arguments"
        raise ValueError(f"make_subplots refused the arguments ({names}): {error}") from None


def axis_names(row: int, col: int, cols: int) -> tuple[str, str]:
    """The x and y axis names of panel (row, col), 1-based, in a grid ``cols`` wide.

    >>> axis_names(1, 1, 2), axis_names(2, 2, 2)
    (('x', 'y'), ('x4', 'y4'))
    """
    cols = check_count(cols, "cols", MAX_PANELS)
    row = check_count(row, "row", MAX_PANELS)
    col = check_count(col, "col", MAX_PANELS)
    if col > cols:
        raise ValueError(f"col must be from 1 to cols ({cols}), got {col}")
    index = (row - 1) * cols + col
    suffix = "" if index == 1 else str(index)
    return f"x{suffix}", f"y{suffix}"


def _line(color: str, dash: str | None, width: float | None) -> dict:
    line: dict[str, Any] = {"color": _text(color, "color")}
    if dash is not None:
        line["dash"] = _text(dash, "dash")
    if width is not None:
        line["width"] = check_number(width, "width", 0, 1000)
    return line


def hline(
    y: float,
    color: str,
    *,
    dash: str | None = None,
    width: float | None = None,
    xaxis: str = "x",
    yaxis: str = "y",
) -> dict:
    """A horizontal line at ``y`` across a panel: ``add_hline(y, line_color=color, …)``'s shape."""
    y = _position(y, "y")
    return dict(
        type="line",
        line=_line(color, dash, width),
        x0=0,
        x1=1,
        xref=f"{_text(xaxis, 'xaxis')} domain",
        y0=y,
        y1=y,
        yref=_text(yaxis, "yaxis"),
    )


def vline(
    x: float,
    color: str,
    *,
    dash: str | None = None,
    width: float | None = None,
    xaxis: str = "x",
    yaxis: str = "y",
) -> dict:
    """A vertical line at ``x`` up a panel: ``add_vline(x, line_color=color, …)``'s shape.

    On a log axis ``x`` is the value itself (shapes, unlike annotations, take data values).
    """
    x = _position(x, "x")
    return dict(
        type="line",
        line=_line(color, dash, width),
        x0=x,
        x1=x,
        xref=_text(xaxis, "xaxis"),
        y0=0,
        y1=1,
        yref=f"{_text(yaxis, 'yaxis')} domain",
    )


def hline_label(
    y: float,
    text: str,
    position: Corner = "top right",
    *,
    xaxis: str = "x",
    yaxis: str = "y",
    **style: Any,
) -> dict:
    """The label ``add_hline(y, annotation_text=text, annotation_position=position)`` puts at
    one end of the line, above ("top") or below ("bottom") it. ``style``: annotation keys such
    as ``bgcolor`` or ``font``."""
    if position not in CORNERS:
        raise ValueError(f"position must be one of {', '.join(CORNERS)}")
    vertical, horizontal = position.split()
    return dict(
        showarrow=False,
        text=_text(text, "text"),
        x=1 if horizontal == "right" else 0,
        xanchor=horizontal,
        xref=f"{_text(xaxis, 'xaxis')} domain",
        y=_position(y, "y"),
        yanchor="bottom" if vertical == "top" else "top",
        yref=_text(yaxis, "yaxis"),
        **style,
    )
