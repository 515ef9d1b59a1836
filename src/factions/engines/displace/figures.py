"""Figures drawn from the displacement tables (plotly).

* :func:`stocks_figure` — refugees per host and IDPs over time against the observed
  counts, with a linear/log switch (small hosts are visible on the log scale);
* :func:`flows_figure` — a Sankey diagram of all flows over the period, sources left,
  destinations right, returns in a second colour.
"""

from __future__ import annotations

__all__ = ["stocks_figure", "flows_figure"]

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from factions.report.charts import colour, log_buttons, new_plot


def stocks_figure(stocks: pd.DataFrame, hindcast: pd.DataFrame, title: str) -> go.Figure:
    """Refugees per host and IDPs by month (lines, model) against observed counts
    (open points of the same colour); buttons switch the people axis to a log scale.

    ``stocks`` has columns ``month, location, kind, people``; ``hindcast`` has ``series,
    month, observed``.
    """
    displaced = stocks[stocks["kind"] != "origin"]
    series = displaced.assign(series=np.where(displaced["kind"] == "host",
                                              displaced["location"], "idps"))
    wide = series.groupby(["month", "series"])["people"].sum().unstack("series").sort_index()
    months = [str(m) for m in wide.index]
    colours = {name: colour(k) for k, name in enumerate(wide.columns)}
    data = [{"type": "scatter", "mode": "lines", "x": months, "name": f"{name} (model)",
             "y": wide[name].astype(float).tolist(), "legendgroup": str(name),
             "line": {"color": colours[name]}} for name in wide.columns]
    for name, grp in hindcast.groupby("series", sort=False):
        obs = grp.dropna(subset=["observed"])
        data.append({"type": "scatter", "mode": "markers", "name": f"{name} (observed)",
                     "x": obs["month"].astype(str).to_list(),
                     "y": obs["observed"].astype(float).tolist(), "legendgroup": str(name),
                     "marker": {"color": colours.get(name, "#000"), "size": 8,
                                "symbol": "circle-open", "line": {"width": 2}}})
    fig = new_plot(title, 420, data, hovermode="x unified",
                   yaxis={"title": {"text": "people"}})
    log_buttons(fig)
    return fig


def flows_figure(flows: pd.DataFrame, kinds: dict[str, str], title: str) -> go.Figure:
    """Sankey diagram of the people moved over the whole period: sources on the left,
    destinations on the right (origins first, then IDP settings, then hosts); flight and
    onward moves red, returns (from a host or IDP setting to an origin) green.

    ``flows`` has columns ``month, from, to, people``; ``kinds`` maps each location to
    ``origin``, ``idp`` or ``host``.
    """
    total = flows.groupby(["from", "to"])["people"].sum()
    total = total[total > 0]
    if total.empty:
        return new_plot(title, 460, annotations=[{
            "text": "no movement", "showarrow": False, "x": 0.5, "y": 0.5, "xref": "paper",
            "yref": "paper"}])
    rank = {"origin": 0, "idp": 1, "host": 2}
    order = sorted(kinds, key=lambda k: (rank.get(kinds[k], 3), k))
    out_sum = total.groupby(level="from").sum()
    in_sum = total.groupby(level="to").sum()
    left = [n for n in order if n in out_sum.index]
    right = [n for n in order if n in in_sum.index]
    idx_l = {n: i for i, n in enumerate(left)}
    idx_r = {n: len(left) + i for i, n in enumerate(right)}
    labels = ([f"{n} {out_sum[n] / 1e3:,.0f}k" for n in left]
              + [f"{n} {in_sum[n] / 1e3:,.0f}k" for n in right])
    ret = [kinds.get(b) == "origin" and kinds.get(a) != "origin" for a, b in total.index]
    sankey = {"type": "sankey", "arrangement": "snap", "valueformat": ",.0f",
              "node": {"label": labels, "pad": 12, "thickness": 14, "color": "#555"},
              "link": {"source": [idx_l[a] for a, _ in total.index],
                       "target": [idx_r[b] for _, b in total.index],
                       "value": total.astype(float).to_list(),
                       "color": ["rgba(0,158,115,0.45)" if r else "rgba(213,94,0,0.4)"
                                 for r in ret],
                       "customdata": [f"{a} → {b}" for a, b in total.index],
                       "hovertemplate": "%{customdata}: %{value} people<extra></extra>"}}
    return new_plot(title, 460, [sankey], annotations=[{
        "text": "red: flight and onward moves; green: returns; labels: thousands moved",
        "showarrow": False, "x": 0.5, "y": -0.06, "xref": "paper", "yref": "paper",
        "font": {"size": 9, "color": "#555"}}])
