"""Argument checks the domain modules share: each raises ValueError with one plain sentence that
names the argument, since the page shows the message to the user as it is.

>>> check_count(3, "runs", 10)
3
>>> check_count(0, "draws", 10, low=0)
0
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from numbers import Integral, Real
from typing import Any

import numpy as np


def _shown(value: object) -> str:
    """A short repr for a message (an int too long for str() included)."""
    try:
        text = repr(value)
    except ValueError:  # an int beyond Python's 4,300-digit str() limit
        return "a number too long to show"
    return text if len(text) <= 60 else text[:59] + "…"


def _whole(value: object) -> bool:
    return isinstance(value, Integral) and not isinstance(value, (bool, np.bool_))


def check_count(value: int, name: str, cap: int, low: int = 1) -> int:
    """``value`` as an int in ``[low, cap]`` (True/False and floats refused), or ValueError."""
    if not _whole(value):
        raise ValueError(
            f"{name} must be a whole number from {low} to {cap:,}, got {_shown(value)}"
        )
    if not low <= value <= cap:
        number = int(value)
        shown = f"{number:,}" if abs(number) < 10**30 else _shown(number)
        raise ValueError(f"{name} must be from {low} to {cap:,}, got {shown}")
    return int(value)


def check_seed(seed: int, name: str = "seed") -> int:
    """A seed: a whole number ≥ 0."""
    if not _whole(seed) or seed < 0:
        raise ValueError(f"{name} must be a whole number ≥ 0, got {_shown(seed)}")
    return int(seed)


#: numpy dtype kinds that are not real numbers, and what to call them in a message.
_NOT_REAL_KINDS = {
    "c": "complex numbers",
    "U": "text",
    "S": "bytes",
    "M": "dates",
    "m": "time spans",
    "V": "records",
}


def real_array(values: object, name: str, what: str = "an array of real numbers") -> np.ndarray:
    """``values`` as a float64 array (any shape), or an error naming ``name`` (and ``what`` it
    must be).

    Refuses what numpy would convert wrongly or not at all, with TypeError: text (even ``"1.5"``),
    bytes, complex numbers (float64 would drop the imaginary part), dates, records, ragged nested
    lists, and objects that are not real numbers (``None`` included). A number beyond the float
    range (an int of 400 digits, a long double of 1e4000) raises ValueError. True and False count
    as 1 and 0, as in numpy; NaN and ±inf pass (the caller decides).

    >>> real_array([1, 2.5], "logits")
    array([1. , 2.5])
    >>> real_array(["1", "2"], "logits")
    Traceback (most recent call last):
    ...
    TypeError: logits must be an array of real numbers, got text
    """
    if type(values) is np.ndarray and values.dtype == np.float64:  # the common case, fast
        return values
    try:
        array = np.asarray(values)
    except (TypeError, ValueError) as error:  # ragged nested lists, mostly
        raise TypeError(f"{name} must be {what} ({error})") from None
    if array.dtype.kind in _NOT_REAL_KINDS:
        raise TypeError(f"{name} must be {what}, got {_NOT_REAL_KINDS[array.dtype.kind]}")
    try:
        with np.errstate(over="raise"):
            return array.astype(np.float64, copy=False)
    except (OverflowError, FloatingPointError):
        raise ValueError(f"{name} holds a number beyond the float range (about 1.8e308)") from None
    except (TypeError, ValueError) as error:
        raise TypeError(f"{name} must be {what} ({error})") from None


def check_real(value: object, name: str) -> float:
    """``value`` as a float, NaN and ±inf included (the caller decides), or an error naming it.

    TypeError for anything not a real number (True/False, text, complex, None); ValueError for
    an integer beyond the float range.

    >>> check_real(3, "gap")
    3.0
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, Real):
        raise TypeError(f"{name} must be a real number, got {_shown(value)}")
    try:
        return float(value)
    except OverflowError:
        raise ValueError(f"{name} is beyond the float range (about 1.8e308)") from None


def check_axis(axis: object, ndim: int, name: str = "axis") -> int:
    """``axis`` as an int that indexes an array of ``ndim`` dimensions (negative counts from the
    end), or TypeError (not a whole number) / ValueError (out of range) naming it.

    >>> check_axis(-1, 2)
    -1
    """
    if type(axis) is int and -ndim <= axis < ndim:  # the common case, fast
        return axis
    if not _whole(axis):
        raise TypeError(f"{name} must be a whole number, got {_shown(axis)}")
    if not -ndim <= axis < ndim:
        raise ValueError(
            f"{name} must be from {-ndim} to {ndim - 1} for an array of {ndim} dimension(s), "
            f"got {_shown(axis)}"
        )
    return int(axis)


def check_whole(value: int, name: str) -> int:
    """``value`` as an int, any whole number (True/False and floats refused), or TypeError."""
    if not _whole(value):
        raise TypeError(f"{name} must be a whole number, got {_shown(value)}")
    return int(value)


def whole_array(values: object, name: str) -> np.ndarray:
    """``values`` as an integer array (any shape), or TypeError naming ``name``: text, floats
    (even 1.0), True/False and ragged nested lists are refused.

    >>> whole_array([0, 2], "labels")
    array([0, 2])
    """
    try:
        array = np.asarray(values)
    except (TypeError, ValueError) as error:  # ragged nested lists, mostly
        raise TypeError(f"{name} must be whole numbers ({error})") from None
    if not np.issubdtype(array.dtype, np.integer):
        raise TypeError(f"{name} must be whole numbers, got {array.dtype.name} values")
    return array


