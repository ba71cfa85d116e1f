r"""A real language model for the Explorer: an n-gram model fitted at run time, sampled at T.

An n-gram model of order ``n`` predicts the next token from the ``n − 1`` tokens before it,

.. math:: p(w \mid c) = \frac{\operatorname{count}(c\,w)}{\sum_{w'} \operatorname{count}(c\,w')},

counted in a training text; tokens are characters (``level="char"``, orders 1 to 8) or words and
punctuation marks (``level="word"``, orders 1 to 4). A context never seen in training backs off to
its longest suffix that was seen, down to the empty context (the unigram frequencies), so every
prompt gets a prediction. Its logits ``log p`` are what the Explorer shows as bars, and generating
text samples each next token from ``softmax(logits / T)`` with :func:`explorer.core.softmax`.

Diversity measures make the classic claim visible: low T repeats itself (low distinct-n, many
repeated n-grams, low surprisal), high T turns to noise (high surprisal).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

import numpy as np

from explorer.checks import check_real, check_rng
from explorer.core import softmax
from explorer.corpus import MAX_CORPUS_CHARS

__all__ = [
    "DEFAULT_ORDER",
    "MAX_CANDIDATES",
    "MAX_GENERATE",
    "MAX_ORDER",
    "Generation",
    "NGramModel",
    "detokenize",
    "display_token",
    "distinct_n",
    "fit_ngram",
    "generate",
    "mean_surprisal",
    "repeated_ngram_rate",
    "tokenize",
]

Level = Literal["char", "word"]

#: Highest order per level: 8 characters, or 4 words (longer contexts are almost never seen twice).
MAX_ORDER: Mapping[str, int] = {"char": 8, "word": 4}

#: Order used when none is given.
DEFAULT_ORDER: Mapping[str, int] = {"char": 5, "word": 2}

#: Candidates kept per context: the most frequent next tokens, renormalised (top-k with k = 50).
MAX_CANDIDATES = 50

#: Most tokens :func:`generate` produces in one call.
MAX_GENERATE = 2_000

# A word (letters, digits, underscores, inner apostrophes: don't, object's) or one other mark.
_WORD = re.compile(r"\w+(?:['’]\w+)*|[^\w\s]")
# Marks written without a space before them, and marks written without a space after them.
_NO_SPACE_BEFORE = frozenset(".,;:!?)]}%")
_NO_SPACE_AFTER = frozenset("([{")


def _check_level(level: str) -> str:
    if not isinstance(level, str) or level not in MAX_ORDER:
        raise ValueError(f"level must be 'char' or 'word', got {level!r:.60}")
    return level


def _check_text(text: str, name: str) -> str:
    if not isinstance(text, str):
        raise TypeError(f"{name} must be a string, got {type(text).__name__}")
    return text


def _check_tokens(tokens: Sequence[str], name: str = "tokens") -> Sequence[str]:
    """A sequence of strings (a string is one of characters), or raise naming ``name``."""
    if not isinstance(tokens, Sequence) or not all(isinstance(token, str) for token in tokens):
        raise TypeError(f"{name} must be a list of strings (tokens), got {tokens!r:.60}")
    return tokens


def _check_model(model: NGramModel) -> NGramModel:
    if not isinstance(model, NGramModel):
        raise TypeError(f"model must be an NGramModel (from fit_ngram), got {model!r:.60}")
    return model


def tokenize(text: str, level: Level = "char") -> list[str]:
    """Split text into the model's tokens: characters, or words and punctuation marks.

    Examples
    --------
    >>> tokenize("The cat's mat.", "word")
    ['The', "cat's", 'mat', '.']
    >>> tokenize("ab c")
    ['a', 'b', ' ', 'c']
    """
    _check_text(text, "text")
    return list(text) if _check_level(level) == "char" else _WORD.findall(text)


def detokenize(tokens: Sequence[str], level: Level = "char", after: str = "") -> str:
    """Text of ``tokens``, as it reads when written after the text ``after``.

    Characters are concatenated. Words are joined by spaces, except before closing marks
    (``. , ; : ! ? ) ] } %``) and after opening ones (``( [ {``); a leading space separates the
    first word from a non-empty ``after`` that does not end in a space. Quote marks, whose side
    is unknown, get a space on both sides.

    Examples
    --------
    >>> detokenize(["the", "mat", ".", "It"], "word", after="on")
    ' the mat. It'
    """
    tokens = _check_tokens(tokens)
    _check_text(after, "after")
    if _check_level(level) == "char":
        return "".join(tokens)
    pieces = []
    previous = after[-1:] if after else ""
    for token in tokens:
        if not token:  # an empty token adds nothing, not even a space
            continue
        glued = not previous or previous.isspace() or previous in _NO_SPACE_AFTER
        pieces.append(token if glued or token in _NO_SPACE_BEFORE else " " + token)
        previous = token[-1]
    return "".join(pieces)


def display_token(token: str) -> str:
    """A visible label for a token on a bar chart: a space is ``␣``, a line break ``↵``.

    Examples
    --------
    >>> [display_token(t) for t in [" ", "\\n", "a"]]
    ['␣', '↵', 'a']
    """
    return _check_text(token, "token").replace(" ", "␣").replace("\n", "↵").replace("\t", "⇥")


@dataclass(frozen=True, eq=False)
class NGramModel:
    """Next-token counts of a text, with backoff; build one with :func:`fit_ngram`.

    Attributes
    ----------
    order : int
        ``n``: the prediction uses the last ``n − 1`` tokens of the context.
    level : {"char", "word"}
    vocabulary : tuple of str
        Every token of the training text, in order of first appearance (a token's id is its
        index here).
    token_count : int
        Length of the training text in tokens.
    max_candidates : int
        Most candidates per context (see :meth:`next_token_logits`).
    rows : Mapping
        Each context seen in training (a tuple of 0 to ``n − 1`` token ids) → ``(start, stop,
        total)``: its candidates are ``candidate_ids[start:stop]``, and ``total`` counts every
        next token seen after it, kept or not.
    candidate_ids, candidate_counts, candidate_logits : numpy.ndarray
        The candidates of all contexts, each context's run sorted by count (most frequent first;
        ties in order of first appearance), with their counts and log-probabilities.
    """

    order: int
    level: Level
    vocabulary: tuple[str, ...] = field(repr=False)
    token_count: int
    max_candidates: int
    rows: Mapping[tuple[int, ...], tuple[int, int, int]] = field(repr=False)
    candidate_ids: np.ndarray = field(repr=False)
    candidate_counts: np.ndarray = field(repr=False)
    candidate_logits: np.ndarray = field(repr=False)
    _index: Mapping[str, int] = field(repr=False)

    def encode(self, context: str | Sequence[str]) -> list[int]:
        """Token ids of the last ``order − 1`` tokens of ``context``; an unseen token is -1.

        ``context`` is text (split with :func:`tokenize`) or a sequence of tokens.
        """
        if isinstance(context, str):
            tokens = tokenize(context, self.level)
        else:
            tokens = _check_tokens(context, "context")
        return [self._index.get(token, -1) for token in self._tail(tokens)]

    def _tail(self, sequence: Sequence) -> Sequence:
        """The last ``order − 1`` items of ``sequence``: what the prediction depends on."""
        return sequence[max(0, len(sequence) - self.order + 1) :]

    def _row(self, ids: Sequence[int]) -> tuple[tuple[int, ...], tuple[int, int, int]]:
        """The longest suffix of ``ids`` seen in training, with its row (backoff)."""
        ids = list(self._tail(ids))
        if -1 in ids:  # nothing seen contains an unseen token: keep what follows the last one
            ids = ids[len(ids) - ids[::-1].index(-1) :]
        for skip in range(len(ids) + 1):
            key = tuple(ids[skip:])
            row = self.rows.get(key)
            if row is not None:
                return key, row
        raise AssertionError("the empty context is always seen")  # pragma: no cover

    def context_used(self, context: str | Sequence[str]) -> tuple[str, ...]:
        """The tokens the prediction after ``context`` is conditioned on, after backoff.

        Its length is ``order − 1`` when that context was seen in training, less when the model
        backed off; ``()`` means the unigram frequencies (for instance right after a token never
        seen in training).
        """
        key, _ = self._row(self.encode(context))
        return tuple(self.vocabulary[i] for i in key)

    def next_token_logits(self, context: str | Sequence[str]) -> tuple[tuple[str, ...], np.ndarray]:
        r"""Candidate next tokens after ``context`` and their logits (log-probabilities).

        .. math:: z_w = \log \frac{N(c\,w)}{\sum_{w' \in K} N(c\,w')}

        where ``N`` counts in the training text, ``c`` is :meth:`context_used` (the longest suffix
        of the context seen in training) and ``K`` the candidates: the :attr:`max_candidates` most
        frequent next tokens after ``c`` (all of them when there are fewer). So ``softmax(z)`` at
        T = 1 is the conditional frequency of each candidate among the candidates, every logit is
        finite, and tokens outside ``K`` cannot be generated.

        Parameters
        ----------
        context : str or sequence of str
            Text (split with :func:`tokenize`) or tokens; only the last ``order − 1`` tokens
            matter. A token never seen in training is allowed: the context backs off to what
            follows it, down to the unigram distribution if it is the last token.

        Returns
        -------
        tokens : tuple of str
            Candidates, most frequent first (ties in order of first appearance in training).
        logits : numpy.ndarray
            Their log-probabilities in nats, a read-only float64 array; ``exp`` sums to 1.

        Examples
        --------
        >>> model = fit_ngram("abababac", order=2)
        >>> tokens, logits = model.next_token_logits("xa")
        >>> tokens, np.exp(logits).round(2)
        (('b', 'c'), array([0.75, 0.25]))
        """
        _, (start, stop, _total) = self._row(self.encode(context))
        ids = self.candidate_ids[start:stop]
        return tuple(self.vocabulary[i] for i in ids), self.candidate_logits[start:stop]


def _first_appearance_ids(tokens: Sequence[str]) -> tuple[tuple[str, ...], np.ndarray]:
    """The vocabulary in order of first appearance, and the token ids of the text."""
    index: dict[str, int] = {}
    ids = np.fromiter((index.setdefault(t, len(index)) for t in tokens), np.int64, len(tokens))
    return tuple(index), ids


@dataclass(frozen=True)
class _Part:
    """The rows of every context of one length k, and their candidates."""

    rows: dict[tuple[int, ...], tuple[int, int, int]]
    ids: np.ndarray
    counts: np.ndarray
    logits: np.ndarray


def _count_contexts(
    ids: np.ndarray, ranks: np.ndarray, k: int, max_candidates: int, offset: int
) -> tuple[np.ndarray, _Part]:
    """Count every (context of k tokens, next token) pair of the text ``ids``.

    ``ranks[i]`` numbers the distinct k-token windows (equal iff the windows at i and j are
    equal), so ``ranks[i] * size + ids[i + k]`` numbers the (k + 1)-token windows with no
    overflow; their ranks are returned for the next k. Rows' spans start at ``offset``.
    """
    size = int(ids.max()) + 1
    unique, first, ranks, counts = np.unique(
        ranks[: len(ids) - k] * size + ids[k:],
        return_index=True,
        return_inverse=True,
        return_counts=True,
    )
    group = unique // size  # the context's rank: a context's pairs are adjacent in ``unique``
    order = np.lexsort((first, -counts, group))  # by context, then count ↓, then first seen
    group, first, counts = group[order], first[order], counts[order]
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
    sizes = np.diff(np.r_[starts, len(group)])
    totals = np.add.reduceat(counts, starts)
    kept = np.arange(len(group)) - np.repeat(starts, sizes) < max_candidates
    kept_sizes = np.minimum(sizes, max_candidates)
    kept_starts = np.cumsum(kept_sizes) - kept_sizes
    counts = counts[kept]
    logits = np.log(counts) - np.log(np.repeat(np.add.reduceat(counts, kept_starts), kept_sizes))
    windows = (
        np.lib.stride_tricks.sliding_window_view(ids, k)[first[starts]].tolist() if k else [()]
    )
    spans = zip(
        (offset + kept_starts).tolist(),
        (offset + kept_starts + kept_sizes).tolist(),
        totals.tolist(),
        strict=True,
    )
    rows = dict(zip(map(tuple, windows), spans, strict=True))
    return ranks.ravel(), _Part(rows, ids[first[kept] + k], counts, logits)


def fit_ngram(
    text: str,
    order: int | None = None,
    level: Level = "char",
    max_candidates: int = MAX_CANDIDATES,
) -> NGramModel:
    """Count the next token after every context of 0 to ``order − 1`` tokens in ``text``.

    Parameters
    ----------
    text : str
        Training text, at most :data:`~explorer.corpus.MAX_CORPUS_CHARS` characters, with at
        least one token. Used as given: check pasted text with :func:`explorer.corpus.clean_corpus`.
    order : int, optional
        ``n``: 1 (unigram: no context) to :data:`MAX_ORDER` (8 for characters, 4 for words);
        :data:`DEFAULT_ORDER` if omitted (5 for characters, 2 for words).
    level : {"char", "word"}, default "char"
    max_candidates : int, default :data:`MAX_CANDIDATES`
        Candidates kept per context, the most frequent ones (≥ 1).

    Returns
    -------
    NGramModel

    Raises
    ------
    ValueError
        Bad ``level``, ``order`` or ``max_candidates``; ``text`` too long or without tokens.

    Notes
    -----
    All the counting is vectorised (one ``numpy.unique`` per context length): the default corpus
    at order 5 fits in a few hundred milliseconds.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a string, got {type(text).__name__}")
    _check_level(level)
    order = DEFAULT_ORDER[level] if order is None else order
    top = MAX_ORDER[level]
    if isinstance(order, bool) or not isinstance(order, int) or not 1 <= order <= top:
        raise ValueError(f"order must be an integer from 1 to {top} for level {level!r}: {order!r}")
    if (
        isinstance(max_candidates, bool)
        or not isinstance(max_candidates, int)
        or max_candidates < 1
    ):
        raise ValueError(f"max_candidates must be an integer ≥ 1, got {max_candidates!r}")
    if len(text) > MAX_CORPUS_CHARS:
        raise ValueError(f"text is {len(text):,} characters; the limit is {MAX_CORPUS_CHARS:,}")
    tokens = tokenize(text, level)
    if not tokens:
        what = "characters" if level == "char" else "words"
        raise ValueError(f"text has no {what} to count: give a non-empty training text")
    vocabulary, ids = _first_appearance_ids(tokens)
    kept = min(max_candidates, len(ids))  # no context has more candidates than the text tokens
    ranks, parts, rows = np.zeros(len(ids), np.int64), [], {}
    for k in range(min(order, len(ids))):
        ranks, part = _count_contexts(ids, ranks, k, kept, sum(len(p.ids) for p in parts))
        parts.append(part)
        rows.update(part.rows)
    arrays = [
        np.concatenate([getattr(p, name) for p in parts]) for name in ("ids", "counts", "logits")
    ]
    for array in arrays:
        array.setflags(write=False)
    return NGramModel(
        order=order,
        level=level,
        vocabulary=vocabulary,
        token_count=len(ids),
        max_candidates=max_candidates,
        rows=MappingProxyType(rows),
        candidate_ids=arrays[0],
        candidate_counts=arrays[1],
        candidate_logits=arrays[2],
        _index={token: i for i, token in enumerate(vocabulary)},
    )


@dataclass(frozen=True)
class Generation:
    """Text generated by :func:`generate`.

    Attributes
    ----------
    tokens : tuple of str
        The generated tokens, without the prompt.
    text : str
        The generated text as it reads written right after the prompt (for words, with the space
        that separates it from the prompt): ``prompt + text`` is the whole passage.
    temperature : float
    """

    tokens: tuple[str, ...]
    text: str
    temperature: float


def _check_length(length: int) -> int:
    if isinstance(length, bool) or not isinstance(length, int):
        raise TypeError(f"length must be an integer, got {length!r}")
    if not 1 <= length <= MAX_GENERATE:
        raise ValueError(f"length must be 1 to {MAX_GENERATE:,} tokens, got {length:,}")
    return length


def generate(
    model: NGramModel,
    prompt: str,
    length: int,
    temperature: float,
    rng: np.random.Generator | int | None = None,
) -> Generation:
    r"""Continue ``prompt`` by ``length`` tokens, each drawn from the model at temperature T.

    .. math:: P(w \mid \text{context}) = \operatorname{softmax}(z / T)_w

    with ``z`` from :meth:`NGramModel.next_token_logits` and the softmax of
    :func:`explorer.core.softmax`: ``T = 1`` samples the model's own frequencies, ``T = 0`` is
    greedy (the most frequent next token; tied ones equally likely, as in the core), ``T = inf``
    is uniform over the candidates.

    Parameters
    ----------
    model : NGramModel
    prompt : str
        Text to continue, possibly empty or with tokens never seen in training (the context then
        backs off; see :meth:`NGramModel.next_token_logits`).
    length : int
        Number of tokens to generate, 1 to :data:`MAX_GENERATE`.
    temperature : float
        ``T ≥ 0``; ``inf`` allowed.
    rng : numpy.random.Generator or int, optional
        The random source, or a seed for one. Each token uses exactly one uniform draw ``u``
        (the token whose cumulative-probability interval holds ``u``), so one seed gives the same
        text every time, and the same draws at every temperature: side by side, texts at nearby
        temperatures differ only where the temperature changes the choice.

    Returns
    -------
    Generation

    Examples
    --------
    >>> model = fit_ngram("the cat sat on the mat. ", order=3)
    >>> generate(model, "the c", 6, temperature=0, rng=0).text
    'at sat'
    """
    _check_model(model)
    _check_length(length)
    _check_text(prompt, "prompt")
    rng = check_rng(rng)
    context = model.encode(prompt)
    draws = rng.random(length)
    chosen: list[int] = []
    cumulative: dict[int, np.ndarray] = {}  # per row: the cumulative probabilities at T
    for u in draws:
        _, (start, stop, _total) = model._row(context)
        cdf = cumulative.get(start)
        if cdf is None:
            cdf = cumulative[start] = np.cumsum(
                softmax(model.candidate_logits[start:stop], temperature)
            )
        pick = min(int(np.searchsorted(cdf, u * cdf[-1], side="right")), stop - start - 1)
        token_id = int(model.candidate_ids[start + pick])
        chosen.append(token_id)
        context.append(token_id)
    tokens = tuple(model.vocabulary[i] for i in chosen)
    text = detokenize(tokens, model.level, after=prompt)
    return Generation(tokens=tokens, text=text, temperature=float(temperature))


def _ngrams(tokens: Sequence[str], n: int) -> list[tuple[str, ...]]:
    _check_tokens(tokens)
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"n must be an integer ≥ 1, got {n!r:.60}")
    return [tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)]


