"""The Applications lab's state: every state survives its link, and no link can break it."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from explorer.applications_state import (
    CALIBRATION_TEMPERATURES,
    KD_TEMPERATURES,
    MAX_BANDIT_TEMPERATURES,
    MAX_BINS,
    MAX_DIMENSION,
    MAX_KEYS,
    MAX_RUNS,
    MAX_STEPS,
    MIN_BINS,
    SECTIONS,
    ApplicationsState,
    apply_form,
    from_query,
    to_query,
)
from explorer.state import MAX_DIGIT


def on_grid(low: float, high: float, step: float):
    """Values a linear slider of that step can take, as it reports them (rounded to 0.01)."""
    return st.integers(round(low / step), round(high / step)).map(lambda k: round(k * step, 2))


states = st.builds(
    ApplicationsState,
    section=st.sampled_from(SECTIONS),
    manual_temperature=on_grid(*CALIBRATION_TEMPERATURES),
    bins=st.integers(MIN_BINS, MAX_BINS),
    image=st.integers(0, MAX_DIGIT),
    kd_temperature=on_grid(*KD_TEMPERATURES),
    seed=st.integers(0, 2**32 - 1),
    runs=st.integers(1, MAX_RUNS),
    steps=st.integers(1, MAX_STEPS),
    bandit_temperatures=st.lists(
        st.floats(0, 100), min_size=1, max_size=MAX_BANDIT_TEMPERATURES, unique=True
    ).map(lambda ts: tuple(sorted(ts))),
    dimension=st.sampled_from([2**k for k in range(13)]),
    keys=st.integers(2, MAX_KEYS),
)


@settings(max_examples=300, deadline=None)
@given(states)
def test_every_state_survives_the_url_round_trip_exactly(state):
    restored, notices = from_query(to_query(state))
    assert notices == [] and restored == state


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(
            ["sec", "calT", "bins", "kdimg", "kdT", "seed", "runs", "steps", "Ts", "d"]
        ),
        st.text(max_size=40) | st.lists(st.text(max_size=10), max_size=3),
    )
)
def test_any_query_gives_a_valid_state_and_a_notice_per_bad_parameter(params):
    state, notices = from_query(params)
    assert state.section in SECTIONS and MIN_BINS <= state.bins <= MAX_BINS
    assert 1 <= state.dimension <= MAX_DIMENSION and state.dimension & (state.dimension - 1) == 0
    assert 1 <= len(state.bandit_temperatures) <= MAX_BANDIT_TEMPERATURES
    assert all(isinstance(notice, str) for notice in notices)


def test_temperatures_are_sorted_and_each_kept_once():
    state, _ = from_query({"Ts": "1, 0.2,0.2 ,0"})
    assert state.bandit_temperatures == (0.0, 0.2, 1.0)


def test_a_bad_field_keeps_its_value_and_says_why_while_the_others_apply():
    state, errors = apply_form(ApplicationsState(), {"d": "100", "keys": "8", "Ts": "hot"})
    assert state == replace(ApplicationsState(), keys=8)
    assert "power of two" in errors["d"] and "not a number" in errors["Ts"]
    assert set(errors) == {"d", "Ts"}


def test_a_temperature_off_the_sliders_step_is_refused_not_moved():
    state, notices = from_query({"calT": "1.725", "kdT": "0.05"})
    assert state == ApplicationsState()
    assert "multiple of 0.01" in notices[0] and "between 0.1 and 20" in notices[1]
    assert from_query({"calT": "nan"})[1] == [
        "The link's “calT” was ignored: Temperature “nan” is not a number."
    ]
