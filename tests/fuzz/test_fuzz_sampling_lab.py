"""Fuzzing explorer.sampling_lab: what each section of the Sampling lab shows, from hostile
distributions, counts, seeds, logits, temperatures and models; the size caps come first."""

from __future__ import annotations

import functools
import math

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from explorer import sampling_lab as module
from explorer.ngram import fit_ngram
from explorer.sampling import MAX_DRAWS
from explorer.sampling_lab import MAX_TEMPERATURES, DrawSummary, GumbelCheck, TextRun
from tests.fuzz.hostile import (
    call_contract,
    cases,
    fuzzes,
    hostile_arrays,
    hostile_ints,
    hostile_scalars,
    hostile_text,
    probability_vectors,
    unfuzzed,
    wrong_kinds,
)

probs = probability_vectors(1, 8)
seeds = st.one_of(st.integers(0, 2**64), st.sampled_from([0, 10]))
bad_seeds = st.one_of(st.integers(max_value=-1), wrong_kinds(), st.just(True))
bad_counts = st.one_of(hostile_ints(), wrong_kinds(), st.just(MAX_DRAWS + 1), st.just(10**30))


@fuzzes(module.single_draws)
@given(
    cases(
        {"probs": probs, "seed": seeds, "count": st.integers(0, 20)},
        {"probs": hostile_arrays(), "seed": bad_seeds, "count": bad_counts},
    )
)
def test_single_draws(case):
    out = call_contract(module.single_draws, **case.kwargs, bad=case.bad)
    if case.bad is None:
        uniforms, drawn = out
        p, count = case.kwargs["probs"], case.kwargs["count"]
        assert uniforms.shape == drawn.shape == (count,)
        cumulative = np.cumsum(p)
        assert ((uniforms >= 0) & (uniforms < cumulative[-1])).all()
        # each draw is the class whose cumulative interval holds its u
        np.testing.assert_array_equal(drawn, np.searchsorted(cumulative, uniforms, side="right"))


@fuzzes(module.summarize_draws)
@given(
    cases(
        {"probs": probs, "draws": st.integers(1, 200), "seed": seeds},
        {"probs": hostile_arrays(), "draws": bad_counts, "seed": bad_seeds},
    )
)
def test_summarize_draws(case):
    summary = call_contract(module.summarize_draws, **case.kwargs, bad=case.bad)
    if case.bad is None:
        assert isinstance(summary, DrawSummary)
        assert summary.counts.sum() == case.kwargs["draws"]
        assert (
            (summary.lower <= summary.frequencies) & (summary.frequencies <= summary.upper)
        ).all()
        assert 0 <= summary.total_variation <= 1


logits = st.lists(
    st.one_of(st.floats(-1e308, 1e308), st.just(-math.inf)), min_size=1, max_size=5
).filter(lambda z: any(math.isfinite(v) for v in z))


@fuzzes(module.gumbel_check, slow=True)
@given(
    cases(
        {
            "logits": logits,
            "temperature": st.one_of(st.floats(0), st.sampled_from([0.0, 1.0, math.inf])),
            "seed": seeds,
        },
        {"logits": hostile_arrays(), "temperature": hostile_scalars(), "seed": bad_seeds},
    )
)
def test_gumbel_check(case):
    check = call_contract(module.gumbel_check, **case.kwargs, bad=case.bad)
    if case.bad is None:
        assert isinstance(check, GumbelCheck)
        assert abs(check.frequencies.sum() - 1) < 1e-9 and 0 <= check.total_variation <= 1
        assert (check.frequencies[check.probs == 0] == 0).all()  # a masked class is never drawn


@functools.cache
def model():
    return fit_ngram("the cat sat on the mat. the dog sat on the log. " * 3, order=3)


@fuzzes(module.compare_temperatures)
@given(
    cases(
        {
            "model": st.just("model"),
            "prompt": st.sampled_from(["the ", "", "zz", "sat on"]),
            "length": st.integers(1, 20),
            "temperatures": st.lists(
                st.one_of(st.floats(0, 100), st.sampled_from([0.0, 1.0, math.inf])),
                min_size=1,
                max_size=MAX_TEMPERATURES,
            ),
            "seed": seeds,
        },
        {
            "model": wrong_kinds(),
            "prompt": st.one_of(hostile_text, wrong_kinds()),
            "length": bad_counts,
            "temperatures": st.one_of(
                wrong_kinds(),
                st.lists(hostile_scalars(), min_size=1, max_size=3),
                st.just([1.0] * (MAX_TEMPERATURES + 1)),
            ),
            "seed": bad_seeds,
        },
    )
)
def test_compare_temperatures(case):
    kwargs = dict(case.kwargs)
    if kwargs["model"] == "model":
        kwargs["model"] = model()
    bad = {"temperatures": ("temperature",), "length": ("length",)}.get(case.bad, case.bad)
    runs = call_contract(module.compare_temperatures, **kwargs, bad=bad)
    if runs is not None:
        assert len(runs) == len(kwargs["temperatures"])
        for run in runs:
            assert isinstance(run, TextRun) and len(run.text) == kwargs["length"]
            assert 0 <= run.distinct_2 <= 1 and 0 <= run.repeated_4 <= 1
            assert run.surprisal_bits >= 0


def test_every_public_function_has_a_fuzzer():
    assert unfuzzed(module) == []
