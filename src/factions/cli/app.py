"""The ``factions`` application object and its scenario-wide commands (run, check).

Every user mistake (bad path, bad file, bad option) ends in one line per problem on
stderr and exit code 2; ``--json`` prints the command's result as JSON on stdout.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from factions import __version__
from factions.errors import InputError

app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode=None,
                  pretty_exceptions_enable=False,
                  help="Model a conflict as a system of factions; test shocks and claims "
                       "against data.")
out = Console()
err = Console(stderr=True)

FileArg = Annotated[Path | None, typer.Argument(
    help="scenario YAML file (default: the embedded Iraq 2007–08 scenario)", show_default=False)]
JsonOpt = Annotated[bool, typer.Option("--json", help="print the result as JSON on stdout")]


def _version(value: bool) -> None:
    if value:
        print(f"factions {__version__}")
        raise typer.Exit()


@app.callback()
def _root(version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                                help="print the version and exit")] = False):
    """factions: alignment, bargaining, ground violence and displacement of conflict factions."""


def _load(file: Path | None):
    from factions.scenario import default_scenario, load_scenario
    return default_scenario() if file is None else load_scenario(file)


def _print_json(data) -> None:
    from factions.report.html import _clean, _json_default
    sys.stdout.write(json.dumps(_clean(data), indent=1, default=_json_default) + "\n")


def _table(title: str, df, max_rows: int = 40) -> Table:
    t = Table(title=title, show_lines=False, header_style="bold")
    for c in df.columns:
        t.add_column(str(c), overflow="fold")
    for _, row in df.head(max_rows).iterrows():
        t.add_row(*[f"{v:.4g}" if isinstance(v, float) else str(v) for v in row.to_list()])
    return t


def _parse_options(items: list[str] | None) -> dict[str, dict]:
    """``engine.option=value`` pairs → nested dict; values parsed as JSON where possible."""
    opts: dict[str, dict] = {}
    for item in items or []:
        key, sep, raw = item.partition("=")
        engine, dot, name = key.partition(".")
        if not sep or not dot or not engine or not name:
            raise InputError(f"--option {item!r}: expected ENGINE.NAME=VALUE, e.g. ground.seeds=5")
        try:
            value = json.loads(raw)
        except json.JSONDecodeError:
            value = raw
        opts.setdefault(engine, {})[name] = value
    return opts


@app.command()
def check(file: FileArg = None, as_json: JsonOpt = False):
    """Validate a scenario file (default: the embedded one) and summarise what it holds."""
    sc = _load(file)
    summary = {
        "file": str(file) if file else sc.file, "name": sc.meta.name, "period": [sc.meta.start, sc.meta.end],
        **{k: len(getattr(sc, k)) for k in ("actors", "issues", "positions", "relations",
                                            "populations", "forces", "parameters", "locations",
                                            "routes", "shocks", "claims", "observations")},
        "scenarios": sc.scenario_ids(),
    }
    if as_json:
        _print_json({"valid": True, **summary})
        return
    t = Table(title=f"{summary['file']}: valid — {sc.meta.name}", header_style="bold")
    t.add_column("section")
    t.add_column("content", overflow="fold")
    for k, v in summary.items():
        if k not in ("file", "name"):
            t.add_row(k, ", ".join(map(str, v)) if isinstance(v, list) else str(v))
    out.print(t)


@app.command()
def run(file: FileArg = None,
        scenario: Annotated[list[str] | None, typer.Option("--scenario", "-s",
                            help="scenario id to run (repeatable; default: all)")] = None,
        engine: Annotated[list[str] | None, typer.Option("--engine", "-e",
                          help="engine to run (repeatable; default: all)")] = None,
        out_dir: Annotated[Path, typer.Option("--out", "-o", help="report directory")] = Path("report"),
        seed: Annotated[int, typer.Option(help="random seed (recorded in the results)")] = 0,
        replicas: Annotated[int, typer.Option(
            help="replicas of the stochastic engines for the claims' probabilities "
                 "(run on Dask when > 1)", min=1)] = 10,
        workers: Annotated[int, typer.Option(help="local Dask worker processes", min=1)] = 2,
        scheduler: Annotated[str | None, typer.Option(
            help="address of a running Dask scheduler (instead of local workers)")] = None,
        posterior: Annotated[str | None, typer.Option(
            help="calibration directory from `factions calibrate` whose parameter sets the "
                 "replicas use; 'none' for none (default: the one shipped with the "
                 "embedded scenario)")] = None,
        option: Annotated[list[str] | None, typer.Option("--option",
                          help="engine option ENGINE.NAME=VALUE (repeatable)")] = None,
        as_json: JsonOpt = False):
    """Run every engine on every scenario, answer the claims and write a report directory."""
    sc = _load(file)
    opts = _parse_options(option)
    res = run_with_progress(sc, scenario, engine, seed, 1, opts, quiet=as_json)
    if replicas > 1:
        _ensemble(res, sc, file, engine, seed, replicas, opts, posterior, workers, scheduler,
                  out_dir, as_json)
    path = _write(res, out_dir, quiet=as_json)
    if as_json:
        from factions.report.html import results_dict
        _print_json({"report": str(path), **results_dict(res)})
        return
    out.print(_table("Results", res.summary_table()))
    claims = res.claims[["claim", "difference", "p_holds", "verdict"]]
    out.print(_table("Claims", claims, max_rows=100))
    out.print(f"Report: {path / 'index.html'}")


def run_with_progress(sc, scenario_ids, engines, seed: int, replicas: int, options: dict,
                      quiet: bool = False):
    """:func:`factions.run.run_all` with a rich progress bar on stderr."""
    from factions.run import run_all

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=err, transient=True, disable=quiet) as prog:
        task = prog.add_task("running", total=None)
        return run_all(sc, scenario_ids, engines, seed=seed, replicas=replicas, options=options,
                       on_start=lambda n: prog.update(task, total=n),
                       on_task=lambda e, s, k: prog.update(task, advance=1,
                                                           description=f"{e} · {s} · seed {k}"))


def _write(res, out_dir: Path, quiet: bool = False) -> Path:
    from factions.report.html import write_report

    with err.status("writing report", spinner="dots") if not quiet else _Null():
        return write_report(res, out_dir)


class _Null:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def _ensemble(res, sc, file, engines, seed, replicas, opts, posterior, workers, scheduler,
              out_dir: Path, quiet: bool) -> None:
    """Replace the claims of a one-replica run by those of an ensemble on Dask."""
    from factions.engines import get
    from factions.run.posterior import load_posterior, run_ensemble, shipped_posterior
    from factions.run.progress import SweepProgressBar

    stochastic = [n for n in res.engines if get(n).is_stochastic(opts.get(n, {}))]
    if not stochastic:
        res.ensemble_note = "Every engine run is deterministic: one replica answers the claims."
        return
    if posterior and posterior.lower() == "none":
        post = None
    elif posterior:
        post = load_posterior(posterior)
    else:
        post = shipped_posterior(sc) if file is None else None
        if file is None and post is None and shipped_posterior(sc, stale_ok=True) is not None:
            err.print("note: the shipped calibration was fitted on another version of the "
                      "embedded scenario and is not used; rerun `factions calibrate`")
    with SweepProgressBar(console=None if not quiet else Console(quiet=True)) as bar:
        claims, metrics, ens = run_ensemble(
            sc, res.scenario_ids, res.engines, seed, replicas, opts, post,
            out_dir / "ensemble", workers=workers, scheduler=scheduler, progress=bar)
    res.claims, res.metrics, res.replicas = claims, metrics, replicas
    res.ensemble_figures = _tornados(sc, ens, res.scenario_ids[0], stochastic)
    if post is not None:  # the calibration behind the replicas: its hindcast and posterior
        for name in ("hindcast", "posterior"):
            png = Path(post.path) / f"{name}.png"
            if png.exists():
                res.ensemble_figures[f"calibration {name} ({post.path})"] = png.read_bytes()
    where = f"scheduler {scheduler}" if scheduler else f"{workers} local Dask workers"
    note = (f"Claims over {replicas} replicas (seeds {seed}..{seed + replicas - 1}) of the "
            f"stochastic engines ({', '.join(stochastic)}), run on {where}; "
            f"results in {out_dir / 'ensemble'}.")
    if post is not None:
        m = post.meta
        note += (f" Each replica takes the next of {len(post.draws)} posterior parameter sets "
                 f"of the calibration in {post.path} ({m.get('metric')} against "
                 f"{m.get('observation')}, {m.get('method', 'ABC')}, hindcast Spearman "
                 f"{m.get('spearman', float('nan')):.2f}) and its engine options "
                 f"{post.options}.")
    res.ensemble_note = note


def _tornados(sc, ens, scenario_id: str, engines: list[str]) -> dict:
    """Tornado charts of the claimed metrics of stochastic engines against the varied
    (posterior) parameters, on the first scenario; none when nothing varied."""
    from factions.report.compare import claim_metrics
    from factions.run import sensitivity, tornado_chart

    if not any(t.params for t in ens.plan.tasks):
        return {}
    metrics = [m for m in claim_metrics(sc) if m.split(".", 1)[0] in engines]
    table = ens.ensemble()
    sens = sensitivity(table[table["scenario"] == scenario_id], metrics=metrics)
    figs = {}
    for m in metrics:
        if sens.loc[sens["metric"] == m, "spearman"].notna().any():
            figs[f"sensitivity of {m} [{scenario_id}]"] = tornado_chart(sens, m, scenario_id)
    return figs
