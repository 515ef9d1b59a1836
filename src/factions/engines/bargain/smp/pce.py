"""Votes, coalitions, victory probabilities and the probabilistic Condorcet election.

KTAB's ``Model::vote``, ``Model::coalitions``, ``Model::vProb``, ``Model::condPCE``,
``Model::markovIncentivePCE`` and ``Model::markovUniformPCE`` (``KTAB/kmodel/libsrc/
kmodel.cpp``), re-derived and written as numba kernels; the public functions below wrap
them with validated names.
"""

from __future__ import annotations

__all__ = ["vote", "coalitions", "victory_probabilities", "condorcet_election", "scalar_pce",
           "pce_status_message"]

import numpy as np
from numba import njit, prange

from factions.engines.bargain.smp._jit import pick, twin
from factions.engines.bargain.smp.options import KTAB_PARAMETERS
from factions.errors import EngineError

#: KTAB's sTol: the binary vote saturates at a utility difference of 1e-8.
BINARY_TOL = 1e-8
#: KTAB's minC: every coalition starts with this strength, so no ratio is 0/0.
MIN_COALITION = 1e-8
#: KTAB's Binary victory model: a strength ratio of 1.1 or more wins for sure.
BINARY_THRESHOLD = 1.10
MARKOV_MAX_ITER = 1000


@njit(cache=True, inline="always")
def _vote(vr, w, du):
    if vr == 2:  # Prop
        return w * du
    rb = du / BINARY_TOL
    if rb > 1.0:
        rb = 1.0
    elif rb < -1.0:
        rb = -1.0
    if vr == 0:  # Binary
        return w * rb
    if vr == 1:  # PropBin: rbp = 0.2
        return w * (0.8 * du + 0.2 * rb)
    if vr == 3:  # PropCbc: rpc = 0.5
        return w * (0.5 * du + 0.5 * (du * du * du))
    if vr == 4:  # Cubic
        return w * (du * du * du)
    if du < 0.0:  # ASymProsp: gains count two thirds
        return w * du
    if du > 0.0:
        return (2.0 * w * du) / 3.0
    return 0.0


@njit(cache=True)
def _votes(vr, w, d):
    out = np.empty(w.size)
    for k in range(w.size):
        out[k] = _vote(vr, w[k], d[k])
    return out


@njit(cache=True, inline="always")
def _vprob_pair(vpm, s1, s2):
    if vpm == 0:
        x1, x2 = s1, s2
    elif vpm == 1:
        x1, x2 = s1 * s1, s2 * s2
    elif vpm == 2:
        a, b = s1 * s1, s2 * s2
        x1, x2 = a * a, b * b
    elif vpm == 3:
        a, b = s1 * s1, s2 * s2
        a, b = a * a, b * b
        x1, x2 = a * a, b * b
    else:  # Binary, with linear interpolation inside +-10 %
        if s1 >= BINARY_THRESHOLD * s2:
            x1, x2 = 1.0, 1e-6
        elif s2 >= BINARY_THRESHOLD * s1:
            x1, x2 = 1e-6, 1.0
        else:
            r12 = s1 / (s1 + s2)
            x1 = (r12 * (BINARY_THRESHOLD + 1.0) - 1.0) / (BINARY_THRESHOLD - 1.0)
            x2 = 1.0 - x1
    return x1 / (x1 + x2), x2 / (x1 + x2)


def _coalitions_kernel(ut, w, vr):
    """``ut[option, actor]`` (transposed utilities) -> c[i, j], strength for i over j."""
    no, na = ut.shape
    c = np.empty((no, no))
    for i in prange(no):
        for j in range(i):
            cij = MIN_COALITION
            cji = MIN_COALITION
            for k in range(na):
                v = _vote(vr, w[k], ut[i, k] - ut[j, k])
                cij += max(v, 0.0)  # KTAB adds only positive votes; + 0.0 is exact
                cji += max(-v, 0.0)
            c[i, j] = cij
            c[j, i] = cji
        c[i, i] = MIN_COALITION
    return c


_COALITIONS = twin(_coalitions_kernel)


def _coalitions(ut, w, vr):
    """Coalition strengths (serial or parallel kernel by size); ``ut[option, actor]``."""
    return pick(_COALITIONS, ut.shape[0])(ut, w, vr)


@njit(cache=True)
def _victory(c, vpm):
    no = c.shape[0]
    p = np.empty((no, no))
    for i in range(no):
        for j in range(i):
            a, b = _vprob_pair(vpm, c[i, j], c[j, i])
            p[i, j] = a
            p[j, i] = b
        p[i, i] = 0.5
    return p


