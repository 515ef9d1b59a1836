"""Signed, weighted graphs: the one data structure every alignment routine works on.

A :class:`SignedGraph` is an undirected simple graph whose ties carry a sign (+1 alliance,
-1 hostility) and a positive weight (strength). It is stored as flat numpy arrays so the
numerical kernels (HiGHS models, numba local search) can read it directly; conversion to and
from :mod:`networkx` and an edge-list CSV reader sit at the boundary and validate once.
"""

from __future__ import annotations

__all__ = [
    "SignedGraph",
    "signed_graph",
    "as_signed_graph",
    "from_networkx",
    "to_networkx",
    "read_edges_csv",
]

import csv
import io
import math
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import networkx as nx
import numpy as np

from factions.errors import InputError


@dataclass(frozen=True)
class SignedGraph:
    """An undirected signed weighted simple graph on labelled nodes.

    Attributes
    ----------
    nodes : tuple of hashable
        Node labels; node ``i`` of every array below is ``nodes[i]``.
    u, v : ndarray of int64, shape (m,)
        End points of each tie, ``u[e] < v[e]``.
    sign : ndarray of int8, shape (m,)
        +1 (positive tie) or -1 (negative tie).
    weight : ndarray of float64, shape (m,)
        Strictly positive tie weights (1.0 for unweighted networks).
    """

    nodes: tuple[Hashable, ...]
    u: np.ndarray
    v: np.ndarray
    sign: np.ndarray
    weight: np.ndarray

    @property
    def n(self) -> int:
        """Number of nodes."""
        return len(self.nodes)

    @property
    def m(self) -> int:
        """Number of ties."""
        return int(self.u.shape[0])

    @property
    def signed_weight(self) -> np.ndarray:
        """``sign * weight`` per tie."""
        return self.sign * self.weight

    @property
    def is_unit_weight(self) -> bool:
        """True when every weight is 1 (objective values are then integers)."""
        return bool(np.all(self.weight == 1.0))

    @property
    def has_integer_weights(self) -> bool:
        """True when every weight is integral (lets the exact solver stop at gap < 1)."""
        return bool(np.all(self.weight == np.round(self.weight)))

    def index(self) -> dict[Hashable, int]:
        """Map node label -> position."""
        return {node: i for i, node in enumerate(self.nodes)}

    def edges(self) -> list[tuple[Hashable, Hashable, int, float]]:
        """Ties as ``(a, b, sign, weight)`` tuples with node labels."""
        return [
            (self.nodes[a], self.nodes[b], int(s), float(w))
            for a, b, s, w in zip(self.u, self.v, self.sign, self.weight, strict=True)
        ]

    def subgraph(self, node_ids: Sequence[int]) -> tuple[SignedGraph, np.ndarray]:
        """Induced subgraph on positions ``node_ids``; returns it and the kept tie indices."""
        node_ids = np.asarray(node_ids, dtype=np.int64)
        pos = np.full(self.n, -1, dtype=np.int64)
        pos[node_ids] = np.arange(node_ids.size)
        keep = np.flatnonzero((pos[self.u] >= 0) & (pos[self.v] >= 0))
        a, b = pos[self.u[keep]], pos[self.v[keep]]
        sub = SignedGraph(
            tuple(self.nodes[i] for i in node_ids),
            np.minimum(a, b),
            np.maximum(a, b),
            self.sign[keep],
            self.weight[keep],
        )
        return sub, keep

    def frustration_of(self, labels: np.ndarray) -> float:
        """Total weight of ties frustrated by bloc labels (negative inside, positive across)."""
        return float(self.weight[self.frustrated_mask(labels)].sum())

    def frustrated_mask(self, labels: np.ndarray) -> np.ndarray:
        """Boolean mask of ties frustrated by ``labels`` (one integer bloc label per node)."""
        labels = np.asarray(labels)
        same = labels[self.u] == labels[self.v]
        return np.where(self.sign > 0, ~same, same)


def signed_graph(
    edges: Iterable[Sequence], nodes: Iterable[Hashable] | None = None, source: str = "<edges>"
) -> SignedGraph:
    """Build a validated :class:`SignedGraph` from ``(a, b, sign[, weight])`` tuples.

    Parameters
    ----------
    edges : iterable of tuples
        ``(a, b, sign)`` or ``(a, b, sign, weight)``. ``sign`` is any non-zero number
        (only its sign is kept); ``weight`` defaults to 1 and must be positive and finite.
    nodes : iterable of hashable, optional
        Node labels (also isolated ones). When given, every tie end must be among them.
    source : str
        Name used in error messages.

    Returns
    -------
    SignedGraph

    Raises
    ------
    InputError
        Self-ties, zero or non-numeric signs, non-positive weights, duplicate pairs, or tie
        ends not among ``nodes``; the message names the offending tie (1-based).
    """
    rows = []
    for k, edge in enumerate(edges, start=1):
        if len(edge) not in (3, 4):
            raise InputError(f"{source}: tie {k} must be (from, to, sign[, weight]), got {edge!r}")
        rows.append((k, *edge) if len(edge) == 4 else (k, *edge, 1.0))
    return _build(rows, nodes, lambda k: f"{source}: tie {k}")


