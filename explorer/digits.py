"""A real classifier to work with: a small neural network trained at run time on scikit-learn's
handwritten digits (1,797 8×8 images that ship inside scikit-learn; nothing is downloaded).

The network is made overconfident honestly, the way modern networks become so (Guo et al.,
2017): it is trained long (600 epochs of Adam) with no weight decay, until its training loss is
about 1e-4, so its logits grow larger than its test accuracy justifies. Its logits are real
logits: the hidden layer's output times the last weight matrix plus its bias, before the
softmax.

>>> split = load_split()
>>> len(split.y_train), len(split.y_val), len(split.y_test)
(1078, 359, 360)
"""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass

import numpy as np

from explorer.checks import _whole, check_count, real_array, whole_array
from explorer.core import softmax

CLASSES = tuple(str(digit) for digit in range(10))
SPLIT_SEED = 0  # the train / validation / test split
TRAIN_SHARE, VAL_SHARE = 0.6, 0.2  # the rest (0.2) is the test split
HIDDEN_UNITS = 32
EPOCHS = 600
LEARNING_RATE = 0.01
#: Caps on train_model's arguments (the app uses 1 × 32 units, 600 epochs), and on seeds.
MAX_LAYERS, MAX_HIDDEN_UNITS, MAX_EPOCHS = 4, 512, 5000
MAX_ABS_FEATURE = 1e6  # inputs beyond this would overflow the network's activations
MAX_SEED = 2**32 - 1
#: How the model was made overconfident, in words for the page.
TRAINING_STORY = (
    f"A network with one hidden layer of {HIDDEN_UNITS} ReLU units, trained for {EPOCHS} epochs "
    f"of Adam (learning rate {LEARNING_RATE:g}) with no weight decay on 60% of the digits, long "
    "after it classifies every training image correctly. Its training loss keeps falling only by "
    "making its logits larger: that is what makes it overconfident."
)


