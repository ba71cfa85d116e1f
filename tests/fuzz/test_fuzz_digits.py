"""Fuzzing explorer.digits: the split, the network's training, the presets and the image logits
with hostile seeds, data, layer sizes, experiments and indices.

Training the real network takes a second, so the fuzzed valid calls train tiny networks, and
``digits_experiment`` draws its valid seeds from three (each trained once, then memoised).
"""

from __future__ import annotations

import dataclasses
import functools

import numpy as np
import pytest
import sklearn.datasets
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from explorer import digits as module
from explorer.digits import MAX_EPOCHS, MAX_HIDDEN_UNITS, MAX_LAYERS, MAX_SEED, DigitsModel
from tests.fuzz.hostile import (
    call_contract,
    cases,
    fuzzes,
    hostile_arrays,
    hostile_ints,
    unfuzzed,
    wrong_kinds,
)

_load_digits = functools.cache(sklearn.datasets.load_digits)
_train_model = module.train_model


@functools.cache
def _memo(key):
    return _train_model(*key[0], **dict(key[1]))


def _train_once(x, y, **kwargs):
    """train_model, memoised on its arguments (the arrays by their bytes)."""
    key = ((_Bytes(x), _Bytes(y)), tuple(sorted(kwargs.items())))
    return _memo(key)


class _Bytes(np.ndarray):
    """An array hashable by its bytes, for the memo."""

    def __new__(cls, array):
        return np.asarray(array).view(cls)

    def __hash__(self):
        return hash((self.shape, self.tobytes()))

    def __eq__(self, other):
        return self.shape == other.shape and self.tobytes() == other.tobytes()


