"""AppTest of the Applications lab: what each section shows, from the user's side.

Expected numbers come from independent computations here (scipy's optimiser and softmax, a
hand-written ECE, closed forms), never from the page's own modules.
"""

from __future__ import annotations

import io
import math

import numpy as np
import pytest
import scipy.optimize
import scipy.special
from streamlit.testing.v1 import AppTest

from explorer import digits

from . import apptest
from .apptest import chart, decode, errors, notices, plain, query, run, set_widget

PAGE = "explorer/views/applications_page.py"
SECTION, SOURCE, UPLOAD = "a_section", "a_source", "a_upload"
CAL_T, BINS, IMAGE, KD_T = "a_calT", "a_bins", "a_img", "a_kdT"
TEMPS, RUNS, STEPS, SEED, DIM, KEYS = "a_temps", "a_runs", "a_steps", "a_seed", "a_d", "a_keys"
SMALL_BANDIT = dict(runs="200", steps="200")  # the page's default (2000 × 1000) takes seconds


def start(**query: str) -> AppTest:
    return apptest.start(PAGE, **query)


@pytest.fixture(scope="module")
def model() -> digits.DigitsExperiment:
    return digits.digits_experiment()


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def number(text: str) -> float:
    """A metric's number: "1.720", "3.16%" (as a fraction), "96.67%"."""
    return float(text.rstrip("%")) / 100 if text.endswith("%") else float(text)


# --- independent oracles ------------------------------------------------------------------------


def nll(z: np.ndarray, y: np.ndarray, temperature: float) -> float:
    return float(-np.mean(scipy.special.log_softmax(z / temperature, axis=1)[np.arange(len(y)), y]))


def scipy_temperature(z: np.ndarray, y: np.ndarray) -> float:
    best = scipy.optimize.minimize_scalar(
        lambda log_t: nll(z, y, math.exp(log_t)),
        bounds=(-4, 4),
        method="bounded",
        options={"xatol": 1e-10},
    )
    return math.exp(best.x)


def ece(z: np.ndarray, y: np.ndarray, temperature: float, bins: int) -> float:
    """Guo et al.'s ECE, written out: bins (lower, upper], |accuracy − confidence| by share."""
    probs = scipy.special.softmax(z / temperature, axis=1)
    confidence, right = probs.max(axis=1), probs.argmax(axis=1) == y
    total = 0.0
    for k in range(bins):
        inside = (confidence > k / bins) & (confidence <= (k + 1) / bins)
        if inside.any():
            total += inside.mean() * abs(right[inside].mean() - confidence[inside].mean())
    return total


# --- calibration ---------------------------------------------------------------------------------


def test_calibration_on_the_digits_model(model):
    at = start()
    shown = metrics(at)
    z_val, y_val = model.logits_val, model.split.y_val
    z_test, y_test = model.logits_test, model.split.y_test
    fitted = scipy_temperature(z_val, y_val)
    assert number(shown["Fitted temperature"]) == pytest.approx(fitted, abs=1e-3)
    assert fitted > 1.2  # honestly overconfident
    assert number(shown["Test ECE"]) == pytest.approx(ece(z_test, y_test, fitted, 15), abs=1e-4)
    assert number(shown["Test NLL"]) == pytest.approx(nll(z_test, y_test, fitted), abs=1e-4)
    assert ece(z_test, y_test, fitted, 15) < ece(z_test, y_test, 1.0, 15)  # ECE falls
    deltas = {m.label: m.delta for m in at.metric}
    assert deltas["Test ECE"].startswith("-") and deltas["Test NLL"].startswith("-")
    assert deltas["Test accuracy"] == "unchanged"
    accuracy = np.mean(z_test.argmax(axis=1) == y_test)
    assert number(shown["Test accuracy"]) == pytest.approx(accuracy, abs=5e-5)
    assert not errors(at)


