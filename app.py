"""Softmax Temperature Explorer: page configuration and navigation, nothing else."""

import streamlit as st

from explorer.views import warm_start  # noqa: F401  (once per process: shared imports, gc.freeze)

st.set_page_config(
    page_title="Softmax temperature explorer",
    page_icon="🌡️",  # an emoji becomes a data: URL; a :material/…: icon is fetched from a CDN
    layout="wide",
)
st.navigation(
    [
        st.Page(
            "explorer/views/explorer_page.py",
            title="Explorer",
            icon=":material/bar_chart:",
            default=True,
        ),
        st.Page("explorer/views/sampling_page.py", title="Sampling lab", icon=":material/casino:"),
        st.Page(
            "explorer/views/physics_page.py", title="Boltzmann physics", icon=":material/science:"
        ),
        st.Page(
            "explorer/views/applications_page.py",
            title="Applications lab",
            icon=":material/model_training:",
        ),
        st.Page(
            "explorer/views/quiz_page.py", title="Predict, then reveal", icon=":material/quiz:"
        ),
    ]
).run()
