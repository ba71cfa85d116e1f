"""Presentation mode's pure parts: the link's switch and hidden controls, the copy-link address,
and the projector restyling of real figures from the chart modules.

Font sizes are read back from the figures by this file's own resolver (an element's font size,
else the figure's base font, else plotly's 12 px), not by the module under test.
"""

from __future__ import annotations

import functools
from urllib.parse import parse_qs, urlsplit

import numpy as np
import plotly.graph_objects as go
import pytest
import scipy.special
from hypothesis import given
from hypothesis import strategies as st

from explorer import (
    calibration,
    calibration_charts,
    charts,
    digits_charts,
    physics,
    physics_charts,
    physics_lab,
    presentation,
    quiz_charts,
    sampling_charts,
)
from explorer.presentation import HIDEABLE, MIN_FONT, Presentation, from_query, restyle, to_query
from explorer.temperature import compare, sweep_frames, temperature_curves

LOGITS, LABELS = (2.0, 1.0, 0.1), ("A", "B", "C")
PLOTLY_FONT = 12  # plotly.js's default font size, px


# --- the link: present= and hide= -----------------------------------------------------------------


@pytest.mark.parametrize("value", ["1", "true", "ON", " yes "])
def test_present_switches_the_mode_on(value):
    assert from_query({"present": value}) == (Presentation(on=True), [])


@pytest.mark.parametrize("value", ["0", "false", "off", ""])
def test_present_off_is_the_default_without_a_notice(value):
    assert from_query({"present": value}) == (Presentation(), [])


def test_a_link_without_the_parameters_is_not_in_presentation_mode():
    assert from_query({"z": "1,2", "T": "0.5"}) == (Presentation(), [])


def test_a_present_value_that_means_nothing_is_ignored_with_a_notice():
    shown, notices = from_query({"present": "please"})
    assert shown == Presentation()
    assert len(notices) == 1 and "present=1" in notices[0] and "please" in notices[0]


def test_the_last_of_repeated_parameters_counts():
    shown, _ = from_query({"present": ["1", "0"], "hide": ["mode", "values"]})
    assert shown == Presentation(on=False, hidden=("values",))


def test_hide_reads_names_in_any_case_and_spacing_once_each_in_page_order():
    shown, notices = from_query({"hide": " Formula ,values,,VALUES, mode"})
    assert shown.hidden == ("mode", "values", "formula") and notices == []
    assert not shown.shows("values") and shown.shows("labels")


def test_unknown_names_are_named_in_a_notice_and_the_known_ones_still_hide():
    shown, notices = from_query({"hide": "values,colour,sliders"})
    assert shown.hidden == ("values",)
    assert len(notices) == 1
    assert "“colour”" in notices[0] and "“sliders”" in notices[0]
    assert all(name in notices[0] for name in HIDEABLE)  # says what can be hidden


def test_a_notice_names_at_most_three_unknown_names_each_shortened():
    _, notices = from_query({"hide": ",".join(["x" * 80, "b", "c", "d", "e"])})
    assert "and 2 more" in notices[0] and "x" * 31 not in notices[0]


def test_a_hide_longer_than_the_cap_is_refused_whole():
    text = ",".join(["values"] * 60)  # 419 characters, over MAX_HIDE_CHARS
    assert len(text) > presentation.MAX_HIDE_CHARS
    shown, notices = from_query({"hide": text})
    assert shown.hidden == () and "characters" in notices[0]


@given(
    on=st.booleans(),
    names=st.lists(st.sampled_from(sorted(HIDEABLE)), max_size=20),
)
def test_query_round_trip(on, names):
    shown = Presentation(on=on, hidden=presentation.canonical(names))
    assert from_query(to_query(shown)) == (shown, [])
    assert set(shown.hidden) == set(names)


def test_the_default_writes_nothing_into_the_link():
    assert to_query(Presentation()) == {}


# --- the copy-link address ------------------------------------------------------------------------


@given(
    st.dictionaries(
        st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=8),
        st.text(st.characters(blacklist_categories=("Cs",)), max_size=20),
        max_size=6,
    )
)
def test_page_url_reads_back_as_the_same_query(query):
    url = presentation.page_url("https://example.org/sampling_page", query)
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "example.org", "/sampling_page")
    assert parse_qs(parts.query, keep_blank_values=True) == {k: [v] for k, v in query.items()}


def test_page_url_of_the_home_page_and_without_a_base():
    assert presentation.page_url("http://h:1", {"present": "1"}) == "http://h:1/?present=1"
    assert presentation.page_url(None, {"q": "halve", "show": "0"}) == "?q=halve&show=0"


# --- the projector look, on real figures ---------------------------------------------------


def oracle(logits, temperature):
    return scipy.special.softmax(np.asarray(logits, float) / temperature)


