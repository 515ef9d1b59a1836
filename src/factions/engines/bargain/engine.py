"""The ``bargain`` engine: every issue of a scenario forecast by each model.

Also the entry point for a KTAB CSV (:func:`bargain_ktab`), so that the CLI renders
both through the same :class:`BargainResult`.
"""

from __future__ import annotations

__all__ = ["BargainResult", "IssueForecast", "run_bargain", "bargain_issues", "bargain_ktab",
           "OPTIONS", "bargain_metrics"]

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from factions.engines.bargain.api import (
    DEFAULT_MODEL,
    MODELS,
    ForecastDistribution,
    forecast_distribution,
    run_model,
)
from factions.engines.bargain.exchange import exchange
from factions.engines.bargain.inputs import BargainInput, read_ktab_csv, validate_inputs
from factions.engines.bargain.result import Forecast
from factions.engines.bargain.smp.forecast import smp_joint
from factions.engines.bargain.smp.model import SMPRun
from factions.engines.bargain.smp.options import KTAB_DEFAULTS, KTAB_PARAMETERS
from factions.engines.base import METRIC_COLUMNS, EngineResult
from factions.engines.options import Option, check_options
from factions.errors import EngineError, InputError

if TYPE_CHECKING:  # pragma: no cover
    from plotly.graph_objects import Figure

OPTIONS = (
    Option("models", "names", None, "models to run (default all: " + ", ".join(MODELS)
           + ", and exchange when there are >= 2 issues)", choices=(*MODELS, "exchange")),
    Option("issue", "names", None, "issue id(s) to forecast (default every issue)"),
    Option("month", "month", None, "month whose positions and capabilities are used "
           "(default the last)"),
    Option("rounds", "int", None, "maximum rounds of expected_utility and smp (default 20 "
           "and 100; for smp this is KTAB's maxIter)", low=1),
    Option("default_model", "choice", None, "model behind the bare metric <issue> (default "
           f"{DEFAULT_MODEL})", choices=(*MODELS, "exchange")),
    Option("draws", "int", 100, "perturbed draws for the default model's interval (0 = none)",
           low=0),
    Option("model_options", "mapping", None, "mapping model -> keyword options, e.g. "
           "{smp: {VictoryProbModel: Square}} (smp options by KTAB name)"),
    # every SMP option by its KTAB name, as a flat engine option, so that sweeps can vary
    # it (--vary bargain.smp.VotingRule=values(Prop,Binary)); the SMP validates the values
    # (KTAB's names in any case)
    *(Option(f"smp.{name}", "str", None, f"SMP {name}: one of {', '.join(values)} "
             f"(KTAB's default {KTAB_DEFAULTS[name]})") for name, values in KTAB_PARAMETERS.items()),
    Option("smp.minIter", "int", None, "SMP stopping rule: minimum steps (KTAB: 2)", low=1),
    Option("smp.maxIter", "int", None, "SMP stopping rule: maximum steps (KTAB: 100)", low=1),
    Option("smp.minDeltaRatio", "float", None, "SMP stopping rule: stop when a step moves the "
           "actors less than this fraction of the first (KTAB: 0.02)", low=0),
    Option("smp.minSigDelta", "float", None, "SMP stopping rule: added to the first step's "
           "movement (KTAB: 1e-4)", low=0, open_low=True),
    Option("smp.ktabQuirks", "bool", None, "SMP: keep KTAB's two slips in InitRcvrInterp and "
           "PWCompInterp (default true)"),
    Option("smp.seed", "int", None, "SMP: seed of StateTransitions=Stochastic (default: the "
           "run's seed)"),
    Option("smp.matrices", "bool", None, "SMP: keep the per-state matrices (utilities, "
           "challenges; n^3 numbers per state)"),
)


@dataclass(frozen=True)
class IssueForecast:
    """Inputs and forecasts of one issue."""

    issue: str
    name: str
    data: BargainInput
    forecasts: dict[str, Forecast]
    distribution: ForecastDistribution | None = None