def _build(rows, nodes, where) -> SignedGraph:
    known = None if nodes is None else list(dict.fromkeys(nodes))
    index: dict[Hashable, int] = {} if known is None else {x: i for i, x in enumerate(known)}
    order = [] if known is None else known
    seen: dict[tuple[int, int], int] = {}
    u, v, s, w = [], [], [], []
    for k, a, b, sign, weight in rows:
        for end in (a, b):
            if end not in index:
                if known is not None:
                    raise InputError(f"{where(k)}: unknown actor {end!r}")
                index[end] = len(order)
                order.append(end)
        if a == b:
            raise InputError(f"{where(k)}: self-tie {a!r}-{b!r} is not allowed")
        sgn = _number(sign, "sign", where(k))
        if sgn == 0:
            raise InputError(f"{where(k)}: sign must be non-zero (+1 or -1), got {sign!r}")
        wt = _number(weight, "weight", where(k))
        if not wt > 0:
            raise InputError(f"{where(k)}: weight must be positive, got {weight!r}")
        i, j = sorted((index[a], index[b]))
        if (i, j) in seen:
            raise InputError(f"{where(k)}: duplicate pair {a!r}-{b!r} (first at {seen[(i, j)]})")
        seen[(i, j)] = k
        u.append(i)
        v.append(j)
        s.append(1 if sgn > 0 else -1)
        w.append(wt)
    return SignedGraph(
        tuple(order),
        np.asarray(u, dtype=np.int64),
        np.asarray(v, dtype=np.int64),
        np.asarray(s, dtype=np.int8),
        np.asarray(w, dtype=np.float64),
    )


def _number(value, field: str, where: str) -> float:
    if isinstance(value, bool):
        raise InputError(f"{where}: {field} must be a number, got {value!r}")
    try:
        x = float(str(value).strip()) if isinstance(value, str) else float(value)
    except (TypeError, ValueError):
        raise InputError(f"{where}: {field} must be a number, got {value!r}") from None
    if not math.isfinite(x):
        raise InputError(f"{where}: {field} must be finite, got {value!r}")
    return x


def read_edges_csv(path: str | Path) -> SignedGraph:
    """Read a signed edge list from a CSV file with header ``from,to,sign[,weight]``.

    Parameters
    ----------
    path : str or Path
        CSV file. Extra columns are ignored; blank lines are skipped.

    Returns
    -------
    SignedGraph

    Raises
    ------
    InputError
        Missing file or columns, self-ties, non-numeric or zero signs, bad weights,
        duplicate pairs; messages read ``file:line: problem``.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(f"{path}: cannot read edge list ({exc.strerror})") from None
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    fh = io.StringIO(text, newline="")
    with fh:
        reader = csv.reader(fh)
        header = next(reader, None)
        if header is None:
            raise InputError(f"{path}:1: empty file; expected header from,to,sign[,weight]")
        cols = [h.strip().lower() for h in header]
        missing = [c for c in ("from", "to", "sign") if c not in cols]
        if missing:
            raise InputError(
                f"{path}:1: missing column(s) {', '.join(missing)}; expected from,to,sign[,weight]"
            )
        ia, ib, isg = cols.index("from"), cols.index("to"), cols.index("sign")
        iw = cols.index("weight") if "weight" in cols else None
        rows = []
        for line, rec in enumerate(reader, start=2):
            if not rec or all(not c.strip() for c in rec):
                continue
            need = max(ia, ib, isg, iw if iw is not None else 0)
            if len(rec) <= need:
                raise InputError(f"{path}:{line}: expected {len(cols)} fields, got {len(rec)}")
            a, b = rec[ia].strip(), rec[ib].strip()
            if not a or not b:
                raise InputError(f"{path}:{line}: empty 'from' or 'to'")
            weight = rec[iw] if iw is not None and rec[iw].strip() else 1.0
            rows.append((line, a, b, rec[isg], weight))
    return _build(rows, None, lambda k: f"{path}:{k}")


def from_networkx(graph: nx.Graph, sign: str = "sign", weight: str = "weight") -> SignedGraph:
    """Convert an undirected networkx graph with signed ties.

    Parameters
    ----------
    graph : networkx.Graph
        Each edge needs attribute ``sign`` (non-zero number) or, failing that, a signed
        ``weight``. Node order is kept; isolated nodes are kept.
    sign, weight : str
        Edge attribute names. When ``sign`` is present, ``weight`` (default 1) is the
        tie strength and must be positive; otherwise ``weight`` itself is signed.

    Returns
    -------
    SignedGraph

    Raises
    ------
    InputError
        Directed or multi-graphs, edges without a sign, self-loops, zero signs.
    """
    if graph.is_directed() or graph.is_multigraph():
        raise InputError("networkx graph must be undirected and simple (nx.Graph)")
    rows = []
    for k, (a, b, data) in enumerate(graph.edges(data=True), start=1):
        if sign in data:
            rows.append((k, a, b, data[sign], data.get(weight, 1.0)))
        elif weight in data:
            rows.append((k, a, b, data[weight], abs(_number(data[weight], weight, f"edge {k}"))))
        else:
            raise InputError(f"edge {a!r}-{b!r} has neither a {sign!r} nor a {weight!r} attribute")
    return _build(rows, list(graph.nodes), lambda k: f"networkx edge {k}")


def to_networkx(graph: SignedGraph) -> nx.Graph:
    """Return an ``nx.Graph`` with edge attributes ``sign`` (+1/-1) and ``weight`` (> 0)."""
    out = nx.Graph()
    out.add_nodes_from(graph.nodes)
    for a, b, s, w in graph.edges():
        out.add_edge(a, b, sign=s, weight=w)
    return out


def as_signed_graph(graph: SignedGraph | nx.Graph) -> SignedGraph:
    """Accept a :class:`SignedGraph` or a networkx graph (converted with defaults)."""
    if isinstance(graph, SignedGraph):
        return graph
    if isinstance(graph, nx.Graph):
        return from_networkx(graph)
    raise InputError(f"expected a SignedGraph or networkx.Graph, got {type(graph).__name__}")
