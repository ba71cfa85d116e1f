"""A small client of Streamlit's own websocket protocol: one browser tab without the browser.

The load test (``python -m benchmarks.loadtest``) runs many of these at once. A session does what
the frontend does over ``/_stcore/stream`` (Streamlit 1.67, server side in
``streamlit/web/server/starlette/starlette_websocket.py`` and ``runtime/app_session.py``):

1. ``GET /<page>?<query>`` first, as a browser loads the page before it opens the websocket. The
   answer carries the cookies a load balancer sets (HAProxy's sticky-session cookie), and the
   websocket sends them back, so the session stays on the process that holds it.
2. Open ``ws://host:port/_stcore/stream`` with the subprotocol ``streamlit``.
3. Send ``BackMsg(rerun_script=ClientState(...))``: the query string, the page (``page_name`` on
   the first run, ``page_script_hash`` after it) and the widget states.
4. Read ``ForwardMsg`` protobufs until ``script_finished``: ``new_session``,
   ``page_config_changed``, ``navigation`` (the pages and their hashes), ``page_info_changed``
   (the query string the page wrote), then one ``delta`` per element, then ``script_finished``.
5. For an interaction, send the same with the changed widget's state, e.g. the select slider
   "Temperature" as ``string_array_value ["1.5"]`` (its formatted option), and time send →
   ``script_finished``.

XSRF (on in .streamlit/config.toml) asks nothing of a websocket client: the server accepts the
connection without a token or cookie. The token (second subprotocol entry, checked against the
``_streamlit_xsrf`` cookie) only gates reading the login cookie, which this app does not use; an
``Origin`` header, if sent, must match ``Host`` (this client sends none, like any non-browser
client). The server sends whole messages, never references to its message cache, because the
client lists no cached hashes (a browser would, so a real tab receives a little less).

An error is an exception element in the deltas, a ``page_not_found``, or a ``script_finished``
other than success (``FINISHED_EARLY_FOR_RERUN`` is not one: the server starts the next run
itself, after ``st.switch_page`` for instance, and the client waits for that one).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import dataclasses
import ipaddress
import time
import urllib.parse
from collections.abc import Iterator

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.Element_pb2 import Element
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import ClientConnection, connect

STREAM_PATH = "/_stcore/stream"
RUN_TIMEOUT = 60.0  # seconds a script run may take before it counts as an error
MAX_MESSAGE_BYTES = 64 * 2**20  # the sweep view's figure is the largest message, well under this
SERVED_BY = "x-served-by"  # deploy/haproxy.cfg names the backend in this response header

#: Widgets this client can set, by their element type.
SETTABLE = (
    "slider",
    "button_group",
    "selectbox",
    "radio",
    "number_input",
    "checkbox",
    "text_input",
    "text_area",
    "button",
)


class ProtocolError(RuntimeError):
    """The server answered something this client cannot follow (or not at all)."""


def run_coroutine(coroutine):
    """``asyncio.run(coroutine)``, also where an event loop already runs in this thread.

    Playwright's sync API keeps a loop running in the main thread while a browser is open (the
    browser tests' session-wide fixture), and ``asyncio.run`` refuses to start a second one
    there; then the coroutine runs on its own loop in a worker thread.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as worker:
        return worker.submit(asyncio.run, coroutine).result()


def is_loopback(url: str) -> bool:
    """Whether ``url`` names this machine: ``localhost`` or a loopback address.

    >>> is_loopback("http://127.0.0.1:8501"), is_loopback("http://localhost/"), is_loopback("http://[::1]:80")
    (True, True, True)
    >>> is_loopback("http://example.org"), is_loopback("http://10.0.0.2:8501")
    (False, False)
    """
    host = urllib.parse.urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def stream_url(base_url: str) -> str:
    """The websocket URL of the app at ``base_url``.

    >>> stream_url("http://127.0.0.1:8501/")
    'ws://127.0.0.1:8501/_stcore/stream'
    """
    parts = urllib.parse.urlsplit(base_url)
    scheme = {"http": "ws", "https": "wss"}[parts.scheme]
    return f"{scheme}://{parts.netloc}{STREAM_PATH}"


# --- what a run sent ---------------------------------------------------------------------------


