"""The n-gram model: counts checked by hand and by an independent count, sampling at T,
the diversity measures, and the classic claim measured on the default corpus."""

import math
import re
import time
from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from explorer.core import softmax
from explorer.corpus import MAX_CORPUS_CHARS, default_corpus
from explorer.ngram import (
    MAX_CANDIDATES,
    MAX_GENERATE,
    detokenize,
    display_token,
    distinct_n,
    fit_ngram,
    generate,
    mean_surprisal,
    repeated_ngram_rate,
    tokenize,
)


@pytest.fixture(scope="module")
def corpus():
    return default_corpus()


@pytest.fixture(scope="module")
def model(corpus):
    return fit_ngram(corpus, order=5)


def probabilities(model, context):
    """{token: probability at T = 1} after ``context``."""
    tokens, logits = model.next_token_logits(context)
    return dict(zip(tokens, softmax(logits), strict=True))


def following_chars(text, context):
    """Independent count: the character after each occurrence of ``context`` in ``text``."""
    return Counter(re.findall(f"(?={re.escape(context)}(.))", text, re.S))


def backed_off_counts(text, context, order):
    """Independent backoff: counts after the longest suffix of ``context`` that is followed."""
    for k in range(min(order - 1, len(context)), -1, -1):
        counts = following_chars(text, context[len(context) - k :])
        if counts:
            return counts
    raise AssertionError("unreachable for a non-empty text")


# --- counting, by hand ------------------------------------------------------------------------


def test_bigram_probabilities_by_hand():
    model = fit_ngram("abababac", order=2)  # a→b three times, a→c once, b→a three times
    assert probabilities(model, "a") == pytest.approx({"b": 0.75, "c": 0.25})
    assert probabilities(model, "b") == pytest.approx({"a": 1.0})
    assert probabilities(model, "") == pytest.approx({"a": 4 / 8, "b": 3 / 8, "c": 1 / 8})
    assert model.next_token_logits("a")[1] == pytest.approx([math.log(0.75), math.log(0.25)])


def test_trigram_probabilities_by_hand():
    model = fit_ngram("abababac", order=3)
    assert probabilities(model, "ab") == pytest.approx({"a": 1.0})
    assert probabilities(model, "ba") == pytest.approx({"b": 2 / 3, "c": 1 / 3})
    assert model.context_used("xxba") == ("b", "a")


def test_word_probabilities_by_hand():
    model = fit_ngram("the cat sat on the mat", order=2, level="word")
    assert probabilities(model, "the") == pytest.approx({"cat": 0.5, "mat": 0.5})
    assert probabilities(model, "on") == pytest.approx({"the": 1.0})
    unigram = {"the": 2 / 6, "cat": 1 / 6, "sat": 1 / 6, "on": 1 / 6, "mat": 1 / 6}
    assert probabilities(model, "") == pytest.approx(unigram)
    assert model.next_token_logits("the")[0] == ("cat", "mat")  # a tie: first seen first


def test_unseen_context_backs_off_to_its_longest_seen_suffix():
    model = fit_ngram("abababac", order=3)
    assert model.context_used("ca") == ("a",)  # "ca" never occurs: back off to "a"
    assert probabilities(model, "ca") == pytest.approx({"b": 0.75, "c": 0.25})
    assert model.context_used("ac") == ()  # "c" is never followed: unigram
    assert probabilities(model, "ac") == pytest.approx({"a": 0.5, "b": 0.375, "c": 0.125})


def test_unseen_characters_in_the_context():
    model = fit_ngram("abababac", order=3)
    assert model.context_used("aé") == ()  # the last character is unseen: unigram
    assert probabilities(model, "aé") == probabilities(model, "")
    assert model.context_used("éa") == ("a",)  # what follows the unseen character still counts
    assert model.context_used("🙂🙂🙂") == ()
    words = fit_ngram("the cat sat on the mat", order=3, level="word")
    assert words.context_used("zebra the") == ("the",)
    assert words.context_used("the zebra") == ()


