"""The ``displace`` engine: run the flow model on a scenario and hold it against data.

``run_displace(scenario, scenario_id, seed, options)`` follows the engine contract in
:mod:`factions.engines.base`. By default the free flow parameters are first fitted by least
squares to the observed stocks inside the period under the scenario of what happened
(``meta.history``; an in-sample
fit, reported as such), then the requested scenario is run with them; the ARD per host is
that run against the observed history.
"""

from __future__ import annotations

__all__ = ["DisplaceResult", "run_displace", "OPTIONS"]

from collections.abc import Mapping
from dataclasses import fields, replace
from typing import Any

import numpy as np

from factions.engines.channels import TIES
from factions.engines.displace.adapter import (
    ScenarioArrays,
    observed_targets,
    scenario_arrays,
    start_from_observations,
)
from factions.engines.displace.calibrate import DEFAULT_FIT, FitResult, Target, fit_parameters
from factions.engines.displace.flow import FlowRun, check_inputs, simulate_flows
from factions.engines.displace.results import DisplaceResult, assemble_result
from factions.engines.displace.rules import FlowParameters
from factions.engines.options import Option, check_options
from factions.errors import EngineError, FactionsError

_PARAM_NAMES = [f.name for f in fields(FlowParameters)]
OPTIONS = (
    Option("mode", "choice", "expected", "expected (float expected flows) or stochastic "
           "(integer multinomial draws)", choices=("expected", "stochastic")),
    Option("calibrate", "bool", True, "fit parameters to the observed stocks under the "
           "scenario of what happened first (in-sample)"),
    Option("fit", "names", list(DEFAULT_FIT), "parameters to fit", choices=tuple(_PARAM_NAMES)),
    Option("violence_series", "str", None, "observation id of deaths per month (default: the "
           "observation that declares compares: ground.deaths without a region)"),
    Option("violence_scale", "float", 1.0, "multiplier on the violence series (times "
           "parameters.violence_scale if the scenario defines it)", low=0),
    Option("steps_per_month", "int", 1, "sub-steps per month", low=1),
    Option("fit_until", "month", None, "fit only on observations up to this month; later "
           "ones are reported as out-of-sample (default: all observations)"),
    Option("start", "choice", "observed", "observed (start after the first month with every "
           "observed stock known, from those stocks) or scenario (the period's start, "
           "locations' populations)", choices=("observed", "scenario")),
    *(Option(name, "float", None, f"flow parameter {name} (fixed, not fitted)")
      for name in _PARAM_NAMES),
)


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
                 options: Mapping[str, Any], upstream: Mapping[str, Any] | None = None
                 ) -> DisplaceResult:
    """Run the displacement engine on one scenario.

    Parameters
    ----------
    scenario : factions.scenario.Scenario
        Needs ``locations``, ``routes`` and a violence observation (the one that declares
        ``compares: ground.deaths`` without a region, or option ``violence_series``).
    scenario_id : str
        Which named scenario's shocks to apply.
    seed : int
        Seed of ``numpy.random.default_rng`` (used in stochastic mode).
    options : mapping
        See :data:`OPTIONS`.
    upstream : mapping, optional
        Outputs of other engines passed by the pipeline: ``"ties"`` (the align engine's
        :class:`~factions.engines.channels.TieSeries`) moves the restriction of hosts that
        name their state (``locations[].actor``) by the change in that state's hostility
        towards the government (:mod:`.ties`); the fit under the history scenario does not
        use it.

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
    o = check_options("displace", OPTIONS, options)
    mode, calibrate, k, start_mode = o["mode"], o["calibrate"], o["steps_per_month"], o["start"]
    series, vscale, fit_until = o["violence_series"], o["violence_scale"], o["fit_until"]
    fixed = {n: o[n] for n in _PARAM_NAMES if o[n] is not None}
    fit_names = [n for n in o["fit"] if n not in fixed]
    try:
        start = FlowParameters().replace(**fixed)
    except FactionsError as exc:
        raise EngineError(f"engine 'displace': options: {exc}") from None

    ties = (upstream or {}).get(TIES)

    def prepare(sid: str) -> ScenarioArrays:
        arr = scenario_arrays(scenario, scenario.timeline(sid), series, vscale,
                              ties if sid == scenario_id else None)
        return start_from_observations(scenario, arr) if start_mode == "observed" else arr

    arrays = prepare(scenario_id)
    net = arrays.net
    hist_id = scenario.history_id()
    fit: FitResult | None = None
    notes = list(arrays.notes)
    params = start
    if calibrate and fit_names:
        hist = arrays if hist_id == scenario_id else prepare(hist_id)
        targets = _until(observed_targets(scenario, hist, k), hist.months, k, fit_until)
        if targets:
            try:
                fit = _cached_fit(scenario, o, hist, k, targets, start, fit_names)
            except FactionsError as exc:
                raise EngineError(f"displace calibration: {exc}") from None
            params = fit.params
            notes.append(f"parameters {', '.join(fit.fitted)} fitted in-sample by least squares "
                         f"on {fit.n_residuals} observed points under scenario {hist_id!r}")
        else:
            notes.append("no observed stocks to fit (inside the period"
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
