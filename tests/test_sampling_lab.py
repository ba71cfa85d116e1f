"""The Sampling lab's domain model, against scipy and independent recomputation."""

import numpy as np
import pytest
import scipy.special
import scipy.stats

from explorer.corpus import default_corpus
from explorer.ngram import fit_ngram
from explorer.sampling_lab import compare_temperatures, gumbel_check, single_draws, summarize_draws

PROBS = np.array([0.5, 0.0, 0.3, 0.2])


def test_each_single_draw_is_the_class_its_uniform_lands_in():
    uniforms, classes = single_draws(PROBS, seed=7, count=200)
    np.testing.assert_array_equal(classes, np.searchsorted(np.cumsum(PROBS), uniforms, "right"))
    assert 1 not in classes and ((uniforms >= 0) & (uniforms < 1)).all()
    again_u, again_c = single_draws(PROBS, seed=7, count=5)  # a prefix: the same first draws
    np.testing.assert_array_equal(again_c, classes[:5])
    np.testing.assert_array_equal(again_u, uniforms[:5])


def test_draw_summary_matches_scipy():
    summary = summarize_draws(PROBS, 20_000, seed=3)
    assert summary.counts.sum() == 20_000 and summary.counts[1] == 0
    np.testing.assert_allclose(summary.frequencies, summary.counts / 20_000)
    for k in (0, 2):
        ci = scipy.stats.binomtest(int(summary.counts[k]), 20_000).proportion_ci(method="wilson")
        assert (summary.lower[k], summary.upper[k]) == pytest.approx((ci.low, ci.high))
    keep = PROBS > 0
    expected = scipy.stats.chisquare(summary.counts[keep], 20_000 * PROBS[keep])
    assert summary.chi_square.pvalue == pytest.approx(expected.pvalue)
    assert summary.total_variation == pytest.approx(0.5 * np.abs(summary.frequencies - PROBS).sum())
    assert summary.convergence.n[-1] == 20_000


def test_gumbel_max_draws_from_the_softmax():
    check = gumbel_check([2.0, 1.0, 0.1, -np.inf], 0.7, seed=11)
    np.testing.assert_allclose(check.probs[:3], scipy.special.softmax(np.array([2, 1, 0.1]) / 0.7))
    assert check.frequencies[3] == 0 and check.chi_square.pvalue > 1e-3
    assert check.total_variation < 0.01


def test_low_temperature_repeats_itself_high_temperature_turns_to_noise():
    # The page's default: the whole default corpus, order 5; averaged over seeds, as one run of
    # 300 characters is itself random.
    model = fit_ngram(default_corpus(), order=5)
    runs = [compare_temperatures(model, "The ", 300, [0.2, 1.0, 2.0], seed) for seed in range(4)]
    assert [run.temperature for run in runs[0]] == [0.2, 1.0, 2.0]
    for measure in ("distinct_2", "surprisal_bits"):
        means = np.mean([[getattr(run, measure) for run in seed_runs] for seed_runs in runs], 0)
        assert means[0] < means[1] < means[2], measure
    repeats = np.mean([[run.repeated_4 for run in seed_runs] for seed_runs in runs], 0)
    assert repeats[0] > repeats[1] > repeats[2]
    assert all(len(run.text) >= 300 for seed_runs in runs for run in seed_runs)
