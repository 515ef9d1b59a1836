"""Small plotting helpers shared by engines and the report (matplotlib, no pyplot state)."""

from __future__ import annotations

__all__ = ["new_figure", "figure_png", "month_axis"]

import base64
import io

import matplotlib

matplotlib.use("Agg")

from matplotlib.figure import Figure  # noqa: E402


def new_figure(width: float = 8.0, height: float = 4.0) -> Figure:
    """A fresh figure that does not touch pyplot's global state (safe in threads and workers)."""
    return Figure(figsize=(width, height), layout="constrained")


def figure_png(fig: Figure, dpi: int = 96) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()


def figure_data_uri(fig: Figure, dpi: int = 96) -> str:
    return "data:image/png;base64," + base64.b64encode(figure_png(fig, dpi)).decode("ascii")


def month_axis(ax, months: list[str], every: int = 6) -> None:
    """Label a month-indexed x axis (positions 0..n-1) every ``every`` months."""
    ticks = list(range(0, len(months), every))
    ax.set_xticks(ticks)
    ax.set_xticklabels([months[i] for i in ticks], rotation=45, ha="right", fontsize=8)
