"""The state every balance-dynamics model evolves: a dense signed weight matrix.

:func:`prepare` accepts a :class:`~factions.engines.align.graph.SignedGraph`, a networkx graph
(as :func:`~factions.engines.align.graph.from_networkx` reads it) or a plain square numpy
matrix, checks it once (weights in [-1, 1], symmetric, no self-ties; fixed ties naming known
actors) and returns a :class:`DynamicsState`. :func:`balanced_labels` 2-colours a sign pattern
(structural balance test, Cartwright & Harary 1956) and :func:`imbalanced_triangles` counts the
triangles whose sign product is negative.
"""

from __future__ import annotations

__all__ = ["DynamicsState", "prepare", "balanced_labels", "imbalanced_triangles"]

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass

import networkx as nx
import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import breadth_first_order

from factions.engines.align.graph import SignedGraph, from_networkx
from factions.errors import InputError

_MAX_LINES = 20


@dataclass(frozen=True)
class DynamicsState:
    """A validated starting point.

    Attributes
    ----------
    nodes : tuple of hashable
        Actor labels; row ``i`` of every matrix is ``nodes[i]``.
    weights : ndarray of float64, shape (n, n)
        Symmetric signed weights in [-1, 1], zero diagonal (0 = no tie / neutral).
    present : ndarray of bool, shape (n, n)
        Where a tie exists (for a graph: its edges; for a matrix: non-zero entries).
    fixed : ndarray of bool, shape (n, n)
        Symmetric mask of ties held at their starting value.
    """

    nodes: tuple[Hashable, ...]
    weights: np.ndarray
    present: np.ndarray
    fixed: np.ndarray

    @property
    def n(self) -> int:
        return len(self.nodes)


def _problems_error(problems: list[str]) -> InputError:
    extra = len(problems) - _MAX_LINES
    lines = problems[:_MAX_LINES] + ([f"... and {extra} more"] if extra > 0 else [])
    return InputError("\n".join(lines))


def prepare(graph, fixed=None, nodes: Sequence[Hashable] | None = None) -> DynamicsState:
    """Check and convert a signed network (and its fixed ties) into a :class:`DynamicsState`.

    Parameters
    ----------
    graph : SignedGraph, networkx.Graph or array_like of shape (n, n)
        Signed weights ``sign * weight`` must lie in [-1, 1].
    fixed : array_like of bool (n, n), or iterable of (a, b) actor pairs, optional
        Ties held at their starting value.
    nodes : sequence of hashable, optional
        Actor labels of a plain matrix (default ``0 .. n-1``).

    Returns
    -------
    DynamicsState

    Raises
    ------
    InputError
        Not square / not symmetric / non-finite / non-zero diagonal, weights outside
        [-1, 1], a fixed tie naming an unknown actor or a self-tie; one line per problem.
    """
    if isinstance(graph, nx.Graph):
        graph = from_networkx(graph)
    if isinstance(graph, SignedGraph):
        labels = tuple(graph.nodes)
        w = np.zeros((graph.n, graph.n))
        sw = graph.signed_weight.astype(np.float64)
        w[graph.u, graph.v] = sw
        w[graph.v, graph.u] = sw
        present = np.zeros((graph.n, graph.n), dtype=bool)
        present[graph.u, graph.v] = present[graph.v, graph.u] = True
        problems = [f"tie {labels[a]!r}-{labels[b]!r}: weight {x:g} is outside [-1, 1]"
                    for a, b, x in zip(graph.u, graph.v, sw, strict=True) if abs(x) > 1.0]
    else:
        w, labels, problems = _matrix(graph, nodes)
        present = w != 0
    if problems:
        raise _problems_error(problems)
    mask = _fixed_mask(fixed, labels)
    return DynamicsState(labels, w, present, mask)


def _matrix(graph, nodes):
    try:
        w = np.array(graph, dtype=np.float64)
    except (TypeError, ValueError):
        raise InputError(f"expected a SignedGraph, a networkx graph or a square numeric "
                         f"matrix; got {type(graph).__name__}") from None
    if w.ndim != 2 or w.shape[0] != w.shape[1]:
        raise InputError(f"weight matrix must be square (n, n); got shape {w.shape}")
    n = w.shape[0]
    labels = tuple(range(n)) if nodes is None else tuple(nodes)
    if len(labels) != n or len(set(labels)) != n:
        raise InputError(f"nodes must be {n} distinct labels; got {len(labels)} "
                         f"({len(set(labels))} distinct)")
    problems = []
    if not np.all(np.isfinite(w)):
        i, j = np.argwhere(~np.isfinite(w))[0]
        problems.append(f"weight {labels[i]!r}-{labels[j]!r} is not finite ({w[i, j]})")
    else:
        for i in np.flatnonzero(np.diag(w) != 0):
            problems.append(f"diagonal entry {labels[i]!r} must be 0 (no self-ties); "
                            f"got {w[i, i]:g}")
        asym = np.argwhere(np.triu(np.abs(w - w.T) > 1e-12, 1))
        problems += [f"matrix is not symmetric at {labels[i]!r}-{labels[j]!r} "
                     f"({w[i, j]:g} vs {w[j, i]:g})" for i, j in asym]
        out = np.argwhere(np.triu(np.abs(w) > 1.0, 1))
        problems += [f"tie {labels[i]!r}-{labels[j]!r}: weight {w[i, j]:g} is outside [-1, 1]"
                     for i, j in out]
    return w, labels, problems


