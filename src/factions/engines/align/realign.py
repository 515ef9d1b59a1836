"""Realignment: alternative optimal partitions, strained ties, and comparing two networks."""

from __future__ import annotations

__all__ = ["optimal_partitions", "OptimalSet", "realignment", "Realignment"]

from dataclasses import dataclass, field

import networkx as nx
import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment

from factions.engines.align.frustration import frustration
from factions.engines.align.graph import SignedGraph, as_signed_graph
from factions.engines.align.kblocs import k_blocs
from factions.engines.align.mip import solve_and_model
from factions.errors import InputError


@dataclass(frozen=True)
class OptimalSet:
    """Optimal 2-bloc partitions with distinct sets of frustrated ties.

    Attributes
    ----------
    value : float
        The frustration index.
    labels : list of ndarray
        One partition per distinct set of frustrated ties.
    complete : bool
        True when every optimal set was found (the cap was not reached).
    strain : ndarray
        Per tie: share of the found optima in which it is frustrated.
    """

    value: float
    labels: list[np.ndarray]
    complete: bool
    strain: np.ndarray
    graph: SignedGraph = field(repr=False)


def optimal_partitions(graph: SignedGraph | nx.Graph, cap: int = 20,
                       time_limit: float | None = None) -> OptimalSet:
    """Enumerate optimal 2-bloc partitions with no-good cuts, up to ``cap`` of them.

    Parameters
    ----------
    graph : SignedGraph or networkx.Graph
    cap : int
        Maximum number of optima to enumerate (each is one HiGHS solve).
    time_limit : float, optional
        Seconds per solve.

    Returns
    -------
    OptimalSet

    Raises
    ------
    InputError
        ``cap < 1``.

    Notes
    -----
    Two partitions are the same optimum when they frustrate the same ties (switching a
    component or moving an isolated actor changes nothing). After each optimum with
    frustrated set F, the AND model of :func:`frustration` is re-solved with the objective
    fixed at the index and the cut ``sum_{e in F} (1 - f_e) + sum_{e not in F} f_e >= 1``,
    where ``f_e`` is the (linear) frustration indicator of tie e. A tie frustrated in every
    optimum is frustrated by every closest balanced state: it is the predicted next break.
    Each optimum costs one MIP solve, so the cost is ``cap`` times that of
    :func:`frustration` on the whole (unreduced) graph.

    References
    ----------
    .. [1] Aref, S., Dinh, L., Rezapour, R., & Diesner, J. (2020). Multilevel structural
       evaluation of signed directed social networks based on balance theory. Scientific
       Reports, 10, 15228 (ties frustrated in all optimal partitions).
    .. [2] Balas, E., & Jeroslow, R. (1972). Canonical cuts on the unit hypercube. SIAM
       Journal on Applied Mathematics, 23(1), 61-69 (no-good cuts).
    """
    g = as_signed_graph(graph)
    if int(cap) != cap or cap < 1:
        raise InputError(f"cap must be a positive integer, got {cap!r}")
    base = frustration(g, time_limit=time_limit)
    found = [base.labels]
    patterns = [base.frustrated_mask]
    if g.m == 0:
        return OptimalSet(base.value, found, True, np.zeros(0), g)
    pos = g.sign > 0
    tol = 0.5 * float(g.weight.min())
    complete = False
    while len(found) < cap:
        def cuts(model, x, y, patterns=patterns):
            cost = np.asarray(model.cost)
            model.row(np.arange(cost.size), cost, hi=base.value - model.offset + tol)
            for pat in patterns:
                coef: dict[int, float] = {}
                rhs = 1.0 - pat.sum()
                for e in range(g.m):
                    # f_e = c0 + lin(x, y); contributes +f_e if e not in F else -f_e
                    sgn = -1.0 if pat[e] else 1.0
                    c0, terms = (0.0, ((x[g.u[e]], 1), (x[g.v[e]], 1), (y[e], -2))) if pos[e] \
                        else (1.0, ((x[g.u[e]], -1), (x[g.v[e]], -1), (y[e], 2)))
                    rhs -= sgn * c0
                    for col, c in terms:
                        coef[int(col)] = coef.get(int(col), 0.0) + sgn * c
                model.row(list(coef), list(coef.values()), lo=rhs)

        sol = solve_and_model(g, time_limit=time_limit, extra_rows=cuts)
        if sol.labels is None or sol.status == "infeasible":
            complete = sol.status == "infeasible"
            break
        mask = g.frustrated_mask(sol.labels)
        if sol.value > base.value + 1e-6:  # the best remaining partition is worse: all found
            complete = sol.status == "optimal"
            break
        if any(np.array_equal(mask, p) for p in patterns):  # numerical slack; stop safely
            break
        found.append(sol.labels)
        patterns.append(mask)
    strain = np.mean(np.stack(patterns), axis=0)
    return OptimalSet(base.value, found, complete, strain, g)