@dataclass
class BargainResult(EngineResult):
    """Forecasts per issue and model; tables, figures and metrics drawn from them."""

    month: str | None = None
    default_model: str = DEFAULT_MODEL
    issues: list[IssueForecast] = field(default_factory=list)
    smp_run: SMPRun | None = None

    def tables(self) -> dict[str, pd.DataFrame]:
        out_rows, pos_rows, traj, rounds, unc = [], [], [], [], []
        for it in self.issues:
            d = it.data
            for name, f in it.forecasts.items():
                out_rows.append({"issue": it.issue, "model": name, "outcome": f.outcome,
                                 "rounds": f.rounds, "default": name == self.default_model})
                for k, actor in enumerate(d.names):
                    pos_rows.append({"issue": it.issue, "model": name, "actor": actor,
                                     "capability": d.capability[k], "salience": d.salience[k],
                                     "position_start": d.position[k],
                                     "position_end": f.positions[k]})
                if f.rounds > 0:
                    t = f.trajectory_frame()
                    t.insert(0, "model", name)
                    t.insert(0, "issue", it.issue)
                    traj.append(t)
                    r = f.outcome_frame()
                    r.insert(0, "model", name)
                    r.insert(0, "issue", it.issue)
                    rounds.append(r)
            if it.distribution is not None:
                u = it.distribution
                unc.append({"issue": it.issue, "model": u.model, "point": u.point,
                            "median": u.median, "low": u.low, "high": u.high, "level": u.level,
                            "draws": u.draws.size, "seed": u.seed})
        tables = {
            "outcomes": pd.DataFrame(out_rows, columns=["issue", "model", "outcome", "rounds",
                                                        "default"]),
            "positions": pd.DataFrame(pos_rows, columns=["issue", "model", "actor", "capability",
                                                         "salience", "position_start",
                                                         "position_end"]),
        }
        if traj:
            tables["trajectories"] = pd.concat(traj, ignore_index=True)
            tables["rounds"] = pd.concat(rounds, ignore_index=True)
        if unc:
            tables["uncertainty"] = pd.DataFrame(unc)
        if self.smp_run is not None:  # the joint SMP's history (KTAB's closing tables)
            from factions.engines.bargain.smp.io import run_tables

            smp = run_tables(self.smp_run, matrices=False)
            for key in ("positions", "win_prob", "bargains", "risk"):
                tables[f"smp_{key}"] = smp[key]
        return tables

    def figures(self) -> dict[str, Figure]:
        """Plotly figures per issue: ``scale_<issue>`` (actors and every model's outcome)
        and, when a dynamic model ran rounds, ``trajectory_<issue>`` (one panel per model)."""
        from factions.engines.bargain.figures import scale_figure, trajectory_figure

        figs: dict[str, Figure] = {}
        for it in self.issues:
            figs[f"scale_{it.issue}"] = scale_figure(it)
            if any(f.rounds > 0 for f in it.forecasts.values()):
                figs[f"trajectory_{it.issue}"] = trajectory_figure(it)
        return figs

    def metrics(self) -> pd.DataFrame:
        rows = []
        for it in self.issues:
            for name, f in it.forecasts.items():
                rows.append({"metric": f"{it.issue}.{name}", "month": None, "value": f.outcome})
                if name == self.default_model:
                    rows.append({"metric": it.issue, "month": None, "value": f.outcome})
            if it.distribution is not None:
                rows.append({"metric": f"{it.issue}.low", "month": None,
                             "value": it.distribution.low})
                rows.append({"metric": f"{it.issue}.high", "month": None,
                             "value": it.distribution.high})
        return pd.DataFrame(rows, columns=METRIC_COLUMNS)


def _names(value: Any, known: Sequence[str], what: str) -> list[str]:
    if value is None:
        return list(known)
    items = [v.strip() for v in value.split(",")] if isinstance(value, str) else list(value)
    unknown = [v for v in items if v not in known]
    if unknown or not items:
        raise EngineError(f"unknown {what} {', '.join(map(repr, unknown)) or '(none)'}; "
                          f"known: {', '.join(known)}")
    return items


