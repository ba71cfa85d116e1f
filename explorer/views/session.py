"""Where the Explorer's one state object lives: Streamlit's session, mirrored in the URL."""

from __future__ import annotations

import streamlit as st

from explorer.state import ExplorerState, from_query, to_query

STATE_KEY = "explorer_state"


def load_state() -> tuple[ExplorerState, list[str]]:
    """This session's state; on a session's first run, the state its URL describes.

    Returns the state and notices about link parameters that were bad and ignored (only on
    that first run).
    """
    if STATE_KEY in st.session_state:
        return st.session_state[STATE_KEY], []
    state, notices = from_query(st.query_params.to_dict())
    st.session_state[STATE_KEY] = state
    return state, notices


def save_state(state: ExplorerState) -> None:
    """Make ``state`` the truth for this session and for the page's link."""
    st.session_state[STATE_KEY] = state
    query = to_query(state)
    if st.query_params.to_dict() != query:
        st.query_params.from_dict(query)
