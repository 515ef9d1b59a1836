"""The ``displace`` engine: run the flow model on a scenario and hold it against UNHCR.

``run_displace(scenario, scenario_id, seed, options)`` follows the engine contract in
:mod:`factions.engines.base`. By default the free flow parameters are first fitted by least
squares to the UNHCR stocks inside the period under the *historical* scenario (an in-sample
fit, reported as such), then the requested scenario is run with them; the ARD per host is
that run against the observed history.
"""

from __future__ import annotations

__all__ = ["DisplaceResult", "run_displace", "OPTIONS", "HISTORICAL"]

from collections.abc import Mapping
from dataclasses import fields, replace
from typing import Any

import numpy as np

from factions.engines.displace.adapter import (
    ScenarioArrays,
    observed_targets,
    scenario_arrays,
    start_from_observations,
)
from factions.engines.displace.calibrate import DEFAULT_FIT, FitResult, Target, fit_parameters
from factions.engines.displace.flow import FlowRun, check_inputs, simulate_flows
from factions.engines.displace.network import validate_months
from factions.engines.displace.results import DisplaceResult, assemble_result
from factions.engines.displace.rules import FlowParameters
from factions.errors import EngineError, FactionsError

HISTORICAL = "historical"
_PARAM_NAMES = [f.name for f in fields(FlowParameters)]
OPTIONS: dict[str, str] = {
    "mode": "expected (default, float expected flows) or stochastic (integer multinomial draws)",
    "calibrate": "fit parameters to UNHCR stocks under the historical scenario first "
                 "(in-sample; default true)",
    "fit": "comma-separated parameters to fit (default: " + ",".join(DEFAULT_FIT) + ")",
    "violence_series": "observation giving deaths per month (default ibc_deaths)",
    "violence_scale": "multiplier on the violence series (default 1; times "
                      "parameters.violence_scale if the scenario defines it)",
    "steps_per_month": "sub-steps per month (default 1)",
    "fit_until": "YYYY-MM: fit only on observations up to this month; later ones are "
                 "reported as out-of-sample (default: all observations)",
    "start": "observed (default: start after the first month with every UNHCR stock known, "
             "from those stocks) or scenario (the period's start, locations' populations)",
    **{name: f"flow parameter {name} (fixed, not fitted)" for name in _PARAM_NAMES},
}


def _option(options: Mapping[str, Any], name: str, default: Any, kind: type) -> Any:
    if name not in options or options[name] is None:
        return default
    raw = options[name]
    try:
        if kind is bool:
            if isinstance(raw, str):
                low = raw.strip().lower()
                if low not in ("true", "false", "1", "0", "yes", "no"):
                    raise ValueError(raw)
                return low in ("true", "1", "yes")
            return bool(raw)
        value = kind(raw)
    except (TypeError, ValueError):
        raise EngineError(f"displace option {name}: expected {kind.__name__}; got {raw!r}") from None
    return value


_FIT_CACHE: dict[tuple[str, str], FitResult] = {}


def _cached_fit(scenario: Any, options: Mapping[str, Any], hist: ScenarioArrays, k: int,
                targets: list[Target], start: FlowParameters, names: list[str]) -> FitResult:
    """Calibrate once per (scenario content, options): the fit does not depend on the seed
    or on the scenario id being run, so replicas and counterfactuals reuse it."""
    opts = sorted((key, str(v)) for key, v in options.items() if key != "mode")
    key = (scenario.model_dump_json(), repr(opts))
    if key not in _FIT_CACHE:
        if len(_FIT_CACHE) >= 8:
            _FIT_CACHE.pop(next(iter(_FIT_CACHE)))
        _FIT_CACHE[key] = fit_parameters(hist.net, _refine(hist, k), targets, start, names,
                                         dt=1.0 / k)
    return _FIT_CACHE[key]


def _whole(pop: np.ndarray) -> np.ndarray:
    """Round stocks to whole people keeping the (rounded) total: largest remainders."""
    floor = np.floor(pop)
    short = int(round(pop.sum() - floor.sum()))
    order = np.argsort(-(pop - floor), kind="stable")
    floor[order[:short]] += 1
    return floor


def _refine(arrays: ScenarioArrays, k: int):
    """Repeat each month's conditions ``k`` times (sub-monthly steps)."""
    if k == 1:
        return arrays.inputs
    inp = arrays.inputs
    return check_inputs(arrays.net, np.repeat(inp.violence, k, axis=0),
                        np.repeat(inp.restriction, k, axis=0), np.repeat(inp.hardship, k, axis=0))