def _bins(seed: int) -> calibration.ReliabilityBins:
    rng = np.random.default_rng(seed)
    probs = scipy.special.softmax(3 * rng.normal(size=(200, 4)), axis=1)
    return calibration.reliability_bins(probs, rng.integers(0, 4, size=200), n_bins=10)


def _physics():
    """Carbon monoxide at 300 K (kT in cm⁻¹): 61 levels, the page's default system."""
    scheme = physics.PRESETS["co_rotor"]
    energies, degeneracies = np.array(scheme.energies), np.array(scheme.degeneracies)
    kT = 208.5
    populations = physics.thermodynamics(energies, kT, degeneracies).populations
    labels = [f"J = {j}" for j in range(energies.size)]
    return energies, degeneracies, populations, kT, labels


@functools.cache
def figures() -> dict[str, go.Figure]:
    """One figure of each kind the app draws: bars, curves with subplots, animation, heatmap.

    Built on first use, not at import: a warning while building fails a test, not collection.
    """
    probs, reference = oracle(LOGITS, 0.5), oracle(LOGITS, 1)
    temperatures, sweep_probs, summaries = sweep_frames(np.array(LOGITS))
    energies, degeneracies, populations, kT, labels = _physics()
    return {
        "probability_bars": charts.probability_bars(LABELS, probs, 0.5, 3, reference),
        "temperature_curves": charts.temperature_curves(
            temperature_curves(np.array(LOGITS)), LABELS, 0.5
        ),
        "comparison_bars": charts.comparison_bars(
            LABELS, compare(np.array(LOGITS), 0.5, 2.0), 0.5, 2.0
        ),
        "log_probability_lines": charts.log_probability_lines(
            np.array(LOGITS), LABELS, [(0.5, np.log(probs))]
        ),
        "sweep_animation": charts.sweep_animation(
            LABELS, temperatures, sweep_probs, summaries, n_finite=3
        ),
        "level_diagram": physics_charts.level_diagram(
            labels,
            energies,
            degeneracies,
            populations,
            kT,
            "cm⁻¹",
            physics_lab.visible_top(energies, populations, kT),
        ),
        "thermodynamics_figure": physics_charts.thermodynamics_figure(
            physics_lab.thermodynamic_curves(energies, degeneracies, "cm⁻¹", 300.0), "cm⁻¹", 300.0
        ),
        "ensemble_bars": physics_charts.ensemble_bars(
            labels, physics_lab.ensemble(populations, 500, 0), 500
        ),
        "histogram_vs_exact": sampling_charts.histogram_vs_exact(
            LABELS, probs, probs, probs - 0.01, probs + 0.01, 1000
        ),
        "reliability_diagram": calibration_charts.reliability_diagram(_bins(0), _bins(1)),
        "digit_image": digits_charts.digit_image(np.arange(64).reshape(8, 8) % 17, "a 3"),
        "quiz_panel_bars": quiz_charts.panel_bars(
            LABELS, ["T = 1", "T = 0.5"], [reference, probs], 3
        ),
    }


FIGURES = (
    "probability_bars",
    "temperature_curves",
    "comparison_bars",
    "log_probability_lines",
    "sweep_animation",
    "level_diagram",
    "thermodynamics_figure",
    "ensemble_bars",
    "histogram_vs_exact",
    "reliability_diagram",
    "digit_image",
    "quiz_panel_bars",
)


def test_every_kind_of_figure_is_checked():
    assert tuple(figures()) == FIGURES


def font_sizes(fig: go.Figure) -> dict[str, float]:
    """Every text element's font size as plotly would draw it, by name."""
    layout = fig.layout
    base = layout.font.size or PLOTLY_FONT

    def size(font, default=None):
        return font.size or default or base

    sizes = {
        "title": size(layout.title.font, 1.4 * base),
        "legend": size(layout.legend.font),
    }
    for axis in [*fig.select_xaxes(), *fig.select_yaxes()]:
        name = axis.plotly_name
        sizes[f"{name} ticks"] = size(axis.tickfont)
        sizes[f"{name} title"] = size(axis.title.font)
    for i, annotation in enumerate(layout.annotations):
        sizes[f"annotation {i} {annotation.text!r}"] = size(annotation.font)
    for i, menu in enumerate(layout.updatemenus):
        sizes[f"menu {i}"] = size(menu.font)
    for i, slider in enumerate(layout.sliders):
        sizes[f"slider {i}"] = size(slider.font)
        sizes[f"slider {i} value"] = size(slider.currentvalue.font)
    traces = [*fig.data, *(t for frame in fig.frames for t in frame.data or ())]
    for i, trace in enumerate(traces):
        if getattr(trace, "text", None) is not None:
            sizes[f"trace {i} text"] = size(trace.textfont)
    return sizes


