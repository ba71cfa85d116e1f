"""The websocket client speaks Streamlit's protocol: checked against protobufs built here and a
real ``streamlit run app.py`` (one server for the module, about 20 s in all).

The server's numbers are checked against scipy, not against the app's own code: what the page
sends after the slider moved must be the entropy of softmax(z / T) at the new T.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import doctest
import urllib.parse

import numpy as np
import pytest
from scipy.special import softmax
from streamlit.proto.Element_pb2 import Element
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.NumberInput_pb2 import NumberInput
from streamlit.proto.Slider_pb2 import Slider
from streamlit.proto.WidgetStates_pb2 import WidgetState

from benchmarks import wsclient
from benchmarks.server import AppServer
from benchmarks.wsclient import (
    Response,
    Run,
    Session,
    cookie_header,
    is_loopback,
    run_coroutine,
    stream_url,
    widget_state,
)
from deploy.cluster import warm_up

LOGITS = np.array([2.0, 1.0, 0.1])  # the Explorer's default distribution


def entropy_nats(temperature: float) -> float:
    probs = softmax(LOGITS / temperature)
    return float(-(probs * np.log(probs)).sum())


def query(session: Session) -> dict[str, str]:
    return dict(urllib.parse.parse_qsl(session.query_string))


def run_async(coroutine):
    return run_coroutine(coroutine)


# --- without a server --------------------------------------------------------------------------


def test_the_docstring_examples_hold():
    failures, tried = doctest.testmod(wsclient)
    assert tried >= 5 and failures == 0


def test_loopback_urls_are_told_apart_from_others():
    assert is_loopback("http://127.0.0.1:8501")
    assert is_loopback("http://127.1.2.3/")
    assert is_loopback("http://[::1]:8501")
    assert is_loopback("http://localhost:8501")
    assert not is_loopback("http://192.168.1.10:8501")
    assert not is_loopback("http://localhost.example.org")
    assert not is_loopback("http://0.0.0.0:8501")  # every interface, not this machine only
    assert stream_url("http://localhost:1/x") == "ws://localhost:1/_stcore/stream"


def test_a_select_slider_sends_its_formatted_option():
    slider = Slider(id="w1", label="Temperature", options=["0 (greedy)", "0.7", "1.5"])
    state = widget_state("slider", slider, "1.5")
    assert state.id == "w1"
    assert state.WhichOneof("value") == "string_array_value"
    assert list(state.string_array_value.data) == ["1.5"]
    with pytest.raises(ValueError, match="not an option"):
        widget_state("slider", slider, "1.6")


def test_each_widget_kind_sends_the_value_type_streamlit_reads():
    plain_slider = Slider(id="s", label="n")
    assert list(widget_state("slider", plain_slider, 3).double_array_value.data) == [3.0]
    whole = NumberInput(id="n", label="Seed", data_type=NumberInput.INT)
    assert widget_state("number_input", whole, 7.0).int_value == 7
    real = NumberInput(id="x", label="T", data_type=NumberInput.FLOAT)
    assert widget_state("number_input", real, 2).double_value == 2.0
    element = Element()
    element.button.id, element.button.label = "b", "Next"
    assert widget_state("button", element.button, True).trigger_value is True
    element.checkbox.id, element.checkbox.label = "c", "Presentation mode"
    assert widget_state("checkbox", element.checkbox, 1).bool_value is True
    element.selectbox.id, element.selectbox.label = "q", "Question"
    element.selectbox.options.extend(["1. Halve", "2. Shift"])
    assert widget_state("selectbox", element.selectbox, "2. Shift").string_value == "2. Shift"
    with pytest.raises(ValueError, match="cannot set"):
        widget_state("metric", element.metric, 1)


def delta(kind: str, **fields) -> ForwardMsg:
    message = ForwardMsg()
    getattr(message.delta.new_element, kind).SetInParent()
    for name, value in fields.items():
        setattr(getattr(message.delta.new_element, kind), name, value)
    return message


def finished(status: int = ForwardMsg.FINISHED_SUCCESSFULLY) -> ForwardMsg:
    message = ForwardMsg()
    message.script_finished = status
    return message


def test_a_run_reports_exceptions_missing_pages_and_failed_runs_as_errors():
    clean = Run(0.1, [delta("metric", label="Entropy (nats)", body="0.97"), finished()], 0)
    assert clean.error is None
    assert clean.metric("Entropy (nats)") == "0.97"
    crash = delta("exception", type="ValueError", message="bad T")
    broken = Run(0.1, [crash, finished()], ForwardMsg.FINISHED_SUCCESSFULLY)
    assert broken.error == "exception in the page: ValueError: bad T"
    missing = ForwardMsg()
    missing.page_not_found.page_name = "nope"
    assert Run(0.1, [missing, finished()], 0).error == "page not found"
    compile_error = ForwardMsg.FINISHED_WITH_COMPILE_ERROR
    assert "COMPILE_ERROR" in Run(0.1, [finished(compile_error)], compile_error).error


def widget_delta(kind: str, widget_id: str, options: list[str], set_value: bool) -> ForwardMsg:
    message = delta(kind, id=widget_id, label=widget_id, set_value=set_value)
    getattr(message.delta.new_element, kind).options.extend(options)
    return message


def test_the_tab_forgets_a_value_the_server_replaced_as_the_frontend_does():
    session = Session(None, {}, "")  # type: ignore[arg-type]  # no websocket needed here
    slider = Slider(id="t", label="t", options=["1", "2"])
    session.states = {
        "t": widget_state("slider", slider, "2"),
        "r": widget_state("slider", Slider(id="r", label="r", options=["a", "b"]), "a"),
        "gone": widget_state("slider", Slider(id="gone", label="gone", options=["x"]), "x"),
    }
    page = [
        widget_delta("slider", "t", ["1", "2"], set_value=False),  # still the user's value
        widget_delta("radio", "r", ["a", "b"], set_value=True),  # a callback reset it
        finished(),
    ]
    session._remember(Run(0.1, page, 0))
    assert set(session.states) == {"t"}  # "gone" left the page
    session.states["r"] = widget_state("slider", Slider(id="r", label="r", options=["a"]), "a")
    new_options = [widget_delta("radio", "r", ["c", "d"], set_value=False), finished()]
    session._remember(Run(0.1, new_options, 0))
    assert session.states == {}  # "a" is no longer an option: the server's value stands


def test_set_cookie_headers_become_a_cookie_header():
    response = Response(
        200,
        [
            ("set-cookie", "STSERVER=app2; path=/; HttpOnly"),
            ("x-served-by", "app2"),
            ("set-cookie", "_streamlit_xsrf=2|ab|cd|1; Path=/; SameSite=Lax"),
        ],
        b"",
    )
    jar = response.cookies()
    assert jar == {"STSERVER": "app2", "_streamlit_xsrf": "2|ab|cd|1"}
    assert cookie_header(jar) == "STSERVER=app2; _streamlit_xsrf=2|ab|cd|1"
    assert response.header("X-Served-By") == "app2"


# --- against the real app ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    with AppServer.start(tmp_path_factory.mktemp("wsclient") / "server.log") as server:
        yield server.url


def test_a_fresh_process_serves_a_burst_of_first_visits(app_url):
    """A class opening the link at once on a fresh server (the first of this module's server
    tests). Before app.py imported pandas and plotly itself, 4 of 10 such first visits showed
    "partially initialized module 'pandas'"; none may now, warmed up or not."""
    pages = ["", "sampling_page", "physics_page", "quiz_page"] * 2

    async def burst() -> list[str | None]:
        async def visit(page: str) -> str | None:
            async with await Session.open(app_url, page, timeout=60) as session:
                return session.last.error

        return await asyncio.gather(*(visit(page) for page in pages))

    assert run_async(burst()) == [None] * len(pages)  # cold
    assert run_async(warm_up([app_url])) == []
    assert run_async(burst()) == [None] * len(pages)  # warm


def test_the_temperature_slider_changes_what_the_page_sends(app_url):
    async def scenario():
        async with await Session.open(app_url, query="T=0.7") as session:
            first = session.last
            moved = await session.set("Temperature", "1.5")
            return session, first, moved

    session, first, moved = run_async(scenario())
    assert first.error is None and moved.error is None
    assert float(first.metric("Entropy (nats)")) == pytest.approx(entropy_nats(0.7), rel=5e-4)
    assert float(moved.metric("Entropy (nats)")) == pytest.approx(entropy_nats(1.5), rel=5e-4)
    assert query(session)["T"] == "1.5"  # the link follows the slider
    _, exact = moved.widget("Exact temperature")
    assert exact.value == 1.5  # the slider's callback wrote the exact entry too
    assert 0 < moved.seconds < 30
    assert session.pages[""] and session.pages["quiz_page"]  # the navigation arrived


def test_two_sessions_keep_their_own_state(app_url):
    async def scenario():
        async with (
            await Session.open(app_url, query="T=0.5") as one,
            await Session.open(app_url, query="T=0.5") as two,
        ):
            await one.set("Temperature", "5")
            return (await one.rerun()), (await two.rerun())

    one, two = run_async(scenario())
    assert float(one.metric("Entropy (nats)")) == pytest.approx(entropy_nats(5.0), rel=5e-4)
    assert float(two.metric("Entropy (nats)")) == pytest.approx(entropy_nats(0.5), rel=5e-4)


def test_pages_views_and_buttons(app_url):
    async def scenario():
        async with await Session.open(app_url, page="quiz_page") as session:
            asked = session.last
            await session.set("Your prediction", session.options("Your prediction")[0])
            revealed = await session.set("Reveal the answer", True)
            shown = dict(query(session))
            again = await session.rerun()  # a click is not sent twice
            steps = await session.goto("")
            await session.set("Look closer", "Step by step")
            return session, asked, revealed, shown, again, steps

    session, asked, revealed, shown, again, steps = run_async(scenario())
    assert "Reveal the answer" in asked.labels() and "Your prediction" in asked.labels()
    assert "Hide the answer and try it" in revealed.labels()
    assert shown["show"] == "1"
    assert "Hide the answer and try it" in again.labels()
    assert "Temperature" in steps.labels()
    assert query(session)["view"] == "steps"
    assert all(run.error is None for run in (asked, revealed, again, steps))


def test_an_unknown_page_is_an_error_and_a_bad_option_is_refused(app_url):
    async def scenario():
        async with await Session.open(app_url, page="no_such_page") as session:
            with pytest.raises(ValueError, match="not an option"):
                await session.set("Temperature", "0.123")
            return session.last

    assert run_async(scenario()).error == "page not found"


def test_a_stale_quiz_answer_asks_again_instead_of_failing(app_url):
    # Next then Reveal pressed before the new question arrives: the radio sends the previous
    # question's answer, as text this question does not offer (the load test found a ValueError
    # here 9 times in 10). The page must ask for an answer, not fail.
    async def scenario():
        async with await Session.open(app_url, page="quiz_page") as session:
            _kind, radio = session.last.widget("Your prediction")
            stale = WidgetState(id=radio.id, string_value="an answer from another question")
            session.states[radio.id] = stale
            return await session.set("Reveal the answer", True)

    revealed = run_async(scenario())
    assert revealed.error is None
    alerts = [element.alert.body for kind, element in revealed.elements() if kind == "alert"]
    assert any("Choose an answer first" in body for body in alerts)
    assert "Hide the answer and try it" not in revealed.labels()


def test_run_coroutine_works_where_a_loop_already_runs():
    """Playwright's sync API keeps a loop running in the main thread; asyncio.run refuses there."""

    async def answer() -> int:
        await asyncio.sleep(0)
        return 42

    async def inside_a_running_loop() -> int:
        with pytest.raises(RuntimeError, match="running event loop"):
            coroutine = answer()
            try:
                asyncio.run(coroutine)
            finally:
                coroutine.close()
        return run_coroutine(answer())

    def in_a_fresh_thread() -> tuple[int, int]:  # no loop runs there, whatever ran before here
        return run_coroutine(answer()), asyncio.run(inside_a_running_loop())

    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as worker:
        assert worker.submit(in_a_fresh_thread).result() == (42, 42)
