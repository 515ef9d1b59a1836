"""One command per engine: ``align``, ``power``, ``bargain``, ``ground``, ``displace``.

Each runs its engine on a scenario (default: the embedded one, the scenario of what
happened — ``meta.history``, else ``historical``, else the first) through the same runner as ``factions run``, prints the engine's
summary and main tables, and writes a report directory when ``--out`` is given. The
engines' plain-data modes (an edge list, a seats table, a KTAB CSV, the bare Epstein
models) need no scenario at all.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from factions.cli.app import (
    FileArg,
    JsonOpt,
    _load,
    _parse_options,
    _print_json,
    _table,
    _write,
    app,
    out,
    run_with_progress,
)
from factions.errors import InputError

ScenarioOpt = Annotated[list[str] | None, typer.Option(
    "--scenario", "-s", help="scenario id (repeatable; default: historical, else the first)")]
OutOpt = Annotated[Path | None, typer.Option("--out", "-o", help="also write a report directory")]
SeedOpt = Annotated[int, typer.Option(help="random seed")]
OptionOpt = Annotated[list[str] | None, typer.Option(
    "--option", help="engine option NAME=VALUE (repeatable)")]


def _default_ids(sc, ids):
    return list(ids) if ids else [sc.history_id()]


def _engine_options(engine: str, items: list[str] | None, **given) -> dict:
    opts = {k: v for k, v in given.items() if v is not None}
    prefixed = [f"{engine}.{i}" for i in items or []]
    opts.update(_parse_options(prefixed).get(engine, {}))
    return opts


def console_views(engine: str, res) -> list[tuple[str, object]]:
    """Narrow tables for an 80-column console; the report and ``--json`` have everything."""
    t = res.tables()
    views: list[tuple[str, object]] = []
    if engine == "align":
        month = getattr(res, "month", None) or t["blocs"]["month"].max()
        b = t["blocs"][t["blocs"]["month"] == month]
        views.append((f"Blocs at {month}", b.groupby("bloc")["actor"].apply(
            lambda s: ", ".join(s)).reset_index(name="actors")))
        views.append(("Ties under strain (predicted next breaks first)",
                      t["strained"][["a", "b", "sign", "weight", "strain"]].head(12)))
        p = t["power"]
        if "month" in p:  # empty (no columns) when no actor holds seats
            views.append((f"Voting power at {month}", p[p["month"] == month][
                ["party", "seats", "banzhaf", "shapley_shubik"]]))
    elif engine == "bargain":
        o = t["outcomes"].pivot(index="issue", columns="model", values="outcome").reset_index()
        views.append(("Forecast outcome (0-100) by issue and model", o))
        if "uncertainty" in t:
            views.append(("Default model under perturbed inputs",
                          t["uncertainty"][["issue", "model", "median", "low", "high"]]))
    elif engine == "ground":
        views.append(("Fit to the observed series", t["fit"]))
        m = t["monthly"]
        cols = ["month", "deaths", "deaths_scaled", "observed_deaths", "sectarian_deaths"]
        cols += [c for c in m.columns if c.startswith("deaths_within.")]
        cols = [c for c in cols if c in m]
        views.append(("Monthly violence (every third month)", m[cols].iloc[::3]))
    elif engine == "displace":
        views.append(("Averaged relative difference (ARD) per host",
                      t["ard"][["series", "ard", "ard_out_of_sample", "points"]]))
        views.append(("Hindcast against the observed stocks", t["hindcast"]))
    return views


def _run_engine(engine: str, file, ids, seed: int, options: dict, out_dir, as_json: bool,
                show: tuple[str, ...] = (), replicas: int = 1):
    sc = _load(file)
    res = run_with_progress(sc, _default_ids(sc, ids), [engine], seed, replicas,
                            {engine: options} if options else {}, quiet=as_json)
    path = _write(res, out_dir, quiet=as_json) if out_dir else None
    if as_json:
        from factions.report.html import _clean
        _print_json({"report": str(path) if path else None,
                     "results": [_clean(r.to_dict()) for r in res.primary()],
                     "claims": res.claims[res.claims["test"].str.contains(f"{engine}.", regex=False)]
                     .to_dict(orient="records")})
        return res
    for r in res.primary():
        out.rule(f"{engine} — {r.scenario_id}")
        scalars = {k: v for k, v in r.summary.items() if not isinstance(v, dict | list)}
        out.print(", ".join(f"{k}: {v:.4g}" if isinstance(v, float) else f"{k}: {v}"
                            for k, v in scalars.items()))
        for title, df in console_views(engine, r):
            if not df.empty:
                out.print(_table(title, df, max_rows=30))
    if path:
        out.print(f"Report: {path / 'index.html'}")
    return res


@app.command()
def align(file: FileArg = None, scenario: ScenarioOpt = None,
          month: Annotated[str | None, typer.Option(help="focus month YYYY-MM (default: last)")] = None,
          k: Annotated[int | None, typer.Option(help="maximum number of blocs (default 2)")] = None,
          edges: Annotated[Path | None, typer.Option(
              help="CSV edge list from,to,sign[,weight] instead of a scenario")] = None,
          time_limit: Annotated[float | None, typer.Option(help="seconds per exact solve")] = None,
          dynamics: Annotated[str | None, typer.Option(
              help="evolve the --edges network under a balance-dynamics model: continuous, "
                   "heider, local_triad, constrained_triad or landscape")] = None,
          set_: Annotated[list[str] | None, typer.Option(
              "--set", help="dynamics parameter NAME=VALUE (repeatable), e.g. steps=12, "
                            "rate=0.1, inertia=0.5, p=0.7, sizes=A:3,B:1")] = None,
          fix: Annotated[list[str] | None, typer.Option(
              "--fix", help="with --dynamics: hold the tie A:B at its value (repeatable)")] = None,
          out_dir: OutOpt = None, seed: SeedOpt = 0, option: OptionOpt = None,
          as_json: JsonOpt = False):
    """Blocs, structural balance (exact frustration index), realignment and voting power;
    with --edges and --dynamics, how the network realigns under a balance-dynamics model."""
    if dynamics is None and (set_ or fix):
        raise InputError("--set and --fix are parameters of --dynamics MODEL")
    if dynamics is not None and edges is None:
        raise InputError("--dynamics evolves an --edges CSV network; give --edges")
    if edges is not None:
        if file is not None:
            raise InputError("give either a scenario FILE or --edges CSV, not both")
        if dynamics is not None:
            return _align_dynamics(edges, dynamics, set_ or [], fix or [], seed, as_json)
        return _align_edges(edges, k or 2, time_limit, seed, as_json)
    opts = _engine_options("align", option, month=month, k=k, time_limit=time_limit)
    _run_engine("align", file, scenario, seed, opts, out_dir, as_json,
                ("blocs", "strained", "power", "monthly"))


def _align_edges(path: Path, k: int, time_limit, seed: int, as_json: bool) -> None:
    import pandas as pd

    from factions.engines.align import frustration, k_blocs, read_edges_csv

    g = read_edges_csv(path)
    if k == 2:
        res = frustration(g, time_limit=time_limit, seed=seed)
        labels, value, status, bound = res.labels, res.value, res.status, res.bound
        ties = res.frustrated_ties()
    else:
        res = k_blocs(g, k, time_limit=time_limit, seed=seed)
        labels, value, status = res.labels, res.value, res.status
        bound = getattr(res, "bound", float("nan"))
        mask = g.frustrated_mask(labels) if hasattr(g, "frustrated_mask") else None
        ties = pd.DataFrame({"a": [g.nodes[i] for i in g.u[mask]],
                             "b": [g.nodes[i] for i in g.v[mask]],
                             "sign": g.sign[mask].astype(int), "weight": g.weight[mask]})
    blocs = pd.DataFrame({"node": list(g.nodes), "bloc": [int(x) for x in labels]})
    data = {"file": str(path), "nodes": g.n, "ties": len(g.u), "k": k,
            "frustration": float(value), "bound": float(bound), "status": status,
            "blocs": blocs.to_dict(orient="records"),
            "frustrated_ties": ties.to_dict(orient="records")}
    if as_json:
        _print_json(data)
        return
    out.print(f"{path}: {g.n} actors, {len(g.u)} ties; frustration index {value:g} "
              f"({status}, bound {bound:g}) with up to {k} blocs")
    summary = blocs.groupby("bloc")["node"].apply(lambda s: ", ".join(map(str, s))).reset_index()
    out.print(_table("Blocs", summary))
    out.print(_table("Frustrated ties", ties))


def _align_dynamics(path: Path, model: str, items: list[str], fix: list[str], seed: int,
                    as_json: bool) -> None:
    from factions.engines.align import balance_dynamics, parse_set, read_edges_csv

    params = parse_set(items)
    g = read_edges_csv(path)
    pairs, bad = [], []
    for item in fix:
        a, sep, b = item.partition(":")
        if not sep or not a.strip() or not b.strip():
            bad.append(f"--fix expects A:B (two actors); got {item!r}")
        else:
            pairs.append((a.strip(), b.strip()))
    if bad:
        raise InputError("\n".join(bad))
    res = balance_dynamics(g, model, fixed=pairs or None, seed=seed, **params)
    if as_json:
        _print_json({"file": str(path), "nodes": g.n, "ties": g.m, **res.to_dict()})
        return
    out.print(f"{path}: {g.n} actors, {g.m} ties; {model}: {res.status} after {res.steps} "
              f"steps (time {res.time:.4g}), {'balanced' if res.balanced else 'not balanced'}")
    b = res.blocs_table()
    out.print(_table("Final blocs", b.groupby("bloc")["node"].apply(
        lambda s: ", ".join(map(str, s))).reset_index(name="actors")))
    out.print(_table("Trajectory summary", res.summary, max_rows=25))
    out.print(_table("Final ties", res.ties(), max_rows=30))


@app.command()
def power(seats: Annotated[Path, typer.Option(help="CSV with columns party,seats")],
          quota: Annotated[float, typer.Option(help="votes needed to win")],
          as_json: JsonOpt = False):
    """Banzhaf and Shapley–Shubik voting power of a weighted majority game (exact)."""
    from factions.engines.align import power_table, read_seats_csv

    parties, weights = read_seats_csv(seats)
    table = power_table(parties, weights, quota)
    if as_json:
        _print_json({"file": str(seats), "quota": quota, "power": table.to_dict(orient="records")})
        return
    out.print(_table(f"Voting power, quota {quota:g} of {sum(weights)}", table, max_rows=1000))


@app.command()
def bargain(file: FileArg = None, scenario: ScenarioOpt = None,
            issue: Annotated[list[str] | None, typer.Option(help="issue id (repeatable)")] = None,
            model: Annotated[list[str] | None, typer.Option(
                help="model: compromise, median, nash, expected_utility, smp, exchange "
                     "(repeatable; default all)")] = None,
            ktab_csv: Annotated[Path | None, typer.Option(
                "--ktab-csv", help="KTAB-style CSV instead of a scenario")] = None,
            month: Annotated[str | None, typer.Option(help="month YYYY-MM (default: last)")] = None,
            smp_set: Annotated[list[str] | None, typer.Option(
                "--smp-set", help="SMP option by KTAB name NAME=VALUE, e.g. VotingRule=Binary, "
                                  "maxIter=50 (repeatable)")] = None,
            db: Annotated[Path | None, typer.Option(
                help="write the SMP run (per-state positions, probabilities, bargains) to "
                     "this SQLite file, KTAB's table names")] = None,
            matrices: Annotated[bool, typer.Option(
                "--matrices", help="also keep the per-state utility and challenge matrices "
                                   "(for --db and --json; n^3 numbers per state)")] = False,
            vary: Annotated[list[str] | None, typer.Option(
                help="with --ktab-csv: sensitivity analysis, NAME=DIST with NAME an SMP option "
                     "(VotingRule=values(Prop,Binary)) or input (capability.XJ=uniform(50,150), "
                     "position.XJ.Policy=..., salience.XJ.Policy=...) (repeatable)")] = None,
            runs: Annotated[int, typer.Option(help="draws per grid point of --vary")] = 1,
            workers: Annotated[int, typer.Option(
                help="Dask worker processes for --vary (1: in this process)")] = 1,
            out_dir: OutOpt = None, seed: SeedOpt = 0, option: OptionOpt = None,
            as_json: JsonOpt = False):
    """Forecast who gets what on each issue: compromise, median, Nash, expected utility, SMP.

    The SMP is KTAB's, run jointly on all issues (dimensions); its options go by KTAB's
    names (--smp-set VictoryProbModel=Square) and --db writes its history to SQLite.
    """
    opts = _engine_options("bargain", option, issue=issue or None, models=model or None,
                           month=month)
    for item in smp_set or []:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise InputError(f"--smp-set {item!r}: expected NAME=VALUE, e.g. VotingRule=Binary")
        opts[f"smp.{name.strip()}"] = value.strip()
    if matrices:
        opts["smp.matrices"] = True
    if vary:
        if ktab_csv is None:
            raise InputError("--vary here needs --ktab-csv; on a scenario use `factions sweep "
                             "--vary bargain.smp.VotingRule=values(Prop,Binary)`")
        return _bargain_sensitivity(ktab_csv, opts, vary, runs, workers, seed, out_dir, db,
                                    as_json)
    if ktab_csv is not None:
        if file is not None:
            raise InputError("give either a scenario FILE or --ktab-csv, not both")
        from factions.engines.bargain import bargain_ktab
        from factions.engines.bargain.text import format_result

        opts.pop("month", None)
        res = bargain_ktab(ktab_csv, seed, opts)
        _write_smp(res, db, out_dir, quiet=as_json)
        if as_json:
            _print_json(res.to_dict())
        else:
            out.print(format_result(res), markup=False, highlight=False, soft_wrap=True)
        return
    if db is not None and "smp" not in (model or ["smp"]):
        raise InputError("--db writes the SMP run; add --model smp")
    res = _run_engine("bargain", file, scenario, seed, opts, out_dir, as_json,
                      ("outcomes", "uncertainty"))
    if db is not None:
        results = res.primary()
        for r in results:  # one file per named scenario
            path = db if len(results) == 1 else db.with_name(f"{db.stem}-{r.scenario_id}"
                                                              f"{db.suffix}")
            _write_smp(r, path, None, quiet=as_json)


def _write_smp(res, db, out_dir, quiet: bool) -> None:
    """--db: the SMP run as SQLite; --out with --ktab-csv: every table as CSV."""
    if db is not None:
        if res.smp_run is None:
            raise InputError("--db writes the SMP run; add --model smp")
        res.smp_run.to_sqlite(db)
        if not quiet:
            out.print(f"SMP run ({res.smp_run.n_states} states) written to {db}")
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
        for name, table in res.tables().items():
            table.to_csv(out_dir / f"{name}.csv", index=False)
        if not quiet:
            out.print(f"Tables written to {out_dir}")


def _bargain_sensitivity(path: Path, opts: dict, vary: list[str], runs: int, workers: int,
                         seed: int, out_dir, db, as_json: bool) -> None:
    from factions.engines.bargain import read_ktab_csv, smp_sensitivity
    from factions.run.distributions import parse_vary

    k = read_ktab_csv(path)
    k.check_smp(path)
    given = dict(parse_vary(v) for v in vary)
    smp = {key[4:]: v for key, v in opts.items() if key.startswith("smp.") and key != "smp.matrices"}
    res = smp_sensitivity(k.capability, k.positions, k.saliences, given, names=k.actors,
                          dimensions=k.dimensions, options=smp, runs=runs, seed=seed,
                          workers=workers)
    tables = {"runs": res.runs, "outcomes": res.outcomes, "positions": res.positions,
              "by_value": res.by_value(), "sensitivity": res.sensitivity()}
    if db is not None:
        import sqlite3

        db.parent.mkdir(parents=True, exist_ok=True)
        if db.exists():
            db.unlink()
        with sqlite3.connect(db) as con:
            for name, t in tables.items():
                t.to_sql(name, con, index=False)
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
        for name, t in tables.items():
            t.to_csv(out_dir / f"{name}.csv", index=False)
    if as_json:
        _print_json({"file": str(path), **{n: t.to_dict(orient="records")
                                           for n, t in tables.items()}})
        return
    out.print(f"{path}: {len(res.runs)} SMP runs ({len(given)} varied: {', '.join(given)})")
    summary = res.outcomes.groupby("dimension")["outcome"].describe()[["min", "50%", "max"]]
    out.print(_table("Final expected outcome over the runs", summary.reset_index()))
    if not tables["by_value"].empty:
        out.print(_table("By value of each grid parameter", tables["by_value"], max_rows=40))
    sens = tables["sensitivity"]
    if not sens.empty:
        dims = set(k.dimensions)
        out.print(_table("Rank sensitivity of the outcomes",
                         sens[sens["metric"].isin(dims)][["metric", "parameter", "spearman",
                                                          "prcc", "n"]], max_rows=40))


@app.command()
def displace(file: FileArg = None, scenario: ScenarioOpt = None, out_dir: OutOpt = None,
             seed: SeedOpt = 0, option: OptionOpt = None, as_json: JsonOpt = False):
    """Refugee and IDP flows with returns, held against the scenario's UNHCR observations."""
    opts = _engine_options("displace", option)
    _run_engine("displace", file, scenario, seed, opts, out_dir, as_json,
                ("ard", "hindcast", "parameters"))


