"""Several app processes behind HAProxy with sticky sessions, as one context manager or command.

    python -m deploy.cluster 4 [--port 8501] [--address 0.0.0.0]   # what scripts/serve.sh runs

starts 4 ``streamlit run app.py`` processes on free loopback ports and HAProxy (Debian's
``haproxy``) on ``address:port`` in front of them, with the configuration ``deploy/haproxy.cfg``
filled in. It stays in the foreground until Ctrl+C (or SIGTERM, or a process dying), then stops
every process it started. The load test uses the same code: ``Cluster.start(n, log_dir)``.

Streamlit is single-process: one Python interpreter, so about one core of script runs at most.
More processes use more cores; HAProxy keeps each browser on one of them (a cookie, see
deploy/haproxy.cfg) and checks each with ``/_stcore/health``.
"""

from __future__ import annotations

import argparse
import asyncio
import concurrent.futures
import dataclasses
import shutil
import signal
import socket
import string
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.server import AppServer, ServerError, free_port, healthy, proc_cpu_seconds
from benchmarks.wsclient import Session, run_coroutine

DEPLOY_DIR = Path(__file__).resolve().parent
TEMPLATE = DEPLOY_DIR / "haproxy.cfg"
MAX_PROCESSES = 16  # app processes; more than the cores only adds memory (about 200 MB each)
HAPROXY_CANDIDATES = ("/usr/sbin/haproxy", "/usr/bin/haproxy")
START_TIMEOUT = 60.0  # seconds for the balancer to answer /_stcore/health


def find_haproxy() -> str | None:
    """The haproxy binary (on PATH or in /usr/sbin, where Debian puts it), or None."""
    found = shutil.which("haproxy")
    if found:
        return found
    return next((path for path in HAPROXY_CANDIDATES if Path(path).is_file()), None)


def backend_name(index: int) -> str:
    """``app1``, ``app2``, …: the server names in HAProxy, its cookie values and X-Served-By."""
    return f"app{index + 1}"


def start_backends(processes: int, workdir: Path) -> list[AppServer]:
    """Start ``processes`` app servers at once, logs in ``workdir``; all healthy, or none left.

    If one fails (or Ctrl+C comes), wait for the others to finish starting, stop those that
    did, and raise.
    """
    with concurrent.futures.ThreadPoolExecutor(processes) as pool:
        futures = [
            pool.submit(AppServer.start, workdir / f"{backend_name(i)}.log")
            for i in range(processes)
        ]
        try:
            return [future.result() for future in futures]
        except BaseException:
            concurrent.futures.wait(futures)
            for future in futures:
                if not future.cancelled() and future.exception() is None:
                    future.result().stop()
            raise


async def warm_up(
    urls: list[str], pages: list[str] | None = None, timeout: float = 120.0
) -> list[str]:
    """Open ``pages`` (URL paths, "" for the Explorer; default: every page of the app) once on
    each process (processes at once, pages in turn), and return what went wrong ([] when
    nothing did).

    A fresh process imports pandas, Plotly, scipy and scikit-learn on its first runs. When
    several sessions make those first runs at once (a class opening the link just after the
    start), Streamlit 1.67 with this app can hand one of them a half-imported module and show an
    exception; and the first students would wait seconds. So no student meets a cold process.
    """

    async def every_page(url: str) -> list[str]:
        problems = []
        todo = pages
        if todo is None:
            async with await Session.open(url, timeout=timeout) as first:
                todo = ["", *(page for page in first.pages if page)]
        for page in todo:
            try:
                async with await Session.open(url, page, timeout=timeout) as session:
                    if session.last and session.last.error:
                        problems.append(f"{url}/{page}: {session.last.error}")
            except Exception as error:
                problems.append(f"{url}/{page}: {type(error).__name__}: {error}")
        return problems

    found = await asyncio.gather(*(every_page(url) for url in urls))
    return [problem for problems in found for problem in problems]


