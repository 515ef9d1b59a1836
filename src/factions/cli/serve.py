"""``factions serve``: the what-if dashboard in the browser (see :mod:`factions.dashboard`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from factions.cli.app import app, err


@app.command()
def serve(file: Annotated[str | None, typer.Argument(
              help="scenario YAML file to offer (default: the embedded scenarios)",
              show_default=False)] = None,
          port: Annotated[int, typer.Option(help="port on 127.0.0.1 (0: any free port)",
                                            min=0, max=65535)] = 8050,
          cache: Annotated[Path | None, typer.Option(
              "--cache", help="directory for cached results (default: the user's cache "
                              "directory, factions/dashboard)")] = None):
    """Serve the what-if dashboard on http://127.0.0.1:PORT/ (this machine only)."""
    from factions.dashboard import serve as run_server

    run_server(file, port, cache,
               announce=lambda line: err.print(line, markup=False, highlight=False,
                                             soft_wrap=True))
