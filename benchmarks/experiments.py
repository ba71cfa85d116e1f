"""Each application experiment, timed as the app runs it, beside a reference where one fits.

The references are the least the same job needs from the libraries alone: sklearn's own fit
for the digits model, scipy's bounded minimiser for the fitted temperature, numpy.loadtxt for an
upload, and numpy drawing the same random numbers for the bandits and the attention sweep. The
full report of calibrate and the distillation experiment have no such equivalent: their rows
give the time alone. None of these has a target; they say where the seconds go.
"""

from __future__ import annotations

import functools
import io
import math
import warnings
from collections.abc import Callable

import numpy as np
import scipy.optimize
import scipy.special
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier

from benchmarks.timing import Row, Selected, everything, median_seconds, paired_medians
from explorer import attention, bandit, calibration, digits, distillation_experiment
from explorer.uploads import MAX_UPLOAD_BYTES, parse_upload


def _row(
    name: str,
    ours: Callable[[], object],
    repeats: int,
    note: str,
    reference: Callable[[], object] | None = None,
    reference_name: str = "",
) -> Row:
    if reference is None:
        return Row("experiments", name, median_seconds(ours, repeats), note=note)
    mine, theirs = paired_medians(ours, reference, repeats)
    return Row("experiments", name, mine, reference_name, theirs, note=note)


