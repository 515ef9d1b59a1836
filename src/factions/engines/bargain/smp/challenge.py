"""Expected gain of a challenge, with third parties joining the contest (KTAB ``probEduChlg``).

For an initiator i challenging a receiver j, as estimated by h for the affected actor k
(``SMPState::probEduChlg`` and ``SMPState::bestChallenge`` in ``examples/smp/libsrc/
smpbcn.cpp``; ``Actor::vProbLittle`` and ``Actor::thirdPartyVoteSU`` in
``KTAB/kmodel/libsrc/kmodel.cpp``). Utilities :math:`u^h_{ab}` are evaluated on the fly
from the distance matrix and the risk attitudes, never stored (n³ numbers).
"""

from __future__ import annotations

__all__ = ["best_challenges", "challenge_estimates", "MIN_SIG_EDU"]

import numpy as np
from numba import njit, prange

from factions.engines.bargain.smp._jit import pick, twin
from factions.engines.bargain.smp.pce import _vote
from factions.engines.bargain.smp.utilities import _bsutil, _est

#: KTAB's minSigEDU: a challenge must be worth more than this to be made.
MIN_SIG_EDU = 1e-5
#: KTAB's minCltn: the principals' coalitions start at this strength.
MIN_CLTN = 1e-10


@njit(cache=True, inline="always")
def _third_party(wk, vr, tpc, pik, pjk, uki, ukj, ukk):
    """Vote of third party k for i (>0) or j (<0), given p[ik > j] = pik (KTAB SU rule)."""
    if tpc == 2:  # FullCommit
        a, b, c, d = uki + uki + uki, ukj + ukj + ukj, uki + uki + uki, ukj + ukj + ukj
    elif tpc == 1:  # SemiCommit
        a, b, c, d = uki + uki + ukk, ukj + ukj + ukj, uki + uki + uki, ukj + ukj + ukk
    else:  # NoCommit
        a, b, c, d = uki + uki + ukk, ukj + ukj + ukk, uki + uki + ukk, ukj + ukj + ukk
    u_ik_j = (pik * a) + (pjk * b)
    u_i_jk = (pik * c) + (pjk * d)
    return _vote(vr, wk, u_ik_j - u_i_jk)


@njit(cache=True)
def _contest(i, j, uci, ucj, udg, wsc, vr, tpc):
    """(P[i > j], P[j > i]) when every actor weighs in; ``uci[m] = u^h_{mi}``, ``udg[m] = u^h_{mm}``."""
    ci = _vote(vr, wsc[i], uci[i] - ucj[i])
    cj = _vote(vr, wsc[j], uci[j] - ucj[j])
    chij = MIN_CLTN
    chji = MIN_CLTN
    if ci > 0.0:
        chij += ci
    if ci < 0.0:
        chji -= ci
    if cj > 0.0:
        chij += cj
    if cj < 0.0:
        chji -= cj
    c0i = chij
    c0j = chji
    for m in range(uci.size):
        if m == i or m == j:
            continue
        wm = wsc[m]
        v0 = _vote(vr, wm, uci[m] - ucj[m])  # order-zero: the little (i:j) contest with m
        # branch-free forms of KTAB's "add if positive": x + 0.0 == x, so the sums are
        # bit-identical to KTAB's
        cmi = c0i + max(v0, 0.0)
        cmj = c0j + max(-v0, 0.0)
        pin = cmi / (cmi + cmj)
        vm = _third_party(wm, vr, tpc, pin, 1.0 - pin, uci[m], ucj[m], udg[m])
        chij += max(vm, 0.0)
        chji += max(-vm, 0.0)
    return chij / (chij + chji), chji / (chij + chji)


@njit(cache=True, inline="always")
def _gains(phij, phji, sj, uki, ukj):
    """(euSQ, euVict, euCntst, euChlg) for k; utilities of two changed positions."""
    eu_sq = uki + ukj
    eu_vict = uki + uki
    eu_cntst = phij * (uki + uki) + phji * (ukj + ukj)
    eu_chlg = (1.0 - sj) * eu_vict + sj * eu_cntst
    return eu_sq, eu_vict, eu_cntst, eu_chlg


def _best_kernel(vd, vdt, r, ra, wsc, ssum, vr, tpc):
    n = vd.shape[0]
    prob = np.zeros((n, n))
    edu = np.zeros((n, n))
    best = np.full(n, -1, dtype=np.int64)
    best_p = np.zeros(n)
    best_edu = np.full(n, -1.0)
    for i in prange(n):
        rh = np.empty(n)
        uci = np.empty(n)
        udg = np.empty(n)
        ucj = np.empty(n)
        for m in range(n):
            rh[m] = _est(r[i], r[m], ra)
        for m in range(n):
            uci[m] = _bsutil(vdt[i, m], rh[m])
            udg[m] = _bsutil(vd[m, m], rh[m])
        bj = -1
        bp = 0.0
        be = -1.0
        for j in range(n):
            if j == i:
                continue
            for m in range(n):
                ucj[m] = _bsutil(vdt[j, m], rh[m])
            p, pj = _contest(i, j, uci, ucj, udg, wsc, vr, tpc)
            sq, vic, cnt, chl = _gains(p, pj, ssum[j], uci[i], ucj[i])
            e = chl - sq
            prob[i, j] = p
            edu[i, j] = e
            if MIN_SIG_EDU < e and be < e:  # first best j wins ties, as KTAB's map scan
                bj, bp, be = j, p, e
        best[i] = bj
        best_p[i] = bp
        best_edu[i] = be
    return best, best_p, best_edu, prob, edu


