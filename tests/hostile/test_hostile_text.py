"""Hostile pasted text (issue 8): the Explorer's values and labels fields, the Sampling lab's
pasted corpus, prompt and temperatures: text over the caps, NUL bytes, binary, every Unicode
category, HTML, script, markdown and LaTeX, 10,000 labels or values.

The contract: no exception; text that cannot be used gets a clear message under its field,
quoted literally, and the page keeps what it had; text that can be used is shown as text (never
as markdown, HTML or LaTeX); settings made before (the temperature) survive.
"""

from __future__ import annotations

import html
import json
import re
import unicodedata

import pytest
from streamlit.testing.v1 import AppTest

from explorer.corpus import MAX_CORPUS_CHARS, MIN_CORPUS_CHARS
from explorer.sampling_state import MAX_PROMPT_CHARS
from explorer.state import MAX_TEXT_CHARS
from tests.views.apptest import plain, query, set_widget, start

EXPLORER, SAMPLING = "explorer/views/explorer_page.py", "explorer/views/sampling_page.py"
VALUES, LABELS, T_EXACT = "x_values", "x_labels", "x_temperature_exact"
CORPUS, PASTED, PROMPT, TEMPS = "s_corpus", "s_pasted", "s_prompt", "s_temps"
_PUNCTUATION = re.compile(r"[!-/:-@\[-`{-~]")
TEMPERATURE = 0.37  # set first; every junk paste must leave it


def _one_of_each_category(skip: str = "\x00") -> str:
    """One character of every Unicode general category (lone surrogates aside: no browser
    sends them, and Streamlit's protobuf cannot carry them)."""
    found: dict[str, str] = {}
    for code in range(0x110000):
        char = chr(code)
        category = unicodedata.category(char)
        if category != "Cs" and category not in found and char not in skip:
            found[category] = char
        if len(found) == 29:
            break
    return "".join(found.values())


EVERY_CATEGORY = _one_of_each_category()
assert len({unicodedata.category(c) for c in EVERY_CATEGORY}) == 29
NO_CONTROLS = "".join(c for c in EVERY_CATEGORY if unicodedata.category(c) != "Cc")

#: Name → text; the same junk goes into every field.
JUNK = {
    "empty": "",
    "spaces": "   \t  ",
    "nul": "1, \x002, 3",
    "binary": bytes(range(256)).decode("latin-1"),
    "every-category": EVERY_CATEGORY,
    "every-category-but-controls": NO_CONTROLS * 3,
    "html": "<img src=x onerror=alert(1)>",
    "script": "<script>alert(1)</script>",
    "markdown": "**bold** [link](javascript:alert(1)) :red[x] # h",
    "latex": "$$\\frac{}$$ $x^2$",
    "emoji": "🔥, 💧, 🌡️",
    "rtl": "\u202e1, \u202e2",
    "zero-width": "\u200b1, 2\u200b",
    "replacement": "\ufffd, \ufffd\ufffd",
    "newlines": "1\n2\r\n3",
    "10k-values": ", ".join(["1"] * 10_000),
    "10k-labels": ",".join(f"l{i}" for i in range(10_000)),
    "over-cap": "9" * (MAX_TEXT_CHARS + 1),
    "huge": "x" * (MAX_CORPUS_CHARS + 1),
}


def escaped(markdown: str) -> bool:
    """Every ASCII punctuation mark backslash-escaped: nothing in it is markdown."""
    return not _PUNCTUATION.search(re.sub(r"\\.", "", markdown))


def rendered_markdown(at: AppTest) -> list[str]:
    """The markdown sources of everything Streamlit renders as markdown."""
    elements = [*at.markdown, *at.caption, *at.info, *at.warning, *at.error, *at.success]
    return [e.value for e in elements]


