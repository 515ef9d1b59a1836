"""Exact frustration index (line index of balance) of a signed graph, by HiGHS.

The public entry point is :func:`frustration`; models live in :mod:`.mip`, the warm start
in :mod:`.heuristic`.
"""

from __future__ import annotations

__all__ = ["FrustrationResult", "frustration", "blocks"]

import time
from dataclasses import dataclass, field

import networkx as nx
import numpy as np
import pandas as pd

from factions.engines.align.graph import SignedGraph, as_signed_graph
from factions.engines.align.heuristic import frustration_heuristic
from factions.engines.align.mip import solve_and_model, solve_xor_model
from factions.errors import InputError

_METHODS = ("and", "xor")


@dataclass(frozen=True)
class FrustrationResult:
    """Frustration index of a signed graph and one partition attaining it.

    Attributes
    ----------
    value : float
        Total weight of frustrated ties under ``labels`` (the index when ``status`` is
        ``'optimal'``; an upper bound otherwise).
    bound : float
        Proven lower bound (equal to ``value`` when optimal).
    status : str
        ``'optimal'``, ``'time_limit'`` (best found, see ``gap``) or ``'heuristic'``.
    labels : ndarray of int64
        Bloc (0 or 1) of each node of ``graph``.
    graph : SignedGraph
        The graph solved.
    seconds : float
        Wall time.
    blocks : int
        Biconnected blocks (with a cycle) solved as separate models.
    """

    value: float
    bound: float
    status: str
    labels: np.ndarray
    graph: SignedGraph = field(repr=False)
    seconds: float = 0.0
    blocks: int = 0

    @property
    def gap(self) -> float:
        """Relative optimality gap ``(value - bound) / value`` (0 when optimal)."""
        if self.value <= 0:
            return 0.0
        return max(0.0, (self.value - self.bound) / self.value)

    @property
    def partition(self) -> dict:
        """Node label -> bloc."""
        return dict(zip(self.graph.nodes, self.labels.tolist(), strict=True))

    @property
    def frustrated_mask(self) -> np.ndarray:
        """Boolean mask over the graph's ties."""
        return self.graph.frustrated_mask(self.labels)

    def frustrated_ties(self) -> pd.DataFrame:
        """Frustrated ties: columns ``a, b, sign, weight``."""
        g, mask = self.graph, self.frustrated_mask
        return pd.DataFrame({
            "a": [g.nodes[i] for i in g.u[mask]],
            "b": [g.nodes[i] for i in g.v[mask]],
            "sign": g.sign[mask].astype(int),
            "weight": g.weight[mask],
        })


def blocks(graph: SignedGraph) -> list[np.ndarray]:
    """Node sets of the biconnected blocks of the 2-core that contain a cycle.

    Ties outside these blocks (trees hanging off the core, bridges) are never frustrated
    in an optimal partition, and the index is the sum of the blocks' indices.
    """
    nxg = nx.Graph()
    nxg.add_nodes_from(range(graph.n))
    nxg.add_edges_from(zip(graph.u.tolist(), graph.v.tolist(), strict=True))
    core = nx.k_core(nxg, 2)
    return [np.asarray(sorted(b), dtype=np.int64)
            for b in nx.biconnected_components(core) if len(b) >= 3]


