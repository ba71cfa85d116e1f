"""The shared argument checks: what they accept, and the sentence they say otherwise."""

import dataclasses
import math

import numpy as np
import pytest

from explorer.checks import check_count, check_fields, check_number, check_seed


@pytest.mark.parametrize("value", [1, 7, np.int64(10), np.uint8(5)])
def test_whole_numbers_in_range_come_back_as_int(value):
    result = check_count(value, "runs", 10)
    assert result == int(value) and type(result) is int


@pytest.mark.parametrize(
    ("value", "said"),
    [
        (True, "runs must be a whole number from 1 to 1,000, got True"),
        (np.bool_(True), "whole number"),
        (2.0, "got 2.0"),
        ("3", "got '3'"),
        (0, "runs must be from 1 to 1,000, got 0"),
        (1001, "got 1,001"),
    ],
)
def test_anything_else_is_refused_in_a_sentence_naming_it(value, said):
    with pytest.raises(ValueError, match=said.replace("(", r"\(")):
        check_count(value, "runs", 1000)


def test_a_lower_bound_of_zero_allows_zero():
    assert check_count(0, "draws", 5, low=0) == 0


@pytest.mark.parametrize("seed", [-1, 1.5, None, False])
def test_seeds_are_whole_numbers_from_zero(seed):
    with pytest.raises(ValueError, match="first_seed must be a whole number ≥ 0"):
        check_seed(seed, "first_seed")
    assert check_seed(0) == 0 and check_seed(2**40) == 2**40


def test_number_messages_say_the_range_in_words():
    with pytest.raises(ValueError, match=r"^kT must be ≥ 0, got -1$"):
        check_number(-1, "kT", low=0)
    with pytest.raises(ValueError, match=r"^top must be ≤ 1, got 2$"):
        check_number(2, "top", high=1)
    with pytest.raises(ValueError, match=r"^gap must be a number, got nan$"):
        check_number(math.nan, "gap")
    with pytest.raises(ValueError, match=r"^share must be from 0 to 1, got 1.5$"):
        check_number(1.5, "share", 0, 1)


@dataclasses.dataclass
class _Plain:  # this module has no `from __future__ import annotations`: the types are classes
    value: float
    values: np.ndarray
    name: str


def test_fields_are_checked_whether_annotations_are_text_or_classes():
    assert check_fields(_Plain(1.0, np.zeros(2), "a"), _Plain, "x").value == 1.0
    with pytest.raises(ValueError, match=r"x\.value contains NaN"):
        check_fields(_Plain(math.nan, np.zeros(2), "a"), _Plain, "x")
    with pytest.raises(TypeError, match=r"x\.values must be a numpy array"):
        check_fields(_Plain(1.0, [0.0], "a"), _Plain, "x")
    with pytest.raises(TypeError, match=r"x\.name must be a text"):
        check_fields(_Plain(1.0, np.zeros(2), None), _Plain, "x")