def _monthly(run: FlowRun, k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """End-of-month stocks (T+1 rows), monthly returns (T, L) and edge flows (T, E)."""
    stocks = run.stocks[::k]
    t = run.returns.shape[0] // k
    returns = run.returns.reshape(t, k, -1).sum(axis=1)
    edges = run.edge_flows.reshape(t, k, -1).sum(axis=1)
    return stocks, returns, edges


def run_displace(scenario: Any, scenario_id: str, seed: int,
                 options: Mapping[str, Any]) -> DisplaceResult:
    """Run the displacement engine on one scenario.

    Parameters
    ----------
    scenario : factions.scenario.Scenario
        Needs ``locations``, ``routes`` and a violence observation (default ``ibc_deaths``).
    scenario_id : str
        Which named scenario's shocks to apply.
    seed : int
        Seed of ``numpy.random.default_rng`` (used in stochastic mode).
    options : mapping
        See :data:`OPTIONS`.

    Returns
    -------
    DisplaceResult

    Raises
    ------
    EngineError
        Unknown or malformed options, or a scenario without what the engine needs.

    Notes
    -----
    Model: :mod:`factions.engines.displace.rules` (after Flee, Suleimenova et al. 2017).
    References
    ----------
    .. [1] D. Suleimenova, D. Bell, D. Groen (2017). A generalized simulation development
       approach for predicting refugee destinations. *Sci. Rep.* 7, 13377.
    .. [2] D. Groen et al. (2024). Flee 3: Flexible agent-based simulation for forced
       migration. *J. Comput. Sci.*
    """
    unknown = sorted(set(options) - set(OPTIONS))
    if unknown:
        raise EngineError(f"displace does not accept option(s) {', '.join(unknown)}; "
                          f"accepted: {', '.join(OPTIONS)}")
    mode = _option(options, "mode", "expected", str)
    if mode not in ("expected", "stochastic"):
        raise EngineError(f"displace option mode: expected 'expected' or 'stochastic'; got {mode!r}")
    calibrate = _option(options, "calibrate", True, bool)
    series = _option(options, "violence_series", "ibc_deaths", str)
    vscale = _option(options, "violence_scale", 1.0, float)
    k = _option(options, "steps_per_month", 1, int)
    if k < 1:
        raise EngineError(f"displace option steps_per_month must be >= 1; got {k}")
    start_mode = _option(options, "start", "observed", str)
    if start_mode not in ("observed", "scenario"):
        raise EngineError(f"displace option start: expected 'observed' or 'scenario'; "
                          f"got {start_mode!r}")
    fit_until = _option(options, "fit_until", None, str)
    if fit_until is not None:
        try:
            validate_months([fit_until], "fit_until")
        except FactionsError as exc:
            raise EngineError(f"displace option {exc}") from None
    fixed = {n: _option(options, n, None, float) for n in _PARAM_NAMES if n in options}
    fit_names = [s.strip() for s in str(_option(options, "fit", ",".join(DEFAULT_FIT), str))
                 .split(",") if s.strip() and s.strip() not in fixed]
    try:
        start = FlowParameters().replace(**fixed)
    except FactionsError as exc:
        raise EngineError(f"displace options: {exc}") from None

    def prepare(sid: str) -> ScenarioArrays:
        arr = scenario_arrays(scenario, scenario.timeline(sid), series, vscale)
        return start_from_observations(scenario, arr) if start_mode == "observed" else arr

    arrays = prepare(scenario_id)
    net = arrays.net
    hist_id = HISTORICAL if HISTORICAL in scenario.scenario_ids() else scenario.scenario_ids()[0]
    fit: FitResult | None = None
    notes = list(arrays.notes)
    params = start
    if calibrate and fit_names:
        hist = arrays if hist_id == scenario_id else prepare(hist_id)
        targets = _until(observed_targets(scenario, hist, k), hist.months, k, fit_until)
        if targets:
            try:
                fit = _cached_fit(scenario, options, hist, k, targets, start, fit_names)
            except FactionsError as exc:
                raise EngineError(f"displace calibration: {exc}") from None
            params = fit.params
            notes.append(f"parameters {', '.join(fit.fitted)} fitted in-sample by least squares "
                         f"on {fit.n_residuals} UNHCR points under scenario {hist_id!r}")
        else:
            notes.append("no UNHCR observations to fit (inside the period"
                         + (f", up to {fit_until}" if fit_until else "") + "): defaults used")

    rng = np.random.default_rng(seed)
    if mode == "stochastic" and np.any(net.population != np.round(net.population)):
        net = replace(net, population=_whole(net.population))
        arrays = replace(arrays, net=net)
        notes.append("stochastic mode: starting stocks rounded to whole people "
                     "(largest remainders, total kept)")
    run = simulate_flows(net, _refine(arrays, k), params, dt=1.0 / k, mode=mode, rng=rng,
                         record_edges=True)
    stocks_m, returns_m, edges_m = _monthly(run, k)
    result = assemble_result(scenario, scenario_id, seed, arrays, stocks_m, returns_m, edges_m,
                       params, fit, fit_until)
    result.summary["notes"] = notes
    result.summary["mode"] = mode
    return result


def _until(targets: list[Target], months: list[str], k: int, last: str | None) -> list[Target]:
    """Keep the observations at or before month ``last`` (all if ``last`` is None)."""
    if last is None:
        return targets
    out = []
    for tg in targets:
        keep = [(s, v) for s, v in zip(tg.steps, tg.values, strict=True)
                if months[s // k - 1] <= last]
        if keep:
            out.append(Target(tg.name, tg.locations, [s for s, _ in keep], [v for _, v in keep]))
    return out
