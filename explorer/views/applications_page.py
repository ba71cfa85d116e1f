"""Applications lab: temperature where practitioners meet it. Widgets in, sections out.

Each section is a module with WIDGETS (widget key → URL parameter), ``seed_values(lab)`` and
``show(lab, errors)``; this page owns the state and the link.
"""

from __future__ import annotations

import streamlit as st

from explorer.applications_state import SECTIONS, apply_form, from_query, to_query
from explorer.views import (
    attention_view,
    calibration_view,
    controls,
    distillation_view,
    exploration_view,
)
from explorer.views.safe_text import literal
from explorer.views.session import load, save, write_link

LAB_KEY = "applications_state"
SECTION_KEY = "a_section"
VIEWS = {
    "calibration": calibration_view,
    "distillation": distillation_view,
    "exploration": exploration_view,
    "attention": attention_view,
}
SECTION_NAMES = {
    "calibration": "Calibration",
    "distillation": "Distillation",
    "exploration": "Exploration (RL)",
    "attention": "Attention",
}

ss = st.session_state
arrived = controls.arrived_on("applications")
lab, notices = load(LAB_KEY, from_query)
# Widgets of the sections not shown this run are re-seeded from the state (Streamlit forgets a
# widget's value while it is off the page).
shown = VIEWS.get(ss.get(SECTION_KEY), VIEWS[lab.section]).WIDGETS
seeds = {SECTION_KEY: lab.section}
for view in VIEWS.values():
    seeds |= view.seed_values(lab)
controls.seed(seeds, arrived, hidden=tuple(k for k in seeds if k not in (SECTION_KEY, *shown)))
widgets = {SECTION_KEY: "sec"} | {k: p for view in VIEWS.values() for k, p in view.WIDGETS.items()}
lab, errors = apply_form(lab, {param: ss[key] for key, param in widgets.items()})
save(LAB_KEY, lab)
write_link(to_query(lab))

st.title("Applications lab")
st.caption(
    "Temperature where practitioners meet it: calibrating a classifier, distilling a teacher "
    "into a student, exploring in reinforcement learning, scaling attention. Every experiment "
    "here runs for real, in seconds, seeded."
)
for notice in notices:
    st.info(literal(notice), icon=":material/info:")
section = st.segmented_control(
    "Section", SECTIONS, format_func=SECTION_NAMES.get, key=SECTION_KEY, required=True
)
VIEWS[section].show(lab, errors)