def test_counts_and_totals_are_kept():
    model = fit_ngram("abababac", order=2)
    start, stop, total = model.rows[(model.vocabulary.index("a"),)]
    assert model.candidate_counts[start:stop].tolist() == [3, 1] and total == 4
    assert model.token_count == 8 and model.vocabulary == ("a", "b", "c")


def test_a_one_character_text_is_a_model():
    model = fit_ngram("x", order=8)
    assert probabilities(model, "anything") == {"x": 1.0}
    assert generate(model, "", 5, 1.0, 0).text == "xxxxx"


# --- counting, against an independent count ---------------------------------------------------


@pytest.mark.parametrize("context", ["The ", "the st", "objec", "q", "zzzz ", "tion o", "\n"])
def test_char_logits_match_the_conditional_frequencies(corpus, model, context):
    counts = backed_off_counts(corpus, context, order=5)
    top = dict(sorted(counts.items(), key=lambda kv: -kv[1])[:MAX_CANDIDATES])
    expected = {token: count / sum(top.values()) for token, count in top.items()}
    assert probabilities(model, context) == pytest.approx(expected, rel=1e-12)


def test_word_logits_match_the_conditional_frequencies(corpus):
    model = fit_ngram(corpus, order=3, level="word")
    words = tokenize(corpus, "word")
    for context in (["the", "same"], ["is", "a"], ["of", "the"]):
        counts = Counter(
            words[i + 2]
            for i in range(len(words) - 2)
            if words[i] == context[0] and words[i + 1] == context[1]
        )
        top = dict(counts.most_common(MAX_CANDIDATES))
        expected = {token: count / sum(top.values()) for token, count in top.items()}
        assert probabilities(model, context) == pytest.approx(expected, rel=1e-12)


def test_candidates_are_capped_to_the_most_frequent(corpus, model):
    tokens, logits = model.next_token_logits("")  # unigram: more characters than the cap
    counts = Counter(corpus)
    assert len(counts) > MAX_CANDIDATES == len(tokens)
    kept = sorted(counts.values(), reverse=True)[:MAX_CANDIDATES]
    assert sorted((counts[t] for t in tokens), reverse=True) == kept
    assert softmax(logits) == pytest.approx([counts[t] / sum(kept) for t in tokens], rel=1e-12)
    small = fit_ngram("aaabbc", order=1, max_candidates=2)
    assert probabilities(small, "") == pytest.approx({"a": 0.6, "b": 0.4})


def test_logits_are_finite_log_probabilities_and_read_only(model):
    for context in ("", "Th", "The def", "🙂"):
        tokens, logits = model.next_token_logits(context)
        assert len(tokens) == len(logits) >= 1 and np.isfinite(logits).all()
        assert np.exp(logits).sum() == pytest.approx(1.0, abs=1e-12)
        assert np.all(np.diff(logits) <= 0), "most frequent first"
        with pytest.raises(ValueError, match="read-only"):
            logits[0] = 0.0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"level": "byte"}, "level must be 'char' or 'word'"),
        ({"order": 0}, "order must be an integer from 1 to 8"),
        ({"order": 9}, "order must be an integer from 1 to 8"),
        ({"order": 5, "level": "word"}, "order must be an integer from 1 to 4"),
        ({"order": 2.0}, "order"),
        ({"max_candidates": 0}, "max_candidates"),
    ],
)
def test_bad_arguments_are_named(kwargs, message):
    with pytest.raises(ValueError, match=message):
        fit_ngram("some training text", **kwargs)


def test_bad_training_text():
    with pytest.raises(ValueError, match="no characters"):
        fit_ngram("")
    with pytest.raises(ValueError, match="no words"):
        fit_ngram(" \n\t ", level="word")
    with pytest.raises(ValueError, match="200,000"):
        fit_ngram("x" * (MAX_CORPUS_CHARS + 1))


# --- generation -------------------------------------------------------------------------------


def test_same_seed_same_text(model):
    first = generate(model, "The ", 300, 1.0, rng=42)
    assert generate(model, "The ", 300, 1.0, rng=np.random.default_rng(42)) == first
    assert generate(model, "The ", 300, 1.0, rng=43).text != first.text