def _model_options(options: Mapping[str, Any], models: Sequence[str]) -> dict[str, dict]:
    per = {m: dict((options.get("model_options") or {}).get(m, {})) for m in models}
    unknown = set(options.get("model_options") or {}) - set(MODELS)
    if unknown:
        raise EngineError(f"model_options names unknown model(s) {', '.join(sorted(unknown))}")
    flat = {k[4:]: v for k, v in options.items() if k.startswith("smp.") and v is not None}
    if flat and "smp" in per:
        per["smp"].update(flat)
    if options.get("rounds") is not None:
        try:
            rounds = int(options["rounds"])
        except (TypeError, ValueError):
            raise EngineError(f"rounds must be an integer; got {options['rounds']!r}") from None
        if "expected_utility" in per:
            per["expected_utility"].setdefault("rounds", rounds)
        if "smp" in per:
            if rounds < 1:
                raise EngineError(f"rounds must be >= 1; got {rounds}")
            given = {k.lower().replace("_", "") for k in per["smp"]}
            if "maxiter" not in given:
                per["smp"]["maxIter"] = rounds
            if "miniter" not in given:
                per["smp"]["minIter"] = min(2, rounds)
    return per


def bargain_issues(
    issues: Sequence[tuple[str, str, BargainInput]], options: Mapping[str, Any], seed: int,
) -> tuple[list[IssueForecast], str, SMPRun | None]:
    """Run the selected models on validated issues.

    Every model runs issue by issue, except ``exchange`` and ``smp``, which run once over
    all issues jointly (the SMP with one dimension per issue, each actor on the issues it
    holds: :func:`~factions.engines.bargain.smp.forecast.smp_joint`).

    Returns
    -------
    (list of IssueForecast, str, SMPRun or None)
        Forecasts, the default model, and the joint SMP run when ``smp`` was run.
    """
    known = [*MODELS, "exchange"]
    models = _names(options.get("models"), known, "model(s)")
    if options.get("models") is None and len(issues) < 2:
        models.remove("exchange")
    if "exchange" in models and len(issues) < 2:
        raise EngineError("model 'exchange' needs at least two issues")
    default = options.get("default_model") or (DEFAULT_MODEL if DEFAULT_MODEL in models
                                               else models[0])
    if default not in models:
        raise EngineError(f"default_model {default!r} is not among the models run: "
                          f"{', '.join(models)}")
    draws = options.get("draws", 100)
    if not isinstance(draws, int | np.integer) or draws < 0:
        raise EngineError(f"draws must be an integer >= 0; got {draws!r}")
    per = _model_options(options, models)
    rng = np.random.default_rng(seed)
    traded = _exchange_all(issues, per.get("exchange", {})) if "exchange" in models else {}
    joint, run = {}, None
    if "smp" in models:  # one SMP over all issues, each actor on the issues it holds
        per["smp"].setdefault("seed", int(seed))
        try:
            joint, run = smp_joint([(i, d) for i, _, d in issues], **per["smp"])
        except TypeError as exc:
            raise EngineError(f"model 'smp': {exc}") from None
    out = []
    for issue_id, name, data in issues:
        fc = {m: traded[issue_id] if m == "exchange" else joint[issue_id] if m == "smp"
              else run_model(data, m, **per[m]) for m in models}
        dist = None
        if draws:
            dist = forecast_distribution(
                data.capability, data.position, data.salience, default, names=data.names,
                scale=data.scale, n_draws=int(draws), seed=int(rng.integers(2**31)),
                **per[default])
        out.append(IssueForecast(issue_id, name, data, fc, dist))
    return out, default, run


def _exchange_all(issues: Sequence[tuple[str, str, BargainInput]], opts: Mapping[str, Any]
                  ) -> dict[str, Forecast]:
    """Run the exchange model jointly over all issues; forecasts restricted per issue."""
    actors: dict[str, float] = {}
    for _, _, d in issues:
        for nm, cap in zip(d.names, d.capability, strict=True):
            actors.setdefault(nm, float(cap))
    names = list(actors)
    index = {nm: k for k, nm in enumerate(names)}
    pos = np.full((len(names), len(issues)), np.nan)
    sal = np.full_like(pos, np.nan)
    for a, (_, _, d) in enumerate(issues):
        rows = [index[nm] for nm in d.names]
        pos[rows, a], sal[rows, a] = d.position, d.salience
    try:
        joint = exchange(list(actors.values()), pos, sal, names=names,
                         issues=[i for i, _, _ in issues], **opts)
    except TypeError as exc:
        raise EngineError(f"model 'exchange': {exc}") from None
    out = {}
    for issue_id, _, d in issues:
        f = joint[issue_id]
        rows = [index[nm] for nm in d.names]
        out[issue_id] = Forecast("exchange", f.outcome, f.positions[rows],
                                 f.trajectory[:, rows], f.outcomes, d.names, f.details)
    return out


