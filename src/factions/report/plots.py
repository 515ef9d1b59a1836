"""Matplotlib helpers for the outputs that are PNG files (no pyplot global state).

The HTML report draws plotly figures (:mod:`factions.report.charts`); matplotlib stays
for the files that tools write as PNG images: the calibration's ``hindcast.png`` and
``posterior.png`` (:meth:`factions.run.calibrate.ABCResult.figures`) and the bare ground
model's ``series.png`` and ``grid.png``.
"""

from __future__ import annotations

__all__ = ["new_figure", "figure_png", "month_axis"]

import io

import matplotlib

matplotlib.use("Agg")

from matplotlib.figure import Figure  # noqa: E402


def new_figure(width: float = 8.0, height: float = 4.0) -> Figure:
    """A fresh figure that does not touch pyplot's global state (safe in threads and workers)."""
    return Figure(figsize=(width, height), layout="constrained")


def figure_png(fig: Figure, dpi: int = 96) -> bytes:
    """The figure as PNG bytes."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()


def month_axis(ax, months: list[str], every: int = 6) -> None:
    """Label a month-indexed x axis (positions 0..n-1) every ``every`` months."""
    ticks = list(range(0, len(months), every))
    ax.set_xticks(ticks)
    ax.set_xticklabels([months[i] for i in ticks], rotation=45, ha="right", fontsize=8)
