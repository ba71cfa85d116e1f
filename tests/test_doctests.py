"""The examples in the docstrings are part of the documentation: they must stay true."""

import doctest

import pytest

import explorer.core
import explorer.temperature


@pytest.mark.parametrize("module", [explorer.core, explorer.temperature])
def test_docstring_examples_hold(module):
    failures, tried = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert failures == 0
    assert tried > 0 or module is explorer.temperature