@dataclass(frozen=True)
class Realignment:
    """Differences between two signed networks (months or scenarios).

    Attributes
    ----------
    membership : DataFrame
        ``actor, bloc_before, bloc_after, moved`` (after-blocs relabelled to best match).
    flipped : DataFrame
        Ties whose sign changed, appeared or vanished: ``a, b, before, after, change``.
    strained : DataFrame
        Ties of the second network with their strain (share of optimal partitions in which
        they are frustrated), most strained first: ``a, b, sign, weight, strain``.
    frustration_before, frustration_after : float
    """

    membership: pd.DataFrame
    flipped: pd.DataFrame
    strained: pd.DataFrame
    frustration_before: float
    frustration_after: float


def realignment(before: SignedGraph | nx.Graph, after: SignedGraph | nx.Graph, *, k: int = 2,
                cap: int = 20, seed: int | np.random.Generator = 0) -> Realignment:
    """Compare blocs and ties of two signed networks and predict the next breaks.

    Parameters
    ----------
    before, after : SignedGraph or networkx.Graph
        The same system at two months, or under two scenarios.
    k : int
        Maximum number of blocs.
    cap : int
        Maximum optimal partitions of ``after`` to enumerate for the strain of its ties.
    seed : int or numpy.random.Generator
        Seed of the heuristic (only used for large ``k``-bloc problems).

    Returns
    -------
    Realignment

    Notes
    -----
    Structural balance theory predicts that a system moves toward balance by changing the
    sign of frustrated ties [1]_. We report as strained the ties of ``after`` frustrated in
    the optimal 2-bloc partitions (share over the enumerated optima; 1.0 = in every
    optimum), following the "frustrated in all optimal solutions" reading of Aref et al.
    [2]_. Bloc labels are arbitrary, so the blocs of ``after`` are matched to those of
    ``before`` by maximum overlap before counting moves.

    References
    ----------
    .. [1] Heider, F. (1946). Attitudes and cognitive organization. Journal of Psychology,
       21, 107-112.
    .. [2] Aref, S., Dinh, L., Rezapour, R., & Diesner, J. (2020). Multilevel structural
       evaluation of signed directed social networks based on balance theory. Scientific
       Reports, 10, 15228.
    """
    gb, ga = as_signed_graph(before), as_signed_graph(after)
    actors = list(dict.fromkeys([*gb.nodes, *ga.nodes]))
    lb, la = k_blocs(gb, k, seed=seed).labels, k_blocs(ga, k, seed=seed).labels
    both = [a for a in actors if a in set(gb.nodes) and a in set(ga.nodes)]
    ib, ia = gb.index(), ga.index()
    if both:
        sel_b = np.array([lb[ib[a]] for a in both])
        sel_a = np.array([la[ia[a]] for a in both])
        kb, ka = int(lb.max()) + 1, int(la.max()) + 1
        overlap = np.zeros((max(kb, ka), max(kb, ka)))
        np.add.at(overlap, (sel_a, sel_b), 1)
        rows, cols = linear_sum_assignment(-overlap)
        mapping = dict(zip(rows.tolist(), cols.tolist(), strict=True))
        la = np.array([mapping[x] for x in la], dtype=np.int64)
    bb = [int(lb[ib[a]]) if a in ib else None for a in actors]
    ba = [int(la[ia[a]]) if a in ia else None for a in actors]
    membership = pd.DataFrame({
        "actor": actors, "bloc_before": bb, "bloc_after": ba,
        "moved": [x is not None and y is not None and x != y for x, y in zip(bb, ba, strict=True)],
    })
    sb = {frozenset((a, b)): s for a, b, s, _ in gb.edges()}
    sa = {frozenset((a, b)): s for a, b, s, _ in ga.edges()}
    rows = []
    for pair in dict.fromkeys([*sb, *sa]):
        x, y = sb.get(pair, 0), sa.get(pair, 0)
        if x != y:
            a, b = sorted(pair, key=str)
            change = "appeared" if x == 0 else "vanished" if y == 0 else "flipped"
            rows.append((a, b, x, y, change))
    flipped = pd.DataFrame(rows, columns=["a", "b", "before", "after", "change"])
    opt = optimal_partitions(ga, cap=cap)
    strained = pd.DataFrame({
        "a": [ga.nodes[i] for i in ga.u], "b": [ga.nodes[i] for i in ga.v],
        "sign": ga.sign.astype(int), "weight": ga.weight, "strain": opt.strain,
    })
    strained = strained[strained.strain > 0].sort_values(
        ["strain", "weight"], ascending=False).reset_index(drop=True)
    return Realignment(membership, flipped, strained,
                       frustration(gb).value, opt.value)
