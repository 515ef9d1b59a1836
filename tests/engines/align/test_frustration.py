import networkx as nx
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factions.engines.align.frustration import blocks, frustration
from factions.engines.align.graph import read_edges_csv, signed_graph
from factions.engines.align.heuristic import frustration_heuristic
from factions.engines.align.mip import solve_and_model, solve_xor_model
from factions.engines.align.reference import brute_force_frustration
from factions.errors import InputError


@st.composite
def small_signed_graphs(draw, max_nodes=8, weighted=False):
    """Random simple signed graphs on 2..max_nodes nodes (integer weights 1-5 if weighted)."""
    n = draw(st.integers(2, max_nodes))
    pairs = [(i, j) for i in range(n) for j in range(i + 1, n)]
    chosen = draw(st.lists(st.sampled_from(pairs), unique=True, min_size=1, max_size=len(pairs)))
    edges = [(f"n{a}", f"n{b}", draw(st.sampled_from([-1, 1])),
              draw(st.integers(1, 5)) if weighted else 1) for a, b in chosen]
    return signed_graph(edges, nodes=[f"n{i}" for i in range(n)])


FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(small_signed_graphs(max_nodes=8, weighted=True))
def test_exact_equals_brute_force(g):
    r = frustration(g)
    assert r.status == "optimal"
    assert r.value == pytest.approx(brute_force_frustration(g))
    assert r.bound == pytest.approx(r.value)
    assert g.frustration_of(r.labels) == pytest.approx(r.value)


@FAST
@given(small_signed_graphs(max_nodes=9))
def test_and_model_equals_xor_model_without_reduction(g):
    a = solve_and_model(g)
    x = solve_xor_model(g)
    assert a.status == x.status == "optimal"
    assert a.value == pytest.approx(x.value)
    assert frustration(g, method="xor", reduce=False).value == pytest.approx(a.value)


@FAST
@given(small_signed_graphs(max_nodes=9, weighted=True))
def test_heuristic_is_an_upper_bound_and_reported_honestly(g):
    h = frustration_heuristic(g, seed=1)
    assert h.value >= brute_force_frustration(g) - 1e-9
    assert h.value == pytest.approx(g.frustration_of(h.labels))


def test_frustrated_ties_of_an_unbalanced_triangle_with_pendant():
    g = signed_graph([("a", "b", 1), ("b", "c", 1), ("a", "c", -1), ("c", "d", -1)])
    r = frustration(g)
    assert r.value == 1.0 and r.gap == 0.0
    ft = r.frustrated_ties()
    assert len(ft) == 1 and set(ft.columns) == {"a", "b", "sign", "weight"}
    # the pendant negative tie is never frustrated
    assert r.partition["d"] != r.partition["c"]


def test_balanced_graph_has_zero_frustration_and_two_blocs():
    g = signed_graph([("a", "b", 1), ("c", "d", 1), ("a", "c", -1), ("b", "d", -1)])
    r = frustration(g)
    assert r.value == 0.0
    assert r.partition["a"] == r.partition["b"] != r.partition["c"] == r.partition["d"]


def test_blocks_drop_trees_and_split_at_cut_vertices():
    # two triangles sharing node c, plus a pendant path c-x-y
    g = signed_graph([("a", "b", 1), ("b", "c", 1), ("a", "c", 1), ("c", "d", 1),
                      ("d", "e", 1), ("c", "e", 1), ("c", "x", 1), ("x", "y", 1)])
    assert sorted(len(b) for b in blocks(g)) == [3, 3]


def test_index_is_additive_over_blocks():
    rng = np.random.default_rng(3)
    tri = [("a", "b", 1), ("b", "c", 1), ("a", "c", -1)]
    tri2 = [("c", "d", -1), ("d", "e", -1), ("c", "e", -1)]
    r = frustration(signed_graph(tri + tri2), seed=rng)
    assert r.value == 2.0 and r.blocks == 2


def test_weighted_networkx_input():
    G = nx.Graph()
    G.add_edge("a", "b", weight=0.9)
    G.add_edge("b", "c", weight=0.4)
    G.add_edge("a", "c", weight=-0.2)
    assert frustration(G).value == pytest.approx(0.2)


def test_time_limit_returns_best_with_gap():
    rng = np.random.default_rng(0)
    n = 60
    edges = [(i, j, int(rng.choice([-1, 1]))) for i in range(n) for j in range(i + 1, n)
             if rng.random() < 0.5]
    g = signed_graph(edges)
    r = frustration(g, time_limit=0.05)
    assert r.status in {"time_limit", "optimal"}
    assert r.value == pytest.approx(g.frustration_of(r.labels))
    assert r.bound <= r.value
    if r.status == "time_limit":
        assert r.gap > 0


def test_bad_options():
    g = signed_graph([("a", "b", 1)])
    with pytest.raises(InputError, match="method"):
        frustration(g, method="abs")
    with pytest.raises(InputError, match="time_limit"):
        frustration(g, time_limit=-1)
    with pytest.raises(InputError, match="k"):
        frustration_heuristic(g, k=0)


def test_heuristic_is_deterministic():
    rng = np.random.default_rng(5)
    edges = [(i, j, int(rng.choice([-1, 1]))) for i in range(30) for j in range(i + 1, 30)
             if rng.random() < 0.3]
    g = signed_graph(edges)
    a, b = frustration_heuristic(g, seed=7), frustration_heuristic(g, seed=7)
    assert a.value == b.value and np.array_equal(a.labels, b.labels)


@st.composite
def float_weighted_graphs(draw, max_nodes=7):
    n = draw(st.integers(3, max_nodes))
    pairs = [(i, j) for i in range(n) for j in range(i + 1, n)]
    chosen = draw(st.lists(st.sampled_from(pairs), unique=True, min_size=2, max_size=len(pairs)))
    return signed_graph([(a, b, draw(st.sampled_from([-1, 1])),
                          draw(st.floats(0.05, 1.0, allow_nan=False))) for a, b in chosen],
                        nodes=range(n))


@FAST
@given(float_weighted_graphs())
def test_real_weights_equal_brute_force(g):
    """Non-integer weights take the other stopping rule (relative gap, not value - bound < 1)."""
    r = frustration(g)
    assert r.status == "optimal"
    assert r.value == pytest.approx(brute_force_frustration(g), abs=1e-7)
    assert r.bound == pytest.approx(r.value, abs=1e-7)


def test_edges_csv_to_frustration(tmp_path):
    p = tmp_path / "e.csv"
    p.write_text("from,to,sign\nA,B,1\nB,C,1\nA,C,-1\nC,D,-1\nD,A,1\n")
    r = frustration(read_edges_csv(p))
    assert r.value == 1 and r.status == "optimal"


def test_solver_writes_nothing_on_stdout():
    """HiGHS prints a banner on stdout at first construction; it must not reach stdout
    (the CLI's --json output would be corrupted)."""
    import subprocess
    import sys

    code = ("from factions.engines.align import frustration, signed_graph; "
            "r = frustration(signed_graph([('a','b',1),('b','c',1),('a','c',-1)])); "
            "assert r.value == 1")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout == ""