def render_config(bind: str, backend_ports: list[int], stats_socket: Path | str) -> str:
    """deploy/haproxy.cfg with its placeholders filled in.

    >>> text = render_config("127.0.0.1:8501", [9001, 9002], "/tmp/s.sock")
    >>> [line.strip() for line in text.splitlines() if line.strip().startswith("server ")]
    ['server app1 127.0.0.1:9001 cookie app1', 'server app2 127.0.0.1:9002 cookie app2']
    """
    servers = "\n".join(
        f"    server {backend_name(i)} 127.0.0.1:{port} cookie {backend_name(i)}"
        for i, port in enumerate(backend_ports)
    )
    template = string.Template(TEMPLATE.read_text())
    return template.substitute(bind=bind, servers=servers, stats_socket=str(stats_socket))


def haproxy_stats(stats_socket: Path | str) -> dict[str, dict[str, str]]:
    """``show stat`` on HAProxy's stats socket, for the servers of the ``streamlit`` backend:
    name → {column: value} (``stot``: sessions so far, ``scur``: open now, ``status``: UP or
    DOWN, …)."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(5)
        sock.connect(str(stats_socket))
        sock.sendall(b"show stat\n")
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    header, *rows = b"".join(chunks).decode().strip().splitlines()
    columns = header.lstrip("# ").split(",")
    table = [dict(zip(columns, row.split(","), strict=False)) for row in rows]
    return {
        row["svname"]: row
        for row in table
        if row["pxname"] == "streamlit" and row["svname"] not in ("BACKEND", "FRONTEND")
    }


@dataclasses.dataclass
class Cluster:
    """N running app processes and the HAProxy in front of them; stop with :meth:`stop`."""

    backends: list[AppServer]
    haproxy: subprocess.Popen
    address: str
    port: int
    workdir: Path  # the filled-in config, the stats socket and every log
    warm_up_problems: list[str] = dataclasses.field(default_factory=list)

    @property
    def url(self) -> str:
        host = "127.0.0.1" if self.address in ("0.0.0.0", "") else self.address
        return f"http://{host}:{self.port}"

    @classmethod
    def start(
        cls,
        processes: int,
        workdir: Path | str | None = None,
        port: int | None = None,
        address: str = "127.0.0.1",
        warm: bool = True,
    ) -> Cluster:
        """Start ``processes`` app servers (in parallel), warm them (:func:`warm_up`, unless
        ``warm`` is false) and start HAProxy on ``address:port``; return once HAProxy answers
        ``/_stcore/health``. Raises :class:`ServerError` (after stopping whatever did start)
        if anything fails."""
        if not 1 <= processes <= MAX_PROCESSES:
            raise ValueError(f"processes must be 1 to {MAX_PROCESSES}, got {processes}")
        haproxy_binary = find_haproxy()
        if haproxy_binary is None:
            raise ServerError("haproxy not found: install it with `apt-get install haproxy`")
        workdir = Path(workdir or tempfile.mkdtemp(prefix="softmax-cluster-"))
        workdir.mkdir(parents=True, exist_ok=True)
        port = free_port() if port is None else port
        backends = start_backends(processes, workdir)
        problems: list[str] = []
        try:
            if warm:
                problems = run_coroutine(warm_up([backend.url for backend in backends]))
            config = workdir / "haproxy.cfg"
            config.write_text(
                render_config(
                    f"{address}:{port}", [b.port for b in backends], workdir / "haproxy.sock"
                )
            )
            log = open(workdir / "haproxy.log", "w")  # noqa: SIM115 - the Popen keeps it
            haproxy = subprocess.Popen(
                [haproxy_binary, "-db", "-f", str(config)],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            log.close()
        except BaseException:
            for backend in backends:
                backend.stop()
            raise
        cluster = cls(backends, haproxy, address, port, workdir, problems)
        try:
            cluster.wait_healthy()
        except BaseException:
            cluster.stop()
            raise
        return cluster

    def wait_healthy(self, timeout: float = START_TIMEOUT) -> None:
        deadline = time.monotonic() + timeout
        while not healthy(self.url):
            if self.haproxy.poll() is not None:
                log = (self.workdir / "haproxy.log").read_text(errors="replace")
                raise ServerError(f"haproxy exited with code {self.haproxy.returncode}:\n{log}")
            if time.monotonic() > deadline:
                raise ServerError(f"the balancer was not healthy within {timeout:.0f} s")
            time.sleep(0.05)

    def pids(self) -> list[int]:
        """Every process this cluster started: the app servers, then HAProxy."""
        return [backend.pid for backend in self.backends] + [self.haproxy.pid]

    def rss_bytes(self) -> list[int]:
        """Resident memory of each app process, in backend order."""
        return [backend.rss_bytes() for backend in self.backends]

    def cpu_seconds(self) -> list[float]:
        """CPU seconds of each app process, then of HAProxy."""
        return [backend.cpu_seconds() for backend in self.backends] + [
            proc_cpu_seconds(self.haproxy.pid)
        ]

    def stats(self) -> dict[str, dict[str, str]]:
        """HAProxy's counters for each app process (see :func:`haproxy_stats`)."""
        return haproxy_stats(self.workdir / "haproxy.sock")

    def dead(self) -> list[str]:
        """Which processes have exited (they should not, while the cluster runs)."""
        gone = [
            backend_name(i)
            for i, backend in enumerate(self.backends)
            if backend.process.poll() is not None
        ]
        return gone + (["haproxy"] if self.haproxy.poll() is not None else [])

    def stop(self) -> None:
        """Stop HAProxy first (no new requests), then every app process, all at once."""
        if self.haproxy.poll() is None:
            self.haproxy.terminate()
            try:
                self.haproxy.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.haproxy.kill()
                self.haproxy.wait(timeout=10)
        for backend in self.backends:  # SIGTERM to all, then wait for each
            if backend.process.poll() is None:
                backend.process.terminate()
        for backend in self.backends:
            backend.stop()

    def __enter__(self) -> Cluster:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


