"""The Explorer's examples, prompts and exports through Streamlit's AppTest.

Expected numbers come from scipy (softmax, entropy) or numpy written out here, never from the
app's own maths; files a download button would serve are read from Streamlit's media storage.
"""

from __future__ import annotations

import csv
import io
import json
import math

import numpy as np
import pytest
import scipy.special
import scipy.stats
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

from explorer.presets import PRESETS

from .apptest import errors, query, set_widget, start

EXAMPLE, MODE, VALUES, LABELS = "x_example", "x_mode", "x_values", "x_labels"
T_SLIDER, T_EXACT, VIEW = "x_temperature", "x_temperature_exact", "x_view"
STATE_KEY = "explorer_state"

# Each example as a teacher would type it: (values, mode, labels, temperature it sets).
EXAMPLES = {
    "2, 1, 0.1": ("2.0, 1.0, 0.1", "logits", "A, B, C", 1.0),
    "0.25 / 0.75": ("0.25, 0.75", "probabilities", "heads, tails", 1.0),
    "e⁶ vs e³": ("6.0, 3.0", "logits", "A, B", 1.5),
    "Confident": ("8.0, 1.0, 0.5, 0.0", "logits", "cat, dog, fox, owl", 1.0),
    "Ambiguous": ("2.1, 2.0, 1.9", "logits", "cat, fox, dog", 1.0),
    "All equal": ("1.0, 1.0, 1.0, 1.0", "logits", "A, B, C, D", None),
    "Tie at the top": ("3.0, 3.0, 1.0", "logits", "yes, sure, no", 0.0),
    "Next word": (
        "9.2, 8.6, 8.1, 7.8, 7.5, 7.1, 6.9, 6.3, 5.6, -inf",
        "logits",
        "mat, floor, sofa, bed, couch, chair, rug, windowsill, roof, <eos>",
        0.7,
    ),
}


def oracle(values: str, mode: str, temperature: float) -> np.ndarray:
    numbers = np.array([float(v) for v in values.split(",")])
    z = np.log(numbers) if mode == "probabilities" else numbers
    if temperature == 0:
        top = (z == z.max()).astype(float)
        return top / top.sum()
    probs = np.zeros_like(z)
    finite = np.isfinite(z)
    probs[finite] = scipy.special.softmax(z[finite] / temperature)
    return probs


def metric(at, label: str) -> float:
    return next(float(m.value) for m in at.metric if m.label == label)


def captions(at) -> str:
    return "\n".join(c.value.replace("\\", "") for c in at.caption)


def choose(at, name):
    """Click the example ``name``: a click on the one already selected unselects it."""
    return set_widget(at, EXAMPLE, None if at.get_by_key(EXAMPLE).value == name else name)


@pytest.fixture(scope="module")
def session():
    """One session for the examples (each loads over the previous one, as a teacher would)."""
    return start(T="3.0", view="logprob")


@pytest.mark.parametrize("name", EXAMPLES)
def test_an_example_fills_every_field_and_says_what_to_notice(session, name):
    at = choose(session, name)
    values, mode, labels, temperature = EXAMPLES[name]
    temperature = at.number_input(key=T_EXACT).value if temperature is None else temperature
    assert at.text_input(key=VALUES).value == values
    assert at.get_by_key(MODE).value == mode
    assert at.text_input(key=LABELS).value == labels
    assert at.number_input(key=T_EXACT).value == temperature
    probs = oracle(values, mode, temperature)
    assert metric(at, "Top probability") == pytest.approx(probs.max(), rel=1e-3)
    assert metric(at, "Entropy (nats)") == pytest.approx(scipy.stats.entropy(probs), abs=1e-3)
    assert at.get_by_key(EXAMPLE).value == name  # highlighted while the page shows it
    assert PRESETS[name].notice in captions(at)  # shown as written, <eos> and all
    assert "Try this:" in captions(at)
    assert query(at, "T") == repr(float(temperature))
    assert query(at, "labels") == labels.replace(", ", ",")
    assert not errors(at)


def test_the_exp_example_opens_the_step_table_with_its_numerators():
    at = choose(start(), "e⁶ vs e³")
    assert at.get_by_key(VIEW).value == "steps"
    table = at.dataframe[0].value
    np.testing.assert_allclose(table["exp(z/T)"], [math.exp(4), math.exp(2)], rtol=1e-12)
    assert "54.6" in captions(at) and "7.389" in captions(at)
    assert f"{table['exp(z/T)'].iloc[1]:.4g}" == "7.389"  # the table's own format (%.4g)


def test_moving_t_keeps_the_example_and_clicking_it_again_resets_t():
    at = choose(start(), "Confident")
    set_widget(at, T_EXACT, 5.0)
    assert at.get_by_key(EXAMPLE).value == "Confident"
    assert "cat is 7 logits ahead" in captions(at)
    choose(at, "Confident")  # clicking it again (which unselects it) loads it again
    assert at.number_input(key=T_EXACT).value == 1.0
    assert at.get_by_key(EXAMPLE).value == "Confident"
    set_widget(at, VALUES, "8, 1, 0.5, 0.1")  # edited: no longer the example
    assert at.get_by_key(EXAMPLE).value is None
    assert "logits ahead" not in captions(at)
    assert at.number_input(key=T_EXACT).value == 1.0  # the rest of the state stays


