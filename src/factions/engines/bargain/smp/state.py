"""One SMP state: utilities, risk attitudes, and the transition to the next state.

KTAB's ``SMPState::setAllAUtil`` (the state's utilities and risk attitudes),
``SMPState::pDist(-1)`` (each position's chance of winning), ``SMPState::doBCN``
(challenges, bargains, votes over bargains) and ``SMPState::newIdeals`` (ideals move
toward positions at the accommodation rates), re-derived; see ``docs/models/bargain.md``.
"""

from __future__ import annotations

__all__ = ["SMPArrays", "StateSetup", "Transition", "setup_state", "transition",
           "unique_positions", "win_probabilities", "new_ideals"]

from dataclasses import dataclass

import numpy as np
from numba import njit

from factions.engines.bargain.smp.bargains import Bargains, form_bargains
from factions.engines.bargain.smp.challenge import best_challenges, challenge_estimates
from factions.engines.bargain.smp.options import SMPOptions
from factions.engines.bargain.smp.pce import _coalitions, _pce, pce_status_message
from factions.engines.bargain.smp.resolve import resolve_bargains
from factions.engines.bargain.smp.utilities import _bigr, _distances, _own
from factions.errors import EngineError

#: KTAB's posTol: positions closer than this (Euclidean, unit scale) are the same option.
POS_TOL = 1e-3


@dataclass(frozen=True)
class SMPArrays:
    """Validated SMP inputs on the unit scale (the model's internal representation).

    Attributes
    ----------
    capability : numpy.ndarray, shape (n,)
        Positive capabilities :math:`c_i`.
    salience : numpy.ndarray, shape (n, d)
        Saliences :math:`s_{ik} \\ge 0`, :math:`0 < S_i = \\sum_k s_{ik} \\le 1`.
    position : numpy.ndarray, shape (n, d)
        Initial positions in [0, 1].
    accommodation : numpy.ndarray, shape (n, n), or None
        KTAB's ideal-accommodation matrix; ``None`` is the identity (ideals are the
        current positions, as for every KTAB CSV input).
    """

    capability: np.ndarray
    salience: np.ndarray
    position: np.ndarray
    accommodation: np.ndarray | None = None

    @property
    def n(self) -> int:
        return int(self.capability.size)

    @property
    def salience_sum(self) -> np.ndarray:
        return self.salience.sum(axis=1)


@dataclass(frozen=True)
class StateSetup:
    """What KTAB computes for a state before bargaining (``setAllAUtil``)."""

    distance: np.ndarray  # (n, n) ideal of i to position of j
    risk_prob: np.ndarray  # (n,) risk-neutral PCE over the n positions
    risk: np.ndarray  # (n,) risk attitudes R_i
    own: np.ndarray  # (n, n) u_i(x_j) with i's own risk attitude
    win_prob: np.ndarray  # (n,) pDist(-1): chance of each actor's position
    outcome: np.ndarray  # (d,) expected outcome under pDist(-1)


@dataclass(frozen=True)
class Transition:
    """The bargaining step from one state to the next (``doBCN``)."""

    target: np.ndarray
    target_prob: np.ndarray
    target_gain: np.ndarray
    challenge_prob: np.ndarray  # (n, n) phi_ij in i's estimate
    challenge_gain: np.ndarray  # (n, n) i's expected gain of challenging j
    bargains: Bargains
    bargain_prob: np.ndarray  # per entry of bargains.items
    bargain_utility: np.ndarray  # (bargains, n)
    chosen: np.ndarray  # (n,) bargain adopted by each actor
    position: np.ndarray  # (n, d) next positions
    ideal: np.ndarray  # (n, d) next ideals


@njit(cache=True)
def _unique(x, tol):
    n, nd = x.shape
    uniq = np.empty(n, dtype=np.int64)
    nu = 0
    eq = np.empty(n, dtype=np.int64)
    for i in range(n):
        found = -1
        for q in range(nu):
            d = 0.0
            for k in range(nd):
                t = x[i, k] - x[uniq[q], k]
                d += t * t
            if np.sqrt(d) < tol:
                found = q
                break
        if found < 0:
            uniq[nu] = i
            found = nu
            nu += 1
        eq[i] = found
    # KTAB State::posProb: the *last* unique position equivalent to i
    last = np.empty(n, dtype=np.int64)
    for i in range(n):
        k = -1
        for q in range(nu):
            d = 0.0
            for kk in range(nd):
                t = x[i, kk] - x[uniq[q], kk]
                d += t * t
            if np.sqrt(d) < tol:
                k = q
        last[i] = k
    return uniq[:nu].copy(), eq, last


def unique_positions(position, tol: float = POS_TOL):
    """KTAB ``ueIndices``: (unique indices, equivalence index, last equivalent unique)."""
    return _unique(np.ascontiguousarray(position, dtype=float), float(tol))