def check_rng(rng: object, name: str = "rng") -> np.random.Generator:
    """A numpy Generator from ``rng``: a Generator (returned as it is, to be advanced), a whole
    number ≥ 0 as a seed, or None for fresh entropy; TypeError / ValueError naming it otherwise.

    >>> check_rng(7).integers(10) == check_rng(7).integers(10)
    np.True_
    """
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None:
        return np.random.default_rng()
    if not _whole(rng):
        raise TypeError(
            f"{name} must be a numpy Generator, a whole-number seed or None, got {_shown(rng)}"
        )
    if rng < 0:
        raise ValueError(f"{name}, as a seed, must be a whole number ≥ 0, got {_shown(rng)}")
    return np.random.default_rng(int(rng))


# --- what the chart modules take: labels, vectors, numbers and the domain modules' results ------


def check_texts(values: object, name: str, length: int | None = None) -> list[str]:
    """``values`` as a list of texts (``length`` of them if given), or an error naming ``name``.

    >>> check_texts(("a", "b"), "labels")
    ['a', 'b']
    """
    if isinstance(values, (str, bytes)) or not isinstance(values, Sequence | np.ndarray):
        raise TypeError(f"{name} must be a list of texts, got {type(values).__name__}")
    texts = list(values)
    if not all(isinstance(text, str) for text in texts):
        raise TypeError(f"{name} must be a list of texts")
    if length is not None and len(texts) != length:
        raise ValueError(f"{name} must have {length} entries, got {len(texts)}")
    return texts


def check_vector(
    values: object,
    name: str,
    *,
    length: int | None = None,
    low: float = -math.inf,
    high: float = math.inf,
    nan: bool = False,
) -> np.ndarray:
    """``values`` as a 1-D float64 array in [``low``, ``high``] (``length`` entries if given; NaN
    only if ``nan``), or TypeError / ValueError naming ``name``.

    >>> check_vector([0.25, 0.75], "probs", low=0, high=1)
    array([0.25, 0.75])
    """
    array = real_array(values, name)
    if array.ndim != 1:
        raise ValueError(f"{name} must be a list of numbers, got shape {array.shape}")
    if length is not None and array.size != length:
        raise ValueError(f"{name} must have {length} entries, got {array.size}")
    if not nan and np.isnan(array).any():
        raise ValueError(f"{name} contains NaN; give numbers")
    if ((array < low) | (array > high)).any():
        raise ValueError(f"{name} must hold numbers {_range(low, high)}")
    return array


def check_number(value: object, name: str, low: float = -math.inf, high: float = math.inf) -> float:
    """``value`` as a float in [``low``, ``high``] (NaN refused), or an error naming ``name``.

    >>> check_number(2, "kelvin", low=0)
    2.0
    """
    number = check_real(value, name)
    if not low <= number <= high:  # NaN fails too
        raise ValueError(f"{name} must be {_range(low, high)}, got {_shown(value)}")
    return number


def _range(low: float, high: float) -> str:
    """ "from 0 to 1", "≥ 0", "≤ 1" or "a number" (NaN is in no range)."""
    if low == -math.inf and high == math.inf:
        return "a number"
    if high == math.inf:
        return f"≥ {low:g}"
    if low == -math.inf:
        return f"≤ {high:g}"
    return f"from {low:g} to {high:g}"


def check_fields(value: object, kind: type, name: str, nan: tuple[str, ...] = ()) -> Any:
    """``value``, an instance of the dataclass ``kind`` whose fields hold what their annotations
    say (arrays of numbers, numbers, texts, tuples of numbers), with no NaN outside the fields
    named in ``nan``; TypeError / ValueError naming ``name.field`` otherwise.

    For what a chart is given: a result of a domain module, or one built by hand.
    """
    if not isinstance(value, kind):
        raise TypeError(f"{name} must be a {kind.__name__}, got {type(value).__name__}")
    for field in dataclasses.fields(value):
        item, label, annotation = getattr(value, field.name), f"{name}.{field.name}", field.type
        annotation = _annotation_text(annotation)
        if item is None and "None" in annotation:
            continue
        if "ndarray" in annotation:
            if not isinstance(item, np.ndarray) or item.dtype.kind not in "fiub":
                raise TypeError(f"{label} must be a numpy array of numbers")
            numbers = item
        elif annotation.startswith(("float", "int")):
            numbers = np.array([check_real(item, label)])
        elif annotation.startswith("tuple[float") or annotation.startswith("tuple[int"):
            numbers = np.array([check_real(number, label) for number in _tuple_of(item, label)])
        elif annotation.startswith("str"):
            if not isinstance(item, str):
                raise TypeError(f"{label} must be a text, got {type(item).__name__}")
            continue
        else:
            continue
        if field.name not in nan and np.isnan(numbers.astype(float)).any():
            raise ValueError(f"{label} contains NaN")
    return value


def _annotation_text(annotation: object) -> str:
    """A field's annotation as source text: ``float``, ``np.ndarray | None``, ``tuple[float,
    float]``, whether the module has ``from __future__ import annotations`` (text already) or
    not (a class, whose str() would be ``<class 'float'>``; or a typing construct)."""
    if isinstance(annotation, str):
        return annotation
    if isinstance(annotation, type) and not hasattr(annotation, "__origin__"):
        return annotation.__name__
    return str(annotation)


def _tuple_of(value: object, name: str) -> tuple:
    if not isinstance(value, tuple | list):
        raise TypeError(f"{name} must be a tuple, got {type(value).__name__}")
    return tuple(value)
