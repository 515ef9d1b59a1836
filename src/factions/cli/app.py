"""The ``factions`` command line (typer).

Every user mistake (bad path, bad file, bad option) ends in one line per problem on
stderr and exit code 2; ``--json`` prints the command's result as JSON on stdout.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import click
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from factions import __version__
from factions.errors import FactionsError, InputError

try:  # typer ≥ 0.25 vendors click as typer._click; catch both families
    from typer._click import exceptions as _tclick
except ImportError:  # pragma: no cover
    _tclick = click.exceptions

_USAGE = (click.UsageError, _tclick.UsageError)
_NOARGS = tuple({getattr(click.exceptions, "NoArgsIsHelpError", _tclick.NoArgsIsHelpError),
                 _tclick.NoArgsIsHelpError})
_ABORT = (click.exceptions.Abort, typer.Abort)
_CLICKERR = (click.ClickException, _tclick.ClickException)

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
    from factions.report.html import results_dict, write_report
    from factions.run import run_all

    sc = _load(file)
    opts = _parse_options(option)
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=err, transient=True, disable=as_json) as prog:
        task = prog.add_task("running", total=None)
        res = run_all(sc, scenario, engine, seed=seed, replicas=replicas, options=opts,
                      on_start=lambda n: prog.update(task, total=n),
                      on_task=lambda e, s, k: prog.update(task, advance=1,
                                                          description=f"{e} · {s} · seed {k}"))
        prog.update(task, description="writing report")
        path = write_report(res, out_dir)
    if as_json:
        _print_json({"report": str(path), **results_dict(res)})
        return
    out.print(_table("Results", res.summary_table()))
    claims = res.claims[["claim", "difference", "p_holds", "verdict"]]
    out.print(_table("Claims", claims, max_rows=100))
    out.print(f"Report: {path / 'index.html'}")


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the CLI, turning user errors into one-line messages and exit 2."""
    command = typer.main.get_command(app)
    try:
        rv = command.main(args=argv, prog_name="factions", standalone_mode=False)
    except FactionsError as exc:
        for line in exc.lines():
            err.print(f"error: {line}", markup=False, highlight=False, soft_wrap=True)
        return exc.exit_code
    except _NOARGS as exc:
        click.echo(exc.ctx.get_help() if exc.ctx else str(exc))
        return 0
    except _USAGE as exc:
        err.print(f"error: {exc.format_message()}", markup=False, highlight=False, soft_wrap=True)
        return 2
    except _CLICKERR as exc:
        err.print(f"error: {exc.format_message()}", markup=False, highlight=False, soft_wrap=True)
        return exc.exit_code or 1
    except _ABORT:
        err.print("aborted", markup=False)
        return 1
    except KeyboardInterrupt:
        err.print("interrupted", markup=False)
        return 130
    return rv if isinstance(rv, int) else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())


def entry() -> None:  # console script
    sys.exit(main())