def test_reliability_bars_are_each_bins_accuracy(model):
    at = start()
    figure = chart(at, 0)
    z, y = model.logits_test, model.split.y_test
    probs = scipy.special.softmax(z, axis=1)
    confidence, right = probs.max(axis=1), probs.argmax(axis=1) == y
    before = decode(figure["data"][0]["y"])  # the T = 1 panel's accuracy bars
    for k in range(15):
        inside = (confidence > k / 15) & (confidence <= (k + 1) / 15)
        if inside.any():
            assert before[k] == pytest.approx(right[inside].mean())
        else:
            assert math.isnan(before[k])


def test_your_temperature_and_bins_change_the_numbers_and_the_link(model):
    at = start()
    set_widget(at, CAL_T, 3.0)
    shown = metrics(at)
    z, y = model.logits_test, model.split.y_test
    assert number(shown["Test NLL at T = 3"]) == pytest.approx(nll(z, y, 3.0), abs=1e-4)
    assert number(shown["Test ECE at T = 3"]) == pytest.approx(ece(z, y, 3.0, 15), abs=1e-4)
    assert query(at, "calT") == "3.0"
    set_widget(at, BINS, 10)
    fitted = scipy_temperature(model.logits_val, model.split.y_val)
    assert number(metrics(at)["Test ECE"]) == pytest.approx(ece(z, y, fitted, 10), abs=1e-4)
    assert query(at, "bins") == "10"
    curve = chart(at, 2)
    marked = [t for t in curve["data"] if t.get("mode") == "markers"]
    assert any(decode(t["x"])[0] == pytest.approx(3.0) for t in marked)


def _pickled() -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, np.array([{"a": 1}, None], dtype=object), allow_pickle=True)
    return buffer.getvalue()


PICKLED = _pickled()  # a .npy of Python objects: loading it would run pickle on user data


def csv_bytes(logits: np.ndarray, labels: np.ndarray, header: bool = True) -> bytes:
    out = io.StringIO()
    if header:
        out.write(",".join([f"c{i}" for i in range(logits.shape[1])] + ["label"]) + "\n")
    for row, label in zip(logits, labels, strict=True):
        out.write(",".join(repr(float(v)) for v in row) + f",{label}\n")
    return out.getvalue().encode()


def overconfident_data(rows: int = 4000, scale: float = 3.0, seed: int = 1):
    """Labels drawn from softmax(z), reported logits scale·z: the right temperature is scale."""
    rng = np.random.default_rng(seed)
    z = rng.normal(0, 2, size=(rows, 5))
    cumulative = np.cumsum(scipy.special.softmax(z, axis=1), axis=1)
    labels = (rng.random((rows, 1)) > cumulative).sum(axis=1)
    return scale * z, labels


def upload(at: AppTest, name: str, data: bytes) -> AppTest:
    at.segmented_control(key=SOURCE).set_value("upload")
    run(at)
    at.get("file_uploader")[0].set_value((name, data, "application/octet-stream"))
    return run(at)


def test_an_uploaded_overconfident_model_gets_its_temperature_back():
    logits, labels = overconfident_data()
    at = upload(start(), "mine.csv", csv_bytes(logits, labels))
    assert not errors(at)
    assert number(metrics(at)["Fitted temperature"]) == pytest.approx(3.0, rel=0.1)
    assert "stays in this session" in " ".join(c.value for c in at.caption)
    assert "mine" not in str(dict(at.query_params))  # a link cannot carry a file


def test_uploaded_probabilities_are_recognised_and_said():
    logits, labels = overconfident_data(rows=400)
    probs = scipy.special.softmax(logits, axis=1)
    at = upload(start(), "probs.csv", csv_bytes(probs, labels))
    warnings = [w.value for w in at.warning]
    assert any("probabilities" in w for w in warnings), warnings
    assert number(metrics(at)["Fitted temperature"]) == pytest.approx(3.0, rel=0.3)


