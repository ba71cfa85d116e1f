"""Simulate a class: K students at once, each a websocket session with think time.

    .venv/bin/python -m benchmarks.loadtest [--students 10 30 60] [--think 5] [--duration 60]
                                            [--processes N | --url URL [--pid PID ...]]
                                            [--ramp S] [--seed N] [--no-warm-up]
                                            [--keep-going] [--json]

For each K it starts the app afresh (one process, or N behind HAProxy: deploy/cluster.py), warms
every page once (unless ``--no-warm-up``), then lets K students arrive over ``--ramp`` seconds.
Each student opens a page (7 in 10 the Explorer with a random T in the link, 1 in 10 each the
Sampling lab, Boltzmann physics and the quiz) and then, until ``--duration`` is up, thinks
(exponential, mean ``--think`` seconds) and interacts: moves the temperature, switches the view or
section, answers the quiz, now and then goes to another page. Every interaction is timed from
sending it to the server's ``script_finished`` (benchmarks/wsclient.py speaks Streamlit's own
protocol; no browser draws anything, so this is the server's share of what a student waits).

Reported per K: interactions, p50 / p95 / max latency, errors (an exception in the page, a failed
run, a dropped connection, no answer within 30 s), the p95 of opening a page, server CPU (% of
one core, from /proc over the run) and the largest resident memory, the client's own CPU (it runs
on the same machine), how much the machine made tasks wait for a CPU (/proc/pressure/cpu) and the
load average. A K passes with p95 ≤ 1 s and no errors; the sweep stops after the first K that
fails unless ``--keep-going``.

Caps: at most 500 students and 600 s per K, 10 values of K, 16 processes; think time 0.5 to
600 s. Loopback only: ``--url`` must name this machine (127.0.0.1, ::1 or localhost). The test
stops by itself and stops every process it started, on Ctrl+C or an error too.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import json
import os
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import streamlit

from benchmarks.server import AppServer, proc_cpu_seconds, proc_rss_bytes
from benchmarks.timing import format_seconds, percentile
from benchmarks.wsclient import Run, Session, is_loopback, run_coroutine
from deploy.cluster import Cluster, stop_on_signals, warm_up

MAX_STUDENTS = 500
MAX_DURATION = 600.0  # seconds per K
MAX_PHASES = 10
MAX_PROCESSES = 16
MIN_THINK, MAX_THINK = 0.5, 600.0
RUN_TIMEOUT = 30.0  # seconds a single interaction may take before it is an error
P95_TARGET = 1.0  # seconds: a K passes with p95 at most this and no errors
SAMPLE_EVERY = 0.5  # seconds between memory readings

#: Where a student starts, with its weight, and what it does there: (weight, label, action).
#: "pick" sets a widget to a random option other than the one it has; "click" presses a button;
#: "goto" opens another page of the mix, as the sidebar does.
PAGES: dict[str, float] = {"": 0.7, "sampling_page": 0.1, "physics_page": 0.1, "quiz_page": 0.1}
PAGE_NAMES = {
    "": "Explorer",
    "sampling_page": "Sampling lab",
    "physics_page": "Boltzmann physics",
    "quiz_page": "Quiz",
}
ACTIONS: dict[str, list[tuple[float, str, str]]] = {
    "": [(6, "Temperature", "pick"), (3, "Look closer", "pick"), (1, "", "goto")],
    "sampling_page": [(6, "Temperature", "pick"), (3, "Section", "pick"), (1, "", "goto")],
    "physics_page": [(6, "Temperature (K)", "pick"), (3, "Look closer", "pick"), (1, "", "goto")],
    "quiz_page": [
        (3, "Your prediction", "pick"),
        (3, "Reveal the answer", "click"),
        (3, "Hide the answer and try it", "click"),
        (2, "Next", "click"),
        (1, "", "goto"),
    ],
}
#: Temperatures a student's link may carry (the Explorer's slider stops between 0.1 and 10).
LINK_TEMPERATURES = ("0.1", "0.2", "0.5", "0.7", "1", "1.5", "2", "5", "10")


# --- one student -------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Sample:
    """One timed exchange: opening a page or one interaction."""

    kind: str  # "open" or "interact"
    action: str  # e.g. "Explorer: Temperature"
    seconds: float
    error: str | None = None


def first_page(rng: random.Random) -> tuple[str, str]:
    """(URL path, query string) of the page a student opens first."""
    page = rng.choices(list(PAGES), weights=list(PAGES.values()))[0]
    query = f"T={rng.choice(LINK_TEMPERATURES)}" if page == "" else ""
    return page, query


def next_action(rng: random.Random, page: str, labels: list[str]) -> tuple[str, str] | None:
    """(label, action) for the next interaction on ``page``, among the widgets it shows."""
    available = [
        (weight, label, action)
        for weight, label, action in ACTIONS.get(page, [])
        if action == "goto" or label in labels
    ]
    if not available:
        return None
    _, label, action = rng.choices(available, weights=[a[0] for a in available])[0]
    return label, action


async def interact(session: Session, rng: random.Random, page: str) -> tuple[str, str, Run]:
    """Do one thing on ``page``; return (what, the page now shown, the run)."""
    assert session.last is not None
    choice = next_action(rng, page, session.last.labels())
    if choice is None:
        return f"{PAGE_NAMES[page]}: rerun", page, await session.rerun(timeout=RUN_TIMEOUT)
    label, action = choice
    if action == "goto":
        target = rng.choice([p for p in PAGES if p != page])
        run = await session.goto(target, timeout=RUN_TIMEOUT)
        return f"{PAGE_NAMES[page]} → {PAGE_NAMES[target]}", target, run
    if action == "click":
        return f"{PAGE_NAMES[page]}: {label}", page, await session.set(label, True, RUN_TIMEOUT)
    options = session.options(label)
    current = session.states.get(session.last.widget(label)[1].id)  # type: ignore[attr-defined]
    taken = [*current.string_array_value.data, current.string_value] if current else []
    value = rng.choice([o for o in options if o not in taken] or options)
    return f"{PAGE_NAMES[page]}: {label}", page, await session.set(label, value, RUN_TIMEOUT)


def describe_error(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:200]


async def student(
    url: str, rng: random.Random, arrive: float, end: float, think: float, record: list[Sample]
) -> None:
    """One student from arrival to ``end`` (loop times): open, then think and interact.

    A failure is recorded and the student opens the page again after thinking, as a person
    reloads a broken tab.
    """
    loop = asyncio.get_running_loop()
    await asyncio.sleep(max(0.0, arrive - loop.time()))
    session: Session | None = None
    page = ""
    try:
        while loop.time() < end:
            if session is None:
                page, query = first_page(rng)
                started = time.perf_counter()
                try:
                    session = await Session.open(url, page, query, timeout=RUN_TIMEOUT)
                    error = session.last.error if session.last else None
                    seconds = time.perf_counter() - started  # the page load, connect and run
                    record.append(Sample("open", PAGE_NAMES[page], seconds, error))
                except Exception as failure:
                    record.append(
                        Sample(
                            "open",
                            PAGE_NAMES[page],
                            time.perf_counter() - started,
                            describe_error(failure),
                        )
                    )
            await asyncio.sleep(rng.expovariate(1.0 / think))
            if loop.time() >= end or session is None:
                continue
            started = time.perf_counter()
            try:
                what, page, run = await interact(session, rng, page)
                record.append(Sample("interact", what, run.seconds, run.error))
            except Exception as failure:
                record.append(
                    Sample(
                        "interact",
                        PAGE_NAMES[page],
                        time.perf_counter() - started,
                        describe_error(failure),
                    )
                )
                with contextlib.suppress(Exception):
                    await session.close()
                session = None
    finally:
        if session is not None:
            with contextlib.suppress(Exception):
                await session.close()


# --- the servers -------------------------------------------------------------------------------


@dataclasses.dataclass
class Target:
    """What the students connect to, and the processes whose cost is measured."""

    url: str
    app_pids: list[int]  # the Streamlit processes (empty: not measured)
    balancer_pid: int | None = None
    warm_urls: list[str] = dataclasses.field(default_factory=list)  # each app process directly
    description: str = ""


@contextlib.contextmanager
def serve(args: argparse.Namespace, log_dir: Path, say: Callable[[str], None]) -> Iterator[Target]:
    """The app as ``args`` asks: an existing URL, one process, or N behind HAProxy."""
    if args.url:
        yield Target(
            args.url, list(args.pid or []), None, [args.url], f"an existing server at {args.url}"
        )
        return
    if args.processes == 1:
        with AppServer.start(log_dir / "app.log") as server:
            say(f"started 1 app process (pid {server.pid}) at {server.url}")
            yield Target(server.url, [server.pid], None, [server.url], "1 process")
        return
    with Cluster.start(args.processes, log_dir, warm=False) as cluster:  # warmed by run_phase
        pids = " ".join(str(b.pid) for b in cluster.backends)
        say(
            f"started {args.processes} app processes (pids {pids}) and haproxy "
            f"(pid {cluster.haproxy.pid}) at {cluster.url}"
        )
        yield Target(
            cluster.url,
            [b.pid for b in cluster.backends],
            cluster.haproxy.pid,
            [b.url for b in cluster.backends],
            f"{args.processes} processes behind HAProxy",
        )


# --- one K -------------------------------------------------------------------------------------


@dataclasses.dataclass
class Phase:
    """The result for one number of students."""

    students: int
    processes: int
    think: float
    duration: float
    ramp: float
    wall_seconds: float
    interactions: int
    p50: float | None
    p95: float | None
    max: float | None
    errors: int
    error_examples: list[str]
    opens: int
    open_p95: float | None
    server_cpu_percent: float | None  # all app processes together, % of one core
    server_cpu_seconds: float | None  # all app processes together, over the class
    per_process_cpu_percent: list[float]
    balancer_cpu_percent: float | None
    server_rss_max_mb: float | None  # the largest total over the app processes
    client_cpu_percent: float
    load_before: float
    load_after: float
    cpu_wait_percent: float | None  # share of the time some task waited for a CPU (PSI)
    slowest: list[tuple[str, int, float]]  # (action, count, p95) of the slowest actions

    @property
    def passed(self) -> bool:
        return self.errors == 0 and self.p95 is not None and self.p95 <= P95_TARGET

    @property
    def cpu_per_interaction(self) -> float | None:
        """Server CPU seconds per exchange (interactions and page opens)."""
        exchanges = self.interactions + self.opens
        if self.server_cpu_seconds is None or not exchanges:
            return None
        return self.server_cpu_seconds / exchanges

    @property
    def students_per_core(self) -> float | None:
        """Students one core could serve if it did nothing else and ran flat out: the mean
        think time over the CPU one interaction costs. A ceiling, without queueing."""
        cost = self.cpu_per_interaction
        return self.think / cost if cost else None


def quantiles(seconds: list[float]) -> tuple[float | None, float | None, float | None]:
    if not seconds:
        return None, None, None
    return percentile(seconds, 50), percentile(seconds, 95), max(seconds)


def summarize(
    samples: list[Sample], students: int, processes: int, args: argparse.Namespace
) -> dict[str, object]:
    """The latency and error part of a :class:`Phase` from the students' samples."""
    interactions = [s for s in samples if s.kind == "interact"]
    opens = [s for s in samples if s.kind == "open"]
    p50, p95, most = quantiles([s.seconds for s in interactions])
    failed = [s for s in samples if s.error]
    by_action: dict[str, list[float]] = {}
    for sample in interactions:
        by_action.setdefault(sample.action, []).append(sample.seconds)
    slowest = sorted(
        ((action, len(times), percentile(times, 95)) for action, times in by_action.items()),
        key=lambda item: -item[2],
    )[:3]
    examples = list(dict.fromkeys(f"{s.action}: {s.error}" for s in failed))[:5]
    return {
        "students": students,
        "processes": processes,
        "think": args.think,
        "duration": args.duration,
        "ramp": args.ramp,
        "interactions": len(interactions),
        "p50": p50,
        "p95": p95,
        "max": most,
        "errors": len(failed),
        "error_examples": examples,
        "opens": len(opens),
        "open_p95": quantiles([s.seconds for s in opens])[1],
        "slowest": slowest,
    }