@pytest.fixture(autouse=True, scope="module")
def fast_digits():
    """The scikit-learn digits read once; digits_experiment's training memoised."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sklearn.datasets, "load_digits", _load_digits)  # imported when called
        patch.setattr(module, "train_model", _train_once)
        yield


#: Seeds that are not seeds (a valid one would train a network: a second each).
seeds = st.one_of(
    hostile_ints().filter(lambda seed: not (isinstance(seed, int) and 0 <= seed <= MAX_SEED)),
    wrong_kinds(),
    st.just(MAX_SEED + 1),
)


@fuzzes(module.load_split)
@given(cases({"seed": st.sampled_from([0, 1, MAX_SEED])}, {"seed": seeds}))
def test_load_split(case):
    split = call_contract(module.load_split, **case.kwargs, bad=case.bad)
    if case.bad is None:
        sizes = (len(split.y_train), len(split.y_val), len(split.y_test))
        assert sizes == (1078, 359, 360) and split.images_test.shape == (360, 8, 8)
        assert split.x_train.min() >= 0 and split.x_train.max() <= 1


@st.composite
def tiny_problems(draw):
    rows, features = draw(st.integers(2, 8)), draw(st.integers(1, 3))
    y = draw(hnp.arrays(np.int64, rows, elements=st.integers(0, 3)))
    y[:2] = [0, 1]  # at least two classes
    return {
        "x": draw(hnp.arrays(np.float64, (rows, features), elements=st.floats(-1e6, 1e6))),
        "y": y,
        "hidden": tuple(draw(st.lists(st.integers(1, 4), min_size=1, max_size=2))),
        "epochs": draw(st.integers(1, 3)),
        "seed": draw(st.integers(0, MAX_SEED)),
    }


HOSTILE = {
    "x": hostile_arrays(),
    "y": st.one_of(hostile_arrays(), st.just(np.zeros(2, int)), st.just(np.arange(99))),
    "hidden": st.one_of(
        wrong_kinds(),
        st.lists(st.one_of(hostile_ints(), wrong_kinds()), max_size=3),
        st.just((MAX_HIDDEN_UNITS + 1,)),
        st.just((1,) * (MAX_LAYERS + 1)),
    ),
    "epochs": st.one_of(hostile_ints(), wrong_kinds(), st.just(MAX_EPOCHS + 1)),
    "seed": seeds,
}


@st.composite
def training_cases(draw):
    kwargs = draw(tiny_problems())
    bad = draw(st.sampled_from([None, *HOSTILE]))
    if bad is not None:
        kwargs[bad] = draw(HOSTILE[bad])
    return kwargs, bad


@fuzzes(module.train_model, slow=True)
@given(training_cases())
def test_train_model(drawn):
    kwargs, bad = drawn
    # A bad table can clash with the good one beside it: the message may name either.
    names = {"x": ("x", "y"), "y": "y", "hidden": ("hidden", "layers")}.get(bad, bad)
    model = call_contract(_train_model, **kwargs, bad=names)
    if bad is None:
        assert isinstance(model, DigitsModel) and np.isfinite(model.train_loss)
        assert [w.shape[1] for w in model.weights[:-1]] == list(kwargs["hidden"])
        logits = model.logits(kwargs["x"])
        assert logits.shape[0] == len(kwargs["x"]) and np.isfinite(logits).all()


@functools.cache
def teacher():
    return module.digits_experiment()


@fuzzes(module.digits_experiment, slow=True)
@given(cases({"seed": st.sampled_from([0, 1, MAX_SEED])}, {"seed": seeds}))
def test_digits_experiment(case):
    experiment = call_contract(module.digits_experiment, **case.kwargs, bad=case.bad)
    if case.bad is None:
        assert experiment.logits_test.shape == (360, 10) and experiment.test_accuracy > 0.8


#: The teacher, or the teacher with other test logits: (seed, scale) of random ones.
experiments = st.one_of(
    st.just("teacher"),
    st.tuples(st.integers(0, 2**32 - 1), st.sampled_from([0.0, 1e-300, 1.0, 30.0, 1e300])),
)


def _experiment(choice):
    if isinstance(choice, str):
        return teacher()
    seed, scale = choice
    logits = np.random.default_rng(seed).normal(size=(360, 10)) * scale
    return dataclasses.replace(teacher(), logits_test=logits)


@fuzzes(module.presets)
@given(cases({"experiment": experiments}, {"experiment": wrong_kinds()}))
def test_presets(case):
    experiment = case.kwargs["experiment"]
    experiment = _experiment(experiment) if case.bad is None else experiment
    chosen = call_contract(module.presets, experiment, bad=case.bad)
    if case.bad is None:
        assert 2 <= len(chosen) <= 3 and len({p.name for p in chosen}) == len(chosen)
        for preset in chosen:
            assert 0 <= preset.index < 360 and 0 <= preset.label <= 9
            assert preset.label == experiment.split.y_test[preset.index]


@fuzzes(module.image_logits)
@given(
    cases(
        {"experiment": st.just("teacher"), "index": st.integers(0, 359)},
        {"experiment": wrong_kinds(), "index": st.one_of(hostile_ints(), wrong_kinds())},
    )
)
def test_image_logits(case):
    kwargs = dict(case.kwargs)
    if kwargs["experiment"] == "teacher":
        kwargs["experiment"] = teacher()
    bad = ("index", "image") if case.bad == "index" else case.bad
    logits = call_contract(module.image_logits, **kwargs, bad=bad)
    if case.bad is None:
        exact = teacher().logits_test[kwargs["index"]]
        assert len(logits) == 10 and np.allclose(logits, exact, atol=5e-4, rtol=0)


@fuzzes(module.spoken)
@given(cases({"digit": st.integers(0, 9)}, {"digit": st.one_of(hostile_ints(), wrong_kinds())}))
def test_spoken(case):
    text = call_contract(module.spoken, **case.kwargs, bad=case.bad)
    if case.bad is None:
        assert text in (f"a {case.kwargs['digit']}", "an 8")


def test_every_public_function_has_a_fuzzer():
    assert unfuzzed(module) == []