def distinct_n(tokens: Sequence[str], n: int) -> float:
    r"""Share of the n-grams of ``tokens`` that are distinct (Li et al., 2016).

    .. math:: \text{distinct-}n = \frac{\#\,\text{distinct n-grams}}{\#\,\text{n-grams}}

    1 when no n-gram repeats, near 0 for a text that loops. 0.0 when ``tokens`` has fewer than
    ``n`` tokens (no n-gram at all).

    Examples
    --------
    >>> distinct_n(list("abab"), 2)  # ab, ba, ab: 2 distinct of 3
    0.6666666666666666
    """
    grams = _ngrams(tokens, n)
    return len(set(grams)) / len(grams) if grams else 0.0


def repeated_ngram_rate(tokens: Sequence[str], n: int) -> float:
    """Share of the n-grams of ``tokens`` that already occurred earlier in ``tokens``.

    Each repeat counts once per extra occurrence, so for the same ``n`` this is exactly
    ``1 − distinct_n(tokens, n)``: the two read the same number from opposite ends. 0.0 when
    ``tokens`` has fewer than ``n`` tokens.

    Examples
    --------
    >>> repeated_ngram_rate(list("abcabc"), 3)  # abc, bca, cab, abc: the last one is a repeat
    0.25
    """
    grams = _ngrams(tokens, n)
    seen: set[tuple[str, ...]] = set()
    repeats = 0
    for gram in grams:
        repeats += gram in seen
        seen.add(gram)
    return repeats / len(grams) if grams else 0.0


