"""Presentation mode, for a classroom projector: the URL switch, the controls a link hides, and
figures restyled to be read from the back of the room. Pure: no Streamlit.

``present=1`` in a link turns the mode on; ``hide=mode,values`` hides the named controls (their
state still applies). :func:`restyle` makes any plotly figure projector-ready: every font at
least :data:`MIN_FONT` px, lines and markers twice as thick, a white background, black text.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import quote, urlencode, urlsplit

import plotly.graph_objects as go

PRESENT, HIDE = "present", "hide"  # the URL parameters
#: Controls a link (or the sidebar) can hide: name in the link → what it is. Shown in this order.
#: The first five are the distribution's fields, hidden on every page that shows them.
HIDEABLE = {
    "mode": "Input mode",
    "values": "Values",
    "labels": "Labels",
    "temperature": "Temperature slider",
    "exact": "Exact temperature",
    "examples": "Examples",
    "try": "Try this",
    "digits": "Digits picker",
    "formula": "Formula",
    "mistakes": "Common mistakes",
    "export": "Export",
    "views": "View choice",
}
MAX_HIDE_CHARS = 300  # a longer hide= is refused whole: the names above fit in 100
_ON, _OFF = ("1", "true", "yes", "on"), ("0", "false", "no", "off", "")

# Projector styling: the smallest font anywhere, then each role's size (px, never made smaller).
MIN_FONT = 20
TITLE_FONT, AXIS_TITLE_FONT, BODY_FONT = 26, 22, 22
LINE_SCALE, MAX_LINE = 2.0, 6.0  # lines twice as thick, up to 6 px (thicker ones stay) …
MARKER_SCALE, MAX_MARKER = 2.0, 24.0  # … markers twice as large, at most 24 px
HEIGHT_SCALE, MARGIN_SCALE = 1.25, 1.5  # room for the larger text
INNER_SHIFT = 0.08  # a subplot right of another starts this much later (paper fraction): room
#                     for its larger tick labels and axis title
INK, PAPER, GRID = "#000000", "#FFFFFF", "#BDBDBD"
_PLOTLY_DEFAULTS = {"line": 2.0, "marker": 6.0, "error": 2.0, "shape": 2.0}


@dataclass(frozen=True)
class Presentation:
    """Whether the page is in presentation mode, and which controls it hides."""

    on: bool = False  # large type, thick lines, light high-contrast look
    hidden: tuple[str, ...] = ()  # names from HIDEABLE, in HIDEABLE's order

    def shows(self, name: str) -> bool:
        """False for a control the link hides."""
        return name not in self.hidden


def canonical(names: object) -> tuple[str, ...]:
    """Known names among ``names``, each once, in :data:`HIDEABLE`'s order.

    >>> canonical(["values", "mode", "values", "nonsense"])
    ('mode', 'values')
    """
    if isinstance(names, str):
        raise TypeError(f"names must be a list of control names, not one text ({_shown(names)})")
    try:
        chosen = set(names)  # type: ignore[arg-type]
    except TypeError:
        raise TypeError("names must be a list of control names") from None
    return tuple(name for name in HIDEABLE if name in chosen)


def _last(raw: str | list[str] | None) -> str | None:
    if isinstance(raw, list):
        return raw[-1] if raw else None
    return raw


def _shown(text: str, limit: int = 30) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def from_query(params: Mapping[str, str | list[str]]) -> tuple[Presentation, list[str]]:
    """The presentation a link asks for, and a notice for each part of it that was ignored.

    >>> from_query({"present": "1", "hide": "Values, mode"})
    (Presentation(on=True, hidden=('mode', 'values')), [])
    >>> from_query({"hide": "mode,colour"})[1]
    ['The link’s “hide” names no control called “colour” (ignored). Controls that can be \
hidden: mode, values, labels, temperature, exact, examples, try, digits, formula, mistakes, \
export, views.']
    """
    notices = []
    present = _last(params.get(PRESENT))
    on = False
    if present is not None:
        flag = present.strip().lower()
        on = flag in _ON
        if not on and flag not in _OFF:
            notices.append(
                f"The link’s “{PRESENT}” was ignored: use {PRESENT}=1 for presentation mode "
                f"(it said “{_shown(present)}”)."
            )
    hide = _last(params.get(HIDE)) or ""
    if len(hide) > MAX_HIDE_CHARS:
        notices.append(
            f"The link’s “{HIDE}” was ignored: {len(hide):,} characters, more than the "
            f"{MAX_HIDE_CHARS} allowed."
        )
        hide = ""
    names = [name.strip().lower() for name in hide.split(",") if name.strip()]
    unknown = list(dict.fromkeys(name for name in names if name not in HIDEABLE))
    if unknown:
        listed = ", ".join(f"“{_shown(name)}”" for name in unknown[:3])
        more = f" and {len(unknown) - 3} more" if len(unknown) > 3 else ""
        notices.append(
            f"The link’s “{HIDE}” names no control called {listed}{more} (ignored). "
            f"Controls that can be hidden: {', '.join(HIDEABLE)}."
        )
    return Presentation(on=on, hidden=canonical(names)), notices


def to_query(presentation: Presentation) -> dict[str, str]:
    """The parameters that reproduce ``presentation`` (none for the default).

    >>> to_query(Presentation(on=True, hidden=("mode", "formula")))
    {'present': '1', 'hide': 'mode,formula'}
    >>> to_query(Presentation())
    {}
    """
    query = {PRESENT: "1"} if presentation.on else {}
    if presentation.hidden:
        query[HIDE] = ",".join(presentation.hidden)
    return query


def page_url(base: str | None, query: Mapping[str, str]) -> str:
    """The address of the page at ``base`` (no query) showing ``query``; relative if no base.

    >>> page_url("http://localhost:8501/sampling_page", {"z": "2,1", "labels": "a b"})
    'http://localhost:8501/sampling_page?z=2,1&labels=a%20b'
    >>> page_url("http://localhost:8501", {"present": "1"})
    'http://localhost:8501/?present=1'
    >>> page_url(None, {"q": "halve"})
    '?q=halve'
    """
    if base is not None and not isinstance(base, str):
        raise TypeError(f"base must be an address (text) or None, got {type(base).__name__}")
    if not isinstance(query, Mapping) or not all(
        isinstance(key, str) and isinstance(value, str) for key, value in query.items()
    ):
        raise TypeError("query must map parameter names to their values, both text")
    if base and not urlsplit(base).path:
        base += "/"  # http://host:port?… works, http://host:port/?… is the usual form
    # errors="replace": a lone surrogate (from text that was not UTF-8) becomes "?", not a crash
    text = urlencode(query, quote_via=quote, safe=",", errors="replace")
    return f"{base or ''}?{text}" if text else (base or "?")


# --- the projector look ---------------------------------------------------------------------------


def _bigger(size: float | None, role: float) -> float:
    return max(role, size or 0)


def _thicker(width: float | None, default: float, scale: float, cap: float) -> float:
    """``width`` × ``scale`` (plotly's default if unset), at most ``cap``, never thinner."""
    width = default if width is None else width
    return max(width, min(width * scale, cap))


def _sized(size, default: float):
    """A marker size (one number or one per point) made larger."""
    if size is None or isinstance(size, int | float):
        return _thicker(size, default, MARKER_SCALE, MAX_MARKER)
    return [_thicker(float(s), default, MARKER_SCALE, MAX_MARKER) for s in size]


def _restyle_trace(trace) -> None:
    """Fonts, lines, markers and error bars of one trace (in place, on a copy)."""
    props = trace.to_plotly_json()  # what the trace sets (reading trace.x would fill defaults)
    if "textfont" in trace:
        trace.textfont.size = _bigger(trace.textfont.size, MIN_FONT)
        for name in ("insidetextfont", "outsidetextfont"):
            if name in trace and name in props:
                trace[name].size = _bigger(trace[name].size, MIN_FONT)
    if "line" in trace and trace.type in ("scatter", "scattergl", "scatterpolar"):
        trace.line.width = _thicker(
            trace.line.width, _PLOTLY_DEFAULTS["line"], LINE_SCALE, MAX_LINE
        )
    if "marker" in trace:
        marker = trace.marker
        mode = props.get("mode", "")
        if "size" in marker and ("markers" in mode or marker.size is not None):
            marker.size = _sized(marker.size, _PLOTLY_DEFAULTS["marker"])
        if "line" in marker and marker.line.width:
            marker.line.width = _thicker(marker.line.width, 0, LINE_SCALE, MAX_LINE)
    for name in ("error_x", "error_y"):
        error = props.get(name)
        if error and ("array" in error or "value" in error):
            trace[name].thickness = _thicker(
                trace[name].thickness, _PLOTLY_DEFAULTS["error"], LINE_SCALE, MAX_LINE
            )
    if "colorbar" in trace and "colorbar" in props:
        trace.colorbar.tickfont.size = _bigger(trace.colorbar.tickfont.size, MIN_FONT)


def _restyle_axis(axis) -> None:
    axis.tickfont.size = _bigger(axis.tickfont.size, MIN_FONT)
    axis.title.font.size = _bigger(axis.title.font.size, AXIS_TITLE_FONT)
    axis.tickfont.color = axis.title.font.color = INK
    axis.update(automargin=True, gridcolor=GRID, linecolor=INK, zerolinecolor=GRID)


def _make_room_between_columns(fig: go.Figure) -> None:
    """Start each subplot that has another to its left :data:`INNER_SHIFT` later, and keep its
    title (make_subplots puts one over the middle of the domain) centred over it."""
    centres = {}
    for axis in fig.select_xaxes():
        start, end = axis.domain or (0, 1)
        if start > 0:
            new_start = min(start + INNER_SHIFT, (start + end) / 2)
            axis.domain = (new_start, end)
            centres[round((start + end) / 2, 9)] = (new_start + end) / 2
    for annotation in fig.layout.annotations:
        if annotation.xref == "paper" and annotation.x is not None:
            annotation.x = centres.get(round(annotation.x, 9), annotation.x)


def restyle(figure: go.Figure) -> go.Figure:
    """A copy of ``figure`` for a projector: large type, thick lines, black on white.

    Every font is at least :data:`MIN_FONT` px (titles :data:`TITLE_FONT`, axis titles
    :data:`AXIS_TITLE_FONT`), never smaller than before; lines, shapes and error bars are
    :data:`LINE_SCALE` times as thick (at most :data:`MAX_LINE` px) and markers
    :data:`MARKER_SCALE` times as large (at most :data:`MAX_MARKER` px); the figure is
    :data:`HEIGHT_SCALE` times as tall with margins :data:`MARGIN_SCALE` times as wide, on white;
    a subplot with another to its left starts :data:`INNER_SHIFT` later, so that its larger
    labels do not run into its neighbour. Animation frames get the same treatment.
    ``figure`` itself is not changed.
    """
    if not isinstance(figure, go.Figure):
        raise TypeError(f"figure must be a plotly Figure, got {type(figure).__name__}")
    fig = go.Figure(figure)
    layout = fig.layout
    layout.font.size = _bigger(layout.font.size, BODY_FONT)
    layout.font.color = INK
    layout.title.font.size = _bigger(layout.title.font.size, TITLE_FONT)
    layout.legend.font.size = _bigger(layout.legend.font.size, MIN_FONT)
    layout.legend.title.font.size = _bigger(layout.legend.title.font.size, MIN_FONT)
    layout.hoverlabel.font.size = _bigger(layout.hoverlabel.font.size, MIN_FONT)
    layout.update(paper_bgcolor=PAPER, plot_bgcolor=PAPER)
    if layout.height:
        layout.height = round(layout.height * HEIGHT_SCALE)
    for side in ("t", "b", "l", "r"):
        if layout.margin[side] is not None:
            layout.margin[side] = round(layout.margin[side] * MARGIN_SCALE)
    fig.for_each_xaxis(_restyle_axis)
    _make_room_between_columns(fig)
    fig.for_each_yaxis(_restyle_axis)
    for annotation in layout.annotations:
        annotation.font.size = _bigger(annotation.font.size, MIN_FONT)
    for shape in layout.shapes:
        shape.line.width = _thicker(
            shape.line.width, _PLOTLY_DEFAULTS["shape"], LINE_SCALE, MAX_LINE
        )
    for menu in layout.updatemenus:
        menu.font.size = _bigger(menu.font.size, MIN_FONT)
    for slider in layout.sliders:
        slider.font.size = _bigger(slider.font.size, MIN_FONT)
        slider.currentvalue.font.size = _bigger(slider.currentvalue.font.size, MIN_FONT)
    if "coloraxis" in layout and layout.coloraxis.colorbar is not None:
        layout.coloraxis.colorbar.tickfont.size = _bigger(
            layout.coloraxis.colorbar.tickfont.size, MIN_FONT
        )
    for trace in fig.data:
        _restyle_trace(trace)
    for frame in fig.frames:
        for trace in frame.data or ():
            _restyle_trace(trace)
    return fig
