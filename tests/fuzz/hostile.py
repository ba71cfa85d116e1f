"""Hostile inputs for property fuzzing, and the contract every public function of explorer/ keeps.

The contract (issue 8): a call either returns a correct result with no NaN in it (unless its
docstring says a value may be NaN), or raises ``ValueError`` / ``TypeError`` whose message names
the bad argument (or the label the user knows it by). Any other exception, a warning, or a silent
NaN fails the test, which then prints the input.

Shared by every ``tests/fuzz/test_fuzz_<module>.py``: extend it (add strategies at the end),
never rewrite what others use.

Budget: :data:`FUZZ_EXAMPLES` cases per function (env ``FUZZ_EXAMPLES``, default 1000), drawn
deterministically (``derandomize``) so that CI is reproducible.

How a test file uses it::

    @fuzzes(module.function)                     # fuzz settings, the fuzz mark, and the registry
    @given(cases({"x": valid_x}, {"x": hostile_arrays(), "n": hostile_ints()}))
    def test_function(case):
        result = call_contract(module.function, **case.kwargs, bad=case.bad)
        if case.bad is None:
            ...                                  # the invariants of a valid call

    def test_every_public_function_has_a_fuzzer():
        assert unfuzzed(module) == []

NOTE (worker 2, 20:25): two workers created this file within seconds of each other and the
first version (worker 1's, used by test_fuzz_core.py) was overwritten. Its API, as that test
file uses it, is rebuilt below (cases, fuzzes, unfuzzed, hostile_arrays, hostile_ints,
hostile_scalars, wrong_kinds, probability_vectors, call_contract returning the result);
please check it against what you meant and adjust here (extend, do not re-create the file).
(worker 1, 20:30: checked, thanks: it is what test_fuzz_core.py meant. Worker 1's additions are
at the end, after "--- more strategies (worker 1)".)
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
import math
import os
import warnings
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from fractions import Fraction
from types import ModuleType
from typing import Any, NamedTuple

import numpy as np
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from plotly.basedatatypes import BaseFigure, BasePlotlyType

FUZZ_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "1000"))

settings.register_profile(
    "fuzz",
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    derandomize=True,  # the same cases on every run: CI is reproducible
    database=None,
    print_blob=True,
)


def fuzz_settings(scale: float = 1.0, slow: bool = False) -> settings:
    """The "fuzz" profile for one test: ``scale`` × FUZZ_EXAMPLES cases (at least 1).

    ``slow`` suppresses the too_slow health check, for functions that build plotly figures or
    train a model (only where needed: a slow strategy elsewhere is a bug in the test).
    """
    profile = settings.get_profile("fuzz")
    suppressed = (HealthCheck.too_slow,) if slow else ()
    return settings(
        profile,
        max_examples=max(1, round(profile.max_examples * scale)),
        suppress_health_check=suppressed,
    )


# --- hostile scalars ------------------------------------------------------------------------------

NAN, INF = math.nan, math.inf
#: Floats at the edges of float64: NaN, ±inf, ±1e308 and the largest, the smallest subnormal,
#: the smallest normal, and -0.0.
SPECIAL_FLOATS = (
    NAN,
    INF,
    -INF,
    1e308,
    -1e308,
    1.7976931348623157e308,
    -1.7976931348623157e308,
    5e-324,
    -5e-324,
    2.2250738585072014e-308,
    -0.0,
    0.0,
    1.0,
    -1.0,
)

special_floats = st.sampled_from(SPECIAL_FLOATS)
#: Any float64, the edges often.
hostile_floats = st.one_of(special_floats, st.floats(allow_nan=True, allow_infinity=True))

#: Numbers of other types: bools, huge ints (float() of 10**400 overflows), numpy scalars,
#: Decimal NaN, fractions, complex.
odd_numbers = st.one_of(
    st.booleans(),
    st.sampled_from([np.True_, np.bool_(False)]),
    st.integers(),
    st.sampled_from([10**400, -(10**400), 2**63, 2**64, -(2**63) - 1, 2**32, 2**32 - 1]),
    st.sampled_from([np.float32("nan"), np.float16(65504), np.float32(1e-45), np.int64(-1)]),
    st.sampled_from([np.longdouble("1e4000"), np.uint64(2**64 - 1), np.int8(-128)]),
    st.sampled_from([Decimal("NaN"), Decimal("1e999"), Decimal("-Infinity"), Fraction(1, 3)]),
    st.complex_numbers(allow_nan=True, allow_infinity=True, max_magnitude=None),
)


def _surrogate_escaped(data: bytes) -> str:
    return data.decode("utf-8", errors="surrogateescape")


#: Text a user or a link might hold: any code point (lone surrogates included), bytes that are
#: not UTF-8 decoded with surrogateescape (lone \udcXX), control characters, markup.
hostile_text = st.one_of(
    st.text(st.characters(exclude_categories=()), max_size=40),
    st.binary(max_size=30).map(_surrogate_escaped),
    st.sampled_from(
        [
            "",
            " ",
            "\x00",
            "\ud800",
            "\udcff",
            "\u202e",
            "∞",
            "-∞",
            "−1",
            "<b>x</b>",
            "=1+2",
            "NaN",
            "nan",
            "inf",
            "-inf",
            "+inf",
            "1e999",
            "-1e999",
            "1e-400",
            "0x10",
            "1_000",
            "１２",  # fullwidth digits: int() and float() accept them
            "٣",  # Arabic-Indic three: so does this
            "1" * 400,  # a 400-digit integer: float() is inf, math.isnan overflows
            "9" * 5000,  # int() refuses more than 4300 digits
            ",,,",
            "[]",
            "()",
        ]
    ),
)

#: Anything at all, as a value for an argument of the wrong type.
junk = st.one_of(
    st.none(),
    hostile_text,
    odd_numbers,
    hostile_floats,
    st.just(object()),
    st.just({"a": 1}),
    st.just({1.0, 2.0}),
    st.just(b"\xff\xfe"),
    st.just(print),
)


# --- hostile arrays -------------------------------------------------------------------------------


def huge_vector(length: int, value: float = 0.0) -> np.ndarray:
    """A read-only float64 vector of ``length`` entries that takes 8 bytes of memory.

    For inputs just over a size cap: the cap check must come before any allocation the size
    asks for.
    """
    return np.broadcast_to(np.float64(value), (length,))


def float_arrays(
    min_dims: int = 1, max_dims: int = 2, max_side: int = 5, elements=hostile_floats
) -> st.SearchStrategy[np.ndarray]:
    """float64 arrays of 1 … ``max_dims`` dimensions, empty ones included, of hostile floats."""
    return hnp.arrays(
        np.float64,
        hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=0, max_side=max_side),
        elements=elements,
    )


#: Array-likes that are not arrays of real numbers, or are but empty, 0-d or of the wrong rank.
malformed_arrays = st.one_of(
    st.sampled_from(
        [
            [],
            [[]],
            np.empty(0),
            np.empty((2, 0)),
            np.empty((0, 3)),
            np.float64(1.0),
            3.0,
            [[1.0, 2.0], [3.0]],  # ragged
            [[1.0, [2.0]], 3.0],  # ragged, deeper
            [1.0, None, 2.0],  # None becomes NaN under np.asarray(dtype=float)
            np.array([1.0, None], dtype=object),
            np.array(["a", "b"]),
            np.array(["1", "2"]),  # numeric strings
            np.array([1 + 2j, 3j]),  # complex: float() would drop the imaginary part
            np.array([True, False]),
            np.array([1, 2], dtype=np.int8),
            np.array([1, 2], dtype=np.uint64),
            np.array([1.0, 2.0], dtype=np.float16),
            np.array(["2020-01-01"], dtype="datetime64[D]"),
            np.zeros((2, 2, 2)),
            np.ones((1, 1, 1, 1)),
            "1, 2, 3",
            b"12",
            {"a": 1.0},
            {1.0, 2.0},
            None,
        ]
    ),
    st.lists(st.one_of(hostile_floats, odd_numbers, st.none(), hostile_text), max_size=5),
    st.lists(st.lists(hostile_floats, max_size=4), max_size=4),  # ragged
)

#: Arrays of hostile floats, or malformed array-likes.
bad_arrays = st.one_of(float_arrays(), malformed_arrays)


def hostile_vectors(max_size: int = 6) -> st.SearchStrategy[np.ndarray]:
    """1-D float64 vectors of hostile floats (empty included)."""
    return hnp.arrays(np.float64, st.integers(0, max_size), elements=hostile_floats)


# --- hostile links ------------------------------------------------------------------------------


def hostile_query_values(valid: Iterable[str] = ()) -> st.SearchStrategy[str | list[str]]:
    """A query parameter's value as Streamlit gives it (text or a list of texts): hostile text,
    the ``valid`` values truncated, doubled or with a character swapped, oversized ones, and
    empty or repeated lists.
    """
    valid = list(valid)
    text = hostile_text
    if valid:
        base = st.sampled_from(valid)
        mangled = st.one_of(
            base,
            st.tuples(base, st.integers(0, 50)).map(lambda pair: pair[0][: pair[1]]),
            st.tuples(base, st.integers(0, 50)).map(lambda pair: pair[0][pair[1] :]),
            base.map(lambda value: value * 2),
            base.map(lambda value: value * 700),  # oversized
            st.tuples(base, st.integers(0, 50), hostile_text).map(
                lambda t: t[0][: t[1]] + t[2] + t[0][t[1] + 1 :]
            ),
            base.map(lambda value: value.upper()),
            base.map(lambda value: f" {value} "),
        )
        text = st.one_of(text, mangled, mangled)
    return st.one_of(
        text,
        st.lists(text, max_size=3),  # repeated ?a=1&a=2, and an empty list
    )


@functools.cache
def _query_values(valid: tuple[str, ...]) -> st.SearchStrategy[str | list[str]]:
    return hostile_query_values(valid)


def hostile_queries(
    valid: Mapping[str, Iterable[str]], extra_keys: Iterable[str] = ()
) -> st.SearchStrategy[dict[str, str | list[str]]]:
    """Query dicts over some of the parameters in ``valid`` ({name: valid values}) and of
    ``extra_keys``, now and then a random name, each value hostile (see
    :func:`hostile_query_values`)."""
    optional = {name: _query_values(tuple(values)) for name, values in valid.items()}
    optional |= {name: _query_values(()) for name in extra_keys if name not in optional}
    named = st.fixed_dictionaries({}, optional=optional)
    stranger = st.dictionaries(hostile_text, _query_values(()), max_size=1)
    return st.one_of(named, named, named, st.tuples(named, stranger).map(lambda p: p[1] | p[0]))


def parser_contract(fn: Callable, *args: Any, error: type[Exception], **kwargs) -> Outcome:
    """A parser of user text or links: it returns, or raises ``error`` (whose message the page
    shows); no other exception, no NaN in what it returns."""
    result = outcome(fn, *args, bad=("",), **kwargs)
    if result.error is not None and not isinstance(result.error, error):
        raise AssertionError(
            f"{fn.__qualname__}({_describe(args, kwargs)}) raised {type(result.error).__name__}"
            f"({result.error}) where only {error.__name__} is documented"
        )
    return result


# --- the contract ---------------------------------------------------------------------------------


class Outcome(NamedTuple):
    """What a call did: returned ``value``, or raised ``error`` (a ValueError or TypeError)."""

    value: Any
    error: Exception | None

    @property
    def returned(self) -> bool:
        return self.error is None


def find_nan(value: Any, path: str = "result", depth: int = 0) -> str | None:
    """Where a NaN sits in ``value`` (floats, numpy arrays, containers, dataclasses, plotly
    figures and traces), as a path such as ``result.probs[2]``; None if there is none.
    """
    if depth > 40:
        return None
    if isinstance(value, (str, bytes)) or value is None:
        return None
    if isinstance(value, (float, np.floating)):
        return path if math.isnan(value) else None
    if isinstance(value, (complex, np.complexfloating)):
        return path if (math.isnan(value.real) or math.isnan(value.imag)) else None
    if isinstance(value, Decimal):
        return path if value.is_nan() else None
    if isinstance(value, np.ndarray):
        if value.dtype.kind in "fc":
            bad = np.argwhere(np.isnan(value))
            return f"{path}[{', '.join(map(str, bad[0]))}]" if bad.size else None
        if value.dtype.kind == "O":
            for index, item in np.ndenumerate(value):
                found = find_nan(item, f"{path}[{', '.join(map(str, index))}]", depth + 1)
                if found:
                    return found
        return None
    if isinstance(value, BaseFigure):  # its data, layout and frames; not the theme's template
        layout = value.layout.to_plotly_json()
        layout.pop("template", None)
        parts = {
            "data": [trace.to_plotly_json() for trace in value.data],
            "layout": layout,
            "frames": [frame.to_plotly_json() for frame in value.frames],
        }
        return find_nan(parts, f"{path}<figure>", depth + 1)
    if isinstance(value, BasePlotlyType):
        return find_nan(value.to_plotly_json(), f"{path}<plotly>", depth + 1)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        for item in dataclasses.fields(value):
            found = find_nan(getattr(value, item.name), f"{path}.{item.name}", depth + 1)
            if found:
                return found
        return None
    if isinstance(value, Mapping):
        for key, item in value.items():
            found = find_nan(item, f"{path}[{key!r}]", depth + 1)
            if found:
                return found
        return None
    if isinstance(value, (list, tuple, set, frozenset)):
        for index, item in enumerate(value):
            found = find_nan(item, f"{path}[{index}]", depth + 1)
            if found:
                return found
    return None


def _describe(args: tuple, kwargs: dict) -> str:
    def short(value: Any) -> str:
        text = repr(value)
        return text if len(text) <= 300 else text[:300] + f"… ({len(text):,} characters)"

    parts = [short(a) for a in args] + [f"{k}={short(v)}" for k, v in kwargs.items()]
    return ", ".join(parts)


def call_contract(
    fn: Callable, *args: Any, bad: str | tuple[str, ...] | None, allow_nan: bool = False, **kwargs
) -> Any:
    """``fn(*args, **kwargs)`` held to the contract (see :func:`outcome`): what it returned, or
    None if it raised an allowed ValueError/TypeError."""
    return outcome(fn, *args, bad=bad, allow_nan=allow_nan, **kwargs).value


def outcome(
    fn: Callable, *args: Any, bad: str | tuple[str, ...] | None, allow_nan: bool = False, **kwargs
) -> Outcome:
    """Call ``fn(*args, **kwargs)`` and hold it to the contract (see the module docstring).

    ``bad`` names the argument that may be bad (or a tuple of names any of which the message
    may use: the argument's name, its label on the page): the call may return, or raise
    ValueError/TypeError whose message contains one of them (case-insensitive). ``bad=None``
    means every argument is valid: the call must return. ``allow_nan`` is for results whose
    documentation says a value may be NaN. Warnings are errors here, as in the test suite.
    """
    call = f"{getattr(fn, '__qualname__', fn)}({_describe(args, kwargs)})"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            result = fn(*args, **kwargs)
        except (ValueError, TypeError) as error:
            if bad is None:
                raise AssertionError(
                    f"{call} raised {type(error).__name__} for valid input: {error}"
                ) from error
            names = (bad,) if isinstance(bad, str) else tuple(bad)
            message = str(error).lower()
            if not any(name.lower() in message for name in names):
                raise AssertionError(
                    f"{call} raised {type(error).__name__}({str(error)!r}), which does not name "
                    f"the bad argument (any of {names})"
                ) from error
            return Outcome(None, error)
        except Exception as error:  # the contract's point: nothing else may escape
            raise AssertionError(f"{call} raised {type(error).__name__}: {error}") from error
    if not allow_nan:
        where = find_nan(result)
        if where is not None:
            raise AssertionError(f"{call} returned a NaN at {where}")
    return Outcome(result, None)


def public_functions(module: ModuleType) -> list[str]:
    """Names of the functions ``module`` defines whose names do not start with ``_``."""
    return sorted(
        name
        for name, value in vars(module).items()
        if not name.startswith("_")
        and inspect.isfunction(value)
        and value.__module__ == module.__name__
    )


def assert_every_function_fuzzed(module: ModuleType, namespace: Mapping[str, Any]) -> None:
    """Each public function ``f`` of ``module`` has a ``test_fuzz_f`` in ``namespace``."""
    missing = [name for name in public_functions(module) if f"test_fuzz_{name}" not in namespace]
    assert not missing, f"{module.__name__}: no fuzzer for {', '.join(missing)}"


@st.composite
def corrupt_one(draw, valid: Mapping[str, Any], hostile: Mapping[str, st.SearchStrategy]):
    """(kwargs, bad): ``valid`` kwargs with at most one of them replaced by a hostile value.

    ``bad`` is the replaced argument's name, or None when every argument is valid (about one
    draw in ``len(hostile) + 1``).
    """
    name = draw(st.sampled_from([None, *hostile]))
    kwargs = dict(valid)
    if name is not None:
        kwargs[name] = draw(hostile[name])
    return kwargs, name


# --- cases, the registry, and the strategies test_fuzz_core.py uses ------------------------------

_FUZZED: set[tuple[str, str]] = set()  # (module, name) of every function a test fuzzes


def fuzzes(fn: Callable, *more: Callable, scale: float = 1.0, slow: bool = False) -> Callable:
    """Decorator for the test that fuzzes ``fn`` (and ``more`` functions it calls on every case):
    the "fuzz" settings (``scale`` × the cases, see :func:`fuzz_settings`), the ``fuzz`` mark,
    and the functions recorded for :func:`unfuzzed`."""
    _FUZZED.update((f.__module__, f.__name__) for f in (fn, *more))

    def decorate(test: Callable) -> Callable:
        return pytest.mark.fuzz(fuzz_settings(scale, slow)(test))

    return decorate


def unfuzzed(module: ModuleType) -> list[str]:
    """The public functions of ``module`` that no :func:`fuzzes` test covers (should be [])."""
    return [name for name in public_functions(module) if (module.__name__, name) not in _FUZZED]


class Case(NamedTuple):
    """One call's keyword arguments, and which of them is bad (None: all valid)."""

    kwargs: dict[str, Any]
    bad: str | None


