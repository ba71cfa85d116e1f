"""The benchmark command runs and prints a row per figure. No timing is asserted here.

Benchmarks are scripts (``python -m benchmarks``): what they measure depends on the machine, so
the suite only checks that the command runs (``--quick``, about a minute), that its table has
every expected row with a figure, a reference and, where there is a target, a mark, and that
the marks follow from the numbers.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.__main__ import format_value
from benchmarks.timing import Row, format_seconds, percentile

ROOT = Path(__file__).resolve().parents[1]

CORE_ROWS = [
    *(
        f"{function}, {size}"
        for function in ("softmax", "log_softmax")
        for size in ("n = 10", "n = 1,000", "n = 50,000", "1,000 × 1,000 batch")
    ),
    "sample 10⁶ draws, n = 3",
    "sample 10⁶ draws, n = 50",
    "sample 10⁶ draws, n = 50,000",
    "temperature curves, 12 classes",
    "temperature curves, 50,000 classes",
]
UNTARGETED_CORE = {"temperature curves, 12 classes", "temperature curves, 50,000 classes"}
PAGE_ROWS = [
    *(f"Explorer, view {view}" for view in ("curves", "steps", "compare", "logprob", "sweep")),
    *(f"Sampling lab, {section}" for section in ("draws", "gumbel", "decoding", "text")),
    *(f"Boltzmann physics, view {view}" for view in ("thermo", "bridge", "ensemble")),
    *(
        f"Applications lab, {section}"
        for section in ("calibration", "distillation", "exploration", "attention")
    ),
    "Predict-then-reveal, reveal/hide",
    "Predict-then-reveal, next question",
]
EXPERIMENT_ROWS = [
    "digits model: load, split, train",
    "fit_temperature, digits",
    "calibrate, digits (whole report)",
    "fit_temperature, random logits",
    "calibrate, random logits",
    "parse_upload, CSV of logits",
    "distillation experiment",
    "bandit comparison",
    "attention sweep",
]
NO_REFERENCE = {
    "calibrate, digits (whole report)",
    "calibrate, random logits",
    "distillation experiment",
}

TIME = r"\d+(?:\.\d+)? (?:µs|ms|s)(?!\w)"  # as format_seconds writes it; not "200 steps"


def benchmarks(*args: str, timeout: float) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "benchmarks", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@pytest.fixture(scope="module")
def quick_table() -> list[str]:
    """The lines of the table ``--quick`` prints (the one slow step of this file), without the
    browser rows: they need Chromium (tests/e2e/test_benchmark_browser.py runs them)."""
    result = benchmarks(
        "--quick", "--only", "core", "--only", "pages", "--only", "experiments", timeout=600
    )
    assert result.returncode == 0, result.stderr[-4000:]
    assert "Traceback" not in result.stderr, result.stderr[-4000:]
    return result.stdout.splitlines()


def row_line(lines: list[str], name: str) -> str:
    (line,) = [line for line in lines if line.startswith(name + " ")]
    return line


@pytest.mark.parametrize("name", CORE_ROWS + PAGE_ROWS + EXPERIMENT_ROWS)
def test_every_figure_has_its_row(quick_table, name):
    line = row_line(quick_table, name)
    times = re.findall(TIME, line.split("≤")[0])  # the target, "≤ 50 ms", is not a figure
    if name in NO_REFERENCE:
        assert len(times) == 1, line
        assert " — " in line, line  # no reference, no ratio
        return
    # ours, (p95 for pages), the reference, and their ratio
    assert len(times) == (3 if name in PAGE_ROWS else 2), line
    assert re.search(r"  \d+\.\d\d  ", line), line
    targeted = name in PAGE_ROWS or (name in CORE_ROWS and name not in UNTARGETED_CORE)
    assert ("✓" in line or "✗" in line) == targeted, line


def test_pages_are_held_to_the_issues_targets(quick_table):
    for name in PAGE_ROWS:
        target = "≤ 50 ms" if name.startswith("Explorer") else "≤ 150 ms"
        assert target in row_line(quick_table, name)
    assert "minimal page" in row_line(quick_table, "Explorer, view curves")


def test_groups_come_in_order_with_a_heading_and_a_summary(quick_table):
    headings = [line.split(" — ")[0] for line in quick_table if re.match(r"[A-Z]+ — ", line)]
    assert headings == ["CORE", "PAGES", "EXPERIMENTS"]
    judged = len(CORE_ROWS) - len(UNTARGETED_CORE) + len(PAGE_ROWS)
    (summary,) = [line for line in quick_table if line.startswith("Targets: ")]
    assert re.match(rf"Targets: \d+ of {judged} met", summary), summary


def test_json_rows_and_marks_follow_from_the_numbers():
    result = benchmarks("--quick", "--only", "core", "--repeats", "1", "--json", timeout=300)
    assert result.returncode == 0, result.stderr[-4000:]
    report = json.loads(result.stdout)
    assert [row["name"] for row in report["rows"]] == CORE_ROWS
    assert report["machine"]["cpus"] >= 1
    for row in report["rows"]:
        assert row["group"] == "core"
        assert row["seconds"] > 0 and row["reference_seconds"] > 0
        ratio = row["seconds"] / row["reference_seconds"]
        assert row["ratio"] == pytest.approx(ratio)
        if row["name"] in UNTARGETED_CORE:
            assert row["passed"] is None
        else:
            assert row["passed"] == (ratio <= 1.2), row


@pytest.mark.parametrize(
    "args", [["--runs", "0"], ["--only", "everything"], ["--moves", "0"], ["--sessions", "1001"]]
)
def test_bad_options_are_refused_before_anything_runs(args):
    result = benchmarks(*args, timeout=120)
    assert result.returncode == 2
    assert "error:" in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize("ci", ["true", ""])
def test_without_chromium_the_browser_group_says_so_in_one_line(ci):
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--only", "browser"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=os.environ | {"CHROMIUM_PATH": "/nowhere/chromium", "CI": ci},
    )
    assert result.returncode == (1 if ci == "true" else 0)  # CI must have its browser
    (line,) = result.stderr.splitlines()
    assert line.startswith("browser rows skipped: no Chromium at /nowhere/chromium"), line
    assert "BROWSER — skipped: no Chromium at /nowhere/chromium" in result.stdout


# --- the helpers, against values worked out by hand --------------------------------------------


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        (0.0456, "s", "45.6 ms"),
        (29.96, "fps", "30 fps"),
        (22.449, "fps", "22.4 fps"),
        (235 * 2**20 + 2**19 - 1, "bytes", "235 MiB"),
        (None, "fps", "—"),
    ],
)
def test_format_value(value, unit, text):
    assert format_value(value, unit) == text


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (1.234e-5, "12.3 µs"),
        (9.9949e-4, "999 µs"),
        (9.9970e-4, "1 ms"),  # not "1e+03 µs"
        (0.0456, "45.6 ms"),
        (2.5, "2.5 s"),
        (None, "—"),
    ],
)
def test_format_seconds(seconds, text):
    assert format_seconds(seconds) == text


def test_percentile_interpolates_between_order_statistics():
    assert percentile([4.0, 1.0, 3.0, 2.0], 50) == 2.5
    assert percentile([float(k) for k in range(101)], 95) == 95.0
    assert percentile([7.0], 95) == 7.0


def test_a_row_without_a_reference_has_no_ratio():
    assert Row("experiments", "x", 2.0).ratio is None
    assert Row("core", "x", 3.0, "ref", 2.0).ratio == 1.5


def test_match_runs_only_the_rows_named():
    result = benchmarks("--quick", "--match", "N = 3", "--repeats", "1", "--json", timeout=300)
    assert result.returncode == 0, result.stderr[-4000:]
    assert [row["name"] for row in json.loads(result.stdout)["rows"]] == ["sample 10⁶ draws, n = 3"]
