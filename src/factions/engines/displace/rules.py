"""Movement rules: who leaves a location, and where they go.

The rules follow the structure of Flee [1]_ [2]_ — a *move chance* per location that depends
on its type and on conflict there, then a choice among the routes out of it weighted by
distance and by the kind of place at the other end — but act on stocks (expected numbers or
multinomial draws), not on individual agents, and add pull factors (entry restrictions,
hardship) and returns that the original rule set does not have.

References
----------
.. [1] D. Suleimenova, D. Bell, D. Groen (2017). A generalized simulation development
   approach for predicting refugee destinations. *Scientific Reports* 7, 13377.
   doi:10.1038/s41598-017-13828-9
.. [2] D. Groen, D. Suleimenova, et al. (2024). Flee 3: Flexible agent-based simulation for
   forced migration. *Journal of Computational Science* (Flee 3 release and validation over
   ten conflicts; averaged relative difference below 0.6).
"""

from __future__ import annotations

__all__ = ["FlowParameters", "leave_probability", "edge_probabilities", "return_hazard_terms",
           "sum_by"]

import math
from dataclasses import asdict, dataclass, fields

import numpy as np

from factions.engines.displace.network import FlowNetwork, LocationKind
from factions.errors import InputError


@dataclass(frozen=True)
class FlowParameters:
    """Parameters of the flow rules (rates are per month; all must be finite and >= 0).

    Attributes
    ----------
    base_flight : float
        mu_0, hazard of leaving an origin with no violence (per month).
    violence_sensitivity : float
        alpha, extra hazard of leaving an origin per unit of violence, where violence is
        deaths per 100,000 residents per month. Flee's ``conflict_movechance`` (1.0 per day in
        conflict zones vs 0.3 elsewhere) plays this role there.
    base_return : float
        mu_r, hazard of leaving a host or IDP setting regardless of conditions.
    return_hardship : float
        eta_H, extra hazard of leaving a host/IDP setting per unit of hardship (0-1).
    return_restriction : float
        eta_R, extra hazard of leaving a host per unit of restriction (0-1) — loss of legal
        status, visa renewals.
    return_safety : float
        eta_S, extra hazard of leaving a host/IDP setting per unit of home safety (0-1), the
        distance-weighted safety of the origins it is linked to.
    host_weight, idp_weight, origin_weight : float
        Attractiveness of a destination by kind for people leaving an origin (Flee:
        ``camp_weight``, ``foreign_weight``, ``conflict_weight``).
    onward_weight : float
        Multiplier on the pull of hosts / IDP settings for people *leaving* a host or IDP
        setting (onward moves rather than returns home).
    restriction_power : float
        rho > 0, how sharply entry restrictions deter: the pull of a host / IDP setting is
        multiplied by ``(1 - R)^rho`` (1: proportional; larger: a partly restricted border
        deters much more than an open one). ``R = 1`` still gives exactly 0.
    hardship_deterrence : float
        kappa in [0, 1], how much hardship at a destination cuts its pull: factor (1 - kappa H).
    distance_power : float
        gamma, route weight ~ distance^-gamma (Flee: ``weight_power``, 1 by default).
    safety_scale : float
        v_0 > 0, violence at which safety exp(-v / v_0) falls to 1/e.
    """

    base_flight: float = 0.0005
    violence_sensitivity: float = 0.0005
    base_return: float = 0.002
    return_hardship: float = 0.01
    return_restriction: float = 0.01
    return_safety: float = 0.01
    host_weight: float = 1.0
    idp_weight: float = 1.0
    origin_weight: float = 0.25
    onward_weight: float = 0.05
    restriction_power: float = 1.0
    hardship_deterrence: float = 0.5
    distance_power: float = 1.0
    safety_scale: float = 5.0

    def __post_init__(self) -> None:
        for f in fields(self):
            v = getattr(self, f.name)
            if not isinstance(v, int | float) or not math.isfinite(v) or v < 0:
                raise InputError(f"parameter {f.name} must be a finite number >= 0; got {v!r}")
        if self.hardship_deterrence > 1:
            raise InputError(
                f"parameter hardship_deterrence must be in [0, 1]; got {self.hardship_deterrence}"
            )
        if self.restriction_power <= 0:
            raise InputError(
                f"parameter restriction_power must be > 0; got {self.restriction_power}")
        if self.safety_scale <= 0:
            raise InputError(f"parameter safety_scale must be > 0; got {self.safety_scale}")

    def as_dict(self) -> dict[str, float]:
        return {k: float(v) for k, v in asdict(self).items()}

    def replace(self, **changes: float) -> FlowParameters:
        unknown = sorted(set(changes) - {f.name for f in fields(self)})
        if unknown:
            raise InputError(f"unknown flow parameter(s): {', '.join(unknown)}")
        return FlowParameters(**{**self.as_dict(), **{k: float(v) for k, v in changes.items()}})


def sum_by(index: np.ndarray, weights: np.ndarray, n: int) -> np.ndarray:
    """``out[k] = sum(weights[index == k])`` as float64, also when ``index`` is empty."""
    return np.bincount(index, weights=weights, minlength=n).astype(np.float64, copy=False)


def _safety(violence: np.ndarray, p: FlowParameters) -> np.ndarray:
    return np.exp(-violence / p.safety_scale)