def cases(
    valid: Mapping[str, st.SearchStrategy],
    hostile: Mapping[str, st.SearchStrategy],
    valid_percent: int | None = None,
) -> st.SearchStrategy[Case]:
    """Cases drawn from ``valid`` ({argument: strategy}), with at most one argument replaced by a
    draw from ``hostile`` ({argument: strategy}; an argument only there is added). About one
    case in ``len(hostile) + 1`` is all valid (``bad`` None), or ``valid_percent`` in 100 (for
    functions whose valid calls are slow, such as the charts)."""

    @st.composite
    def build(draw):
        kwargs = {name: draw(strategy) for name, strategy in valid.items()}
        bad = _pick_bad(draw, hostile, valid_percent)
        if bad is not None:
            kwargs[bad] = draw(hostile[bad])
        return Case(kwargs, bad)

    return build()


def hostile_scalars() -> st.SearchStrategy:
    """Numbers that break naive code: NaN, ±inf, ±1e308, subnormals, -0.0, bools, huge ints,
    numpy scalars, Decimal NaN, complex; and non-numbers."""
    return st.one_of(hostile_floats, odd_numbers, junk)


def hostile_ints() -> st.SearchStrategy:
    """Integers where an index, count, axis or seed goes: negative, 0, huge, beyond int64, and
    bools and numpy ints."""
    return st.one_of(
        st.integers(-10, 10),
        st.integers(),
        st.sampled_from([2**31, 2**32, 2**63, 2**64, -(2**63), 10**30, -(10**30)]),
        st.sampled_from([True, False, np.int64(-1), np.uint8(255), np.int32(3)]),
    )


