"""Fuzzing explorer.ngram: tokenizing, fitting, generating and scoring with hostile texts,
orders, levels, lengths, temperatures, seeds and models that are not models. Valid cases are
checked against the definitions: logits are log-frequencies (exp sums to 1), generated tokens
are candidates of their context, distinct-n + repeated rate = 1."""

import math

import numpy as np
from hypothesis import example, given
from hypothesis import strategies as st

from explorer import ngram
from tests.fuzz.hostile import (
    Case,
    bad_rngs,
    call_contract,
    cases,
    counts,
    fuzzes,
    hostile_arrays,
    hostile_scalars,
    hostile_text,
    junk,
    public_functions,
    regressions,
    rngs,
    unfuzzed,
)

levels = st.sampled_from(["char", "word"])
bad_levels = st.one_of(junk, hostile_text, st.sampled_from(["Char", "words", "byte"]))
texts = st.one_of(
    st.text(st.sampled_from("ab c.\n'’é"), min_size=1, max_size=40),
    st.text(min_size=1, max_size=20),
)
bad_texts = st.one_of(junk, hostile_arrays(), st.lists(st.text(max_size=2), max_size=3))
token_lists = st.lists(st.text(st.sampled_from("ab .("), min_size=1, max_size=3), max_size=8)
bad_token_lists = st.one_of(
    st.sampled_from([None, 3, 1.5, [1, 2], [None], ["a", 3], b"ab", {"a": 1}]), hostile_arrays()
)

MODELS = [
    ngram.fit_ngram("the cat sat on the mat. the cat ate.", 3),
    ngram.fit_ngram("the cat sat on the mat. the cat ate.", 2, "word"),
    ngram.fit_ngram("ab", 1, max_candidates=1),
]
models = st.sampled_from(MODELS)
not_models = st.one_of(junk, st.sampled_from([ngram.NGramModel, "model", MODELS[:1]]))


@fuzzes(ngram.tokenize)
@given(cases({"text": texts, "level": levels}, {"text": bad_texts, "level": bad_levels}))
@regressions(
    [Case({"text": 123, "level": "char"}, "text"), Case({"text": None, "level": "word"}, "text")]
)
def test_tokenize(case):
    tokens = call_contract(ngram.tokenize, **case.kwargs, bad=case.bad)
    if case.bad is None:
        text = case.kwargs["text"]
        assert all(isinstance(token, str) and token for token in tokens)
        if case.kwargs["level"] == "char":
            assert "".join(tokens) == text
        else:
            assert not any(c.isspace() for token in tokens for c in token)


@fuzzes(ngram.detokenize)
@given(
    cases(
        {"tokens": token_lists, "level": levels, "after": st.text(max_size=3)},
        {
            "tokens": bad_token_lists,
            "level": bad_levels,
            "after": st.one_of(junk, hostile_arrays()),
        },
    )
)
@regressions(
    [
        Case({"tokens": [1, 2], "level": "char", "after": ""}, "tokens"),
        Case({"tokens": ["a", ""], "level": "word", "after": ""}, None),  # an empty token
        Case({"tokens": ["a"], "level": "word", "after": 5}, "after"),
    ]
)
def test_detokenize(case):
    text = call_contract(ngram.detokenize, **case.kwargs, bad=case.bad)
    if case.bad is None:
        tokens = case.kwargs["tokens"]
        assert text.replace(" ", "") == "".join(tokens).replace(" ", "")


@fuzzes(ngram.display_token)
@given(cases({"token": st.text(max_size=5)}, {"token": st.one_of(junk, hostile_arrays())}))
@regressions([Case({"token": None}, "token"), Case({"token": 3}, "token")])
def test_display_token(case):
    shown = call_contract(ngram.display_token, **case.kwargs, bad=case.bad)
    if case.bad is None:
        assert not any(c in shown for c in " \n\t") and len(shown) == len(case.kwargs["token"])


@st.composite
def fit_cases(draw):
    level = draw(levels)
    return draw(
        cases(
            {
                "text": texts,
                "order": st.one_of(st.none(), st.integers(1, ngram.MAX_ORDER[level])),
                "level": st.just(level),
                "max_candidates": st.integers(1, 60),
            },
            {
                "text": st.one_of(bad_texts, st.just("a" * (ngram.MAX_CORPUS_CHARS + 1))),
                "order": counts(8),
                "level": bad_levels,
                "max_candidates": counts(50),
            },
        )
    )


@fuzzes(ngram.fit_ngram)
@given(fit_cases())
def test_fit_ngram(case):
    text = case.kwargs["text"]
    level = case.kwargs["level"]
    valid_level = isinstance(level, str) and level in ngram.MAX_ORDER
    no_tokens = isinstance(text, str) and valid_level and not ngram.tokenize(text, level)
    bad = (case.bad or "text", "text") if no_tokens else case.bad  # e.g. " " has no words
    model = call_contract(ngram.fit_ngram, **case.kwargs, bad=bad)
    if model is not None and case.bad is None:
        starts = [start for start, _stop, _total in model.rows.values()]
        for start, stop, _total in model.rows.values():
            probs = np.exp(model.candidate_logits[start:stop])
            assert 1 <= stop - start <= case.kwargs["max_candidates"]
            np.testing.assert_allclose(probs.sum(), 1.0, rtol=1e-12)
        assert () in model.rows and len(set(starts)) == len(starts)