@pytest.mark.parametrize(
    ("name", "data", "said"),
    [
        ("junk.csv", bytes(range(256)) * 4, "not text"),
        ("cells.csv", b"1,2,0\n3,abc,1\n" * 15, "abc"),
        ("labels.csv", b"1,2,7\n" * 30, "label"),
        ("few.csv", b"1,2,0\n3,4,1\n", "20"),
        ("nan.csv", b"1,nan,0\n" * 30, "NaN"),
        ("empty.csv", b"", "empty"),
        ("pickle.npy", PICKLED, "never loaded"),
    ],
)
def test_a_broken_upload_is_a_message_and_nothing_else_is_lost(name, data, said):
    at = start()
    set_widget(at, BINS, 12)
    at = upload(at, name, data)
    assert len(errors(at)) == 1 and said in errors(at)[0]
    assert "digits model is shown instead" in errors(at)[0]
    assert at.number_input(key=BINS).value == 12 and query(at, "bins") == "12"
    assert number(metrics(at)["Fitted temperature"]) > 1.2  # the digits analysis is still there


# --- distillation --------------------------------------------------------------------------------


def test_soft_targets_of_the_chosen_image_at_the_chosen_temperature(model):
    at = start(sec="distillation", kdimg="354", kdT="4.0")
    bars = {t["name"]: decode(t["y"]) for t in chart(at, 1)["data"] if t["type"] == "bar"}
    expected = scipy.special.softmax(model.logits_test[354] / 4.0)
    np.testing.assert_allclose(bars["soft targets at T = 4"], expected, rtol=1e-9)
    np.testing.assert_allclose(
        bars["T = 1 (the teacher's prediction)"], scipy.special.softmax(model.logits_test[354])
    )
    image = chart(at, 0)
    np.testing.assert_array_equal(
        decode(image["data"][0]["z"]).ravel(), model.split.images_test[354].ravel()
    )
    set_widget(at, KD_T, 10.0)
    bars = {t["name"]: decode(t["y"]) for t in chart(at, 1)["data"] if t["type"] == "bar"}
    np.testing.assert_allclose(
        bars["soft targets at T = 10"], scipy.special.softmax(model.logits_test[354] / 10)
    )
    assert query(at, "kdT") == "10.0" and query(at, "kdimg") == "354"


def test_the_gradient_table_is_q_minus_y_over_t(model):
    at = start(sec="distillation", kdimg="7", kdT="2.0")
    table = at.dataframe[0].value
    q = table["student q_i at T"].to_numpy()
    y = table["y_i (truth)"].to_numpy()
    assert y.sum() == 1 and int(np.argmax(y)) == model.split.y_test[7]
    np.testing.assert_allclose(table["(q_i − y_i) / T"].to_numpy(), (q - y) / 2.0, atol=1e-12)
    assert q.sum() == pytest.approx(1.0)


def test_the_experiment_reports_students_against_the_teacher(model):
    at = start(sec="distillation")
    bars = chart(at, 3)
    names = [n for t in bars["data"] if t["type"] == "bar" for n in t["x"]]
    assert "hard labels" in names[0] and any("KD T=4" in n for n in names)
    text = " ".join(m.value for m in at.markdown)
    assert f"{model.test_accuracy:.1%}" in text or "teacher" in text


# --- exploration ---------------------------------------------------------------------------------


def test_exploration_names_a_winner_and_draws_every_policy():
    at = start(sec="exploration", Ts="0,0.2,100", **SMALL_BANDIT)
    assert metrics(at)["Winner (last 100 steps)"].startswith(("softmax", "ε-greedy"))
    curves = chart(at, 1)
    labels = {t["name"] for t in curves["data"]}
    assert {"softmax T = 0", "softmax T = 0.2", "softmax T = 100"} <= labels
    hot = next(t for t in curves["data"] if t["name"] == "softmax T = 100")
    # T = 100 is a uniform choice: the expected reward is the mean q*, 0 (runs × arms ~ N(0, 1)).
    assert abs(decode(hot["y"])[-100:].mean()) < 0.2


@pytest.mark.parametrize(
    ("text", "said"),
    [("abc", "not a number"), ("1,2,3,4,5,6,7,8,9", "1 to 8"), ("-1", "between"), ("", "1 to 8")],
)
def test_bad_temperatures_are_a_message_and_the_last_good_ones_stay(text, said):
    at = start(sec="exploration", **SMALL_BANDIT)
    set_widget(at, TEMPS, text)
    assert any(said in e for e in errors(at)), errors(at)
    assert query(at, "Ts") == "0.01,0.05,0.1,0.2,0.5,1.0"
    assert query(at, "runs") == "200"