_BEST = twin(_best_kernel)


@njit(cache=True)
def _estimates(hs, ks, is_, js, vd, vdt, r, ra, wsc, ssum, vr, tpc):
    q = hs.size
    n = vd.shape[0]
    out = np.empty((q, 5))
    for t in prange(q):
        h, k, i, j = hs[t], ks[t], is_[t], js[t]
        uci = np.empty(n)
        ucj = np.empty(n)
        udg = np.empty(n)
        for m in range(n):
            rhm = _est(r[h], r[m], ra)
            uci[m] = _bsutil(vdt[i, m], rhm)
            ucj[m] = _bsutil(vdt[j, m], rhm)
            udg[m] = _bsutil(vd[m, m], rhm)
        p, pj = _contest(i, j, uci, ucj, udg, wsc, vr, tpc)
        sq, vic, cnt, chl = _gains(p, pj, ssum[j], uci[k], ucj[k])
        out[t, 0] = p
        out[t, 1] = sq
        out[t, 2] = vic
        out[t, 3] = cnt
        out[t, 4] = chl
    return out


def best_challenges(distances, risk, big_r_adjust: int, weight, salience_sum,
                    voting_rule: int, third_party_commit: int):
    """Every actor's most advantageous challenge, in its own estimate (h = k = i).

    For i challenging j, i's estimate of P[i > j] (:math:`\\phi_{ij}`) comes from the
    principals' votes :math:`\\rho(c_i S_i, u_{ii} - u_{ij})` and
    :math:`\\rho(c_j S_j, u_{ji} - u_{jj})` (:math:`S_i = \\sum_k s_{ik}`) plus each third
    party m's vote, cast after m estimates, from the little contest (i:j) it joins, the
    probability :math:`p_m` that its side wins: with ``SemiCommit``
    :math:`v_m = \\rho(c_m S_m, p_m(2u_{mi} + u_{mm}) + (1-p_m) 3u_{mj} - p_m 3u_{mi} -
    (1-p_m)(2u_{mj} + u_{mm}))`. Then :math:`\\phi_{ij} = C_{i}/(C_i + C_j)` (linear, whatever
    the victory model), and the expected gain to i is
    :math:`\\Delta EU = (1 - S_j) 2u_{ii} + S_j [\\phi 2u_{ii} + (1-\\phi) 2u_{ij}] -
    (u_{ii} + u_{ij})`: j concedes with probability :math:`1 - S_j`, else they contest.
    The best j maximises :math:`\\Delta EU` among those worth more than 1e-5.

    Parameters
    ----------
    distances : numpy.ndarray, shape (n, n)
        Ideal-to-position distances.
    risk : numpy.ndarray, shape (n,)
    big_r_adjust, voting_rule, third_party_commit : int
        KTAB codes (indices in :data:`~factions.engines.bargain.smp.KTAB_PARAMETERS`).
    weight : numpy.ndarray, shape (n,)
        :math:`c_i S_i`.
    salience_sum : numpy.ndarray, shape (n,)
        :math:`S_i`.

    Returns
    -------
    best, best_prob, best_gain, prob, gain
        Target (-1 if none), its :math:`\\phi` and :math:`\\Delta EU`; and the full (n, n)
        matrices :math:`\\phi_{ij}` and :math:`\\Delta EU_{ij}` (zero on the diagonal).

    Notes
    -----
    Cost O(n³) per state (n³ third-party votes), parallel over initiators.
    """
    vd = np.ascontiguousarray(distances, dtype=float)
    return pick(_BEST, vd.shape[0])(vd, np.ascontiguousarray(vd.T), np.ascontiguousarray(risk, dtype=float),
                 int(big_r_adjust), np.ascontiguousarray(weight, dtype=float),
                 np.ascontiguousarray(salience_sum, dtype=float), int(voting_rule),
                 int(third_party_commit))


def challenge_estimates(h, k, i, j, distances, risk, big_r_adjust: int, weight, salience_sum,
                        voting_rule: int, third_party_commit: int) -> np.ndarray:
    """h's estimate of the effect on k of i challenging j, for many (h, k, i, j) at once.

    Returns
    -------
    numpy.ndarray, shape (q, 5)
        Columns: :math:`\\phi_{ij}` as h sees it, and k's euSQ, euVict, euCntst and
        euChlg (KTAB's ``UtilChlg`` table); the expected gain is euChlg - euSQ.
    """
    vd = np.ascontiguousarray(distances, dtype=float)
    arr = [np.ascontiguousarray(a, dtype=np.int64).ravel() for a in (h, k, i, j)]
    return _estimates(*arr, vd, np.ascontiguousarray(vd.T),
                      np.ascontiguousarray(risk, dtype=float), int(big_r_adjust),
                      np.ascontiguousarray(weight, dtype=float),
                      np.ascontiguousarray(salience_sum, dtype=float), int(voting_rule),
                      int(third_party_commit))