def frustration(
    graph: SignedGraph | nx.Graph,
    *,
    time_limit: float | None = None,
    method: str = "and",
    seed: int | np.random.Generator = 0,
    reduce: bool = True,
) -> FrustrationResult:
    """Exact frustration index for two blocs, as a mixed-integer program solved by HiGHS.

    The frustration index (line index of balance) is the minimum total weight of ties that
    must be removed (equivalently, whose sign must change) to make the graph balanced:
    negative ties only between two blocs, positive ties only inside them.

    Parameters
    ----------
    graph : SignedGraph or networkx.Graph
        Signed weighted graph (networkx edges need a ``sign`` or signed ``weight``).
    time_limit : float, optional
        Seconds for all solves together. On expiry the best partition found is returned
        with ``status='time_limit'`` and its proven ``bound`` and ``gap``.
    method : {'and', 'xor'}
        ``'and'`` (default, fastest): AND model with root fixing and triangle inequalities.
        ``'xor'``: plain XOR model, kept as an independent check.
    seed : int or numpy.random.Generator
        Seed of the heuristic used when the time limit expires before HiGHS has an
        incumbent (HiGHS's own seed is fixed, so results are deterministic).
    reduce : bool
        Solve the biconnected blocks of the 2-core separately (exact; see Notes).

    Returns
    -------
    FrustrationResult

    Raises
    ------
    InputError
        Unknown ``method`` or negative ``time_limit``.

    Notes
    -----
    With ``x_i \\in \\{0,1\\}`` the bloc of node *i* and ``y_ij = x_i x_j``, the AND model of
    Aref, Mason & Wilson [2]_ is

    .. math:: \\min \\sum_{(ij)\\in E^+} w_{ij}(x_i + x_j - 2y_{ij})
              + \\sum_{(ij)\\in E^-} w_{ij}(1 - x_i - x_j + 2y_{ij})

    s.t. ``y_ij <= x_i, y_ij <= x_j`` on positive ties and ``y_ij >= x_i + x_j - 1`` on
    negative ties. Speed-ups kept from [2]_: the highest-degree node is fixed to bloc 1
    (switching symmetry), triangle valid inequalities (only the facet
    ``x_i + x_j + x_k - y_ij - y_ik - y_jk <= 1`` on triangles with a negative tie, the
    fastest subset we measured). Dropped: branching priorities (HiGHS has none) and the
    heuristic warm start: passed with ``Highs.setSolution``, HiGHS 1.16 reported an
    objective and bound below the true optimum on CoW windows; passed as an objective
    cutoff, the 51 CoW windows took twice as long (11.6 s vs 6.5 s CPU). The heuristic is
    used when the time limit expires (the better of its partition and HiGHS's incumbent).

    Our additions: the graph is reduced to its 2-core (a pendant tree is always
    satisfiable) and split into biconnected blocks, solved separately, because a partition
    of each block can be switched to agree with the others at cut vertices, so the index is
    additive over blocks; with integer weights HiGHS stops as soon as ``value - bound < 1``
    (the index is then proven). The XOR model [1]_ uses ``f_ij = x_i XOR x_j`` instead.

    References
    ----------
    .. [1] Aref, S., Mason, A. J., & Wilson, M. C. (2018). Computing the line index of
       balance using integer programming optimisation. In Optimization Problems in Graph
       Theory (pp. 65-84). Springer.
    .. [2] Aref, S., Mason, A. J., & Wilson, M. C. (2020). A modeling and computational
       study of the frustration index in signed networks. Networks, 75(1), 95-110.
    .. [3] Harary, F. (1959). On the measurement of structural balance. Behavioral
       Science, 4(4), 316-323.
    """
    g = as_signed_graph(graph)
    if method not in _METHODS:
        raise InputError(f"method must be one of {', '.join(_METHODS)}, got {method!r}")
    if time_limit is not None and not time_limit >= 0:
        raise InputError(f"time_limit must be >= 0 seconds, got {time_limit!r}")
    t0 = time.perf_counter()
    rng = np.random.default_rng(seed)
    parts = blocks(g) if reduce else [np.arange(g.n)] if g.m else []
    value = bound = 0.0
    status = "optimal"
    frustrated = np.zeros(g.m, dtype=bool)
    for nodes in parts:
        sub, ties = g.subgraph(nodes)
        remaining = None if time_limit is None else time_limit - (time.perf_counter() - t0)
        labels, v, b, st = _solve_block(sub, method, remaining, rng)
        frustrated[ties] = sub.frustrated_mask(labels)
        value += v
        bound += b
        if st != "optimal":
            status = st
    labels = _colour(g, frustrated)
    return FrustrationResult(g.frustration_of(labels), min(bound, value), status, labels, g,
                             time.perf_counter() - t0, len(parts))


def _solve_block(sub: SignedGraph, method, time_limit, rng):
    balanced = _colour(sub, np.zeros(sub.m, dtype=bool))
    if not sub.frustrated_mask(balanced).any():
        return balanced, 0.0, 0.0, "optimal"
    integral = sub.has_integer_weights
    if method == "xor":
        sol = solve_xor_model(sub, time_limit)
    else:
        sol = solve_and_model(sub, time_limit=time_limit, abs_gap=1 - 1e-6 if integral else 1e-6)
    bound = max(float(np.ceil(sol.bound - 1e-6)) if integral else sol.bound, 0.0)
    if sol.status != "optimal":  # time ran out: keep the better of HiGHS and the heuristic
        heur = frustration_heuristic(sub, 2, seed=rng)
        if sol.labels is None or heur.value < sol.value:
            return heur.labels, heur.value, min(bound, heur.value), "time_limit"
    if sol.status == "optimal" and sol.value - bound < (1.0 if integral else 1e-6):
        bound = sol.value
    return sol.labels, sol.value, min(bound, sol.value), sol.status


def _colour(g: SignedGraph, frustrated: np.ndarray) -> np.ndarray:
    """2-colour the nodes so that exactly the ties in ``frustrated`` are frustrated.

    A tie should join equal blocs iff (positive and not frustrated) or (negative and
    frustrated). Where that is inconsistent (an odd cycle of 'different' relations) the
    BFS keeps the first colour met; callers pass consistent patterns or accept that.
    """
    same = (g.sign > 0) != frustrated
    nxg = nx.Graph()
    nxg.add_nodes_from(range(g.n))
    for e in range(g.m):
        nxg.add_edge(int(g.u[e]), int(g.v[e]), same=bool(same[e]))
    labels = np.full(g.n, -1, dtype=np.int64)
    for comp in nx.connected_components(nxg):
        root = min(comp)
        labels[root] = 0
        for a, b in nx.bfs_edges(nxg, root):
            labels[b] = labels[a] if nxg.edges[a, b]["same"] else 1 - labels[a]
    return labels
