"""Actors' utilities over positions and their risk attitudes, as KTAB's SMP computes them.

KTAB's ``SMPModel::bvDiff``, ``SMPModel::bsUtil``, ``Model::bigRfromProb``,
``Model::estNRA`` and ``SMPState::setAllAUtil`` (``examples/smp/libsrc/smp.cpp``,
``KTAB/kmodel/libsrc/kmodel.cpp``). Everything works on the unit scale: positions in
[0, 1] on every dimension, saliences as fractions.
"""

from __future__ import annotations

__all__ = ["weighted_distances", "spatial_utility", "risk_attitudes", "estimated_risk",
           "utility_matrices", "own_utilities"]

import numpy as np
from numba import njit, prange

from factions.engines.bargain.smp.options import KTAB_PARAMETERS
from factions.errors import EngineError


@njit(cache=True)
def _distances(ideals, positions, sal):
    n, nd = ideals.shape
    m = positions.shape[0]
    out = np.empty((n, m))
    for i in prange(n):
        ss = 0.0
        for k in range(nd):
            ss += sal[i, k] * sal[i, k]
        for j in range(m):
            ds = 0.0
            for k in range(nd):
                x = (ideals[i, k] - positions[j, k]) * sal[i, k]
                ds += x * x
            out[i, j] = np.sqrt(ds / ss)
    return out


@njit(cache=True, inline="always")
def _bsutil(sd, r):
    if sd <= 1.0:
        return (1.0 - sd) * (1.0 + sd * r)
    return (1.0 - sd) * (1.0 + r)  # round-off can push a distance slightly above 1


@njit(cache=True, inline="always")
def _est(rh, ri, ra):
    if ra == 0:  # None: h projects its own attitude
        return rh
    if ra == 1:  # OneThird
        return ((2.0 * rh) + ri) / 3.0
    if ra == 2:  # Half
        return (rh + ri) / 2.0
    if ra == 3:  # TwoThirds
        return (rh + (2.0 * ri)) / 3.0
    return ri  # Full


@njit(cache=True)
def _bigr(p, rr):
    pmin = p.min()
    pmax = p.max()
    out = np.empty(p.size)
    if not pmax > pmin:  # every position equally likely: KTAB divides 0 by 0
        out[:] = 0.0
        return out
    for i in range(p.size):
        if rr == 0:
            out[i] = (p[i] - pmin) / (pmax - pmin)
        elif rr == 1:
            out[i] = (3.0 * p[i] - (pmax + 2.0 * pmin)) / (2.0 * (pmax - pmin))
        else:
            out[i] = (2.0 * p[i] - (pmax + pmin)) / (pmax - pmin)
    return out


@njit(cache=True)
def _est_matrix(r, ra):
    n = r.size
    out = np.empty((n, n))
    for h in range(n):
        for i in range(n):
            out[h, i] = _est(r[h], r[i], ra)
    return out


@njit(cache=True)
def _own(vd, r, ra):
    n, m = vd.shape
    out = np.empty((n, m))
    for i in prange(n):
        ri = _est(r[i], r[i], ra)
        for j in range(m):
            out[i, j] = _bsutil(vd[i, j], ri)
    return out


@njit(cache=True, parallel=True)
def _all_utilities(vd, r, ra):
    n = vd.shape[0]
    out = np.empty((n, n, n))
    for h in prange(n):
        for i in range(n):
            rhi = _est(r[h], r[i], ra)
            for j in range(n):
                out[h, i, j] = _bsutil(vd[i, j], rhi)
    return out


def _code(name: str, value: str) -> int:
    try:
        return KTAB_PARAMETERS[name].index(value)
    except ValueError:
        raise EngineError(f"{name} must be one of {', '.join(KTAB_PARAMETERS[name])}; "
                          f"got {value!r}") from None


def weighted_distances(ideals, positions, saliences) -> np.ndarray:
    """Salience-weighted distance from each actor's ideal to every position (KTAB ``bvDiff``).

    :math:`d_{ij} = \\sqrt{\\sum_k s_{ik}^2 (y_{ik} - x_{jk})^2 / \\sum_k s_{ik}^2}`, actor
    i's ideal :math:`y_i`, position :math:`x_j`, i's saliences :math:`s_{ik}`; in [0, 1] on
    the unit scale.

    Parameters
    ----------
    ideals : array_like, shape (n, d)
    positions : array_like, shape (m, d)
    saliences : array_like, shape (n, d)
        Every row must have a positive salience somewhere.

    Returns
    -------
    numpy.ndarray, shape (n, m)
    """
    return _distances(np.ascontiguousarray(ideals, dtype=float),
                      np.ascontiguousarray(positions, dtype=float),
                      np.ascontiguousarray(saliences, dtype=float))


