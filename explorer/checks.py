"""Argument checks the domain modules share: each raises ValueError with one plain sentence that
names the argument, since the page shows the message to the user as it is.

>>> check_count(3, "runs", 10)
3
>>> check_count(0, "draws", 10, low=0)
0
"""

from __future__ import annotations

from numbers import Integral

import numpy as np


def _whole(value: object) -> bool:
    return isinstance(value, Integral) and not isinstance(value, (bool, np.bool_))


def check_count(value: int, name: str, cap: int, low: int = 1) -> int:
    """``value`` as an int in ``[low, cap]`` (True/False and floats refused), or ValueError."""
    if not _whole(value):
        raise ValueError(f"{name} must be a whole number from {low} to {cap:,}, got {value!r}")
    if not low <= value <= cap:
        raise ValueError(f"{name} must be from {low} to {cap:,}, got {value:,}")
    return int(value)


def check_seed(seed: int, name: str = "seed") -> int:
    """A seed: a whole number ≥ 0."""
    if not _whole(seed) or seed < 0:
        raise ValueError(f"{name} must be a whole number ≥ 0, got {seed!r}")
    return int(seed)
