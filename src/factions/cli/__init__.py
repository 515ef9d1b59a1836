"""The ``factions`` command line (typer).

Every user mistake (bad path, bad file, bad option) ends in one line per problem on
stderr and exit code 2; ``--json`` prints the command's result as JSON on stdout.

``factions --version`` answers before anything is imported; everything else loads the
typer application in :mod:`factions.cli.main`, whose command modules import the engines
and the pipeline only inside the commands that use them.
"""

from __future__ import annotations

__all__ = ["app", "main", "entry", "finish"]

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
    finish(main())


def finish(code: int) -> None:
    """End the process with ``code`` without the interpreter's teardown.

    Tearing down a process that has loaded numba's compiled code takes 0.4–0.6 s on the
    2-core development machine (``docs/performance.md``, start-up), longer than most
    commands' own work. When the command has returned and only the main thread is left,
    this flushes standard output and error, runs the ``atexit`` handlers (logging, Dask's
    and multiprocessing's clean-ups: everything a normal exit runs that can hold data),
    and leaves with :func:`os._exit`; the teardown skipped only frees memory. Every file
    the commands write is closed by them (``with`` blocks) before they return. With other
    threads alive it exits normally, which joins them; so it does under a profiler or a
    tracer (``python -m cProfile``, a debugger), which writes its results after the
    program returns.
    """
    import atexit
    import os
    import threading

    if threading.active_count() > 1 or sys.getprofile() is not None or (
            sys.gettrace() is not None):
        sys.exit(code)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # closed or broken pipe: nothing more to write
            pass
    atexit._run_exitfuncs()
    os._exit(code)


def __getattr__(name: str):
    if name == "app":
        from factions.cli.main import app

        return app
    raise AttributeError(name)
