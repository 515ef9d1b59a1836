"""Figures drawn from the displacement tables (no pyplot global state)."""

from __future__ import annotations

__all__ = ["stocks_figure", "flows_figure"]

import numpy as np
import pandas as pd
from matplotlib.figure import Figure


def stocks_figure(stocks: pd.DataFrame, hindcast: pd.DataFrame, title: str) -> Figure:
    """Refugees per host and IDPs over time (lines) against observed counts (points).

    Left panel linear (millions), right panel logarithmic so that small hosts are visible.
    """
    fig = Figure(figsize=(11, 4.8), layout="constrained")
    axes = fig.subplots(1, 2)
    displaced = stocks[stocks["kind"] != "origin"]
    series = displaced.assign(series=np.where(displaced["kind"] == "host",
                                              displaced["location"], "idps"))
    wide = series.groupby(["month", "series"])["people"].sum().unstack("series").sort_index()
    x = pd.PeriodIndex(wide.index, freq="M").to_timestamp()
    for ax, log in zip(axes, (False, True), strict=True):
        colours = {}
        scale = 1.0 if log else 1e6
        for name in wide.columns:
            (line,) = ax.plot(x, wide[name] / scale, label=f"{name} (model)")
            colours[name] = line.get_color()
        for name, grp in hindcast.groupby("series"):
            obs = grp.dropna(subset=["observed"])
            ax.plot(pd.PeriodIndex(obs["month"], freq="M").to_timestamp(),
                    obs["observed"] / scale, "o", color=colours.get(name, "k"),
                    label=f"{name} (observed)")
        ax.grid(alpha=0.3)
        ax.tick_params(axis="x", labelrotation=30, labelsize=8)
        if log:
            ax.set_yscale("log")
            ax.set_ylabel("people (log scale)")
        else:
            ax.set_ylabel("people (millions)")
    axes[1].legend(fontsize=7, ncol=1, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    fig.suptitle(title)
    return fig


def _band(ax, y0a: float, y0b: float, y1a: float, y1b: float, colour: str) -> None:
    s = np.linspace(0, 1, 50)
    w = 3 * s**2 - 2 * s**3  # smooth step
    xs = 0.1 + 0.8 * s
    ax.fill_between(xs, y0a + (y1a - y0a) * w, y0b + (y1b - y0b) * w, color=colour, alpha=0.5,
                    linewidth=0)


def flows_figure(flows: pd.DataFrame, kinds: dict[str, str], title: str) -> Figure:
    """Sankey-style picture of all flows over the period: sources left, destinations right.

    Band widths are proportional to people moved; returns (to an origin from a host or IDP
    setting) are drawn in a second colour.
    """
    fig = Figure(figsize=(9, 5.5), layout="constrained")
    ax = fig.add_subplot()
    ax.set_axis_off()
    ax.set_title(title)
    total = flows.groupby(["from", "to"])["people"].sum()
    total = total[total > 0]
    if total.empty:
        ax.text(0.5, 0.5, "no movement", ha="center")
        return fig
    grand = float(total.sum())
    gap = 0.02
    order = sorted(kinds, key=lambda k: ({"origin": 0, "idp": 1, "host": 2}[kinds[k]], k))

    def layout(side: str) -> dict[str, list[float]]:
        sums = total.groupby(level=side).sum()
        names = [n for n in order if n in sums.index]
        scale = (1 - gap * (len(names) - 1)) / grand
        pos, y = {}, 1.0
        for n in names:
            h = sums[n] * scale
            pos[n] = [y, y]  # [top, cursor moving down]
            ax.add_patch(_rect(0.06 if side == "from" else 0.9, y - h, h))
            ax.text(0.05 if side == "from" else 0.95, y - h / 2, f"{n}\n{sums[n] / 1e3:,.0f}k",
                    ha="right" if side == "from" else "left", va="center", fontsize=7)
            y -= h + gap
        return pos

    left, right = layout("from"), layout("to")
    scale_l = (1 - gap * (len(left) - 1)) / grand
    scale_r = (1 - gap * (len(right) - 1)) / grand
    for (a, b), people in total.sort_index().items():
        h, h_r = people * scale_l, people * scale_r
        la, ra = left[a], right[b]
        ret = kinds[b] == "origin" and kinds[a] != "origin"
        _band(ax, la[1], la[1] - h, ra[1], ra[1] - h_r, "tab:green" if ret else "tab:red")
        la[1] -= h
        ra[1] -= h_r
    ax.text(0.5, -0.03, "red: flight and onward moves; green: returns; labels: thousands moved",
            ha="center", fontsize=7)
    ax.set_xlim(0, 1)
    ax.set_ylim(-0.05, 1.02)
    return fig


def _rect(x: float, y: float, h: float):
    from matplotlib.patches import Rectangle

    return Rectangle((x, y), 0.04, h, color="0.3")
