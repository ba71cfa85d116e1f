"""Fuzzing explorer.draw_stats (counts, Wilson intervals, the chi-square test, TV distance and
its convergence) with hostile draws, counts, probabilities and settings. Valid results are
checked against the definitions: counts sum to the draws, intervals hold the share and lie in
[0, 1], p-values in [0, 1], TV in [0, 1]."""

import math
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from explorer import draw_stats
from tests.fuzz.hostile import (
    Case,
    call_contract,
    cases,
    counts,
    float_vectors,
    fuzzes,
    hostile_arrays,
    hostile_scalars,
    regressions,
    unfuzzed,
)


@st.composite
def probability_vectors(draw, min_size=1):
    weights = draw(
        float_vectors(st.one_of(st.floats(0, 1), st.just(0.0)), min_size=min_size, max_size=6)
    )
    if weights.sum() == 0:
        weights[0] = 1.0
    return weights / weights.sum()


@st.composite
def draws_for(draw, p, min_size=0):
    support = np.flatnonzero(p > 0).tolist()
    return np.array(
        draw(st.lists(st.sampled_from(support), min_size=min_size, max_size=60)), dtype=np.int64
    )


bad_arrays = st.one_of(hostile_arrays(), st.just(np.zeros((2, 2), dtype=np.int64)))


#: Where n_classes or points go: hostile ints, junk, and values just over the caps, which must
#: be refused before np.bincount or np.logspace allocates anything of that size.
class_numbers = counts(draw_stats.MAX_CLASSES)
point_numbers = counts(draw_stats.MAX_CURVE_POINTS, low=2)


@st.composite
def count_cases(draw):
    n = draw(st.integers(1, 6))
    draws = np.array(draw(st.lists(st.integers(0, n - 1), max_size=40)), dtype=np.int64)
    return draw(
        cases(
            {"draws": st.just(draws), "n_classes": st.just(n)},
            {"draws": bad_arrays, "n_classes": class_numbers},
        )
    )


@fuzzes(draw_stats.class_counts)
@given(count_cases())
@regressions([Case({"draws": [[], [np.nan]], "n_classes": 1}, "draws")])  # ragged: unnamed
def test_class_counts(case):
    # draws beyond n_classes: "draws must be class indices from 0 to n − 1" names draws only.
    bad = {"n_classes": ("n_classes", "draws")}.get(case.bad, case.bad)
    counted = call_contract(draw_stats.class_counts, **case.kwargs, bad=bad)
    if case.bad is None:
        draws = case.kwargs["draws"]
        assert counted.sum() == len(draws) and counted.size == case.kwargs["n_classes"]
        assert counted.tolist() == [int((draws == i).sum()) for i in range(counted.size)]


@fuzzes(draw_stats.frequencies)
@given(count_cases())
@regressions([Case({"draws": [[], [np.nan]], "n_classes": 1}, "draws")])
def test_frequencies(case):
    bad = {"n_classes": ("n_classes", "draws")}.get(case.bad, case.bad)
    bad = bad or ("draws" if len(case.kwargs["draws"]) == 0 else None)
    shares = call_contract(draw_stats.frequencies, **case.kwargs, bad=bad)
    if shares is not None and case.bad is None:
        np.testing.assert_allclose(shares.sum(), 1.0)


@st.composite
def wilson_cases(draw):
    trials = draw(st.integers(1, 10**6))
    successes = draw(st.lists(st.integers(0, trials), min_size=1, max_size=5))
    return draw(
        cases(
            {
                "successes": st.just(successes),
                "trials": st.just(trials),
                "confidence": st.floats(0, 1, exclude_min=True, exclude_max=True),
            },
            {
                "successes": bad_arrays,
                "trials": counts(draw_stats.MAX_TRIALS),
                "confidence": hostile_scalars(),
            },
        )
    )


@fuzzes(draw_stats.wilson_interval)
@given(wilson_cases())
@regressions(
    [
        # ndtri(0.5 + 0.5 · (1 − 1e-16)) = ndtri(1) = inf: NaN bounds for a valid confidence
        Case({"successes": [0], "trials": 1, "confidence": 0.9999999999999999}, None),
        Case({"successes": "1, 2", "trials": 9, "confidence": 0.5}, "successes"),
        Case({"successes": [0], "trials": 1, "confidence": None}, "confidence"),
        Case({"successes": [0], "trials": 10**400, "confidence": 0.5}, "trials"),
    ]
)
def test_wilson_interval(case):
    interval = call_contract(draw_stats.wilson_interval, **case.kwargs, bad=case.bad)
    if case.bad is None:
        low, high = interval
        share = np.asarray(case.kwargs["successes"]) / case.kwargs["trials"]
        assert ((low >= 0) & (low <= share + 1e-12) & (share - 1e-12 <= high) & (high <= 1)).all()


