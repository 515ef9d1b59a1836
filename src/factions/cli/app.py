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
from rich.table import Table

from factions import __version__
from factions.errors import InputError

app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode=None,
                  pretty_exceptions_enable=False,
                  help="Model a conflict as a system of factions; test shocks and claims "
                       "against data.")
out = Console()
err = Console(stderr=True)

FileArg = Annotated[str | None, typer.Argument(
    help="scenario YAML file or the name of an embedded scenario (see `factions scenarios`; "
         "default: the embedded default scenario)", show_default=False)]
JsonOpt = Annotated[bool, typer.Option("--json", help="print the result as JSON on stdout")]


def _version(value: bool) -> None:
    if value:
        print(f"factions {__version__}")
        raise typer.Exit()


@app.callback()
def _root(version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                                help="print the version and exit")] = False):
    """factions: alignment, bargaining, ground violence and displacement of conflict factions."""


def _load(file: str | Path | None):
    from factions.scenario import resolve_scenario
    return resolve_scenario(file)


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
def scenarios(as_json: JsonOpt = False):
    """List the embedded scenarios (run one with `factions run NAME`)."""
    from factions.scenario import DEFAULT_SCENARIO, embedded_scenarios

    found = embedded_scenarios()
    if as_json:
        _print_json({"default": DEFAULT_SCENARIO, "scenarios": found})
        return
    t = Table(title="Embedded scenarios", header_style="bold")
    t.add_column("name")
    t.add_column("title", overflow="fold")
    for name, title in found.items():
        t.add_row(name + (" (default)" if name == DEFAULT_SCENARIO else ""), title)
    out.print(t)


@app.command()
def check(file: FileArg = None, as_json: JsonOpt = False):
    """Validate a scenario file (default: the embedded one) and summarise what it holds."""
    from factions.errors import ScenarioError
    from factions.run.checks import engine_problems

    sc = _load(file)
    problems = engine_problems(sc)
    if problems:
        raise ScenarioError(problems)
    summary = {
        "file": str(file) if file else sc.file, "name": sc.meta.name, "period": [sc.meta.start, sc.meta.end],
        **{k: len(getattr(sc, k)) for k in ("actors", "issues", "positions", "relations",
                                            "populations", "forces", "parameters", "regions",
                                            "locations", "routes", "shocks", "claims",
                                            "observations")},
        "scenarios": sc.scenario_ids(),
        "engines": _engine_readiness(sc),
        "uncertain_inputs": _uncertainty(sc),
    }
    if as_json:
        _print_json({"valid": True, **summary})
        return
    t = Table(title=f"{summary['file']}: valid — {sc.meta.name}", header_style="bold")
    t.add_column("section")
    t.add_column("content", overflow="fold")
    for k, v in summary.items():
        if k in ("file", "name"):
            continue
        if k == "uncertain_inputs":
            v = (f"{v['count']} ({', '.join(f'{n} {o}' for o, n in v['by_origin'].items())}); "
                 + ", ".join(f"{f} {n}" for f, n in sorted(v["by_field"].items())))
        elif isinstance(v, dict):
            v = "; ".join(f"{e}: {why}" for e, why in v.items())
        t.add_row(k, ", ".join(map(str, v)) if isinstance(v, list) else str(v))
    out.print(t)


def _uncertainty(sc) -> dict:
    """How many inputs are uncertain, by origin and by field, with their bands."""
    from collections import Counter

    inputs = sc.uncertain_inputs()
    return {"count": len(inputs),
            "by_origin": dict(Counter(x.origin for x in inputs)),
            "by_field": dict(Counter(x.name.split(".")[0] + "." + x.name.split(".")[-1]
                                     if not x.name.startswith(("shocks.", "relations."))
                                     else x.name.split(".")[0] for x in inputs)),
            "inputs": [x.as_dict() for x in inputs]}


def _engine_readiness(sc) -> dict[str, str]:
    """``{engine: "ready" or why it would be skipped}``."""
    from factions.engines import available, unmet_needs

    return {e.name: "; ".join(unmet_needs(e, sc)) or "ready" for e in available()}


