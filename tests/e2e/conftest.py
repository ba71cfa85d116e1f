"""Browser-test harness: a Streamlit server for the app and a headless Chromium to drive it.

The tests here start the real app (``streamlit run app.py``) once per session and talk to it with
Playwright. They use the system Chromium (``apt-get install -y chromium``), never a downloaded
browser: set ``CHROMIUM_PATH`` to use another binary. Without a browser the tests are skipped, or
fail when ``CI=true``. Every test in this folder is marked ``e2e``, so ``pytest -m "not e2e"``
runs only the fast suite.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

# The system Chromium and its flags, shared with the browser benchmarks; never a download.
from benchmarks.browser import CHROMIUM_ARGS, DEFAULT_CHROMIUM, VIEWPORT
from benchmarks.server import AppServer, ServerError

E2E_DIR = Path(__file__).resolve().parent
REPO_ROOT = E2E_DIR.parents[1]
ARTIFACTS = E2E_DIR / "artifacts"
SERVER_LOG = ARTIFACTS / "streamlit-server.log"


SERVER_START_TIMEOUT = 60.0  # seconds until /_stcore/health must answer "ok"
APP_READY_TIMEOUT = 30_000  # ms for the first script run to finish
RERUN_START_TIMEOUT = 1_000  # ms to wait for a rerun to begin after an interaction

DOM_QUIET_MS = 300  # ms without DOM changes that count as "drawn"
DOM_QUIET_MAX_MS = 10_000  # ms after which a page that keeps changing is taken as it is

APP_IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
APP_RUNNING = '[data-testid="stApp"][data-test-script-state="running"]'
EXCEPTION = '[data-testid="stException"]'

# Resolves once no node or text under <body> has changed for quietMs (attributes are ignored:
# chart transitions and hover styles change those without changing what the page says).
_DOM_QUIET_JS = """
({quietMs, maxMs}) => new Promise((resolve) => {
    let timer;
    const observer = new MutationObserver(() => {
        clearTimeout(timer);
        timer = setTimeout(done, quietMs);
    });
    const cap = setTimeout(done, maxMs);
    function done() {
        observer.disconnect();
        clearTimeout(timer);
        clearTimeout(cap);
        resolve(true);
    }
    observer.observe(document.body, {childList: true, subtree: true, characterData: true});
    timer = setTimeout(done, quietMs);
})
"""

# --- pytest hooks -------------------------------------------------------------------------------


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if E2E_DIR in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.e2e)


# --- the app server -----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def app_url() -> Iterator[str]:
    """Base URL of the app, served by ``streamlit run app.py`` on a free local port.

    The server's log stays in artifacts/ after the run: with showErrorDetails = "none" the page
    shows only a redacted message, and the traceback is in this log.
    """
    try:
        server = AppServer.start(SERVER_LOG, timeout=SERVER_START_TIMEOUT)
    except ServerError as error:
        pytest.fail(str(error), pytrace=False)
    with server:
        yield server.url


# --- the browser --------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """A headless system Chromium, shared by the session."""
    executable = os.environ.get("CHROMIUM_PATH", DEFAULT_CHROMIUM)
    if not Path(executable).is_file():
        message = (
            f"Chromium not found at {executable}. Install it with `apt-get install -y chromium` "
            "(or set CHROMIUM_PATH to a Chromium binary). Never `playwright install`: the tests "
            "use the system browser."
        )
        if os.environ.get("CI") == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)

    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def new_page(browser, width: int = VIEWPORT["width"], height: int = VIEWPORT["height"]):
    """A page in a fresh browser context (own cookies and storage) of the given viewport."""
    context = browser.new_context(
        viewport={"width": width, "height": height}, device_scale_factor=1
    )
    return context.new_page()


@pytest.fixture
def page(browser) -> Iterator[object]:
    """A fresh 1400×1000 page; open the app with :func:`open_app`."""
    tab = new_page(browser)
    try:
        yield tab
    finally:
        tab.context.close()


# --- helpers for tests --------------------------------------------------------------------------


def wait_for_dom_quiet(page, quiet_ms: int = DOM_QUIET_MS, max_ms: int = DOM_QUIET_MAX_MS) -> None:
    """Wait until no element or text has been added or changed for ``quiet_ms`` (at most
    ``max_ms``): the script may have finished before the page has drawn what it sent."""
    page.evaluate(_DOM_QUIET_JS, {"quietMs": quiet_ms, "maxMs": max_ms})


def wait_for_app_ready(page, timeout: float = APP_READY_TIMEOUT) -> None:
    """Wait until the app's script has run and finished, and the page has drawn its output.

    "notRunning" alone is not enough on a first load: the script can finish a few hundred ms
    before lazily loaded elements (metrics, charts) appear.
    """
    page.wait_for_selector(APP_IDLE, state="attached", timeout=timeout)
    wait_for_dom_quiet(page)


def wait_for_app_idle(page, timeout: float = APP_READY_TIMEOUT) -> None:
    """After an interaction: wait briefly for a rerun to start, then for it to finish.

    A widget change starts a rerun only after a round trip to the server, so the script may still
    read "notRunning" right after the interaction; give it :data:`RERUN_START_TIMEOUT` ms to flip
    to "running" (it may also have run and finished already, which is fine).
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    # No rerun seen within the timeout: none was started, or it already finished.
    with contextlib.suppress(PlaywrightTimeoutError):
        page.wait_for_selector(APP_RUNNING, state="attached", timeout=RERUN_START_TIMEOUT)
    page.wait_for_selector(APP_IDLE, state="attached", timeout=timeout)
    wait_for_dom_quiet(page)


def open_app(page, app_url: str, path: str = "") -> None:
    """Navigate to the app (``path`` may hold a query string) and wait for it to be ready."""
    page.goto(f"{app_url}/{path.lstrip('/')}")
    wait_for_app_ready(page)


def assert_no_exception(page) -> None:
    """Fail, showing the traceback text, if the app displays an uncaught exception."""
    exceptions = page.locator(EXCEPTION)
    count = exceptions.count()
    if count:
        text = "\n---\n".join(exceptions.nth(i).inner_text() for i in range(count))
        pytest.fail(
            f"the app shows {count} exception(s):\n{text}\n(server log: {SERVER_LOG})",
            pytrace=False,
        )


def save_screenshot_to(page, path: Path | str, full_page: bool = False) -> Path:
    """Save a screenshot of ``page`` to an explicit path (parents created)."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(target), full_page=full_page)
    return target


def save_screenshot(page, name: str, full_page: bool = False) -> Path:
    """Save a screenshot to ``tests/e2e/artifacts/<name>.png``."""
    return save_screenshot_to(page, ARTIFACTS / f"{name}.png", full_page=full_page)


@pytest.fixture(scope="session", autouse=True)
def artifacts_dir() -> Path:
    """``tests/e2e/artifacts/``, where screenshots and measurements go (git-ignored)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
