import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from factions.engines.align.parliament import power_table, read_seats_csv
from factions.engines.align.power import (
    banzhaf,
    banzhaf_swings,
    minimal_winning_coalitions,
    shapley_shubik,
)
from factions.engines.align.reference import brute_force_power
from factions.errors import InputError


@st.composite
def games(draw, max_players=9):
    weights = draw(st.lists(st.integers(0, 12), min_size=1, max_size=max_players))
    total = sum(weights)
    if total == 0:
        weights[0] = 1
        total = 1
    quota = draw(st.integers(1, total))
    return weights, quota


@settings(max_examples=150, deadline=None)
@given(games())
def test_indices_equal_brute_force(game):
    weights, quota = game
    swings, ss = brute_force_power(weights, quota)
    assert banzhaf_swings(weights, quota) == swings
    assert shapley_shubik(weights, quota, exact=True) == ss


@settings(max_examples=100, deadline=None)
@given(games())
def test_axioms_efficiency_dummy_symmetry(game):
    weights, quota = game
    ss = shapley_shubik(weights, quota, exact=True)
    bz = banzhaf(weights, quota, exact=True)
    assert sum(ss) == 1 and sum(bz) == 1  # efficiency (exact)
    swings = banzhaf_swings(weights, quota)
    for i, w in enumerate(weights):
        if swings[i] == 0:  # dummy: never pivotal in any order either
            assert ss[i] == 0
        if w == 0:
            assert swings[i] == 0
        for j, v in enumerate(weights):
            if v == w:  # symmetry
                assert ss[i] == ss[j] and swings[i] == swings[j]


def test_known_game_and_absolute_index():
    # [51; 49, 49, 2]: every player is symmetric (any two win)
    assert banzhaf([49, 49, 2], 51).tolist() == pytest.approx([1 / 3] * 3)
    assert shapley_shubik([49, 49, 2], 51).tolist() == pytest.approx([1 / 3] * 3)
    # absolute Banzhaf: swings / 2^(n-1) = 2/4
    assert banzhaf([49, 49, 2], 51, normalized=False).tolist() == pytest.approx([0.5] * 3)


def test_player_above_quota_is_dictator():
    assert shapley_shubik([60, 20, 20], 50, exact=True) == [1, 0, 0]
    assert banzhaf_swings([60, 20, 20], 50) == [4, 0, 0]


def test_large_game_exact_no_overflow():
    rng = np.random.default_rng(0)
    w = rng.integers(1, 20, size=1000).tolist()
    q = sum(w) // 2 + 1
    b = banzhaf(w, q, exact=True)
    assert sum(b) == 1
    assert max(banzhaf_swings(w, q)) > 2**900  # far beyond float64 integers
    # equal weights give equal power; heavier never has less (monotonicity)
    order = np.argsort(w)
    vals = np.array([float(x) for x in b])[order]
    assert np.all(np.diff(vals) >= -1e-15)


@pytest.mark.parametrize("n", [41, 61, 63, 125, 187])  # around the 62-bit limb boundaries
def test_symmetric_game_closed_form(n):
    # n equal players, simple majority: each has Shapley-Shubik 1/n ...
    assert shapley_shubik([1] * n, n // 2 + 1, exact=True) == [Fraction(1, n)] * n
    # ... and C(n-1, (n-1)/2) Banzhaf swings; with 2 heavy players the counts mix limbs
    assert banzhaf_swings([1] * n, n // 2 + 1)[0] == math.comb(n - 1, (n - 1) // 2)
    w = [1] * (n - 2) + [3, 5]
    q = sum(w) // 2 + 1
    swings = banzhaf_swings(w, q)
    light = sum(math.comb(n - 3, j) * sum(1 for a in (0, 3) for b in (0, 5)
                                           if j + a + b == q - 1) for j in range(n - 2))
    assert swings[0] == light


def test_minimal_winning_coalitions():
    mwc = minimal_winning_coalitions([4, 3, 2, 1], 6, names="abcd")
    assert set(mwc) == {("a", "b"), ("a", "c"), ("b", "c", "d")}
    for c in mwc:
        assert len(c) <= 3


@pytest.mark.parametrize(
    "weights, quota, message",
    [
        ([1, 2], 0, "quota must be in"),
        ([1, 2], 4, r"quota must be in \(0, 3\]"),
        ([1, -2], 1, ">= 0"),
        ([1, 2.5], 1, "integer"),
        ([], 1, "at least one"),
        ([1, "x"], 1, "integer"),
    ],
)
def test_bad_games(weights, quota, message):
    with pytest.raises(InputError, match=message):
        banzhaf(weights, quota)


def test_minimal_winning_refuses_large():
    with pytest.raises(InputError, match="up to 20"):
        minimal_winning_coalitions([1] * 21, 11)


def test_read_seats_and_table(tmp_path):
    p = tmp_path / "s.csv"
    p.write_text("party,seats\nUIA,128\nKurds,53\nTawafuq,44\nIraqiya,25\nOthers,25\n")
    parties, seats = read_seats_csv(p)
    assert parties[0] == "UIA" and sum(seats) == 275
    t = power_table(parties, seats, 138)
    assert list(t.columns) == ["party", "seats", "seat_share", "banzhaf", "banzhaf_absolute",
                               "shapley_shubik", "swings"]
    assert t["banzhaf"].sum() == pytest.approx(1) and t["shapley_shubik"].sum() == pytest.approx(1)


@pytest.mark.parametrize(
    "text, message",
    [
        ("party,votes\nA,1\n", r":1: missing column\(s\) seats"),
        ("party,seats\nA,1\nA,2\n", r":3: duplicate party 'A' \(first at line 2\)"),
        ("party,seats\nA,-1\n", r":2: seats must be a non-negative integer"),
        ("party,seats\nA,many\n", r":2: seats must be"),
        ("party,seats\n,3\n", r":2: empty party"),
        ("party,seats\n", "no parties"),
    ],
)
def test_read_seats_errors(tmp_path, text, message):
    p = tmp_path / "bad.csv"
    p.write_text(text)
    with pytest.raises(InputError, match=message):
        read_seats_csv(p)
