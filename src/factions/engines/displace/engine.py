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
from dataclasses import dataclass, field, fields, replace
from typing import Any

import numpy as np
import pandas as pd

from factions.engines.base import METRIC_COLUMNS, EngineResult
from factions.engines.displace.adapter import (
    ScenarioArrays,
    observed_targets,
    scenario_arrays,
    start_from_observations,
)
from factions.engines.displace.ard import ard_flee, ard_per_location
from factions.engines.displace.calibrate import DEFAULT_FIT, FitResult, Target, fit_parameters
from factions.engines.displace.figures import flows_figure, stocks_figure
from factions.engines.displace.flow import FlowRun, check_inputs, simulate_flows
from factions.engines.displace.network import LocationKind, validate_months
from factions.engines.displace.rules import FlowParameters, return_hazard_terms
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
_KIND_NAME = {int(k): k.name.lower() for k in LocationKind}


@dataclass
class DisplaceResult(EngineResult):
    """Stocks, flows, hindcast and errors of one displacement run (tidy tables)."""

    stocks: pd.DataFrame = field(default_factory=pd.DataFrame)
    flows: pd.DataFrame = field(default_factory=pd.DataFrame)
    hindcast: pd.DataFrame = field(default_factory=pd.DataFrame)
    errors: pd.DataFrame = field(default_factory=pd.DataFrame)
    parameters: pd.DataFrame = field(default_factory=pd.DataFrame)
    return_causes: pd.DataFrame = field(default_factory=pd.DataFrame)
    metric_rows: pd.DataFrame = field(default_factory=pd.DataFrame)
    kinds: dict[str, str] = field(default_factory=dict)

    def tables(self) -> dict[str, pd.DataFrame]:
        return {"stocks": self.stocks, "flows": self.flows, "hindcast": self.hindcast,
                "ard": self.errors, "parameters": self.parameters,
                "return_causes": self.return_causes}

    def figures(self) -> dict[str, Any]:
        label = f"{self.scenario_id}"
        return {
            "stocks": stocks_figure(self.stocks, self.hindcast,
                                    f"Displaced Iraqis by location, model vs UNHCR ({label})"),
            "flows": flows_figure(self.flows, self.kinds, f"Flows over the period ({label})"),
        }

    def metrics(self) -> pd.DataFrame:
        return self.metric_rows[METRIC_COLUMNS].copy()


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


