"""Figures of the scenario digest (plotly), drawn from its tables: the forces over time
with the shocks marked, and every observed series."""

from __future__ import annotations

__all__ = ["timeline_figure", "observations_figure"]

from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go

from factions.report.charts import log_buttons, mark_months, new_plot


def timeline_figure(timeline: pd.DataFrame, shocks: pd.DataFrame, title: str
                    ) -> go.Figure | None:
    """Strength of every force (``forces.<id>`` columns of ``timeline``, indexed by month)
    with each shock's month marked; ``None`` when the scenario has no forces."""
    forces = [c for c in timeline.columns if c.startswith("forces.")]
    if not forces:
        return None
    months = [str(m) for m in timeline.index]
    data = [{"type": "scatter", "mode": "lines", "x": months, "name": c.removeprefix("forces."),
             "y": timeline[c].astype(float).to_list()} for c in forces]
    fig = new_plot(title, 360, data, hovermode="x unified",
                   yaxis={"title": {"text": "strength"}})
    mark_months(fig, [(str(m), str(s)) for m, s in zip(shocks["month"], shocks["shock"],
                                                      strict=True)], months)
    return fig


def observations_figure(observations: pd.DataFrame, months: Sequence[str]) -> go.Figure | None:
    """Every observed series within ``months`` (log scale by default; a button switches
    to linear); ``None`` when there are none. ``observations`` has columns
    ``observation, month, value, unit``."""
    obs = observations[observations["month"].isin(set(months))]
    if obs.empty:
        return None
    data = []
    for oid, grp in obs.groupby("observation", sort=False):
        unit = str(grp["unit"].iloc[0]) if "unit" in grp else ""
        data.append({"type": "scatter", "mode": "lines+markers" if len(grp) < 12 else "lines",
                     "x": grp["month"].astype(str).to_list(), "name": str(oid),
                     "y": grp["value"].astype(float).to_list(), "marker": {"size": 5},
                     "hovertemplate": f"{oid}: %{{y:,.4g}} {unit}<extra></extra>"})
    fig = new_plot("Observations", 380, data)
    log_buttons(fig, log_first=True)
    return fig
