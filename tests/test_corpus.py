"""The default corpus (prose that ships with Python) and the checks on pasted text."""

import pydoc_data.topics
import re
import sysconfig
from pathlib import Path

import pytest

from explorer.corpus import (
    DEFAULT_CORPUS_CHARS,
    MAX_CORPUS_CHARS,
    MIN_CORPUS_CHARS,
    clean_corpus,
    default_corpus,
)

# --- the default corpus -----------------------------------------------------------------------


def test_default_corpus_comes_from_the_standard_library():
    stdlib = Path(sysconfig.get_paths()["stdlib"]).resolve()
    assert stdlib in Path(pydoc_data.topics.__file__).resolve().parents


def test_default_corpus_is_the_same_text_on_every_call():
    first = default_corpus()
    default_corpus.cache_clear()
    assert default_corpus() == first
    assert default_corpus.__wrapped__(DEFAULT_CORPUS_CHARS) == first  # recomputed, not cached


def test_default_corpus_is_large_but_within_the_cap():
    text = default_corpus()
    assert 150_000 <= len(text) <= DEFAULT_CORPUS_CHARS <= MAX_CORPUS_CHARS
    assert len(text.splitlines()) > 500


def test_a_smaller_default_corpus_is_a_prefix_cut_at_a_paragraph():
    full, small = default_corpus(), default_corpus(50_000)
    assert 45_000 < len(small) <= 50_000
    assert full.startswith(small + "\n")


def test_default_corpus_is_prose_with_no_markup_left():
    text = default_corpus()
    lines = text.split("\n")
    assert all(len(line) >= 40 and line.endswith((".", ":")) for line in lines)
    assert len(set(lines)) == len(lines), "a repeated paragraph is kept once"
    assert not re.search(r"^\s*[*=\-~^]{3,}\s*$", text, re.M), "heading underlines"
    for leftover in ("*", ">>>", "::=", "-[", '"', "`", "|", "\t", "  ", "‘", "’", "“", "”"):
        assert leftover not in text, leftover
    assert not re.search(r"\[\d+\]", text), "footnote references"
    assert text == text.strip()


def test_default_corpus_reads_as_english():
    text = default_corpus()
    letters_and_spaces = sum(char.isalpha() or char == " " for char in text)
    assert letters_and_spaces / len(text) > 0.93
    words = text.lower().split()
    assert words.count("the") / len(words) > 0.04
    assert "The if statement is used for conditional execution:" in text


def test_default_corpus_passes_the_checks_for_pasted_text_unchanged():
    assert clean_corpus(default_corpus()) == default_corpus()


@pytest.mark.parametrize("max_chars", [0, 999, MAX_CORPUS_CHARS + 1])
def test_default_corpus_size_out_of_range(max_chars):
    with pytest.raises(ValueError, match="max_chars"):
        default_corpus(max_chars)


@pytest.mark.parametrize("max_chars", [2.5, "100", True])
def test_default_corpus_size_not_an_integer(max_chars):
    with pytest.raises(TypeError, match="max_chars"):
        default_corpus(max_chars)


# --- pasted text ------------------------------------------------------------------------------


def test_whitespace_is_normalised_and_lines_kept():
    pasted = "  Roses are\tred,   \r\nviolets are blue.\r\n\r\n\r\n\r\nSugar is sweet.\n"
    assert clean_corpus(pasted) == "Roses are red,\nviolets are blue.\n\nSugar is sweet."


def test_a_few_control_characters_become_spaces():
    text = "a" * 200 + "\x07" + "b" * 200
    assert clean_corpus(text) == "a" * 200 + " " + "b" * 200


@pytest.mark.parametrize("pasted", ["", " ", "\n\n\t  \r\n", "short text"])
def test_empty_or_too_short_text_asks_for_more(pasted):
    with pytest.raises(ValueError, match=f"paste at least {MIN_CORPUS_CHARS} characters"):
        clean_corpus(pasted)


def test_binary_with_nul_bytes_is_rejected():
    with pytest.raises(ValueError, match=r"NUL.*binary file"):
        clean_corpus(bytes(range(256)).decode("latin-1"))
    with pytest.raises(ValueError, match="NUL"):
        clean_corpus("perfectly good text\x00 with one NUL in the middle")


def test_binary_without_nul_bytes_is_rejected():
    with pytest.raises(ValueError, match=r"control or replacement characters.*binary file"):
        clean_corpus(bytes(range(1, 256)).decode("latin-1") * 4)


def test_undecodable_bytes_are_rejected():
    undecodable = bytes(range(128, 256)).decode("utf-8", errors="replace")
    with pytest.raises(ValueError, match="binary file"):
        clean_corpus("some text " + undecodable)


def test_text_over_the_cap_is_rejected_naming_the_cap():
    assert len(clean_corpus("x" * MAX_CORPUS_CHARS)) == MAX_CORPUS_CHARS
    with pytest.raises(ValueError, match="200,000"):
        clean_corpus("x" * (MAX_CORPUS_CHARS + 1))


def test_text_must_be_a_string():
    with pytest.raises(TypeError, match="text must be a string"):
        clean_corpus(b"some bytes that are not text")
