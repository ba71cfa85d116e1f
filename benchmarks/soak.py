"""Soak: open and close hundreds of sessions on one server, then compare its memory to before.

    python -m benchmarks.soak [--sessions 300] [--concurrency 8] [--bound-mb 60] [--ttl 5]

Starts the app on a free loopback port (benchmarks/server.py), warms it up (every page once, the
digits model trained), reads the server's resident memory, then runs ``--sessions`` sessions,
``--concurrency`` at a time, each a client of Streamlit's own websocket protocol
(benchmarks/wsclient.py): open a page from a link, move its temperature once or twice, close.
After the last one it waits until Streamlit has dropped the disconnected sessions (their time to
live is ``--ttl`` seconds here, ``server.disconnectedSessionTTL``; 120 s by default, and at most
128 are kept) and reads the memory again.

It prints sessions, errors, time, and memory before and after, and exits 1 if any session saw an
error or the memory grew by more than ``--bound-mb``. Caps: 5,000 sessions, 64 at a time,
30 minutes. Loopback only; everything it starts is stopped, even on Ctrl+C.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import random
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.server import AppServer
from benchmarks.wsclient import Session, run_coroutine

MAX_SESSIONS = 5_000
MAX_CONCURRENCY = 64
MAX_SECONDS = 1_800.0
SETTLE_SECONDS = 2.0  # after the TTL, before reading memory: let the server run its cleanup

#: (page path, link, label of the temperature control on that page, values it is moved to).
VISITS = (
    ("", "T=0.7&view=curves", "Temperature", ("0.5", "2")),
    ("", "z=3,1,0.2&labels=cat,fox,dog&T=2&view=compare", "Temperature", ("1", "0.2")),
    ("", "view=sweep", "Temperature", ("1.5",)),
    ("sampling_page", "sec=draws&N=1000", "Temperature", ("0.5",)),
    ("physics_page", "psys=co_rotor&pK=300", None, None),
    ("quiz_page", "q=halve", None, None),
)


@dataclasses.dataclass
class SoakResult:
    sessions: int
    errors: list[str]
    seconds: float
    rss_before: int
    rss_after: int

    @property
    def growth_mb(self) -> float:
        return (self.rss_after - self.rss_before) / 2**20


async def visit(base_url: str, rng: random.Random) -> str | None:
    """One session: open a page from a link, move its temperature, close. The error, or None."""
    page, link, label, values = rng.choice(VISITS)
    try:
        async with await Session.open(base_url, page, link) as session:
            if session.last is not None and session.last.error:
                return f"/{page}?{link}: {session.last.error}"
            if label and values:
                for value in values:
                    run = await session.set(label, value)
                    if run.error:
                        return f"/{page}?{link}, {label} = {value}: {run.error}"
    except Exception as error:  # every failure is counted and reported
        return f"/{page}?{link}: {type(error).__name__}: {error}"
    return None


async def run_sessions(base_url: str, count: int, concurrency: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    gate = asyncio.Semaphore(concurrency)

    async def one() -> str | None:
        async with gate:
            return await visit(base_url, rng)

    results = await asyncio.gather(*(one() for _ in range(count)))
    return [error for error in results if error]


def soak(sessions: int, concurrency: int, ttl: int, seed: int = 0) -> SoakResult:
    """Start a server, warm it up, run the sessions, and measure memory before and after."""
    with tempfile.TemporaryDirectory() as folder:
        log = Path(folder) / "soak-server.log"
        ttl_arg = ("--server.disconnectedSessionTTL", str(ttl))
        with AppServer.start(log, *ttl_arg) as server:
            warm_errors = run_coroutine(run_sessions(server.url, 2 * len(VISITS), 2, seed + 1))
            time.sleep(ttl + SETTLE_SECONDS)
            before = server.rss_bytes()
            started = time.monotonic()
            soaking = run_sessions(server.url, sessions, concurrency, seed)
            errors = warm_errors + run_coroutine(asyncio.wait_for(soaking, MAX_SECONDS))
            seconds = time.monotonic() - started
            time.sleep(ttl + SETTLE_SECONDS)
            return SoakResult(sessions, errors, seconds, before, server.rss_bytes())


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.soak", description=__doc__)
    parser.add_argument("--sessions", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--bound-mb", type=float, default=60.0)
    parser.add_argument("--ttl", type=int, default=5, help="server.disconnectedSessionTTL (s)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if not 1 <= args.sessions <= MAX_SESSIONS:
        parser.error(f"--sessions must be 1 to {MAX_SESSIONS:,}")
    if not 1 <= args.concurrency <= MAX_CONCURRENCY:
        parser.error(f"--concurrency must be 1 to {MAX_CONCURRENCY}")
    if not 0 <= args.ttl <= 600:
        parser.error("--ttl must be 0 to 600 seconds")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    result = soak(args.sessions, args.concurrency, args.ttl, args.seed)
    mb = 2**20
    print(
        f"soak: {result.sessions} sessions ({args.concurrency} at a time) in "
        f"{result.seconds:.1f} s, {len(result.errors)} errors; server memory "
        f"{result.rss_before / mb:.1f} MB before, {result.rss_after / mb:.1f} MB after "
        f"({result.growth_mb:+.1f} MB; bound {args.bound_mb:g} MB)"
    )
    for error in result.errors[:20]:
        print("  error:", error)
    return 0 if not result.errors and result.growth_mb <= args.bound_mb else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