@fuzzes(ngram.generate)
@given(
    cases(
        {
            "model": models,
            "prompt": st.text(max_size=10),
            "length": st.integers(1, 30),
            "temperature": st.one_of(st.floats(0), st.just(math.inf)),
            "rng": rngs,
        },
        {
            "model": not_models,
            "prompt": st.one_of(junk, hostile_arrays()),
            "length": counts(ngram.MAX_GENERATE),
            "temperature": hostile_scalars(),
            "rng": bad_rngs,
        },
    )
)
@regressions(
    [
        Case({"model": None, "prompt": "", "length": 1, "temperature": 1.0, "rng": 0}, "model"),
        Case(
            {"model": MODELS[0], "prompt": 5, "length": 1, "temperature": 1.0, "rng": 0}, "prompt"
        ),
        Case({"model": MODELS[0], "prompt": "", "length": 1, "temperature": 1.0, "rng": -1}, "rng"),
        Case(
            {"model": MODELS[0], "prompt": "", "length": 1, "temperature": 1.0, "rng": "a"}, "rng"
        ),
        Case(
            {"model": MODELS[0], "prompt": "", "length": 10**400, "temperature": 1.0, "rng": 0},
            "length",
        ),
    ]
)
def test_generate(case):
    result = call_contract(ngram.generate, **case.kwargs, bad=case.bad)
    if case.bad is None:
        model, prompt = case.kwargs["model"], case.kwargs["prompt"]
        assert len(result.tokens) == case.kwargs["length"]
        surprisal = ngram.mean_surprisal(model, result.tokens, prompt)
        assert 0 <= surprisal < math.inf  # every token was a candidate of its context


@fuzzes(ngram.distinct_n)
@given(
    cases(
        {"tokens": token_lists, "n": st.integers(1, 4)},
        {"tokens": bad_token_lists, "n": counts(10)},
    )
)
@regressions([Case({"tokens": None, "n": 1}, "tokens"), Case({"tokens": 3, "n": 1}, "tokens")])
def test_distinct_n(case):
    share = call_contract(ngram.distinct_n, **case.kwargs, bad=case.bad)
    if case.bad is None:
        assert 0 <= share <= 1
        repeated = ngram.repeated_ngram_rate(**case.kwargs)
        if len(case.kwargs["tokens"]) >= case.kwargs["n"]:
            assert math.isclose(share + repeated, 1.0)


@fuzzes(ngram.repeated_ngram_rate)
@given(
    cases(
        {"tokens": token_lists, "n": st.integers(1, 4)},
        {"tokens": bad_token_lists, "n": counts(10)},
    )
)
def test_repeated_ngram_rate(case):
    rate = call_contract(ngram.repeated_ngram_rate, **case.kwargs, bad=case.bad)
    if case.bad is None:
        assert 0 <= rate < 1


@fuzzes(ngram.mean_surprisal)
@given(
    cases(
        {
            "model": models,
            "tokens": st.lists(
                st.sampled_from(["t", "h", "e", " ", "the", "cat", ".", "x"]),
                min_size=1,
                max_size=6,
            ),
            "prompt": st.text(max_size=6),
            "base": st.sampled_from([None, 2, math.e, 10]),
        },
        {
            "model": not_models,
            "tokens": st.one_of(bad_token_lists, st.just([])),
            "prompt": st.one_of(junk, hostile_arrays()),
            "base": hostile_scalars(),
        },
    )
)
@regressions(
    [
        Case({"model": MODELS[0], "tokens": ["a"], "prompt": "", "base": "2"}, "base"),
        Case({"model": MODELS[0], "tokens": ["a"], "prompt": None, "base": None}, "prompt"),
        Case({"model": 3, "tokens": ["a"], "prompt": "", "base": None}, "model"),
    ]
)
def test_mean_surprisal(case):
    value = call_contract(ngram.mean_surprisal, **case.kwargs, bad=case.bad)
    if case.bad is None:
        assert value >= 0


contexts = st.one_of(
    st.text(max_size=10), st.lists(st.sampled_from(["t", "the", "q", " "]), max_size=5)
)
bad_contexts = st.one_of(st.sampled_from([None, 3, 1.5, [1, 2], [None], b"ab"]), hostile_arrays())


@fuzzes(ngram.NGramModel.encode)
@given(models, cases({"context": contexts}, {"context": bad_contexts}))
@example(model=MODELS[0], case=Case({"context": None}, "context"))
@example(model=MODELS[1], case=Case({"context": [["a"]]}, "context"))
def test_encode(model, case):
    ids = call_contract(model.encode, **case.kwargs, bad=case.bad)
    if case.bad is None:
        assert len(ids) <= model.order - 1 and all(-1 <= i < len(model.vocabulary) for i in ids)


@fuzzes(ngram.NGramModel.context_used)
@given(models, cases({"context": contexts}, {"context": bad_contexts}))
def test_context_used(model, case):
    used = call_contract(model.context_used, **case.kwargs, bad=case.bad)
    if case.bad is None:
        assert len(used) <= model.order - 1


@fuzzes(ngram.NGramModel.next_token_logits)
@given(models, cases({"context": contexts}, {"context": bad_contexts}))
def test_next_token_logits(model, case):
    result = call_contract(model.next_token_logits, **case.kwargs, bad=case.bad)
    if case.bad is None:
        tokens, logits = result
        assert len(tokens) == len(logits) >= 1 and np.isfinite(logits).all()
        np.testing.assert_allclose(np.exp(logits).sum(), 1.0, rtol=1e-12)


def test_every_public_function_has_a_fuzzer():
    assert unfuzzed(ngram) == []
    methods = [
        name
        for name, member in vars(ngram.NGramModel).items()
        if callable(member) and not name.startswith("_")
    ]
    fuzzed = {"encode", "context_used", "next_token_logits"}
    assert set(methods) == fuzzed, "a new public method of NGramModel needs a fuzzer"
    assert public_functions(ngram)
