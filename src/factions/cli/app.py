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
def check(file: Annotated[Path, typer.Argument(help="scenario YAML file")], as_json: JsonOpt = False):
    """Validate a scenario file and print a summary of what it holds."""
    sc = _load(file)
    summary = {
        "file": str(file), "name": sc.meta.name, "period": [sc.meta.start, sc.meta.end],
        **{k: len(getattr(sc, k)) for k in ("actors", "issues", "positions", "relations",
                                            "populations", "forces", "parameters", "locations",
                                            "routes", "shocks", "claims", "observations")},
        "scenarios": sc.scenario_ids(),
    }
    if as_json:
        _print_json({"valid": True, **summary})
        return
    t = Table(title=f"{file}: valid — {sc.meta.name}", header_style="bold")
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
        replicas: Annotated[int, typer.Option(help="seeds per stochastic engine and scenario",
                                              min=1)] = 1,
        option: Annotated[list[str] | None, typer.Option("--option",
                          help="engine option ENGINE.NAME=VALUE (repeatable)")] = None,
        as_json: JsonOpt = False):
    """Run every engine on every scenario and write a report directory."""
    sc = _load(file)
    res = run_with_progress(sc, scenario, engine, seed, replicas, _parse_options(option),
                            quiet=as_json)
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
