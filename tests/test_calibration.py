"""Tests for explorer.calibration: temperature scaling, NLL, ECE, the report and the row split.

Oracles, never the module's own functions: a hand-written NLL on scipy.special.log_softmax,
minimised by scipy.optimize.minimize_scalar and on a dense grid; torch's cross_entropy and
LBFGS with autograd (float64); the closed form of the two-class case (the optimal scale solves
a logistic equation); ECE worked out by hand, with confidences exactly on bin edges and empty
bins, and a plain-loop ECE for random cases.
"""

import math
import time

import numpy as np
import pytest
import scipy.optimize
import scipy.special
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from explorer import calibration as cal
from explorer.digits import digits_experiment

prop = settings(max_examples=60, deadline=None, derandomize=True)  # the same cases every run


def oracle_nll(z, y, temperature):
    """Mean NLL, hand-written on scipy's log_softmax."""
    z = np.asarray(z, dtype=float)
    return -np.mean(scipy.special.log_softmax(z / temperature, axis=1)[np.arange(len(y)), y])


def oracle_fit(z, y):
    """Bounded Brent on log T over [0.01, 100], started from the best of a 2001-point grid."""
    grid = np.geomspace(1e-2, 1e2, 2001)
    values = [oracle_nll(z, y, t) for t in grid]
    best = int(np.argmin(values))
    lo, hi = math.log(grid[max(best - 1, 0)]), math.log(grid[min(best + 1, len(grid) - 1)])
    result = scipy.optimize.minimize_scalar(
        lambda u: oracle_nll(z, y, math.exp(u)),
        bounds=(lo, hi),
        method="bounded",
        options={"xatol": 1e-10},
    )
    return math.exp(result.x)


def two_class(a, right, wrong, masked_column=False):
    """Rows (a, −a): ``right`` labelled 0 and ``wrong`` labelled 1 (optionally a −inf column)."""
    z = np.tile([a, -a], (right + wrong, 1))
    if masked_column:
        z = np.column_stack([z, np.full(len(z), -np.inf)])
    return z, np.array([0] * right + [1] * wrong)


def random_problem(seed, n=300, k=10, scale=4.0, share_right=0.7):
    rng = np.random.default_rng(seed)
    z = rng.normal(size=(n, k)) * scale
    y = rng.integers(0, k, n)
    right = rng.random(n) < share_right
    y[right] = z[right].argmax(axis=1)
    return z, y


@pytest.fixture(scope="module")
def experiment():
    return digits_experiment()


# --------------------------------------------------------------------------------------------
# fit_temperature


@pytest.mark.parametrize(("a", "right", "wrong"), [(1.0, 3, 1), (2.5, 9, 1), (0.3, 60, 40)])
@pytest.mark.parametrize("masked_column", [False, True])
def test_two_class_optimum_solves_the_logistic_equation(a, right, wrong, masked_column):
    # Closed form: NLL(s) = q log(1 + e^{−2as}) + (1 − q) log(1 + e^{2as}) is minimal where
    # sigmoid(2a s) = q, i.e. T* = 2a / logit(q). A masked (−inf) third class changes nothing.
    z, y = two_class(a, right, wrong, masked_column)
    q = right / (right + wrong)
    expected = 2 * a / math.log(q / (1 - q))
    assert cal.fit_temperature(z, y) == pytest.approx(expected, rel=1e-10)


@pytest.mark.parametrize(
    ("right", "wrong", "bound"),
    [(5, 0, 0.01), (5, 5, 100.0), (3, 5, 100.0)],  # q = 1: T → 0; q ≤ 1/2: T → ∞
)
def test_optimum_outside_the_search_returns_the_bound(right, wrong, bound):
    z, y = two_class(1.0, right, wrong)
    assert cal.fit_temperature(z, y) == bound


def test_flat_nll_returns_one():
    # Every row's finite logits equal: softmax is uniform at every T (by hand), so nothing to fit.
    z = np.array([[2.0, 2.0, -np.inf], [0.0, 0.0, 0.0]])
    assert cal.fit_temperature(z, [1, 2]) == 1.0


