"""The digits model in the app: trained once per server (cached), and offered to the Explorer
as presets, "this model, this image", with the image shown.
"""

from __future__ import annotations

import functools
from dataclasses import replace

import streamlit as st

from explorer import digits
from explorer.core import softmax
from explorer.digits_charts import digit_image
from explorer.digits_labels import TEST_LABELS
from explorer.state import ExplorerState, values_text
from explorer.views import controls
from explorer.views.session import STATE_KEY
from explorer.views.widgets import plot

PRESET = "x_digit_preset"
PLOT_CONFIG = {"displaylogo": False, "displayModeBar": False}
#: Named presets first, then every test image by number.
NAMED = {
    "Confident and right": "the image the model is surest of, and right about",
    "Most ambiguous": "the image with the lowest top probability",
    "Confident and wrong": "the model's most confident mistake",
}


@st.cache_resource(max_entries=1, show_spinner="Training the digits model (about a second)…")
def experiment() -> digits.DigitsExperiment:
    """Trained once per server process and shared read-only by every session."""
    return digits.digits_experiment()


@functools.cache  # one small tuple per process; the split is fixed (not per user)
def _test_image_names() -> tuple[str, ...]:
    """The picker's 360 option names, built once: format_func runs for every option on every
    rerun. From the shipped labels, so that a first page load does not import scikit-learn."""
    return tuple(f"Test image {i} ({digits.spoken(y)})" for i, y in enumerate(TEST_LABELS))


def _option_name(option: str | int) -> str:
    if isinstance(option, str):
        return f"{option} ({NAMED[option]})"
    return _test_image_names()[option]


def _index(option: str | int) -> int:
    if isinstance(option, int):
        return option
    return next(p.index for p in digits.presets(experiment()) if p.name == option)


def _load() -> None:
    """Put the chosen image's logits into the state and the fields, then clear the choice."""
    ss = st.session_state
    option = ss[PRESET]
    if option is None:
        return
    state = with_image(ss[STATE_KEY], _index(option))
    ss[STATE_KEY] = state
    ss[controls.MODE] = state.input_mode
    ss[controls.VALUES] = values_text(state)
    ss[controls.LABELS] = ", ".join(state.labels)
    ss[PRESET] = None


def with_image(state: ExplorerState, index: int) -> ExplorerState:
    """``state`` showing the model's logits (and digit labels) for test image ``index``."""
    logits = digits.image_logits(experiment(), index)
    return replace(state, logits=logits, labels=digits.CLASSES, digit=index)


def sync(state: ExplorerState) -> ExplorerState:
    """A link may name an image (img=) with other logits (or none): the image decides."""
    if state.digit is None or state.logits == digits.image_logits(experiment(), state.digit):
        return state
    return with_image(state, state.digit)


def preset_picker() -> None:
    """A searchable list of test images; choosing one loads its logits."""
    st.selectbox(
        "Real model logits",
        [*NAMED, *range(len(_test_image_names()))],
        index=None,
        key=PRESET,
        format_func=_option_name,
        placeholder="Load a handwritten digit…",
        on_change=_load,
        help="A small neural network trained on scikit-learn's handwritten digits. "
        "Choose a test image to see its real logits here.",
    )


def show_image(state: ExplorerState) -> None:
    """The image whose logits are shown, with the truth and the model's answer at T = 1."""
    if state.digit is None:
        return
    model = experiment()
    truth = int(model.split.y_test[state.digit])
    probs = softmax(model.logits_test[state.digit])
    guess = int(probs.argmax())
    verdict = "right" if guess == truth else "wrong"
    plot(
        digit_image(
            model.split.images_test[state.digit],
            f"Test image {state.digit}: {digits.spoken(truth)}",
        ),
        alt=f"The handwritten digit: {digits.spoken(truth)}.",
        config=PLOT_CONFIG,
    )
    st.caption(
        f"The model says {guess} with probability {probs[guess]:.3f} at T = 1 ({verdict}). "
        "Edit the logits and the image goes: they are no longer the model's."
    )