def cpu_pressure_seconds() -> float | None:
    """Seconds so far in which some runnable task waited for a CPU (Linux PSI), or None."""
    try:
        for line in Path("/proc/pressure/cpu").read_text().splitlines():
            if line.startswith("some "):
                return int(line.rsplit("total=", 1)[1]) / 1e6
    except (OSError, ValueError, IndexError):
        pass
    return None


def _readable(read: Callable[[int], float], pid: int) -> float | None:
    try:
        return read(pid)
    except (OSError, ValueError, RuntimeError):
        return None


async def sample_memory(pids: list[int], peak: list[float]) -> None:
    """Keep ``peak[0]`` at the largest total resident memory of ``pids`` (bytes)."""
    while True:
        readings = [_readable(proc_rss_bytes, pid) for pid in pids]
        peak[0] = max(peak[0], sum(r for r in readings if r is not None))
        await asyncio.sleep(SAMPLE_EVERY)


async def run_phase(target: Target, students: int, args: argparse.Namespace) -> Phase:
    """K students against ``target`` for ``args.duration`` seconds (plus the ramp)."""
    if args.warm_up:
        for problem in await warm_up(target.warm_urls, list(PAGES)):
            print(f"warning: warming up: {problem}", file=sys.stderr, flush=True)
    loop = asyncio.get_running_loop()
    pids = target.app_pids + ([target.balancer_pid] if target.balancer_pid else [])
    cpu_before = [_readable(proc_cpu_seconds, pid) for pid in pids]
    client_before = time.process_time()
    load_before = os.getloadavg()[0]
    pressure_before = cpu_pressure_seconds()
    started = loop.time()
    wall_start = time.perf_counter()
    end = started + args.ramp + args.duration
    samples: list[Sample] = []
    peak = [0.0]
    sampler = asyncio.create_task(sample_memory(target.app_pids, peak))
    try:
        async with asyncio.timeout(args.ramp + args.duration + RUN_TIMEOUT + 30):
            await asyncio.gather(
                *(
                    student(
                        target.url,
                        random.Random(args.seed * 100_003 + i),
                        started + args.ramp * i / students,
                        end,
                        args.think,
                        samples,
                    )
                    for i in range(students)
                )
            )
    finally:
        sampler.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await sampler
    wall = time.perf_counter() - wall_start
    cpu_after = [_readable(proc_cpu_seconds, pid) for pid in pids]
    percents = [
        None if a is None or b is None else (b - a) * 100.0 / wall
        for a, b in zip(cpu_before, cpu_after, strict=True)
    ]
    app_percents = percents[: len(target.app_pids)]
    known = [p for p in app_percents if p is not None]
    pressure_after = cpu_pressure_seconds()
    waited = (
        None
        if pressure_before is None or pressure_after is None
        else (pressure_after - pressure_before) * 100.0 / wall
    )
    return Phase(
        **summarize(samples, students, args.processes, args),  # type: ignore[arg-type]
        wall_seconds=wall,
        server_cpu_percent=sum(known) if known else None,
        server_cpu_seconds=sum(known) * wall / 100.0 if known else None,
        per_process_cpu_percent=[round(p, 1) for p in known],
        balancer_cpu_percent=percents[-1] if target.balancer_pid else None,
        server_rss_max_mb=peak[0] / 2**20 if peak[0] else None,
        client_cpu_percent=(time.process_time() - client_before) * 100.0 / wall,
        load_before=load_before,
        load_after=os.getloadavg()[0],
        cpu_wait_percent=waited,
    )


