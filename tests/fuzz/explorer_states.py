"""Valid Explorer states for the fuzz tests of the modules that take one (state, export,
presets): every documented extreme (±1e308 logits, -inf masks, T = 0 and 1e6, markup and
formula labels)."""

from __future__ import annotations

import math

from hypothesis import strategies as st

from explorer import state as module
from explorer.state import (
    INPUT_MODES,
    MAX_CLASSES,
    MAX_DIGIT,
    MAX_LABEL_CHARS,
    MAX_TEMPERATURE,
    MIN_CLASSES,
    VIEWS,
    ExplorerState,
)
from explorer.temperature import TEMPERATURE_STOPS

#: Labels as users type them: markup, formulas, surrogates, 20 characters, non-Latin.
LABEL_POOL = ("A", "cat", "<b>x</b>", "=1+2", "\udcff", "猫", "x" * MAX_LABEL_CHARS, "0", "-1", "é")
FINITE = st.one_of(
    st.sampled_from([0.0, -0.0, 5e-324, 1e-300, 1e308, -1e308, 2.0, 0.1]), st.floats(-1e308, 1e308)
)


@st.composite
def valid_states(draw) -> ExplorerState:
    n = draw(st.integers(MIN_CLASSES, MAX_CLASSES))
    logits = draw(st.lists(st.one_of(FINITE, st.just(-math.inf)), min_size=n, max_size=n))
    logits[draw(st.integers(0, n - 1))] = draw(FINITE)
    chosen = draw(st.lists(st.sampled_from(LABEL_POOL), max_size=n, unique=True))
    return ExplorerState(
        logits=tuple(float(z) for z in logits),
        labels=module.parse_labels(", ".join(chosen), n),
        temperature=draw(st.one_of(st.floats(0, MAX_TEMPERATURE), st.sampled_from([0.0, 1.0]))),
        compare_temperature=draw(st.sampled_from(TEMPERATURE_STOPS)),
        input_mode=draw(st.sampled_from(INPUT_MODES)),
        view=draw(st.sampled_from(VIEWS)),
        digit=draw(st.one_of(st.none(), st.integers(0, MAX_DIGIT))),
    )
