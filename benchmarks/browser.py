"""The browser rows: what a person waits for in a real Chromium, and what sessions cost the server.

Two servers run side by side on loopback: ``streamlit run app.py`` and, as the reference, a
minimal page (benchmarks/browser_reference.py: one slider, one metric, a three-bar chart),
each measured the same way in the same run, one after the other:

- cold start: from spawning ``streamlit run`` to the first Plotly chart painted in the browser
  (median of the starts); target ≤ 5 s.
- key press → readout: focus the Temperature slider, press ArrowRight (five times, then
  ArrowLeft five times, …); in the page, from ``performance.now()`` at keydown to the frame in
  which the readout (the Explorer's "Entropy (nats)" metric, the minimal page's "T") first shows
  its new value. The two pages take turns, press by press. p50 and p95; target p50 ≤ 200 ms.
- server CPU per key press: the server's user + system CPU seconds across the presses, divided
  by their number.
- server memory: resident set size (VmRSS; its anonymous part, the heap, in the note) when
  healthy with no session, with one session (the page opened and drawn), and with N sessions
  (N browser contexts, each opened and drawn).
- sweep frames per second: the Explorer's "Temperature sweep" is a Plotly animation played in
  the browser. After ▶ Play, a requestAnimationFrame loop notes each display frame in which the
  chart changed (the bars, their numbers or the title line); the rate is 1000 / the median
  interval between such frames (p95: the slowest 5 % of intervals); target ≥ 30 fps. The
  reference plays a three-bar animation with the Explorer's play settings.

Every wait has a timeout, and the servers, contexts and browser are closed even on error.
Without Chromium, :func:`run` raises :class:`BrowserUnavailable` (``python -m benchmarks``
prints one line, and exits non-zero when ``CI=true``).
"""

from __future__ import annotations

import contextlib
import itertools
import os
import statistics
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.server import REPO_ROOT, AppServer, free_port, streamlit_command
from benchmarks.timing import Row, Selected, everything, percentile

GROUP = "browser"
KEY_TARGET_MS = 200.0
COLD_START_TARGET_S = 5.0
FPS_TARGET = 30.0

APP_SCRIPT = "app.py"
REFERENCE_SCRIPT = "benchmarks/browser_reference.py"
REFERENCE_NAME = "minimal page, own server"
ANIMATION_REFERENCE_NAME = "three-bar animation, same play"

# The system Chromium and its flags, for these rows and the browser tests (tests/e2e/conftest.py);
# never a download.
DEFAULT_CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless=new",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
VIEWPORT = {"width": 1400, "height": 1000}

SERVER_TIMEOUT_S = 60.0  # until /_stcore/health answers
LOAD_TIMEOUT_MS = 60_000  # until the first chart is painted (a cold first run imports a lot)
WAIT_MS = 30_000  # any other wait in the page
QUIET_MS = 200  # no change to the page for this long (and the script not running) = idle
SETTLE_S = 1.0  # before reading the memory: let the server finish what the sessions started
AT_ONCE = 6  # sessions opened together for the memory row (all 25 at once swamp 2 cores)

FIRST_CHART = '[data-testid="stPlotlyChart"] .main-svg'
KEYS = ("ArrowRight",) * 5 + ("ArrowLeft",) * 5  # T = 1 … 2.5 and back: every press changes it


#: A server's memory: (VmRSS, RssAnon) in bytes (see :func:`memory`).
Memory = tuple[int, int]


class BrowserUnavailable(RuntimeError):
    """No Chromium to drive: the message says where it was looked for and how to get one."""


@dataclass(frozen=True)
class Measure(Row):
    """A row whose figures are in ``unit``: "s" (seconds), "fps" or "bytes"."""

    unit: str = "s"


# --- in the page ---------------------------------------------------------------------------------

