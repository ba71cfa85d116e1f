"""The digits classifier: real logits, reproducible, and honestly overconfident."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.optimize
import scipy.special
from sklearn.datasets import load_digits

from explorer import digits
from tests.digits_oracle import sklearn_network


@pytest.fixture(scope="module")
def experiment() -> digits.DigitsExperiment:
    return digits.digits_experiment()


def test_split_is_a_stratified_partition_of_all_1797_digits():
    split = digits.load_split()
    everything = load_digits()
    parts = [split.x_train, split.x_val, split.x_test]
    assert sum(len(p) for p in parts) == len(everything.target) == 1797
    rows = {tuple(row) for part in parts for row in part}
    assert len(rows) == len({tuple(row) for row in everything.data / 16.0})  # nothing lost
    for y in (split.y_train, split.y_val, split.y_test):
        shares = np.bincount(y, minlength=10) / len(y)
        assert np.all(np.abs(shares - 0.1) < 0.02)
    np.testing.assert_array_equal(
        split.images_test.reshape(len(split.y_test), 64) / 16.0, split.x_test
    )


def test_logits_are_the_networks_own_pre_softmax_outputs(experiment):
    """Re-train scikit-learn's network independently: its predict_proba is softmax(our logits)."""
    split = experiment.split
    network = sklearn_network(split)
    np.testing.assert_allclose(
        scipy.special.softmax(experiment.logits_test, axis=1),
        network.predict_proba(split.x_test),
        rtol=1e-9,
        atol=1e-12,
    )


def test_training_is_reproducible_for_a_seed_and_differs_for_another(experiment):
    again = digits.digits_experiment()
    np.testing.assert_array_equal(again.logits_test, experiment.logits_test)
    other = digits.train_model(
        experiment.split.x_train, experiment.split.y_train, epochs=50, seed=1
    )
    assert not np.allclose(other.logits(experiment.split.x_test), experiment.logits_test)


def test_model_is_accurate_but_overconfident(experiment):
    """Accuracy above 93%; yet the validation NLL is lowest at T > 1 (a plain scipy search)."""
    assert experiment.test_accuracy > 0.93
    assert experiment.model.train_loss < 1e-3  # trained long past fitting the training set
    z, y = experiment.logits_val, experiment.split.y_val

    def nll(log_t):
        return -np.mean(scipy.special.log_softmax(z / np.exp(log_t), axis=1)[np.arange(len(y)), y])

    best = scipy.optimize.minimize_scalar(nll, bounds=(-3, 3), method="bounded")
    assert np.exp(best.x) > 1.2


def test_presets_are_what_they_say(experiment):
    probs = scipy.special.softmax(experiment.logits_test, axis=1)
    confidence = probs.max(axis=1)
    found = {p.name: p for p in digits.presets(experiment)}
    right = found["Confident and right"]
    assert right.label == right.predicted
    assert confidence[right.index] == confidence[probs.argmax(1) == experiment.split.y_test].max()
    assert confidence[found["Most ambiguous"].index] == confidence.min()
    wrong = found["Confident and wrong"]
    assert wrong.label != wrong.predicted == probs[wrong.index].argmax()
    assert wrong.label == experiment.split.y_test[wrong.index]


def test_shipped_test_labels_are_the_splits():
    # Oracle: the split itself (scikit-learn's data and train_test_split at the fixed seed).
    from explorer.digits_labels import TEST_LABELS

    assert tuple(int(y) for y in digits.load_split().y_test) == TEST_LABELS