def spatial_utility(distance, risk) -> np.ndarray:
    """KTAB's ``bsUtil``: :math:`u = (1 - d)(1 + d R)` for distance d and risk attitude R.

    R = 0 is risk neutral (:math:`u = 1 - d`), R = 1 risk averse (concave), R = -1/2
    risk seeking. Past d = 1 (round-off only) KTAB uses :math:`(1 - d)(1 + R)`.
    """
    d, r = np.broadcast_arrays(np.asarray(distance, float), np.asarray(risk, float))
    return np.where(d <= 1.0, (1.0 - d) * (1.0 + d * r), (1.0 - d) * (1.0 + r))


def risk_attitudes(probabilities, big_r_range: str = "Mid") -> np.ndarray:
    """KTAB's ``bigRfromProb``: risk attitudes from the actors' chances of prevailing.

    The actor whose position is most likely to win (:math:`P_{max}`) is the most risk
    averse (R = 1), the least likely (:math:`P_{min}`) the most risk seeking: ``Min``
    :math:`R = (P - P_{min})/(P_{max} - P_{min}) \\in [0, 1]`; ``Mid``
    :math:`R = (3P - P_{max} - 2P_{min}) / (2(P_{max} - P_{min})) \\in [-1/2, 1]`; ``Max``
    :math:`R = (2P - P_{max} - P_{min})/(P_{max} - P_{min}) \\in [-1, 1]`.

    Parameters
    ----------
    probabilities : array_like, shape (n,)
    big_r_range : {"Min", "Mid", "Max"}

    Returns
    -------
    numpy.ndarray, shape (n,)

    Notes
    -----
    When every probability is equal KTAB divides zero by zero; here every actor is then
    risk neutral (R = 0).
    """
    return _bigr(np.ascontiguousarray(probabilities, dtype=float), _code("BigRRange", big_r_range))


def estimated_risk(risk, big_r_adjust: str = "OneThird") -> np.ndarray:
    """``r[h, i]``: h's estimate of i's risk attitude (KTAB ``estNRA``).

    ``None`` :math:`r_h`; ``OneThird`` :math:`(2 r_h + r_i)/3`; ``Half``
    :math:`(r_h + r_i)/2`; ``TwoThirds`` :math:`(r_h + 2 r_i)/3`; ``Full`` :math:`r_i`.
    """
    return _est_matrix(np.ascontiguousarray(risk, dtype=float),
                       _code("BigRAdjust", big_r_adjust))


def own_utilities(distances, risk, big_r_adjust: str = "OneThird") -> np.ndarray:
    """``u[i, j]``: actor i's own utility for position j, :math:`u(d_{ij}, \\hat r_{ii})`."""
    return _own(np.ascontiguousarray(distances, dtype=float),
                np.ascontiguousarray(risk, dtype=float), _code("BigRAdjust", big_r_adjust))


def utility_matrices(distances, risk, big_r_adjust: str = "OneThird") -> np.ndarray:
    """``u[h, i, j]``: h's estimate of i's utility for j's position (KTAB ``aUtil[h]``).

    :math:`u^h_{ij} = (1 - d_{ij})(1 + d_{ij} \\hat r_{hi})` with :math:`\\hat r_{hi}` from
    :func:`estimated_risk`. Memory n³ doubles: meant for small n (the model itself never
    stores it; its kernels evaluate entries on the fly).

    Parameters
    ----------
    distances : array_like, shape (n, n)
        :func:`weighted_distances` of ideals and positions.
    risk : array_like, shape (n,)
    big_r_adjust : str

    Returns
    -------
    numpy.ndarray, shape (n, n, n)
    """
    return _all_utilities(np.ascontiguousarray(distances, dtype=float),
                          np.ascontiguousarray(risk, dtype=float),
                          _code("BigRAdjust", big_r_adjust))
