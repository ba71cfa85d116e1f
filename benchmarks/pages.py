"""One AppTest rerun of each page (and each view or section), beside a minimal reference page.

A scenario opens the page from a link (its view or section in the query), runs it once (not
timed: that run builds the caches), then makes one full cycle of the interaction it times, so
that every rerun afterwards meets warm caches, as a person moving a slider back and forth does.
Then each timed rerun of the page is paired with a rerun of the reference page (one slider, one
metric) in the same process, right after it, so both see the same load; the ratio says what the
page costs over Streamlit's own per-rerun overhead.

The targets are the issue's: the Explorer at most 50 ms per rerun, every page at most 150 ms, on
the p50 of the reruns.
"""

from __future__ import annotations

import contextlib
import cProfile
import io
import logging
import pstats
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from unittest import mock

from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.local_script_runner import LocalScriptRunner

from benchmarks.timing import Row, Selected, everything, percentile
from explorer import distillation_experiment
from explorer.quiz import QUESTIONS

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "app.py"
EXPLORER_TARGET_MS = 50.0
PAGE_TARGET_MS = 150.0
TIMEOUT = 600  # seconds for one run: a first visit may train a model or run the bandits

REFERENCE_PAGE = """
import streamlit as st
t = st.select_slider("Temperature", options=[0.5, 1.0, 2.0], value=1.0, key="T")
st.metric("T", t)
"""
REFERENCE_NAME = "minimal page (slider + metric)"

Move = Callable[[AppTest, int], None]


def _not_bare_mode_warning(record: logging.LogRecord) -> bool:
    return "missing ScriptRunContext" not in record.getMessage()


# Creating an AppTest outside a script run logs "missing ScriptRunContext! This warning can be
# ignored…" each time; a filter (unlike a level, which Streamlit resets) keeps it out.
logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").addFilter(
    _not_bare_mode_warning
)


def slide(key: str, values: tuple) -> tuple[Move, int]:
    """Set the widget ``key`` to the next of ``values`` (a cycle), as a user moving it does."""

    def move(app: AppTest, k: int) -> None:
        app.get_by_key(key).set_value(values[k % len(values)])

    return move, len(values)


def click(app: AppTest, label: str) -> None:
    next(button for button in app.button if button.label == label).click()


def quiz_reveal_hide(app: AppTest, k: int) -> None:
    """Even moves answer and reveal (the chart appears), odd moves hide the answer again."""
    if k % 2 == 0:
        app.radio(key="q_pick").set_value(0)
        click(app, "Reveal the answer")
    else:
        click(app, "Hide the answer and try it")


def quiz_next(app: AppTest, k: int) -> None:
    click(app, "Next")


@dataclass(frozen=True)
class Scenario:
    """One page row: which page, opened from which link, and the interaction timed."""

    name: str
    page: str  # path relative to the repository, as st.Page knows it
    move: Move
    cycle: int  # moves in one full cycle of the interaction (one cycle warms the caches)
    target_ms: float = PAGE_TARGET_MS
    query: dict[str, str] = field(default_factory=dict)
    note: str = ""


def scenarios(quick: bool) -> list[Scenario]:
    """Every page, and every view or section of it, with the interaction that matters there."""
    temperature = slide("x_temperature", (0.5, 0.7, 1.0, 1.5))
    kelvin = slide("p_kelvin", (100.0, 300.0, 1000.0, 3000.0))
    rows = [
        Scenario(
            f"Explorer, view {view}",
            "explorer/views/explorer_page.py",
            *temperature,
            target_ms=EXPLORER_TARGET_MS,
            query={"view": view},
            note="move T",
        )
        for view in ("curves", "steps", "compare", "logprob", "sweep")
    ]
    rows += [
        Scenario(
            f"Sampling lab, {section}",
            "explorer/views/sampling_page.py",
            *temperature,
            query={"sec": section},
            note="move T",
        )
        for section in ("draws", "gumbel", "decoding", "text")
    ]
    rows += [
        Scenario(
            f"Boltzmann physics, view {view}",
            "explorer/views/physics_page.py",
            *kelvin,
            query={"pview": view},
            note="move the temperature (K)",
        )
        for view in ("thermo", "bridge", "ensemble")
    ]
    applications = "explorer/views/applications_page.py"
    # In --quick the bandits run 200 × 200 (a link can say so): the default 2,000 × 1,000 takes
    # seconds per seed on a first visit.
    bandit_size = {"runs": "200", "steps": "200"} if quick else {}
    rows += [
        Scenario(
            "Applications lab, calibration",
            applications,
            *slide("a_calT", (1.0, 1.5, 2.0, 0.5)),
            query={"sec": "calibration"},
            note="move your T",
        ),
        Scenario(
            "Applications lab, distillation",
            applications,
            *slide("a_kdT", (1.0, 2.0, 4.0, 8.0)),
            query={"sec": "distillation"},
            note="move the distillation T",
        ),
        Scenario(
            "Applications lab, exploration",
            applications,
            *slide("a_seed", (1, 0)),
            query={"sec": "exploration", **bandit_size},
            note="change the seed" + (" (quick: 200 runs × 200 steps)" if quick else ""),
        ),
        Scenario(
            "Applications lab, attention",
            applications,
            *slide("a_d", (16, 64, 256, 1024)),
            query={"sec": "attention"},
            note="move d",
        ),
        Scenario(
            "Predict-then-reveal, reveal/hide",
            "explorer/views/quiz_page.py",
            quiz_reveal_hide,
            2,
            note="answer + reveal, then hide",
        ),
        Scenario(
            "Predict-then-reveal, next question",
            "explorer/views/quiz_page.py",
            quiz_next,
            len(QUESTIONS),
            note="press Next",
        ),
    ]
    return rows


