"""Where each page's state object lives: Streamlit's session, mirrored in the URL."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TypeVar

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from explorer import presentation
from explorer.state import ExplorerState, from_query
from explorer.views import presentation as presenting

STATE_KEY = "explorer_state"  # the shared distribution: logits, labels, temperature, …

State = TypeVar("State")


def history_navigation() -> bool:
    """True on a run caused by the browser's Back or Forward button (the URL is the truth then).

    Streamlit 1.67 marks such runs on its script-run context (an internal API, hence the
    guard: without it, Back and Forward simply keep the session's state).
    """
    ctx = get_script_run_ctx()
    return bool(getattr(ctx, "is_history_navigation", False))


def load(
    key: str, parse: Callable[[Mapping[str, str]], tuple[State, list[str]]]
) -> tuple[State, list[str]]:
    """This session's state under ``key``; on its first run, and after Back or Forward, the
    state the URL describes.

    Returns the state and notices about link parameters that were bad and ignored (only on
    those runs).
    """
    if key in st.session_state and not history_navigation():
        return st.session_state[key], []
    state, notices = parse(st.query_params.to_dict())
    st.session_state[key] = state
    return state, notices


def load_state() -> tuple[ExplorerState, list[str]]:
    """The shared distribution (the Explorer's state). Fields another page's link does not
    carry (the Explorer's view, second T, …) keep their values after Back or Forward there.
    """
    current = st.session_state.get(STATE_KEY, ExplorerState())
    return load(STATE_KEY, lambda params: from_query(params, base=current))


def save(key: str, state: object) -> None:
    """Make ``state`` the truth for this session."""
    st.session_state[key] = state


def write_link(query: dict[str, str]) -> None:
    """Make the page's URL say ``query``, so that the link reproduces the view, and offer it.

    Every page calls this once per run, before drawing. The presentation mode's parameters
    (present=, hide=) are kept in the link, whatever the page's own are; the sidebar shows the
    mode's switch and the whole link with a copy button (explorer.views.presentation).
    """
    query = query | presentation.to_query(presenting.current())
    if st.query_params.to_dict() != query:
        st.query_params.from_dict(query)
    presenting.stylesheet()
    presenting.sidebar(query)
