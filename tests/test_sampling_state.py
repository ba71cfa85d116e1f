"""The Sampling lab's state: exact URL round trip, and hostile links fall back with a notice."""

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from explorer.sampling_state import (
    MAX_DRAWS,
    MAX_LENGTH,
    MAX_PROMPT_CHARS,
    MAX_SEED,
    SECTIONS,
    SamplingState,
    from_query,
    to_query,
)
from explorer.temperature import TEMPERATURE_STOPS

states = st.builds(
    SamplingState,
    section=st.sampled_from(SECTIONS),
    seed=st.integers(0, MAX_SEED),
    draws=st.integers(1, MAX_DRAWS),
    top_k=st.integers(0, 1000),
    top_p=st.floats(0.01, 1),
    min_p=st.floats(0, 1),
    temperature_last=st.booleans(),
    tau=st.sampled_from(TEMPERATURE_STOPS[1:]),  # a slider: a link holds one of its stops
    prompt=st.text(max_size=MAX_PROMPT_CHARS),
    order=st.integers(1, 8),
    length=st.integers(1, MAX_LENGTH),
    text_temperatures=st.lists(st.floats(0, 100), min_size=1, max_size=4).map(tuple),
)


@settings(max_examples=300, deadline=None)
@given(states)
def test_every_state_survives_the_url_round_trip_exactly(state):
    restored, notices = from_query(to_query(state))
    assert notices == [] and restored == state


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from([*to_query(SamplingState()), "x"]),
        st.text(max_size=40) | st.lists(st.text(max_size=8), max_size=3),
    )
)
def test_any_query_gives_a_valid_state(params):
    state, notices = from_query(params)
    assert state.section in SECTIONS and 1 <= state.draws <= MAX_DRAWS
    assert 0 < state.top_p <= 1 and 0 <= state.min_p <= 1 and len(state.text_temperatures) <= 4
    assert all(math.isfinite(t) for t in state.text_temperatures)
    assert len(notices) <= len(params)


def test_bad_parameters_are_ignored_with_a_notice_each():
    state, notices = from_query(
        {
            "N": "10000001",
            "seed": "-1",
            "p": "0",
            "Ts": "1,2,3,4,5",
            "tlast": "yes",
            "sec": "draws",
            "k": "3",
        }
    )
    assert state == SamplingState(top_k=3)
    assert len(notices) == 5
    assert any("“N” was ignored: Draws must be between 1 and 1e+06" in n for n in notices)
