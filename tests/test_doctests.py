"""The examples in the core's docstrings are part of its documentation: they must stay true."""

import doctest

import explorer.core


def test_core_docstring_examples_hold():
    failures, tried = doctest.testmod(explorer.core, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert tried >= 5 and failures == 0
