"""Fuzzing explorer.student: the softmax-regression student trained on tiny hostile data, every
argument in turn; valid trainings give finite weights and a finite, non-negative objective."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from explorer import student
from explorer import student as module
from explorer.distillation import MAX_TEMPERATURE, MIN_TEMPERATURE
from explorer.student import MAX_ABS_INPUT, MAX_CLASSES, MAX_EPOCHS, Student
from tests.fuzz.hostile import (
    cached_threadpool_limits,
    call_contract,
    cases,
    fuzzes,
    hostile_arrays,
    hostile_ints,
    hostile_scalars,
    probability_vectors,
    unfuzzed,
    wrong_kinds,
)

inputs = st.one_of(
    st.floats(-MAX_ABS_INPUT, MAX_ABS_INPUT), st.sampled_from([0.0, 1.0, MAX_ABS_INPUT, 5e-324])
)


@pytest.fixture(autouse=True, scope="module")
def one_blas_thread_cheaply():
    """The students' one-BLAS-thread limit, without looking the libraries up on every call."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(student, "threadpool_limits", cached_threadpool_limits)
        yield


@st.composite
def problems(draw):
    """Valid arguments of train_student, small enough to train in a millisecond."""
    features, classes = draw(st.integers(1, 3)), draw(st.integers(2, 4))
    alpha = draw(st.one_of(st.sampled_from([0.0, 0.5, 1.0]), st.floats(0, 1)))
    rows = draw(st.integers(1 if alpha == 0 else 0, 5))
    kwargs = {
        "x_labelled": draw(hnp.arrays(np.float64, (rows, features), elements=inputs)),
        "y_labelled": draw(hnp.arrays(np.int64, rows, elements=st.integers(0, classes - 1))),
        "n_classes": classes,
        "alpha": alpha,
        "epochs": draw(st.integers(1, 3)),
        "learning_rate": draw(st.one_of(st.floats(1e-6, 1), st.just(1.0))),
        "temperature": draw(st.floats(MIN_TEMPERATURE, MAX_TEMPERATURE)),
    }
    if alpha > 0 or draw(st.booleans()):
        m = draw(st.integers(1, 4))
        kwargs["x_transfer"] = draw(hnp.arrays(np.float64, (m, features), elements=inputs))
        kwargs["transfer_probs"] = np.stack(
            [draw(probability_vectors(classes, classes)) for _ in range(m)]
        )
    return kwargs


HOSTILE = {
    "x_labelled": hostile_arrays(),
    "y_labelled": st.one_of(hostile_arrays(), st.just(np.array([0, 99])), st.just([-1])),
    "n_classes": st.one_of(hostile_ints(), wrong_kinds(), st.just(MAX_CLASSES + 1)),
    "x_transfer": hostile_arrays(),
    "transfer_probs": hostile_arrays(),
    "temperature": hostile_scalars(),
    "alpha": hostile_scalars(),
    "epochs": st.one_of(hostile_ints(), wrong_kinds(), st.just(MAX_EPOCHS + 1)),
    "learning_rate": hostile_scalars(),
}


@st.composite
def training_cases(draw):
    kwargs = draw(problems())
    bad = draw(st.sampled_from([None, *HOSTILE]))
    if bad is not None:
        kwargs[bad] = draw(HOSTILE[bad])
    return kwargs, bad


# A bad table can clash with a good one: the message may name either.
PARTNERS = {
    "x_labelled": ("x_labelled", "y_labelled", "x_transfer", "nothing to learn"),
    "y_labelled": ("y_labelled",),
    "n_classes": ("n_classes", "y_labelled", "transfer_probs"),
    "x_transfer": ("x_transfer",),
    "transfer_probs": ("transfer_probs",),
}


@fuzzes(module.train_student, slow=True)
@given(training_cases())
def test_train_student(drawn):
    kwargs, bad = drawn
    args = [kwargs.pop(name) for name in ("x_labelled", "y_labelled", "n_classes")]
    student = call_contract(module.train_student, *args, **kwargs, bad=PARTNERS.get(bad, bad))
    if bad is None:
        assert isinstance(student, Student)
        assert student.weights.shape == (args[0].shape[1], args[2])
        history = student.loss_history
        assert history.shape == (kwargs["epochs"] + 1,) and np.isfinite(history).all()
        assert (history >= -1e-9 * np.maximum(1, np.abs(history).max())).all()
        assert np.isfinite(student.weights).all() and np.isfinite(student.bias).all()


@fuzzes(module.accuracy)
@given(
    st.integers(1, 5).flatmap(
        lambda rows: cases(
            {
                "logits": hnp.arrays(np.float64, (rows, 3), elements=st.floats(-1e308, 1e308)),
                "labels": hnp.arrays(np.int64, rows, elements=st.integers(-1, 3)),
            },
            {
                "logits": st.one_of(hostile_arrays(), st.just(np.zeros((rows + 1, 3)))),
                "labels": st.one_of(hostile_arrays(), st.just(np.zeros(rows + 1, int))),
            },
        )
    )
)
def test_accuracy(case):
    bad = ("logits", "labels") if case.bad else None  # a shape clash names both
    share = call_contract(module.accuracy, **case.kwargs, bad=bad)
    if case.bad is None:
        z, y = case.kwargs["logits"], case.kwargs["labels"]
        assert share == np.mean(z.argmax(axis=1) == y) and 0 <= share <= 1


def test_every_public_function_has_a_fuzzer():
    assert unfuzzed(module) == []