def wrong_kinds() -> st.SearchStrategy:
    """Values of the wrong type altogether: None, text, floats where ints go, containers."""
    return st.one_of(
        st.none(), hostile_text, hostile_floats, st.just([1, 2]), st.just({"a": 1}), st.just(())
    )


def hostile_arrays() -> st.SearchStrategy:
    """Arrays of hostile floats (1-D and 2-D, empty included), and array-likes that are not
    arrays of real numbers: ragged, object, complex, bool, str, 0-d, 3-d, None, text."""
    return bad_arrays


def probability_vectors(min_size: int = 1, max_size: int = 8) -> st.SearchStrategy[np.ndarray]:
    """Valid probability vectors (≥ 0, summing to 1 within 1e-12) of ``min_size`` … ``max_size``
    entries, zeros and near-one-hot ones included."""

    @st.composite
    def build(draw):
        n = draw(st.integers(min_size, max_size))
        weights = draw(
            hnp.arrays(
                np.float64,
                n,
                elements=st.one_of(st.just(0.0), st.floats(1e-300, 1e300), st.floats(0, 1)),
            )
        )
        if not (weights > 0).any():
            weights[draw(st.integers(0, n - 1))] = 1.0
        weights = weights / weights.max()  # no overflow in the sum
        return weights / weights.sum()

    return build()