@dataclass(frozen=True)
class DigitsSplit:
    """Features scaled to [0, 1] (64 pixels), labels 0–9, and each test image as 8×8 pixels."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    images_test: np.ndarray  # (n_test, 8, 8), 0 (white) … 16 (black), as scikit-learn gives them


@dataclass(frozen=True)
class DigitsModel:
    """A trained multilayer perceptron: ReLU hidden layers, then linear logits."""

    weights: tuple[np.ndarray, ...]
    biases: tuple[np.ndarray, ...]
    train_loss: float  # mean cross-entropy on the training split at the end of training
    seconds: float  # how long training took

    def logits(self, x: np.ndarray) -> np.ndarray:
        """Pre-softmax outputs, shape (n, 10)."""
        hidden = np.asarray(x, dtype=float)
        for weight, bias in zip(self.weights[:-1], self.biases[:-1], strict=True):
            hidden = np.maximum(hidden @ weight + bias, 0.0)
        return hidden @ self.weights[-1] + self.biases[-1]


def load_split(seed: int = SPLIT_SEED) -> DigitsSplit:
    """The digits, split 60 / 20 / 20 into train, validation and test, stratified by digit.

    ``seed``: 0 to :data:`MAX_SEED`.
    """
    seed = check_count(seed, "seed", MAX_SEED, low=0)
    # scikit-learn (with scipy.stats and pandas) takes ~1 s to import: only when it is needed,
    # not on the Explorer's first page load (its digits picker uses TEST_LABELS instead).
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    digits = load_digits()
    features = digits.data / 16.0
    index = np.arange(len(digits.target))
    train, rest = train_test_split(
        index, train_size=TRAIN_SHARE, random_state=seed, stratify=digits.target
    )
    val, test = train_test_split(
        rest,
        train_size=VAL_SHARE / (1 - TRAIN_SHARE),
        random_state=seed,
        stratify=digits.target[rest],
    )
    return DigitsSplit(
        x_train=features[train],
        y_train=digits.target[train],
        x_val=features[val],
        y_val=digits.target[val],
        x_test=features[test],
        y_test=digits.target[test],
        images_test=digits.images[test],
    )


def _check_training_data(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    features = real_array(x, "x")
    if features.ndim != 2 or features.size == 0:
        raise ValueError(f"x must be a table (examples × features), got shape {features.shape}")
    if not (np.abs(features) <= MAX_ABS_FEATURE).all():  # NaN fails too
        raise ValueError(f"x must hold numbers within ±{MAX_ABS_FEATURE:g}")
    labels = whole_array(y, "y")
    if labels.shape != (len(features),):
        raise ValueError("y must hold one whole-number label per row of x")
    if np.unique(labels).size < 2:
        raise ValueError("y must hold at least two different classes")
    return features, labels


def train_model(
    x: np.ndarray,
    y: np.ndarray,
    *,
    hidden: tuple[int, ...] = (HIDDEN_UNITS,),
    epochs: int = EPOCHS,
    seed: int = 0,
) -> DigitsModel:
    """Train an MLP with no weight decay for a fixed number of epochs (no early stopping).

    ``x``: (n, features), each within ±:data:`MAX_ABS_FEATURE`; ``y``: n whole-number labels of
    at least two classes; ``hidden``: 1 to :data:`MAX_LAYERS` layer sizes, each 1 to
    :data:`MAX_HIDDEN_UNITS`; ``epochs``: 1 to :data:`MAX_EPOCHS`; ``seed``: 0 to :data:`MAX_SEED`.
    """
    x, y = _check_training_data(x, y)
    if isinstance(hidden, (str, bytes)) or not isinstance(hidden, tuple | list):
        raise TypeError(f"hidden must be a tuple of layer sizes, got {type(hidden).__name__}")
    check_count(len(hidden), "the number of hidden layers", MAX_LAYERS)
    hidden = tuple(check_count(units, "hidden", MAX_HIDDEN_UNITS) for units in hidden)
    epochs = check_count(epochs, "epochs", MAX_EPOCHS)
    seed = check_count(seed, "seed", MAX_SEED, low=0)
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    network = MLPClassifier(
        hidden_layer_sizes=hidden,
        alpha=0.0,
        solver="adam",
        learning_rate_init=LEARNING_RATE,
        max_iter=epochs,
        tol=0.0,
        n_iter_no_change=epochs + 1,
        random_state=seed,
    )
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # a fixed epoch budget is the point
        network.fit(x, y)
    return DigitsModel(
        weights=tuple(network.coefs_),
        biases=tuple(network.intercepts_),
        train_loss=float(network.loss_),
        seconds=time.perf_counter() - start,
    )


@dataclass(frozen=True)
class DigitsExperiment:
    """The split, the trained model and its logits on the validation and test splits."""

    split: DigitsSplit
    model: DigitsModel
    logits_val: np.ndarray
    logits_test: np.ndarray

    @property
    def test_accuracy(self) -> float:
        return float(np.mean(self.logits_test.argmax(axis=1) == self.split.y_test))


def digits_experiment(seed: int = 0) -> DigitsExperiment:
    """Load, split and train: about a second on two cores. Cache the result in the app.

    ``seed`` (0 to :data:`MAX_SEED`) starts the network's weights; the split is always the same.
    """
    seed = check_count(seed, "seed", MAX_SEED, low=0)
    split = load_split()
    model = train_model(split.x_train, split.y_train, seed=seed)
    return DigitsExperiment(
        split=split,
        model=model,
        logits_val=model.logits(split.x_val),
        logits_test=model.logits(split.x_test),
    )


@dataclass(frozen=True)
class Preset:
    """One test image offered to the Explorer: "this model, this image"."""

    name: str
    index: int  # into the test split
    label: int  # the true digit
    predicted: int


def _check_experiment(experiment: object) -> None:
    if not isinstance(experiment, DigitsExperiment):
        raise TypeError(f"experiment must be a DigitsExperiment, got {type(experiment).__name__}")


def presets(experiment: DigitsExperiment) -> list[Preset]:
    """Three instructive test images: the most confident correct one, the least confident
    (most ambiguous) one, and the most confident mistake (if the model makes any).
    """
    _check_experiment(experiment)
    probs = softmax(experiment.logits_test, axis=-1)
    confidence = probs.max(axis=1)
    predicted = probs.argmax(axis=1)
    truth = experiment.split.y_test
    right = np.flatnonzero(predicted == truth)
    wrong = np.flatnonzero(predicted != truth)
    chosen = [
        ("Confident and right", int(right[np.argmax(confidence[right])])),
        ("Most ambiguous", int(np.argmin(confidence))),
    ]
    if wrong.size:
        chosen.append(("Confident and wrong", int(wrong[np.argmax(confidence[wrong])])))
    return [
        Preset(name=name, index=i, label=int(truth[i]), predicted=int(predicted[i]))
        for name, i in chosen
    ]


def image_logits(experiment: DigitsExperiment, index: int) -> tuple[float, ...]:
    """The model's logits for test image ``index``, rounded to 3 decimals so that they read
    well in a text field and survive a round trip through it (and through a link) exactly.

    >>> experiment = digits_experiment()
    >>> len(image_logits(experiment, 0))
    10
    """
    _check_experiment(experiment)
    if not _whole(index) or not 0 <= index < len(experiment.split.y_test):
        raise ValueError(f"Image must be between 0 and {len(experiment.split.y_test) - 1}.")
    return tuple(round(float(z), 3) for z in experiment.logits_test[index])


def spoken(digit: int) -> str:
    """The digit with its article, as a sentence says it.

    >>> spoken(8), spoken(5)
    ('an 8', 'a 5')
    """
    digit = check_count(digit, "digit", 9, low=0)
    return f"an {digit}" if digit == 8 else f"a {digit}"
