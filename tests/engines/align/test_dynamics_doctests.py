"""The Examples sections of the balance-dynamics docstrings run and give what they show."""

import doctest
import importlib

import pytest


@pytest.mark.parametrize("name", ["continuous", "triads", "landscape", "dispatch"])
def test_docstring_examples(name):
    mod = importlib.import_module(f"factions.engines.align.dynamics.{name}")
    result = doctest.testmod(mod)
    assert result.attempted > 0 and result.failed == 0
