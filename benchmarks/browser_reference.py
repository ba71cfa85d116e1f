"""The reference page of the browser benchmarks: what Streamlit and Plotly cost by themselves.

One slider, one metric and a three-bar chart, as little as a page with a chart can be; with
``?view=sweep`` also a three-bar Plotly animation of 81 frames, no text, played with the frame
duration and redraw the link gives (``frame_ms=25&redraw=0``: the benchmark passes the
Explorer's own play settings). benchmarks/browser.py serves it with its own
``streamlit run benchmarks/browser_reference.py`` beside the app. Not imported by anything.
"""

import numpy as np
import plotly.graph_objects as go
import streamlit as st

LOGITS = np.array([2.0, 1.0, 0.1])
LABELS = ["A", "B", "C"]
STOPS = [round(1.2**k, 4) for k in range(-20, 21)]  # 41 stops, T = 1 in the middle
SWEEP = np.geomspace(0.01, 100, 81)


def probabilities(temperature: float) -> np.ndarray:
    scaled = LOGITS / temperature
    weights = np.exp(scaled - scaled.max())
    return weights / weights.sum()


temperature = st.select_slider("Temperature", options=STOPS, value=1.0, key="T")
st.metric("T", temperature)
st.plotly_chart(go.Figure(go.Bar(x=LABELS, y=probabilities(temperature))))

if st.query_params.get("view") == "sweep":
    frame = dict(
        duration=int(st.query_params.get("frame_ms", "25")),
        redraw=st.query_params.get("redraw", "0") == "1",
    )
    frames = [go.Frame(data=[go.Bar(x=LABELS, y=probabilities(t))], name=f"{t:.3g}") for t in SWEEP]
    play = dict(frame=frame, transition=dict(duration=0), fromcurrent=True, mode="immediate")
    animation = go.Figure(data=frames[0].data, frames=frames)
    animation.update_layout(
        yaxis_range=[0, 1.12],
        updatemenus=[
            dict(
                type="buttons",
                buttons=[dict(label="▶ Play", method="animate", args=[None, play])],
            )
        ],
    )
    st.plotly_chart(animation)
