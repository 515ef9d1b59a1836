"""Each actor's bargains put to a vote of all actors (KTAB ``updateBestBrgnPositions``).

For actor k, every actor m values each bargain b on k's list by the mean utility of the
state it would bring: the two parties' proposed positions and everyone else's current
ones (``brgnUtil`` in ``examples/smp/libsrc/smpbcn.cpp``). A PCE over the list with the
actors' raw capabilities as weights gives each bargain's probability; k adopts the most
probable one (``Deterministic``) or draws one (``Stochastic``).
"""

from __future__ import annotations

__all__ = ["resolve_bargains"]

import numpy as np
from numba import prange

from factions.engines.bargain.smp._jit import pick, twin
from factions.engines.bargain.smp.pce import MIN_COALITION, _pce, _vote
from factions.engines.bargain.smp.utilities import _bsutil


def _bargain_utilities_kernel(own, ideals, sal, r, init, rcvr, pos_init, pos_rcvr):
    """``ub[b, m]``: m's mean utility of the state bargain b would bring (KTAB order)."""
    na, nd = ideals.shape
    m_b = init.size
    ub = np.empty((m_b, na))
    for m in prange(na):
        ss = 0.0
        for k in range(nd):
            ss += sal[m, k] * sal[m, k]
        sq = 0.0
        for q in range(na):
            sq += own[m, q]
        for b in range(m_b):
            bi, bj = init[b], rcvr[b]
            if bi == bj:
                ub[b, m] = sq / na
                continue
            s = 0.0
            for side in range(2):
                ds = 0.0
                for k in range(nd):
                    y = pos_init[b, k] if side == 0 else pos_rcvr[b, k]
                    x = (ideals[m, k] - y) * sal[m, k]
                    ds += x * x
                s += _bsutil(np.sqrt(ds / ss), r[m])  # m values it with its own R_m
            for q in range(na):
                if q != bi and q != bj:
                    s += own[m, q]
            ub[b, m] = s / na
    return ub


_UTILITIES = twin(_bargain_utilities_kernel)


def _resolve_kernel(ub, ptr, items, w, vr, vpm, pcem, stochastic, draws):
    na = ub.shape[1]
    chosen = np.empty(na, dtype=np.int64)
    probs = np.empty(items.size)
    status = np.zeros(na, dtype=np.int64)
    for k in prange(na):
        lo, hi = ptr[k], ptr[k + 1]
        nb = hi - lo
        c = np.empty((nb, nb))
        for i in range(nb):
            for j in range(i):
                cij = MIN_COALITION
                cji = MIN_COALITION
                bi, bj = items[lo + i], items[lo + j]
                for m in range(na):
                    v = _vote(vr, w[m], ub[bi, m] - ub[bj, m])
                    cij += max(v, 0.0)  # KTAB adds only positive votes; + 0.0 is exact
                    cji += max(-v, 0.0)
                c[i, j] = cij
                c[j, i] = cji
            c[i, i] = MIN_COALITION
        p, pv, st = _pce(c, vpm, pcem)
        status[k] = st
        for o in range(nb):
            probs[lo + o] = p[o]
        pick = nb - 1
        if stochastic:  # KTAB PRNG::probSel: first o with u <= cumulative probability
            acc = 0.0
            for o in range(nb):
                acc += p[o]
                if draws[k] <= acc:
                    pick = o
                    break
        else:  # KTAB ndxMaxAbs: the first maximum
            best = -1.0
            for o in range(nb):
                if best < abs(p[o]):
                    best = abs(p[o])
                    pick = o
        chosen[k] = items[lo + pick]
    return chosen, probs, status


_RESOLVE = twin(_resolve_kernel)


def resolve_bargains(own, ideals, saliences, risk, bargains, capability, voting_rule: int,
                     victory_model: int, pce_model: int, draws=None):
    """Vote on every actor's list of bargains.

    Parameters
    ----------
    own : numpy.ndarray, shape (n, n)
        ``own[m, q]``: m's utility for q's current position (KTAB ``aUtil[m](m, q)``).
    ideals, saliences : numpy.ndarray, shape (n, d)
    risk : numpy.ndarray, shape (n,)
        Risk attitudes; m values a proposed position with its own :math:`R_m`.
    bargains : Bargains
    capability : numpy.ndarray, shape (n,)
        Voting weights (KTAB uses the raw capabilities here, not :math:`c_i S_i`).
    voting_rule, victory_model, pce_model : int
        KTAB codes.
    draws : numpy.ndarray, shape (n,), optional
        Uniform draws for ``Stochastic`` transitions (one per actor); ``None`` picks the
        most probable bargain.

    Returns
    -------
    chosen : numpy.ndarray of int, shape (n,)
        Index (into ``bargains``) of the bargain each actor adopts.
    probabilities : numpy.ndarray
        The PCE probability of each entry of ``bargains.items``.
    status : numpy.ndarray of int, shape (n,)
        1 where a Markov PCE did not converge.
    utilities : numpy.ndarray, shape (bargains, n)
        ``utilities[b, m]``: m's mean utility of the state after bargain b (KTAB's
        ``BargnUtil`` table).

    Notes
    -----
    Cost O(n² B + n Σ_k L_k²) for B bargains (B ≤ 2n with ``InitOnlyInterp``) and lists of
    L_k entries:
    the utility of each state is summed in KTAB's order, so that ties break as they do in
    KTAB.
    """
    b = bargains
    n = own.shape[0]
    ub = pick(_UTILITIES, n)(np.ascontiguousarray(own, dtype=float),
                            np.ascontiguousarray(ideals, dtype=float),
                            np.ascontiguousarray(saliences, dtype=float),
                            np.ascontiguousarray(risk, dtype=float), b.init, b.rcvr,
                            np.ascontiguousarray(b.pos_init), np.ascontiguousarray(b.pos_rcvr))
    stochastic = draws is not None
    d = np.zeros(n) if draws is None else np.ascontiguousarray(draws, dtype=float)
    chosen, probs, status = pick(_RESOLVE, n)(ub, b.ptr, b.items,
                                     np.ascontiguousarray(capability, dtype=float),
                                     int(voting_rule), int(victory_model), int(pce_model),
                                     stochastic, d)
    return chosen, probs, status, ub
