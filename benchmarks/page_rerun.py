"""Time one AppTest rerun of the Explorer page, beside a minimal reference page, same process.

    .venv/bin/python benchmarks/page_rerun.py [--runs 30]

The reference is the smallest page with the same kind of interaction (one slider, one metric):
the ratio says what the Explorer costs over Streamlit's own per-rerun overhead. Each view is
timed on warm caches after one interaction that moves the temperature, as a user would.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = """
import streamlit as st
t = st.select_slider("Temperature", options=[0.5, 1.0, 2.0], value=1.0)
st.metric("T", t)
"""


def time_reruns(app: AppTest, runs: int, move) -> list[float]:
    app.run()
    times = []
    for k in range(runs):
        move(app, k)
        start = time.perf_counter()
        app.run()
        times.append((time.perf_counter() - start) * 1000)
        assert not app.exception, app.exception
    return times


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    runs = parser.parse_args().runs

    def move_reference(app, k):
        app.select_slider[0].set_value([0.5, 1.0, 2.0][k % 3])

    reference = time_reruns(
        AppTest.from_string(REFERENCE, default_timeout=30), runs, move_reference
    )
    ref50, ref95 = percentile(reference, 50), percentile(reference, 95)
    print(f"{'page rerun (AppTest)':34} {'p50 ms':>8} {'p95 ms':>8} {'ref p50':>8} {'ratio':>6}")
    print(f"{'reference: 1 slider + 1 metric':34} {ref50:8.1f} {ref95:8.1f} {ref50:8.1f} {1:6.2f}")
    for view in ("curves", "steps", "compare", "logprob", "sweep"):
        app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
        app.query_params["view"] = view

        def move(app, k):
            app.select_slider(key="x_temperature").set_value([0.5, 0.7, 1.0, 1.5][k % 4])

        times = time_reruns(app, runs, move)
        p50, p95 = percentile(times, 50), percentile(times, 95)
        print(
            f"{'Explorer, view ' + view:34} {p50:8.1f} {p95:8.1f} {ref50:8.1f} {p50 / ref50:6.2f}"
        )


if __name__ == "__main__":
    main()
