"""Boundary validation: plain arrays and the KTAB CSV reader."""

import numpy as np
import pytest

from factions.engines.bargain import read_ktab_csv, validate_inputs
from factions.errors import InputError

KTAB = """Test scen , A test, 3, 2,
Actor, Description, Power, Pstn1, Sal1, Pstn2, Sal2,
A ,  first actor , 10.0 , 20, 30.0, 80, 50,
B, "second, quoted", 5, 60, 40, 10, 20 ,

C, third, 0.5, 100, 0, 0, 100
"""


def _write(tmp_path, text, name="s.csv"):
    p = tmp_path / name
    p.write_text(text)
    return p


def test_validate_returns_float_arrays_and_default_scale():
    d = validate_inputs([1, 2], [10, 30], [0.5, 1.0])
    assert d.position.dtype == float and d.scale == (10.0, 30.0) and d.span == 20.0
    assert d.names == ("0", "1")
    np.testing.assert_allclose(d.weight, [0.5, 2.0])


@pytest.mark.parametrize(
    "cap, pos, sal, names, msg",
    [
        ([1, -1], [0, 1], [0.5, 0.5], None, r"capability\[1\] is -1"),
        ([1, 1], [0, 1], [0.5, 1.5], None, r"salience\[1\] is 1.5"),
        ([1, 1], [0, 1], [0.5], None, "salience has 1 values"),
        ([1, 1], [0, np.nan], [0.5, 0.5], None, r"position\[1\] is nan"),
        ([1, 1], [0, 1], [0.5, 0.5], ["a", "a"], "'a' is repeated"),
        ([0, 1], [0, 1], [0.5, 0.0], None, "zero capability or zero salience"),
        ([], [], [], None, "no actors"),
        ([[1]], [[1]], [[1]], None, "1-D"),
    ],
)
def test_validate_rejects_bad_arrays(cap, pos, sal, names, msg):
    with pytest.raises(InputError, match=msg):
        validate_inputs(cap, pos, sal, names=names)


def test_validate_rejects_positions_outside_scale():
    with pytest.raises(InputError, match="outside the scale"):
        validate_inputs([1], [120], [1], scale=(0, 100))


def test_read_ktab_tolerates_spaces_quotes_blank_lines(tmp_path):
    k = read_ktab_csv(_write(tmp_path, KTAB))
    assert k.name == "Test scen" and k.actors == ("A", "B", "C")
    assert k.descriptions[1] == "second, quoted"
    np.testing.assert_allclose(k.capability, [10, 5, 0.5])
    np.testing.assert_allclose(k.positions, [[20, 80], [60, 10], [100, 0]])
    np.testing.assert_allclose(k.saliences, [[0.3, 0.5], [0.4, 0.2], [0.0, 1.0]])
    assert k.dimensions == ("1", "2")
    d = k.issue(1)
    assert d.scale == (0.0, 100.0) and d.names == ("A", "B", "C")


@pytest.mark.parametrize(
    "old, new, msg",
    [
        ("A ,  first actor , 10.0", "A ,  first actor , -10.0", r"s.csv:3: Power of 'A' is -10"),
        ("60, 40, 10, 20 ,", "60, 140, 10, 20 ,", r"s.csv:4: Sal1 of 'B' is 140"),
        ("60, 40, 10, 20 ,", "60, 90, 10, 20 ,", r"s.csv:4: saliences of 'B' sum to 110"),
        ("C, third, 0.5, 100, 0, 0, 100", "C, third, 0.5, 100, 0, 0", r"s.csv:6: column 'Sal2'"),
        ("C, third", "A, third", r"s.csv:6: actor 'A' is repeated \(first on line 3\)"),
        ("20, 30.0, 80", "20, x, 80", r"s.csv:3: Sal1 is 'x', not a number"),
        (", 3, 2,", ", 4, 2,", r"s.csv:1: nActors is 4 but 3"),
        ("Actor, Description, Power, Pstn1, Sal1, Pstn2, Sal2,", "Actor, Power, Pstn1, Sal1",
         r"s.csv:2: header has 4 columns, 7 needed"),
    ],
)
def test_read_ktab_errors_name_file_and_line(tmp_path, old, new, msg):
    assert old in KTAB
    with pytest.raises(InputError, match=msg):
        read_ktab_csv(_write(tmp_path, KTAB.replace(old, new, 1)))


def test_read_ktab_missing_file(tmp_path):
    with pytest.raises(InputError, match="cannot read"):
        read_ktab_csv(tmp_path / "nope.csv")
