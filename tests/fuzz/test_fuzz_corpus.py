"""Fuzzing explorer.corpus: pasted text of every kind (control characters, lone surrogates,
NUL, binary decoded as text, over the size cap) and hostile sizes for the default corpus. Valid
results are checked for the cleaning's promises: no runs of spaces or tabs, no trailing spaces,
no \\r, at most one blank line in a row, a length within the caps."""

from hypothesis import given
from hypothesis import strategies as st

from explorer import corpus
from tests.fuzz.hostile import (
    Case,
    call_contract,
    cases,
    counts,
    fuzzes,
    hostile_arrays,
    hostile_text,
    junk,
    regressions,
    unfuzzed,
)

pasted = st.one_of(
    st.text(st.sampled_from("The cat sat.\n\r\t  ,'é"), max_size=80),
    st.text(max_size=60),
    hostile_text,
    st.binary(max_size=60).map(lambda data: data.decode("latin-1")),
    st.just("x" * (corpus.MAX_CORPUS_CHARS + 1)),
    st.just("word " * 20 + "\x00"),
)


@fuzzes(corpus.clean_corpus)
@given(cases({"text": pasted}, {"text": st.one_of(junk, hostile_arrays())}))
def test_clean_corpus(case):
    cleaned = call_contract(corpus.clean_corpus, **case.kwargs, bad="text")
    if cleaned is not None:
        assert corpus.MIN_CORPUS_CHARS <= len(cleaned) <= corpus.MAX_CORPUS_CHARS
        assert "\r" not in cleaned and "\n\n\n" not in cleaned and "\x00" not in cleaned
        assert "  " not in cleaned and "\t" not in cleaned and cleaned == cleaned.strip()
        assert all(line == line.rstrip() for line in cleaned.split("\n"))


@fuzzes(corpus.default_corpus)
@given(
    cases(
        # A few sizes only: each new one reads the reference again (the cache keeps 4).
        {"max_chars": st.sampled_from([1_000, 1_001, 50_000, corpus.MAX_CORPUS_CHARS])},
        {"max_chars": counts(corpus.MAX_CORPUS_CHARS, low=1_000)},
    )
)
@regressions([Case({"max_chars": {"a": 1}}, "max_chars")])  # unhashable: the cache raised
def test_default_corpus(case):
    text = call_contract(corpus.default_corpus, **case.kwargs, bad="max_chars")
    if text is not None:
        assert 0 < len(text) <= case.kwargs["max_chars"]
        assert "\n\n" not in text and all(line.strip() for line in text.split("\n"))


def test_every_public_function_has_a_fuzzer():
    assert unfuzzed(corpus) == []
