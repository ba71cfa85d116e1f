"""Fuzzing explorer.presets: any preset loads onto any state, any state has a prompt to try
whose numbers are right, and what is not a state or a preset name is refused by name."""

from __future__ import annotations

import re

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from explorer import presets as module
from explorer.core import softmax
from explorer.presets import PRESETS
from explorer.state import ExplorerState
from tests.fuzz.explorer_states import valid_states
from tests.fuzz.hostile import (
    Case,
    call_contract,
    cases,
    fuzzes,
    hostile_text,
    junk,
    regressions,
    unfuzzed,
)


@fuzzes(module.apply_preset, module.matching)
@given(
    cases(
        {"state": valid_states(), "name": st.sampled_from(list(PRESETS))},
        {"state": junk, "name": st.one_of(hostile_text, junk)},
    )
)
def test_apply_preset_and_matching(case):
    loaded = call_contract(module.apply_preset, **case.kwargs, bad=case.bad)
    found = call_contract(module.matching, case.kwargs["state"], bad=("state",))
    if case.bad is None:
        preset = PRESETS[case.kwargs["name"]]
        assert module.matching(loaded) == preset and loaded.labels == preset.labels
        assert found is None or module.apply_preset(case.kwargs["state"], found.name).logits == (
            case.kwargs["state"].logits
        )


@fuzzes(module.try_this)
@given(cases({"state": valid_states()}, {"state": junk}))
@regressions(  # the test took the suggested T/10 = 0.075 for a quoted probability
    [
        Case(
            {"state": ExplorerState(logits=(0.0, 5e-324), labels=("A", "B"), temperature=0.75)},
            None,
        )
    ]
)
def test_try_this(case):
    text = call_contract(module.try_this, **case.kwargs, bad=case.bad)
    if case.bad is None:
        state = case.kwargs["state"]
        assert text and "nan" not in text.lower().replace("nanny", "")
        # Every probability the prompt quotes is the top bar at T or at a T it suggests, or
        # the uniform share.
        t = state.temperature
        finite = sum(np.isfinite(state.logits))
        expected = [float(softmax(state.logits, s).max()) for s in (t, 2 * t, t / 2, t / 10, 0.5)]
        # Suggested temperatures ("(to 0.075)", "T = 1.500") are not probabilities: left out.
        shares = re.sub(r"\(to [^)]*\)|T = \S+", "", text)
        for quoted in (float(x) for x in re.findall(r"\b\d\.\d{3}\b", shares)):
            assert any(abs(quoted - e) <= 5e-4 for e in [*expected, 1 / finite]), quoted


def test_every_public_function_has_a_fuzzer():
    assert unfuzzed(module) == []
