"""Balance diagnostics: signed triad census, contributions to imbalance, balance scores."""

from __future__ import annotations

__all__ = ["triad_census", "balance_score", "triangle_balance", "contributions"]

import networkx as nx
import numpy as np
import pandas as pd

from factions.engines.align.graph import SignedGraph, as_signed_graph
from factions.engines.align.mip import triangles

_TYPES = ("+++", "++-", "+--", "---")


def _triangle_negatives(g: SignedGraph) -> tuple[np.ndarray, np.ndarray]:
    tri = triangles(g)
    return tri, (g.sign[tri] < 0).sum(axis=1) if tri.size else np.zeros(0, dtype=np.int64)


def triad_census(graph: SignedGraph | nx.Graph) -> pd.DataFrame:
    """Count closed signed triads (triangles) by their number of negative ties.

    Parameters
    ----------
    graph : SignedGraph or networkx.Graph

    Returns
    -------
    DataFrame
        One row per type ``+++, ++-, +--, ---`` with columns ``triad, negatives, count,
        balanced`` (Heider / Cartwright-Harary: an even number of negative ties) and
        ``clusterable`` (Davis: all but exactly one negative tie, so ``---`` qualifies).

    Notes
    -----
    Triangles are enumerated from neighbour-set intersections, O(sum_e min(d_u, d_v)).
    Open triads carry no balance information and are not counted.

    References
    ----------
    .. [1] Cartwright, D., & Harary, F. (1956). Structural balance: a generalization of
       Heider's theory. Psychological Review, 63(5), 277-293.
    .. [2] Davis, J. A. (1967). Clustering and structural balance in graphs. Human
       Relations, 20(2), 181-187.
    """
    g = as_signed_graph(graph)
    _, neg = _triangle_negatives(g)
    counts = np.bincount(neg, minlength=4)
    return pd.DataFrame({
        "triad": list(_TYPES),
        "negatives": [0, 1, 2, 3],
        "count": counts.astype(int),
        "balanced": [True, False, True, False],
        "clusterable": [True, False, True, True],
    })


def triangle_balance(graph: SignedGraph | nx.Graph) -> float:
    """Share of triangles that are balanced (Cartwright-Harary degree of balance); nan if none."""
    g = as_signed_graph(graph)
    _, neg = _triangle_negatives(g)
    return float(np.mean(neg % 2 == 0)) if neg.size else float("nan")


def balance_score(graph: SignedGraph | nx.Graph, frustration_value: float) -> float:
    """Normalised balance ``1 - 2 L / W`` in [0, 1] (1 = perfectly balanced).

    Parameters
    ----------
    graph : SignedGraph or networkx.Graph
    frustration_value : float
        The frustration index ``L`` (e.g. ``frustration(graph).value``).

    Returns
    -------
    float
        ``nan`` for a graph without ties.

    Notes
    -----
    ``W`` is the total tie weight (``m`` for unweighted graphs). Any graph has
    ``L <= W / 2`` (a random bipartition frustrates half the weight in expectation), so
    the score lies in [0, 1]. This is the normalised frustration index of Aref & Wilson
    [1]_ (their ``F(G) = 1 - 2L(G)/m``), extended to weights.

    References
    ----------
    .. [1] Aref, S., & Wilson, M. C. (2018). Measuring partial balance in signed networks.
       Journal of Complex Networks, 6(4), 566-595.
    """
    g = as_signed_graph(graph)
    total = float(g.weight.sum())
    return 1.0 - 2.0 * frustration_value / total if total > 0 else float("nan")


def contributions(graph: SignedGraph | nx.Graph, labels: np.ndarray,
                  strain: np.ndarray | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Each actor's and each tie's contribution to imbalance.

    Parameters
    ----------
    graph : SignedGraph or networkx.Graph
    labels : ndarray
        An optimal partition (e.g. ``frustration(graph).labels``).
    strain : ndarray, optional
        Per-tie share of optimal partitions in which the tie is frustrated (from
        :func:`factions.engines.align.optimal_partitions`); defaults to 0/1 of ``labels``.

    Returns
    -------
    actors : DataFrame
        ``actor, bloc, degree, frustrated_ties, frustrated_weight, unbalanced_triads,
        share`` where ``share`` is the actor's frustrated weight over twice the total
        (each frustrated tie is split between its two ends, so shares sum to 1).
    ties : DataFrame
        ``a, b, sign, weight, frustrated, strain, unbalanced_triads``.

    Notes
    -----
    Two complementary readings of imbalance: the ties an optimal partition frustrates (the
    line index of balance [1]_) and the unbalanced triangles (odd number of negative ties)
    an actor or tie belongs to [2]_. Cost O(m + number of triangles).

    References
    ----------
    .. [1] Harary, F. (1959). On the measurement of structural balance. Behavioral
       Science, 4(4), 316-323.
    .. [2] Cartwright, D., & Harary, F. (1956). Structural balance: a generalization of
       Heider's theory. Psychological Review, 63(5), 277-293.
    """
    g = as_signed_graph(graph)
    labels = np.asarray(labels)
    mask = g.frustrated_mask(labels)
    fw = np.where(mask, g.weight, 0.0)
    tri, neg = _triangle_negatives(g)
    tie_unbal = np.zeros(g.m, dtype=np.int64)
    node_unbal = np.zeros(g.n, dtype=np.int64)
    if tri.size:
        bad = tri[neg % 2 == 1]
        np.add.at(tie_unbal, bad.ravel(), 1)
        nodes = np.stack([g.u[bad[:, 0]], g.v[bad[:, 0]], g.v[bad[:, 1]]], axis=1)
        np.add.at(node_unbal, nodes.ravel(), 1)
    ends = np.concatenate([g.u, g.v])
    deg = np.bincount(ends, minlength=g.n)
    nfr = np.bincount(ends, weights=np.concatenate([mask, mask]).astype(float), minlength=g.n)
    wfr = np.bincount(ends, weights=np.concatenate([fw, fw]), minlength=g.n)
    total = fw.sum()
    actors = pd.DataFrame({
        "actor": list(g.nodes),
        "bloc": labels.astype(int),
        "degree": deg,
        "frustrated_ties": nfr.astype(int),
        "frustrated_weight": wfr,
        "unbalanced_triads": node_unbal,
        "share": wfr / (2 * total) if total > 0 else np.zeros(g.n),
    })
    ties = pd.DataFrame({
        "a": [g.nodes[i] for i in g.u],
        "b": [g.nodes[i] for i in g.v],
        "sign": g.sign.astype(int),
        "weight": g.weight,
        "frustrated": mask,
        "strain": mask.astype(float) if strain is None else np.asarray(strain, dtype=float),
        "unbalanced_triads": tie_unbal,
    })
    return actors, ties