# --- more strategies (worker 1) -------------------------------------------------------------------


def huge(cap: int) -> st.SearchStrategy[int]:
    """A count just over ``cap``, or far over it: the cap check must refuse it before allocating
    anything the count asks for (a test that hangs or eats memory has found a missing cap)."""
    return st.sampled_from([cap + 1, 2 * cap + 1, 2**31, 2**63, 10**30])


def counts(cap: int, low: int = 1) -> st.SearchStrategy[Any]:
    """Where a count in ``[low, cap]`` goes: :func:`hostile_ints`, values just over the cap,
    floats, numpy ints, and junk."""
    edges = [low - 1, cap, float(cap)] + ([np.int64(cap)] if cap < 2**63 else [])
    return st.one_of(hostile_ints(), huge(cap), st.sampled_from(edges), junk)


def over_cap_array(shape: tuple[int, ...], value: float = 0.5) -> np.ndarray:
    """A float64 array of any ``shape`` with 8 bytes behind it (a read-only zero-stride view):
    for inputs over a size cap, checked before anything of that size is allocated."""
    return np.broadcast_to(np.float64(value), shape)


def unit_floats(low: float = 0.0, high: float = 1.0) -> st.SearchStrategy[float]:
    """Valid floats in [low, high], the ends and subnormals often."""
    ends = [low, high, *(x for x in (5e-324, 1e-300, 0.5) if low <= x <= high)]
    return st.one_of(st.sampled_from(ends), st.floats(low, high))


