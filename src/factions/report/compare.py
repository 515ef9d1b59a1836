"""Cross-scenario figures: every metric a claim tests, one figure, a line (or bar) per
scenario (plotly).

With several replicas the lines are means over replicas and the shaded bands their 5–95 %
range (a fan chart); scalar metrics are bars with the range over replicas as error bars.
Scenarios that no claim on the metric names start hidden (a click on the legend shows
them); the first scenario is always shown. The observation that declares it measures the
metric (``compares:``) is drawn dotted black on a second axis.
"""

from __future__ import annotations

__all__ = ["compare_figures", "claim_metrics"]

import numpy as np
import plotly.graph_objects as go

from factions.report.charts import colour, new_plot, rgba


def claim_metrics(scenario) -> list[str]:
    """Metrics named by the scenario's claims, in order of first use."""
    seen: list[str] = []
    for c in scenario.claims:
        if c.test is not None and c.test.metric and c.test.metric not in seen:
            seen.append(c.test.metric)
    return seen


def _claimed_scenarios(scenario, metric: str) -> set[str]:
    out = set()
    for c in scenario.claims:
        if c.test is not None and c.test.metric == metric:
            out |= {s.scenario for s in (c.test.lhs, c.test.rhs) if s.scenario is not None}
    return out


#: engine metric -> the quantity observations declare for it (``compares:``), and whether
#: the metric's last name part is the location
_OBSERVED_AS = {"ground.deaths": ("ground.deaths", False),
                "displace.refugees": ("displace.stock", True),
                "displace.idps": ("displace.idps", False),
                "displace.returns": ("displace.returns", True)}


def _observation_for(scenario, metric: str):
    """The observation that declares it measures ``metric`` (``compares:``), if any:
    ``ground.deaths`` ↔ ``compares: ground.deaths`` (national), ``displace.refugees.<host>``
    ↔ ``compares: displace.stock`` at ``<host>``, ``displace.idps`` ↔ ``displace.idps``."""
    head, _, last = metric.rpartition(".")
    for name, location in ((metric, None), (head, last)):
        found = _OBSERVED_AS.get(name)
        if found is None or found[1] != (location is not None):
            continue
        for o in scenario.observations_of(found[0], location):
            if o.region is None:
                return o
    return None


def _monthly(sel, ids: list[str], first: str, shown: set[str], months) -> list[dict]:
    grouped = sel.dropna(subset=["month"]).groupby(["scenario", "month"])["value"]
    mean = grouped.mean().unstack("scenario")
    fan = sel["seed"].nunique() > 1 if "seed" in sel else False
    if fan:
        low = grouped.quantile(0.05).unstack("scenario")
        high = grouped.quantile(0.95).unstack("scenario")
    known = set(months)
    data = []
    for k, sid in enumerate(ids):
        if sid not in mean:
            continue
        col = mean[sid].dropna()
        col = col[[m in known for m in col.index]]
        x = [str(m) for m in col.index]
        c = colour(k)
        common = {"type": "scatter", "mode": "lines", "x": x, "legendgroup": sid,
                  "visible": True if (sid == first or sid in shown) else "legendonly"}
        if fan:
            data.append({**common, "y": high[sid].reindex(col.index).astype(float).to_list(),
                         "line": {"width": 0}, "showlegend": False, "hoverinfo": "skip"})
            data.append({**common, "y": low[sid].reindex(col.index).astype(float).to_list(),
                         "line": {"width": 0}, "fill": "tonexty", "fillcolor": rgba(c, 0.13),
                         "showlegend": False, "hoverinfo": "skip"})
        data.append({**common, "y": col.astype(float).to_list(), "name": sid,
                     "line": {"color": c, "width": 2.4 if sid == first else 1.3}})
    return data


def compare_figures(run, max_scenarios: int = 12) -> dict[str, go.Figure]:
    """One plotly figure per claimed metric (monthly: lines over time; scalar: bars by
    scenario), keyed by metric."""
    m = run.metrics
    if m is None or m.empty:
        return {}
    figs = {}
    months = run.scenario.months()
    first = run.scenario_ids[0]
    wanted = claim_metrics(run.scenario)
    groups = dict(tuple(m[m["metric"].isin(wanted)].groupby("metric", sort=False)))
    for metric in (w for w in wanted if w in groups):
        sel = groups[metric]
        present = set(sel["scenario"].unique())
        ids = [s for s in run.scenario_ids if s in present][:max_scenarios]
        shown = _claimed_scenarios(run.scenario, metric)
        layout: dict = {"hovermode": "x unified",
                        "legend": {"font": {"size": 10}, "orientation": "h", "y": -0.12}}
        if sel["month"].notna().any():
            data = _monthly(sel, ids, first, shown, months)
            obs = _observation_for(run.scenario, metric)
            pts = [] if obs is None else sorted(
                (mo, float(v)) for mo, v in obs.series.items() if mo in set(months))
            if pts:
                data.append({"type": "scatter", "mode": "lines+markers", "yaxis": "y2",
                             "x": [p[0] for p in pts], "y": [p[1] for p in pts],
                             "name": f"observed {obs.id}", "marker": {"size": 4},
                             "line": {"color": "#000", "dash": "dot", "width": 1.2}})
                layout["yaxis2"] = {"overlaying": "y", "side": "right", "showgrid": False,
                                    "title": {"text": str(obs.unit)}}
        else:
            vals = sel.groupby("scenario")["value"].agg(["mean", "min", "max"]).reindex(ids)
            hi = np.clip(np.nan_to_num((vals["max"] - vals["mean"]).to_numpy(float)), 0, None)
            lo = np.clip(np.nan_to_num((vals["mean"] - vals["min"]).to_numpy(float)), 0, None)
            data = [{"type": "bar", "x": ids, "y": vals["mean"].astype(float).to_list(),
                     "showlegend": False,
                     "marker": {"color": [colour(0) if s in shown or s == first else "#9bb"
                                          for s in ids]},
                     "error_y": {"type": "data", "array": hi.tolist(), "arrayminus": lo.tolist(),
                                 "visible": bool(hi.any() or lo.any())}}]
            layout["hovermode"] = "closest"
        fig = new_plot(metric, 420, data, **layout)
        figs[metric] = fig
    return figs
