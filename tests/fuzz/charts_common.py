"""What the chart fuzz tests share: labels as users type them, and hostile values that a chart
refuses at once (valid values are drawn, fewer, on purpose: a figure takes 10–40 ms)."""

from __future__ import annotations

import math
from numbers import Integral, Real

import numpy as np
from hypothesis import strategies as st

from tests.fuzz.hostile import hostile_ints, hostile_scalars, invalid, junk, wrong_kinds

#: Share of a chart's cases that are all valid, in percent: the rest are hostile, one argument
#: each, and almost all of those are refused before a figure is built.
VALID_PERCENT = 8
LABELS = ("cat", "<b>dog</b>", "0", "=1+2", "\udcff", "", " ", "x" * 40, "猫", "a\nb")


def labels_for(n: int) -> st.SearchStrategy[list[str]]:
    """``n`` labels as users type them: markup, digits, formulas, surrogates, empty, long."""
    return st.lists(st.sampled_from(LABELS), min_size=n, max_size=n)


HOSTILE_LABELS = st.one_of(junk, st.lists(junk, min_size=1, max_size=3))


def _real(value) -> bool:
    return isinstance(value, Real) and not isinstance(value, (bool, np.bool_))


def bad_numbers(low: float = -math.inf, high: float = math.inf) -> st.SearchStrategy:
    """Hostile scalars outside [low, high] (NaN and non-numbers included)."""
    return invalid(hostile_scalars(), lambda v: _real(v) and low <= float(v) <= high)


def bad_indices(count: int) -> st.SearchStrategy:
    """Hostile integers and non-integers that are not an index into ``count`` items."""
    return st.one_of(
        invalid(hostile_ints(), lambda v: isinstance(v, Integral) and 0 <= v < count),
        invalid(wrong_kinds(), lambda v: False),
    )