def rerun(app: AppTest) -> None:
    """Run the script again; a page that raises stops the benchmark with its message."""
    app.run()
    if app.exception:
        raise RuntimeError(f"the page raised: {[e.message for e in app.exception]}")


def open_page(page: str, query: dict[str, str]) -> AppTest:
    """A fresh session on app.py, arrived at ``page`` from a link saying ``query``."""
    app = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    for name, value in query.items():
        app.query_params[name] = value
    app.switch_page(page)
    rerun(app)
    return app


def timed(app: AppTest) -> float:
    start = time.perf_counter()
    rerun(app)
    return time.perf_counter() - start


@contextlib.contextmanager
def small_distillation() -> Iterator[None]:
    """For --quick only: the distillation section's cached experiment at 1 seed × 30 epochs.

    The section trains 18 students on its first visit (seconds, more on a loaded machine);
    its reruns afterwards never train. Shrinking the first visit keeps --quick short without
    changing what a rerun does.
    """
    function = distillation_experiment.distillation_experiment
    defaults = dict(function.__kwdefaults__)
    function.__kwdefaults__ = defaults | {"seeds": 1, "epochs": 30}
    try:
        yield
    finally:
        function.__kwdefaults__ = defaults


@contextlib.contextmanager
def profiled_script_runs(profiler: cProfile.Profile | None) -> Iterator[None]:
    """Profile the page script while inside, on the thread AppTest runs it on.

    AppTest runs the script on a thread of its own while the caller polls; a profiler enabled
    on the caller's thread would only see the polling.
    """
    if profiler is None:
        yield
        return
    original = LocalScriptRunner._run_script

    def run_script(self, *args, **kwargs):
        profiler.enable()
        try:
            return original(self, *args, **kwargs)
        finally:
            profiler.disable()

    with mock.patch.object(LocalScriptRunner, "_run_script", run_script):
        yield


def measure(
    scenario: Scenario, runs: int, reference: AppTest, profiler: cProfile.Profile | None = None
) -> Row:
    """p50 and p95 of ``runs`` warm reruns of the scenario, each paired with the reference.

    With ``profiler``, the timed reruns of the page (not the reference's) are profiled.
    """
    app = open_page(scenario.page, scenario.query)
    for k in range(scenario.cycle):  # one full cycle: every state the timing visits is cached
        scenario.move(app, k)
        rerun(app)
    reference_move, _ = slide("T", (0.5, 1.0, 2.0))
    ours: list[float] = []
    theirs: list[float] = []
    for k in range(runs):
        scenario.move(app, k)
        with profiled_script_runs(profiler):
            ours.append(timed(app))
        reference_move(reference, k)
        theirs.append(timed(reference))
    p50 = percentile(ours, 50)
    return Row(
        group="pages",
        name=scenario.name,
        seconds=p50,
        p95=percentile(ours, 95),
        reference=REFERENCE_NAME,
        reference_seconds=percentile(theirs, 50),
        target=f"≤ {scenario.target_ms:g} ms",
        passed=p50 * 1000 <= scenario.target_ms,
        note=scenario.note,
    )


def reference_page() -> AppTest:
    """The minimal page, run once."""
    app = AppTest.from_string(REFERENCE_PAGE, default_timeout=TIMEOUT)
    rerun(app)
    return app


def run(
    quick: bool,
    runs: int | None = None,
    profile: str | None = None,
    selected: Selected = everything,
) -> list[Row]:
    """The page rows ``selected`` by name; with ``profile``, those whose name contains it are
    profiled too."""
    runs = runs or (4 if quick else 30)
    reference = reference_page()
    rows = []
    profiles: dict[str, cProfile.Profile] = {}
    with small_distillation() if quick else contextlib.nullcontext():
        for scenario in scenarios(quick):
            if not selected(scenario.name):
                continue
            profiler = None
            if profile is not None and profile.lower() in scenario.name.lower():
                profiler = profiles[scenario.name] = cProfile.Profile()
            rows.append(measure(scenario, runs, reference, profiler))
    for name, profiler in profiles.items():
        print_profile(name, profiler)
    return rows


def print_profile(name: str, profiler: cProfile.Profile, lines: int = 30) -> None:
    """Where the timed reruns of ``name`` spent their time, by cumulative time."""
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(lines)
    stats.sort_stats("tottime").print_stats(lines // 2)
    print(f"\nProfile of the timed reruns: {name}\n{out.getvalue()}", file=sys.stderr)