def elements(messages: list[ForwardMsg]) -> Iterator[tuple[str, Element]]:
    """(type, element) of every new element in the deltas, in the order they were sent."""
    for message in messages:
        if message.WhichOneof("type") == "delta" and message.delta.WhichOneof("type") == (
            "new_element"
        ):
            element = message.delta.new_element
            yield element.WhichOneof("type") or "", element


def widget_options(kind: str, proto: object) -> list[str]:
    """The options a widget offers, as the wire carries them ([] for free-form widgets)."""
    if kind == "button_group":
        return [option.content for option in proto.options]  # type: ignore[attr-defined]
    if kind in ("slider", "selectbox", "radio"):
        return list(proto.options)  # type: ignore[attr-defined]
    return []


def widget_state(kind: str, proto: object, value: object) -> WidgetState:
    """The state a browser sends for widget ``proto`` (of element type ``kind``) set to ``value``.

    Options are sent as their formatted strings (what the page shows), so ``value`` must be one
    of :func:`widget_options`. A button takes ``True`` (a click).

    >>> from streamlit.proto.Slider_pb2 import Slider
    >>> slider = Slider(id="t", label="Temperature", options=["0.5", "1", "2"])
    >>> widget_state("slider", slider, "2").string_array_value.data
    ['2']
    """
    if kind not in SETTABLE:
        raise ValueError(f"cannot set a {kind!r} widget (this client knows {SETTABLE})")
    state = WidgetState(id=proto.id)  # type: ignore[attr-defined]
    options = widget_options(kind, proto)
    if options and value not in options:
        label = proto.label  # type: ignore[attr-defined]
        raise ValueError(f"{value!r} is not an option of {label!r}: {options}")
    if kind == "slider" and options:
        state.string_array_value.data.append(str(value))
    elif kind == "slider":
        values = value if isinstance(value, (list, tuple)) else [value]
        state.double_array_value.data.extend(float(v) for v in values)
    elif kind == "button_group":
        state.string_array_value.data.append(str(value))
    elif kind in ("selectbox", "radio", "text_input", "text_area"):
        state.string_value = str(value)
    elif kind == "number_input":
        if proto.data_type == proto.INT:  # type: ignore[attr-defined]
            state.int_value = int(value)  # type: ignore[call-overload]
        else:
            state.double_value = float(value)  # type: ignore[arg-type]
    elif kind == "checkbox":
        state.bool_value = bool(value)
    else:  # a button: a click
        state.trigger_value = True
    return state


@dataclasses.dataclass
class Run:
    """One script run as the client saw it: from sending the rerun to ``script_finished``."""

    seconds: float
    messages: list[ForwardMsg]
    status: int  # ForwardMsg.ScriptFinishedStatus of the last script_finished

    def elements(self) -> list[tuple[str, Element]]:
        return list(elements(self.messages))

    def widget(self, label: str) -> tuple[str, object]:
        """(type, proto) of the one widget labelled ``label``; KeyError if none or several."""
        found = [
            (kind, getattr(element, kind))
            for kind, element in elements(self.messages)
            if kind in SETTABLE and getattr(element, kind).label == label
        ]
        if len(found) != 1:
            raise KeyError(f"{len(found)} widgets labelled {label!r} on the page")
        return found[0]

    def labels(self) -> list[str]:
        """The labels of the widgets on the page, in order."""
        return [
            getattr(element, kind).label for kind, element in self.elements() if kind in SETTABLE
        ]

    def metric(self, label: str) -> str:
        """The displayed value of the metric labelled ``label``."""
        for kind, element in elements(self.messages):
            if kind == "metric" and element.metric.label == label:
                return element.metric.body
        raise KeyError(f"no metric labelled {label!r}")

    @property
    def query_string(self) -> str:
        """The query string the page wrote (st.query_params), or "" if it wrote none."""
        found = [m for m in self.messages if m.WhichOneof("type") == "page_info_changed"]
        return found[-1].page_info_changed.query_string if found else ""

    @property
    def exceptions(self) -> list[str]:
        return [
            f"{element.exception.type}: {element.exception.message}"
            for kind, element in elements(self.messages)
            if kind == "exception"
        ]

    @property
    def error(self) -> str | None:
        """What went wrong, or None: an exception element, a missing page, a failed run."""
        if self.exceptions:
            return "exception in the page: " + "; ".join(self.exceptions)
        if any(m.WhichOneof("type") == "page_not_found" for m in self.messages):
            return "page not found"
        if self.status not in (
            ForwardMsg.FINISHED_SUCCESSFULLY,
            ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY,
        ):
            return f"script finished with {ForwardMsg.ScriptFinishedStatus.Name(self.status)}"
        return None


