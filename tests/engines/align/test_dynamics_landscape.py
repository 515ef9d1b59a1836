"""Landscape theory of aggregation (Axelrod & Bennett 1993): properties checked by
exhaustive enumeration (their 17-nation inputs were not available; see docs)."""

import itertools

import numpy as np
import pytest

from factions.engines.align import (
    balance_dynamics,
    frustration,
    landscape_energy,
    landscape_minima,
    landscape_reachable,
    signed_graph,
)


def _propensities(n, seed):
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, size=(n, n))
    x = np.triu(x, 1)
    return x + x.T


def _all_configs(n):
    for bits in itertools.product((0, 1), repeat=n - 1):
        yield np.array((0, *bits))


def _is_local_min(x, sizes, labels):
    e = landscape_energy(x, sizes, labels)
    for i in range(labels.size):
        other = labels.copy()
        other[i] = 1 - other[i]
        if landscape_energy(x, sizes, other) < e - 1e-12:
            return False
    return True


def test_minima_are_exactly_the_configurations_no_actor_can_improve():
    x = _propensities(9, 0)
    sizes = np.random.default_rng(1).uniform(0.5, 3, 9)
    found = landscape_minima(x, sizes)
    brute = {frozenset(np.flatnonzero(c).tolist()) for c in _all_configs(9)
             if _is_local_min(x, sizes, c)}
    assert {frozenset(c) for c in found["coalition_1"]} == brute
    assert found["basin"].sum() == 2 ** 8  # every configuration descends to one minimum
    assert len(found) >= 2  # a rugged landscape: several local minima


def test_myopic_runs_end_in_local_minima_and_never_raise_the_energy():
    x = _propensities(8, 2)
    sizes = np.random.default_rng(3).uniform(0.5, 3, 8)
    minima = {frozenset(c) for c in landscape_minima(x, sizes)["coalition_1"]}
    for seed, start in enumerate(_all_configs(8)):
        res = balance_dynamics(x, "landscape", sizes=sizes, start=start, seed=seed)
        assert res.status == "local_minimum"
        assert frozenset(np.flatnonzero(res.blocs).tolist()) in minima
        e = res.summary["energy"].to_numpy()
        assert np.all(np.diff(e) <= 1e-12)
        assert res.extra["energy"] == pytest.approx(landscape_energy(x, sizes, res.blocs))


def test_reachable_minima_are_the_myopic_outcomes_from_a_start():
    """From one start, random move orders reach exactly the minima that the breadth-first
    search over improving moves finds (here 3 of the landscape's 6 minima)."""
    x = _propensities(10, 4)
    start = np.array([0, 1] * 5)
    reach = {frozenset(c) for c in landscape_reachable(x, start)["coalition_1"]}
    every = {frozenset(c) for c in landscape_minima(x)["coalition_1"]}
    seen = {frozenset(np.flatnonzero(balance_dynamics(x, "landscape", start=start,
                                                      seed=s).blocs).tolist())
            for s in range(200)}
    assert seen == reach and reach < every


def test_energy_is_the_frustration_of_the_size_weighted_network_minus_a_constant():
    """E(X) = sum over pairs apart of s_i s_j p_ij is, up to the constant
    -sum_{p_ij < 0} s_i s_j |p_ij|, the frustration of the signed network with weights
    s_i s_j |p_ij|: the global minimum of the landscape is the exact frustration index."""
    x = _propensities(10, 5)
    sizes = np.random.default_rng(6).uniform(0.5, 3, 10)
    w = sizes[:, None] * sizes[None, :] * x
    ties = [(i, j, np.sign(w[i, j]), abs(w[i, j])) for i in range(10) for j in range(i + 1, 10)]
    g = signed_graph(ties, nodes=range(10))
    const = np.triu(np.where(w < 0, w, 0.0), 1).sum()
    for c in itertools.islice(_all_configs(10), 0, 512, 37):
        assert landscape_energy(x, sizes, c) == pytest.approx(g.frustration_of(c) + const)
    best = landscape_minima(x, sizes)["energy"].min()
    assert best == pytest.approx(frustration(g).value + const, abs=1e-6)


def test_sizes_weight_the_propensities():
    """A and B are hostile; C likes both, B twice as much. With equal sizes C joins B; once
    A is three times larger, C joins A (the size-weighted pull 3*0.4 > 1*0.8)."""
    x = np.array([[0, -1, 0.4], [-1, 0, 0.8], [0.4, 0.8, 0]])
    start = [0, 1, 0]
    same = balance_dynamics(x, "landscape", start=start, nodes=list("ABC"))
    big_a = balance_dynamics(x, "landscape", start=[0, 1, 1], nodes=list("ABC"),
                             sizes={"A": 3, "B": 1, "C": 1})
    assert same.partition()["C"] == same.partition()["B"]
    assert big_a.partition()["C"] == big_a.partition()["A"]
    assert same.status == big_a.status == "local_minimum"
