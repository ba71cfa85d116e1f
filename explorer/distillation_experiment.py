"""Does distillation help a small student? A seeded experiment on the digits, in about a second.

The setting (after Hinton, Vinyals & Dean, 2015, section 3, where soft targets let a student learn
from few labels):

- **Teacher**: the digits network of :mod:`explorer.digits` (64-32-10, 2,410 parameters), trained
  on all 1,078 labelled training images. It is right on every one of them, and overconfident:
  at T = 1 its probabilities there are one-hot to within 1e-4.
- **Student**: a softmax regression (:mod:`explorer.student`, 650 parameters) that is given the
  true labels of only ``labels_per_class`` training images per digit (chosen by the seed).
- **Transfer set**: all 1,078 training images, whose labels the student does not see; it sees
  the teacher's outputs on them instead.

The runs, all on the same labelled images for a given seed (a paired comparison):

- ``hard labels``: the labelled images only (cross-entropy).
- ``teacher's argmax``: the transfer set labelled with the teacher's top class (hard
  pseudo-labels; here the same as the true labels), weighted ``alpha``, plus the labelled images
  weighted ``1 − alpha``. It separates what the *extra images* bring from what *soft* targets add.
- ``KD T=…``: ``alpha`` · T² · KL(teacher ‖ student at T) on the transfer set plus ``1 − alpha``
  × cross-entropy on the labelled images, for each temperature.

Each is trained for the same number of full-batch Adam epochs and scored on the 360 test images.
Repeated over ``seeds`` labelled subsets, reported as mean and standard deviation.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from explorer.checks import check_count, check_seed, whole_array
from explorer.digits import DigitsExperiment, digits_experiment
from explorer.distillation import _check_distillation_temperature, soft_targets
from explorer.student import _check_alpha, _check_epochs, accuracy, train_student

__all__ = [
    "DEFAULT_ALPHA",
    "DEFAULT_EPOCHS",
    "DEFAULT_LABELS_PER_CLASS",
    "DEFAULT_SEEDS",
    "DEFAULT_TEMPERATURES",
    "MAX_LABELS_PER_CLASS",
    "MAX_SEEDS",
    "MAX_TEMPERATURES",
    "MAX_TRAINING_STEPS",
    "ConfigSummary",
    "DistillationResult",
    "StudentRun",
    "distillation_experiment",
]

DEFAULT_TEMPERATURES = (1.0, 2.0, 4.0, 8.0)
#: Weight of the soft term: Hinton et al. found a much smaller weight on the hard term worked best.
DEFAULT_ALPHA = 0.9
DEFAULT_LABELS_PER_CLASS = 5
DEFAULT_SEEDS = 3
#: Enough for the distilled students' objectives to stop falling fast (at 300 epochs the T = 8
#: student's loss is still 2.5 times its value at 2,000); the hard-label runs keep creeping down.
DEFAULT_EPOCHS = 600
#: Caps on what the page lets a user set.
MAX_TEMPERATURES = 6
MAX_SEEDS = 10
#: The rarest digit has 104 training images.
MAX_LABELS_PER_CLASS = 100
#: Most Adam steps in one experiment, all students together (runs × seeds × epochs; one step
#: takes about 0.3 ms on two cores, so this is about 12 s). The defaults take 6 × 3 × 600 = 10,800.
MAX_TRAINING_STEPS = 40_000

HARD_LABEL = "hard labels"
ARGMAX_LABEL = "teacher's argmax"


@dataclass(frozen=True)
class StudentRun:
    """One student trained once (one configuration, one seed)."""

    label: str  # "hard labels", "teacher's argmax" or "KD T=4"
    temperature: float | None  # the KD temperature; None for the two baselines
    alpha: float  # weight of the transfer-set term (0 for hard labels)
    seed: int
    test_accuracy: float  # share of the 360 test images right
    seconds: float  # training time


@dataclass(frozen=True)
class ConfigSummary:
    """One configuration over all seeds."""

    label: str
    temperature: float | None
    alpha: float
    accuracies: tuple[float, ...]  # one per seed, in seed order
    mean: float
    std: float  # sample standard deviation over seeds (0 for a single seed)


@dataclass(frozen=True)
class DistillationResult:
    """Every run, the summary per configuration, and the setting they came from."""

    runs: tuple[StudentRun, ...]
    summaries: tuple[ConfigSummary, ...]  # hard labels, teacher's argmax, then KD by temperature
    teacher_accuracy: float
    labels_per_class: int
    transfer_size: int
    epochs: int
    seeds: tuple[int, ...]
    student_parameters: int
    teacher_parameters: int
    example_student_logits: np.ndarray  # test logits of the first seed's hard-label student
    seconds: float  # the students' training, the teacher's excluded


def _check_temperature_list(temperatures: Sequence[float]) -> tuple[float, ...]:
    if isinstance(temperatures, (str, bytes)) or not isinstance(
        temperatures, Sequence | np.ndarray
    ):
        raise TypeError(
            f"temperatures must be a list of numbers, got {type(temperatures).__name__}"
        )
    temps = tuple(temperatures)
    if len(temps) > MAX_TEMPERATURES:
        raise ValueError(
            f"Choose at most {MAX_TEMPERATURES} distillation temperatures, got {len(temps)}."
        )
    checked = tuple(_check_distillation_temperature(t, "each temperature") for t in temps)
    if len(set(checked)) != len(checked):
        raise ValueError("temperatures must not repeat")
    return tuple(sorted(checked))


def labelled_subset(labels: np.ndarray, per_class: int, seed: int) -> np.ndarray:
    """Indices of ``per_class`` examples of each class, drawn without replacement by ``seed``.

    ``labels``: a non-empty list of whole-number classes; ``per_class``: 1 to the count of the
    rarest class; ``seed``: a whole number ≥ 0.
    """
    labels = whole_array(labels, "labels")
    if labels.ndim != 1 or labels.size == 0:
        raise ValueError(f"labels must be a non-empty list of classes, got shape {labels.shape}")
    classes, counts = np.unique(labels, return_counts=True)
    per_class = check_count(per_class, "per_class", int(counts.min()))
    rng = np.random.default_rng(check_seed(seed))
    chosen = [rng.choice(np.flatnonzero(labels == c), per_class, replace=False) for c in classes]
    return np.sort(np.concatenate(chosen))


def distillation_experiment(
    teacher: DigitsExperiment | None = None,
    *,
    temperatures: Sequence[float] = DEFAULT_TEMPERATURES,
    alpha: float = DEFAULT_ALPHA,
    labels_per_class: int = DEFAULT_LABELS_PER_CLASS,
    seeds: int = DEFAULT_SEEDS,
    first_seed: int = 0,
    epochs: int = DEFAULT_EPOCHS,
) -> DistillationResult:
    """Train the students (see the module docstring) and score them on the test images.

    Parameters
    ----------
    teacher : DigitsExperiment, optional
        The trained digits teacher; trained here (about 1 s) if not given.
    temperatures : sequence of float
        Up to :data:`MAX_TEMPERATURES` distinct KD temperatures in [0.001, 1000].
    alpha : float
        Weight of the transfer-set term, 0 to 1.
    labels_per_class : int
        True labels the student gets per digit, 1 to :data:`MAX_LABELS_PER_CLASS`.
    seeds : int
        How many labelled subsets (seeds ``first_seed``, ``first_seed + 1``, …), 1 to
        :data:`MAX_SEEDS`.
    first_seed : int
        ≥ 0. The same seeds give the same accuracies, to the last digit.
    epochs : int
        Full-batch Adam steps per student, 1 to 2,000. All students together may take at most
        :data:`MAX_TRAINING_STEPS` steps: (2 + temperatures) × seeds × epochs.

    Returns
    -------
    DistillationResult

    Examples
    --------
    >>> result = distillation_experiment(temperatures=(4.0,), seeds=1, epochs=50)
    >>> [summary.label for summary in result.summaries]
    ['hard labels', "teacher's argmax", 'KD T=4']
    """
    if teacher is not None and not isinstance(teacher, DigitsExperiment):
        raise TypeError(f"teacher must be a DigitsExperiment or None, got {type(teacher).__name__}")
    temps = _check_temperature_list(temperatures)
    alpha = _check_alpha(alpha)
    per_class = check_count(labels_per_class, "labels_per_class", MAX_LABELS_PER_CLASS)
    n_seeds = check_count(seeds, "seeds", MAX_SEEDS)
    first_seed = check_seed(first_seed, "first_seed")
    epochs = _check_epochs(epochs)
    steps = (2 + len(temps)) * n_seeds * epochs
    if steps > MAX_TRAINING_STEPS:
        raise ValueError(
            f"That is {2 + len(temps)} students × {n_seeds} seeds × {epochs:,} epochs = {steps:,} "
            f"training steps; at most {MAX_TRAINING_STEPS:,} are allowed. Use fewer seeds, "
            "temperatures or epochs."
        )
    teacher = digits_experiment() if teacher is None else teacher
    rarest = int(np.unique(teacher.split.y_train, return_counts=True)[1].min())
    if per_class > rarest:  # a teacher on other data than the digits' own split
        raise ValueError(f"labels_per_class must be at most {rarest}, the rarest class's count")

    start = time.perf_counter()
    split = teacher.split
    n_classes = teacher.logits_test.shape[1]
    transfer_logits = teacher.model.logits(split.x_train)
    argmax_targets = np.eye(n_classes)[transfer_logits.argmax(axis=1)]
    # (label, temperature, alpha, targets on the transfer set, T of the student's soft term)
    configs = [
        (HARD_LABEL, None, 0.0, None, 1.0),
        (ARGMAX_LABEL, None, alpha, argmax_targets, 1.0),
        *((f"KD T={t:g}", t, alpha, soft_targets(transfer_logits, t), t) for t in temps),
    ]
    runs: list[StudentRun] = []
    example_logits = None
    seed_list = tuple(range(first_seed, first_seed + n_seeds))
    for seed in seed_list:
        chosen = labelled_subset(split.y_train, per_class, seed)
        for label, temperature, weight, targets, student_t in configs:
            began = time.perf_counter()
            student = train_student(
                split.x_train[chosen],
                split.y_train[chosen],
                n_classes,
                x_transfer=split.x_train,
                transfer_probs=targets,
                temperature=student_t,
                alpha=weight,
                epochs=epochs,
            )
            logits_test = student.logits(split.x_test)
            if example_logits is None:
                example_logits = logits_test
            runs.append(
                StudentRun(
                    label=label,
                    temperature=temperature,
                    alpha=weight,
                    seed=seed,
                    test_accuracy=accuracy(logits_test, split.y_test),
                    seconds=time.perf_counter() - began,
                )
            )
    summaries = []
    for label, temperature, weight, _, _ in configs:
        scores = tuple(run.test_accuracy for run in runs if run.label == label)
        summaries.append(
            ConfigSummary(
                label=label,
                temperature=temperature,
                alpha=weight,
                accuracies=scores,
                mean=float(np.mean(scores)),
                std=float(np.std(scores, ddof=1)) if len(scores) > 1 else 0.0,
            )
        )
    return DistillationResult(
        runs=tuple(runs),
        summaries=tuple(summaries),
        teacher_accuracy=teacher.test_accuracy,
        labels_per_class=per_class,
        transfer_size=len(split.y_train),
        epochs=epochs,
        seeds=seed_list,
        student_parameters=student.parameter_count,
        teacher_parameters=int(sum(w.size for w in teacher.model.weights))
        + int(sum(b.size for b in teacher.model.biases)),
        example_student_logits=example_logits,
        seconds=time.perf_counter() - start,
    )