# Finds the metric labelled `label` once, keeps its value element while it stays in the page,
# and resolves with the ms from the first keydown to the display frame in which that value first
# differs from what it showed when armed. Rejects after timeoutMs.
_ARM_READOUT_JS = """
({label, timeoutMs}) => {
    const find = () => {
        for (const m of document.querySelectorAll('[data-testid="stMetric"]')) {
            const l = m.querySelector('[data-testid="stMetricLabel"]');
            if (l && l.innerText.trim() === label) {
                return m.querySelector('[data-testid="stMetricValue"]');
            }
        }
        return null;
    };
    let element = find();
    const read = () => {
        if (!element || !element.isConnected) element = find();
        return element ? element.textContent.trim() : null;
    };
    const before = read();
    if (before === null) throw new Error(`no metric labelled ${label}`);
    window.__benchReadout = new Promise((resolve, reject) => {
        let pressed = null;
        const onKey = () => { if (pressed === null) pressed = performance.now(); };
        const check = () => {
            const now = read();
            if (pressed === null || now === null || now === before) return;
            finish();
            requestAnimationFrame(() => resolve({ms: performance.now() - pressed, before, now}));
        };
        const observer = new MutationObserver(check);
        const timer = setTimeout(() => {
            finish();
            reject(new Error(`'${label}' still showed ${before} ${timeoutMs} ms after the key`));
        }, timeoutMs);
        function finish() {
            observer.disconnect();
            clearTimeout(timer);
            document.removeEventListener('keydown', onKey, true);
        }
        document.addEventListener('keydown', onKey, true);
        observer.observe(document.body, {childList: true, subtree: true, characterData: true});
    });
    return before;
}
"""

# Resolves true once the script is not running and nothing under <body> has changed for quietMs;
# false after maxMs if the page never settles (the caller goes on: every wait is bounded).
_IDLE_JS = """
({quietMs, maxMs}) => new Promise((resolve) => {
    const idle = () => document.querySelector('[data-testid="stApp"]')
        ?.dataset.testScriptState === 'notRunning';
    let timer;
    const restart = () => {
        clearTimeout(timer);
        timer = setTimeout(() => idle() ? done(true) : restart(), quietMs);
    };
    const observer = new MutationObserver(restart);
    const cap = setTimeout(() => done(false), maxMs);
    function done(settled) {
        observer.disconnect();
        clearTimeout(timer);
        clearTimeout(cap);
        resolve(settled);
    }
    observer.observe(document.body, {childList: true, subtree: true, characterData: true});
    restart();
})
"""

# On the chart element `gd`: notes the time of every display frame in which what the chart
# shows (the title, the text points, the bars' shapes and numbers) differs from the frame
# before, from now until Plotly says the animation ended (or maxMs). Resolves via
# window.__benchFrames: {times, events} (events: Plotly's plotly_animatingframe count).
_ARM_FRAMES_JS = """
({gd, maxMs}) => {
    const shown = () => [
        ...gd.querySelectorAll('.gtitle, .textpoint text, .bartext'),
    ].map((t) => t.textContent).join('|') + '#' + [
        ...gd.querySelectorAll('.trace.bars path'),
    ].map((p) => p.getAttribute('d')).join(';');
    window.__benchFrames = new Promise((resolve) => {
        let last = shown(), events = 0, ended = false;
        const times = [];
        const tick = (t) => {
            const now = shown();
            if (now !== last) { times.push(t); last = now; }
            if (!ended) requestAnimationFrame(tick);
        };
        const finish = (timedOut) => {
            if (ended) return;
            ended = true;
            setTimeout(() => resolve({times, events, timedOut}), 50);
        };
        gd.on('plotly_animatingframe', () => events++);
        gd.on('plotly_animated', () => finish(false));
        setTimeout(() => finish(true), maxMs);
        requestAnimationFrame(tick);
    });
}
"""


