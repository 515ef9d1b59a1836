"""A live progress bar for sweeps (rich), usable as the ``progress`` hook of
:func:`factions.run.sweep.sweep`::

    with SweepProgressBar() as bar:
        result = sweep(scenario, runs=100, progress=bar)
"""

from __future__ import annotations

__all__ = ["SweepProgressBar", "describe_progress"]

from factions.run.sweep import SweepProgress


def describe_progress(state: SweepProgress) -> str:
    """One line: ``37/120 tasks (20 cached, 1 retried) · 2.4 runs/s · last ground/historical``."""
    extra = [f"{state.cached} cached"] if state.cached else []
    if state.retried:
        extra.append(f"{state.retried} retried")
    if state.skipped:
        extra.append(f"{state.skipped} skipped")
    text = f"{state.done}/{state.total} tasks"
    if extra:
        text += " (" + ", ".join(extra) + ")"
    if state.elapsed > 0 and state.done > state.cached:
        text += f" · {state.rate:.2f} runs/s"
    if state.last is not None:
        text += f" · last {state.last.engine}/{state.last.scenario} seed {state.last.seed}"
    return text


class SweepProgressBar:
    """Context manager whose instances are sweep progress callbacks drawing a rich bar.

    Parameters
    ----------
    console
        A ``rich.console.Console`` (default: stderr), e.g. ``Console(quiet=True)`` in tests.
    """

    def __init__(self, console=None):
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self.progress = Progress(TextColumn("[bold]sweep"), BarColumn(), MofNCompleteColumn(),
                                 TimeElapsedColumn(), TimeRemainingColumn(),
                                 TextColumn("{task.description}"),
                                 console=console or Console(stderr=True), transient=False)
        self.task = None
        self.last: SweepProgress | None = None

    def __enter__(self) -> SweepProgressBar:
        self.progress.start()
        return self

    def __exit__(self, *exc) -> None:
        self.progress.stop()

    def __call__(self, state: SweepProgress) -> None:
        if self.task is None:
            self.task = self.progress.add_task("", total=state.total)
        self.progress.update(self.task, completed=state.done, total=state.total,
                             description=describe_progress(state))
        self.last = state
