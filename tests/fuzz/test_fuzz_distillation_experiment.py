"""Fuzzing explorer.distillation_experiment: the labelled subsets and the experiment itself with
hostile teachers, temperatures, weights, counts, seeds and epochs (valid ones train tiny runs on
the real digits teacher, trained once)."""

from __future__ import annotations

import dataclasses
import functools

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from explorer import distillation_experiment as module
from explorer import student
from explorer.digits import digits_experiment
from explorer.distillation import MAX_TEMPERATURE, MIN_TEMPERATURE
from explorer.distillation_experiment import (
    MAX_LABELS_PER_CLASS,
    MAX_SEEDS,
    MAX_TEMPERATURES,
    DistillationResult,
)
from tests.fuzz.hostile import (
    cached_threadpool_limits,
    call_contract,
    cases,
    fuzzes,
    hostile_arrays,
    hostile_ints,
    hostile_scalars,
    unfuzzed,
    wrong_kinds,
)


@pytest.fixture(autouse=True, scope="module")
def one_blas_thread_cheaply():
    """The students' one-BLAS-thread limit, without looking the libraries up on every call."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(student, "threadpool_limits", cached_threadpool_limits)
        yield


@functools.cache
def teacher():
    return digits_experiment()


@functools.cache
def small_teacher():
    """The digits teacher on a tenth of its data (8 training and 4 test images per digit): a
    valid teacher that makes a valid run take a millisecond, not 40."""
    real = teacher()
    split = real.split

    def some(labels, count):
        return np.sort(np.concatenate([np.flatnonzero(labels == d)[:count] for d in range(10)]))

    train, test = some(split.y_train, 8), some(split.y_test, 4)
    small = dataclasses.replace(
        split,
        x_train=split.x_train[train],
        y_train=split.y_train[train],
        x_test=split.x_test[test],
        y_test=split.y_test[test],
        images_test=split.images_test[test],
    )
    return dataclasses.replace(real, split=small, logits_test=real.model.logits(small.x_test))


@st.composite
def label_lists(draw):
    labels = draw(hnp.arrays(np.int64, st.integers(1, 12), elements=st.integers(-3, 3)))
    return labels


@fuzzes(module.labelled_subset)
@given(
    label_lists().flatmap(
        lambda labels: cases(
            {
                "labels": st.just(labels),
                "per_class": st.integers(1, int(np.unique(labels, return_counts=True)[1].min())),
                "seed": st.integers(0, 2**64),
            },
            {
                "labels": hostile_arrays(),
                "per_class": st.one_of(hostile_ints(), wrong_kinds()),
                "seed": st.one_of(st.integers(max_value=-1), wrong_kinds()),
            },
        )
    )
)
def test_labelled_subset(case):
    bad = ("labels", "per_class") if case.bad == "labels" else case.bad  # the count may clash
    chosen = call_contract(module.labelled_subset, **case.kwargs, bad=bad)
    if case.bad is None:
        labels, per_class = case.kwargs["labels"], case.kwargs["per_class"]
        assert (np.diff(chosen) > 0).all()  # sorted, each once
        _, counts = np.unique(labels[chosen], return_counts=True)
        assert (counts == per_class).all() and len(counts) == len(np.unique(labels))


def invalid(ints, cap):
    """Counts that are not counts from 1 to ``cap``, or not counts at all (a valid one drawn
    here would train ``cap`` times longer than the valid cases do)."""
    return st.one_of(
        ints.filter(lambda n: not (isinstance(n, int) and 1 <= n <= cap)), wrong_kinds()
    )


temperature_lists = st.lists(
    st.one_of(st.floats(MIN_TEMPERATURE, MAX_TEMPERATURE), st.sampled_from([1.0, 4.0])),
    max_size=2,
    unique=True,
)


@fuzzes(module.distillation_experiment, slow=True)
@given(
    cases(
        {
            "teacher": st.sampled_from(["small"] * 9 + ["teacher"]),
            "temperatures": temperature_lists,
            "alpha": st.one_of(st.floats(0, 1), st.sampled_from([0.0, 1.0])),
            "labels_per_class": st.integers(1, 8),  # the small teacher's rarest class
            "seeds": st.integers(1, 2),  # valid runs stay tiny: a few ms each
            "first_seed": st.integers(0, 2**64),
            "epochs": st.integers(1, 3),
        },
        {
            "teacher": wrong_kinds(),
            "temperatures": st.one_of(
                wrong_kinds(),
                st.lists(hostile_scalars(), min_size=1, max_size=2),
                st.just([1.0, 1.0]),
                st.just([1.0 + k for k in range(MAX_TEMPERATURES + 1)]),
            ),
            "alpha": hostile_scalars(),
            "labels_per_class": st.one_of(
                hostile_ints(), wrong_kinds(), st.just(MAX_LABELS_PER_CLASS + 1)
            ),
            "seeds": st.one_of(invalid(hostile_ints(), MAX_SEEDS), st.just(MAX_SEEDS + 1)),
            "first_seed": st.one_of(st.integers(max_value=-1), wrong_kinds()),
            "epochs": st.one_of(invalid(hostile_ints(), 2000), st.just(10**6)),
        },
    )
)
def test_distillation_experiment(case):
    kwargs = dict(case.kwargs)
    if isinstance(kwargs["teacher"], str):
        kwargs["teacher"] = teacher() if kwargs["teacher"] == "teacher" else small_teacher()
    bad = {
        "temperatures": ("temperature",),
        "seeds": ("seeds", "training steps"),  # too many steps in all: the total is refused
        "epochs": ("epochs", "training steps"),
    }.get(case.bad, case.bad)
    result = call_contract(module.distillation_experiment, **kwargs, bad=bad)
    if case.bad is None:
        assert isinstance(result, DistillationResult)
        configs = 2 + len(kwargs["temperatures"])
        assert len(result.summaries) == configs
        assert len(result.runs) == configs * kwargs["seeds"]
        for summary in result.summaries:
            assert all(0 <= a <= 1 for a in summary.accuracies) and summary.std >= 0


def test_every_public_function_has_a_fuzzer():
    assert unfuzzed(module) == []