def mean_surprisal(
    model: NGramModel, tokens: Sequence[str], prompt: str = "", base: float | None = None
) -> float:
    r"""Mean surprisal of ``tokens`` under the model at T = 1, each given what precedes it.

    .. math:: \bar s = -\frac{1}{m} \sum_{i=1}^{m} \log p(w_i \mid \text{prompt}, w_1 \dots w_{i-1})

    with ``p = exp(logits)`` from :meth:`NGramModel.next_token_logits`. Low for predictable text
    (what low T generates), high for noise (high T); ``exp`` of it is the perplexity.

    Parameters
    ----------
    model : NGramModel
    tokens : sequence of str
        At least one token, e.g. ``generate(...).tokens``.
    prompt : str, default ""
        The text before the first token (its context).
    base : float, optional
        ``None`` for nats, ``2`` for bits.

    Returns
    -------
    float
        ≥ 0; ``inf`` if a token is not among the candidates after its context (probability 0),
        which cannot happen for tokens :func:`generate` made with this model.
    """
    _check_model(model)
    if len(_check_tokens(tokens)) == 0:
        raise ValueError("tokens is empty: give at least one token to score")
    _check_text(prompt, "prompt")
    number = None if base is None else check_real(base, "base")
    if number is not None and not (number > 0 and number != 1 and math.isfinite(number)):
        raise ValueError(f"base must be a finite number > 0 and ≠ 1, got {base!r:.60}")
    context = model.encode(prompt)
    total = 0.0
    for token in tokens:
        token_id = model._index.get(token, -1)
        _, (start, stop, _total) = model._row(context)
        where = np.flatnonzero(model.candidate_ids[start:stop] == token_id)
        if where.size == 0:
            return math.inf
        total -= float(model.candidate_logits[start + where[0]])
        context.append(token_id)
    mean = total / len(tokens)
    return mean / math.log(base) if base is not None else mean
