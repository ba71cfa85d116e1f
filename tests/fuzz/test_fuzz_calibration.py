"""Fuzzing explorer.calibration: temperature scaling with hostile logit tables, labels,
temperatures, bin counts and sizes over the caps. Valid cases are checked against the
definitions: NLL ≥ 0, ECE and accuracy in [0, 1], T* within the bounds and no worse than T = 1
on the rows it was fitted to, splits that partition the rows."""

import math

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from explorer import calibration as cal
from explorer.core import log_softmax
from tests.fuzz.hostile import (
    Case,
    call_contract,
    cases,
    counts,
    float_tables,
    fuzzes,
    hostile_arrays,
    hostile_scalars,
    huge,
    junk,
    outcome,
    over_cap_array,
    regressions,
    unfuzzed,
)

logit_values = st.one_of(
    st.floats(-1e300, 1e300),
    st.floats(-30, 30),
    st.sampled_from([0.0, -math.inf, 5e-324, 1e300, -1e300]),
)


@st.composite
def problems(draw, max_rows=6):
    """(logits, labels): 1 to ``max_rows`` rows of 2 to 5 classes, -inf masks but never on the
    label's own class."""
    z = draw(float_tables(logit_values, max_rows=max_rows, max_columns=5, min_columns=2))
    labels = np.array(
        draw(st.lists(st.integers(0, z.shape[1] - 1), min_size=len(z), max_size=len(z)))
    )
    z[np.arange(len(z)), labels] = np.where(
        np.isfinite(z[np.arange(len(z)), labels]), z[np.arange(len(z)), labels], 0.0
    )
    return z, labels