def win_probabilities(own, position, capability, opts: SMPOptions):
    """KTAB ``pDist(-1)``: each actor's position's chance of winning, in every actor's eyes.

    A PCE over the unique positions, actor i voting with its own utilities
    :math:`u_i(x_j)` and its raw capability; an actor's probability is its position's.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        Per actor the probability of its position, shape (n,); and the expected outcome
        :math:`\\sum_q P_q x_q` over the unique positions, shape (d,).
    """
    uniq, _, last = unique_positions(position)
    ut = np.ascontiguousarray(own[:, uniq].T)
    c = _coalitions(ut, capability, opts.code("VotingRule"))
    p, _, status = _pce(c, opts.code("VictoryProbModel"), opts.code("PCEModel"))
    if status:
        raise EngineError(pce_status_message(status, "smp win probabilities"))
    return p[last], p @ np.asarray(position)[uniq]


def setup_state(data: SMPArrays, position, ideal, opts: SMPOptions) -> StateSetup:
    """Distances, risk attitudes and utilities of one state (KTAB ``setAllAUtil``).

    Risk attitudes come from a risk-neutral PCE over the n positions (utilities
    :math:`1 - d_{ij}`, weights :math:`c_j`), turned into :math:`R_i` by ``BigRRange``
    (:func:`~factions.engines.bargain.smp.risk_attitudes`).
    """
    vd = _distances(np.ascontiguousarray(ideal), np.ascontiguousarray(position),
                    data.salience)
    rn = np.ascontiguousarray((1.0 - vd).T)  # bsUtil(d, 0) = 1 - d
    c = _coalitions(rn, data.capability, opts.code("VotingRule"))
    p, _, status = _pce(c, opts.code("VictoryProbModel"), opts.code("PCEModel"))
    if status:
        raise EngineError(pce_status_message(status, "smp risk attitudes"))
    r = _bigr(p, opts.code("BigRRange"))
    own = _own(vd, r, opts.code("BigRAdjust"))
    win, outcome = win_probabilities(own, position, data.capability, opts)
    return StateSetup(vd, p, r, own, win, outcome)


def transition(data: SMPArrays, position, ideal, setup: StateSetup, opts: SMPOptions,
               rng: np.random.Generator | None = None) -> Transition:
    """One bargaining step: challenges, bargains, votes over bargains, new positions.

    Parameters
    ----------
    data : SMPArrays
    position, ideal : numpy.ndarray, shape (n, d)
        The state's positions and ideals (unit scale).
    setup : StateSetup
        :func:`setup_state` of that state.
    opts : SMPOptions
    rng : numpy.random.Generator, optional
        Needed for ``Stochastic`` transitions: one uniform draw per actor, in actor order.

    Returns
    -------
    Transition

    Raises
    ------
    EngineError
        When a Markov PCE does not converge, or a stochastic run has no generator.
    """
    ra, vr, tpc = (opts.code(k) for k in ("BigRAdjust", "VotingRule", "ThirdPartyCommit"))
    wsc = data.capability * data.salience_sum
    best, bp, be, prob, gain = best_challenges(setup.distance, setup.risk, ra, wsc,
                                               data.salience_sum, vr, tpc)
    view = None
    if opts.bargn_model != "InitOnlyInterp":  # j's estimate of the effect on i of i -> j
        ini = np.flatnonzero(best >= 0)
        view = np.zeros((data.n, 5))
        view[ini] = challenge_estimates(best[ini], ini, ini, best[ini], setup.distance,
                                        setup.risk, ra, wsc, data.salience_sum, vr, tpc)
    bargains = form_bargains(position, data.salience, data.capability, best, bp, be,
                             opts.inter_vec_brgn, opts.bargn_model, view, opts.ktab_quirks)
    draws = None
    if opts.state_transitions == "Stochastic":
        if rng is None:
            raise EngineError("smp StateTransitions=Stochastic needs a random generator (seed)")
        draws = rng.random(data.n)
    chosen, bprob, status, butil = resolve_bargains(
        setup.own, ideal, data.salience, setup.risk, bargains, data.capability, vr,
        opts.code("VictoryProbModel"), opts.code("PCEModel"), draws)
    if status.any():
        raise EngineError(pce_status_message(1, "smp bargain votes"))
    k = np.arange(data.n)
    as_init = bargains.init[chosen] == k
    new = np.where(as_init[:, None], bargains.pos_init[chosen], bargains.pos_rcvr[chosen])
    return Transition(best, bp, be, prob, gain, bargains, bprob, butil, chosen, new,
                      new_ideals(ideal, new, data.accommodation))


def new_ideals(ideal, position, accommodation) -> np.ndarray:
    """KTAB ``newIdeals``: :math:`y_i' = \\sum_j a_{ij} x_j + (1 - \\sum_j a_{ij}) y_i`."""
    if accommodation is None:
        return position.copy()
    a = accommodation
    lag = 1.0 - np.minimum(a.sum(axis=1), 1.0)
    return a @ position + lag[:, None] * ideal
