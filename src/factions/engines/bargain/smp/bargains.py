"""Bargains proposed by the initiators of the best challenges (KTAB ``SMPState::doBCN``).

The interpolation rules are KTAB's ``SMPActor::interpBrgnSnPm`` and ``interpBrgnS2PMax``
(``examples/smp/libsrc/smp.cpp``); the three ways to form the proposals
(``SMPBargnModel``) follow ``SMPState::doBCN(i)`` in ``smpbcn.cpp``.
"""

from __future__ import annotations

__all__ = ["Bargains", "interpolate", "form_bargains"]

from dataclasses import dataclass

import numpy as np

MIN_W = 1e-6  # KTAB's minW: keeps each party's weight, and the denominator, positive


@dataclass(frozen=True)
class Bargains:
    """The bargains of one state: the n status-quo "bargains" first, then the proposals.

    Attributes
    ----------
    init, rcvr : numpy.ndarray of int, shape (m,)
        Initiator and receiver; ``init == rcvr`` marks a status quo (rows 0..n-1).
    pos_init, pos_rcvr : numpy.ndarray, shape (m, d)
        Positions (unit scale) proposed for the initiator and for the receiver.
    value : numpy.ndarray, shape (m,)
        The initiator's expected gain that led to the proposal (0 for a status quo).
    ptr, items : numpy.ndarray of int
        Bargains put to actor k: ``items[ptr[k]:ptr[k + 1]]``, its status quo first, then
        the proposals it is party to, by initiator.
    """

    init: np.ndarray
    rcvr: np.ndarray
    pos_init: np.ndarray
    pos_rcvr: np.ndarray
    value: np.ndarray
    ptr: np.ndarray
    items: np.ndarray

    @property
    def n_proposals(self) -> int:
        return int(np.count_nonzero(self.init != self.rcvr))


def _round4(x: np.ndarray) -> np.ndarray:
    return np.trunc(0.5 + x * 10000.0) / 10000.0  # KTAB: (int)(0.5 + x * 1e4) / 1e4


def interpolate(pos_i, sal_i, prob_i, pos_j, sal_j, prob_j, rule: str = "S2P2"):
    """KTAB's interpolated bargain between two positions, dimension by dimension.

    ``S1P1`` / ``S2P2``: with weights :math:`w_{ik} = s_{ik}^a P_i^b` (a = b = 1 or 2),
    :math:`b_{ik} = ((w_{ik} + \\epsilon) t_{ik} + w_{jk} t_{jk}) / (w_{ik} + \\epsilon + w_{jk})`,
    :math:`b_{jk} = (w_{ik} t_{ik} + (\\epsilon + w_{jk}) t_{jk}) / (\\ldots)`,
    :math:`\\epsilon = 10^{-6}`, rounded to 1e-4 of the unit scale as KTAB does. ``S2PMax``:
    the less likely side moves toward the other by
    :math:`d s_j^2/(d s_j^2 + \\epsilon + (1 - d) s_i^2)`, :math:`d = \\max(0, P_j - P_i)`.

    Parameters
    ----------
    pos_i, sal_i, pos_j, sal_j : array_like, shape (m, d)
        Positions (unit scale) and saliences of the two parties of m bargains.
    prob_i, prob_j : array_like, shape (m,)
        The probabilities the proposer assigns to each party prevailing.
    rule : {"S1P1", "S2P2", "S2PMax"}

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        Positions proposed for i and for j, shape (m, d).
    """
    ti, si, tj, sj = (np.asarray(a, float) for a in (pos_i, sal_i, pos_j, sal_j))
    pi = np.asarray(prob_i, float)[:, None]
    pj = np.asarray(prob_j, float)[:, None]
    if rule == "S2PMax":
        di = np.where(pj > pi, pj - pi, 0.0)
        dj = np.where(pi > pj, pi - pj, 0.0)
        si2, sj2 = si * si, sj * sj
        dik = (di * sj2) / ((di * sj2) + MIN_W + ((1 - di) * si2))
        djk = (dj * si2) / ((dj * si2) + MIN_W + ((1 - dj) * sj2))
        return ti + dik * (tj - ti), tj + djk * (ti - tj)
    power = 2 if rule == "S2P2" else 1
    wi = (si**power) * (pi**power)
    wj = (sj**power) * (pj**power)
    den = wi + MIN_W + wj
    return (_round4(((wi + MIN_W) * ti + wj * tj) / den),
            _round4((wi * ti + (MIN_W + wj) * tj) / den))