def run_bargain(scenario, scenario_id: str, seed: int, options: Mapping[str, Any],
                upstream: Mapping[str, Any] | None = None) -> BargainResult:
    """Engine entry point: forecast the scenario's issues at one month, shocks applied.

    Capability of an actor is ``capability * active`` from ``tl.actors_at(month)``;
    positions and saliences come from ``tl.positions_at(month)`` (0-100 scale). Actors
    without a position on an issue, or with zero weight, do not take part in it.

    Raises
    ------
    EngineError
        On an unknown option value (model, issue, month, rounds, draws).
    """
    options = check_options("bargain", OPTIONS, options)
    tl = scenario.timeline(scenario_id)
    month = options.get("month") or tl.months[-1]
    if month not in tl.months:
        raise EngineError(f"month {month!r} is outside {tl.months[0]}..{tl.months[-1]}")
    by_id = {i.id: i for i in scenario.issues}
    chosen = _names(options.get("issue"), list(by_id), "issue(s)")
    actors = tl.actors_at(month)
    cap = actors["capability"].astype(float) * actors["active"].astype(float)
    pos = tl.positions_at(month)
    inputs, skipped = [], []
    for issue_id in chosen:
        p = pos[pos["issue"] == issue_id]
        c = cap.reindex(p["actor"]).to_numpy(float)
        keep = (c * p["salience"].to_numpy(float)) > 0
        if keep.sum() == 0:
            skipped.append(issue_id)
            continue
        try:
            data = validate_inputs(c[keep], p["position"].to_numpy(float)[keep],
                                   p["salience"].to_numpy(float)[keep],
                                   names=p["actor"].to_numpy()[keep], scale=(0.0, 100.0))
        except InputError as exc:
            raise EngineError(f"issue {issue_id!r} at {month}: {exc}") from None
        inputs.append((issue_id, by_id[issue_id].name, data))
    forecasts, default, run = bargain_issues(inputs, options, seed)
    summary = {"month": month, "default_model": default,
               "outcomes": {f.issue: round(f.forecasts[default].outcome, 2) for f in forecasts}}
    if skipped:
        summary["skipped_issues"] = skipped
    return BargainResult(engine="bargain", scenario_id=scenario_id, seed=seed, summary=summary,
                         month=month, default_model=default, issues=forecasts, smp_run=run)


def bargain_ktab(path: str | Path, seed: int = 0, options: Mapping[str, Any] | None = None
                 ) -> BargainResult:
    """Forecast every dimension of a KTAB CSV.

    The SMP runs on all (selected) dimensions jointly, as KTAB's ``smpc`` does; the other
    models one dimension at a time. Accepts the same ``options`` as the engine except
    ``issue`` (a dimension name) and ``month`` (ignored). Raises :class:`InputError` on a
    bad file, naming file and line (also for an actor the SMP cannot weigh: zero
    capability, or zero salience on every dimension).
    """
    options = {k: v for k, v in check_options("bargain", OPTIONS, options).items()
               if v is not None}
    k = read_ktab_csv(path)
    dims = _names(options.pop("issue", None), list(k.dimensions), "dimension(s)")
    options.pop("month", None)
    inputs = [(dim, f"{k.name}: {dim}", k.issue(k.dimensions.index(dim))) for dim in dims]
    models = _names(options.get("models"), [*MODELS, "exchange"], "model(s)")
    if "smp" in models:
        k.check_smp(path)
    forecasts, default, run = bargain_issues(inputs, options, seed)
    summary = {"file": str(path), "default_model": default,
               "outcomes": {f.issue: round(f.forecasts[default].outcome, 2) for f in forecasts}}
    if run is not None:
        summary["smp_states"] = run.n_states
    return BargainResult(engine="bargain", scenario_id="ktab", seed=seed, summary=summary,
                         default_model=default, issues=forecasts, smp_run=run)


def bargain_metrics(scenario) -> list[str]:
    """The metric names the engine reports on ``scenario`` (named after its issues)."""
    out = []
    for i in scenario.issues:
        out += [i.id, f"{i.id}.*"]
    return out