def float_vectors(
    elements: st.SearchStrategy[float], min_size: int = 1, max_size: int = 6
) -> st.SearchStrategy[np.ndarray]:
    """1-D float64 arrays from ``elements``: lists made arrays, cheaper to draw than hnp.arrays."""
    return st.lists(elements, min_size=min_size, max_size=max_size).map(
        lambda values: np.array(values, dtype=np.float64)
    )


def float_tables(
    elements: st.SearchStrategy[float],
    max_rows: int = 4,
    max_columns: int = 5,
    min_columns: int = 1,
) -> st.SearchStrategy[np.ndarray]:
    """2-D float64 arrays (1 … ``max_rows`` rows of equal length) from ``elements``."""
    return st.tuples(st.integers(1, max_rows), st.integers(min_columns, max_columns)).flatmap(
        lambda shape: st.lists(
            st.lists(elements, min_size=shape[1], max_size=shape[1]),
            min_size=shape[0],
            max_size=shape[0],
        ).map(lambda rows: np.array(rows, dtype=np.float64))
    )


def regressions(found: Iterable[Any]) -> Callable:
    """Decorator: each case in ``found`` (the inputs of bugs a fuzzer found, shrunk) as an
    ``@example`` of the test, so that every run tries them first, whatever it draws."""
    from hypothesis import example

    def decorate(test: Callable) -> Callable:
        for case in reversed(list(found)):
            test = example(case)(test)
        return test

    return decorate


