import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factions.engines.align.graph import signed_graph
from factions.engines.align.kblocs import k_blocs
from factions.engines.align.reference import brute_force_frustration
from factions.errors import InputError


@st.composite
def graphs(draw, max_nodes=7):
    n = draw(st.integers(2, max_nodes))
    pairs = [(i, j) for i in range(n) for j in range(i + 1, n)]
    chosen = draw(st.lists(st.sampled_from(pairs), unique=True, min_size=1, max_size=len(pairs)))
    return signed_graph([(a, b, draw(st.sampled_from([-1, 1])), draw(st.integers(1, 3)))
                         for a, b in chosen], nodes=range(n))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(graphs(), st.integers(2, 4))
def test_k_bloc_mip_equals_brute_force(g, k):
    r = k_blocs(g, k, exact=True)
    assert r.status == "optimal"
    assert r.value == pytest.approx(brute_force_frustration(g, k))
    assert r.n_blocs <= k


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(graphs(), st.integers(2, 4))
def test_k_bloc_heuristic_upper_bound(g, k):
    r = k_blocs(g, k, exact=False, seed=2)
    assert r.status == "heuristic" and np.isnan(r.bound)
    assert r.value >= brute_force_frustration(g, k) - 1e-9


def test_three_mutually_hostile_cliques():
    edges = []
    groups = [["a1", "a2", "a3"], ["b1", "b2"], ["c1", "c2", "c3"]]
    for grp in groups:
        edges += [(x, y, 1) for i, x in enumerate(grp) for y in grp[i + 1:]]
    for i, g1 in enumerate(groups):
        for g2 in groups[i + 1:]:
            edges += [(x, y, -1) for x in g1 for y in g2]
    g = signed_graph(edges)
    assert k_blocs(g, 3).value == 0.0
    assert k_blocs(g, 3).n_blocs == 3
    assert k_blocs(g, 2).value > 0


def test_more_blocs_never_hurt():
    rng = np.random.default_rng(4)
    edges = [(i, j, int(rng.choice([-1, 1]))) for i in range(9) for j in range(i + 1, 9)
             if rng.random() < 0.6]
    g = signed_graph(edges)
    values = [k_blocs(g, k).value for k in (1, 2, 3, 4)]
    assert all(a >= b for a, b in zip(values, values[1:], strict=False))


@pytest.mark.parametrize("k", [0, -1, 2.5, True])
def test_bad_k(k):
    with pytest.raises(InputError, match="k"):
        k_blocs(signed_graph([("a", "b", 1)]), k)
