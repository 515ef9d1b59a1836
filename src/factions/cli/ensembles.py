"""Ensemble commands: ``sweep`` (replicas and parameter draws on Dask) and ``calibrate``
(ABC of an engine's free parameters against an observed series)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from factions.cli.app import FileArg, JsonOpt, _load, _parse_options, _print_json, _table, app, out
from factions.errors import InputError

ScenarioOpt = Annotated[list[str] | None, typer.Option("--scenario", "-s",
                        help="scenario id (repeatable; default: all)")]
VaryOpt = Annotated[list[str] | None, typer.Option(
    "--vary", help="PARAM=DIST, DIST one of uniform(a,b), normal(mu,sd), choice(v,…), "
                   "values(v,…), grid(a,b,n) (repeatable)")]
WorkersOpt = Annotated[int | None, typer.Option(help="local Dask worker processes (default 2)")]
SchedulerOpt = Annotated[str | None, typer.Option(help="address of a running Dask scheduler")]
OptionOpt = Annotated[list[str] | None, typer.Option(
    "--option", help="engine option ENGINE.NAME=VALUE (repeatable)")]


def _cluster(workers, scheduler) -> dict:
    if workers is not None and scheduler is not None:
        raise InputError("give either --workers (a local cluster) or --scheduler, not both")
    return {"scheduler": scheduler, "workers": workers or 2}


@app.command()
def sweep(file: FileArg = None, runs: Annotated[int, typer.Option(min=1, help="replicas")] = 10,
          vary: VaryOpt = None, scenario: ScenarioOpt = None,
          engine: Annotated[list[str] | None, typer.Option(
              "--engine", "-e", help="engine (repeatable; default: all)")] = None,
          workers: WorkersOpt = None, scheduler: SchedulerOpt = None,
          out_dir: Annotated[Path, typer.Option("--out", "-o")] = Path("sweep"),
          seed: Annotated[int, typer.Option(help="seed of replica 0")] = 0,
          option: OptionOpt = None, as_json: JsonOpt = False):
    """Seeded replicas × parameter draws on Dask, written as Parquet as they finish."""
    from factions.run import SweepProgressBar, parse_varies, sweep_claims, write_sweep_report
    from factions.run import sweep as run_sweep

    sc = _load(file)
    cluster = _cluster(workers, scheduler)
    dists = parse_varies(vary or [])
    with SweepProgressBar() as bar:
        res = run_sweep(sc, scenario or None, engine or None, runs=runs, vary=dists, seed=seed,
                        out_dir=out_dir, options=_parse_options(option), progress=bar,
                        **cluster)
    files = write_sweep_report(sc, res)
    claims = sweep_claims(sc, res)
    if as_json:
        _print_json({"out": str(out_dir), "tasks": len(res.plan.tasks), "ran": res.ran,
                     "cached": res.cached, "seconds": res.elapsed,
                     "files": {k: str(v) for k, v in files.items()},
                     "skipped": [list(x) for x in res.skipped],
                     "claims": claims.to_dict(orient="records")})
        return
    out.print(f"{len(res.plan.tasks)} tasks: {res.ran} run, {res.cached} already done, "
              f"{res.elapsed:.1f} s; results in {out_dir}")
    for e, s, why in res.skipped:
        out.print(f"skipped {e} on {s}: {why}")
    out.print(_table("Claims over the sweep", claims[["claim", "difference", "p_holds",
                                                      "replicas", "verdict"]], max_rows=100))
    out.print("Files: " + ", ".join(str(p) for p in files.values()))


@app.command()
def calibrate(file: FileArg = None, vary: VaryOpt = None,
              runs: Annotated[int | None, typer.Option(
                  min=2, help="simulations (per generation; default 200)")] = None,
              accept: Annotated[float | None, typer.Option(
                  help="share of runs kept (default 0.1)")] = None,
              method: Annotated[str | None, typer.Option(
                  help="rejection (default) or smc")] = None,
              generations: Annotated[int | None, typer.Option(
                  min=1, help="ABC-SMC generations (default 3)")] = None,
              metric: Annotated[str | None, typer.Option(
                  help="ENGINE.METRIC to fit (default ground.deaths)")] = None,
              observation: Annotated[str | None, typer.Option(
                  help="observation id (default: the one that compares the metric)")] = None,
              scenario: Annotated[str | None, typer.Option(
                  "--scenario", "-s", help="scenario id (default: the one of what happened)")] = None,
              window: Annotated[tuple[str, str] | None, typer.Option(
                  help="first and last month compared (default: the whole period)")] = None,
              distance: Annotated[str | None, typer.Option(
                  help="shape (profile, level fitted; default), scaled_log, log_rmse, rmse, …")
              ] = None,
              fit_until: Annotated[str | None, typer.Option(
                  help="last month fitted; later ones are held out and scored (default: "
                       "the calibration section's fit_until)")] = None,
              workers: WorkersOpt = None, scheduler: SchedulerOpt = None,
              out_dir: Annotated[Path, typer.Option("--out", "-o")] = Path("calibration"),
              seed: Annotated[int | None, typer.Option()] = None, option: OptionOpt = None,
              as_json: JsonOpt = False):
    """Approximate Bayesian computation of free parameters against an observed series.

    Defaults come from the scenario's ``calibration`` section (prior, metric,
    observation, window, settings, engine options); options given here override them."""
    from factions.run import SweepProgressBar, abc_rejection, abc_smc, parse_varies
    from factions.run.posterior import save_posterior

    sc = _load(file)
    spec = sc.calibration
    if not vary and spec is None:
        raise InputError("give the prior with --vary PARAM=DIST (this scenario has no "
                         "`calibration` section with a prior)")

    def pick(given, field, default):
        if given is not None:
            return given
        return getattr(spec, field) if spec is not None else default

    method = pick(method, "method", "rejection")
    if method not in ("rejection", "smc"):
        raise InputError(f"--method must be rejection or smc, got {method!r}")
    prior = parse_varies(vary or [f"{k}={v}" for k, v in spec.prior.items()])
    metric = pick(metric, "metric", "ground.deaths")
    scenario = pick(scenario, "scenario", None) or sc.history_id()
    observations = list(spec.observations) if (spec is not None and observation is None
                                                and metric == spec.metric) else []
    observation = pick(observation, "observation", None)
    if observations:
        observation = None
    elif observation is None:
        found = [o for o in sc.observations_of(metric) if o.region is None]
        if not found:
            raise InputError(f"no observation declares `compares: {metric}`; give --observation")
        observation = found[0].id
    window = pick(window, "window", None)
    window = tuple(window) if window else (sc.meta.start, sc.meta.end)
    distance, accept = pick(distance, "distance", "shape"), pick(accept, "accept", 0.1)
    runs, seed = pick(runs, "runs", 200), pick(seed, "seed", 0)
    generations = pick(generations, "generations", 3)
    opts = _parse_options(option) if option else (
        {k: dict(v) for k, v in spec.options.items()} if spec is not None else {})
    fit_until = pick(fit_until, "fit_until", None)
    if fit_until is not None:
        from factions.scenario.months import parse_month

        fit_until = parse_month(fit_until)
    settings = {"observation": observation or ", ".join(observations),
                "observations": observations, "scenario_id": scenario, "window": window,
                "fit_until": fit_until, "distance": distance, "method": method,
                "accept": accept, "seed": seed, "runs_per_generation": runs,
                "generations": generations if method == "smc" else 1}
    kwargs = dict(observation=observation, metric=metric, scenario_id=scenario, runs=runs,
                  accept=accept, distance=distance, window=window, seed=seed,
                  out_dir=out_dir / "runs", options=opts, observations=observations or None,
                  fit_until=fit_until, **_cluster(workers, scheduler))
    import time

    started = time.perf_counter()
    with SweepProgressBar() as bar:
        if method == "rejection":
            abc = abc_rejection(sc, prior, progress=bar, **kwargs)
        else:
            abc = abc_smc(sc, prior, generations=generations, progress=bar, **kwargs)
    import time

    settings["seconds"] = round(time.perf_counter() - started, 1)
    save_posterior(abc, out_dir, sc, opts, settings)
    for name, fig in abc.figures().items():
        fig.savefig(out_dir / f"{name}.png", dpi=96)
    if fit_until is not None:
        from factions.run.validate import validate_calibration

        table, fig = validate_calibration(sc, abc, fit_until, window[1])
        table.to_csv(out_dir / "validation.csv", index=False)
        fig.savefig(out_dir / "validation.png", dpi=96)
    if as_json:
        _print_json({"out": str(out_dir), "spearman": abc.spearman, "epsilon": abc.epsilon,
                     "posterior": abc.posterior.to_dict(orient="records"),
                     "seconds": settings["seconds"],
                     "validation": [] if fit_until is None else table.to_dict(orient="records")})
        return
    cols = [c for c in ("parameter", "prior", "prior_median", "post_median", "post_low",
                        "post_high") if c in abc.posterior]
    out.print(_table("Posterior", abc.posterior[cols]))
    if fit_until is not None:
        out.print(_table(f"Held out after {fit_until}: CRPS and MAE against naive baselines "
                         "(skill = 1 - CRPS / CRPS of no change)",
                         table[["engine", "series", "method", "crps", "mae", "skill_crps"]]
                         .round(3), max_rows=200))
    out.print(f"Hindcast of {abc.metric} against {settings['observation']}: "
              f"Spearman {abc.spearman:.3f} "
              f"(p = {abc.spearman_p:.2g}); tolerance {abc.epsilon:.4g}")
    out.print(f"Wrote {out_dir}/posterior.csv, calibration.json, hindcast.png, posterior.png; "
              f"use it with `factions run --posterior {out_dir}`")