def form_bargains(positions, saliences, capability, target, target_prob, target_gain,
                  rule: str, model: str, receiver_view=None, ktab_quirks: bool = True
                  ) -> Bargains:
    """The proposals of one state under a ``BargnModel``, and each actor's list of them.

    Initiator i (with a best target j and its own estimate :math:`\\phi_{ij}`) proposes:

    * ``InitOnlyInterp``: the bargain interpolated with :math:`(\\phi_{ij}, 1 - \\phi_{ij})`,
      put to both i and j;
    * ``InitRcvrInterp``: that one and the one interpolated with j's view
      :math:`(\\psi, 1 - \\psi)`, both put to both;
    * ``PWCompInterp``: their compromise weighted by :math:`c_i S_i` and :math:`c_j S_j`.

    Parameters
    ----------
    positions, saliences : numpy.ndarray, shape (n, d)
        Current positions (unit scale) and saliences.
    capability : numpy.ndarray, shape (n,)
    target, target_prob, target_gain : numpy.ndarray, shape (n,)
        Each actor's best target (-1 for none), :math:`\\phi` and expected gain.
    rule : str
        ``InterVecBrgn`` name.
    model : str
        ``BargnModel`` name.
    receiver_view : numpy.ndarray, shape (n, 5), optional
        For each initiator, j's estimate of the effect on i of i challenging j
        (:func:`~factions.engines.bargain.smp.challenge_estimates` rows); needed by the
        last two models.
    ktab_quirks : bool
        KTAB takes :math:`\\psi` from j's estimate of i's *expected gain* (``get<1>`` of
        ``probEduChlg``, where the comment says "probability") and weights j's side of the
        compromise by i's capability (``brgnJIJ->actInit->sCap``). ``True`` (default)
        reproduces this; ``False`` uses j's estimate of :math:`\\phi_{ij}` and
        :math:`c_j`. The default ``InitOnlyInterp`` model is unaffected.

    Returns
    -------
    Bargains
    """
    x = np.asarray(positions, float)
    s = np.asarray(saliences, float)
    n = x.shape[0]
    ini = np.flatnonzero((target >= 0) & (target_gain > 0))
    rcv = target[ini]
    p = target_prob[ini]
    ii_i, ii_j = interpolate(x[ini], s[ini], p, x[rcv], s[rcv], 1.0 - p, rule)
    if model == "InitOnlyInterp":
        b_init, b_rcvr, b_pi, b_pj, b_val = ini, rcv, ii_i, ii_j, target_gain[ini]
        order = np.zeros(ini.size, dtype=np.int64)
    else:
        view = np.asarray(receiver_view, float)[ini]
        psi = view[:, 4] - view[:, 1] if ktab_quirks else view[:, 0]
        ji_i, ji_j = interpolate(x[ini], s[ini], psi, x[rcv], s[rcv], 1.0 - psi, rule)
        if model == "InitRcvrInterp":
            b_init, b_rcvr = np.repeat(ini, 2), np.repeat(rcv, 2)
            b_pi = np.stack([ii_i, ji_i], axis=1).reshape(-1, x.shape[1])
            b_pj = np.stack([ii_j, ji_j], axis=1).reshape(-1, x.shape[1])
            b_val = np.repeat(target_gain[ini], 2)
            order = np.tile([0, 1], ini.size)
        else:  # PWCompInterp
            ssum = s.sum(axis=1)
            wi = (capability[ini] * ssum[ini])[:, None]
            wj = ((capability[ini] if ktab_quirks else capability[rcv]) * ssum[rcv])[:, None]
            b_init, b_rcvr, b_val = ini, rcv, target_gain[ini]
            b_pi = (wi * ii_i + wj * ji_i) / (wi + wj)
            b_pj = (wi * ii_j + wj * ji_j) / (wi + wj)
            order = np.zeros(ini.size, dtype=np.int64)
    sq = np.arange(n)
    init = np.concatenate([sq, b_init]).astype(np.int64)
    rcvr = np.concatenate([sq, b_rcvr]).astype(np.int64)
    m = init.size
    ids = np.arange(m)
    # each proposal goes to its initiator and to its receiver
    owner = np.concatenate([sq, b_init, b_rcvr])
    bid = np.concatenate([sq, ids[n:], ids[n:]])
    rank = np.concatenate([np.full(n, -1), b_init, b_init])  # status quo first, then by initiator
    sub = np.concatenate([np.zeros(n, dtype=np.int64), order, order])
    perm = np.lexsort((sub, rank, owner))
    items = bid[perm].astype(np.int64)
    ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(owner, minlength=n), out=ptr[1:])
    return Bargains(init, rcvr, np.concatenate([x, b_pi]), np.concatenate([x, b_pj]),
                    np.concatenate([np.zeros(n), b_val]), ptr, items)