@app.command()
def run(file: FileArg = None,
        scenario: Annotated[list[str] | None, typer.Option("--scenario", "-s",
                            help="scenario id to run (repeatable; default: all)")] = None,
        engine: Annotated[list[str] | None, typer.Option("--engine", "-e",
                          help="engine to run (repeatable; default: all)")] = None,
        out_dir: Annotated[Path, typer.Option("--out", "-o", help="report directory")] = Path("report"),
        seed: Annotated[int, typer.Option(help="random seed (recorded in the results)")] = 0,
        draws: Annotated[int, typer.Option(
            "--draws", "--replicas",
            help="draws for the claims' probabilities: each a seed of the stochastic engines "
                 "and a joint sample of the uncertain inputs (run on Dask when > 1)",
            min=1)] = 100,
        fixed_inputs: Annotated[bool, typer.Option(
            "--fixed-inputs", help="draw seeds only, keep every input at its value")] = False,
        workers: Annotated[int, typer.Option(help="local Dask worker processes", min=1)] = 2,
        scheduler: Annotated[str | None, typer.Option(
            help="address of a running Dask scheduler (instead of local workers)")] = None,
        posterior: Annotated[str | None, typer.Option(
            help="calibration directory from `factions calibrate` whose parameter sets the "
                 "replicas use; 'none' for none (default: the one shipped with an embedded "
                 "scenario)")] = None,
        option: Annotated[list[str] | None, typer.Option("--option",
                          help="engine option ENGINE.NAME=VALUE (repeatable)")] = None,
        verbose: Annotated[bool, typer.Option("--verbose", "-v",
                           help="print every engine's summary and every claim")] = False,
        as_json: JsonOpt = False):
    """Run every engine on every scenario, answer the claims and write a report directory."""
    from factions.cli.render import print_run
    from factions.run import Pipeline

    sc = _load(file)
    pipe = Pipeline(sc, scenario, engine, _parse_options(option), seed=seed,
                    replicas=draws, posterior=posterior or "auto", workers=workers,
                    scheduler=scheduler, vary_inputs=not fixed_inputs)
    with RunProgress(quiet=as_json) as progress:
        res = pipe.run(out_dir, progress=progress)
    for note in pipe.notes:
        err.print(f"note: {note}", markup=False)
    if as_json:
        from factions.report.html import results_dict
        _print_json({"report": str(out_dir), **results_dict(res)})
        return
    print_run(out, res, out_dir, verbose=verbose)


class RunProgress:
    """Rich progress bars on stderr for :meth:`factions.run.Pipeline.run`."""

    def __init__(self, quiet: bool = False):
        self.quiet = quiet
        self._bar = None
        self._sweep = None

    def __enter__(self):
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        self._bar = Progress(TextColumn("{task.description}"), BarColumn(),
                             MofNCompleteColumn(), TimeElapsedColumn(), console=err,
                             transient=True, disable=self.quiet)
        self._bar.__enter__()
        self._task = self._bar.add_task("running", total=None)
        return self

    def start(self, total: int) -> None:
        self._bar.update(self._task, total=total)

    def task(self, engine: str, scenario: str, seed: int) -> None:
        self._bar.update(self._task, advance=1, description=f"{engine} · {scenario} · seed {seed}")

    def sweep(self, state) -> None:
        """The draws' bar, under the primary pass's while that still runs (the cluster
        runs the draws meanwhile); the primary bar goes once its tasks are done. Short
        enough for an 80-column terminal: the tasks done, cached, retried and skipped,
        and the rate."""
        if self._sweep is None:
            self._sweep = self._bar.add_task("draws", total=state.total)
        extra = [f"{n} {what}" for n, what in ((state.cached, "cached"),
                                               (state.retried, "retried"),
                                               (state.skipped, "skipped")) if n]
        text = "draws" + (f" ({', '.join(extra)})" if extra else "")
        if state.elapsed > 0 and state.done > state.cached:
            text += f" · {state.rate:.1f} tasks/s"
        self._bar.update(self._sweep, completed=state.done, total=state.total,
                         description=text)
        primary = self._bar.tasks[0]
        if primary.total is not None and primary.completed >= primary.total:
            self._bar.update(self._task, visible=False)

    def __exit__(self, *exc):
        self._bar.__exit__(*exc)
        return False


def run_with_progress(sc, scenario_ids, engines, seed: int, replicas: int, options: dict,
                      quiet: bool = False):
    """:func:`factions.run.run_all` with a rich progress bar on stderr."""
    from factions.run import run_all

    with RunProgress(quiet=quiet) as prog:
        return run_all(sc, scenario_ids, engines, seed=seed, replicas=replicas, options=options,
                       on_start=prog.start, on_task=prog.task)


def _write(res, out_dir: Path, quiet: bool = False) -> Path:
    from factions.report.html import write_report

    with err.status("writing report", spinner="dots") if not quiet else _Null():
        return write_report(res, out_dir)


class _Null:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False