def check_nothing_active(at: AppTest, junk: str) -> None:
    """The junk never reaches markdown as it is (a link, an image, bold, LaTeX would be live),
    every error is quoted literally, and chart labels are HTML-escaped for plotly."""
    assert not at.exception, [e.value for e in at.exception][:1]
    active = [piece for piece in re.split(r"[,\s]+", junk) if _PUNCTUATION.search(piece)]
    for source in rendered_markdown(at):
        unescaped = re.sub(r"\\.", "\x00", source)  # an escaped mark is no mark
        for piece in active:
            assert piece not in unescaped, (piece, source[:200])
    for error in at.error:
        assert escaped(error.value), error.value
    for figure in at.get("plotly_chart"):
        spec = json.loads(figure.proto.spec)
        for trace in spec["data"]:
            for text in trace.get("x", []) if isinstance(trace.get("x"), list) else []:
                if isinstance(text, str):
                    assert html.unescape(text) == text or "&" in text  # escaped, not raw tags
                    assert "<img" not in text and "<script" not in text, text


# --- the Explorer's values and labels ------------------------------------------------------------


def fresh_explorer() -> AppTest:
    return set_widget(start(EXPLORER), T_EXACT, TEMPERATURE)


@pytest.mark.parametrize("name", JUNK)
def test_junk_values_leave_the_distribution_and_the_temperature(name):
    at = fresh_explorer()
    before = at.session_state["explorer_state"]
    at = set_widget(at, VALUES, JUNK[name])
    check_nothing_active(at, JUNK[name])
    state = at.session_state["explorer_state"]
    assert state.temperature == TEMPERATURE and query(at, "T") == repr(TEMPERATURE)
    assert at.number_input(key=T_EXACT).value == TEMPERATURE
    errors = [plain(e.value) for e in at.error]
    if errors:  # refused: one clear message, the distribution as it was
        assert len(errors) == 1 and state.logits == before.logits, errors
        assert any(
            phrase in errors[0]
            for phrase in ("is not a number", "at least 2", "too many", "NaN", "+inf")
        ), errors
    else:  # taken: numbers only (1, 2, 3 with odd separators)
        assert len(state.logits) >= 2 and all(isinstance(z, float) for z in state.logits)
    assert at.get("plotly_chart"), "the chart stays"


@pytest.mark.parametrize("name", JUNK)
def test_junk_labels_are_refused_or_shown_as_text(name):
    at = fresh_explorer()
    before = at.session_state["explorer_state"]
    at = set_widget(at, LABELS, JUNK[name])
    check_nothing_active(at, JUNK[name])
    state = at.session_state["explorer_state"]
    assert state.temperature == TEMPERATURE and state.logits == before.logits
    errors = [plain(e.value) for e in at.error]
    if errors:
        assert len(errors) == 1 and state.labels == before.labels, errors
        assert "limited to" in errors[0] or "must be different" in errors[0], errors
    else:
        bars = json.loads(at.get("plotly_chart")[0].proto.spec)["data"][0]
        assert bars["x"] == [html.escape(label, quote=False) for label in state.labels]


def test_ten_thousand_values_are_cut_at_the_fields_cap_and_refused_as_too_many():
    """The field takes MAX_TEXT_CHARS characters (the browser stops there): 200 values."""
    at = set_widget(fresh_explorer(), VALUES, JUNK["10k-values"])
    assert at.text_input(key=VALUES).value == JUNK["10k-values"][:MAX_TEXT_CHARS]
    assert [plain(e.value) for e in at.error] == [
        "200 logits is too many: the Explorer shows at most 12 classes."
    ]


# --- the Sampling lab's corpus, prompt and temperatures ------------------------------------------


def fresh_lab() -> AppTest:
    """The text section, T set first, then the corpus switched to a pasted one."""
    at = set_widget(start(SAMPLING, sec="text", order="3", len="60"), T_EXACT, TEMPERATURE)
    return set_widget(at, CORPUS, "pasted")


def lab_settings(at: AppTest):
    lab = at.session_state["sampling_state"]
    return at.session_state["explorer_state"].temperature, lab