@pytest.mark.parametrize(("seed", "k"), [(0, 2), (1, 10), (2, 10), (3, 1000)])
def test_fit_matches_an_independent_optimiser(seed, k):
    z, y = random_problem(seed, n=60 if k == 1000 else 300, k=k)
    ours = cal.fit_temperature(z, y)
    theirs = oracle_fit(z, y)
    assert ours == pytest.approx(theirs, rel=1e-6)
    assert oracle_nll(z, y, ours) <= oracle_nll(z, y, theirs) + 1e-13


def test_fit_on_digits_matches_torch_lbfgs(experiment):
    # Oracle: torch autograd + L-BFGS on log T, float64.
    z = torch.tensor(experiment.logits_val, dtype=torch.float64)
    y = torch.tensor(experiment.split.y_val)
    log_t = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    optimiser = torch.optim.LBFGS(
        [log_t],
        max_iter=200,
        tolerance_grad=1e-14,
        tolerance_change=1e-16,
        line_search_fn="strong_wolfe",
    )

    def closure():
        optimiser.zero_grad()
        loss = torch.nn.functional.cross_entropy(z / log_t.exp(), y)
        loss.backward()
        return loss

    optimiser.step(closure)
    expected = float(log_t.detach().exp())
    assert cal.fit_temperature(experiment.logits_val, experiment.split.y_val) == pytest.approx(
        expected, rel=1e-7
    )


def test_huge_logits_fit_without_overflow():
    # Logits ±1e300: the optimal T is 2e300 / ln 3 (closed form above), far beyond the bound.
    z, y = two_class(1e300, 3, 1)
    assert cal.fit_temperature(z, y) == 100.0
    # Tiny logits: the optimum 2e-300 / ln 3 is far below.
    z, y = two_class(1e-300, 3, 1)
    assert cal.fit_temperature(z, y) == 0.01
    # A huge spread where every row is right: the NLL underflows to 0, the optimum is T → 0.
    z = np.array([[1e300, -1e300, 0.0], [-1e300, 1e300, 5.0]])
    assert cal.fit_temperature(z, [0, 1]) == 0.01


def test_fit_with_many_rows_uses_every_row():
    # Beyond 8,000 rows the search starts from a subsample; the answer is the full data's.
    z, y = random_problem(5, n=9000, k=5, share_right=0.6)
    assert cal.fit_temperature(z, y) == pytest.approx(oracle_fit(z, y), rel=1e-6)


@st.composite
def problems(draw, n_max=12, k_max=5):
    n = draw(st.integers(2, n_max))
    k = draw(st.integers(2, k_max))
    z = draw(hnp.arrays(np.float64, (n, k), elements=st.floats(-8, 8)))
    y = draw(hnp.arrays(np.int64, n, elements=st.integers(0, k - 1)))
    return z, y


@prop
@given(problems(), st.floats(-50, 50))
def test_fit_is_invariant_to_adding_a_constant_per_row(problem, shift):
    z, y = problem
    shifts = shift * np.linspace(-1, 1, len(z))[:, None]
    assert cal.fit_temperature(z + shifts, y) == pytest.approx(cal.fit_temperature(z, y), rel=1e-6)


@prop
@given(problems())
def test_fit_is_no_worse_than_a_dense_grid(problem):
    z, y = problem
    ours = cal.fit_temperature(z, y)
    assert 0.01 <= ours <= 100
    grid = np.geomspace(1e-2, 1e2, 801)
    best = min(oracle_nll(z, y, t) for t in grid)
    assert oracle_nll(z, y, ours) <= best + 1e-9


# --------------------------------------------------------------------------------------------
# NLL, accuracy, the NLL curve


def test_nll_matches_torch_cross_entropy():
    z, y = random_problem(7, n=50, k=6)
    z[3, 2] = -np.inf  # a masked class (not the label)
    y[3] = 0
    for temperature in (0.3, 1.0, 4.0):
        expected = torch.nn.functional.cross_entropy(
            torch.tensor(z / temperature), torch.tensor(y)
        ).item()
        assert cal.negative_log_likelihood(z, y, temperature) == pytest.approx(expected, rel=1e-12)


