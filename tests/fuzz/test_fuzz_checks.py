"""Fuzzing explorer.checks: the shared argument checks accept exactly what they say and refuse
everything else in a sentence that names the argument."""

import dataclasses
import math
from numbers import Integral, Real

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from explorer import checks
from tests.fuzz.hostile import (
    Case,
    call_contract,
    cases,
    corrupt_fields,
    counts,
    float_arrays,
    float_vectors,
    fuzzes,
    hostile_arrays,
    hostile_scalars,
    hostile_text,
    junk,
    regressions,
    unfuzzed,
)


@fuzzes(checks.check_count)
@given(
    cases(
        {"value": st.integers(0, 1000), "cap": st.integers(1, 1000), "low": st.integers(0, 1)},
        {"value": counts(1000)},
    )
)
@regressions([Case({"value": np.int8(-128), "cap": 1, "low": 0}, "value")])  # abs() overflow
def test_check_count(case):
    kwargs = case.kwargs
    value, cap, low = kwargs["value"], kwargs["cap"], kwargs["low"]
    in_range = isinstance(value, Integral) and not isinstance(value, (bool, np.bool_))
    in_range = in_range and low <= value <= cap
    bad = None if in_range else "runs"
    result = call_contract(checks.check_count, value, "runs", cap, low, bad=bad)
    if in_range:
        assert result == value and type(result) is int


@fuzzes(checks.check_seed)
@given(cases({"seed": st.integers(0, 2**64)}, {"seed": counts(2**64, low=0)}))
def test_check_seed(case):
    seed = case.kwargs["seed"]
    valid = isinstance(seed, Integral) and not isinstance(seed, (bool, np.bool_)) and seed >= 0
    result = call_contract(
        checks.check_seed, seed, "first_seed", bad=None if valid else "first_seed"
    )
    if valid:
        assert result == seed and type(result) is int


@fuzzes(checks.real_array)
@given(
    cases(
        {"values": float_arrays(min_dims=0, max_dims=3)},
        {"values": hostile_arrays()},
    )
)
def test_real_array(case):
    values = case.kwargs["values"]
    array = call_contract(checks.real_array, values, "logits", bad="logits", allow_nan=True)
    if array is not None:
        assert array.dtype == np.float64
        expected = np.asarray(values, dtype=np.float64)  # what it must equal when accepted
        np.testing.assert_array_equal(array, expected)
        assert np.asarray(values).dtype.kind in "biuf" or np.asarray(values).dtype == object


@fuzzes(checks.check_real)
@given(cases({"value": st.floats()}, {"value": hostile_scalars()}))
def test_check_real(case):
    value = case.kwargs["value"]
    result = call_contract(checks.check_real, value, "gap", bad="gap", allow_nan=True)
    if result is not None:
        assert type(result) is float
        assert math.isnan(result) or result == float(value)


@fuzzes(checks.check_axis)
@given(
    cases(
        {"axis": st.integers(-3, 2), "ndim": st.integers(3, 4)},
        {"axis": counts(3)},
    )
)
def test_check_axis(case):
    axis, ndim = case.kwargs["axis"], case.kwargs["ndim"]
    result = call_contract(checks.check_axis, axis, ndim, bad="axis")
    if result is not None:
        assert type(result) is int and -ndim <= result < ndim and result == axis


@fuzzes(checks.check_whole)
@given(cases({"value": st.integers()}, {"value": counts(10**6)}))
def test_check_whole(case):
    value = case.kwargs["value"]
    result = call_contract(checks.check_whole, value, "window", bad="window")
    if result is not None:
        assert type(result) is int and result == value and not isinstance(value, bool)


@fuzzes(checks.whole_array)
@given(
    cases(
        {"values": st.lists(st.integers(-(2**63), 2**63 - 1), max_size=5)},
        {"values": hostile_arrays()},
    )
)
def test_whole_array(case):
    values = case.kwargs["values"]
    array = call_contract(checks.whole_array, values, "labels", bad="labels")
    if array is not None:
        assert np.issubdtype(array.dtype, np.integer)
        assert array.tolist() == np.asarray(values).tolist()
    elif case.bad is None:
        assert values == []  # [] is float64 to numpy: no whole numbers in it


BOUNDS = st.sampled_from([-math.inf, -1e308, -1.0, 0.0, 5e-324, 0.5, 1.0, 1e308, math.inf])
bounds = st.tuples(BOUNDS, BOUNDS).map(sorted)


