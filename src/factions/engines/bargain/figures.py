"""Figures of the bargain engine, drawn with ``matplotlib.figure.Figure`` (no pyplot state)."""

from __future__ import annotations

__all__ = ["scale_figure", "trajectory_figure"]

from typing import TYPE_CHECKING

import numpy as np
from matplotlib.figure import Figure

if TYPE_CHECKING:  # pragma: no cover
    from factions.engines.bargain.engine import IssueForecast


def scale_figure(it: IssueForecast) -> Figure:
    """Actors on the issue scale (marker area ~ capability x salience) and model outcomes."""
    d = it.data
    fig = Figure(figsize=(7.5, 0.5 + 0.32 * d.n + 0.8), layout="tight")
    ax = fig.add_subplot()
    order = np.argsort(d.position, kind="stable")
    w = d.weight / d.weight.max()
    ys = np.arange(d.n)
    ax.scatter(d.position[order], ys, s=30 + 400 * w[order], alpha=0.6, color="tab:blue")
    ax.set_yticks(ys, [d.names[k] for k in order], fontsize=8)
    colors = ["tab:red", "tab:green", "tab:orange", "tab:purple", "tab:brown", "tab:gray"]
    for k, (name, f) in enumerate(it.forecasts.items()):
        ax.axvline(f.outcome, color=colors[k % len(colors)], lw=1.5, ls="--",
                   label=f"{name} {f.outcome:.1f}")
    if it.distribution is not None:
        u = it.distribution
        ax.axvspan(u.low, u.high, color="0.85", zorder=0,
                   label=f"{u.model} {int(100 * u.level)}% interval")
    ax.set_xlim(d.scale)
    ax.set_xlabel("position")
    ax.set_title(it.name, fontsize=10)
    ax.legend(fontsize=7, loc="best")
    return fig


def trajectory_figure(it: IssueForecast, model: str) -> Figure:
    """Every actor's position over the rounds of a dynamic model, with the model outcome."""
    f = it.forecasts[model]
    fig = Figure(figsize=(7.5, 4.0), layout="tight")
    ax = fig.add_subplot()
    rounds = np.arange(f.trajectory.shape[0])
    for k, name in enumerate(f.names):
        ax.plot(rounds, f.trajectory[:, k], lw=0.8, alpha=0.7, label=name if f.trajectory.shape[1] <= 12 else None)
    ax.plot(rounds, f.outcomes, color="black", lw=2.5, label=f"{model} outcome")
    ax.set_xlabel("round")
    ax.set_ylabel("position")
    ax.set_ylim(it.data.scale)
    ax.set_title(f"{it.name}: {model}", fontsize=10)
    ax.legend(fontsize=6, ncol=2, loc="best")
    return fig
