"""The load test: its caps, its students' choices and its summary, then two short real runs
(one to the end, one stopped with Ctrl+C) that must leave no process behind. About 40 s."""

from __future__ import annotations

import doctest
import json
import os
import random
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from benchmarks import loadtest
from benchmarks.loadtest import (
    ACTIONS,
    LINK_TEMPERATURES,
    P95_TARGET,
    PAGES,
    Sample,
    first_page,
    next_action,
    parse_args,
    summarize,
)
from deploy import cluster

ROOT = Path(__file__).resolve().parents[1]


def alive(pid: int) -> bool:
    """Whether ``pid`` still runs (a zombie, exited but not reaped, does not count)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def test_the_cluster_docstring_examples_hold():
    failures, tried = doctest.testmod(cluster)  # the load test starts its processes with it
    assert tried >= 2 and failures == 0


# --- options and caps --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ["--students", "501"],
        ["--students", "0"],
        ["--students", *["10"] * 11],
        ["--duration", "601"],
        ["--think", "0.1"],
        ["--processes", "17"],
        ["--url", "http://192.168.0.2:8501"],
        ["--url", "http://example.org"],
        ["--url", "https://127.0.0.1:8501"],
        ["--pid", "1"],
        ["--url", "http://127.0.0.1:8501", "--processes", "2"],
    ],
)
def test_caps_and_loopback_are_enforced(argv, capsys):
    with pytest.raises(SystemExit):
        parse_args(argv)
    assert "error" in capsys.readouterr().err


def test_defaults_and_an_existing_loopback_server():
    args = parse_args([])
    assert args.students == [10, 30, 60] and args.think == 5 and args.duration == 60
    assert args.ramp == 10 and args.processes == 1 and args.warm_up
    assert not parse_args(["--no-warm-up"]).warm_up
    assert parse_args(["--duration", "9"]).ramp == 3
    external = parse_args(["--url", "http://localhost:8501", "--pid", "42"])
    assert external.processes == 0 and external.pid == [42]


# --- what students do --------------------------------------------------------------------------


def test_the_page_mix_is_mostly_the_explorer_with_a_temperature_in_the_link():
    rng = random.Random(1)
    draws = [first_page(rng) for _ in range(20_000)]
    explorer = [query for page, query in draws if page == ""]
    assert len(explorer) / len(draws) == pytest.approx(PAGES[""], abs=0.015)
    for page in ("sampling_page", "physics_page", "quiz_page"):
        share = sum(1 for p, _ in draws if p == page) / len(draws)
        assert share == pytest.approx(PAGES[page], abs=0.01)
    assert {q.removeprefix("T=") for q in explorer} == set(LINK_TEMPERATURES)
    assert all(q == "" for p, q in draws if p != "")


def test_students_only_use_widgets_the_page_shows():
    rng = random.Random(2)
    revealed = ["Presentation mode", "Previous", "Question", "Next", "Hide the answer and try it"]
    chosen = {next_action(rng, "quiz_page", revealed) for _ in range(500)}
    assert chosen == {
        ("Hide the answer and try it", "click"),
        ("Next", "click"),
        ("", "goto"),
    }
    explorer = {next_action(rng, "", ["Temperature", "Look closer"]) for _ in range(500)}
    assert explorer == {("Temperature", "pick"), ("Look closer", "pick"), ("", "goto")}
    assert all(label for page in ACTIONS for _, label, action in ACTIONS[page] if action != "goto")


def test_the_summary_counts_and_ranks_from_the_samples():
    args = parse_args(["--think", "2", "--duration", "30"])
    times = [0.1 * (i + 1) for i in range(20)]  # 0.1 … 2.0 s
    samples = [Sample("interact", "Explorer: Temperature", t) for t in times]
    samples += [Sample("interact", "Quiz: Next", 0.05)]
    samples += [Sample("open", "Explorer", 3.0), Sample("open", "Quiz", 1.0, "TimeoutError: x")]
    summary = summarize(samples, 7, 1, args)
    ordered = sorted([*times, 0.05])
    # numpy's linear percentile, recomputed by hand: position q/100 · (n − 1)
    position = 0.95 * (len(ordered) - 1)
    low = int(position)
    expected_p95 = ordered[low] + (position - low) * (ordered[low + 1] - ordered[low])
    assert summary["interactions"] == 21 and summary["opens"] == 2
    assert summary["p50"] == pytest.approx(ordered[10])
    assert summary["p95"] == pytest.approx(expected_p95)
    assert summary["max"] == pytest.approx(2.0)
    assert summary["errors"] == 1
    assert summary["error_examples"] == ["Quiz: TimeoutError: x"]
    assert summary["slowest"][0][:2] == ("Explorer: Temperature", 20)


def phase(**changes) -> loadtest.Phase:
    base = dict(
        students=30,
        processes=1,
        think=5.0,
        duration=60.0,
        ramp=10.0,
        wall_seconds=70.0,
        interactions=300,
        p50=0.2,
        p95=P95_TARGET,
        max=1.5,
        errors=0,
        error_examples=[],
        opens=30,
        open_p95=0.5,
        server_cpu_percent=60.0,
        server_cpu_seconds=42.0,
        per_process_cpu_percent=[60.0],
        balancer_cpu_percent=None,
        server_rss_max_mb=300.0,
        client_cpu_percent=2.0,
        load_before=1.0,
        load_after=2.0,
        cpu_wait_percent=10.0,
        slowest=[],
    )
    return loadtest.Phase(**(base | changes))


def test_a_class_size_passes_on_p95_and_errors_and_is_scaled_per_core():
    assert phase().passed  # p95 exactly at the target passes
    assert not phase(p95=P95_TARGET * 1.01).passed
    assert not phase(errors=1).passed
    assert not phase(p95=None, interactions=0).passed
    # 42 CPU seconds over 300 interactions and 30 opens: 0.127 s each; think 5 s → 39 per core
    assert phase().cpu_per_interaction == pytest.approx(42.0 / 330)
    assert phase().students_per_core == pytest.approx(5.0 * 330 / 42.0)
    assert phase(server_cpu_seconds=None).students_per_core is None
    assert phase(interactions=0, opens=0).cpu_per_interaction is None


# --- real runs ---------------------------------------------------------------------------------


def started_pids(stderr: str) -> list[int]:
    found = re.search(r"started 1 app process \(pid (\d+)\)", stderr)
    assert found, stderr
    return [int(found.group(1))]


def test_a_short_run_measures_the_server_and_stops_it():
    done = subprocess.run(
        [
            *(sys.executable, "-m", "benchmarks.loadtest", "--students", "4"),
            *("--duration", "4", "--think", "1", "--ramp", "1", "--json"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    (result,) = json.loads(done.stdout)
    assert result["students"] == 4 and result["opens"] >= 4
    assert result["interactions"] >= 1, result  # about 4 × 4 s / 1 s, fewer on a busy machine
    assert result["errors"] == 0, result["error_examples"]
    assert 0 < result["p50"] <= result["p95"] <= result["max"] < 30
    assert 100 < result["server_rss_max_mb"] < 2000  # a Streamlit process holds 200-300 MB
    assert result["server_cpu_percent"] > 0
    assert not any(alive(pid) for pid in started_pids(done.stderr))


def test_ctrl_c_stops_the_server_it_started():
    process = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.loadtest", "--students", "3", "--duration", "300"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        lines = []
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            line = process.stderr.readline()
            lines.append(line)
            if "started 1 app process" in line or not line:
                break
        pids = started_pids("".join(lines))
        assert alive(pids[0])
        time.sleep(2)  # into the warm-up
        os.kill(process.pid, signal.SIGINT)
        _, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 130, err
    assert "interrupted" in err
    assert not any(alive(pid) for pid in pids)
