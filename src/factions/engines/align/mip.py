"""HiGHS models of the 2-bloc frustration index (AND and XOR formulations of Aref et al.).

Internal: callers pass a validated, connected :class:`SignedGraph` block. See
``docs/models/align.md`` for the equations.
"""

from __future__ import annotations

__all__ = ["MipSolution", "solve_and_model", "solve_xor_model", "triangles"]

import ctypes
import os
import sys
from dataclasses import dataclass

import highspy
import numpy as np

from factions.engines.align.graph import SignedGraph


@dataclass(frozen=True)
class MipSolution:
    """Outcome of one HiGHS solve: labels (0/1 per node), objective, bound, status."""

    labels: np.ndarray | None
    value: float
    bound: float
    status: str


_BANNER_REDIRECTED = False


def _highs() -> highspy.Highs:
    """A new ``Highs``; the first one is built with stdout sent to the null device, because
    HiGHS prints its banner on stdout when first constructed (before ``output_flag`` can be
    set), which would corrupt ``--json`` output and clutter the console."""
    global _BANNER_REDIRECTED
    if _BANNER_REDIRECTED:
        return highspy.Highs()
    sys.stdout.flush()
    saved = os.dup(1)
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, 1)
        h = highspy.Highs()
        try:  # flush C stdio buffers while fd 1 still points at the null device
            ctypes.CDLL(None).fflush(None)
        except (OSError, TypeError, AttributeError):
            pass
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(null)
    _BANNER_REDIRECTED = True
    return h


class _Model:
    """Collect columns and rows, then hand them to HiGHS in one call each."""

    def __init__(self) -> None:
        self.cost: list[float] = []
        self.lb: list[float] = []
        self.ub: list[float] = []
        self.integer: list[int] = []
        self.rows: list[tuple[list[int], list[float], float, float]] = []
        self.offset = 0.0

    def cols(self, cost, lb, ub, integer: bool) -> np.ndarray:
        cost = np.asarray(cost, dtype=float)
        start = len(self.cost)
        self.cost.extend(cost.tolist())
        self.lb.extend(np.broadcast_to(lb, cost.shape).tolist())
        self.ub.extend(np.broadcast_to(ub, cost.shape).tolist())
        self.integer.extend([int(integer)] * cost.size)
        return np.arange(start, start + cost.size)

    def row(self, idx, coef, lo=-highspy.kHighsInf, hi=highspy.kHighsInf) -> None:
        self.rows.append((list(map(int, idx)), list(map(float, coef)), lo, hi))

    def solve(self, time_limit: float | None, abs_gap: float,
              seed: int = 0) -> tuple[np.ndarray | None, float, float, str]:
        h = _highs()
        h.setOptionValue("output_flag", False)
        h.setOptionValue("random_seed", int(seed))
        h.setOptionValue("mip_rel_gap", 0.0)
        h.setOptionValue("mip_abs_gap", float(abs_gap))
        h.setOptionValue("threads", 1)
        if time_limit is not None:
            h.setOptionValue("time_limit", max(float(time_limit), 0.01))
        n = len(self.cost)
        h.addVars(n, np.asarray(self.lb), np.asarray(self.ub))
        h.changeColsCost(n, np.arange(n, dtype=np.int32), np.asarray(self.cost))
        ints = np.flatnonzero(self.integer).astype(np.int32)
        if ints.size:
            h.changeColsIntegrality(
                ints.size, ints, np.full(ints.size, highspy.HighsVarType.kInteger)
            )
        if self.rows:
            starts, idx, val, lo, hi = [], [], [], [], []
            for r_idx, r_val, r_lo, r_hi in self.rows:
                starts.append(len(idx))
                idx.extend(r_idx)
                val.extend(r_val)
                lo.append(r_lo)
                hi.append(r_hi)
            h.addRows(len(self.rows), np.asarray(lo, float), np.asarray(hi, float), len(idx),
                      np.asarray(starts, np.int32), np.asarray(idx, np.int32),
                      np.asarray(val, float))
        h.run()
        status = h.getModelStatus()
        info = h.getInfo()
        if status == highspy.HighsModelStatus.kOptimal:
            name = "optimal"
        elif status == highspy.HighsModelStatus.kTimeLimit:
            name = "time_limit"
        elif status == highspy.HighsModelStatus.kInfeasible:
            return None, np.inf, np.inf, "infeasible"
        else:
            name = h.modelStatusToString(status).lower().replace(" ", "_")
        has_sol = info.primal_solution_status == 2  # kSolutionStatusFeasible
        x = np.asarray(h.getSolution().col_value) if has_sol else None
        value = info.objective_function_value + self.offset if has_sol else np.inf
        bound = info.mip_dual_bound + self.offset
        return x, value, bound, name


def triangles(graph: SignedGraph) -> np.ndarray:
    """All triangles as rows ``(e_ij, e_ik, e_jk)`` of tie indices with ``i < j < k``."""
    eid = {(int(a), int(b)): e for e, (a, b) in enumerate(zip(graph.u, graph.v, strict=True))}
    nbrs: list[set[int]] = [set() for _ in range(graph.n)]
    for a, b in eid:
        nbrs[a].add(b)
        nbrs[b].add(a)
    out = []
    for (i, j), e_ij in eid.items():
        for k in nbrs[i] & nbrs[j]:
            if k > j:
                out.append((e_ij, eid[(i, k)], eid[(j, k)]))
    return np.asarray(out, dtype=np.int64).reshape(-1, 3)


