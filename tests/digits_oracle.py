"""The digits model's independent oracle: scikit-learn's own MLPClassifier, trained like ours.

Its ``predict_proba`` is what softmax of our logits must equal.
"""

from __future__ import annotations

import warnings

from sklearn.neural_network import MLPClassifier

from explorer import digits


def sklearn_network(split: digits.DigitsSplit) -> MLPClassifier:
    network = MLPClassifier(
        hidden_layer_sizes=(digits.HIDDEN_UNITS,),
        alpha=0.0,
        learning_rate_init=digits.LEARNING_RATE,
        max_iter=digits.EPOCHS,
        tol=0.0,
        n_iter_no_change=digits.EPOCHS + 1,
        random_state=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        network.fit(split.x_train, split.y_train)
    return network
