import networkx as nx
import numpy as np
import pytest

from factions.engines.align.graph import (
    SignedGraph,
    as_signed_graph,
    from_networkx,
    read_edges_csv,
    signed_graph,
    to_networkx,
)
from factions.errors import InputError


def test_signed_graph_basic_arrays():
    g = signed_graph([("a", "b", 1), ("c", "b", -1, 2.5)])
    assert g.nodes == ("a", "b", "c")
    assert g.u.tolist() == [0, 1] and g.v.tolist() == [1, 2]
    assert g.sign.tolist() == [1, -1]
    assert g.weight.tolist() == [1.0, 2.5]
    assert not g.is_unit_weight


def test_networkx_roundtrip_keeps_isolates_and_attributes():
    g = signed_graph([("a", "b", 1), ("b", "c", -1, 3)], nodes=["a", "b", "c", "z"])
    back = from_networkx(to_networkx(g))
    assert back.nodes == g.nodes
    assert back.edges() == g.edges()


def test_from_networkx_signed_weight_fallback():
    G = nx.Graph()
    G.add_edge(1, 2, weight=-0.5)
    G.add_edge(2, 3, weight=0.8)
    g = as_signed_graph(G)
    assert g.sign.tolist() == [-1, 1]
    assert g.weight.tolist() == [0.5, 0.8]


def test_from_networkx_rejects_directed_and_unsigned():
    with pytest.raises(InputError, match="undirected"):
        from_networkx(nx.DiGraph([(1, 2)]))
    with pytest.raises(InputError, match="neither"):
        from_networkx(nx.Graph([(1, 2)]))


@pytest.mark.parametrize(
    "edges, message",
    [
        ([("a", "a", 1)], "self-tie"),
        ([("a", "b", "x")], "sign must be a number"),
        ([("a", "b", 0)], "non-zero"),
        ([("a", "b", 1, -2)], "weight must be positive"),
        ([("a", "b", 1), ("b", "a", -1)], "duplicate pair"),
    ],
)
def test_signed_graph_errors(edges, message):
    with pytest.raises(InputError, match=message):
        signed_graph(edges)


def test_unknown_actor_error():
    with pytest.raises(InputError, match="unknown actor 'q'"):
        signed_graph([("a", "q", 1)], nodes=["a", "b"])


def test_read_edges_csv(tmp_path):
    p = tmp_path / "e.csv"
    p.write_text("from,to,sign,weight\nA,B,1,2\n\nB,C,-1,\n")
    g = read_edges_csv(p)
    assert isinstance(g, SignedGraph)
    assert g.edges() == [("A", "B", 1, 2.0), ("B", "C", -1, 1.0)]


@pytest.mark.parametrize(
    "text, message",
    [
        ("from,to\nA,B\n", r":1: missing column\(s\) sign"),
        ("from,to,sign\nA,B,1\nC,C,1\n", r":3: self-tie"),
        ("from,to,sign\nA,B,plus\n", r":2: sign must be a number"),
        ("from,to,sign\nA,B,1\nB,A,1\n", r":3: duplicate pair 'B'-'A' \(first at 2\)"),
        ("from,to,sign\nA,B\n", r":2: expected 3 fields"),
        ("", r":1: empty file"),
    ],
)
def test_read_edges_csv_errors_name_the_line(tmp_path, text, message):
    p = tmp_path / "bad.csv"
    p.write_text(text)
    with pytest.raises(InputError, match=message):
        read_edges_csv(p)


def test_read_edges_csv_missing_file(tmp_path):
    with pytest.raises(InputError, match="cannot read"):
        read_edges_csv(tmp_path / "nope.csv")


def test_frustrated_mask():
    g = signed_graph([("a", "b", 1), ("b", "c", -1), ("a", "c", 1)])
    assert g.frustrated_mask(np.array([0, 0, 1])).tolist() == [False, False, True]
    assert g.frustration_of(np.array([0, 0, 0])) == 1.0


def test_read_edges_csv_accepts_byte_order_mark(tmp_path):
    p = tmp_path / "bom.csv"
    p.write_bytes("\ufefffrom,to,sign\nA,B,-1\n".encode())
    assert read_edges_csv(p).edges() == [("A", "B", -1, 1.0)]


def test_read_edges_csv_rejects_non_utf8(tmp_path):
    p = tmp_path / "latin1.csv"
    p.write_bytes("from,to,sign\nA\xe9,B,1\n".encode("latin-1"))
    with pytest.raises(InputError, match="not UTF-8"):
        read_edges_csv(p)