over_caps = st.sampled_from(
    [
        over_cap_array((cal.MAX_ROWS + 1, 2)),
        over_cap_array((2, cal.MAX_CLASSES + 1)),
        over_cap_array((cal.MAX_ENTRIES // 999 + 1, 999)),
        over_cap_array((3, 1)),
    ]
)
bad_tables = st.one_of(hostile_arrays(), over_caps)
bad_labels = st.one_of(
    hostile_arrays(), st.sampled_from([[0.5], [-1], [10**30], [np.nan], ["0"], [True]])
)
temperatures = st.one_of(st.floats(1e-300, 1e300), st.sampled_from([5e-324, 1.0, 1e308]))


def problem_cases(extra_valid=None, extra_hostile=None, names=("logits", "labels"), rows=6):
    @st.composite
    def build(draw):
        z, y = draw(problems(rows))
        valid = {names[0]: st.just(z), names[1]: st.just(y), **(extra_valid or {})}
        hostile = {names[0]: bad_tables, names[1]: bad_labels, **(extra_hostile or {})}
        return draw(cases(valid, hostile))

    return build()


def nll_oracle(z, y, temperature):
    """Mean −log p of each label, from core's log_softmax row by row."""
    return -np.mean([log_softmax(row, temperature)[label] for row, label in zip(z, y, strict=True)])


@fuzzes(cal.negative_log_likelihood)
@given(problem_cases({"temperature": temperatures}, {"temperature": hostile_scalars()}))
@regressions(
    [
        Case({"logits": np.array([1 + 2j, 3j]), "labels": [0], "temperature": 1.0}, "logits"),
        Case({"logits": [[10**400, 0]], "labels": [0], "temperature": 1.0}, "logits"),
        Case({"logits": [[-np.inf, -np.inf]], "labels": [0, 0, 0], "temperature": 1.0}, "logits"),
        Case(
            {"logits": np.zeros((1, 2)), "labels": [[1.0, 2.0], [3.0]], "temperature": 1.0},
            "labels",
        ),
    ]
)
def test_negative_log_likelihood(case):
    nll = call_contract(cal.negative_log_likelihood, **case.kwargs, bad=case.bad)
    if case.bad is None:
        assert nll >= 0
        expected = nll_oracle(
            case.kwargs["logits"], case.kwargs["labels"], case.kwargs["temperature"]
        )
        assert nll == expected or math.isclose(nll, expected, rel_tol=1e-12, abs_tol=1e-300)


@fuzzes(cal.accuracy)
@given(problem_cases(names=("logits_or_probs", "labels")))
def test_accuracy(case):
    share = call_contract(cal.accuracy, **case.kwargs, bad=case.bad)
    if case.bad is None:
        z, y = case.kwargs["logits_or_probs"], case.kwargs["labels"]
        assert share == np.mean([row.argmax() == label for row, label in zip(z, y, strict=True)])


@st.composite
def probability_problems(draw):
    z, y = draw(problems())
    with np.errstate(under="ignore"):
        p = np.exp(np.array([log_softmax(row) for row in z]))
    p /= p.sum(axis=1, keepdims=True)
    return p, y


def bins_cases():
    @st.composite
    def build(draw):
        p, y = draw(probability_problems())
        return draw(
            cases(
                {"probs": st.just(p), "labels": st.just(y), "n_bins": st.integers(1, cal.MAX_BINS)},
                {
                    "probs": st.one_of(bad_tables, st.just(p * 1.1)),
                    "labels": bad_labels,
                    "n_bins": counts(cal.MAX_BINS),
                },
            )
        )

    return build()


def check_bins(bins, p, y):
    assert bins.counts.sum() == len(y) and len(bins.edges) == bins.counts.size + 1
    used = bins.counts > 0
    assert np.isnan(bins.accuracy[~used]).all() and np.isnan(bins.confidence[~used]).all()
    assert ((bins.accuracy[used] >= 0) & (bins.accuracy[used] <= 1)).all()
    assert 0 <= bins.ece <= 1


@fuzzes(cal.reliability_bins)
@given(bins_cases())
def test_reliability_bins(case):
    # An empty bin's accuracy and confidence are NaN, as documented; the counts never are.
    result = outcome(cal.reliability_bins, **case.kwargs, bad=case.bad, allow_nan=True)
    if case.bad is None:
        check_bins(result.value, case.kwargs["probs"], case.kwargs["labels"])


@fuzzes(cal.expected_calibration_error)
@given(bins_cases())
def test_expected_calibration_error(case):
    ece = call_contract(cal.expected_calibration_error, **case.kwargs, bad=case.bad)
    if case.bad is None:
        assert 0 <= ece <= 1


@fuzzes(cal.fit_temperature, slow=True)
@given(problem_cases())
def test_fit_temperature(case):
    t = call_contract(cal.fit_temperature, **case.kwargs, bad=case.bad)
    if case.bad is None:
        z, y = case.kwargs["logits"], case.kwargs["labels"]
        low, high = cal.TEMPERATURE_BOUNDS
        assert low <= t <= high
        at_fit, at_one = nll_oracle(z, y, t), nll_oracle(z, y, 1.0)
        assert at_fit <= at_one * (1 + 1e-9) + 1e-12


@fuzzes(cal.nll_curve)
@given(
    problem_cases(
        {"temperatures": st.lists(temperatures, min_size=1, max_size=4)},
        {
            "temperatures": st.one_of(
                # over the work cap with any table (2 logits at least): MAX_CURVE_WORK // 2
                # temperatures on a 1 × 2 table were within it, and took ~10 minutes a case
                hostile_arrays(),
                st.just(over_cap_array((cal.MAX_CURVE_WORK // 2 + 1,))),
            )
        },
    )
)
@regressions(
    [
        Case(
            {"logits": np.zeros((1, 2)), "labels": [0], "temperatures": np.array(["a", "b"])},
            "temperatures",
        ),
        Case(
            {"logits": np.zeros((1, 2)), "labels": [0], "temperatures": np.array([1 + 2j])},
            "temperatures",
        ),
        Case({"logits": [np.longdouble("1e4000")], "labels": [0], "temperatures": [1.0]}, "logits"),
    ]
)
def test_nll_curve(case):
    curve = call_contract(cal.nll_curve, **case.kwargs, bad=case.bad)
    if case.bad is None:
        z, y = case.kwargs["logits"], case.kwargs["labels"]
        assert curve.shape == (len(case.kwargs["temperatures"]),) and (curve >= 0).all()
        for t, value in zip(case.kwargs["temperatures"], curve, strict=True):
            assert math.isclose(value, nll_oracle(z, y, t), rel_tol=1e-12, abs_tol=1e-300)


@fuzzes(cal.evaluate)
@given(
    problem_cases(
        {"temperature": temperatures, "n_bins": st.integers(1, cal.MAX_BINS)},
        {"temperature": hostile_scalars(), "n_bins": counts(cal.MAX_BINS)},
    )
)
def test_evaluate(case):
    result = outcome(cal.evaluate, **case.kwargs, bad=case.bad, allow_nan=True)
    if result.returned:
        ev = result.value
        assert not np.isnan([ev.scores.nll, ev.scores.ece, ev.scores.accuracy]).any()
        assert not np.isnan(ev.confidence).any() and not np.isnan(ev.bins.counts).any()
    if case.bad is None:
        assert 0 <= ev.scores.ece <= 1 and 0 <= ev.scores.accuracy <= 1 and ev.scores.nll >= 0


@st.composite
def calibrate_cases(draw):
    z_val, y_val = draw(problems(5))
    z_test, y_test = draw(problems(5))
    k = min(z_val.shape[1], z_test.shape[1])
    z_val, z_test = z_val[:, :k], z_test[:, :k]
    y_val, y_test = np.minimum(y_val, k - 1), np.minimum(y_test, k - 1)
    for z, y in ((z_val, y_val), (z_test, y_test)):
        own = z[np.arange(len(y)), y]
        z[np.arange(len(y)), y] = np.where(np.isfinite(own), own, 0.0)
    return draw(
        cases(
            {
                "logits_val": st.just(z_val),
                "labels_val": st.just(y_val),
                "logits_test": st.just(z_test),
                "labels_test": st.just(y_test),
                "n_bins": st.integers(1, cal.MAX_BINS),
                "manual_temperature": st.one_of(st.none(), temperatures),
            },
            {
                "logits_val": bad_tables,
                "labels_val": bad_labels,
                "logits_test": st.one_of(bad_tables, st.just(np.zeros((2, k + 1)))),
                "labels_test": bad_labels,
                "n_bins": counts(cal.MAX_BINS),
                "manual_temperature": hostile_scalars(),
            },
        )
    )


@fuzzes(cal.calibrate, slow=True)
@given(calibrate_cases())
@regressions(
    [
        Case(
            {
                "logits_val": np.zeros((1, 4)),
                "labels_val": np.array([0]),
                "logits_test": np.zeros((1, 2)),
                "labels_test": np.array([0]),
                "n_bins": 1,
                "manual_temperature": None,
            },
            "logits_val",  # the message named neither table
        ),
        *(
            Case(
                {
                    "logits_val": np.zeros((1, 2)),
                    "labels_val": np.array([0]),
                    "logits_test": np.zeros((1, 2)),
                    "labels_test": np.array([0]),
                    "n_bins": 1,
                    "manual_temperature": manual,
                },
                None,
            )
            for manual in (1e308, 5e-324)  # the curve's range overflowed, or reached 0
        ),
    ]
)
def test_calibrate(case):
    # "The validation rows have k classes but the test rows have m": names both by what they are.
    bad = {"logits_test": ("logits_test", "test rows")}.get(case.bad, case.bad)
    result = outcome(cal.calibrate, **case.kwargs, bad=bad, allow_nan=True)
    if result.returned:
        report = result.value
        for bins in (report.bins_before, report.bins_after, report.bins_manual):
            if bins is not None:
                assert not np.isnan(bins.counts).any()
        numbers = [report.temperature, report.validation_nll_before, report.validation_nll_after]
        assert not np.isnan(numbers).any() and not np.isnan(report.curve_nll).any()
    if case.bad is None:
        assert report.validation_nll_after <= report.validation_nll_before * (1 + 1e-9) + 1e-12
        assert report.after.accuracy == report.before.accuracy


@fuzzes(cal.split_rows)
@given(
    cases(
        {
            "n": st.integers(cal.MIN_ROWS, 2000),
            "val_share": st.floats(0.1, 0.9),
            "seed": st.integers(0, 2**64),
        },
        {
            "n": st.one_of(counts(cal.MAX_ROWS, low=cal.MIN_ROWS), huge(cal.MAX_ROWS)),
            "val_share": hostile_scalars(),
            "seed": st.one_of(junk, st.integers(max_value=-1)),
        },
    )
)
@regressions([Case({"n": 20, "val_share": 10**400, "seed": 0}, "val_share")])
def test_split_rows(case):
    # The message says "rows" (the page's word for n).
    bad = {"n": ("rows",)}.get(case.bad, case.bad)
    split = call_contract(cal.split_rows, **case.kwargs, bad=bad)
    if case.bad is None:
        val, test = split
        n = case.kwargs["n"]
        assert sorted([*val, *test]) == list(range(n))
        assert len(val) == round(n * case.kwargs["val_share"])


def test_every_public_function_has_a_fuzzer():
    assert unfuzzed(cal) == []
