"""Least-squares calibration of flow parameters against observed stocks (in-sample).

Residuals are log ratios, ``log(max(sim, 1) / obs)`` at every observed (time, series) cell,
so each host counts the same whatever its size (to first order the relative difference
whose mean absolute value is the per-host ARD), while a host whose observed count is tiny
(e.g. a registration count of a few dozen) cannot swamp the fit as a relative difference
of thousands would. Scale-like parameters (weights, ``safety_scale``) are fitted on a log axis, hazards (lower
bound 0) on a linear one, inside :data:`DEFAULT_BOUNDS`, with
:func:`scipy.optimize.least_squares` (trust-region reflective) from three deterministic
starts (the given values times 1, 0.2 and 5); the best is kept.

A fit to the same data it is judged on is an *in-sample* fit: its ARD says the model *can*
reproduce the series, not that it predicts them.
"""

from __future__ import annotations

__all__ = ["Target", "FitResult", "fit_parameters", "DEFAULT_FIT", "DEFAULT_BOUNDS"]

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import least_squares

from factions.engines.displace.flow import FlowInputs, simulate_flows
from factions.engines.displace.network import FlowNetwork
from factions.engines.displace.rules import FlowParameters
from factions.errors import InputError

DEFAULT_FIT = ("violence_sensitivity", "host_weight", "restriction_power", "return_safety",
               "return_restriction", "return_hardship")
_START_FACTORS = (1.0, 0.2, 5.0)
DEFAULT_BOUNDS: dict[str, tuple[float, float]] = {
    "base_flight": (0.0, 0.05),
    "violence_sensitivity": (0.0, 0.05),
    "base_return": (0.0, 0.2),
    "return_hardship": (0.0, 0.5),
    "return_restriction": (0.0, 0.5),
    "return_safety": (0.0, 0.5),
    "host_weight": (1e-3, 1e3),
    "idp_weight": (1e-3, 1e3),
    "origin_weight": (1e-3, 1e3),
    "onward_weight": (0.0, 10.0),
    "restriction_power": (0.1, 10.0),
    "hardship_deterrence": (1e-3, 1.0),
    "distance_power": (1e-3, 4.0),
    "safety_scale": (0.1, 100.0),
}


@dataclass(frozen=True)
class Target:
    """One observed series: the sum of some locations' stocks at some steps.

    Attributes
    ----------
    name : str
        Label (e.g. ``"syria"`` or ``"idps"``).
    locations : sequence of int
        Location indices whose stocks are summed.
    steps : sequence of int
        Row indices into ``FlowRun.stocks`` (0 = the initial stock).
    values : sequence of float
        Observed counts (> 0) at those rows.
    """

    name: str
    locations: Sequence[int]
    steps: Sequence[int]
    values: Sequence[float]

    def simulated(self, stocks: np.ndarray) -> np.ndarray:
        return stocks[np.asarray(self.steps)][:, np.asarray(self.locations)].sum(axis=1)


@dataclass(frozen=True)
class FitResult:
    """A calibration: fitted parameters, cost, and the optimiser's report."""

    params: FlowParameters
    fitted: tuple[str, ...]
    cost: float
    n_residuals: int
    n_evaluations: int
    success: bool
    message: str


def fit_parameters(
    net: FlowNetwork,
    inputs: FlowInputs,
    targets: Sequence[Target],
    start: FlowParameters | None = None,
    names: Sequence[str] = DEFAULT_FIT,
    *,
    dt: float = 1.0,
    max_evaluations: int = 400,
) -> FitResult:
    """Fit ``names`` by least squares on log-ratio residuals (expected-flow mode).

    Parameters
    ----------
    net, inputs : FlowNetwork, FlowInputs
    targets : sequence of Target
        Observed series; every value must be > 0.
    start : FlowParameters, optional
        Starting point and values of the parameters not fitted.
    names : sequence of str
        Parameters to fit (keys of :data:`DEFAULT_BOUNDS`).
    dt : float
        Step length in months.
    max_evaluations : int
        Budget of model runs.

    Returns
    -------
    FitResult

    Raises
    ------
    InputError
        Unknown parameter name, no targets, a non-positive observation, or a step outside
        the run.

    Notes
    -----
    Cost: up to 3 x ``max_evaluations`` runs of O(T (L + E)) each, plus finite-difference Jacobians.

    References
    ----------
    .. [1] M. A. Branch, T. F. Coleman, Y. Li (1999). A subspace, interior, and conjugate
       gradient method for large-scale bound-constrained minimization problems. *SIAM J. Sci.
       Comput.* 21(1), 1-23 (the TRF method of ``scipy.optimize.least_squares``).
    """
    start = start or FlowParameters()
    names = tuple(dict.fromkeys(names))
    unknown = [n for n in names if n not in DEFAULT_BOUNDS]
    if unknown:
        raise InputError(f"cannot fit unknown parameter(s) {', '.join(unknown)}; "
                         f"known: {', '.join(DEFAULT_BOUNDS)}")
    if not targets:
        raise InputError("calibration needs at least one observed series")
    for tg in targets:
        if len(tg.steps) != len(tg.values) or not len(tg.values):
            raise InputError(f"target {tg.name}: steps and values must be non-empty and match")
        if min(tg.values) <= 0:
            raise InputError(f"target {tg.name}: observed values must be > 0")
        if max(tg.steps) > inputs.n_steps or min(tg.steps) < 0:
            raise InputError(f"target {tg.name}: a step is outside 0..{inputs.n_steps}")
    obs = [np.asarray(tg.values, dtype=float) for tg in targets]
    bounds = np.array([DEFAULT_BOUNDS[n] for n in names], dtype=float)
    logged = bounds[:, 0] > 0  # scale-like parameters on a log axis, hazards on a linear one
    lo = np.where(logged, np.log(np.maximum(bounds[:, 0], 1e-300)), bounds[:, 0])
    hi = np.where(logged, np.log(bounds[:, 1]), bounds[:, 1])

    def to_x(values: np.ndarray) -> np.ndarray:
        values = np.clip(values, bounds[:, 0], bounds[:, 1])
        return np.clip(np.where(logged, np.log(np.maximum(values, 1e-300)), values), lo, hi)

    def params_at(x: np.ndarray) -> FlowParameters:
        values = np.where(logged, np.exp(x), x)
        return start.replace(**dict(zip(names, values, strict=True)))

    def residuals(x: np.ndarray) -> np.ndarray:
        stocks = simulate_flows(net, inputs, params_at(x), dt=dt).stocks
        return np.concatenate([np.log(np.maximum(tg.simulated(stocks), 1.0) / o)
                               for tg, o in zip(targets, obs, strict=True)])

    base = np.array([getattr(start, n) for n in names], dtype=float)
    base = np.where(base > 0, base, 0.01 * bounds[:, 1])
    best = None
    for factor in _START_FACTORS:  # a few deterministic starts; keep the best
        sol = least_squares(residuals, to_x(base * factor), bounds=(lo, hi), method="trf",
                            x_scale="jac", max_nfev=max_evaluations)
        if best is None or sol.cost < best.cost:
            best = sol
    sol = best
    return FitResult(params_at(sol.x), names, float(2 * sol.cost), int(sol.fun.size),
                     int(sol.nfev), bool(sol.success), str(sol.message))
