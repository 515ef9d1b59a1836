"""Figures of the bargain engine (plotly), drawn from its forecasts.

* :func:`scale_figure` — actors on the issue scale (marker area ~ capability x salience)
  and every model's outcome, with the default model's interval shaded;
* :func:`trajectory_figure` — positions over the rounds of each dynamic model of one
  issue, one panel per model.
"""

from __future__ import annotations

__all__ = ["scale_figure", "trajectory_figure"]

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import plotly.graph_objects as go

from factions.report.charts import colour, new_plot, panels

if TYPE_CHECKING:  # pragma: no cover
    from factions.engines.bargain.engine import IssueForecast


def scale_figure(it: IssueForecast) -> go.Figure:
    """Actors on the issue scale (marker area ~ capability x salience, hover gives the
    weight) and each model's outcome as a vertical line; the default model's interval
    shaded."""
    d = it.data
    order = np.argsort(d.position, kind="stable")
    names = [str(d.names[k]) for k in order]
    w = d.weight / d.weight.max()
    data = [{"type": "scatter", "mode": "markers", "name": "actors",
             "x": d.position[order].astype(float).tolist(), "y": names,
             "customdata": d.weight[order].astype(float).tolist(),
             "marker": {"size": (6 + 22 * np.sqrt(w[order])).tolist(), "color": "#0072B2",
                        "opacity": 0.6},
             "hovertemplate": "%{y}: position %{x:.1f}, weight %{customdata:.3g}"
                              "<extra></extra>"}]
    shapes = []
    if it.distribution is not None:
        u = it.distribution
        shapes.append({"type": "rect", "xref": "x", "yref": "paper", "x0": float(u.low),
                       "x1": float(u.high), "y0": 0, "y1": 1, "fillcolor": "#bbb",
                       "opacity": 0.35, "line": {"width": 0}, "layer": "below"})
        data.append({"type": "scatter", "mode": "lines", "x": [None], "y": [None],
                     "hoverinfo": "skip", "line": {"color": "#ccc", "width": 8},
                     "name": f"{u.model} {int(100 * u.level)} % interval "
                             f"{u.low:.1f}–{u.high:.1f}"})  # the shaded band's legend entry
    for k, (name, f) in enumerate(it.forecasts.items()):
        data.append({"type": "scatter", "mode": "lines", "name": f"{name} {f.outcome:.1f}",
                     "x": [float(f.outcome)] * 2, "y": [names[0], names[-1]],
                     "line": {"color": colour(k + 1), "dash": "dash", "width": 1.5},
                     "hovertemplate": f"{name}: %{{x:.1f}}<extra></extra>"})
    return new_plot(it.name, int(120 + 17 * d.n), data, shapes=shapes,
                    xaxis={"range": [float(v) for v in d.scale],
                           "title": {"text": "position"}},
                    yaxis={"tickfont": {"size": 9}, "type": "category"},
                    legend={"font": {"size": 9}})


def trajectory_figure(it: IssueForecast, models: Sequence[str] | None = None) -> go.Figure:
    """Every actor's position over the rounds of each dynamic model of the issue (one
    panel per model, default: the models that ran rounds) and the model's outcome (black);
    an actor keeps its colour across panels and the legend toggles it in all of them.
    Positions are rounded to a thousandth of the issue scale."""
    models = [m for m in (models or it.forecasts) if it.forecasts[m].rounds > 0]
    layout, refs = panels(1, max(1, len(models)), share_y=True, titles=models, hspace=0.03)
    lo, hi = (float(v) for v in it.data.scale)
    decimals = max(0, int(np.ceil(3 - np.log10(hi - lo or 1.0))))  # 1/1000 of the scale
    data = []
    for c, model in enumerate(models):
        f = it.forecasts[model]
        traj = np.round(np.asarray(f.trajectory, float), decimals)
        for k, name in enumerate(f.names):  # x left out: plotly numbers points 0, 1, ...
            data.append({"type": "scatter", "mode": "lines", "y": traj[:, k].tolist(),
                         "name": str(name), "legendgroup": str(name), "showlegend": c == 0,
                         "line": {"width": 1, "color": colour(k)}, **refs[c]})
        data.append({"type": "scatter", "mode": "lines",
                     "y": np.round(np.asarray(f.outcomes, float), decimals).tolist(),
                     "name": "outcome",
                     "legendgroup": "outcome", "showlegend": c == 0,
                     "line": {"color": "#000", "width": 2.5}, **refs[c]})
        sfx = "" if c == 0 else str(c + 1)
        layout[f"xaxis{sfx}"]["title"] = {"text": "round"}
    layout["yaxis"].update(range=[lo, hi], title={"text": "position"})
    return new_plot(f"{it.name}: positions by round", 380, data,
                    legend={"font": {"size": 9}}, **layout)