def test_a_link_to_an_example_highlights_it_and_an_example_drops_the_digits_image():
    at = start(z="2.1,2.0,1.9", labels="cat,fox,dog", T="0.1")
    assert at.get_by_key(EXAMPLE).value == "Ambiguous"
    assert "cat has 0.665" in captions(at)
    assert metric(at, "Top probability") == pytest.approx(0.6652, abs=1e-4)
    at = start(img="5")
    assert query(at, "img") == "5"
    choose(at, "All equal")
    assert "img" not in at.query_params
    assert at.text_input(key=LABELS).value == "A, B, C, D"


def test_every_chart_names_its_png_after_t_and_keeps_the_camera_button():
    at = choose(start(), "e⁶ vs e³")
    set_widget(at, VIEW, "curves")
    charts = at.get("plotly_chart")
    assert len(charts) == 2
    for element in charts:
        config = json.loads(element.proto.config)
        assert config["toImageButtonOptions"] == {
            "format": "png",
            "filename": "softmax-T-1.5",
            "scale": 2,
        }
        assert "toImage" not in config.get("modeBarButtonsToRemove", [])
        assert config.get("displayModeBar", True) is not False


def test_the_code_block_reproduces_the_page_exactly():
    at = choose(start(), "Next word")
    code = at.code[0].value
    assert "9.2, 8.6, 8.1, 7.8, 7.5, 7.1, 6.9, 6.3, 5.6, -np.inf" in code
    namespace: dict = {}
    exec(code, namespace)
    page_probs = at.session_state[STATE_KEY].probs
    np.testing.assert_array_equal(namespace["probs"], page_probs)
    values, mode, _, temperature = EXAMPLES["Next word"]
    np.testing.assert_allclose(namespace["probs"], oracle(values, mode, temperature), rtol=1e-12)
    assert namespace["labels"][-1] == "<eos>" and namespace["probs"][-1] == 0.0


@pytest.fixture
def served(monkeypatch) -> dict[str, bytes]:
    """What each download button would serve, by its file name."""
    files: dict[str, bytes] = {}
    original = MemoryMediaFileStorage.load_and_get_id

    def record(self, path_or_data, mimetype, kind, filename=None):
        if filename:
            data = path_or_data.encode() if isinstance(path_or_data, str) else path_or_data
            files[filename] = bytes(data)
        return original(self, path_or_data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", record)
    return files


def test_the_downloads_carry_the_numbers_shown(served):
    at = choose(start(), "Tie at the top")
    assert [b.label for b in at.download_button] == ["Download CSV", "Download JSON"]
    table = list(csv.DictReader(io.StringIO(served["softmax-T-0.csv"].decode(), newline="")))
    assert [row["label"] for row in table] == ["yes", "sure", "no"]
    assert [float(row["probability"]) for row in table] == [0.5, 0.5, 0.0]
    at_one = scipy.special.softmax([3.0, 3.0, 1.0])
    np.testing.assert_allclose([float(row["probability_at_T1"]) for row in table], at_one)
    assert {row["temperature"] for row in table} == {"0.0"}
    document = json.loads(served["softmax-T-0.json"])
    assert document["entropy_nats"] == pytest.approx(math.log(2))
    assert [c["logit"] for c in document["classes"]] == [3.0, 3.0, 1.0]


def test_hostile_labels_from_a_link_are_data_in_every_export(served):
    hostile = "\"');os.system('x')#"  # 19 characters: labels are cut at 20
    at = start(z="1,2", labels=f"=cmd|x,{hostile}")
    assert not errors(at)
    code = at.code[0].value
    assert f"labels = [{'=cmd|x'!r}, {hostile!r}]" in code
    table = list(csv.DictReader(io.StringIO(served["softmax-T-1.csv"].decode(), newline="")))
    assert [row["label"] for row in table] == ["'=cmd|x", hostile]
    assert [c["label"] for c in json.loads(served["softmax-T-1.json"])["classes"]] == [
        "=cmd|x",
        hostile,
    ]


def test_try_this_fits_the_state_and_the_mistakes_are_explained():
    at = start(T="0.5")
    probs = scipy.special.softmax(np.array([2.0, 1.0, 0.1]) / 0.5)
    quarter = scipy.special.softmax(np.array([2.0, 1.0, 0.1]) / 0.25)
    assert f"Halve T (to 0.25) and watch the top bar grow from {probs.max():.3f} to " in captions(
        at
    )
    assert f"{quarter.max():.3f}" in captions(at)
    set_widget(at, T_EXACT, 0.0)
    assert "T = 0 is greedy" in captions(at)
    mistakes = next(e for e in at.expander if e.label == "Three common mistakes")
    text = " ".join(m.value.replace("\\", "") for m in mistakes.markdown)
    assert "calibrated probabilities" in text and "Lower T is always better" in text
    assert "classes tied for the largest logit share the probability equally" in text
    links = mistakes.get("page_link")
    assert len(links) == 1 and links[0].proto.page.endswith("applications_page")
