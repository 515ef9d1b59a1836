"""The calibration behind an ensemble, redrawn in plotly from its CSV files.

A calibration directory (``factions calibrate``; one ships beside an embedded scenario)
holds ``hindcast.csv`` (``month, observed, median, low, high`` of the accepted runs),
``runs.csv`` (every run's parameter draw, ``accepted`` and ``weight``) and
``calibration.json`` (metric, observation, hindcast Spearman). The report draws the
hindcast and the prior-versus-posterior histograms from these tables instead of
embedding the PNG files that ``factions calibrate`` also writes.
"""

from __future__ import annotations

__all__ = ["calibration_figures"]

import json
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from factions.report.charts import new_plot, panels


def _hindcast(h: pd.DataFrame, meta: dict) -> go.Figure:
    metric = meta.get("metric", "the metric")
    rho = meta.get("spearman")
    title = f"Hindcast of {metric} by the accepted runs"
    if isinstance(rho, int | float):
        title += f" (Spearman {rho:.2f})"
    fig = new_plot(title, height=340, hovermode="x unified")
    x = h["month"].astype(str).to_list()
    fig.add_trace(go.Scatter(x=x, y=h["high"], mode="lines", line={"width": 0},
                             showlegend=False, hoverinfo="skip"))
    fig.add_trace(go.Scatter(x=x, y=h["low"], mode="lines", line={"width": 0},
                             fill="tonexty", fillcolor="rgba(0,114,178,0.22)",
                             name="accepted runs, 90 %"))
    fig.add_trace(go.Scatter(x=x, y=h["median"], mode="lines", line={"color": "#0072B2"},
                             name="accepted runs, median"))
    fig.add_trace(go.Scatter(x=x, y=h["observed"], mode="markers", name="observed "
                             + str(meta.get("observation", "")).strip(),
                             marker={"color": "#000", "size": 5}))
    return fig


def _posterior(runs: pd.DataFrame, params: list[str]) -> go.Figure:
    layout, refs = panels(1, len(params), titles=params, hspace=0.05)
    accepted = runs["accepted"].astype(str).str.lower().isin(["true", "1"]).to_numpy()
    data = []
    for i, name in enumerate(params):
        vals = runs[name].to_numpy(float)
        edges = np.histogram_bin_edges(vals[np.isfinite(vals)], bins=20)
        mids = ((edges[:-1] + edges[1:]) / 2).tolist()
        width = float(edges[1] - edges[0]) if len(edges) > 1 else 1.0
        for label, sel, col in (("prior", vals, "#999"), ("posterior", vals[accepted],
                                                           "#E69F00")):
            dens, _ = np.histogram(sel, bins=edges, density=True)
            data.append({"type": "bar", "x": mids, "y": dens.tolist(), "width": width,
                         "name": label, "legendgroup": label, "showlegend": i == 0,
                         "marker": {"color": col}, "opacity": 0.6, **refs[i]})
    return new_plot("Prior (all runs) and posterior (accepted runs), density", 320, data,
                    barmode="overlay", margin={"t": 64}, **layout)


def calibration_figures(path: str | Path) -> dict[str, go.Figure]:
    """``{"hindcast": …, "posterior": …}`` drawn from the calibration directory ``path``;
    a figure whose CSV is missing or unreadable is left out."""
    p = Path(path)
    meta: dict = {}
    if (p / "calibration.json").is_file():
        try:
            meta = json.loads((p / "calibration.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            meta = {}
    figs: dict[str, go.Figure] = {}
    try:
        h = pd.read_csv(p / "hindcast.csv")
        if {"month", "observed", "median", "low", "high"} <= set(h.columns):
            figs["hindcast"] = _hindcast(h, meta)
    except (OSError, ValueError):
        pass
    try:
        runs = pd.read_csv(p / "runs.csv")
        params = [c for c in (meta.get("prior") or {}) if c in runs.columns]
        if params and "accepted" in runs.columns:
            figs["posterior"] = _posterior(runs, params)
    except (OSError, ValueError):
        pass
    return figs