@app.command()
def ground(file: FileArg = None, scenario: ScenarioOpt = None,
           seeds: Annotated[int | None, typer.Option(help="replicate runs averaged per scenario")] = None,
           grid: Annotated[tuple[int, int] | None, typer.Option(
               help="lattice width and height, e.g. --grid 80 80")] = None,
           model: Annotated[str | None, typer.Option(
               help="bare model I or II without a scenario (with --set, --ticks)")] = None,
           set_: Annotated[list[str] | None, typer.Option(
               "--set", help="bare-model parameter NAME=VALUE (repeatable)")] = None,
           ticks: Annotated[int, typer.Option(help="ticks of a bare-model run", min=1)] = 200,
           out_dir: OutOpt = None, seed: SeedOpt = 0, option: OptionOpt = None,
           as_json: JsonOpt = False):
    """Epstein's civil-violence models I and II: on a scenario, or bare with --model."""
    if model is not None:
        if file is not None or scenario:
            raise InputError("--model runs the bare model; do not give a scenario FILE or --scenario")
        return _ground_bare(model, set_ or [], ticks, seed, out_dir, as_json)
    if set_:
        raise InputError("--set is for the bare model (with --model I|II); on a scenario use "
                         "--option NAME=VALUE")
    opts = _engine_options("ground", option, seeds=seeds,
                           grid=f"{grid[0]}x{grid[1]}" if grid else None)
    _run_engine("ground", file, scenario, seed, opts, out_dir, as_json, ("fit", "claims"))


