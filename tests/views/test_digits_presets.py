"""The Explorer's real-model presets: a test image's logits, the image beside them, in the link.

Expected logits come from scikit-learn's own network (predict_proba) trained independently here,
never from the page's code.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.special

from explorer import digits
from tests.digits_oracle import sklearn_network

from .apptest import chart, decode, errors, notices, query, run, set_widget, start

PRESET, VALUES, LABELS, MODE = "x_digit_preset", "x_values", "x_labels", "x_mode"


@pytest.fixture(scope="module")
def sklearn_probs() -> np.ndarray:
    """Test-split probabilities from scikit-learn's own MLPClassifier, trained like ours."""
    split = digits.load_split()
    network = sklearn_network(split)
    return network.predict_proba(split.x_test)


def shown_logits(at) -> np.ndarray:
    return np.array([float(v) for v in at.text_input(key=VALUES).value.split(",")])


def image_chart(at) -> dict:
    figures = [chart(at, i) for i in range(len(at.get("plotly_chart")))]
    heatmaps = [f for f in figures if f["data"][0]["type"] == "heatmap"]
    assert len(heatmaps) == 1
    return heatmaps[0]


def test_no_image_and_no_training_until_asked():
    at = start()
    assert all(chart(at, i)["data"][0]["type"] != "heatmap" for i in range(2))
    assert "img" not in at.query_params


@pytest.mark.parametrize("option", [17, "Confident and wrong", "Most ambiguous"])
def test_choosing_an_image_loads_its_real_logits_and_shows_it(option, sklearn_probs):
    at = start()
    at.selectbox(key=PRESET).set_value(option)
    run(at)
    index = int(query(at, "img"))
    if option == 17:
        assert index == 17
    z = shown_logits(at)
    assert at.text_input(key=LABELS).value == "0, 1, 2, 3, 4, 5, 6, 7, 8, 9"
    # softmax of the page's logits is scikit-learn's predict_proba (logits rounded to 0.001).
    np.testing.assert_allclose(scipy.special.softmax(z), sklearn_probs[index], atol=2e-3)
    confidence = sklearn_probs.max(axis=1)
    split = digits.load_split()
    if option == "Most ambiguous":
        assert confidence[index] == confidence.min()
    if option == "Confident and wrong":
        wrong = sklearn_probs.argmax(axis=1) != split.y_test
        assert confidence[index] == confidence[wrong].max()
    image = image_chart(at)
    np.testing.assert_array_equal(
        decode(image["data"][0]["z"]).ravel(), split.images_test[index].ravel()
    )
    assert f"a {split.y_test[index]}" in image["layout"]["title"]["text"]
    assert at.selectbox(key=PRESET).value is None  # ready for the next choice
    assert not errors(at)


def test_editing_the_logits_removes_the_image_but_relabelling_does_not():
    at = start()
    at.selectbox(key=PRESET).set_value(5)
    run(at)
    set_widget(at, LABELS, "zero, one, two, three, four, five, six, seven, eight, nine")
    assert query(at, "img") == "5"
    set_widget(at, MODE, "probabilities")  # the same distribution, typed another way
    assert query(at, "img") == "5"
    set_widget(at, MODE, "logits")
    set_widget(at, VALUES, "1, 2, 3")
    assert "img" not in at.query_params
    assert all(chart(at, i)["data"][0]["type"] != "heatmap" for i in range(2))


def test_a_link_with_an_image_shows_that_images_logits(sklearn_probs):
    at = start(img="220", T="2.0")
    np.testing.assert_allclose(
        scipy.special.softmax(shown_logits(at)), sklearn_probs[220], atol=2e-3
    )
    assert query(at, "T") == "2.0"
    image_chart(at)


@pytest.mark.parametrize("value", ["360", "-1", "abc", "1e3", "<b>x</b>"])
def test_a_bad_image_in_a_link_is_ignored_with_a_notice(value):
    at = start(img=value, z="1,2")
    assert any("“img” was ignored" in notice for notice in notices(at))
    assert query(at, "z") == "1.0,2.0"
    assert "img" not in at.query_params
