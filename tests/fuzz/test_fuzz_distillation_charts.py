"""Fuzzing explorer.distillation_charts: soft targets, gradient norms and student accuracies from
real results (their traces hold them) and from results built by hand with a hostile field."""

from __future__ import annotations

import functools
import math

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from explorer import distillation_charts as module
from explorer.distillation_demos import explain_soft_targets, gradient_norms
from explorer.distillation_experiment import ConfigSummary
from tests.fuzz.charts_common import HOSTILE_LABELS, VALID_PERCENT, bad_numbers
from tests.fuzz.hostile import call_contract, cases, corrupt_fields, fuzzes, junk, unfuzzed

TEACHERS = [  # (teacher logits, temperature, true class)
    ([5.0, 1.0, 3.0], 4.0, 0),
    ([30.0, -30.0], 1.0, 1),  # a T = 1 wrong class far below 1e-12
    ([0.0] * 10, 1000.0, 9),
    ([1e308, -1e308, 0.0], 0.001, 2),
]


@functools.cache
def softs() -> list:
    return [explain_soft_targets(v, t, c) for v, t, c in TEACHERS]


@functools.cache
def norms() -> list:
    return [
        gradient_norms([1.0, -1.0, 0.0], [0.0, 2.0, 0.0], [0.5, 1.0, 100.0], true_class=1),
        gradient_norms([1.0, 2.0], [1.0, 2.0], [0.001, 1000.0]),  # a perfect student: all 0
        gradient_norms([1e308, -1e308], [0.0, 0.0], None, true_class=0),
        gradient_norms([3.0], [1.0], [4.0], true_class=0),  # one class: nothing to learn
    ]


four = st.sampled_from(range(4))
soft = four.map(lambda i: softs()[i])


@fuzzes(module.soft_targets_bars, slow=True)
@given(
    cases(
        {"labels": st.just(None), "soft": soft, "log_scale": st.booleans()},
        {"labels": HOSTILE_LABELS, "soft": st.one_of(junk, corrupt_fields(soft))},
        VALID_PERCENT,
    )
)
def test_soft_targets_bars(case):
    kwargs = dict(case.kwargs)
    if kwargs["labels"] is None:  # one label per class of the soft targets (or 3)
        kwargs["labels"] = [f"class {i}" for i in range(_classes(kwargs["soft"]))]
    # the labels' count must match the soft targets' (named probs where bars are made)
    bad = {"labels": ("labels", "probs", "soft"), "soft": ("soft", "probs")}.get(case.bad)
    fig = call_contract(module.soft_targets_bars, **kwargs, bad=bad)
    if case.bad is None:
        np.testing.assert_array_equal(fig.data[1].y, kwargs["soft"].probs)
        np.testing.assert_array_equal(fig.data[0].y, kwargs["soft"].probs_at_one)


def _classes(value) -> int:
    probs = getattr(value, "probs", None)
    return len(probs) if isinstance(probs, np.ndarray) and probs.ndim == 1 else 3


grad = four.map(lambda i: norms()[i])


@fuzzes(module.gradient_norms_chart, slow=True)
@given(
    cases(
        {"norms": grad, "temperature": st.one_of(st.none(), st.floats(0.001, 1000))},
        {
            "norms": st.one_of(junk, corrupt_fields(grad)),
            "temperature": bad_numbers(0.001, 1000).filter(lambda t: t is not None),
        },
        VALID_PERCENT,
    )
)
def test_gradient_norms_chart(case):
    fig = call_contract(module.gradient_norms_chart, **case.kwargs, bad=case.bad)
    if case.bad is None:
        chosen = case.kwargs["norms"]
        np.testing.assert_array_equal(fig.data[0].y, chosen.unscaled)
        np.testing.assert_array_equal(fig.data[1].y, chosen.scaled)
        # only levels above 0 are drawn on the log axis
        levels = [chosen.scaled_limit] + ([chosen.hard] if chosen.hard is not None else [])
        drawn = [shape.y0 for shape in fig.layout.shapes if shape.y0 == shape.y1]
        assert drawn == [level for level in levels if 0 < level < math.inf]


@st.composite
def summaries(draw):
    made = []
    for k in range(draw(st.integers(1, 4))):
        accuracies = tuple(draw(st.lists(st.floats(0, 1), min_size=1, max_size=3)))
        made.append(
            ConfigSummary(
                label=draw(
                    st.sampled_from(["hard labels", "teacher's argmax", f"KD T={k}", "<b>"])
                ),
                temperature=draw(st.one_of(st.none(), st.floats(0.001, 1000))),
                alpha=draw(st.floats(0, 1)),
                accuracies=accuracies,
                mean=float(np.mean(accuracies)),
                std=float(np.std(accuracies, ddof=1)) if len(accuracies) > 1 else 0.0,
            )
        )
    return made


@fuzzes(module.accuracy_bars, slow=True)
@given(
    cases(
        {"summaries": summaries(), "teacher_accuracy": st.floats(0, 1)},
        {
            "summaries": st.one_of(
                junk,
                st.just([]),
                summaries().map(lambda s: [*s, 0]),
                corrupt_fields(summaries().map(lambda s: s[0])).map(lambda s: [s]),
            ),
            "teacher_accuracy": bad_numbers(0, 1),
        },
        VALID_PERCENT,
    )
)
def test_accuracy_bars(case):
    fig = call_contract(module.accuracy_bars, **case.kwargs, bad=case.bad)
    if case.bad is None:
        chosen = case.kwargs["summaries"]
        np.testing.assert_array_equal(fig.data[0].y, [s.mean for s in chosen])
        assert list(fig.data[1].y) == [a for s in chosen for a in s.accuracies]


def test_every_public_function_has_a_fuzzer():
    assert unfuzzed(module) == []
