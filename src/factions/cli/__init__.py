"""The ``factions`` command line (typer).

Every user mistake (bad path, bad file, bad option) ends in one line per problem on
stderr and exit code 2; ``--json`` prints the command's result as JSON on stdout.

``factions --version`` answers before anything is imported; everything else loads the
typer application in :mod:`factions.cli.main`, whose command modules import the engines
and the pipeline only inside the commands that use them.
"""

from __future__ import annotations

__all__ = ["app", "main", "entry"]

import sys


def main(argv: list[str] | None = None) -> int:
    """Run the CLI, turning user errors into one-line messages and exit 2."""
    from factions.cli.main import main as _main

    return _main(argv)


def entry() -> None:  # console script
    if sys.argv[1:] == ["--version"]:
        from factions import __version__

        print(f"factions {__version__}")
        sys.exit(0)
    sys.exit(main())


def __getattr__(name: str):
    if name == "app":
        from factions.cli.main import app

        return app
    raise AttributeError(name)