@pytest.mark.parametrize("length", [1, 17, 500])
def test_length_is_respected(model, length):
    generation = generate(model, "The ", length, 1.0, 0)
    assert len(generation.tokens) == len(generation.text) == length
    words = fit_ngram(default_corpus(), order=2, level="word")
    assert len(generate(words, "The", length, 1.0, 0).tokens) == length


@pytest.mark.parametrize("length", [0, -1, MAX_GENERATE + 1])
def test_length_out_of_range_is_named(model, length):
    with pytest.raises(ValueError, match="length must be 1 to 2,000"):
        generate(model, "The ", length, 1.0, 0)


def test_bad_temperature_is_named(model):
    with pytest.raises(ValueError, match="temperature"):
        generate(model, "The ", 10, -0.5, 0)


def test_greedy_follows_the_argmax_path(corpus, model):
    context, expected = "The ", []
    for _ in range(120):
        top_two = backed_off_counts(corpus, context, order=5).most_common(2)
        assert len(top_two) == 1 or top_two[0][1] > top_two[1][1], "a tie: greedy is not unique"
        expected.append(top_two[0][0])
        context += top_two[0][0]
    for seed in (0, 1, 2):
        assert generate(model, "The ", 120, 0.0, seed).text == "".join(expected)


def test_greedy_with_tied_maxima_picks_only_among_them():
    model = fit_ngram("ab ac ad ", order=2)  # after "a": b, c, d equally often
    picks = {generate(model, "a", 1, 0.0, seed).text for seed in range(60)}
    assert picks == {"b", "c", "d"}


def test_high_temperature_approaches_uniform_over_the_candidates():
    model = fit_ngram("a" * 9 + "b", order=1)  # p(b) = 0.1 at T = 1
    share_of_b = {
        temperature: generate(model, "", MAX_GENERATE, temperature, 3).tokens.count("b")
        / MAX_GENERATE
        for temperature in (1.0, 1e3, math.inf)
    }
    assert share_of_b[1.0] == pytest.approx(0.1, abs=0.03)
    assert share_of_b[1e3] == pytest.approx(0.5, abs=0.04)
    assert share_of_b[math.inf] == pytest.approx(0.5, abs=0.04)


def test_prompts_of_unseen_characters_still_generate(model):
    for prompt in ("", "🙂🙂🙂", "日本語のテキスト", "\x00", "é"):
        generation = generate(model, prompt, 40, 1.0, 0)
        assert len(generation.text) == 40 and set(generation.text) <= set(model.vocabulary)


def test_word_generation_reads_as_text():
    model = fit_ngram(default_corpus(), order=2, level="word")
    generation = generate(model, "The object", 30, 0.5, 1)
    assert generation.text.startswith(" ") and "  " not in generation.text
    assert tokenize(generation.text, "word") == list(generation.tokens)


@settings(max_examples=60, deadline=None)
@given(prompt=st.text(max_size=30), level=st.sampled_from(["char", "word"]))
def test_any_prompt_gets_a_prediction_and_a_continuation(prompt, level):
    model = fit_ngram("the cat sat on the mat. The dog ate the hat!", order=3, level=level)
    tokens, logits = model.next_token_logits(prompt)
    assert tokens and np.isfinite(logits).all()
    assert len(generate(model, prompt, 5, 1.0, 0).tokens) == 5


# --- diversity measures -----------------------------------------------------------------------


def test_distinct_n_by_hand():
    tokens = ["the", "cat", "the", "cat", "the"]
    assert distinct_n(tokens, 1) == 2 / 5
    assert distinct_n(tokens, 2) == 2 / 4  # the cat, cat the, the cat, cat the
    assert distinct_n(tokens, 5) == 1.0
    assert distinct_n(list("abcd"), 2) == 1.0