def test_nll_curve_matches_the_oracle_and_is_fast():
    z, y = random_problem(8, n=1000, k=10)
    temps = np.geomspace(0.1, 10, 200)
    curve = cal.nll_curve(z, y, temps)
    expected = [oracle_nll(z, y, t) for t in temps[::20]]
    np.testing.assert_allclose(curve[::20], expected, rtol=1e-12)
    best = math.inf
    for _ in range(3):  # the best of three, to ride out a busy machine
        start = time.perf_counter()
        cal.nll_curve(z, y, temps)
        best = min(best, time.perf_counter() - start)
    assert best < 0.1


def test_accuracy_breaks_ties_towards_the_first_column():
    # By hand: rows 1, 3 right; row 2's tie goes to column 0, which is not its label 1.
    assert cal.accuracy([[3.0, 1.0], [2.0, 2.0], [0.0, 5.0]], [0, 1, 1]) == pytest.approx(2 / 3)


@prop
@given(
    hnp.arrays(np.float64, (15, 4), elements=st.integers(-80, 80).map(lambda i: i / 8)),
    hnp.arrays(np.int64, 15, elements=st.integers(0, 3)),
    st.floats(0.01, 100),
)
def test_no_temperature_changes_the_accuracy(z, y, temperature):
    # Oracle: the argmax of scipy's softmax at T, which for a grid of logits keeps their order.
    expected = np.mean(scipy.special.softmax(z / temperature, axis=1).argmax(axis=1) == y)
    assert cal.accuracy(z, y) == expected
    assert cal.evaluate(z, y, temperature).scores.accuracy == expected


# --------------------------------------------------------------------------------------------
# Reliability bins and ECE

THIRD = 1 / 3
EDGE_CASE_PROBS = [
    [THIRD, THIRD, THIRD],  # confidence 1/3 on an edge (3 and 6 bins); tie → class 0: right
    [THIRD, THIRD, THIRD],  # the same, labelled 1: wrong
    [2 / 3, THIRD, 0.0],  # 2/3, on an edge: right
    [0.5, 0.5, 0.0],  # 1/2, a tie → class 0, labelled 1: wrong
    [1.0, 0.0, 0.0],  # 1, the top edge: right
]
EDGE_CASE_LABELS = [0, 1, 0, 1, 0]


def test_ece_by_hand_with_three_bins():
    # Bins (0, 1/3], (1/3, 2/3], (2/3, 1]:
    #   bin 1: rows 1, 2: accuracy 1/2, confidence 1/3 → weight 2/5 × 1/6 = 1/15
    #   bin 2: rows 3, 4: accuracy 1/2, confidence (2/3 + 1/2)/2 = 7/12 → 2/5 × 1/12 = 1/30
    #   bin 3: row 5: accuracy 1, confidence 1 → 0.      ECE = 1/15 + 1/30 = 1/10.
    bins = cal.reliability_bins(EDGE_CASE_PROBS, EDGE_CASE_LABELS, n_bins=3)
    assert bins.counts.tolist() == [2, 2, 1]
    np.testing.assert_allclose(bins.accuracy, [0.5, 0.5, 1.0])
    np.testing.assert_allclose(bins.confidence, [THIRD, 7 / 12, 1.0])
    assert cal.expected_calibration_error(EDGE_CASE_PROBS, EDGE_CASE_LABELS, 3) == pytest.approx(
        1 / 10, abs=1e-15
    )


def test_ece_by_hand_with_six_bins_and_empty_ones():
    # Edges k/6: 1/3 = 2/6 closes bin 2, 1/2 = 3/6 closes bin 3, 2/3 = 4/6 closes bin 4, 1 bin 6.
    # Bins 1 and 5 are empty. ECE = 2/5 × 1/6 + 1/5 × 1/2 + 1/5 × 1/3 + 0 = 7/30.
    bins = cal.reliability_bins(EDGE_CASE_PROBS, EDGE_CASE_LABELS, n_bins=6)
    assert bins.counts.tolist() == [0, 2, 1, 1, 0, 1]
    assert np.isnan(bins.accuracy[[0, 4]]).all() and np.isnan(bins.confidence[[0, 4]]).all()
    np.testing.assert_allclose(bins.accuracy[[1, 2, 3, 5]], [0.5, 0.0, 1.0, 1.0])
    assert bins.ece == pytest.approx(7 / 30, abs=1e-15)
    np.testing.assert_array_equal(bins.edges, [0, 1 / 6, 2 / 6, 3 / 6, 4 / 6, 5 / 6, 1])