def _number_accepted(value, low, high) -> bool:
    """check_number's promise, from its docstring: a real number (not True/False) whose float
    lies in [low, high]; NaN and ints beyond the float range are in no range."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, Real):
        return False
    try:
        number = float(value)
    except OverflowError:
        return False
    return low <= number <= high


@fuzzes(checks.check_number)
@given(
    cases(
        {"value": st.floats(allow_nan=False), "bounds": bounds},
        {"value": st.one_of(hostile_scalars(), st.floats(-2.0, 2.0))},
    )
)
@regressions(
    [
        Case({"value": math.nan, "bounds": [-math.inf, math.inf]}, "value"),
        Case({"value": 10**400, "bounds": [-math.inf, math.inf]}, "value"),
        Case({"value": True, "bounds": [0.0, 1.0]}, "value"),
        Case({"value": np.longdouble("1e4000"), "bounds": [0.0, math.inf]}, "value"),
    ]
)
def test_check_number(case):
    value, (low, high) = case.kwargs["value"], case.kwargs["bounds"]
    accepted = _number_accepted(value, low, high)
    number = call_contract(
        checks.check_number, value, "kelvin", low, high, bad=None if accepted else "kelvin"
    )
    if accepted:
        assert type(number) is float and number == float(value)
    else:
        assert number is None  # refused, in a sentence naming it


text_lists = st.lists(hostile_text, max_size=4)


@fuzzes(checks.check_texts)
@given(
    cases(
        {
            "values": st.one_of(text_lists, text_lists.map(tuple)),
            "length": st.one_of(st.none(), st.integers(0, 4)),
        },
        {
            "values": st.one_of(
                junk,
                hostile_arrays(),
                st.lists(st.one_of(hostile_text, junk), min_size=1, max_size=3),
                text_lists.map(lambda texts: np.array(texts, dtype=str)),
            )
        },
    )
)
@regressions(
    [
        Case({"values": "ab", "length": None}, "values"),  # a text is not a list of texts
        Case({"values": b"ab", "length": None}, "values"),
        Case({"values": ["a", None], "length": None}, "values"),
        Case({"values": {"a": 1}, "length": None}, "values"),
    ]
)
def test_check_texts(case):
    values, length = case.kwargs["values"], case.kwargs["length"]
    is_list = isinstance(values, (list, tuple, np.ndarray)) and not isinstance(values, str)
    accepted = is_list and all(isinstance(text, str) for text in list(values))
    accepted = accepted and (length is None or len(values) == length)
    texts = call_contract(
        checks.check_texts, values, "labels", length, bad=None if accepted else "labels"
    )
    if accepted:
        assert type(texts) is list and texts == list(values)
    else:
        assert texts is None


@fuzzes(checks.check_vector)
@given(
    cases(
        {
            "values": float_vectors(st.floats(-1.0, 1.0), min_size=0),
            "bounds": st.just([-1.0, 1.0]),
            "length": st.none(),
            "nan": st.booleans(),
        },
        {
            "values": st.one_of(hostile_arrays(), float_vectors(st.floats(-2, 2), min_size=0)),
            "bounds": bounds,
            "length": st.integers(0, 6),
        },
    )
)
@regressions(
    [
        Case({"values": [[1.0]], "bounds": [0, 1], "length": None, "nan": False}, "values"),
        Case({"values": [math.nan], "bounds": [0, 1], "length": None, "nan": False}, "values"),
        Case({"values": [2.0], "bounds": [0, 1], "length": None, "nan": False}, "values"),
        Case({"values": ["1"], "bounds": [0, 1], "length": None, "nan": False}, "values"),
        Case({"values": [1.0], "bounds": [0, 1], "length": 2, "nan": False}, "length"),
    ]
)
def test_check_vector(case):
    kwargs = case.kwargs
    values, (low, high) = kwargs["values"], kwargs["bounds"]
    length, nan = kwargs["length"], kwargs.get("nan", False)
    vector = call_contract(
        checks.check_vector,
        values,
        "probs",
        length=length,
        low=low,
        high=high,
        nan=nan,
        bad=None if case.bad is None else "probs",
        allow_nan=nan,
    )
    if vector is not None:  # what it promises of what it accepts
        assert type(vector) is np.ndarray and vector.dtype == np.float64 and vector.ndim == 1
        assert length is None or vector.size == length
        numbers = vector[~np.isnan(vector)]
        assert nan or numbers.size == vector.size
        assert ((numbers >= low) & (numbers <= high)).all()
        np.testing.assert_array_equal(vector, np.asarray(values, dtype=np.float64))


@dataclasses.dataclass(frozen=True)
class Reading:
    """A result as a chart gets it: one field of each kind check_fields knows."""

    probs: np.ndarray
    temperature: float
    index: int
    interval: tuple[float, float]
    label: str
    reference: np.ndarray | None
    spread: float  # may be NaN (named in nan=)


readings = st.builds(
    Reading,
    probs=float_vectors(st.floats(0, 1), min_size=0),
    temperature=st.floats(0, allow_infinity=True),
    index=st.integers(0, 10),
    interval=st.tuples(st.floats(0, 1), st.floats(0, 1)),
    label=hostile_text,
    reference=st.one_of(st.none(), float_vectors(st.floats(0, 1))),
    spread=st.one_of(st.floats(0, 1), st.just(math.nan)),
)


def _fields_hold_their_kinds(reading: Reading) -> bool:
    """The promise of check_fields for Reading, written out field by field."""

    def number(value, nan: bool = False) -> bool:
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, Real):
            return False
        try:
            return nan or not math.isnan(float(value))
        except OverflowError:
            return False

    def numbers(value) -> bool:
        return (
            isinstance(value, np.ndarray)
            and value.dtype.kind in "fiub"
            and not np.isnan(value.astype(float)).any()
        )

    interval = reading.interval
    return (
        numbers(reading.probs)
        and number(reading.temperature)
        and number(reading.index)
        and isinstance(interval, (tuple, list))
        and all(number(value) for value in interval)
        and isinstance(reading.label, str)
        and (reading.reference is None or numbers(reading.reference))
        and number(reading.spread, nan=True)
    )


@fuzzes(checks.check_fields)
@given(st.one_of(readings, corrupt_fields(readings), junk))
@regressions(
    [
        Reading(np.array([0.5]), math.nan, 0, (0.0, 1.0), "a", None, 0.0),
        Reading(np.array([0.5]), 1.0, 0, (0.0, 10**400), "a", None, 0.0),
        Reading(np.array(["0.5"]), 1.0, 0, (0.0, 1.0), "a", None, 0.0),
        Reading(np.array([0.5]), 1.0, 0, (0.0, 1.0), b"a", None, 0.0),
        Reading(np.array([0.5]), 1.0, 0, (0.0, 1.0), "a", np.array([math.nan]), math.nan),
    ]
)
def test_check_fields(value):
    accepted = isinstance(value, Reading) and _fields_hold_their_kinds(value)
    result = call_contract(
        checks.check_fields,
        value,
        Reading,
        "reading",
        nan=("spread",),
        bad=None if accepted else "reading",
        allow_nan=True,  # spread may be NaN: that is what nan= says
    )
    if accepted:
        assert result is value
    else:
        assert result is None


rng_hostile = st.one_of(
    junk,
    st.integers(max_value=-1),
    st.sampled_from([np.random.RandomState(0), np.random.PCG64(0), -(2**70), 1.0, True]),
)


@fuzzes(checks.check_rng)
@given(
    cases(
        {
            "rng": st.one_of(
                st.none(), st.integers(0, 2**80), st.sampled_from([np.uint64(2**64 - 1)])
            )
        },
        {"rng": rng_hostile},
    )
)
@regressions([Case({"rng": True}, "rng"), Case({"rng": -1}, "rng"), Case({"rng": 1.0}, "rng")])
def test_check_rng(case):
    rng = case.kwargs["rng"]
    seed = isinstance(rng, Integral) and not isinstance(rng, (bool, np.bool_)) and rng >= 0
    accepted = rng is None or seed
    generator = call_contract(checks.check_rng, rng, "seed", bad=None if accepted else "seed")
    if accepted:
        assert isinstance(generator, np.random.Generator)
    else:
        assert generator is None
    if seed:  # the stream numpy's own default_rng gives for that seed
        expected = np.random.default_rng(int(rng)).integers(2**62, size=3)
        np.testing.assert_array_equal(generator.integers(2**62, size=3), expected)


def test_check_rng_returns_a_generator_as_it_is():
    generator = np.random.default_rng(3)
    assert checks.check_rng(generator) is generator  # to be advanced, not copied


def test_every_public_function_has_a_fuzzer():
    assert unfuzzed(checks) == []
