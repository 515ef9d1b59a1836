"""The ``factions`` typer application with every command registered, and its runner.

Every user mistake (bad path, bad file, bad option) ends in one line per problem on
stderr and exit code 2; ``--json`` prints the command's result as JSON on stdout.
"""

from __future__ import annotations

__all__ = ["app", "main"]


import click
import typer

from factions.cli import engines as _engines  # noqa: F401  (registers the engine commands)
from factions.cli import ensembles as _ensembles  # noqa: F401  (sweep, calibrate)
from factions.cli import serve as _serve  # noqa: F401  (serve)
from factions.cli.app import app, err
from factions.errors import FactionsError

try:  # typer ≥ 0.25 vendors click as typer._click; catch both families
    from typer._click import exceptions as _tclick
except ImportError:  # pragma: no cover
    _tclick = click.exceptions

_USAGE = (click.UsageError, _tclick.UsageError)
_NOARGS = tuple({getattr(click.exceptions, "NoArgsIsHelpError", _tclick.NoArgsIsHelpError),
                 _tclick.NoArgsIsHelpError})
_ABORT = (click.exceptions.Abort, typer.Abort)
_CLICKERR = (click.ClickException, _tclick.ClickException)


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