def loop_ece(probs, labels, n_bins):
    """ECE by a plain loop over bins (lower, upper] with edges b / n_bins."""
    probs = np.asarray(probs)
    confidence, predicted = probs.max(axis=1), probs.argmax(axis=1)
    total = 0.0
    for b in range(n_bins):
        lower, upper = b / n_bins, (b + 1) / n_bins
        inside = [
            i for i, c in enumerate(confidence) if (lower < c <= upper) or (b == 0 and c == 0)
        ]
        if inside:
            acc = np.mean([predicted[i] == labels[i] for i in inside])
            conf = np.mean([confidence[i] for i in inside])
            total += len(inside) / len(confidence) * abs(acc - conf)
    return total


@st.composite
def probability_problems(draw):
    n = draw(st.integers(1, 30))
    k = draw(st.integers(2, 5))
    weights = draw(hnp.arrays(np.float64, (n, k), elements=st.integers(0, 6).map(float)))
    weights[:, 0] += 1  # no all-zero row
    y = draw(hnp.arrays(np.int64, n, elements=st.integers(0, k - 1)))
    return weights / weights.sum(axis=1, keepdims=True), y, draw(st.integers(1, 20))


@prop
@given(probability_problems())
def test_ece_is_in_0_1_and_matches_a_plain_loop(problem):
    probs, y, n_bins = problem
    ece = cal.expected_calibration_error(probs, y, n_bins)
    assert 0 <= ece <= 1
    assert ece == pytest.approx(loop_ece(probs, y, n_bins), abs=1e-12)


@prop
@given(
    st.lists(st.tuples(st.integers(1, 12), st.data()), min_size=1, max_size=6), st.integers(1, 30)
)
def test_a_perfectly_calibrated_construction_has_ece_zero(groups, n_bins):
    # m rows at confidence c = j/m (two classes, c ≥ 1/2), exactly j of them right. Whatever
    # groups share a bin, its accuracy Σj/Σm equals its mean confidence Σ(m · j/m)/Σm: ECE = 0.
    probs, labels = [], []
    for m, data in groups:
        j = data.draw(st.integers(math.ceil(m / 2), m))
        probs += [[j / m, 1 - j / m]] * m
        labels += [0] * j + [1] * (m - j)
    assert cal.expected_calibration_error(probs, labels, n_bins) == pytest.approx(0, abs=1e-12)


# --------------------------------------------------------------------------------------------
# The report


def test_digits_report_calibration_improves_and_accuracy_is_unchanged(experiment):
    z_test, y_test = experiment.logits_test, experiment.split.y_test
    report = cal.calibrate(
        experiment.logits_val, experiment.split.y_val, z_test, y_test, manual_temperature=3.0
    )
    temperature = report.temperature
    assert 1.2 < temperature < 3 and not report.at_bound  # the model is overconfident
    assert report.after.nll < report.before.nll
    assert report.after.ece < report.before.ece
    # Oracles: scipy's NLL; accuracy as the argmax of scipy's softmax at each T.
    assert report.before.nll == pytest.approx(oracle_nll(z_test, y_test, 1.0), rel=1e-12)
    assert report.after.nll == pytest.approx(oracle_nll(z_test, y_test, temperature), rel=1e-12)
    assert report.manual.nll == pytest.approx(oracle_nll(z_test, y_test, 3.0), rel=1e-12)
    for t, scores in ((1.0, report.before), (temperature, report.after), (3.0, report.manual)):
        right = scipy.special.softmax(z_test / t, axis=1).argmax(axis=1) == y_test
        assert scores.accuracy == np.mean(right) == experiment.test_accuracy
    confidence = scipy.special.softmax(z_test / temperature, axis=1).max(axis=1)
    np.testing.assert_allclose(report.confidence_after, confidence, rtol=1e-12)
    assert report.bins_after.counts.sum() == len(y_test)
    assert report.bins_after.ece == report.after.ece
    # The validation curve: its minimum is at the fitted T.
    val = experiment.logits_val, experiment.split.y_val
    assert report.validation_nll_after == pytest.approx(oracle_nll(*val, temperature), rel=1e-12)
    assert report.validation_nll_after == pytest.approx(report.curve_nll.min(), abs=1e-15)
    assert {1.0, temperature, 3.0} <= set(report.curve_temperatures)