def return_hazard_terms(
    net: FlowNetwork,
    violence: np.ndarray,
    restriction: np.ndarray,
    hardship: np.ndarray,
    p: FlowParameters,
) -> dict[str, np.ndarray]:
    """The additive terms of the hazard of leaving each host / IDP setting (per month).

    Returns
    -------
    dict
        ``baseline`` (mu_r), ``hardship`` (eta_H H), ``restriction`` (eta_R R) and ``safety``
        (eta_S S), each an (L,) array; zero at origins. ``S_i`` is the distance-weighted mean
        of ``exp(-v_k / v_0)`` over the origins ``k`` linked to ``i`` (0 if none).
    """
    origin = net.kinds == int(LocationKind.ORIGIN)
    safety = _safety(violence, p)
    w = net.distance ** (-p.distance_power)
    to_origin = origin[net.dst]
    num = sum_by(net.src, np.where(to_origin, w * safety[net.dst], 0.0), net.n_locations)
    den = sum_by(net.src, np.where(to_origin, w, 0.0), net.n_locations)
    home_safety = np.divide(num, den, out=np.zeros_like(num), where=den > 0)
    keep = ~origin
    return {
        "baseline": np.where(keep, p.base_return, 0.0),
        "hardship": np.where(keep, p.return_hardship * hardship, 0.0),
        "restriction": np.where(keep, p.return_restriction * restriction, 0.0),
        "safety": np.where(keep, p.return_safety * home_safety, 0.0),
    }


def leave_probability(
    net: FlowNetwork,
    violence: np.ndarray,
    restriction: np.ndarray,
    hardship: np.ndarray,
    p: FlowParameters,
    dt: float,
) -> np.ndarray:
    """Probability that a person at each location leaves it during one step of ``dt`` months.

    Origins: hazard ``mu_0 + alpha v_i``; hosts and IDP settings: hazard
    ``mu_r + eta_H H_i + eta_R R_i + eta_S S_i`` (:func:`return_hazard_terms`). The
    probability is ``1 - exp(-hazard dt)``.

    Parameters
    ----------
    net : FlowNetwork
    violence, restriction, hardship : ndarray, shape (L,)
        Conditions at each location this step (trusted: validated by the caller).
    p : FlowParameters
    dt : float
        Step length in months.

    Returns
    -------
    ndarray, shape (L,), values in [0, 1).

    Notes
    -----
    Cost O(L + E).
    References
    ----------
    .. [1] D. Suleimenova, D. Bell, D. Groen (2017). A generalized simulation development
       approach for predicting refugee destinations. *Sci. Rep.* 7, 13377.
    .. [2] D. Groen et al. (2024). Flee 3: Flexible agent-based simulation for forced
       migration. *J. Comput. Sci.*
    """
    origin = net.kinds == int(LocationKind.ORIGIN)
    terms = return_hazard_terms(net, violence, restriction, hardship, p)
    hazard = np.where(origin, p.base_flight + p.violence_sensitivity * violence,
                      terms["baseline"] + terms["hardship"] + terms["restriction"]
                      + terms["safety"])
    return -np.expm1(-hazard * dt)


def edge_probabilities(
    net: FlowNetwork,
    violence: np.ndarray,
    restriction: np.ndarray,
    hardship: np.ndarray,
    p: FlowParameters,
) -> np.ndarray:
    """Probability that a person leaving ``src[e]`` takes edge ``e``.

    Route weight ``w_e = A_e / d_e^gamma``. Leaving an origin (flight, or a move inside the
    country), the attractiveness of the destination is

    * host: ``host_weight (1 - R)^rho (1 - kappa H)``
    * IDP setting: ``idp_weight (1 - R)^rho (1 - kappa H)``
    * origin: ``origin_weight (1 - R) exp(-v / v_0)``

    Leaving a host or IDP setting (a return, or an onward move), it is

    * origin: ``(1 - R) (1 + exp(-v / v_0))`` — people go home even where it is unsafe
      (pushed out by hardship or restrictions), twice as readily where it is safe;
    * host / IDP setting: ``onward_weight`` times the pull above.

    Weights are normalised over the edges leaving each location. A location whose routes all
    have weight 0 (e.g. every border closed) keeps its people: its row sums to 0, not 1.

    Returns
    -------
    ndarray, shape (E,)
        Rows (edges sharing a source) sum to 1 or to 0.

    Notes
    -----
    A restriction of 1 gives attractiveness exactly 0, hence exactly zero inflow.
    Cost O(L + E).
    References
    ----------
    .. [1] D. Suleimenova, D. Bell, D. Groen (2017). A generalized simulation development
       approach for predicting refugee destinations. *Sci. Rep.* 7, 13377.
    .. [2] D. Groen et al. (2024). Flee 3: Flexible agent-based simulation for forced
       migration. *J. Comput. Sci.*
    """
    kinds = net.kinds
    origin = kinds == int(LocationKind.ORIGIN)
    open_ = 1.0 - restriction
    safety = _safety(violence, p)
    pull = np.where(kinds == int(LocationKind.HOST), p.host_weight, p.idp_weight) * (
        open_ ** p.restriction_power) * (1.0 - p.hardship_deterrence * hardship)
    from_origin = origin[net.src]
    to_origin = origin[net.dst]
    d = net.dst
    attract = np.where(
        from_origin,
        np.where(to_origin, p.origin_weight * open_[d] * safety[d], pull[d]),
        np.where(to_origin, open_[d] * (1.0 + safety[d]), p.onward_weight * pull[d]),
    )
    w = attract * net.distance ** (-p.distance_power)
    total = sum_by(net.src, w, net.n_locations)
    denom = total[net.src]
    return np.divide(w, denom, out=np.zeros_like(w), where=denom > 0)
