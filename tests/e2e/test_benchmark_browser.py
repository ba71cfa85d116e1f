"""The browser benchmark runs in a real Chromium and prints its rows. No timing is asserted.

``python -m benchmarks --only browser --quick`` starts the app and the minimal reference page,
drives them in the system Chromium and reports (about a minute on an idle machine). Here: every
row is there with a figure and a reference, each in its unit, the figures are possible ones, and
the ✓/✗ marks follow from the numbers.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.__main__ import parse_args, table
from benchmarks.browser import BrowserUnavailable, Measure, chromium_path

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
SESSIONS = 3  # --quick
UNITS = {
    "Explorer, cold start → first chart": "s",
    "Explorer, key press → readout": "s",
    "Explorer, server CPU per key press": "s",
    "Server memory, idle (no session)": "bytes",
    "Server memory, 1 session": "bytes",
    f"Server memory, {SESSIONS} sessions": "bytes",
    "Sweep animation, frames per second": "fps",
}
MIB = 2**20


@pytest.fixture(scope="module")
def report() -> dict:
    try:
        chromium_path()
    except BrowserUnavailable as missing:
        if os.environ.get("CI") == "true":
            pytest.fail(str(missing), pytrace=False)
        pytest.skip(str(missing))
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--only", "browser", "--quick", "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def rows(report) -> dict[str, dict]:
    return {row["name"]: row for row in report["rows"]}


def test_every_browser_figure_has_its_row_beside_a_reference(report, rows):
    assert list(rows) == list(UNITS)
    assert report["skipped"] == {}
    for name, row in rows.items():
        assert row["group"] == "browser" and row["unit"] == UNITS[name], row
        assert row["seconds"] > 0 and row["reference_seconds"] > 0, row
        assert row["reference"], row


def test_the_figures_are_possible(rows):
    cold = rows["Explorer, cold start → first chart"]
    assert 0.2 < cold["seconds"] < 120 and 0.2 < cold["reference_seconds"] < 120
    key = rows["Explorer, key press → readout"]
    assert 0.001 < key["seconds"] <= key["p95"] < 30  # the page's own 30 s timeout
    cpu = rows["Explorer, server CPU per key press"]
    assert 0 < cpu["seconds"] < 30
    idle, one = rows["Server memory, idle (no session)"], rows["Server memory, 1 session"]
    for row in (idle, one, rows[f"Server memory, {SESSIONS} sessions"]):
        assert 20 * MIB < row["seconds"] < 4096 * MIB, row
        assert "heap (RssAnon)" in row["note"], row
    assert idle["seconds"] < one["seconds"]  # the Explorer's first run imports its modules
    fps = rows["Sweep animation, frames per second"]
    assert fps["p95"] <= fps["seconds"] <= 240  # p95: the slowest 5 % of frames
    assert "redraw False" in fps["note"]  # as explorer.charts.sweep_animation plays it


def test_marks_follow_from_the_numbers(rows):
    targets = {
        "Explorer, cold start → first chart": ("≤ 5 s", lambda v: v <= 5.0),
        "Explorer, key press → readout": ("≤ 200 ms", lambda v: v <= 0.2),
        "Sweep animation, frames per second": ("≥ 30 fps", lambda v: round(v, 1) >= 30),
    }
    for name, row in rows.items():
        if name in targets:
            target, met = targets[name]
            assert row["target"] == target and row["passed"] == met(row["seconds"]), row
        else:
            assert row["target"] == "" and row["passed"] is None, row


def test_the_table_shows_each_row_in_its_unit(report):
    measures = [Measure(**{k: v for k, v in row.items() if k != "ratio"}) for row in report["rows"]]
    lines = table(measures, parse_args(["--only", "browser"]), 1.0, {}).splitlines()
    assert any(line.startswith("BROWSER — ") for line in lines)
    shown_in = {"s": ("µs", "ms", "s"), "bytes": ("MiB",), "fps": ("fps",)}
    for row in report["rows"]:
        (line,) = [line for line in lines if line.startswith(row["name"] + " ")]
        figure = re.match(rf"{re.escape(row['name'])} +\d+(?:\.\d+)? (\S+)", line)
        assert figure and figure[1] in shown_in[row["unit"]], line
        assert ("✓" in line or "✗" in line) == (row["passed"] is not None), line
