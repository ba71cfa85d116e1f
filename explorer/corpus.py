"""Text to fit a language model on: the offline default corpus, and checks for pasted text.

The default corpus is prose from the Python language reference as it ships inside Python's own
standard library (``pydoc_data.topics``, the text behind ``help("if")``): nothing is downloaded
and no third-party text is copied into this repository. Pasted text is checked (not empty, not
binary, not too long) and its whitespace normalised; bad text raises ``ValueError`` with a message
the page can show as it is.
"""

from __future__ import annotations

import functools
import re
import textwrap

__all__ = [
    "DEFAULT_CORPUS_CHARS",
    "MAX_CONTROL_SHARE",
    "MAX_CORPUS_CHARS",
    "MIN_CORPUS_CHARS",
    "clean_corpus",
    "default_corpus",
]

#: Pasted text shorter than this (after cleaning) is rejected: too little to count anything.
MIN_CORPUS_CHARS = 20

#: Pasted text longer than this is rejected, so that fitting stays well under a second.
MAX_CORPUS_CHARS = 200_000

#: Size of the default corpus: enough for a character model of order 5 to read like English,
#: small enough that fitting takes about 0.1 s (it is nearly all the prose the reference has).
DEFAULT_CORPUS_CHARS = MAX_CORPUS_CHARS

#: Largest share of control or replacement characters (U+FFFD) that text may have; above it,
#: the text is taken for a binary file decoded as text.
MAX_CONTROL_SHARE = 0.02

# Characters that mark a paragraph of the reference as code or a table rather than prose.
_CODE_MARKS = frozenset("*=<>{}|\\#~^@`$")
# Typographic punctuation mapped to ASCII, so the default alphabet stays small.
_ASCII_PUNCTUATION = str.maketrans(
    {"‘": "'", "’": "'", "“": "", "”": "", "…": "...", "—": "-", "–": "-"}
)
_PROSE_CHAR = re.compile(r"[A-Za-z ,.;:'()\-]")
# Sphinx's plain-text rendering: *emphasis*, "literal", footnote references [1].
_EMPHASIS = re.compile(r"(?<![\w*])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![\w*])")
_FOOTNOTE_REFERENCE = re.compile(r"\[\d+\]")
_SPACES = re.compile(r"[^\S\n]+")
# Control characters (Unicode category Cc) other than tab, line feed and carriage return, and the
# replacement character U+FFFD that a decoder leaves for bytes it cannot read.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffd]")


