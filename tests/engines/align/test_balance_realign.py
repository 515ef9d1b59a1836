import itertools

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factions.engines.align.balance import (
    balance_score,
    contributions,
    triad_census,
    triangle_balance,
)
from factions.engines.align.frustration import frustration
from factions.engines.align.graph import signed_graph
from factions.engines.align.realign import optimal_partitions, realignment
from factions.errors import InputError


def _complete(signs):
    """K4 on nodes 0..3 with the given signs for its 6 ties."""
    pairs = list(itertools.combinations(range(4), 2))
    return signed_graph([(a, b, s) for (a, b), s in zip(pairs, signs, strict=True)])


def test_triad_census_counts_each_type():
    g = signed_graph([("a", "b", 1), ("b", "c", 1), ("a", "c", -1),   # ++-
                      ("c", "d", -1), ("a", "d", -1)])                # a-c-d: ---
    t = triad_census(g).set_index("triad")["count"]
    assert t["++-"] == 1 and t["---"] == 1 and t["+++"] == 0 and t["+--"] == 0
    assert triangle_balance(g) == 0.0


def test_triad_census_all_positive_k4():
    t = triad_census(_complete([1] * 6)).set_index("triad")["count"]
    assert t["+++"] == 4 and t.sum() == 4


def test_balance_score_bounds_and_extremes():
    assert balance_score(_complete([1] * 6), 0.0) == 1.0
    g = _complete([-1] * 6)  # all-negative K4 needs 2 frustrated ties of 6
    r = frustration(g)
    assert r.value == 2
    assert balance_score(g, r.value) == pytest.approx(1 - 4 / 6)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from([-1, 1]), min_size=6, max_size=6))
def test_score_in_unit_interval_and_shares_sum_to_one(signs):
    g = _complete(signs)
    r = frustration(g)
    assert 0.0 <= balance_score(g, r.value) <= 1.0
    actors, ties = contributions(g, r.labels)
    assert ties.frustrated.sum() == r.value
    if r.value > 0:
        assert actors.share.sum() == pytest.approx(1.0)
        assert actors.frustrated_ties.sum() == 2 * r.value
    # a tie in an unbalanced triad, and each unbalanced triad counted at its 3 actors
    unbalanced = triad_census(g).query("not balanced")["count"].sum()
    assert actors.unbalanced_triads.sum() == 3 * unbalanced
    assert ties.unbalanced_triads.sum() == 3 * unbalanced


def test_optimal_partitions_of_a_cycle_are_all_found():
    # a 5-cycle with one negative tie: any of the 5 ties can be the frustrated one
    g = signed_graph([(i, (i + 1) % 5, -1 if i == 0 else 1) for i in range(5)])
    o = optimal_partitions(g, cap=10)
    assert o.value == 1 and len(o.labels) == 5 and o.complete
    assert np.allclose(o.strain, 0.2)
    for lab in o.labels:
        assert g.frustration_of(lab) == 1


def test_optimal_partitions_cap_and_forced_tie():
    # two triangles sharing tie b-c, both unbalanced only through the negative b-c
    g = signed_graph([("a", "b", 1), ("a", "c", 1), ("b", "c", -1),
                      ("d", "b", 1), ("d", "c", 1)])
    o = optimal_partitions(g, cap=10)
    assert o.value == 1 and o.complete
    ends = [(g.nodes[i], g.nodes[j]) for i, j in zip(g.u, g.v, strict=True)]
    strain = dict(zip(ends, o.strain, strict=True))
    assert strain[("b", "c")] == 1.0  # the one tie frustrated in every optimum
    assert len(optimal_partitions(g, cap=1).labels) == 1
    with pytest.raises(InputError, match="cap"):
        optimal_partitions(g, cap=0)


def test_realignment_reports_moves_flips_and_strain():
    before = signed_graph([("us", "gov", 1), ("us", "awak", -1), ("gov", "awak", -1),
                           ("isi", "awak", 1), ("isi", "us", -1)])
    after = signed_graph([("us", "gov", 1), ("us", "awak", 1), ("gov", "awak", 1),
                          ("isi", "awak", -1), ("isi", "us", -1), ("isi", "gov", 1)])
    r = realignment(before, after)
    moved = r.membership.set_index("actor")["moved"]
    assert moved["awak"] and not moved["us"] and not moved["gov"] and not moved["isi"]
    change = {(a, b): c for a, b, c in r.flipped[["a", "b", "change"]].values}
    assert change == {("awak", "us"): "flipped", ("awak", "gov"): "flipped",
                      ("awak", "isi"): "flipped", ("gov", "isi"): "appeared"}
    assert r.frustration_before == 0 and r.frustration_after == 1
    top = r.strained.iloc[0]
    assert {top.a, top.b} == {"isi", "gov"} and top.strain == 1.0


def test_enumeration_complete_when_next_best_is_worse_with_real_weights():
    # unique optimum under real weights: the cut leaves only worse partitions
    g = signed_graph([("a", "b", 1, 0.9), ("b", "c", 1, 0.8), ("a", "c", -1, 0.3)])
    o = optimal_partitions(g, cap=5)
    assert o.value == pytest.approx(0.3) and len(o.labels) == 1 and o.complete
    assert o.strain.tolist() == [0.0, 0.0, 1.0]
