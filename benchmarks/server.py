"""Start the app as a real server on a free local port, and read what it costs the machine.

Shared by the browser tests (tests/e2e/conftest.py), the browser benchmarks and the load test:

    with AppServer.start(log_path) as server:
        server.url            # "http://127.0.0.1:<port>"
        server.rss_bytes()    # resident memory of the server process, from /proc
        server.cpu_seconds()  # user + system CPU seconds the server has used so far

Loopback only: the server listens on 127.0.0.1. Linux only for the /proc readings.
"""

from __future__ import annotations

import dataclasses
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import IO

REPO_ROOT = Path(__file__).resolve().parents[1]
START_TIMEOUT = 60.0  # seconds until /_stcore/health must answer "ok"
STOP_TIMEOUT = 10.0  # seconds to wait after SIGTERM before SIGKILL


class ServerError(RuntimeError):
    """The server exited or did not become healthy; the message holds its log."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def healthy(base_url: str, timeout: float = 2.0) -> bool:
    """Whether ``<base_url>/_stcore/health`` answers 200 "ok"."""
    try:
        with urllib.request.urlopen(f"{base_url}/_stcore/health", timeout=timeout) as response:
            return response.status == 200 and response.read().decode().strip() == "ok"
    except (urllib.error.URLError, OSError):
        return False


def streamlit_command(port: int, *extra: str) -> list[str]:
    """``streamlit run app.py`` headless, without telemetry or file watcher, on 127.0.0.1:port."""
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "app.py",
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        *extra,
    ]


def proc_rss_bytes(pid: int) -> int:
    """Resident set size of process ``pid`` in bytes (``VmRSS`` of /proc/<pid>/status)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise ServerError(f"no VmRSS for process {pid}")


def proc_cpu_seconds(pid: int) -> float:
    """User + system CPU seconds process ``pid`` has used (/proc/<pid>/stat fields 14 and 15)."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2 :].split()  # the command name may contain spaces
    ticks = int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


@dataclasses.dataclass
class AppServer:
    """A running ``streamlit run app.py``; use :meth:`start` as a context manager."""

    process: subprocess.Popen
    port: int
    log: IO[str]
    started_at: float  # time.monotonic() when the process was started
    healthy_after: float = float("nan")  # seconds from start until /_stcore/health said ok

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        return self.process.pid

    @classmethod
    def start(
        cls,
        log_path: Path | str,
        *extra_args: str,
        port: int | None = None,
        env: dict[str, str] | None = None,
        timeout: float = START_TIMEOUT,
    ) -> AppServer:
        """Start the server, wait until it is healthy, and return it (stop it with ``stop``).

        The server's output goes to ``log_path`` (a pipe nobody reads could fill and block it).
        Raises :class:`ServerError`, with the log, if it exits or is not healthy in ``timeout``.
        """
        port = free_port() if port is None else port
        Path(log_path).parent.mkdir(parents=True, exist_ok=True)
        log = open(log_path, "w+")  # noqa: SIM115 - closed by stop()
        started = time.monotonic()
        process = subprocess.Popen(
            streamlit_command(port, *extra_args),
            cwd=REPO_ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
            env=None if env is None else {**os.environ, **env},
        )
        server = cls(process=process, port=port, log=log, started_at=started)
        try:
            server.wait_healthy(timeout)
        except BaseException:
            server.stop()
            raise
        return server

    def wait_healthy(self, timeout: float = START_TIMEOUT) -> None:
        deadline = time.monotonic() + timeout
        while not healthy(self.url):
            if self.process.poll() is not None:
                raise ServerError(
                    f"streamlit exited with code {self.process.returncode} before it was "
                    f"healthy:\n{self.log_text()}"
                )
            if time.monotonic() > deadline:
                raise ServerError(
                    f"streamlit was not healthy within {timeout:.0f} s:\n{self.log_text()}"
                )
            time.sleep(0.05)
        self.healthy_after = time.monotonic() - self.started_at

    def log_text(self) -> str:
        self.log.flush()
        return Path(self.log.name).read_text(errors="replace")

    def rss_bytes(self) -> int:
        return proc_rss_bytes(self.pid)

    def cpu_seconds(self) -> float:
        return proc_cpu_seconds(self.pid)

    def stop(self) -> None:
        """SIGTERM, then SIGKILL after :data:`STOP_TIMEOUT`; closes the log."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=STOP_TIMEOUT)
        self.log.close()

    def __enter__(self) -> AppServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
