"""Fuzzing explorer.presentation: hostile links never raise, addresses are built from any text,
and restyle takes any figure (and only figures)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import plotly.graph_objects as go
from hypothesis import given
from hypothesis import strategies as st
from plotly.subplots import make_subplots

from explorer import presentation as module
from explorer.presentation import HIDE, HIDEABLE, MIN_FONT, PRESENT, Presentation
from tests.fuzz.hostile import (
    call_contract,
    cases,
    fuzzes,
    hostile_queries,
    hostile_text,
    junk,
    unfuzzed,
)

names = st.lists(st.one_of(st.sampled_from(list(HIDEABLE)), hostile_text), max_size=6)


@fuzzes(module.canonical)
@given(st.one_of(names, names.map(tuple), names.map(set), junk, st.lists(junk, max_size=3)))
def test_canonical(chosen):
    result = call_contract(module.canonical, chosen, bad="names")
    if result is not None:
        assert list(result) == [name for name in HIDEABLE if name in result]
        assert set(result) == {name for name in chosen if isinstance(name, str)} & set(HIDEABLE)


VALID = {
    PRESENT: ["1", "0", "true", "off", "YES"],
    HIDE: [",".join(HIDEABLE), "mode, values", "Values", ""],
}


@fuzzes(module.from_query, module.to_query, scale=2)
@given(hostile_queries(VALID, extra_keys=["z", "T"]))
def test_from_query(params):
    shown, notices = call_contract(module.from_query, params, bad=None)
    assert isinstance(shown, Presentation) and isinstance(shown.on, bool)
    assert set(shown.hidden) <= set(HIDEABLE)
    assert all(isinstance(n, str) for n in notices) and len(notices) <= 2
    assert module.from_query(module.to_query(shown)) == (shown, [])


bases = st.one_of(
    st.none(),
    st.sampled_from(["http://localhost:8501", "http://localhost:8501/sampling_page", ""]),
    hostile_text.map(lambda text: "http://h/" + text.replace("?", "").replace("#", "")),  # no query
)
queries = st.dictionaries(hostile_text, hostile_text, max_size=3)


@fuzzes(module.page_url)
@given(
    cases(
        {"base": bases, "query": queries},
        {"base": junk.filter(lambda b: not isinstance(b, str) and b is not None), "query": junk},
    )
)
def test_page_url(case):
    url = call_contract(module.page_url, **case.kwargs, bad=case.bad)
    if case.bad is None:
        query, base = case.kwargs["query"], case.kwargs["base"]
        assert url.startswith(base or "?")
        decoded = parse_qs(urlsplit(url).query, keep_blank_values=True)
        if all(key.isprintable() and value.isprintable() for key, value in query.items()):
            expected = {_utf8(key): _utf8(value) for key, value in query.items()}
            assert {key: values[-1] for key, values in decoded.items()} == expected


def _utf8(text: str) -> str:
    """``text`` as a link carries it: a lone surrogate becomes "?"."""
    return text.encode("utf-8", "replace").decode("utf-8")


def _figures() -> list[go.Figure]:
    bars = go.Figure(go.Bar(x=["a", "<b>b</b>"], y=[0.3, 0.7], text=["x", "y"]))
    bars.add_hline(y=0.5)
    lines = go.Figure(go.Scatter(x=[1, 2], y=[3, 4], mode="lines+markers", marker_size=[3, 40]))
    lines.update_layout(height=300, margin=dict(t=10, b=10, l=10, r=10))
    heat = go.Figure(go.Heatmap(z=[[1, 2], [3, 4]], colorbar=dict(title="w")))
    grid = make_subplots(rows=1, cols=2, subplot_titles=("left", "right"))
    grid.add_trace(go.Bar(x=[1], y=[1], error_y=dict(array=[0.1])), row=1, col=1)
    grid.add_trace(go.Histogram(x=[0.1, 0.2]), row=1, col=2)
    frames = go.Figure(
        data=[go.Bar(x=["a"], y=[1])], frames=[go.Frame(data=[go.Bar(x=["a"], y=[0.5])])]
    )
    frames.update_layout(sliders=[dict(steps=[])], updatemenus=[dict(buttons=[])])
    return [go.Figure(), bars, lines, heat, grid, frames]


FIGURES = _figures()


@fuzzes(module.restyle, slow=True)
@given(st.one_of(st.sampled_from(range(len(FIGURES))), junk, st.just({"data": []})))
def test_restyle(choice):
    figure = FIGURES[choice] if isinstance(choice, int) and choice in range(6) else choice
    before = figure.to_plotly_json() if isinstance(figure, go.Figure) else None
    styled = call_contract(module.restyle, figure, bad="figure")
    if styled is not None:
        assert figure.to_plotly_json() == before  # the figure itself is not changed
        assert styled.layout.font.size >= MIN_FONT and styled.layout.paper_bgcolor == "#FFFFFF"
        assert len(styled.data) == len(figure.data)


def test_every_public_function_has_a_fuzzer():
    assert unfuzzed(module) == []