def _prev_month(month: str) -> str:
    y, m = int(month[:4]), int(month[5:])
    return f"{y - 1}-12" if m == 1 else f"{y}-{m - 1:02d}"


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
    result = _assemble(scenario, scenario_id, seed, arrays, stocks_m, returns_m, edges_m,
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


def _ard_rows(hindcast: pd.DataFrame) -> list[dict[str, Any]]:
    rows = []
    for name, grp in hindcast.groupby("series", sort=False):
        row: dict[str, Any] = {"series": name, "points": len(grp)}
        for col, sub in (("ard", grp), ("ard_in_sample", grp[grp["in_sample"]]),
                         ("ard_out_of_sample", grp[~grp["in_sample"]])):
            row[col] = (float(ard_per_location(sub["simulated"], sub["observed"])[0])
                        if len(sub) else float("nan"))
        rows.append(row)
    wide = hindcast.pivot(index="month", columns="series")
    flee = {"series": "all (Flee ARD)", "points": len(hindcast)}
    for col, mask in (("ard", slice(None)), ("ard_in_sample", wide["in_sample"].all(axis=1)),
                      ("ard_out_of_sample", ~wide["in_sample"].any(axis=1))):
        sub = wide.loc[mask]
        flee[col] = (ard_flee(sub["simulated"].to_numpy(), sub["observed"].to_numpy())
                     if len(sub) else float("nan"))
    rows.append(flee)
    return rows


def _assemble(sc, scenario_id, seed, arrays, stocks_m, returns_m, edges_m, params, fit,
              fit_until):
    net, months = arrays.net, arrays.months
    ids = list(net.ids)
    kinds = {i: _KIND_NAME[int(c)] for i, c in zip(ids, net.kinds, strict=True)}
    labels = [_prev_month(months[0]), *months]
    stocks = pd.DataFrame({
        "month": np.repeat(labels, len(ids)),
        "location": ids * len(labels),
        "kind": [kinds[i] for i in ids] * len(labels),
        "people": stocks_m.ravel().astype(float),
    })
    flows = pd.DataFrame({
        "month": np.repeat(months, net.n_edges),
        "from": np.tile(np.asarray(ids)[net.src], len(months)),
        "to": np.tile(np.asarray(ids)[net.dst], len(months)),
        "people": edges_m.ravel().astype(float),
    })
    flows = flows[flows["people"] > 0].reset_index(drop=True)

    targets = observed_targets(sc, arrays, 1)
    hind_rows = []
    for tg in targets:
        sim = tg.simulated(stocks_m)
        for step, v, o in zip(tg.steps, sim, tg.values, strict=True):
            month = labels[step]
            hind_rows.append({"series": tg.name, "month": month, "simulated": float(v),
                              "observed": float(o),
                              "in_sample": fit is not None and (fit_until is None
                                                                or month <= fit_until)})
    hindcast = pd.DataFrame(hind_rows,
                            columns=["series", "month", "simulated", "observed", "in_sample"])
    err_cols = ["series", "ard", "ard_in_sample", "ard_out_of_sample", "points"]
    errors = pd.DataFrame(_ard_rows(hindcast) if hind_rows else [], columns=err_cols)

    causes = _return_causes(arrays, params, returns_m)
    fitted = set(fit.fitted) if fit else set()
    parameters = pd.DataFrame([{"parameter": n, "value": v, "fitted_in_sample": n in fitted}
                               for n, v in params.as_dict().items()])
    metric_rows = _metrics(net, kinds, months, stocks_m, returns_m, edges_m, errors, causes)
    host_ids = [i for i in ids if kinds[i] == "host"]
    summary = {
        "period": f"{months[0]}..{months[-1]}",
        "calibrated": fit is not None,
        "fit": None if fit is None else {"parameters": list(fit.fitted), "ssr": fit.cost,
                                         "points": fit.n_residuals, "success": fit.success,
                                         "in_sample": True},
        "ard": {r.series: (None if np.isnan(r.ard) else round(float(r.ard), 4))
                for r in errors.itertuples()},
        "ard_out_of_sample": {r.series: round(float(r.ard_out_of_sample), 4)
                              for r in errors.itertuples() if not np.isnan(r.ard_out_of_sample)},
        "end_stocks": {i: round(float(stocks_m[-1, ids.index(i)])) for i in host_ids},
        "end_idps": round(float(stocks_m[-1, net.kinds == int(LocationKind.IDP)].sum())),
    }
    return DisplaceResult(engine="displace", scenario_id=scenario_id, seed=seed, summary=summary,
                          stocks=stocks, flows=flows, hindcast=hindcast, errors=errors,
                          parameters=parameters, return_causes=causes, metric_rows=metric_rows,
                          kinds=kinds)


def _return_causes(arrays: ScenarioArrays, params: FlowParameters,
                   returns_m: np.ndarray) -> pd.DataFrame:
    """Split each month's returns by the additive terms of the leaving hazard.

    The hazard of leaving a host / IDP setting is a sum of terms (baseline, hardship,
    restriction, home safety); each term's share of the hazard is booked as its share of the
    returns that month (exact to first order in the hazard).
    """
    net, inp = arrays.net, arrays.inputs
    rows = []
    for t, month in enumerate(arrays.months):
        if not returns_m[t].any():
            continue
        terms = return_hazard_terms(net, inp.violence[t], inp.restriction[t], inp.hardship[t],
                                    params)
        total = sum(terms.values())
        for i in np.flatnonzero(returns_m[t] > 0):
            for factor, term in terms.items():
                share = term[i] / total[i] if total[i] > 0 else 0.0
                rows.append((month, net.ids[i], factor, float(returns_m[t, i] * share)))
    return pd.DataFrame(rows, columns=["month", "location", "factor", "people"])


def _metrics(net, kinds, months, stocks_m, returns_m, edges_m, errors, causes) -> pd.DataFrame:
    ids = list(net.ids)
    rows: list[tuple[str, str | None, float]] = []
    host = net.kinds == int(LocationKind.HOST)
    idp = net.kinds == int(LocationKind.IDP)
    origin = net.kinds == int(LocationKind.ORIGIN)
    flight = origin[net.src] & ~origin[net.dst]
    end = stocks_m[1:]
    for t, m in enumerate(months):
        rows += [("refugees", m, float(end[t, host].sum())), ("idps", m, float(end[t, idp].sum())),
                 ("displaced", m, float(end[t, ~origin].sum())),
                 ("returns", m, float(returns_m[t].sum())),
                 ("new_displacement", m, float(edges_m[t, flight].sum()))]
        for i in np.flatnonzero(host):
            rows += [(f"refugees.{ids[i]}", m, float(end[t, i])),
                     (f"returns.{ids[i]}", m, float(returns_m[t, i])),
                     (f"returns_{ids[i]}", m, float(returns_m[t, i]))]  # alias used by claims
    years = sorted({m[:4] for m in months})
    for i in np.flatnonzero(~origin):
        for y in years:
            sel = [t for t, m in enumerate(months) if m.startswith(y)]
            rows.append((f"returns_from_{ids[i]}_{y}", None, float(returns_m[sel, i].sum())))
    for y in years:
        sel = [t for t, m in enumerate(months) if m.startswith(y)]
        rows.append((f"returns_{y}", None, float(returns_m[sel].sum())))
    if not causes.empty:
        by = causes.assign(year=causes["month"].str[:4]).groupby(["factor", "location", "year"])
        for (factor, loc, year), people in by["people"].sum().items():
            rows.append((f"returns_due.{factor}.{loc}_{year}", None, float(people)))
    for r in errors.itertuples():
        name = "ard_flee" if r.series.startswith("all") else f"ard.{r.series}"
        rows.append((name, None, float(r.ard)))
        if not np.isnan(r.ard_out_of_sample):
            rows.append((name.replace("ard", "ard_out_of_sample", 1), None,
                         float(r.ard_out_of_sample)))
    return pd.DataFrame(rows, columns=METRIC_COLUMNS)
