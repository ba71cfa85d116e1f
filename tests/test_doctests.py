"""The examples in the docstrings are part of the documentation: they must stay true."""

import doctest
import importlib

import pytest


@pytest.mark.parametrize(
    ("module", "examples"),
    [
        ("attention", 5),
        ("bandit", 8),
        ("calibration", 14),
        ("core", 5),
        ("corpus", 2),
        ("decoding", 5),
        ("draw_stats", 10),
        ("checks", 2),
        ("digits", 3),
        ("distillation", 6),
        ("distillation_demos", 4),
        ("distillation_experiment", 2),
        ("export", 2),
        ("figure_parts", 3),
        ("gumbel", 5),
        ("ngram", 8),
        ("physics", 10),
        ("presentation", 8),
        ("quiz", 8),
        ("sampling", 1),
        ("student", 2),
        ("units", 5),
        ("uploads", 3),
    ],
)
def test_docstring_examples_hold(module, examples):
    failures, tried = doctest.testmod(
        importlib.import_module(f"explorer.{module}"), optionflags=doctest.NORMALIZE_WHITESPACE
    )
    assert tried >= examples and failures == 0