@functools.cache
def _blas_controller():
    import threadpoolctl

    return threadpoolctl.ThreadpoolController()


def cached_threadpool_limits(*args, **kwargs):
    """``threadpoolctl.threadpool_limits`` with the libraries found once, not on every call
    (finding them reads /proc/self/maps: 20 ms a call, most of a tiny training's time)."""
    return _blas_controller().limit(*args, **kwargs)


def _pick_bad(draw, hostile: Mapping[str, st.SearchStrategy], valid_percent: int | None):
    if valid_percent is None:
        return draw(st.sampled_from([None, *hostile]))
    # Hypothesis draws 0 and the ends of a range far more often than the rest: the valid band
    # sits in the middle, so that valid_percent is about the share it gets.
    if 40 <= draw(st.integers(0, 99)) < 40 + valid_percent:
        return None
    return draw(st.sampled_from(list(hostile)))


def sized_cases(
    sizes: st.SearchStrategy,
    valid: Callable[[Any], Mapping[str, st.SearchStrategy]],
    hostile: Mapping[str, st.SearchStrategy],
    valid_percent: int | None = None,
) -> st.SearchStrategy[Case]:
    """:func:`cases` whose valid arguments depend on a size drawn from ``sizes`` (a length, or
    a shape): ``valid(size)`` gives their strategies, built once per size (building strategies
    for every case costs milliseconds)."""
    valid = functools.cache(valid)

    @st.composite
    def build(draw):
        size = draw(sizes)
        kwargs = {name: draw(strategy) for name, strategy in valid(size).items()}
        bad = _pick_bad(draw, hostile, valid_percent)
        if bad is not None:
            kwargs[bad] = draw(hostile[bad])
        return Case(kwargs, bad)

    return build()