# --- attention -----------------------------------------------------------------------------------


def test_attention_at_large_d_unscaled_is_nearly_one_hot():
    at = start(sec="attention", d="1024", keys="8")
    shown = metrics(at)
    assert number(shown["Entropy, unscaled (nats)"]) < 0.3
    assert number(shown["Entropy, scaled (nats)"]) > 1.5  # ln 8 = 2.08 at most
    assert number(shown["Spread of q·k"]) == pytest.approx(32, rel=0.1)  # √1024
    set_widget(at, DIM, 1)
    shown = metrics(at)
    assert shown["Entropy, unscaled (nats)"] == shown["Entropy, scaled (nats)"]  # √1 = 1


# --- the page as a whole -------------------------------------------------------------------------


def test_settings_survive_a_visit_to_another_section():
    at = start()
    set_widget(at, CAL_T, 2.0)
    set_widget(at, SECTION, "attention")
    set_widget(at, DIM, 256)
    assert query(at, "calT") == "2.0"
    set_widget(at, SECTION, "calibration")
    assert at.slider(key=CAL_T).value == 2.0
    assert query(at, "d") == "256"


def test_a_link_reproduces_the_state():
    link = dict(sec="attention", calT="0.5", bins="20", kdimg="9", kdT="2.0", seed="3", d="16")
    at = start(**link, **SMALL_BANDIT)
    for name, value in link.items():
        assert query(at, name) == value
    set_widget(at, SECTION, "calibration")
    assert at.number_input(key=BINS).value == 20


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("d", "100"),
        ("d", "<script>alert(1)</script>"),
        ("calT", "nan"),
        ("calT", "1.725"),
        ("kdT", "3.33"),
        ("bins", "1e9"),
        ("sec", "*bold*"),
        ("kdimg", "360"),
        ("runs", "99999"),
        ("Ts", "1,inf"),
    ],
)
def test_a_hostile_link_is_ignored_with_a_notice(name, value):
    at = start(**{name: value})
    assert any(f"“{name}” was ignored" in n for n in notices(at)), notices(at)
    assert query(at, name) != value


def test_an_uploaded_file_outlives_a_visit_to_another_section_until_removed():
    """Regression: the file and the "Your own logits" choice were lost after another section."""
    logits, labels = overconfident_data(rows=600)
    at = upload(start(), "mine.csv", csv_bytes(logits, labels))
    fitted = metrics(at)["Fitted temperature"]
    set_widget(at, SECTION, "attention")
    set_widget(at, SECTION, "calibration")
    assert at.segmented_control(key=SOURCE).value == "upload"
    assert metrics(at)["Fitted temperature"] == fitted
    assert any("mine.csv, uploaded earlier" in plain(c.value) for c in at.caption)
    at.get("file_uploader")[0].set_value(("mine.csv", csv_bytes(logits, labels), "text/csv"))
    run(at)
    at.get("file_uploader")[0].set_value(None)  # the user removes the file
    run(at)
    assert number(metrics(at)["Fitted temperature"]) == pytest.approx(1.72, abs=0.01)  # digits


def test_a_link_carries_the_fitted_temperature_exactly(model):
    """Regression: calT=1.72 became 1.5 (the nearest stop of a log slider) without a notice."""
    at = start(calT="1.72", sec="distillation", kdT="3.3")
    assert query(at, "calT") == "1.72" and query(at, "kdT") == "3.3"
    set_widget(at, SECTION, "calibration")
    z, y = model.logits_test, model.split.y_test
    assert number(metrics(at)["Test NLL at T = 1.72"]) == pytest.approx(nll(z, y, 1.72), abs=1e-4)


def test_only_the_probabilities_mistake_is_a_warning_other_notes_are_information():
    logits, labels = overconfident_data(rows=400)
    at = upload(start(), "mine.csv", csv_bytes(logits, labels))
    assert not at.warning
    assert any("Read 400 rows" in plain(i.value) for i in at.info)
    at = upload(start(), "p.csv", csv_bytes(scipy.special.softmax(logits, axis=1), labels))
    assert len(at.warning) == 1 and "look like probabilities" in at.warning[0].value
