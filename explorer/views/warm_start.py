"""Run once per server process, before any page (app.py imports it first).

1. The imports every page shares. When a class opens the link at once on a fresh server, the
   sessions' threads import these concurrently, and plotly then read a half-imported pandas
   ("partially initialized module", 4 of 10 sessions; tests/test_wsclient.py's cold burst).
   Importing them here first makes the other threads wait for the whole import.
2. ``gc.freeze()``: everything alive now (mostly those modules) moves to the collector's
   permanent generation. Streamlit collects garbage after every script run
   (``runner.postScriptGC``), which is what frees a closed session's objects (they sit in
   reference cycles); without the freeze that full collection re-scanned every imported module
   and cost ~80 ms of server CPU per key press. Frozen objects are never freed, so this runs once,
   at import, and only modules and constants exist at this point.
"""

import gc

import pandas  # noqa: F401
import plotly.graph_objects  # noqa: F401

gc.freeze()
