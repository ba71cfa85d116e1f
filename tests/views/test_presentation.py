"""Presentation mode through AppTest: present=1 outlives every page's reruns and the move to
another page; hide= removes exactly the named widgets while their state still applies; the
sidebar's switch, its hidden-controls list and its copy-link box.

Probabilities are checked against scipy, not the app's maths.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import numpy as np
import pytest
import scipy.special
from streamlit.testing.v1 import AppTest

from .apptest import chart, decode, notices, query, run, set_widget, start

EXPLORER = "explorer/views/explorer_page.py"
SAMPLING = "explorer/views/sampling_page.py"
PHYSICS = "explorer/views/physics_page.py"
APPLICATIONS = "explorer/views/applications_page.py"
QUIZ = "explorer/views/quiz_page.py"
TOGGLE, HIDDEN = "presentation_toggle", "presentation_hidden"  # the sidebar's widgets
#: The Explorer's widget key of each control a link can hide (explorer.presentation.HIDEABLE).
WIDGET_OF = {
    "mode": "x_mode",
    "values": "x_values",
    "labels": "x_labels",
    "temperature": "x_temperature",
    "exact": "x_temperature_exact",
    "examples": "x_example",
    "digits": "x_digit_preset",
    "views": "x_view",
}
MIN_FONT = 20  # px: the brief's smallest projector font


def walk(node):
    yield node
    for child in getattr(node, "children", {}).values():
        yield from walk(child)


def widget_keys(at: AppTest) -> set[str]:
    """The key of every widget on the page, the sidebar's included."""
    return {node.key for node in walk(at._tree) if getattr(node, "key", None)}


def restyled(figure: dict) -> bool:
    """True if the plotly JSON has the projector's large type (explorer.presentation)."""
    layout = figure["layout"]
    return layout.get("font", {}).get("size", 0) >= MIN_FONT and all(
        axis.get("tickfont", {}).get("size", 0) >= MIN_FONT
        for name, axis in layout.items()
        if name.startswith(("xaxis", "yaxis"))
    )


def stylesheet_sent(at: AppTest) -> bool:
    return any("font-size: 22px" in element.proto.body for element in at.get("html"))


def link_box(at: AppTest) -> str:
    (box,) = at.sidebar.get("code")
    return box.value


def oracle(logits, temperature: float) -> np.ndarray:
    return scipy.special.softmax(np.asarray(logits, float) / temperature)


def bars(at: AppTest) -> np.ndarray:
    """The Explorer's current-T bars (the last trace of its first chart)."""
    return decode(chart(at)["data"][-1]["y"])


# --- present=1 outlives every page's reruns -------------------------------------------------------


def _reveal(at: AppTest) -> AppTest:
    at.radio(key="q_pick").set_value(1)
    at.button[-1].click()  # "Reveal the answer", the form's submit button
    return run(at)


PAGES = {  # page → (an interaction, the link parameter it changes, its new value there)
    EXPLORER: (lambda at: set_widget(at, "x_temperature", 2.0), "T", "2.0"),
    SAMPLING: (lambda at: set_widget(at, "s_seed", 11), "seed", "11"),
    PHYSICS: (lambda at: set_widget(at, "p_kelvin", 2000.0), "pK", "2000.0"),
    APPLICATIONS: (lambda at: set_widget(at, "a_bins", 12), "bins", "12"),
    QUIZ: (_reveal, "show", "1"),
}


@pytest.mark.parametrize("page", PAGES)
def test_present_survives_an_interaction_and_restyles_every_chart(page):
    interact, parameter, value = PAGES[page]
    at = interact(start(page, present="1"))
    assert query(at, parameter) == value  # the page's own link moved on
    assert query(at, "present") == "1"  # and kept the switch
    assert at.sidebar.toggle(key=TOGGLE).value is True
    assert stylesheet_sent(at)
    figures = [chart(at, i) for i in range(len(at.get("plotly_chart")))]
    assert figures and all(restyled(figure) for figure in figures)


def test_without_present_nothing_changes():
    at = start(EXPLORER)
    assert "present" not in at.query_params and "hide" not in at.query_params
    assert not stylesheet_sent(at) and not at.get("html")
    assert not restyled(chart(at))
    assert at.sidebar.toggle(key=TOGGLE).value is False
    assert HIDDEN not in widget_keys(at)  # the hidden-controls list waits for the mode


def test_presentation_outlives_a_move_to_another_page():
    at = start(EXPLORER, present="1", hide="values")
    at.query_params.clear()  # as the browser's address does when the sidebar changes page
    run(at.switch_page(SAMPLING))
    assert query(at, "present") == "1" and query(at, "hide") == "values"
    assert "x_values" not in widget_keys(at)  # the shared field is hidden here too
    assert restyled(chart(at))
    at.query_params.clear()
    run(at.switch_page(QUIZ))
    assert query(at, "present") == "1" and query(at, "q") == "halve"