def test_report_without_a_manual_temperature_has_none():
    z, y = random_problem(9, n=100, k=4)
    report = cal.calibrate(z[:50], y[:50], z[50:], y[50:], n_bins=10)
    assert report.manual is None and report.bins_manual is None
    assert len(report.bins_before.counts) == 10


# --------------------------------------------------------------------------------------------
# The row split


def test_split_rows_is_a_seeded_partition():
    val, test = cal.split_rows(101, val_share=0.3, seed=4)
    assert len(val) == 30 and len(test) == 71
    assert sorted([*val, *test]) == list(range(101))
    assert list(val) == sorted(val) and list(test) == sorted(test)
    again, _ = cal.split_rows(101, val_share=0.3, seed=4)
    other, _ = cal.split_rows(101, val_share=0.3, seed=5)
    np.testing.assert_array_equal(val, again)
    assert list(val) != list(other)


# --------------------------------------------------------------------------------------------
# Bad input: a ValueError whose message names the problem


@pytest.mark.parametrize(
    ("logits", "labels", "message"),
    [
        ([1.0, 2.0], [0], "one row per example"),
        ([[1.0, 2.0], [3.0]], [0, 1], "rows of equal length"),
        ([[1.0], [2.0]], [0, 0], "from 2 to 1,000 classes"),
        (np.zeros((2, 1001)), [0, 0], "from 2 to 1,000 classes"),
        ([[1.0, np.nan]], [0], "NaN in row 1, column 2"),
        ([[1.0, 2.0], [np.inf, 0.0]], [0, 1], "+inf in row 2, column 1"),
        ([[1.0, -np.inf]], [1], "row 1 masks its own label"),
        ([[1.0, 2.0]], [0, 1], "list of 1 class numbers"),
        ([[1.0, 2.0]], [0.5], "whole numbers"),
        ([[1.0, 2.0]], ["a"], "whole numbers"),
        ([[1.0, 2.0, 3.0]], [3], "from 0 to 2"),
        ([[1.0, 2.0]], [-1], "from 0 to 1"),
    ],
)
def test_bad_logits_or_labels_are_refused_with_a_reason(logits, labels, message):
    with pytest.raises(ValueError, match=message.replace("+", r"\+")):
        cal.fit_temperature(logits, labels)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: cal.negative_log_likelihood([[1.0, 0.0]], [0], 0.0), "temperature must be"),
        (lambda: cal.negative_log_likelihood([[1.0, 0.0]], [0], math.inf), "finite number"),
        (lambda: cal.reliability_bins([[0.5, 0.6]], [0]), "sum to 1"),
        (lambda: cal.reliability_bins([[0.5, 0.5]], [0], n_bins=0), "n_bins must be from 1"),
        (lambda: cal.reliability_bins([[0.5, 0.5]], [0], n_bins=101), "n_bins must be from 1"),
        (lambda: cal.nll_curve([[1.0, 0.0]], [0], [1.0, -2.0]), "greater than 0"),
        (
            lambda: cal.nll_curve(np.zeros((1000, 1000)), np.zeros(1000, int), np.ones(101)),
            "too much work",
        ),
        (
            lambda: cal.nll_curve([[1.0, 0.0]], [0], np.ones(cal.MAX_CURVE_TEMPERATURES + 1)),
            "too many for one curve",
        ),
        (lambda: cal.calibrate([[1.0, 0.0]], [0], [[1.0, 0.0, 2.0]], [0]), "same classes"),
        (
            lambda: cal.calibrate([[1.0, 0.0]], [0], [[1.0, 0.0]], [0], manual_temperature=-1),
            "manual_temperature must be",
        ),
        (lambda: cal.split_rows(19), "at least 20 rows"),
        (lambda: cal.split_rows(cal.MAX_ROWS + 1), "At most 200,000 rows"),
        (lambda: cal.split_rows(100, val_share=0.95), "val_share must be from 0.1 to 0.9"),
    ],
)
def test_bad_arguments_are_refused_with_a_reason(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_the_entry_cap_is_enforced_before_any_work():
    with pytest.raises(ValueError, match="the limit is 20,000,000"):
        cal.fit_temperature(np.broadcast_to(0.0, (100_000, 201)), np.zeros(100_000, int))