@st.composite
def chi_cases(draw):
    p = draw(probability_vectors())
    observed = np.bincount(draw(draws_for(p, min_size=1)), minlength=p.size)
    return draw(
        cases(
            {"counts": st.just(observed), "probs": st.just(p), "min_expected": st.floats(0, 20)},
            {"counts": bad_arrays, "probs": bad_arrays, "min_expected": hostile_scalars()},
        )
    )


@fuzzes(draw_stats.chi_square_test)
@given(chi_cases())
@regressions(
    [
        Case(
            {"counts": [1, 0], "probs": [0.5, 0.5], "min_expected": Decimal("NaN")}, "min_expected"
        ),
        Case({"counts": [[], [np.nan]], "probs": [1.0], "min_expected": 0.0}, "counts"),
        Case({"counts": [1, 0], "probs": [5e-324, 1.0], "min_expected": 0.0}, None),  # overflow
        Case({"counts": [0, 3], "probs": [1.0, 0.0], "min_expected": 0.0}, "counts"),
    ]
)
def test_chi_square_test(case):
    result = call_contract(draw_stats.chi_square_test, **case.kwargs, bad=case.bad)
    if case.bad is None:
        assert 0 <= result.pvalue <= 1 and result.statistic >= 0
        assert result.dof == len(result.bins) - 1 or (result.dof == 0 and len(result.bins) <= 1)


@st.composite
def tv_cases(draw):
    p = draw(probability_vectors())
    observed = np.bincount(draw(draws_for(p, min_size=1)), minlength=p.size)
    return draw(
        cases(
            {"counts": st.just(observed), "probs": st.just(p)},
            {"counts": bad_arrays, "probs": bad_arrays},
        )
    )


@fuzzes(draw_stats.empirical_tv)
@given(tv_cases())
@regressions(
    [
        Case({"counts": [1], "probs": [-1.0]}, "probs"),  # said "q must be ≥ 0"
        Case({"counts": np.array([1j]), "probs": [1.0]}, "counts"),  # ComplexWarning
        Case({"counts": {"a": 1.0}, "probs": [1.0]}, "counts"),
    ]
)
def test_empirical_tv(case):
    tv = call_contract(draw_stats.empirical_tv, **case.kwargs, bad=case.bad)
    if case.bad is None:
        observed, p = case.kwargs["counts"], case.kwargs["probs"]
        expected = 0.5 * np.abs(observed / observed.sum() - p).sum()
        assert 0 <= tv <= 1 and math.isclose(tv, expected, rel_tol=1e-12, abs_tol=1e-15)


@fuzzes(draw_stats.expected_tv)
@given(
    cases(
        {
            "probs": probability_vectors(),
            "n": st.one_of(st.integers(1, 10**9), float_vectors(st.floats(1, 1e300), max_size=4)),
        },
        {"probs": bad_arrays, "n": st.one_of(hostile_scalars(), hostile_arrays())},
    )
)
@regressions(
    [
        Case({"probs": [1.0], "n": 10**400}, "n"),  # OverflowError
        Case({"probs": [1.0], "n": np.longdouble("1e4000")}, "n"),  # cast overflow
        Case({"probs": [0.5, 0.5], "n": 1e308}, None),  # 2πn overflowed
    ]
)
def test_expected_tv(case):
    tv = call_contract(draw_stats.expected_tv, **case.kwargs, bad=case.bad)
    if case.bad is None:
        assert (np.asarray(tv) >= 0).all() and (np.asarray(tv) <= 1).all()


@st.composite
def convergence_cases(draw):
    p = draw(probability_vectors())
    draws = draw(draws_for(p, min_size=1))
    return draw(
        cases(
            {"draws": st.just(draws), "probs": st.just(p), "points": st.integers(2, 50)},
            {"draws": bad_arrays, "probs": bad_arrays, "points": point_numbers},
        )
    )


@fuzzes(draw_stats.convergence_curve)
@given(convergence_cases())
@regressions([Case({"draws": [[], [np.nan]], "probs": [0.5, 0.5], "points": 2}, "draws")])
def test_convergence_curve(case):
    curve = call_contract(draw_stats.convergence_curve, **case.kwargs, bad=case.bad)
    if case.bad is None:
        assert curve.n[-1] == len(case.kwargs["draws"]) and (np.diff(curve.n) > 0).all()
        assert ((curve.tv >= 0) & (curve.tv <= 1)).all() and (curve.reference >= 0).all()


def test_a_huge_n_classes_is_refused():
    with pytest.raises(ValueError, match="n_classes"):
        draw_stats.class_counts([0], 10**13)  # refused before np.bincount allocates 80 TB


def test_a_huge_points_is_refused():
    with pytest.raises(ValueError, match="points"):
        draw_stats.convergence_curve([0, 1], [0.5, 0.5], 10**13)


def test_every_public_function_has_a_fuzzer():
    assert unfuzzed(draw_stats) == []
