"""Fuzzing explorer.figure_parts: the layout pieces as plain dicts, with hostile positions,
names, corners and grid arguments.

Valid cases are checked against plotly's own helpers where they are cheap (``add_hline`` and
``add_vline`` on an empty figure, ``make_subplots``) and against the axis-naming rule written
out here."""

from __future__ import annotations

import math

import plotly.graph_objects as go
from hypothesis import given
from hypothesis import strategies as st
from plotly.subplots import make_subplots

from explorer import figure_parts as fp
from tests.fuzz.hostile import (
    call_contract,
    cases,
    fuzzes,
    hostile_ints,
    hostile_scalars,
    hostile_text,
    unfuzzed,
    wrong_kinds,
)

positions = st.one_of(st.floats(-1e308, 1e308), st.integers(-(10**6), 10**6))
colors = st.sampled_from(["#0072B2", "red", "rgba(0,0,0,0.5)"])
dashes = st.sampled_from([None, "dot", "dash"])
widths = st.one_of(st.none(), st.floats(0, 10))
corners = st.sampled_from(fp.CORNERS)
bad_counts = st.one_of(hostile_ints(), wrong_kinds())
not_text = st.one_of(st.none(), st.integers(), st.floats(), st.just([1]))
bad_corners = st.one_of(
    hostile_text, not_text, st.sampled_from(["top", "middle left", "top  left"])
)


def _plotly_shape(kind: str, value: float, color: str, dash, width) -> dict:
    line = {"color": color} | ({} if dash is None else {"dash": dash})
    line |= {} if width is None else {"width": width}
    fig = go.Figure()
    add = fig.add_hline if kind == "h" else fig.add_vline
    add(value, line=line)
    return fig.layout.shapes[0].to_plotly_json()


@fuzzes(fp.hline, fp.vline)
@given(
    st.sampled_from(["h", "v"]),
    cases(
        {"position": positions, "color": colors, "dash": dashes, "width": widths},
        {
            "position": hostile_scalars(),
            "color": not_text,
            "dash": not_text,
            "width": st.one_of(hostile_scalars(), st.just(-1.0), st.just(1e9)),
        },
    ),
)
def test_fuzz_hline_and_vline(kind, case):
    fn, axis = (fp.hline, "y") if kind == "h" else (fp.vline, "x")
    kwargs = dict(case.kwargs)
    position = kwargs.pop("position")
    bad = {"position": axis}.get(case.bad, case.bad)
    shape = call_contract(fn, position, **kwargs, bad=bad)
    if case.bad is None:
        assert shape == _plotly_shape(kind, position, **kwargs)


@fuzzes(fp.hline_label)
@given(
    cases(
        {"y": positions, "text": hostile_text, "position": corners},
        {"y": hostile_scalars(), "text": not_text, "position": bad_corners},
    )
)
def test_fuzz_hline_label(case):
    label = call_contract(fp.hline_label, **case.kwargs, bad=case.bad)
    if case.bad is None:
        fig = go.Figure()
        fig.add_hline(
            case.kwargs["y"],
            annotation_text=case.kwargs["text"],
            annotation_position=case.kwargs["position"],
        )
        expected = fig.layout.annotations[0].to_plotly_json()
        assert {key: label[key] for key in expected} == expected


@fuzzes(fp.axis_names)
@given(
    st.integers(1, fp.MAX_PANELS).flatmap(
        lambda cols: cases(
            {
                "row": st.integers(1, fp.MAX_PANELS),
                "col": st.integers(1, cols),
                "cols": st.just(cols),
            },
            {
                "row": hostile_ints(),
                "col": hostile_ints(),
                "cols": st.one_of(hostile_ints(), wrong_kinds()),
            },
        )
    )
)
def test_fuzz_axis_names(case):
    names = call_contract(fp.axis_names, **case.kwargs, bad=case.bad)
    if case.bad is None:
        index = (case.kwargs["row"] - 1) * case.kwargs["cols"] + case.kwargs["col"]
        assert names == (("x", "y") if index == 1 else (f"x{index}", f"y{index}"))


@fuzzes(fp.subplot_layout, slow=True)
@given(
    cases(
        {"rows": st.integers(1, 4), "cols": st.integers(1, 4), "shared_xaxes": st.booleans()},
        {
            "rows": st.one_of(hostile_ints(), st.just({"a": 1})),
            "cols": st.one_of(hostile_ints(), st.just({"a": 1})),
            "vertical_spacing": st.one_of(hostile_scalars(), st.just(2.0)),
        },
    )
)
def test_fuzz_subplot_layout(case):
    layout = call_contract(fp.subplot_layout, **case.kwargs, bad=(case.bad or "", "make_subplots"))
    if case.bad is None:
        expected = make_subplots(**case.kwargs).layout.to_plotly_json()
        expected.pop("template", None)
        assert layout == expected
        layout["xaxis"]["domain"] = [math.nan]  # a fresh copy: the cache is not touched
        assert fp.subplot_layout(**case.kwargs) == expected


def test_every_public_function_has_a_fuzzer():
    assert unfuzzed(fp) == []
