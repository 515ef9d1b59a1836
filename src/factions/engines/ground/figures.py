"""Figures of the ground engine, drawn from its tables (no pyplot global state)."""

from __future__ import annotations

__all__ = ["series_figure", "grid_figure", "run_figure"]

import numpy as np
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure

_GROUP_COLOURS = [("#9ecae1", "#08519c"), ("#a1d99b", "#006d2c"), ("#fdd0a2", "#a63603"),
                  ("#dadaeb", "#54278f"), ("#fcbba1", "#a50f15"), ("#d9d9d9", "#252525")]


def series_figure(result) -> Figure:
    """Model deaths (scaled to the observed total) and observed deaths per month; activity
    below."""
    m = result.monthly
    fig = Figure(figsize=(9, 5.5), layout="tight")
    ax, ax2 = fig.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": [2, 1]})
    x = np.arange(len(m))
    has_obs = m.observed_deaths.notna().any()
    if has_obs:
        ax.plot(x, m.observed_deaths, color="black", lw=1.5,
                label=f"{result.observed} (observed)")
        ax.plot(x, m.deaths_scaled, color="tab:red", lw=1.5, label="model deaths (scaled)")
    else:
        ax.plot(x, m.deaths, color="tab:red", lw=1.5, label="model deaths per 100k")
    ax.plot(x, m.sectarian_deaths * (m.deaths_scaled / m.deaths).median()
            if has_obs else m.sectarian_deaths,
            color="tab:orange", lw=1, ls="--", label="of which sectarian")
    fit = {r.statistic: r.value for _, r in result.fit.iterrows()}
    title = f"ground, scenario {result.scenario_id}"
    if "pearson" in fit:
        title += f" — Pearson r = {fit['pearson']:.2f}, Spearman ρ = {fit['spearman']:.2f}"
    ax.set_title(title, fontsize=10)
    ax.set_ylabel("deaths per month")
    ax.legend(fontsize=8)
    ax2.plot(x, m.activity, color="tab:blue", label="active share")
    ax2.plot(x, m.jailed, color="tab:gray", label="jailed share")
    ax2.set_ylabel("share of citizens")
    ax2.legend(fontsize=8)
    step = max(1, len(m) // 12)
    ax2.set_xticks(x[::step], m.month.iloc[::step], rotation=45, fontsize=8)
    return fig


def grid_figure(snapshot: np.ndarray, group_ids: list[str]) -> Figure:
    """Final lattice: empty white, cops black, peacekeepers grey, quiet/active by group."""
    colours = ["#ffffff", "#000000", "#7f7f7f"]
    for g in range(len(group_ids)):
        colours += list(_GROUP_COLOURS[g % len(_GROUP_COLOURS)])
    fig = Figure(figsize=(8, 6), layout="tight")
    ax = fig.subplots()
    ax.imshow(snapshot, cmap=ListedColormap(colours), vmin=0, vmax=len(colours) - 1,
              interpolation="nearest")
    from matplotlib.patches import Patch

    labels = ["empty", "cop", "peacekeeper"]
    for g in group_ids:
        labels += [f"{g} quiet", f"{g} active"]
    handles = [Patch(facecolor=c, edgecolor="#999999", label=lab)
               for c, lab in zip(colours, labels, strict=True)]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=7)
    ax.set_title("lattice at the last tick (first replicate)", fontsize=9)
    ax.set_xticks([])
    ax.set_yticks([])
    return fig


def run_figure(run) -> Figure:
    """Actives, jailed and deaths per tick of a bare-model :class:`GroundRun`."""
    s = run.series
    fig = Figure(figsize=(8, 4), layout="tight")
    ax = fig.subplots()
    ax.plot(s.tick, s.active, label="active", color="tab:red")
    ax.plot(s.tick, s.jailed, label="jailed", color="tab:gray")
    if run.model == "II":
        ax.plot(s.tick, s.deaths, label="killed", color="black")
        ax.plot(s.tick, s.population_a, label="population A", color="tab:blue", lw=0.8)
        ax.plot(s.tick, s.population_b, label="population B", color="tab:green", lw=0.8)
    ax.set_xlabel("tick")
    ax.set_ylabel("agents")
    ax.set_title(f"Epstein Model {run.model}, seed {run.seed}", fontsize=10)
    ax.legend(fontsize=8)
    return fig
