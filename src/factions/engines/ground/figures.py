"""Figures of the ground engine, drawn from its tables.

:func:`series_figure` and :func:`lattice_figure` are the plotly figures of a scenario
run (``GroundResult.figures()``, shown in the HTML report). :func:`run_figure` and
:func:`grid_figure` render PNG files of a bare-model run (``factions ground --model``)
with matplotlib (no pyplot global state).
"""

from __future__ import annotations

__all__ = ["series_figure", "lattice_figure", "regions_figure", "grid_figure", "run_figure"]

import numpy as np
import plotly.graph_objects as go
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure

from factions.report.charts import new_plot, panels

_GROUP_COLOURS = [("#9ecae1", "#08519c"), ("#a1d99b", "#006d2c"), ("#fdd0a2", "#a63603"),
                  ("#dadaeb", "#54278f"), ("#fcbba1", "#a50f15"), ("#d9d9d9", "#252525")]


def _cell_colours(group_ids: list[str]) -> tuple[list[str], list[str]]:
    """Colour and label of every lattice code: empty, cop, peacekeeper, then quiet and
    active of each group."""
    colours = ["#ffffff", "#000000", "#7f7f7f"]
    labels = ["empty", "cop", "peacekeeper"]
    for g, gid in enumerate(group_ids):
        colours += list(_GROUP_COLOURS[g % len(_GROUP_COLOURS)])
        labels += [f"{gid} quiet", f"{gid} active"]
    return colours, labels


def _line(x, y, name, colour, ref, **kw) -> dict:
    return {"type": "scatter", "mode": "lines", "x": x, "y": np.asarray(y, float).tolist(),
            "name": name, "line": {"color": colour, **kw.pop("line", {})}, **ref, **kw}


def series_figure(result) -> go.Figure:
    """Model deaths (scaled to the observed total) and observed deaths per month, the
    sectarian share dashed; active and jailed shares of citizens below."""
    m = result.monthly
    months = m["month"].astype(str).to_list()
    layout, (top, low) = panels(2, 1, row_heights=[2, 1], share_x=True, vspace=0.06)
    has_obs = bool(m["observed_deaths"].notna().any())
    data = []
    if has_obs:
        data.append(_line(months, m["observed_deaths"], f"{result.observed} (observed)",
                          "#000", top, line={"width": 1.6}))
        data.append(_line(months, m["deaths_scaled"], "model deaths (scaled)", "#D55E00", top,
                          line={"width": 1.6}))
        sect = m["sectarian_deaths"] * float((m["deaths_scaled"] / m["deaths"]).median())
    else:
        data.append(_line(months, m["deaths"], "model deaths per 100k", "#D55E00", top,
                          line={"width": 1.6}))
        sect = m["sectarian_deaths"]
    data.append(_line(months, sect, "of which sectarian", "#E69F00", top,
                      line={"width": 1, "dash": "dash"}))
    data.append(_line(months, m["activity"], "active share", "#0072B2", low))
    data.append(_line(months, m["jailed"], "jailed share", "#7F7F7F", low))
    fit = {r.statistic: r.value for r in result.fit.itertuples(index=False)}
    title = f"ground, scenario {result.scenario_id}"
    if "pearson" in fit:
        title += f" — Pearson r = {fit['pearson']:.2f}, Spearman ρ = {fit['spearman']:.2f}"
    layout["yaxis"]["title"] = {"text": "deaths per month"}
    layout["yaxis2"]["title"] = {"text": "share of citizens"}
    return new_plot(title, 440, data, hovermode="x unified",
                    legend={"orientation": "h", "y": -0.12}, **layout)


def lattice_figure(snapshot: np.ndarray, group_ids: list[str], max_side: int = 48
                   ) -> go.Figure:
    """The lattice at the last tick of the first replicate, one colour per cell state
    (the colour bar names the states). A lattice wider than ``max_side`` cells is shown
    with every ``k``-th row and column (the title says so)."""
    colours, labels = _cell_colours(group_ids)
    snap = np.asarray(snapshot)
    step = max(1, int(np.ceil(max(snap.shape, default=1) / max_side)))
    shown = snap[::step, ::step].astype(int)
    n = len(colours)
    scale = []  # a discrete colour scale: code k fills [k/n, (k+1)/n]
    for k, c in enumerate(colours):
        scale += [[k / n, c], [(k + 1) / n, c]]
    title = "lattice at the last tick (first replicate)"
    if step > 1:
        title += f", one cell in {step} along each side"
    heat = {"type": "heatmap", "z": shown.tolist(), "zmin": -0.5, "zmax": n - 0.5,
            "colorscale": scale,
            "hovertemplate": "row %{y}, column %{x}: state %{z} (see the colour bar)"
                             "<extra></extra>",
            "colorbar": {"tickvals": list(range(n)), "ticktext": labels, "len": 0.9,
                         "tickfont": {"size": 9}}}
    return new_plot(title, 420, [heat],
                    xaxis={"visible": False}, plot_bgcolor="#fff",
                    yaxis={"visible": False, "autorange": "reversed", "scaleanchor": "x"})


def grid_figure(snapshot: np.ndarray, group_ids: list[str]) -> Figure:
    """PNG rendering (matplotlib) of the final lattice of a bare-model run: empty white,
    cops black, peacekeepers grey, quiet/active by group."""
    colours, labels = _cell_colours(group_ids)
    fig = Figure(figsize=(8, 6), layout="tight")
    ax = fig.subplots()
    ax.imshow(snapshot, cmap=ListedColormap(colours), vmin=0, vmax=len(colours) - 1,
              interpolation="nearest")
    from matplotlib.patches import Patch

    handles = [Patch(facecolor=c, edgecolor="#999999", label=lab)
               for c, lab in zip(colours, labels, strict=True)]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=7)
    ax.set_title("lattice at the last tick (first replicate)", fontsize=9)
    ax.set_xticks([])
    ax.set_yticks([])
    return fig


def run_figure(run) -> Figure:
    """PNG rendering (matplotlib) of actives, jailed and deaths per tick of a bare-model
    :class:`GroundRun`."""
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


def regions_figure(result) -> go.Figure:
    """Small multiples: each region's model deaths (one scale factor for all regions) and
    its observed series, with its Spearman correlation in the panel's title."""
    m = result.monthly
    regions = list(result.regions)
    months = m["month"].astype(str).to_list()
    fit = {r.statistic: r.value for r in result.fit.itertuples(index=False)}
    cols = 3
    rows = (len(regions) + cols - 1) // cols
    titles = []
    for r in regions:
        rho = fit.get(f"spearman.{r}")
        titles.append(r + (f" (Spearman {rho:.2f})" if rho is not None else ""))
    layout, refs = panels(rows, cols, share_x=True, titles=titles, vspace=0.12)
    data = []
    for i, (r, ref) in enumerate(zip(regions, refs, strict=False)):
        obs = m.get(f"region_observed.{r}")
        if obs is not None and obs.notna().any():
            data.append(_line(months, obs, "observed", "#000", ref, legendgroup="obs",
                              showlegend=i == 0, line={"width": 1.2}))
        data.append(_line(months, m[f"region_deaths_scaled.{r}"], "model (one scale)",
                          "#D55E00", ref, legendgroup="model", showlegend=i == 0,
                          line={"width": 1.2}))
    return new_plot("deaths by region: model (one scale factor for the country) and observed",
                    240 * rows + 80, data, hovermode="x unified",
                    legend={"orientation": "h", "y": -0.1}, **layout)
