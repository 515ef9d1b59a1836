"""Bounded Heider dynamics (Kulakowski, Gawronski & Gronek 2005): balance always reached,
the N^(-1/2) time to balance, the bound, and Zachary's karate club."""

import networkx as nx
import numpy as np
import pytest

from factions.engines.align import balance_dynamics
from factions.engines.align.dynamics.heider import heider_rhs


def _uniform(n, seed, half=0.5):
    """Their start: r(i, j) uniform around zero with a symmetric distribution of unit width."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(-half, half, size=(n, n))
    x = np.triu(x, 1)
    return x + x.T


def test_heider_balance_is_always_reached():
    """Abstract of [KGG05]: 'Calculations up to N = 500 show that HB is always reached.'
    Here 20 starts each of N = 10, 20, 40 (bound R = 1)."""
    for n in (10, 20, 40):
        for seed in range(20):
            res = balance_dynamics(_uniform(n, seed), "heider", record_every=0)
            assert res.status == "balanced" and res.balanced, (n, seed)


@pytest.mark.slow
def test_time_to_balance_falls_as_inverse_square_root_of_n():
    """Abstract of [KGG05]: 'Time tau(N) to get the balanced state varies with the system
    size N as N^(-1/2).' Mean over 12 starts at N = 20, 40, 80, 160 (RK4 substep 0.01);
    the fitted exponent (measured -0.42) must lie within 0.15 of -1/2."""
    ns = np.array([20, 40, 80, 160])
    tau = [np.mean([balance_dynamics(_uniform(n, s), "heider", rate=0.1,
                                     record_every=0).time for s in range(12)]) for n in ns]
    slope = np.polyfit(np.log(ns), np.log(tau), 1)[0]
    assert -0.65 < slope < -0.35


def test_three_actors_go_to_balance():
    """[KGG05]: 'for N = 3 the dynamics reproduces properly the tendency of the system to the
    balanced state'. (+, +, -) and (-, -, -) triads both end balanced."""
    for a, b, c in ((0.3, 0.2, -0.1), (-0.3, -0.2, -0.1)):
        x = np.array([[0, a, b], [a, 0, c], [b, c, 0]])
        res = balance_dynamics(x, "heider")
        s = np.sign(res.matrix)
        assert res.status == "balanced" and s[0, 1] * s[0, 2] * s[1, 2] > 0


def test_relations_stay_within_the_bound_and_polarise():
    res = balance_dynamics(_uniform(30, 1, half=0.2), "heider", bound=0.5, steps=40, rate=0.5)
    m = np.abs(res.matrix[~np.eye(30, dtype=bool)])
    assert m.max() <= 0.5 and np.median(m) > 0.49  # 'the relations are strongly polarized'


def test_a_tie_near_the_bound_with_the_wrong_sign_still_reverses():
    """The bound slows a relation near +-R but is not absorbing: five friends (0.9) and one
    relation at -0.999 between two of them; the pull of the other three reverses it."""
    x = np.full((5, 5), 0.9)
    np.fill_diagonal(x, 0)
    x[0, 1] = x[1, 0] = -0.999
    r = heider_rhs(x, 1.0, ~np.eye(5, dtype=bool))
    assert r[0, 1] > 0
    res = balance_dynamics(x, "heider")
    assert res.status == "balanced" and res.matrix[0, 1] > 0


def test_zachary_karate_club():
    """Start: Zachary's ties (contexts of interaction 0-7) divided by 7 and centred on their
    mean over all pairs. The balanced state puts 33 of the 34 members in the club they
    joined; member 9 (networkx node 8) is misplaced, as in Zachary's own model. What
    [KGG05] report for this network could not be read here (see docs/models/align.md)."""
    g = nx.karate_club_graph()
    w = nx.to_numpy_array(g, weight="weight") / 7.0
    off = ~np.eye(34, dtype=bool)
    res = balance_dynamics(np.where(off, w - w[off].mean(), 0.0), "heider", record_every=0)
    hi = np.array([g.nodes[i]["club"] == "Mr. Hi" for i in range(34)])
    wrong = np.flatnonzero((res.blocs == res.blocs[0]) != hi)
    assert res.status == "balanced" and wrong.tolist() == [8]