@njit(cache=True)
def _conditional(pv):
    no = pv.shape[0]
    p = np.empty(no)
    for i in range(no):
        x = 1.0
        for j in range(no):
            x *= pv[i, j]
        p[i] = x
    total = p.sum()
    if not total > 1e-290:  # KTAB's product underflows (0/0); use logarithms instead
        lg = np.empty(no)
        for i in range(no):
            s = 0.0
            for j in range(no):
                s += np.log(max(pv[i, j], 1e-300))
            lg[i] = s
        top = lg.max()
        for i in range(no):
            p[i] = np.exp(lg[i] - top)
        total = p.sum()
    return p / total


@njit(cache=True)
def _markov_incentive(c, pv):
    no = c.shape[0]
    inc = np.empty((no, no))
    for i in range(no):
        for j in range(no):
            inc[i, j] = c[i, j] * pv[i, j] + (1e-10 if i == j else 0.0)
    col = inc.sum(axis=0)
    chlg = np.empty((no, no))  # chlg[i, j]: probability that i challenges favourite j
    for i in range(no):
        for j in range(no):
            chlg[i, j] = inc[i, j] / col[j]
    p = np.full(no, 1.0 / no)
    q = np.empty(no)
    change = 1.0
    it = 0
    while change > 1e-8:
        if it >= MARKOV_MAX_ITER:
            return p, 1
        change = 0.0
        for i in range(no):
            qi = 0.0
            for j in range(no):
                qi += pv[i, j] * (p[i] * chlg[j, i] + p[j] * chlg[i, j])
            q[i] = qi
            d = abs(qi - p[i])
            if d > change:
                change = d
        p = (p + q) / 2.0
        it += 1
    return p, 0


@njit(cache=True)
def _markov_uniform(pv):
    no = pv.shape[0]
    p = np.full(no, 1.0 / no)
    q = np.empty(no)
    change = 1.0
    it = 0
    while change > 1e-6:
        if it >= MARKOV_MAX_ITER:
            return p, 1
        change = 0.0
        for i in range(no):
            s = 0.0
            for j in range(no):
                s += pv[i, j] * (p[i] + p[j])
            q[i] = s / no
            d = abs(q[i] - p[i])
            if d > change:
                change = d
        p = (p + q) / 2.0
        it += 1
    return p, 0


@njit(cache=True)
def _pce(c, vpm, pcem):
    """(option probabilities, victory matrix, status) of a coalition matrix."""
    pv = _victory(c, vpm)
    if pcem == 0:
        return _conditional(pv), pv, 0
    if pcem == 1:
        p, status = _markov_incentive(c, pv)
        return p, pv, status
    p, status = _markov_uniform(pv)
    return p, pv, status


def pce_status_message(status: int, where: str) -> str:
    """The error text for a Markov PCE that did not converge (status 1)."""
    return (f"{where}: the Markov PCE did not converge in {MARKOV_MAX_ITER} iterations "
            "(KTAB raises here too)")


def _code(name: str, value: str) -> int:
    for k, v in enumerate(KTAB_PARAMETERS[name]):
        if v.lower() == str(value).lower():
            return k
    raise EngineError(f"{name} must be one of {', '.join(KTAB_PARAMETERS[name])}; got {value!r}")


def vote(rule: str, weight, delta) -> np.ndarray:
    """KTAB's vote :math:`v = \\rho(w, \\Delta u)` of weight ``w`` for a utility gain ``delta``.

    With :math:`b = \\mathrm{clip}(\\Delta u / 10^{-8}, -1, 1)`: Binary :math:`w b`;
    PropBin :math:`w (0.8 \\Delta u + 0.2 b)`; Prop :math:`w \\Delta u`; PropCbc
    :math:`w (\\Delta u + \\Delta u^3)/2`; Cubic :math:`w \\Delta u^3`; ASymProsp
    :math:`w \\Delta u` for losses and :math:`\\tfrac23 w \\Delta u` for gains.

    Parameters
    ----------
    rule : str
        A KTAB ``VotingRule`` name.
    weight, delta : array_like
        Broadcast against each other.

    Returns
    -------
    numpy.ndarray

    Raises
    ------
    EngineError
        On an unknown rule.
    """
    vr = _code("VotingRule", rule)
    w, d = np.broadcast_arrays(np.asarray(weight, float), np.asarray(delta, float))
    return _votes(vr, np.ascontiguousarray(w).ravel(),
                  np.ascontiguousarray(d).ravel()).reshape(w.shape)