def invalid(strategy: st.SearchStrategy, is_valid: Callable[[Any], bool]) -> st.SearchStrategy:
    """``strategy`` without the values ``is_valid`` accepts: for a slow function, whose valid
    calls are drawn (fewer) on purpose elsewhere."""

    def refused(value: Any) -> bool:
        try:
            return not is_valid(value)
        except (TypeError, ValueError, OverflowError):
            return True

    return strategy.filter(refused)


@st.composite
def corrupt_fields(draw, instances: st.SearchStrategy) -> Any:
    """A dataclass drawn from ``instances`` with one field replaced by a hostile value (an array
    of hostile floats or a malformed one, a hostile number, or junk): what a chart gets when
    a result is built by hand."""
    instance = draw(instances)
    field = draw(st.sampled_from([item.name for item in dataclasses.fields(instance)]))
    value = draw(st.one_of(bad_arrays, hostile_floats, odd_numbers, junk))
    return dataclasses.replace(instance, **{field: value})


# --- valid inputs the sampling-family fuzzers share ----------------------------------------------

#: Logit entries from the whole float range, the everyday range, zero and the least subnormal.
wide_floats = st.one_of(
    st.floats(-1e308, 1e308), st.floats(-20, 20), st.sampled_from([0.0, 5e-324])
)
#: Temperatures from 0 to ∞, the limits included.
any_temperatures = st.one_of(st.floats(0), st.sampled_from([0.0, 5e-324, math.inf, 1.0]))
#: What an ``rng`` argument may be: None, a seed, a Generator.
rngs = st.one_of(
    st.none(), st.integers(0, 2**64), st.builds(np.random.default_rng, st.integers(0, 9))
)
bad_rngs = st.one_of(junk, st.integers(max_value=-1), st.just(np.random.RandomState(0)))


@st.composite
def masked_logit_vectors(draw, max_size: int = 8) -> np.ndarray:
    """Valid logit vectors: wide floats and ``-inf`` (masked), at least one entry finite."""
    z = draw(float_vectors(st.one_of(wide_floats, st.just(-math.inf)), max_size=max_size))
    if not np.isfinite(z).any():
        z[0] = 0.0
    return z