def test_the_sidebar_switch_turns_the_mode_off_and_on():
    at = start(EXPLORER, present="1")
    at = set_widget(at, TOGGLE, False)
    assert "present" not in at.query_params and not stylesheet_sent(at)
    assert not restyled(chart(at))
    at = set_widget(at, TOGGLE, True)
    assert query(at, "present") == "1" and stylesheet_sent(at) and restyled(chart(at))


# --- hide= ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", WIDGET_OF)
def test_hide_removes_exactly_the_named_widget(name):
    at = start(EXPLORER, hide=name)
    shown = widget_keys(at)
    assert WIDGET_OF[name] not in shown
    assert shown >= set(WIDGET_OF.values()) - {WIDGET_OF[name]}
    assert query(at, "hide") == name


def test_hide_removes_the_formula_try_this_mistakes_and_export():
    plain_page = start(EXPLORER)
    assert len(plain_page.get("latex")) == 2 and len(plain_page.main.expander) == 2
    at = start(EXPLORER, hide="formula,try,mistakes,export")
    assert not at.get("latex") and not at.main.expander
    assert not any("Try this" in caption.value for caption in at.caption)
    assert any("Try this" in caption.value for caption in plain_page.caption)


def test_hidden_values_still_apply_and_stay_through_a_temperature_change():
    at = start(EXPLORER, z="1,2,3", hide="values,labels,mode", T="1")
    assert "x_values" not in widget_keys(at)
    np.testing.assert_allclose(bars(at), oracle([1, 2, 3], 1), rtol=1e-12)
    at = set_widget(at, "x_temperature", 0.5)
    np.testing.assert_allclose(bars(at), oracle([1, 2, 3], 0.5), rtol=1e-12)
    assert query(at, "z") == "1.0,2.0,3.0" and query(at, "T") == "0.5"
    assert query(at, "hide") == "mode,values,labels"


def test_a_hidden_exact_temperature_follows_the_slider():
    at = set_widget(start(EXPLORER, hide="exact"), "x_temperature", 2.0)
    at = set_widget(at, "x_temperature", 0.5)
    assert query(at, "T") == "0.5"
    np.testing.assert_allclose(bars(at), oracle([2, 1, 0.1], 0.5), rtol=1e-12)


def test_a_hidden_view_choice_keeps_the_linked_view():
    at = start(EXPLORER, hide="views", view="steps")
    assert "x_view" not in widget_keys(at)
    assert len(at.dataframe) == 1 and not at.get("plotly_chart")[1:]  # the step table
    assert query(at, "view") == "steps"


def test_unknown_names_give_a_notice_and_the_known_ones_are_hidden():
    at = start(EXPLORER, hide="values,sliders")
    said = notices(at)
    assert any("“sliders”" in notice and "values" in notice for notice in said), said
    assert "x_values" not in widget_keys(at) and query(at, "hide") == "values"
    at = set_widget(at, "x_temperature", 2.0)
    assert not any("sliders" in notice for notice in notices(at))  # said once


def test_a_bad_present_value_gives_a_notice():
    at = start(EXPLORER, present="maybe")
    assert any("present=1" in notice for notice in notices(at))
    assert "present" not in at.query_params


def test_hiding_in_the_sidebar_keeps_what_was_typed():
    """A widget that leaves the page forgets its value: the state must not."""
    at = start(EXPLORER, present="1")
    at = set_widget(at, "x_values", "3, 1, 0")
    at = set_widget(at, HIDDEN, ["values"])
    assert "x_values" not in widget_keys(at) and query(at, "hide") == "values"
    at = set_widget(at, "x_temperature", 2.0)  # a rerun after the one that hid it
    np.testing.assert_allclose(bars(at), oracle([3, 1, 0], 2.0), rtol=1e-12)
    assert query(at, "z") == "3.0,1.0,0.0"
    at = set_widget(at, HIDDEN, [])
    assert at.text_input(key="x_values").value == "3.0, 1.0, 0.0"
    assert "hide" not in at.query_params


def test_hiding_a_mode_switch_keeps_values_consistent():
    """Values rewritten by the mode switch must not be undone by re-seeding a hidden field."""
    at = start(EXPLORER, present="1", hide="values")
    at = set_widget(at, "x_mode", "probabilities")
    at = set_widget(at, "x_temperature", 2.0)
    np.testing.assert_allclose(bars(at), oracle([2, 1, 0.1], 2.0), rtol=1e-9)


# --- the copy-link box ----------------------------------------------------------------------------


@pytest.mark.parametrize("page", [EXPLORER, PHYSICS, QUIZ])
def test_the_link_box_holds_the_page_query(page):
    at = start(page, present="1", hide="formula")
    text = link_box(at)
    # No browser here, so no address: the box holds the query alone (the browser test checks
    # the whole address).
    link = parse_qs(urlsplit(text).query, keep_blank_values=True)
    assert {name: values[-1] for name, values in link.items()} == {
        name: query(at, name) for name in at.query_params
    }
    assert link["present"] == ["1"] and link["hide"] == ["formula"]


def test_the_link_box_follows_the_page():
    at = set_widget(start(EXPLORER), "x_temperature", 2.0)
    assert parse_qs(urlsplit(link_box(at)).query)["T"] == ["2.0"]