def test_repeated_ngram_rate_by_hand():
    assert repeated_ngram_rate(list("aaaa"), 1) == 3 / 4  # every "a" after the first
    assert repeated_ngram_rate(list("abcabc"), 3) == 1 / 4  # abc bca cab abc
    assert repeated_ngram_rate(list("abcd"), 2) == 0.0
    tokens = list("abracadabra")
    for n in (1, 2, 3, 4):
        assert repeated_ngram_rate(tokens, n) == pytest.approx(1 - distinct_n(tokens, n))


@pytest.mark.parametrize("tokens", [[], ["a"], ["a", "b"]])
def test_fewer_tokens_than_n_have_no_ngrams(tokens):
    assert distinct_n(tokens, 3) == 0.0
    assert repeated_ngram_rate(tokens, 3) == 0.0


@pytest.mark.parametrize("n", [0, -1, 1.5])
def test_n_must_be_a_positive_integer(n):
    with pytest.raises(ValueError, match="n must be an integer"):
        distinct_n(["a", "b"], n)
    with pytest.raises(ValueError, match="n must be an integer"):
        repeated_ngram_rate(["a", "b"], n)


def test_mean_surprisal_by_hand():
    model = fit_ngram("abababac", order=2)
    # after the prompt "a": b (p 3/4), then a (p 1), then c (p 1/4)
    nats = -(math.log(0.75) + math.log(1.0) + math.log(0.25)) / 3
    assert mean_surprisal(model, list("bac"), prompt="a") == pytest.approx(nats)
    assert mean_surprisal(model, list("bac"), prompt="a", base=2) == pytest.approx(
        nats / math.log(2)
    )
    assert mean_surprisal(model, list("a")) == pytest.approx(math.log(2))  # unigram p = 1/2


def test_mean_surprisal_of_impossible_or_no_tokens():
    model = fit_ngram("abababac", order=2)
    assert mean_surprisal(model, list("bb"), prompt="a") == math.inf  # b never follows b
    assert mean_surprisal(model, ["z"]) == math.inf
    with pytest.raises(ValueError, match="tokens is empty"):
        mean_surprisal(model, [])
    with pytest.raises(ValueError, match="base"):
        mean_surprisal(model, ["a"], base=1)


def test_the_classic_claim_low_t_repeats_high_t_is_noise(model):
    """distinct-2 rises, the repeated 4-gram rate falls, mean surprisal rises: T = 0.2 → 1 → 2."""
    temperatures = (0.2, 1.0, 2.0)
    table = []
    for seed in range(5):
        rows = []
        for temperature in temperatures:
            tokens = generate(model, "The ", 500, temperature, seed).tokens
            rows.append(
                (
                    distinct_n(tokens, 2),
                    repeated_ngram_rate(tokens, 4),
                    mean_surprisal(model, tokens, prompt="The "),
                )
            )
        table.append(rows)
    per_seed = np.array(table)  # seed × temperature × measure
    for measures in [*per_seed, per_seed.mean(axis=0)]:
        distinct, repeated, surprisal = measures.T
        assert np.all(np.diff(distinct) > 0), distinct
        assert np.all(np.diff(repeated) < 0), repeated
        assert np.all(np.diff(surprisal) > 0), surprisal


# --- helpers and speed ------------------------------------------------------------------------


def test_detokenize_words():
    tokens = ["The", "cat", "(", "a", "tabby", ")", "sat", ".", "Then", "it", "slept", "!"]
    assert detokenize(tokens, "word") == "The cat (a tabby) sat. Then it slept!"
    assert detokenize(["sat", "."], "word", after="The cat ") == "sat."
    assert detokenize(list("ab c"), "char", after="xyz") == "ab c"


def test_display_token_makes_blanks_visible():
    assert [display_token(t) for t in (" ", "\n", "\t", "ab")] == ["␣", "↵", "⇥", "ab"]


def best_of(repeats, function):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def test_fitting_the_default_corpus_is_fast(corpus):
    assert best_of(3, lambda: fit_ngram(corpus, order=5)) < 1.0  # measured about 0.1 s


def test_generating_500_characters_is_fast(model):
    assert best_of(3, lambda: generate(model, "The ", 500, 1.0, 0)) < 0.1  # about 0.01 s