@pytest.mark.parametrize("name", JUNK)
def test_a_junk_corpus_is_refused_with_a_message_or_learned_as_text(name):
    at = fresh_lab()
    temperature, lab = lab_settings(at)
    at = set_widget(at, PASTED, JUNK[name])
    check_nothing_active(at, JUNK[name])
    assert lab_settings(at) == (temperature, lab) and temperature == TEMPERATURE
    errors = [plain(e.value) for e in at.error]
    if errors:
        assert len(errors) == 1 and errors[0].endswith("Using the built-in corpus meanwhile."), (
            errors
        )
        assert any(
            phrase in errors[0]
            for phrase in (
                f"limit is {MAX_CORPUS_CHARS:,}",
                "NUL",
                "binary",
                f"at least {MIN_CORPUS_CHARS}",
            )
        ), errors
    texts = [t.value for t in at.text]
    assert len(texts) == len(lab.text_temperatures)  # generated, as plain text elements
    assert all(t.startswith(lab.prompt.strip()) for t in texts)  # (st.text strips the ends)


def test_a_pasted_corpus_at_the_cap_is_learned():
    at = set_widget(fresh_lab(), PASTED, ("The cat sat on the mat. " * 10_000)[:MAX_CORPUS_CHARS])
    assert not at.error and not at.exception
    assert any("cat" in t.value[4:] or "mat" in t.value[4:] for t in at.text)


@pytest.mark.parametrize("name", JUNK)
def test_a_junk_prompt_is_refused_or_used_as_text(name):
    at = set_widget(start(SAMPLING, sec="text", order="3", len="60"), T_EXACT, TEMPERATURE)
    lab = at.session_state["sampling_state"]
    at = set_widget(at, PROMPT, JUNK[name])
    check_nothing_active(at, JUNK[name])
    new = at.session_state["sampling_state"]
    assert at.session_state["explorer_state"].temperature == TEMPERATURE
    assert (new.order, new.length, new.text_temperatures) == (
        lab.order,
        lab.length,
        lab.text_temperatures,
    )
    typed = JUNK[name][:MAX_PROMPT_CHARS]  # the field's max_chars: the browser stops there
    assert at.text_input(key=PROMPT).value == typed
    assert not at.error and new.prompt == typed
    first = typed.split()[0] if typed.split() else ""  # (st.text strips the ends)
    assert all(first in t.value for t in at.text)


@pytest.mark.parametrize("name", JUNK)
def test_junk_temperatures_are_refused_and_the_others_kept(name):
    at = set_widget(start(SAMPLING, sec="text", order="3", len="60"), T_EXACT, TEMPERATURE)
    lab = at.session_state["sampling_state"]
    at = set_widget(at, TEMPS, JUNK[name])
    check_nothing_active(at, JUNK[name])
    new = at.session_state["sampling_state"]
    assert at.session_state["explorer_state"].temperature == TEMPERATURE
    assert (new.prompt, new.order, new.length) == (lab.prompt, lab.order, lab.length)
    errors = [plain(e.value) for e in at.error]
    if errors:
        assert len(errors) == 1 and new.text_temperatures == lab.text_temperatures, errors
    assert len(at.text) == len(new.text_temperatures)


def test_regression_a_field_error_starts_a_sentence():
    """Was "give 1 to 4 temperatures, by commas.": the link's wording, under a field."""
    at = set_widget(start(SAMPLING, sec="text", len="20"), TEMPS, "")
    assert [plain(e.value) for e in at.error] == ["Give 1 to 4 temperatures, by commas."]
    at = start("explorer/views/applications_page.py", sec="exploration", runs="20", steps="30")
    at = set_widget(at, "a_temps", "1,2,3,4,5,6,7,8,9")
    assert [plain(e.value) for e in at.error] == ["Give 1 to 8 temperatures, by commas."]