# --- the command -------------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.loadtest", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--students",
        type=int,
        nargs="+",
        default=[10, 30, 60],
        metavar="K",
        help=f"class sizes to run, in order (default 10 30 60; each 1 to {MAX_STUDENTS})",
    )
    parser.add_argument(
        "--think",
        type=float,
        default=5.0,
        metavar="SECONDS",
        help="mean think time between interactions (exponential; default 5 s)",
    )
    parser.add_argument(
        "--duration",
        type=float,
        default=60.0,
        metavar="SECONDS",
        help=f"how long the class works, per K, after the ramp (default 60, at most "
        f"{MAX_DURATION:g})",
    )
    parser.add_argument(
        "--ramp",
        type=float,
        metavar="SECONDS",
        help="students arrive evenly over this many seconds (default: a third of the "
        "duration, at most 10)",
    )
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--processes",
        type=int,
        default=1,
        help=f"start this many app processes, behind HAProxy when more than 1 (default 1; "
        f"at most {MAX_PROCESSES})",
    )
    where.add_argument(
        "--url",
        help="use a server or balancer that is already running on this machine instead "
        "(loopback only, e.g. http://127.0.0.1:8501 from scripts/serve.sh)",
    )
    parser.add_argument(
        "--pid",
        type=int,
        action="append",
        help="with --url: a server process whose CPU and memory to report (repeatable)",
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of the students' choices")
    parser.add_argument(
        "--no-warm-up",
        dest="warm_up",
        action="store_false",
        help="skip opening every page once per process before the class: the first students "
        "then pay for imports and caches, and may meet the cold-start race (deploy/cluster.py "
        "warm_up)",
    )
    parser.add_argument(
        "--keep-going",
        action="store_true",
        help="run every K even after one fails (p95 over 1 s or errors)",
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of the table")
    args = parser.parse_args(argv)
    if not 1 <= len(args.students) <= MAX_PHASES:
        parser.error(f"give 1 to {MAX_PHASES} values of --students")
    for students in args.students:
        if not 1 <= students <= MAX_STUDENTS:
            parser.error(f"--students must be 1 to {MAX_STUDENTS}, got {students}")
    if not MIN_THINK <= args.think <= MAX_THINK:
        parser.error(f"--think must be {MIN_THINK:g} to {MAX_THINK:g} s, got {args.think:g}")
    if not 1 <= args.duration <= MAX_DURATION:
        parser.error(f"--duration must be 1 to {MAX_DURATION:g} s, got {args.duration:g}")
    if args.ramp is None:
        args.ramp = min(10.0, args.duration / 3)
    if not 0 <= args.ramp <= MAX_DURATION:
        parser.error(f"--ramp must be 0 to {MAX_DURATION:g} s, got {args.ramp:g}")
    if not 1 <= args.processes <= MAX_PROCESSES:
        parser.error(f"--processes must be 1 to {MAX_PROCESSES}, got {args.processes}")
    if args.url is not None:
        if not args.url.startswith("http://") or not is_loopback(args.url):
            parser.error(f"--url must be http:// on this machine (loopback), got {args.url}")
        args.processes = 0  # not started here
    elif args.pid:
        parser.error("--pid goes with --url (the processes started here are measured anyway)")
    return args


def _ms(seconds: float | None) -> str:
    return "—" if seconds is None else format_seconds(seconds)


def _number(value: float | None, unit: str = "", digits: int = 0) -> str:
    return "—" if value is None else f"{value:.{digits}f}{unit}"


COLUMNS = (
    ("students", 8),
    ("procs", 5),
    ("interactions", 12),
    ("p50", 8),
    ("p95", 8),
    ("max", 8),
    ("errors", 6),
    ("open p95", 8),
    ("server CPU", 10),
    ("CPU/int", 8),
    ("per core", 8),
    ("RSS", 8),
    ("client CPU", 10),
    ("CPU wait", 8),
    ("load", 9),
    ("", 4),
)


def row(phase: Phase) -> list[str]:
    return [
        str(phase.students),
        str(phase.processes) if phase.processes else "?",
        str(phase.interactions),
        _ms(phase.p50),
        _ms(phase.p95),
        _ms(phase.max),
        str(phase.errors),
        _ms(phase.open_p95),
        _number(phase.server_cpu_percent, "%"),
        _ms(phase.cpu_per_interaction),
        _number(phase.students_per_core),
        _number(phase.server_rss_max_mb, " MB"),
        _number(phase.client_cpu_percent, "%", 1),
        _number(phase.cpu_wait_percent, "%"),
        f"{phase.load_before:.1f}→{phase.load_after:.1f}",
        "✓" if phase.passed else "✗",
    ]


def table(phases: list[Phase], args: argparse.Namespace, description: str) -> str:
    header = [
        f"Load test — {description}; think time exponential, mean {args.think:g} s; "
        f"{args.duration:g} s per class size after a {args.ramp:.3g} s arrival ramp "
        f"(streamlit {streamlit.__version__}, {os.cpu_count()} CPUs)",
        f"✓ = p95 ≤ {P95_TARGET:g} s and no errors. server CPU: % of one core, all app "
        "processes; CPU/int: server CPU per interaction (opens included); per core: mean think "
        "time / CPU per interaction, the students one core could serve flat out (a ceiling); "
        "RSS: largest total resident memory; CPU wait: share of the time some task on the "
        "machine waited for a CPU (/proc/pressure/cpu); load: 1-minute load average "
        "before → after.",
        "",
        "  ".join(f"{name:>{width}}" for name, width in COLUMNS).rstrip(),
    ]
    lines = header + [
        "  ".join(f"{cell:>{width}}" for cell, (_, width) in zip(row(p), COLUMNS, strict=True))
        for p in phases
    ]
    for phase in phases:
        slow = "; ".join(f"{a} {format_seconds(p95)} (n={n})" for a, n, p95 in phase.slowest)
        lines.append(f"K={phase.students}: slowest p95 — {slow}")
        if len(phase.per_process_cpu_percent) > 1:
            lines.append(
                f"K={phase.students}: CPU per process "
                + ", ".join(f"{p:.0f}%" for p in phase.per_process_cpu_percent)
                + (
                    f"; haproxy {phase.balancer_cpu_percent:.1f}%"
                    if phase.balancer_cpu_percent is not None
                    else ""
                )
            )
        for example in phase.error_examples:
            lines.append(f"K={phase.students}: error — {example}")
    passing = [p for p in phases if p.passed]
    if passing:
        best = max(passing, key=lambda p: p.students)
        lines.append(
            f"Largest class that passed: {best.students} students "
            f"(p95 {format_seconds(best.p95)}, server CPU {best.server_cpu_percent or 0:.0f}% "
            f"of a core)."
        )
    else:
        lines.append("No class size passed.")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    stop_on_signals()

    def say(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    phases: list[Phase] = []
    description = ""
    logs = Path(tempfile.mkdtemp(prefix="softmax-loadtest-"))  # kept if anything went wrong
    try:
        for students in args.students:
            with serve(args, logs / f"k{students}", say) as target:
                description = target.description
                say(
                    f"K={students}: {'warming up, then ' if args.warm_up else ''}"
                    f"{args.ramp:.3g} s ramp + "
                    f"{args.duration:g} s at {target.url}"
                )
                phase = run_coroutine(run_phase(target, students, args))
            phases.append(phase)
            say(f"K={students}: " + " ".join(row(phase)))
            if not phase.passed and not args.keep_going:
                break
    except KeyboardInterrupt:
        say("interrupted: every process started here is stopped")
        if phases:
            report(phases, args, description)
        return 130
    finally:
        if any(phase.errors for phase in phases):
            say(f"server logs (tracebacks are there, not in the page): {logs}")
        else:
            shutil.rmtree(logs, ignore_errors=True)
    report(phases, args, description)
    return 0


def report(phases: list[Phase], args: argparse.Namespace, description: str) -> None:
    if args.json:
        records = [
            dataclasses.asdict(p)
            | {
                "passed": p.passed,
                "cpu_per_interaction": p.cpu_per_interaction,
                "students_per_core": p.students_per_core,
            }
            for p in phases
        ]
        print(json.dumps(records, indent=1))
    else:
        print(table(phases, args, description))


if __name__ == "__main__":
    sys.exit(main())
