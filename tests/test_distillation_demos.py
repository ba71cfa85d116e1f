"""Tests for explorer.distillation_demos: the dark knowledge in one example's soft targets, and the
size of the soft loss's gradient against T.

Oracles: scipy.special.softmax, classes ranked by hand, the closed-form large-T limit of Hinton,
Vinyals & Dean (2015, eq. 4) written out again here from the paper; hypothesis for the rise of
the wrong classes' share with T.
"""

import math

import numpy as np
import pytest
import scipy.special
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from explorer import distillation_demos as demos


def random_logits(seed, rows=6, classes=10, scale=4.0):
    return np.random.default_rng(seed).normal(0.0, scale, (rows, classes))


def paper_limit(student, teacher):
    """Hinton et al.'s eq. 4 for zero-mean logits, after centring: ((z − z̄) − (v − v̄)) / N."""
    z, v = np.asarray(student), np.asarray(teacher)
    return ((z - z.mean()) - (v - v.mean())) / z.size


# --------------------------------------------------------------------------------------------
# Why T²


def test_gradient_norms_fall_like_one_over_t_squared_without_the_factor():
    student, teacher = random_logits(14)[0], random_logits(15)[0]
    norms = demos.gradient_norms(student, teacher, [1.0, 10.0, 100.0, 1000.0], true_class=3)
    np.testing.assert_allclose(norms.scaled, norms.unscaled * norms.temperatures**2, rtol=1e-12)
    assert norms.scaled_limit == pytest.approx(np.linalg.norm(paper_limit(student, teacher)))
    assert norms.scaled[-1] == pytest.approx(norms.scaled_limit, rel=1e-2)
    # Without T², a hundredfold rise in T (10 → 1000) shrinks the gradient about 10,000-fold.
    assert norms.unscaled[1] / norms.unscaled[3] == pytest.approx(1e4, rel=0.1)
    hard = scipy.special.softmax(student) - np.eye(10)[3]  # (q − y) at T = 1, by scipy
    assert norms.hard == pytest.approx(np.linalg.norm(hard), rel=1e-12)


def test_gradient_norms_default_grid_and_no_hard_line_without_a_class():
    norms = demos.gradient_norms([1.0, 0.0, -1.0], [0.0, 0.0, 3.0])
    np.testing.assert_array_equal(norms.temperatures, demos.DEFAULT_GRADIENT_TEMPERATURES)
    assert norms.temperatures[0] == pytest.approx(0.5) and norms.temperatures[-1] == 100
    assert norms.hard is None


# --------------------------------------------------------------------------------------------
# Dark knowledge on one example


def test_explain_soft_targets_ranks_the_wrong_classes_by_probability():
    v = np.array([1.0, 9.0, 0.5, 7.0, 2.0])
    soft = demos.explain_soft_targets(v, 4.0, true_class=1)
    assert soft.wrong_ranked == (3, 4, 0, 2)  # by hand: 7 > 2 > 1 > 0.5
    p4, p1 = scipy.special.softmax(v / 4.0), scipy.special.softmax(v)
    np.testing.assert_allclose(soft.probs, p4, rtol=1e-12)
    np.testing.assert_allclose(soft.probs_at_one, p1, rtol=1e-12)
    assert soft.wrong_mass == pytest.approx(1 - p4[1]) and soft.wrong_mass > soft.wrong_mass_at_one


def test_wrong_mass_keeps_its_digits_when_the_teacher_is_very_sure():
    soft = demos.explain_soft_targets([40.0, 0.0], 1.0, true_class=0)
    assert soft.wrong_mass == pytest.approx(math.exp(-40), rel=1e-12)  # 1 − p would give 0


def test_gradient_curve_caps_and_class_checks():
    z = [0.0, 1.0, 2.0]
    with pytest.raises(ValueError, match=f"at most {demos.MAX_CURVE_POINTS:,}"):
        demos.gradient_norms(z, z, np.linspace(1, 2, demos.MAX_CURVE_POINTS + 1))
    with pytest.raises(ValueError, match="temperature"):
        demos.gradient_norms(z, z, [1.0, 0.0])
    with pytest.raises(ValueError, match="true_class"):
        demos.gradient_norms(z, z, [1.0], true_class=3)
    with pytest.raises(ValueError, match="true_class"):
        demos.explain_soft_targets(z, 2.0, true_class=-1)
    with pytest.raises(ValueError, match="1-D"):
        demos.gradient_norms([z], [z])


@settings(max_examples=200, deadline=None)
@given(
    hnp.arrays(np.float64, st.integers(2, 10), elements=st.floats(-20, 20)),
    st.floats(0.05, 50),
    st.floats(1.01, 10),
)
def test_a_hotter_teacher_gives_the_wrong_classes_more_of_its_mass(logits, low, factor):
    """When the true class has the top logit, raising T moves mass from it to the wrong ones."""
    top = int(np.argmax(logits))
    assume(np.sum(logits == logits[top]) == 1)
    cooler = demos.explain_soft_targets(logits, low, true_class=top)
    hotter = demos.explain_soft_targets(logits, low * factor, true_class=top)
    assert hotter.wrong_mass >= cooler.wrong_mass * (1 - 1e-12)
    assert cooler.wrong_ranked == hotter.wrong_ranked  # T rescales, never reorders