def coalitions(utility, weight, rule: str = "Prop") -> np.ndarray:
    """Coalition strengths ``c[i, j]`` for option i against option j (KTAB ``coalitions``).

    :math:`c_{ij} = 10^{-8} + \\sum_k \\max(v_k(i{:}j), 0)` with
    :math:`v_k(i{:}j) = \\rho(w_k, u_{ki} - u_{kj})` (:func:`vote`); the diagonal is 1e-8.

    Parameters
    ----------
    utility : array_like, shape (actors, options)
        ``utility[k, i]``: actor k's utility for option i.
    weight : array_like, shape (actors,)
        Positive voting weights.
    rule : str
        KTAB ``VotingRule`` name (default ``Prop``).

    Returns
    -------
    numpy.ndarray, shape (options, options)

    Notes
    -----
    Cost O(actors · options²), parallel over options.
    """
    u = np.ascontiguousarray(np.asarray(utility, float).T)
    return _coalitions(u, np.ascontiguousarray(weight, dtype=float), _code("VotingRule", rule))


def victory_probabilities(coalition, model: str = "Linear") -> np.ndarray:
    """``p[i, j]``: probability that option i defeats j (KTAB ``Model::vProb``).

    With :math:`x = c^e` (Linear e=1, Square 2, Quartic 4, Octic 8),
    :math:`p_{ij} = x_{ij}/(x_{ij} + x_{ji})`; Binary: a coalition 10 % stronger wins
    (:math:`x = 1` against :math:`10^{-6}`), linear interpolation in between. The diagonal
    is 1/2.

    Parameters
    ----------
    coalition : array_like, shape (m, m)
        Positive coalition strengths (:func:`coalitions`).
    model : str
        KTAB ``VictoryProbModel`` name.

    Returns
    -------
    numpy.ndarray, shape (m, m)
    """
    return _victory(np.ascontiguousarray(coalition, dtype=float),
                    _code("VictoryProbModel", model))


def condorcet_election(coalition, pce_model: str = "Conditional",
                       victory_model: str = "Linear") -> tuple[np.ndarray, np.ndarray]:
    """Probabilistic Condorcet election over options: (probabilities, victory matrix).

    * ``Conditional``: :math:`P_i \\propto \\prod_j p_{ij}`, the probability that i beats
      every rival given that one option does.
    * ``MarkovIncentive``: the current favourite j is challenged by i with probability
      :math:`n_{ij}/\\sum_k n_{kj}`, :math:`n_{ij} = c_{ij} p_{ij}` (+1e-10 on the
      diagonal); the stationary distribution of that chain, found by the damped iteration
      :math:`P \\leftarrow (P + Q)/2`, :math:`Q_i = \\sum_j p_{ij} (P_i t_{ji} + P_j t_{ij})`
      until no entry moves by more than 1e-8.
    * ``MarkovUniform``: every rival challenges equally often,
      :math:`Q_i = \\sum_j p_{ij} (P_i + P_j) / m`, tolerance 1e-6.

    Parameters
    ----------
    coalition : array_like, shape (m, m)
    pce_model, victory_model : str
        KTAB ``PCEModel`` and ``VictoryProbModel`` names.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        The (m,) option probabilities and the (m, m) victory probabilities.

    Raises
    ------
    EngineError
        On unknown names, or when a Markov iteration has not converged after 1000 steps
        (KTAB's ``iMax``).

    Notes
    -----
    Cost O(m²) (Conditional) or O(m²) per iteration (Markov). When KTAB's product of the
    conditional model underflows (every :math:`P_i = 0`, possible with hundreds of
    options) the product is taken in logarithms instead of failing as KTAB does.

    References
    ----------
    .. [1] Wise, B. (2016). Markov voting with incentives in KTAB.
       ``KTAB/kmodel/doc/markov-incentives.tex``.
    """
    p, pv, status = _pce(np.ascontiguousarray(coalition, dtype=float),
                         _code("VictoryProbModel", victory_model), _code("PCEModel", pce_model))
    if status:
        raise EngineError(pce_status_message(status, "condorcet_election"))
    return p, pv


def scalar_pce(utility, weight, voting_rule: str = "Prop", victory_model: str = "Linear",
               pce_model: str = "Conditional") -> np.ndarray:
    """KTAB ``Model::scalarPCE``: option probabilities when actors vote over options.

    :func:`coalitions` of ``utility`` (actors × options) and ``weight``, then
    :func:`condorcet_election`.

    Returns
    -------
    numpy.ndarray, shape (options,)
    """
    c = coalitions(utility, weight, voting_rule)
    return condorcet_election(c, pce_model, victory_model)[0]