def _ground_bare(model: str, items: list[str], ticks: int, seed: int, out_dir, as_json: bool):
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from factions.cli.app import err
    from factions.engines.ground import parse_set, simulate
    from factions.engines.ground.figures import grid_figure, run_figure

    model = model.upper()
    if model not in ("I", "II"):
        raise InputError(f"--model must be I or II, got {model!r}")
    checked = parse_set(items, model)  # validates every NAME=VALUE, naming the bad one
    given = {str(i).partition("=")[0].strip().replace("-", "_") for i in items}
    params = {k: v for k, v in checked.items() if k in given}
    with Progress(TextColumn("ground model {task.fields[m]}"), BarColumn(), MofNCompleteColumn(),
                  console=err, transient=True, disable=as_json) as prog:
        task = prog.add_task("", total=ticks, m=model)
        run = simulate(model, params, ticks=ticks, seed=seed,
                       progress=lambda done, total: prog.update(task, completed=done))
    s = run.series
    summary = {"model": model, "seed": seed, "ticks": ticks,
               "mean_active": float(s["active"].mean()), "max_active": int(s["active"].max()),
               "mean_jailed": float(s["jailed"].mean()), "deaths": int(s["deaths"].sum())}
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
        s.to_csv(out_dir / "series.csv", index=False)
        run_figure(run).savefig(out_dir / "series.png", dpi=96)
        groups = ["a", "b"] if model == "II" else ["citizens"]
        grid_figure(run.snapshot, groups).savefig(out_dir / "grid.png", dpi=96)
    if as_json:
        _print_json({**summary, **run.to_dict()})
        return
    out.print(", ".join(f"{k}: {v:.4g}" if isinstance(v, float) else f"{k}: {v}"
                        for k, v in summary.items()))
    step = max(1, ticks // 20)
    out.print(_table(f"Series (every {step} ticks)", s.iloc[::step][
        [c for c in ("tick", "active", "jailed", "quiescent", "arrests", "deaths") if c in s]],
        max_rows=25))
    if out_dir is not None:
        out.print(f"Wrote {out_dir / 'series.csv'}, series.png, grid.png")