def _fix_root(graph: SignedGraph, model: _Model, x: np.ndarray) -> None:
    """Switching symmetry: the highest-degree node is put in bloc 1."""
    deg = np.bincount(np.concatenate([graph.u, graph.v]), minlength=graph.n)
    model.lb[x[int(np.argmax(deg))]] = 1.0


def solve_and_model(
    graph: SignedGraph,
    time_limit: float | None = None,
    abs_gap: float = 1e-6,
    cuts: bool = True,
    extra_rows=None,
    seed: int = 0,
) -> MipSolution:
    """Aref-Mason-Wilson AND model (their model 3) with root fixing and triangle cuts.

    ``x_i = 1`` puts node *i* in bloc 1; ``y_ij`` stands for ``x_i AND x_j``. A positive tie
    is frustrated iff ``x_i + x_j - 2 y_ij = 1``; a negative tie iff
    ``1 - x_i - x_j + 2 y_ij = 1``. ``extra_rows(model, x, y)`` may add constraints.
    """
    n, m = graph.n, graph.m
    u, v, w = graph.u, graph.v, graph.weight
    pos = graph.sign > 0
    model = _Model()
    node_cost = np.zeros(n)
    sw = np.where(pos, w, -w)
    np.add.at(node_cost, u, sw)
    np.add.at(node_cost, v, sw)
    x = model.cols(node_cost, 0.0, 1.0, integer=True)
    y = model.cols(np.where(pos, -2.0 * w, 2.0 * w), 0.0, 1.0, integer=False)
    model.offset = float(w[~pos].sum())
    for e in range(m):
        if pos[e]:  # objective pushes y up: y <= x_i, y <= x_j
            model.row([y[e], x[u[e]]], [1.0, -1.0], hi=0.0)
            model.row([y[e], x[v[e]]], [1.0, -1.0], hi=0.0)
        else:  # objective pushes y down: y >= x_i + x_j - 1
            model.row([y[e], x[u[e]], x[v[e]]], [1.0, -1.0, -1.0], lo=-1.0)
    if cuts:
        _triangle_cuts(graph, model, x, y)
    _fix_root(graph, model, x)
    if extra_rows is not None:
        extra_rows(model, x, y)
    sol, value, bound, status = model.solve(time_limit, abs_gap, seed)
    labels = None if sol is None else np.rint(sol[x]).astype(np.int64)
    if labels is not None:
        value = graph.frustration_of(labels)
    return MipSolution(labels, value, bound, status)


def _triangle_cuts(graph: SignedGraph, model: _Model, x, y) -> None:
    """Triangle valid inequalities ``x_i + x_j + x_k - y_ij - y_ik - y_jk <= 1``.

    Valid because at most one of three nodes' pairs can be split off when all three are in
    bloc 1 (the Boolean-quadric triangle facet). Added only on triangles with a negative
    tie, where they bound a ``y`` that the objective pushes down; on the CoW benchmark
    this subset was 1.5x faster than no cuts and 5x faster than all four facets per triangle.
    """
    pos = graph.sign > 0
    for e_ij, e_ik, e_jk in triangles(graph):
        if pos[e_ij] and pos[e_ik] and pos[e_jk]:
            continue
        i, j, k = int(graph.u[e_ij]), int(graph.v[e_ij]), int(graph.v[e_ik])
        model.row([x[i], x[j], x[k], y[e_ij], y[e_ik], y[e_jk]],
                  [1.0, 1.0, 1.0, -1.0, -1.0, -1.0], hi=1.0)


def solve_xor_model(graph: SignedGraph, time_limit: float | None = None) -> MipSolution:
    """Aref-Mason-Wilson XOR model (their model 2), used as an independent check.

    ``f_ij`` stands for ``x_i XOR x_j``; a positive tie is frustrated iff ``f_ij = 1``,
    a negative one iff ``f_ij = 0``: ``min sum_+ w f + sum_- w (1 - f)``.
    """
    u, v, w = graph.u, graph.v, graph.weight
    pos = graph.sign > 0
    model = _Model()
    x = model.cols(np.zeros(graph.n), 0.0, 1.0, integer=True)
    f = model.cols(np.where(pos, w, -w), 0.0, 1.0, integer=True)
    model.offset = float(w[~pos].sum())
    for e in range(graph.m):
        a, b = x[u[e]], x[v[e]]
        model.row([f[e], a, b], [1.0, -1.0, 1.0], lo=0.0)   # f >= x_i - x_j
        model.row([f[e], a, b], [1.0, 1.0, -1.0], lo=0.0)   # f >= x_j - x_i
        model.row([f[e], a, b], [1.0, -1.0, -1.0], hi=0.0)  # f <= x_i + x_j
        model.row([f[e], a, b], [1.0, 1.0, 1.0], hi=2.0)    # f <= 2 - x_i - x_j
    sol, value, bound, status = model.solve(time_limit, 1e-6)
    labels = None if sol is None else np.rint(sol[x]).astype(np.int64)
    return MipSolution(labels, value, bound, status)
