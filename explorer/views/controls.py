"""The Explorer's controls: values, labels and temperature, seeded from and read into the state.

Widgets keep their own values in ``st.session_state`` under the keys below; the state object is
the truth, so a widget whose key is missing (first visit, or back from another page) is seeded
from it.
"""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from explorer.charts import format_temperature
from explorer.state import (
    INPUT_MODES,
    MAX_TEMPERATURE,
    MAX_TEXT_CHARS,
    ExplorerState,
    FormInput,
    InputError,
    extra_labels,
    parse_labels,
    parse_numbers,
    values_text,
)
from explorer.temperature import TEMPERATURE_STOPS, nearest_stop
from explorer.views import presentation
from explorer.views.safe_text import literal
from explorer.views.session import STATE_KEY, history_navigation

MODE, VALUES, LABELS = "x_mode", "x_values", "x_labels"
T_SLIDER, T_EXACT, T_COMPARE, VIEW = "x_temperature", "x_temperature_exact", "x_compare", "x_view"


#: The controls every page shares (the distribution and its temperature); the rest are the
#: Explorer's own.
SHARED_KEYS = (MODE, VALUES, LABELS, T_SLIDER, T_EXACT)
EXPLORER_KEYS = (*SHARED_KEYS, T_COMPARE, VIEW)

#: Widgets drawn only in one view.
_SHOWN_ONLY_IN = {T_COMPARE: "compare"}
_LAST_PAGE = "controls_last_page"


def arrived_on(page: str) -> bool:
    """True on the first run of ``page`` after another page (or the session's first run).

    Also True after the browser's Back or Forward, when the state comes from the URL. Call
    once per run, at the top: widgets then take their values from the state.
    """
    arrived = st.session_state.get(_LAST_PAGE) != page or history_navigation()
    st.session_state[_LAST_PAGE] = page
    return arrived


def seed(values: dict[str, object], arrived: bool, hidden: tuple[str, ...] = ()) -> None:
    """Set each widget key to the state's value where the state, not the widget, is current.

    When a keyed widget leaves the page (another view, another page), Streamlit forgets its
    value and the key falls back to the last value the script assigned. So a widget takes the
    state's value when its key is missing, when it is ``hidden`` this run, and on arrival.
    """
    for key, value in values.items():
        if arrived or key in hidden or key not in st.session_state:
            st.session_state[key] = value


def seed_widgets(state: ExplorerState, arrived: bool, keys: tuple[str, ...] = SHARED_KEYS) -> None:
    """Seed the distribution's controls (and, with EXPLORER_KEYS, the Explorer's own)."""
    values = {
        MODE: state.input_mode,
        VALUES: values_text(state),
        LABELS: ", ".join(state.labels),
        T_SLIDER: nearest_stop(state.temperature),
        T_EXACT: state.temperature,
        T_COMPARE: nearest_stop(state.compare_temperature),
        VIEW: state.view,
    }
    hidden = tuple(
        key for key, view in _SHOWN_ONLY_IN.items() if st.session_state.get(VIEW) != view
    )
    seed({key: values[key] for key in keys}, arrived, hidden)


def read_form(state: ExplorerState, keys: tuple[str, ...] = SHARED_KEYS) -> FormInput:
    """What the fields hold now (callbacks have run), before the widgets are drawn.

    Fields whose widgets are not among ``keys`` keep the state's values.
    """
    ss = st.session_state
    return FormInput(
        input_mode=ss[MODE],
        values=ss[VALUES],
        labels=ss[LABELS],
        temperature=ss[T_EXACT],
        compare_temperature=ss[T_COMPARE] if T_COMPARE in keys else state.compare_temperature,
        view=ss[VIEW] if VIEW in keys else state.view,
    )


def _rewrite_values_for_mode() -> None:
    """On a switch between logits and probabilities, show the same distribution the new way."""
    state = st.session_state[STATE_KEY]
    st.session_state[VALUES] = values_text(replace(state, input_mode=st.session_state[MODE]))


def _slider_moved() -> None:
    st.session_state[T_EXACT] = st.session_state[T_SLIDER]


def _exact_typed() -> None:
    st.session_state[T_SLIDER] = nearest_stop(st.session_state[T_EXACT])


def _format_stop(temperature: float) -> str:
    return "0 (greedy)" if temperature == 0 else format_temperature(temperature)


def _grow_labels() -> None:
    """More values than labels: write the default labels for the new classes into the field,
    so that it says what the chart and the link say (fewer values keep every typed label)."""
    ss = st.session_state
    try:
        count = len(parse_numbers(ss[VALUES]))
        labels = parse_labels(ss[LABELS], count)
    except InputError:
        return  # the page shows the error under its field
    if count > len(extra_labels(ss[LABELS], 0)):
        ss[LABELS] = ", ".join(labels)


def values_and_labels(errors: dict[str, str]) -> None:
    """The input mode, the values and the labels fields, each error below its field.

    A field hidden in presentation mode is not drawn; its value (the state's) still applies.
    """
    if presentation.shows("mode"):
        st.segmented_control(
            "Enter the distribution as",
            INPUT_MODES,
            format_func=str.capitalize,
            key=MODE,
            required=True,
            on_change=_rewrite_values_for_mode,
        )
    is_probs = st.session_state[MODE] == "probabilities"
    if presentation.shows("values"):
        st.text_input(
            "Probabilities" if is_probs else "Logits",
            key=VALUES,
            max_chars=MAX_TEXT_CHARS,
            on_change=_grow_labels,
            help="2 to 12 numbers separated by commas. "
            + (
                "They are turned into logits z = log p (0 becomes -inf, a masked class)."
                if is_probs
                else "Any real numbers; -inf masks a class (probability exactly 0)."
            ),
        )
    if "values" in errors:
        st.error(literal(errors["values"]), icon=":material/error:")
    if presentation.shows("labels"):
        st.text_input(
            "Labels", key=LABELS, max_chars=MAX_TEXT_CHARS, help="One name per class, by commas."
        )
    if "labels" in errors:
        st.error(literal(errors["labels"]), icon=":material/error:")


def temperature() -> None:
    """A log-scale slider over round temperatures (0 = greedy … 100) and an exact entry
    (either may be hidden in presentation mode)."""
    if presentation.shows("temperature"):
        st.select_slider(
            "Temperature",
            options=TEMPERATURE_STOPS,
            format_func=_format_stop,
            key=T_SLIDER,
            on_change=_slider_moved,
            help="Log scale: each step multiplies T by about 1.2. Far left is T = 0 (greedy).",
        )
    if presentation.shows("exact"):
        st.number_input(
            "Exact temperature",
            min_value=0.0,
            max_value=MAX_TEMPERATURE,
            step=0.1,
            format="%g",
            key=T_EXACT,
            on_change=_exact_typed,
            help=f"Any T from 0 (greedy) to {MAX_TEMPERATURE:g}.",
        )


def compare_temperature() -> float:
    """The second temperature of the compare view, on the same log-scale stops."""
    return st.select_slider(
        "Second temperature",
        options=TEMPERATURE_STOPS,
        format_func=_format_stop,
        key=T_COMPARE,
    )
