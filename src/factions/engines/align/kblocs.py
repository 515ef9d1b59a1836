"""Up to k blocs: Davis's clusterability index, exact (HiGHS) on small networks."""

from __future__ import annotations

__all__ = ["k_blocs", "BlocResult"]

import time
from dataclasses import dataclass, field

import networkx as nx
import numpy as np

from factions.engines.align.frustration import frustration
from factions.engines.align.graph import SignedGraph, as_signed_graph
from factions.engines.align.heuristic import _relabel, frustration_heuristic
from factions.engines.align.mip import _Model
from factions.errors import InputError


@dataclass(frozen=True)
class BlocResult:
    """Best partition into at most ``k`` blocs.

    Attributes
    ----------
    value : float
        Weight of ties negative inside or positive across blocs under ``labels``.
    bound : float
        Proven lower bound (``nan`` for heuristic results).
    status : str
        ``'optimal'``, ``'time_limit'`` or ``'heuristic'``.
    labels : ndarray of int64
        Bloc of each node, numbered by first appearance.
    k : int
        Maximum number of blocs.
    """

    value: float
    bound: float
    status: str
    labels: np.ndarray
    k: int
    graph: SignedGraph = field(repr=False)
    seconds: float = 0.0

    @property
    def partition(self) -> dict:
        """Node label -> bloc."""
        return dict(zip(self.graph.nodes, self.labels.tolist(), strict=True))

    @property
    def n_blocs(self) -> int:
        """Number of non-empty blocs used."""
        return int(np.unique(self.labels).size)


def k_blocs(
    graph: SignedGraph | nx.Graph,
    k: int = 2,
    *,
    exact: bool | None = None,
    max_exact_nodes: int = 40,
    time_limit: float | None = None,
    seed: int | np.random.Generator = 0,
) -> BlocResult:
    """Partition a signed graph into at most ``k`` blocs minimising frustrated ties.

    Parameters
    ----------
    graph : SignedGraph or networkx.Graph
        Signed weighted graph.
    k : int
        Maximum number of blocs. ``k = 2`` is the frustration index (solved by
        :func:`frustration`); ``k > 2`` is Davis's clusterability, where a negative tie
        between two blocs is never frustrated.
    exact : bool, optional
        Force the MIP (True) or the heuristic (False). Default: exact when
        ``n <= max_exact_nodes`` (always for ``k = 2``).
    max_exact_nodes : int
        Size above which the default switches to the heuristic for ``k > 2``.
    time_limit : float, optional
        Seconds for the MIP; on expiry the best partition and bound are returned.
    seed : int or numpy.random.Generator
        Seed of the heuristic.

    Returns
    -------
    BlocResult

    Raises
    ------
    InputError
        ``k`` not a positive integer.

    Notes
    -----
    Exact model (k > 2): binary ``x_ic`` (node *i* in bloc *c*), ``sum_c x_ic = 1``, and a
    continuous ``y_ij`` meaning "same bloc". Objective
    ``sum_+ w (1 - y) + sum_- w y``; positive ties get ``y_ij <= 1 - x_ic + x_jc`` for every
    *c* (y can be 1 only if j follows i), negative ties ``y_ij >= x_ic + x_jc - 1``.
    Symmetry between bloc labels is broken by letting the r-th node (by degree) use only
    blocs ``0..r``. The number of variables is ``nk + m``, so it is meant for the tens of
    actors of a scenario; beyond that the iterated local search of
    :func:`frustration_heuristic` gives an upper bound.

    References
    ----------
    .. [1] Davis, J. A. (1967). Clustering and structural balance in graphs. Human
       Relations, 20(2), 181-187.
    .. [2] Doreian, P., & Mrvar, A. (2009). Partitioning signed social networks. Social
       Networks, 31(1), 1-11.
    """
    g = as_signed_graph(graph)
    if isinstance(k, bool) or int(k) != k or k < 1:
        raise InputError(f"k (number of blocs) must be a positive integer, got {k!r}")
    k = int(k)
    t0 = time.perf_counter()
    if k == 1:
        labels = np.zeros(g.n, dtype=np.int64)
        v = g.frustration_of(labels)
        return BlocResult(v, v, "optimal", labels, 1, g, time.perf_counter() - t0)
    if exact is None:
        exact = k == 2 or g.n <= max_exact_nodes
    if exact and k == 2:
        r = frustration(g, time_limit=time_limit, seed=seed)
        return BlocResult(r.value, r.bound, r.status, _relabel(r.labels), 2, g, r.seconds)
    if not exact:
        h = frustration_heuristic(g, k, seed=seed)
        return BlocResult(h.value, float("nan"), "heuristic", h.labels, k, g,
                          time.perf_counter() - t0)
    labels, bound, status = _solve_k(g, k, time_limit, seed)
    return BlocResult(g.frustration_of(labels), bound, status, _relabel(labels), k, g,
                      time.perf_counter() - t0)


def _solve_k(g: SignedGraph, k: int, time_limit, seed):
    n, w = g.n, g.weight
    pos = g.sign > 0
    model = _Model()
    x = model.cols(np.zeros(n * k), 0.0, 1.0, integer=True).reshape(n, k)
    y = model.cols(np.where(pos, -w, w), 0.0, 1.0, integer=False)
    model.offset = float(w[pos].sum())
    deg = np.bincount(np.concatenate([g.u, g.v]), minlength=n)
    for rank, i in enumerate(np.argsort(-deg, kind="stable")):
        model.row(x[i], np.ones(k), lo=1.0, hi=1.0)
        for c in range(rank + 1, k):
            model.ub[x[i, c]] = 0.0
    for e in range(g.m):
        a, b = g.u[e], g.v[e]
        for c in range(k):
            if pos[e]:
                model.row([y[e], x[a, c], x[b, c]], [1.0, 1.0, -1.0], hi=1.0)
            else:
                model.row([y[e], x[a, c], x[b, c]], [1.0, -1.0, -1.0], lo=-1.0)
    integral = g.has_integer_weights
    sol, value, bound, status = model.solve(time_limit, 1 - 1e-6 if integral else 1e-6)
    if sol is None:
        h = frustration_heuristic(g, k, seed=seed)
        return h.labels, max(bound, 0.0), "time_limit"
    labels = np.argmax(np.rint(sol[x.ravel()]).reshape(n, k), axis=1)
    value = g.frustration_of(labels)
    if integral:
        bound = float(np.ceil(bound - 1e-6))
    if status == "optimal" and value - bound < (1.0 if integral else 1e-6):
        bound = value
    return labels, min(bound, value), status
