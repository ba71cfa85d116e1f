"""`bash scripts/serve.sh 2`, end to end: two app processes behind HAProxy, sticky sessions.

Starts the documented command (with ``SERVE_PYTHON`` set to this Python, so nothing is
installed), then talks to it through the balancer with the websocket client: the health
endpoint, sessions that stay on one backend and spread over both, a cookie that pins a backend,
a short load test through it; then Ctrl+C, which must stop every process.
Needs Debian's haproxy: skipped without it, failed without it under ``CI=true``. About 40 s.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from benchmarks import loadtest
from benchmarks.server import free_port, healthy, proc_cpu_seconds
from benchmarks.wsclient import Session, http_get, run_coroutine
from deploy.cluster import find_haproxy, haproxy_stats, render_config

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[1]
START_TIMEOUT = 120.0  # seconds for serve.sh to say it is serving


def alive(pid: int) -> bool:
    """Whether ``pid`` still runs (a zombie, exited but not reaped, does not count)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


@pytest.fixture(scope="module")
def haproxy() -> str:
    binary = find_haproxy()
    if binary is None:
        message = "haproxy not found: install Debian's package with `apt-get install haproxy`"
        if os.environ.get("CI") == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return binary


@dataclasses.dataclass
class Served:
    process: subprocess.Popen
    url: str
    apps: dict[str, int]  # backend name → pid
    haproxy_pid: int
    logs: Path
    output: list[str]


@pytest.fixture(scope="module")
def served(haproxy, tmp_path_factory):
    logs = tmp_path_factory.mktemp("serve")
    port = free_port()
    process = subprocess.Popen(
        [
            *("bash", "scripts/serve.sh", "2", "--port", str(port)),
            *("--address", "127.0.0.1", "--logs", str(logs)),
        ],
        cwd=ROOT,
        env={**os.environ, "SERVE_PYTHON": sys.executable},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output: list[str] = []
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        output.append(line)
        if line.startswith("Serving") or not line:
            break
    text = "".join(output)
    apps = {name: int(pid) for name, pid in re.findall(r"^(app\d+): .* \(pid (\d+)\)", text, re.M)}
    found = re.search(r"^haproxy: pid (\d+)", text, re.M)
    try:
        assert "Serving 2 processes" in text and found and len(apps) == 2, text
        yield Served(process, f"http://127.0.0.1:{port}", apps, int(found.group(1)), logs, output)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def test_the_config_template_is_valid_for_haproxy(haproxy, tmp_path):
    config = tmp_path / "haproxy.cfg"
    config.write_text(render_config("127.0.0.1:1", [2, 3], tmp_path / "s.sock"))
    checked = subprocess.run([haproxy, "-c", "-f", str(config)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_health_through_the_balancer_sets_the_sticky_cookie(served):
    response = run_coroutine(http_get(f"{served.url}/_stcore/health"))
    assert response.status == 200 and response.body == b"ok"
    backend = response.cookies()["STSERVER"]
    assert backend in served.apps
    assert response.header("X-Served-By") == backend


def test_sessions_stick_to_one_backend_and_spread_over_both(served):
    cpu_before = {name: proc_cpu_seconds(pid) for name, pid in served.apps.items()}

    async def scenario():
        sessions = []
        try:
            for _ in range(4):  # held open, so the balancer sees where the load is
                session = await Session.open(served.url, query="T=0.7")
                sessions.append(session)
                await session.set("Temperature", "2")
                await session.set("Look closer", "Step by step")
            reloads = []
            for session in sessions:  # the same browser again: its cookie, a new websocket
                async with await Session.open(served.url, cookies=session.cookies) as again:
                    reloads.append(again.served_by)
            return [(s.cookies["STSERVER"], s.served_by) for s in sessions], reloads
        finally:
            for session in sessions:
                await session.close()

    pairs, reloads = run_coroutine(scenario())
    assert all(cookie == served_by for cookie, served_by in pairs), pairs
    assert reloads == [served_by for _, served_by in pairs]  # a reload finds its backend
    assert {served_by for _, served_by in pairs} == set(served.apps)  # both got students
    for name, pid in served.apps.items():  # and both did the work
        assert proc_cpu_seconds(pid) - cpu_before[name] > 0.1, name
    stats = haproxy_stats(served.logs / "haproxy.sock")
    assert set(stats) == set(served.apps)
    up = [row["status"].startswith("UP") for row in stats.values()]  # "UP 1/3" while checking
    assert all(up) and all(int(row["stot"]) >= 2 for row in stats.values()), stats


def test_a_cookie_pins_the_backend(served):
    async def scenario(name: str) -> list[str]:
        found = []
        for _ in range(3):
            async with await Session.open(served.url, cookies={"STSERVER": name}) as session:
                await session.set("Temperature", "0.5")
                found.append(session.served_by)
        return found

    for name in served.apps:
        assert run_coroutine(scenario(name)) == [name] * 3


def test_the_load_test_through_the_balancer_measures_both_processes(served):
    pids = [arg for pid in served.apps.values() for arg in ("--pid", str(pid))]
    done = subprocess.run(
        [
            *(sys.executable, "-m", "benchmarks.loadtest", "--url", served.url, *pids),
            *("--students", "4", "--duration", "5", "--think", "1", "--ramp", "1"),
            *("--no-warm-up", "--json"),  # serve.sh has warmed both processes
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    (result,) = json.loads(done.stdout)
    assert result["errors"] == 0, result["error_examples"]
    assert result["interactions"] >= 1  # a few on a busy machine
    assert len(result["per_process_cpu_percent"]) == 2
    assert all(percent > 0 for percent in result["per_process_cpu_percent"]), result
    assert 200 < result["server_rss_max_mb"] < 4000  # two processes of 200-300 MB
    assert all(alive(pid) for pid in served.apps.values())  # not its processes: left running


def test_the_load_test_starts_and_stops_its_own_two_processes(haproxy, tmp_path):
    args = loadtest.parse_args(["--processes", "2"])
    with loadtest.serve(args, tmp_path, lambda text: None) as target:
        pids = [*target.app_pids, target.balancer_pid]
        assert len(target.app_pids) == 2 and all(alive(pid) for pid in pids)
        assert healthy(target.url) and len(target.warm_urls) == 2
        assert target.url not in target.warm_urls  # students go through HAProxy
    assert not any(alive(pid) for pid in pids)


def test_ctrl_c_stops_every_process(served):
    served.process.send_signal(signal.SIGINT)
    rest, _ = served.process.communicate(timeout=30)
    assert served.process.returncode == 0, rest
    assert "stopped" in rest
    pids = [*served.apps.values(), served.haproxy_pid]
    assert not any(alive(pid) for pid in pids)