def sklearn_fit(split: digits.DigitsSplit) -> MLPClassifier:
    """The digits model's fit, straight from sklearn with the same settings."""
    network = MLPClassifier(
        hidden_layer_sizes=(digits.HIDDEN_UNITS,),
        alpha=0.0,
        solver="adam",
        learning_rate_init=digits.LEARNING_RATE,
        max_iter=digits.EPOCHS,
        tol=0.0,
        n_iter_no_change=digits.EPOCHS + 1,
        random_state=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return network.fit(split.x_train, split.y_train)


def scipy_temperature(z: np.ndarray, y: np.ndarray) -> float:
    """T minimising the NLL, by scipy's bounded minimiser on log T over the same bounds."""
    rows = np.arange(len(y))

    def nll(log_t: float) -> float:
        return -float(np.mean(scipy.special.log_softmax(z / math.exp(log_t), axis=1)[rows, y]))

    low, high = (math.log(t) for t in calibration.TEMPERATURE_BOUNDS)
    best = scipy.optimize.minimize_scalar(
        nll, bounds=(low, high), method="bounded", options={"xatol": 1e-8}
    )
    return math.exp(best.x)


def random_logits(rows: int, classes: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Normal logits × 4, the label the top class in 70% of rows (so T is not at a bound)."""
    rng = np.random.default_rng(seed)
    logits = rng.normal(size=(rows, classes)) * 4
    labels = rng.integers(0, classes, rows)
    right = rng.random(rows) < 0.7
    labels[right] = logits[right].argmax(axis=1)
    return logits, labels


def upload_csv(max_bytes: int) -> bytes:
    """Logits and a label, 10 classes, as CSV: as many whole rows as fit in ``max_bytes``."""
    logits, labels = random_logits(max_bytes // 100 + 1, 10)
    buffer = io.StringIO()
    np.savetxt(buffer, np.column_stack([logits, labels]), delimiter=",", fmt="%.6f")
    data = buffer.getvalue().encode()[:max_bytes]
    return data[: data.rindex(b"\n") + 1]


def same_draws(runs: int, steps: int, arms: int, policies: int) -> None:
    """The random numbers the bandits draw (q*, then a uniform and a normal per run and step)."""
    for _ in range(policies):
        rng = np.random.default_rng(0)
        rng.standard_normal((runs, arms))
        for _ in range(steps):
            rng.random(runs)
            rng.standard_normal(runs)


def same_normals(queries: int, keys: int, dimension: int) -> None:
    """The normal draws of the attention sweep, in blocks of about a million, numpy alone."""
    rng = np.random.default_rng(0)
    block = max(1, (1 << 20) // (queries * (keys + 1)))
    for _ in range(0, dimension, block):
        rng.standard_normal((queries, keys + 1, block))


def run(quick: bool, repeats: int | None = None, selected: Selected = everything) -> list[Row]:
    """The experiments ``selected`` by name; --quick shrinks the large ones (the note says how).

    What several rows share (the trained teacher, the random logits) is built once, when the
    first row that needs it runs.
    """
    repeats = repeats or (1 if quick else 3)
    rows = []
    teacher = functools.cache(digits.digits_experiment)
    size = 10_000 if quick else 100_000
    problem = functools.cache(lambda: random_logits(2 * size, 100))

    if selected(name := "digits model: load, split, train"):
        split = teacher().split
        rows.append(
            _row(
                name,
                digits.digits_experiment,
                repeats,
                f"MLP {digits.HIDDEN_UNITS} hidden, {digits.EPOCHS} epochs of Adam",
                lambda: sklearn_fit(split),
                "sklearn MLPClassifier.fit",
            )
        )

    if selected(name := "fit_temperature, digits"):
        z_val, y_val = teacher().logits_val, teacher().split.y_val
        fitted, oracle = calibration.fit_temperature(z_val, y_val), scipy_temperature(z_val, y_val)
        if not math.isclose(fitted, oracle, rel_tol=1e-5):
            raise AssertionError(f"fit_temperature {fitted} and scipy's {oracle} disagree")
        rows.append(
            _row(
                name,
                lambda: calibration.fit_temperature(z_val, y_val),
                max(repeats, 5),
                f"{len(y_val)} validation rows × 10 classes",
                lambda: scipy_temperature(z_val, y_val),
                "scipy minimize_scalar",
            )
        )

    if selected(name := "calibrate, digits (whole report)"):
        model = teacher()
        data = (model.logits_val, model.split.y_val, model.logits_test, model.split.y_test)
        rows.append(
            _row(
                name,
                lambda: calibration.calibrate(*data),
                max(repeats, 5),
                "fit, NLL curve, reliability bins, before/after",
            )
        )

    if selected(name := "fit_temperature, random logits"):
        z_fit, y_fit = problem()[0][:size], problem()[1][:size]
        rows.append(
            _row(
                name,
                lambda: calibration.fit_temperature(z_fit, y_fit),
                repeats,
                f"{size:,} rows × 100 classes",
                lambda: scipy_temperature(z_fit, y_fit),
                "scipy minimize_scalar",
            )
        )

    if selected(name := "calibrate, random logits"):
        logits, labels = problem()
        halves = (logits[:size], labels[:size], logits[size:], labels[size:])
        rows.append(
            _row(
                name,
                lambda: calibration.calibrate(*halves),
                repeats,
                f"{size:,} + {size:,} rows × 100 classes",
            )
        )

    if selected(name := "parse_upload, CSV of logits"):
        csv = upload_csv(1_000_000 if quick else MAX_UPLOAD_BYTES)
        lines = csv.count(b"\n")
        rows.append(
            _row(
                name,
                lambda: parse_upload("logits.csv", csv),
                repeats,
                f"{len(csv) / 1e6:.1f} MB, {lines:,} rows × 11",
                lambda: np.loadtxt(io.BytesIO(csv), delimiter=","),
                "numpy.loadtxt",
            )
        )

    if selected(name := "distillation experiment"):
        kd_size = {"seeds": 1, "epochs": 30} if quick else {}
        seeds = kd_size.get("seeds", distillation_experiment.DEFAULT_SEEDS)
        students = (2 + len(distillation_experiment.DEFAULT_TEMPERATURES)) * seeds
        epochs = kd_size.get("epochs", distillation_experiment.DEFAULT_EPOCHS)
        model = teacher()
        rows.append(
            _row(
                name,
                lambda: distillation_experiment.distillation_experiment(model, **kd_size),
                repeats,
                f"{students} students × {epochs} epochs",
            )
        )

    if selected(name := "bandit comparison"):
        runs, steps = (200, 200) if quick else (2000, 1000)
        policies = len(bandit.DEFAULT_TEMPERATURES) + len(bandit.DEFAULT_EPSILONS)
        rows.append(
            _row(
                name,
                lambda: bandit.compare(runs=runs, steps=steps),
                repeats,
                f"{policies} policies × {runs:,} runs × {steps:,} steps",
                lambda: same_draws(runs, steps, 10, policies),
                "numpy: the same draws",
            )
        )

    if selected(name := "attention sweep"):
        dimensions = attention.DEFAULT_DIMENSIONS
        rows.append(
            _row(
                name,
                lambda: attention.entropy_against_dimension(dimensions, keys=16, queries=256),
                max(repeats, 3),
                f"{len(dimensions)} dimensions up to {max(dimensions):,}, 256 queries × 16 keys",
                lambda: same_normals(256, 16, max(dimensions)),
                "numpy: the same normal draws",
            )
        )
    return rows