def clean_corpus(text: str) -> str:
    """Check pasted text and normalise its whitespace, ready for :func:`~explorer.ngram.fit_ngram`.

    Line breaks are kept (they are part of a poem or a list); runs of spaces and tabs become one
    space, lines lose their trailing spaces, ``\\r\\n`` and ``\\r`` become ``\\n``, and more than
    one blank line becomes one.

    Parameters
    ----------
    text : str
        The text as pasted.

    Returns
    -------
    str
        The cleaned text, :data:`MIN_CORPUS_CHARS` to :data:`MAX_CORPUS_CHARS` characters long.

    Raises
    ------
    TypeError
        ``text`` is not a string.
    ValueError
        ``text`` is empty or too short after cleaning; longer than :data:`MAX_CORPUS_CHARS`;
        contains NUL characters; or more than :data:`MAX_CONTROL_SHARE` of it is control or
        replacement characters (a binary file decoded as text).

    Examples
    --------
    >>> clean_corpus("The  cat\\tsat.\\r\\n\\r\\n\\r\\nThe mat.   ")
    'The cat sat.\\n\\nThe mat.'
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a string, got {type(text).__name__}")
    if len(text) > MAX_CORPUS_CHARS:
        raise ValueError(
            f"text is {len(text):,} characters long; the limit is {MAX_CORPUS_CHARS:,}: "
            "paste a shorter extract"
        )
    if "\x00" in text:
        raise ValueError("text contains NUL characters: it looks like a binary file, not text")
    controls = len(_CONTROL.findall(text))
    if text and controls / len(text) > MAX_CONTROL_SHARE:
        raise ValueError(
            f"{controls / len(text):.0%} of the text is control or replacement characters: "
            "it looks like a binary file, not text"
        )
    text = _CONTROL.sub(" ", text)
    lines = _SPACES.sub(" ", text.replace("\r\n", "\n").replace("\r", "\n")).split("\n")
    cleaned = re.sub(r"\n{3,}", "\n\n", "\n".join(line.strip() for line in lines)).strip()
    if len(cleaned) < MIN_CORPUS_CHARS:
        what = f"only {len(cleaned)} characters long" if cleaned else "empty"
        raise ValueError(
            f"text is {what}: paste at least {MIN_CORPUS_CHARS} characters "
            "(a few paragraphs make a better model)"
        )
    return cleaned


def _prose(block: str) -> str | None:
    """A block of the reference as one line of plain prose, or None if it is not prose."""
    flat = " ".join(textwrap.dedent(block).removeprefix("* ").split())
    flat = _FOOTNOTE_REFERENCE.sub("", _EMPHASIS.sub(r"\1", flat))
    flat = " ".join(flat.translate(_ASCII_PUNCTUATION).replace('"', "").split())
    if len(flat) < 40 or not flat.endswith((".", ":")) or _CODE_MARKS.intersection(flat):
        return None
    if "-[" in flat or ">>>" in flat or "::" in flat:
        return None
    prose_share = sum(1 for char in flat if _PROSE_CHAR.match(char)) / len(flat)
    return flat if prose_share >= 0.93 else None


def default_corpus(max_chars: int = DEFAULT_CORPUS_CHARS) -> str:
    """Prose from the Python language reference that ships with Python, for an offline model.

    The source is ``pydoc_data.topics`` in Python's standard library (the help text of
    ``help("if")``, ``help("types")`` …: the language reference rendered as plain text). Every
    topic is read in alphabetical order of its key and split into paragraphs; a paragraph is kept
    only if it reads as prose: 40+ characters, ending with ``.`` or ``:``, at least 93 % letters,
    spaces and ordinary punctuation, and none of ``* = < > { } | \\ # ~ ^ @ ` $``. So headings and
    their underlines, code examples (``>>>``), grammar rules (``::=``), tables and footnote marks
    are gone. ``*emphasis*`` and ``"literal"`` quotes lose their marks, typographic quotes and
    dashes become ASCII, each paragraph becomes one line and a repeated paragraph is kept once.

    Parameters
    ----------
    max_chars : int, default :data:`DEFAULT_CORPUS_CHARS`
        Upper bound on the length, 1,000 to :data:`MAX_CORPUS_CHARS`; the text ends at the last
        whole paragraph that fits.

    Returns
    -------
    str
        Paragraphs separated by ``"\\n"``; the same text on every call with the same Python
        (about 200,000 characters are available on Python 3.11; other versions of Python ship a
        slightly different reference, hence a slightly different text).

    Examples
    --------
    >>> default_corpus(1_000).splitlines()[0]
    'Assert statements are a convenient way to insert debugging assertions into a program:'
    """
    if isinstance(max_chars, bool) or not isinstance(max_chars, int):
        raise TypeError(f"max_chars must be an integer, got {max_chars!r}")
    if not 1_000 <= max_chars <= MAX_CORPUS_CHARS:
        raise ValueError(f"max_chars must be 1,000 to {MAX_CORPUS_CHARS:,}, got {max_chars:,}")
    return _default_corpus(max_chars)


# The cache sits behind the checks, so that an unhashable max_chars is refused by name, not by
# the cache; its handles stay on default_corpus (cache_clear, and __wrapped__ for the uncached).
@functools.lru_cache(maxsize=4)
def _default_corpus(max_chars: int) -> str:
    from pydoc_data.topics import topics  # the standard library; imported only when needed

    kept: dict[str, None] = {}  # an ordered set: the first copy of each paragraph
    size = -1
    for key in sorted(topics):
        for block in re.split(r"\n[ \t]*\n", topics[key]):
            paragraph = _prose(block)
            if paragraph is None or paragraph in kept:
                continue
            if size + 1 + len(paragraph) > max_chars:
                return "\n".join(kept)
            kept[paragraph] = None
            size += 1 + len(paragraph)
    return "\n".join(kept)


default_corpus.cache_clear = _default_corpus.cache_clear  # type: ignore[attr-defined]
default_corpus.__wrapped__ = _default_corpus.__wrapped__  # type: ignore[attr-defined]