def _fixed_mask(fixed, labels) -> np.ndarray:
    n = len(labels)
    if fixed is None:
        return np.zeros((n, n), dtype=bool)
    if isinstance(fixed, np.ndarray) and fixed.dtype == bool:
        if fixed.shape != (n, n):
            raise InputError(f"fixed mask must have shape ({n}, {n}); got {fixed.shape}")
        if not np.array_equal(fixed, fixed.T):
            raise InputError("fixed mask must be symmetric")
        out = fixed.copy()
        np.fill_diagonal(out, False)
        return out
    index = {x: i for i, x in enumerate(labels)}
    out = np.zeros((n, n), dtype=bool)
    problems = []
    for k, pair in enumerate(_pairs(fixed), start=1):
        if len(pair) != 2:
            problems.append(f"fixed tie {k}: expected a pair (a, b); got {pair!r}")
            continue
        a, b = pair
        unknown = [x for x in (a, b) if x not in index]
        if unknown:
            problems += [f"fixed tie {a!r}-{b!r} names unknown actor {x!r}" for x in unknown]
        elif a == b:
            problems.append(f"fixed tie {a!r}-{b!r} is a self-tie")
        else:
            out[index[a], index[b]] = out[index[b], index[a]] = True
    if problems:
        raise _problems_error(problems)
    return out


def _pairs(fixed) -> Iterable:
    if isinstance(fixed, str | bytes):
        raise InputError(f"fixed ties must be a boolean matrix or (a, b) pairs; got {fixed!r}")
    try:
        return [tuple(p) if not isinstance(p, str) else (p,) for p in fixed]
    except TypeError:
        raise InputError(f"fixed ties must be a boolean matrix or (a, b) pairs; got "
                         f"{type(fixed).__name__}") from None


def balanced_labels(weights: np.ndarray, present: np.ndarray | None = None) -> np.ndarray | None:
    """Two-bloc labels when the sign pattern is structurally balanced, else ``None``.

    Ties are the non-zero entries of ``weights`` (restricted to ``present`` when given).
    Balanced means every cycle has an even number of negative ties (Cartwright & Harary
    1956), i.e. the actors split into at most two blocs, positive inside, negative across.
    Each connected component is coloured from its first actor (bloc 0); blocs are then
    numbered by first appearance. Cost O(n^2).
    """
    n = weights.shape[0]
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    tie = weights != 0
    if present is not None:
        tie &= present
    np.fill_diagonal(tie, False)
    if tie[np.triu_indices(n, 1)].all():  # complete pattern: colour from actor 0
        colour = (weights[0] < 0).astype(np.int64)
        colour[0] = 0
    else:
        colour = _colour_forest(weights, tie)
    neg = weights < 0
    same = colour[:, None] == colour[None, :]
    if np.any(tie & (neg == same)):
        return None
    _, first, inverse = np.unique(colour, return_index=True, return_inverse=True)
    return np.argsort(np.argsort(first))[inverse].astype(np.int64)


def _colour_forest(weights, tie):
    n = weights.shape[0]
    adj = sp.csr_matrix(tie)
    colour = np.full(n, -1, dtype=np.int64)
    comp = 0
    for root in range(n):
        if colour[root] >= 0:
            continue
        order, pred = breadth_first_order(adj, root, directed=False,
                                          return_predecessors=True)
        colour[root] = 2 * comp
        for v in order[1:]:
            u = pred[v]
            colour[v] = colour[u] ^ 1 if weights[u, v] < 0 else colour[u]
        comp += 1
    return colour


def imbalanced_triangles(weights: np.ndarray, present: np.ndarray | None = None) -> int:
    """Number of triangles (three mutual ties) whose sign product is negative.

    With ``S`` the sign matrix and ``A`` the tie indicator, ``trace(A^3)/6`` counts
    triangles and ``trace(S^3)/6`` is balanced minus imbalanced ones. Cost O(n^3) (BLAS).
    """
    s = np.sign(weights)
    if present is not None:
        s = np.where(present, s, 0.0)
    np.fill_diagonal(s, 0.0)
    a = np.abs(s)
    tri = np.einsum("ij,ji->", a @ a, a) / 6.0
    signed = np.einsum("ij,ji->", s @ s, s) / 6.0
    return int(round((tri - signed) / 2.0))