# --- plain HTTP, for the page load that sets the balancer's cookie -----------------------------


@dataclasses.dataclass
class Response:
    status: int
    headers: list[tuple[str, str]]  # lower-case names, in order
    body: bytes

    def header(self, name: str) -> str | None:
        for key, value in self.headers:
            if key == name.lower():
                return value
        return None

    def cookies(self) -> dict[str, str]:
        """Name → value of every ``Set-Cookie`` (attributes dropped)."""
        jar = {}
        for key, value in self.headers:
            if key == "set-cookie":
                name, _, rest = value.partition("=")
                jar[name.strip()] = rest.split(";", 1)[0].strip()
        return jar


def cookie_header(cookies: dict[str, str]) -> str:
    """``{"a": "1", "b": "2"}`` → ``"a=1; b=2"``."""
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


async def http_get(
    url: str, cookies: dict[str, str] | None = None, timeout: float = RUN_TIMEOUT
) -> Response:
    """GET ``url`` over plain HTTP/1.1 (``Connection: close``), asyncio only, no proxy."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme != "http":
        raise ValueError(f"plain http only, got {url!r}")
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    lines = [f"GET {target} HTTP/1.1", f"Host: {parts.netloc}", "Connection: close"]
    if cookies:
        lines.append(f"Cookie: {cookie_header(cookies)}")
    async with asyncio.timeout(timeout):
        reader, writer = await asyncio.open_connection(parts.hostname, parts.port or 80)
        try:
            writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
            await writer.drain()
            raw = await reader.read()
        finally:
            writer.close()
    head, _, body = raw.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = [
        (name.strip().lower(), value.strip())
        for name, _, value in (line.partition(":") for line in header_lines)
    ]
    return Response(int(status_line.split()[1]), headers, body)


# --- a session ---------------------------------------------------------------------------------


class Session:
    """One browser tab: a websocket to the app, the page it shows and its widgets' states.

    Open it with :meth:`open` (an async context manager closes it); every method that changes
    a widget reruns the script and returns the :class:`Run`.
    """

    def __init__(self, websocket: ClientConnection, cookies: dict[str, str], served_by: str):
        self.websocket = websocket
        self.cookies = cookies
        self.served_by = served_by  # the backend named by the balancer ("" without one)
        self.last: Run | None = None
        self.page_script_hash = ""
        self.pages: dict[str, str] = {}  # url path ("" for the default page) → script hash
        self.query_string = ""
        self.states: dict[str, WidgetState] = {}  # what this tab has changed, sent every rerun

    @classmethod
    async def open(
        cls,
        base_url: str,
        page: str = "",
        query: str = "",
        cookies: dict[str, str] | None = None,
        timeout: float = RUN_TIMEOUT,
    ) -> Session:
        """Load ``page`` (a URL path such as ``sampling_page``; "" is the Explorer) with
        ``query`` and wait for its first run (in :attr:`last`)."""
        base = base_url.rstrip("/")
        jar = dict(cookies or {})
        loaded = await http_get(f"{base}/{page}" + (f"?{query}" if query else ""), jar, timeout)
        if loaded.status != 200:
            raise ProtocolError(f"GET /{page} answered {loaded.status}")
        jar |= loaded.cookies()
        websocket = await connect(
            stream_url(base),
            subprotocols=["streamlit"],  # type: ignore[list-item]
            additional_headers={"Cookie": cookie_header(jar)} if jar else None,
            max_size=MAX_MESSAGE_BYTES,
            open_timeout=timeout,
            proxy=None,
        )
        served_by = websocket.response.headers.get(SERVED_BY, "") if websocket.response else ""
        session = cls(websocket, jar, served_by or loaded.header(SERVED_BY) or "")
        try:
            await session.rerun(query_string=query, page_name=page, timeout=timeout)
        except BaseException:
            await session.close()
            raise
        return session

    async def __aenter__(self) -> Session:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def close(self) -> None:
        await self.websocket.close()

    async def rerun(
        self,
        query_string: str | None = None,
        page_name: str = "",
        page_script_hash: str | None = None,
        timeout: float = RUN_TIMEOUT,
        once: WidgetState | None = None,
    ) -> Run:
        """Send ``rerun_script`` with this tab's state (and ``once``, a button's click, for this
        run only) and read until the run has finished."""
        message = BackMsg()
        client_state = message.rerun_script
        client_state.query_string = self.query_string if query_string is None else query_string
        client_state.page_name = page_name
        client_state.page_script_hash = (
            self.page_script_hash if page_script_hash is None else page_script_hash
        )
        client_state.widget_states.widgets.extend(self.states.values())
        if once is not None:
            client_state.widget_states.widgets.append(once)
        started = time.perf_counter()
        await self.websocket.send(message.SerializeToString())
        received: list[ForwardMsg] = []
        try:
            async with asyncio.timeout(timeout):
                status = await self._read_until_finished(received)
        except TimeoutError:
            raise ProtocolError(f"no script_finished within {timeout:g} s") from None
        run = Run(time.perf_counter() - started, received, status)
        self._remember(run)
        return run

    async def _read_until_finished(self, received: list[ForwardMsg]) -> int:
        while True:
            data = await self.websocket.recv()
            if isinstance(data, str):
                raise ProtocolError("the server sent a text frame")
            message = ForwardMsg()
            message.ParseFromString(data)
            received.append(message)
            if message.WhichOneof("type") == "ref_hash":
                raise ProtocolError("the server sent a cached-message reference")
            finished = message.WhichOneof("type") == "script_finished"
            if finished and message.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                return message.script_finished

    def _remember(self, run: Run) -> None:
        """Keep the page, its query string and the states of the widgets still on it.

        As the frontend does, a widget's state is dropped when the widget left the page, when
        the server set its value (``set_value``: a callback or the page wrote it), or when the
        value is no longer one of its options: the server's value then stands.
        """
        self.last = run
        current = {}
        for kind, element in run.elements():
            if kind not in SETTABLE:
                continue
            proto = getattr(element, kind)
            state = self.states.get(proto.id)
            if state is None or getattr(proto, "set_value", False):
                continue
            options = widget_options(kind, proto)
            sent = [*state.string_array_value.data, state.string_value]
            if options and not any(value in options for value in sent if value):
                continue
            current[proto.id] = state
        self.states = current
        for message in run.messages:
            kind = message.WhichOneof("type")
            if kind == "navigation":
                self.page_script_hash = message.navigation.page_script_hash
                self.pages = {
                    page.url_pathname: page.page_script_hash
                    for page in message.navigation.app_pages
                }
            elif kind == "page_info_changed":
                self.query_string = message.page_info_changed.query_string

    async def set(self, label: str, value: object, timeout: float = RUN_TIMEOUT) -> Run:
        """Set the widget labelled ``label`` on the current page to ``value``, and rerun.

        A button takes ``True``: a click, sent with this rerun only (as the browser does).
        """
        if self.last is None:
            raise ProtocolError("no page yet")
        kind, proto = self.last.widget(label)
        state = widget_state(kind, proto, value)
        if kind == "button":
            return await self.rerun(timeout=timeout, once=state)
        self.states[state.id] = state
        return await self.rerun(timeout=timeout)

    def options(self, label: str) -> list[str]:
        """The options of the widget labelled ``label`` on the current page."""
        if self.last is None:
            raise ProtocolError("no page yet")
        return widget_options(*self.last.widget(label))

    async def goto(self, page: str, timeout: float = RUN_TIMEOUT) -> Run:
        """Switch to ``page`` (its URL path, "" for the Explorer), as the sidebar does."""
        if page not in self.pages:
            raise KeyError(f"no page {page!r}; the app has {sorted(self.pages)}")
        return await self.rerun(
            query_string="", page_name=page, page_script_hash=self.pages[page], timeout=timeout
        )
