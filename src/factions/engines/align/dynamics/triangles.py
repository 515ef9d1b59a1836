"""Triangles of a signed graph and the bookkeeping the triad dynamics need (numba).

A :class:`Triads` holds, for the ``m`` ties of a graph: every triangle (three tie ids), for
each tie the triangles through it (CSR), the set of imbalanced triangles (an array with
O(1) insert / delete by swap) and, per tie, how many imbalanced triangles contain it.
Flipping a tie updates all of it in O(triangles through the tie).
"""

from __future__ import annotations

__all__ = ["Triads", "build_triads", "MAX_TRIANGLES"]

from dataclasses import dataclass

import numba
import numpy as np

from factions.errors import EngineError

#: Largest number of triangles held in memory (about 40 bytes each).
MAX_TRIANGLES = 50_000_000


@dataclass
class Triads:
    """Triangle structure and mutable balance state (see module docstring)."""

    tri: np.ndarray       # (T, 3) int32 tie ids of each triangle
    indptr: np.ndarray    # (m + 1,) int64 CSR: triangles through each tie
    tri_of: np.ndarray    # (3 T,) int32
    ntri: np.ndarray      # (m,) int32 triangles through each tie
    sign: np.ndarray      # (m,) int8 current signs
    pos: np.ndarray       # (T,) int32 position in ``lst`` or -1 (balanced)
    lst: np.ndarray       # (T,) int32 imbalanced triangles, first ``cnt[0]``
    cnt: np.ndarray       # (1,) int64 number of imbalanced triangles
    link_imb: np.ndarray  # (m,) int32 imbalanced triangles through each tie

    @property
    def n_triangles(self) -> int:
        return int(self.tri.shape[0])


@numba.njit(cache=True)
def _count(n, u, v, eid):
    c = 0
    for e in range(u.shape[0]):
        a, b = u[e], v[e]
        for w in range(b + 1, n):
            if eid[a, w] >= 0 and eid[b, w] >= 0:
                c += 1
    return c


@numba.njit(cache=True)
def _fill(n, u, v, eid, tri):
    c = 0
    for e in range(u.shape[0]):
        a, b = u[e], v[e]
        for w in range(b + 1, n):
            f, g = eid[a, w], eid[b, w]
            if f >= 0 and g >= 0:
                tri[c, 0], tri[c, 1], tri[c, 2] = e, f, g
                c += 1


@numba.njit(cache=True)
def _csr(m, tri):
    ntri = np.zeros(m, dtype=np.int32)
    for t in range(tri.shape[0]):
        for r in range(3):
            ntri[tri[t, r]] += 1
    indptr = np.zeros(m + 1, dtype=np.int64)
    for e in range(m):
        indptr[e + 1] = indptr[e] + ntri[e]
    fill = indptr[:-1].copy()
    tri_of = np.empty(indptr[m], dtype=np.int32)
    for t in range(tri.shape[0]):
        for r in range(3):
            e = tri[t, r]
            tri_of[fill[e]] = t
            fill[e] += 1
    return ntri, indptr, tri_of


@numba.njit(cache=True)
def _init_state(tri, sign, pos, lst, cnt, link_imb):
    cnt[0] = 0
    link_imb[:] = 0
    for t in range(tri.shape[0]):
        a, b, c = tri[t, 0], tri[t, 1], tri[t, 2]
        if sign[a] * sign[b] * sign[c] < 0:
            lst[cnt[0]] = t
            pos[t] = cnt[0]
            cnt[0] += 1
            link_imb[a] += 1
            link_imb[b] += 1
            link_imb[c] += 1
        else:
            pos[t] = -1


@numba.njit(cache=True)
def flip(e, tri, indptr, tri_of, sign, pos, lst, cnt, link_imb):
    """Reverse tie ``e`` and update the imbalanced set and the per-tie counts."""
    sign[e] = -sign[e]
    for q in range(indptr[e], indptr[e + 1]):
        t = tri_of[q]
        i = pos[t]
        if i >= 0:  # was imbalanced, now balanced: swap-delete
            last = lst[cnt[0] - 1]
            lst[i] = last
            pos[last] = i
            pos[t] = -1
            cnt[0] -= 1
            d = -1
        else:
            lst[cnt[0]] = t
            pos[t] = cnt[0]
            cnt[0] += 1
            d = 1
        for r in range(3):
            link_imb[tri[t, r]] += d


def build_triads(n: int, u: np.ndarray, v: np.ndarray, sign: np.ndarray) -> Triads:
    """Triangles of the graph with ties ``(u[e], v[e])``, ``u < v``, and signs ``sign``.

    Cost O(m n) to find triangles (an (n, n) tie-id table), O(T) memory.

    Raises
    ------
    EngineError
        More than :data:`MAX_TRIANGLES` triangles.
    """
    m = int(u.shape[0])
    eid = np.full((n, n), -1, dtype=np.int64)
    eid[u, v] = np.arange(m)
    eid[v, u] = np.arange(m)
    u64, v64 = u.astype(np.int64), v.astype(np.int64)
    count = _count(n, u64, v64, eid)
    if count > MAX_TRIANGLES:
        raise EngineError(f"the graph has {count:,} triangles; triad dynamics hold at most "
                          f"{MAX_TRIANGLES:,} (about {n} actors on a complete graph is "
                          "too many)")
    tri = np.empty((count, 3), dtype=np.int32)
    _fill(n, u64, v64, eid, tri)
    ntri, indptr, tri_of = _csr(m, tri)
    s = np.where(np.asarray(sign) < 0, -1, 1).astype(np.int8)
    pos = np.empty(count, dtype=np.int32)
    lst = np.empty(count, dtype=np.int32)
    cnt = np.zeros(1, dtype=np.int64)
    link_imb = np.zeros(m, dtype=np.int32)
    _init_state(tri, s, pos, lst, cnt, link_imb)
    return Triads(tri, indptr, tri_of, ntri, s, pos, lst, cnt, link_imb)
