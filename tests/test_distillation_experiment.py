"""Tests for explorer.distillation_experiment: the seeded student experiment on the digits.

Oracles: Python's statistics module for the summaries; counting by hand for the labelled subsets;
the digits labels themselves. Small settings (few epochs and seeds) keep the file fast; the
defaults are measured, not tested, as they take seconds.
"""

import statistics

import numpy as np
import pytest

from explorer import distillation_experiment as ex
from explorer.digits import digits_experiment

SMALL = dict(temperatures=(2.0, 8.0), seeds=2, epochs=120)


@pytest.fixture(scope="module")
def teacher():
    return digits_experiment()


@pytest.fixture(scope="module")
def result(teacher):
    return ex.distillation_experiment(teacher, **SMALL)


def test_runs_cover_every_configuration_and_seed(result, teacher):
    labels = ["hard labels", "teacher's argmax", "KD T=2", "KD T=8"]
    assert [s.label for s in result.summaries] == labels
    assert [(r.label, r.seed) for r in result.runs] == [
        (name, s) for s in (0, 1) for name in labels
    ]
    assert [s.temperature for s in result.summaries] == [None, None, 2.0, 8.0]
    assert [s.alpha for s in result.summaries] == [0.0, ex.DEFAULT_ALPHA, 0.9, 0.9]
    assert result.teacher_accuracy == teacher.test_accuracy
    assert result.transfer_size == 1078 and result.seeds == (0, 1)
    assert result.student_parameters == 650 < result.teacher_parameters == 64 * 32 + 32 + 330
    assert result.example_student_logits.shape == (360, 10)
    assert result.seconds > 0 and all(r.seconds > 0 for r in result.runs)


def test_summaries_are_the_mean_and_sample_deviation_of_the_runs(result):
    for summary in result.summaries:
        scores = [r.test_accuracy for r in result.runs if r.label == summary.label]
        assert summary.accuracies == tuple(scores)
        assert summary.mean == pytest.approx(statistics.mean(scores))
        assert summary.std == pytest.approx(statistics.stdev(scores))


def test_accuracies_are_shares_of_the_360_test_images(result):
    for run in result.runs:
        assert (run.test_accuracy * 360) == pytest.approx(round(run.test_accuracy * 360))


def test_the_same_seed_gives_the_same_accuracies_to_the_last_digit(result, teacher):
    again = ex.distillation_experiment(teacher, **SMALL)
    assert [r.test_accuracy for r in again.runs] == [r.test_accuracy for r in result.runs]
    np.testing.assert_array_equal(again.example_student_logits, result.example_student_logits)


def test_other_seeds_draw_other_labelled_images(teacher):
    y = teacher.split.y_train
    assert not np.array_equal(ex.labelled_subset(y, 5, 0), ex.labelled_subset(y, 5, 7))
    hard = [
        ex.distillation_experiment(teacher, temperatures=(), seeds=1, first_seed=s, epochs=60)
        .summaries[0]
        .mean
        for s in (0, 1, 2)
    ]
    assert len(set(hard)) > 1  # with 50 labels, which 50 matters


@pytest.mark.parametrize("per_class", [1, 5, 100])
def test_labelled_subset_takes_that_many_distinct_images_of_each_digit(teacher, per_class):
    y = teacher.split.y_train
    chosen = ex.labelled_subset(y, per_class, seed=3)
    assert len(set(chosen.tolist())) == len(chosen) == 10 * per_class
    assert np.bincount(y[chosen], minlength=10).tolist() == [per_class] * 10


def test_the_transfer_set_lifts_a_student_with_few_labels(result):
    """Not a claim about temperature: only that learning from the teacher's outputs on 1,078
    images beats 50 labels by a wide margin (about 84% against 95% in every run measured)."""
    by_label = {s.label: s.mean for s in result.summaries}
    assert 0.6 < by_label["hard labels"] < 0.93
    for label in ("teacher's argmax", "KD T=2", "KD T=8"):
        assert by_label[label] > by_label["hard labels"] + 0.05


def test_caps_and_bad_settings_are_refused(teacher):
    run = ex.distillation_experiment
    with pytest.raises(ValueError, match=f"at most {ex.MAX_TEMPERATURES}"):
        run(teacher, temperatures=tuple(range(1, ex.MAX_TEMPERATURES + 2)))
    with pytest.raises(ValueError, match="seeds must be from 1 to 10"):
        run(teacher, seeds=ex.MAX_SEEDS + 1)
    with pytest.raises(ValueError, match="labels_per_class"):
        run(teacher, labels_per_class=ex.MAX_LABELS_PER_CLASS + 1)
    with pytest.raises(ValueError, match="labels_per_class"):
        run(teacher, labels_per_class=0)
    with pytest.raises(ValueError, match="training steps"):
        run(teacher, seeds=10, epochs=2000)
    with pytest.raises(ValueError, match="repeat"):
        run(teacher, temperatures=(2.0, 2.0))
    with pytest.raises(ValueError, match="temperature"):
        run(teacher, temperatures=(0.0,))
    with pytest.raises(ValueError, match="alpha"):
        run(teacher, alpha=-0.1)
    with pytest.raises(ValueError, match="first_seed"):
        run(teacher, first_seed=-1)