def memory(server: AppServer) -> Memory:
    """The server's (VmRSS, RssAnon) in bytes, read together from /proc/<pid>/status.

    RssAnon is the Python heap and other private memory; the rest of VmRSS is mapped files
    (the code of numpy, scipy, …), which the kernel may drop and read back at any time, so
    VmRSS can go down as sessions are added while RssAnon does not.
    """
    fields = {}
    for line in Path(f"/proc/{server.pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "RssAnon"):
            fields[name] = int(value.split()[0]) * 1024
    return fields["VmRSS"], fields["RssAnon"]


def chromium_path() -> str:
    """The Chromium binary (``CHROMIUM_PATH`` or the system one); raises if there is none."""
    executable = os.environ.get("CHROMIUM_PATH", DEFAULT_CHROMIUM)
    if not Path(executable).is_file():
        raise BrowserUnavailable(
            f"no Chromium at {executable} (apt-get install -y chromium, "
            "or set CHROMIUM_PATH; never `playwright install`)"
        )
    return executable


def new_page(browser):
    """A page in a fresh browser context (its own cookies: its own Streamlit session)."""
    context = browser.new_context(viewport=VIEWPORT, device_scale_factor=1)
    context.set_default_timeout(WAIT_MS)
    return context.new_page()


def wait_idle(page, max_ms: int = WAIT_MS) -> bool:
    """Wait until the script has finished and the page has stopped changing (at most max_ms)."""
    return page.evaluate(_IDLE_JS, {"quietMs": QUIET_MS, "maxMs": max_ms})


def open_drawn(page, url: str) -> None:
    """Go to ``url`` and wait until its first chart is painted and the page is idle."""
    page.goto(url, wait_until="commit", timeout=LOAD_TIMEOUT_MS)
    page.locator(FIRST_CHART).first.wait_for(state="visible", timeout=LOAD_TIMEOUT_MS)
    wait_idle(page)


def start_server(script: str, log_path: Path) -> AppServer:
    """``streamlit run <script>`` as :meth:`AppServer.start` runs app.py (which it only can)."""
    if script == APP_SCRIPT:
        return AppServer.start(log_path, timeout=SERVER_TIMEOUT_S)
    port = free_port()
    command = streamlit_command(port)
    command[command.index(APP_SCRIPT)] = script
    log = open(log_path, "w+")  # noqa: SIM115 - closed by AppServer.stop()
    started = time.monotonic()
    process = subprocess.Popen(
        command, cwd=REPO_ROOT, stdout=log, stderr=subprocess.STDOUT, text=True
    )
    server = AppServer(process=process, port=port, log=log, started_at=started)
    try:
        server.wait_healthy(SERVER_TIMEOUT_S)
    except BaseException:
        server.stop()
        raise
    return server


@dataclass
class Site:
    """One of the two servers under test, its first session's page and what was measured."""

    name: str
    script: str
    readout: str  # the metric whose value a key press changes
    server: AppServer | None = None
    page: object = None  # the session opened at the cold start
    cold_starts: list[float] = field(default_factory=list)
    idle: Memory = (0, 0)
    one_session: Memory = (0, 0)


def cold_start(site: Site, browser, logs: Path, stack: contextlib.ExitStack) -> None:
    """Spawn the server and open it in a fresh page, timing spawn → first chart painted.

    The server and page are left on ``stack`` (closed when it closes) and on ``site``.
    """
    page = new_page(browser)  # the browser is ready before the clock starts
    stack.callback(page.context.close)
    server = start_server(site.script, logs / f"{Path(site.script).stem}.log")
    stack.callback(server.stop)
    site.idle = memory(server)  # healthy, no session yet
    page.goto(server.url, wait_until="commit", timeout=LOAD_TIMEOUT_MS)
    page.locator(FIRST_CHART).first.wait_for(state="visible", timeout=LOAD_TIMEOUT_MS)
    site.cold_starts.append(time.monotonic() - server.started_at)
    wait_idle(page)
    time.sleep(SETTLE_S)
    site.one_session = memory(server)
    site.server, site.page = server, page


def press(site: Site, key: str) -> float:
    """Press ``key`` on the Temperature slider; ms until the readout shows its new value."""
    page = site.page
    page.get_by_role("slider", name="Temperature").focus(timeout=WAIT_MS)
    page.evaluate(_ARM_READOUT_JS, {"label": site.readout, "timeoutMs": WAIT_MS})
    page.keyboard.press(key)
    result = page.evaluate("() => window.__benchReadout")
    wait_idle(page)
    return float(result["ms"])


def sessions_memory(site: Site, browser, sessions: int) -> Memory:
    """Server memory with ``sessions`` open and drawn (the cold start's page is the first).

    The pages open :data:`AT_ONCE` at a time: each batch is drawn before the next opens.
    """
    with contextlib.ExitStack() as stack:
        opened = 1
        while opened < sessions:
            batch = [new_page(browser) for _ in range(min(AT_ONCE, sessions - opened))]
            for page in batch:
                stack.callback(page.context.close)
                page.goto(site.server.url, wait_until="commit", timeout=LOAD_TIMEOUT_MS)
            for page in batch:
                page.locator(FIRST_CHART).first.wait_for(state="visible", timeout=LOAD_TIMEOUT_MS)
                wait_idle(page)
            opened += len(batch)
        time.sleep(SETTLE_S)
        return memory(site.server)


def play_settings() -> dict:
    """The frame duration and redraw of the Explorer sweep's ▶ Play, read off its figure."""
    import numpy as np

    from explorer import charts
    from explorer.temperature import sweep_frames

    figure = charts.sweep_animation(("a", "b"), *sweep_frames(np.array([1.0, 0.0]), 3), 2)
    play = next(b for b in figure.layout.updatemenus[0].buttons if b.label.endswith("Play"))
    return dict(play.args[1]["frame"])


def play_sweep(page, url: str) -> tuple[list[float], int]:
    """Open ``url``, press ▶ Play on its animation; intervals (ms) between changed frames."""
    open_drawn(page, url)
    chart = page.get_by_test_id("stPlotlyChart").filter(has_text="Play")
    chart.wait_for(state="visible", timeout=WAIT_MS)
    handle = chart.locator(".js-plotly-plot").element_handle(timeout=WAIT_MS)
    page.evaluate(_ARM_FRAMES_JS, {"gd": handle, "maxMs": WAIT_MS})
    chart.get_by_text("Play").click(timeout=WAIT_MS)
    result = page.evaluate("() => window.__benchFrames")
    if result["timedOut"]:
        raise RuntimeError(f"the animation at {url} did not end within {WAIT_MS} ms")
    times = result["times"]
    if len(times) < 3:
        raise RuntimeError(f"the animation at {url} changed in {len(times)} frames only")
    return [later - earlier for earlier, later in itertools.pairwise(times)], result["events"]


def fps_figures(intervals: list[float]) -> tuple[float, float, float]:
    """p50 rate, the rate of the slowest 5 % of intervals, and the mean rate (frames / s).

    >>> [round(rate, 1) for rate in fps_figures([1000 / 30] * 9 + [100.0])]
    [30.0, 14.3, 25.0]
    """
    mean = 1000 * len(intervals) / sum(intervals)
    return 1000 / percentile(intervals, 50), 1000 / percentile(intervals, 95), mean


def run(
    quick: bool,
    moves: int | None = None,
    sessions: int | None = None,
    selected: Selected = everything,
) -> list[Row]:
    """The browser rows ``selected`` by name (the servers start and are measured regardless)."""
    moves = moves or (5 if quick else 20)
    sessions = sessions or (3 if quick else 25)
    starts = 1 if quick else 3
    if not any(selected(name) for name in row_names(sessions).values()):
        return []
    executable = chromium_path()
    from playwright.sync_api import sync_playwright

    with (
        tempfile.TemporaryDirectory(prefix="benchmark-browser-") as logs,
        sync_playwright() as playwright,
    ):
        browser = playwright.chromium.launch(
            executable_path=executable, args=CHROMIUM_ARGS, timeout=LOAD_TIMEOUT_MS
        )
        try:
            return _measure(browser, Path(logs), quick, moves, sessions, starts, selected)
        finally:
            browser.close()


@contextlib.contextmanager
def _sites(browser, logs: Path, starts: int) -> Iterator[tuple[Site, Site]]:
    """Both servers cold-started ``starts`` times (taking turns at going first); the last
    start of each stays up, with its page, until the context exits."""
    ours = Site("Explorer", APP_SCRIPT, "Entropy (nats)")
    reference = Site("reference", REFERENCE_SCRIPT, "T")
    with contextlib.ExitStack() as kept:
        for k in range(starts):
            order = (reference, ours) if k % 2 == 0 else (ours, reference)
            for site in order:
                if k == starts - 1:
                    cold_start(site, browser, logs, kept)
                else:
                    with contextlib.ExitStack() as once:
                        cold_start(site, browser, logs, once)
        yield ours, reference


def row_names(sessions: int) -> dict[str, str]:
    """The rows' names, in the table's order, by a short key."""
    return {
        "cold": "Explorer, cold start → first chart",
        "key": "Explorer, key press → readout",
        "cpu": "Explorer, server CPU per key press",
        "idle": "Server memory, idle (no session)",
        "one": "Server memory, 1 session",
        "many": f"Server memory, {sessions} sessions",
        "fps": "Sweep animation, frames per second",
    }


def _measure(browser, logs, quick, moves, sessions, starts, selected) -> list[Row]:
    names = row_names(sessions)
    rows: list[Row] = []
    with _sites(browser, logs, starts) as (ours, reference):
        cold = [statistics.median(site.cold_starts) for site in (ours, reference)]
        if selected(names["cold"]):
            rows.append(
                Measure(
                    GROUP,
                    names["cold"],
                    cold[0],
                    REFERENCE_NAME,
                    cold[1],
                    target=f"≤ {COLD_START_TARGET_S:g} s",
                    passed=cold[0] <= COLD_START_TARGET_S,
                    note=f"median of {starts}; healthy after {ours.server.healthy_after:.1f} s",
                )
            )

        if selected(names["key"]) or selected(names["cpu"]):
            latencies: dict[str, list[float]] = {ours.name: [], reference.name: []}
            cpu_before = {site.name: site.server.cpu_seconds() for site in (ours, reference)}
            for k in range(moves):
                for site in (ours, reference) if k % 2 == 0 else (reference, ours):
                    latencies[site.name].append(press(site, KEYS[k % len(KEYS)]) / 1000)
            cpu = [
                (site.server.cpu_seconds() - cpu_before[site.name]) / moves
                for site in (ours, reference)
            ]
            mine, theirs = latencies[ours.name], latencies[reference.name]
            p50 = percentile(mine, 50)
            if selected(names["key"]):
                rows.append(
                    Measure(
                        GROUP,
                        names["key"],
                        p50,
                        REFERENCE_NAME,
                        percentile(theirs, 50),
                        p95=percentile(mine, 95),
                        target=f"≤ {KEY_TARGET_MS:g} ms",
                        passed=p50 * 1000 <= KEY_TARGET_MS,
                        note=f"{moves} presses; keydown → frame showing the new "
                        f"'{ours.readout}' (minimal page: '{reference.readout}')",
                    )
                )
            if selected(names["cpu"]):
                rows.append(
                    Measure(
                        GROUP,
                        names["cpu"],
                        cpu[0],
                        REFERENCE_NAME,
                        cpu[1],
                        note=f"user + system CPU of the server over the {moves} presses",
                    )
                )

        for key, attribute in (("idle", "idle"), ("one", "one_session")):
            if selected(names[key]):
                figures = [getattr(site, attribute) for site in (ours, reference)]
                rows.append(memory_row(names[key], figures))
        if selected(names["many"]):
            figures = [sessions_memory(site, browser, sessions) for site in (ours, reference)]
            contexts = f"{sessions} browser contexts, each on the page, drawn; "
            rows.append(memory_row(names["many"], figures, contexts))

        if selected(names["fps"]):
            frame = play_settings()
            plays = 1 if quick else 3
            query = f"frame_ms={frame['duration']}&redraw={int(bool(frame['redraw']))}"
            urls = {
                ours.name: f"{ours.server.url}/?view=sweep",
                reference.name: f"{reference.server.url}/?view=sweep&{query}",
            }
            intervals: dict[str, list[float]] = {ours.name: [], reference.name: []}
            events = 0
            for k in range(plays):
                for site in (ours, reference) if k % 2 == 0 else (reference, ours):
                    drawn, fired = play_sweep(site.page, urls[site.name])
                    intervals[site.name] += drawn
                    events += fired if site is ours else 0
            p50, slow, mean = fps_figures(intervals[ours.name])
            reference_p50 = fps_figures(intervals[reference.name])[0]
            frames = len(intervals[ours.name]) + plays
            rows.append(
                Measure(
                    GROUP,
                    names["fps"],
                    p50,
                    ANIMATION_REFERENCE_NAME,
                    reference_p50,
                    p95=slow,
                    target=f"≥ {FPS_TARGET:g} fps",
                    passed=round(p50, 1) >= FPS_TARGET,
                    note=f"{plays} plays, {frames} frames drawn of {events} "
                    f"({frame['duration']} ms a frame, redraw {frame['redraw']}); "
                    f"mean {mean:.1f} fps; p95 = slowest 5 % of frames",
                    unit="fps",
                )
            )
    return rows


def memory_row(name: str, figures: list[Memory], note: str = "") -> Measure:
    """A memory row: resident set sizes, and in the note the anonymous part of each."""
    (rss, anon), (reference_rss, reference_anon) = figures
    heap = f"heap (RssAnon) {anon / 2**20:.0f} MiB, reference {reference_anon / 2**20:.0f} MiB"
    return Measure(GROUP, name, rss, REFERENCE_NAME, reference_rss, note=note + heap, unit="bytes")