# --- the command -------------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="bash scripts/serve.sh", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "processes",
        type=int,
        nargs="?",
        default=2,
        help=f"app processes, 1 to {MAX_PROCESSES} (default 2; about one per core)",
    )
    parser.add_argument("--port", type=int, default=8501, help="the port to serve (8501)")
    parser.add_argument(
        "--address",
        default="0.0.0.0",
        help="the address to listen on: 0.0.0.0 (default) for the whole network, like "
        "`streamlit run`; 127.0.0.1 for this machine only",
    )
    parser.add_argument("--logs", type=Path, help="folder for the logs (default: a temp folder)")
    args = parser.parse_args(argv)
    if not 1 <= args.processes <= MAX_PROCESSES:
        parser.error(f"processes must be 1 to {MAX_PROCESSES}, got {args.processes}")
    return args


def _raise_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def stop_on_signals() -> None:
    """Ctrl+C stops everything even when started where SIGINT was ignored (a background job
    of a script); SIGTERM does the same: both raise KeyboardInterrupt in the main thread."""
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _raise_interrupt)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    stop_on_signals()
    try:
        with Cluster.start(args.processes, args.logs, args.port, args.address) as cluster:
            for i, backend in enumerate(cluster.backends):
                print(f"{backend_name(i)}: {backend.url} (pid {backend.pid})", flush=True)
            print(f"haproxy: pid {cluster.haproxy.pid}; logs in {cluster.workdir}", flush=True)
            for problem in cluster.warm_up_problems:
                print(f"warning: warming up: {problem}", file=sys.stderr, flush=True)
            print(
                f"Serving {args.processes} processes at http://{args.address}:{args.port} "
                f"(health: {cluster.url}/_stcore/health). Ctrl+C stops all.",
                flush=True,
            )
            while not cluster.dead():
                time.sleep(0.5)
            print(f"stopping: {', '.join(cluster.dead())} exited", file=sys.stderr, flush=True)
            return 1
    except KeyboardInterrupt:
        print("stopped", flush=True)
        return 0
    except ServerError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
