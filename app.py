"""Softmax Temperature Explorer: page configuration and navigation, nothing else."""

import streamlit as st

st.set_page_config(
    page_title="Softmax temperature explorer",
    page_icon=":material/thermostat:",
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
    ]
).run()
