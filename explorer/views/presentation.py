"""Presentation mode in the app: kept in the session, written into every page's link, switched
in the sidebar; and the sidebar's copy-link box.

The mode and the hidden controls come from the link on the session's first run
(``present=1``, ``hide=…``, see explorer.presentation) and then live in the session, so they
survive moving between pages (whose links Streamlit clears); explorer.views.session.write_link
puts them back into every page's link.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import streamlit as st

from explorer.presentation import HIDEABLE, Presentation, canonical, from_query, page_url
from explorer.views.safe_text import literal

KEY = "presentation"  # the session's Presentation
NOTICES = "presentation_notices"  # what the first link got wrong, shown once
TOGGLE, HIDDEN = "presentation_toggle", "presentation_hidden"  # the sidebar's widgets
LONG_LINK, LINK_HEIGHT = 240, 200  # a link over 240 characters scrolls in a box 200 px high
STYLESHEET = Path(__file__).resolve().parents[2] / "assets" / "presentation.css"


def current() -> Presentation:
    """This session's presentation; on its first run, the one the link asks for."""
    ss = st.session_state
    if KEY not in ss:
        ss[KEY], ss[NOTICES] = from_query(st.query_params.to_dict())
    return ss[KEY]


def shows(name: str) -> bool:
    """False for a control (a name in explorer.presentation.HIDEABLE) the teacher hid."""
    return current().shows(name)


def _toggled() -> None:
    st.session_state[KEY] = replace(current(), on=st.session_state[TOGGLE])


def _hidden_chosen() -> None:
    st.session_state[KEY] = replace(current(), hidden=canonical(st.session_state[HIDDEN]))


def stylesheet() -> None:
    """Large type for the whole page, in presentation mode only.

    Streamlit's guidance is to style through the theme, not injected CSS; but the theme is
    fixed per app, and this mode is switched per link. So this is the one exception: a constant
    file from assets/ (never anything a user typed), sent only when the mode is on.
    """
    if current().on:
        st.html(STYLESHEET)


def sidebar(query: dict[str, str]) -> None:
    """The mode's switch, the controls to hide, and this page's link with a copy button.

    ``query`` is the page's whole query string, presentation parameters included.
    """
    ss = st.session_state
    shown = current()
    ss[TOGGLE], ss[HIDDEN] = shown.on, list(shown.hidden)  # the state decides, as for any page
    with st.sidebar:
        st.toggle(
            "Presentation mode",
            key=TOGGLE,
            on_change=_toggled,
            help="Large type, thick lines, black on white: for a projector. The link keeps it "
            "(present=1), on every page.",
        )
        if shown.on or shown.hidden:
            # Closed by default: on a projector the chosen names would fill the sidebar.
            with st.expander("Hide controls", icon=":material/visibility_off:"):
                st.multiselect(
                    "Controls to hide",
                    list(HIDEABLE),
                    key=HIDDEN,
                    format_func=HIDEABLE.get,
                    on_change=_hidden_chosen,
                    placeholder="None hidden",
                    help="Focus a lesson: the Explorer's chosen controls disappear (the "
                    "distribution's fields also in the Sampling lab); their settings still "
                    "apply. The link keeps them (hide=…).",
                )
        for notice in ss.pop(NOTICES, []):
            st.info(literal(notice), icon=":material/info:")
        # Markdown, not a caption: the pages' tests read their own last caption.
        st.markdown("**Link to this view**, with a copy button at its top right:")
        url = page_url(st.context.url, query)  # st.context.url: this page's address, no query
        # A long link (the physics page's 61 levels) scrolls in a box of a few lines.
        height = LINK_HEIGHT if len(url) > LONG_LINK else "content"
        st.code(url, language=None, wrap_lines=True, height=height)