@pytest.mark.parametrize("name", FIGURES)
def test_every_font_of_a_restyled_figure_is_at_least_20_px(name):
    before, after = font_sizes(figures()[name]), font_sizes(restyle(figures()[name]))
    assert after.keys() == before.keys()
    small = {element: size for element, size in after.items() if size < MIN_FONT}
    assert not small, small
    assert MIN_FONT == 20  # the brief's number, in px
    assert all(after[e] >= before[e] for e in before)  # nothing shrinks
    assert after["title"] >= 26  # titles stay above the rest


def test_the_figures_had_small_fonts_to_begin_with():
    """Otherwise the test above would prove nothing."""
    assert font_sizes(figures()["probability_bars"])["xaxis ticks"] == PLOTLY_FONT
    assert font_sizes(figures()["level_diagram"])["annotation 0 'Energy levels, to scale'"] < 20


def _line_widths(fig: go.Figure) -> list[tuple[float, float]]:
    """(width, plotly default applied) of every line: scatter lines, shapes, error bars."""
    widths = []
    for trace in fig.data:
        if trace.type == "scatter" and "lines" in (trace.mode or "lines"):
            widths.append(trace.line.width or 2.0)
        if trace.type in ("scatter", "bar") and trace.error_y.array is not None:
            widths.append(trace.error_y.thickness or 2.0)
    widths += [shape.line.width or 2.0 for shape in fig.layout.shapes]
    return widths


@pytest.mark.parametrize("name", FIGURES)
def test_lines_are_twice_as_thick_up_to_6_px_and_never_thinner(name):
    before, after = _line_widths(figures()[name]), _line_widths(restyle(figures()[name]))
    assert len(after) == len(before)
    for old, new in zip(before, after, strict=True):
        if 2 * old <= 6:
            assert new == pytest.approx(2 * old)
        else:  # already thick: up to 6 px, and a line over 6 px keeps its width
            assert new == pytest.approx(max(old, 6))


def test_thin_lines_double_exactly():
    fig = charts.temperature_curves(temperature_curves(np.array(LOGITS)), LABELS, 0.5)
    widths = [t.line.width for t in fig.data if t.mode == "lines"]
    assert widths and all(w == 2.5 for w in widths)  # charts.py: curves 2.5 px wide
    restyled = [t.line.width for t in restyle(fig).data if t.mode == "lines"]
    assert restyled == [5.0] * len(widths)
    assert [s.line.width for s in restyle(fig).layout.shapes] == [4.0] * len(fig.layout.shapes)


def test_markers_are_twice_as_large():
    fig = physics_charts.ensemble_bars(
        ["a", "b"], physics_lab.ensemble(np.array([0.7, 0.3]), 100, 0), 100
    )
    marker_trace = next(t for t in fig.data if t.type == "scatter")
    assert marker_trace.marker.size == 8
    assert next(t for t in restyle(fig).data if t.type == "scatter").marker.size == 16


def test_a_white_page_black_text_and_room_for_the_larger_type():
    fig = figures()["probability_bars"]
    out = restyle(fig)
    assert out.layout.paper_bgcolor == out.layout.plot_bgcolor == "#FFFFFF"
    assert out.layout.font.color == out.layout.xaxis.tickfont.color == "#000000"
    assert out.layout.height == pytest.approx(1.25 * fig.layout.height, abs=1)
    assert out.layout.margin.l == pytest.approx(1.5 * fig.layout.margin.l, abs=1)
    assert out.layout.xaxis.automargin and out.layout.yaxis.automargin


def test_the_original_figure_is_not_changed():
    fig = figures()["sweep_animation"]
    before = fig.to_plotly_json()
    restyle(fig)
    assert fig.to_plotly_json() == before  # the page caches this one, shared across sessions


def test_animation_frames_are_restyled_too():
    fig = restyle(figures()["sweep_animation"])
    assert len(fig.frames) == 81
    assert all(frame.data[0].textfont.size >= MIN_FONT for frame in fig.frames)
    np.testing.assert_allclose(  # the numbers are untouched
        fig.frames[40].data[0].y, figures()["sweep_animation"].frames[40].data[0].y
    )


def test_a_subplot_right_of_another_moves_over_and_keeps_its_title_centred():
    fig = figures()["level_diagram"]
    out = restyle(fig)
    (start, end), (new_start, new_end) = fig.layout.xaxis2.domain, out.layout.xaxis2.domain
    assert new_start > start and new_end == end
    assert out.layout.xaxis.domain == fig.layout.xaxis.domain  # the left one stays
    title = next(a for a in out.layout.annotations if a.text == "Population of each level")
    assert title.x == pytest.approx((new_start + new_end) / 2)


def test_restyling_keeps_the_data():
    fig = figures()["probability_bars"]
    out = restyle(fig)
    for old, new in zip(fig.data, out.data, strict=True):
        np.testing.assert_array_equal(np.asarray(new.y), np.asarray(old.y))
        assert new.text == old.text and new.name == old.name
