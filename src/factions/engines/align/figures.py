"""Figures of the alignment engine (plotly), drawn from its tables.

* :func:`network_figure` — the signed network at each snapshot month, one slider step
  per month (actors keep their place: one :func:`network_layout` for every snapshot);
* :func:`frustration_figure` — frustration index and balance by month, shocks marked;
* :func:`power_figure` — seat share and voting power per party.
"""

from __future__ import annotations

__all__ = ["network_layout", "network_figure", "frustration_figure", "power_figure"]

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from factions.report.charts import colour, mark_months, new_plot

#: edge classes: (sign, frustrated) -> name, colour, dash, width
_EDGE = {(1, False): ("positive tie", "#4a8f4a", "solid", 1.2),
         (-1, False): ("negative tie", "#9a9a9a", "dash", 1.0),
         (1, True): ("frustrated positive tie", "#C44E52", "solid", 3.0),
         (-1, True): ("frustrated negative tie", "#C44E52", "dash", 3.0)}
#: decimals of the layout's coordinates in the figure (positions lie in [-1, 1]: 1/200 of the width)
_DECIMALS = 2


def network_layout(snapshot_ties: Mapping[str, pd.DataFrame], iterations: int = 60
                   ) -> dict[str, np.ndarray]:
    """One 2-D position per actor for every snapshot, so that actors stay put.

    Target distances are ``1.5 - w`` for allies, ``2.5 + |w|`` for enemies and 2 for pairs
    without a tie, ``w`` the mean signed weight over the snapshots (``ties`` frames with
    columns ``a, b, sign, weight``). Positions minimise the stress
    ``sum (|x_i - x_j| - d_ij)^2``: classical multidimensional scaling [1]_ as the start,
    then ``iterations`` SMACOF (Guttman transform) steps [2]_ — the same objective as the
    Kamada-Kawai layout, solved in closed-form steps. Deterministic; scaled into
    ``[-1, 1]``.

    Notes
    -----
    Cost: O(n^2) per step for n actors, well under a millisecond for a few dozen.

    References
    ----------
    .. [1] Torgerson, W. S. (1952). Multidimensional scaling: I. Theory and method.
       *Psychometrika* 17(4), 401-419.
    .. [2] de Leeuw, J. (1977). Applications of convex analysis to multidimensional
       scaling. In *Recent Developments in Statistics*, 133-145; Borg, I. & Groenen,
       P. J. F. (2005). *Modern Multidimensional Scaling*, 2nd ed., ch. 8.
    """
    names: dict[str, None] = {}
    total: dict[tuple[str, str], float] = {}
    n_snap = max(1, len(snapshot_ties))
    for ties in snapshot_ties.values():
        for a, b, s, w in zip(ties["a"], ties["b"], ties["sign"], ties["weight"], strict=True):
            names.update({a: None, b: None})
            key = (a, b) if str(a) < str(b) else (b, a)
            total[key] = total.get(key, 0.0) + float(s) * float(w) / n_snap
    order = list(names)
    n = len(order)
    if n < 2:
        return {a: np.zeros(2) for a in order}
    idx = {a: i for i, a in enumerate(order)}
    d = np.full((n, n), 2.0)
    for (a, b), w in total.items():
        d[idx[a], idx[b]] = d[idx[b], idx[a]] = 1.5 - w if w > 0 else 2.5 - w
    np.fill_diagonal(d, 0.0)
    j = np.eye(n) - 1.0 / n
    vals, vecs = np.linalg.eigh(-0.5 * j @ (d ** 2) @ j)
    top = np.argsort(vals)[::-1][:2]
    x = vecs[:, top] * np.sqrt(np.clip(vals[top], 1e-12, None))
    for _ in range(iterations):
        dist = np.sqrt(((x[:, None, :] - x[None, :, :]) ** 2).sum(-1))
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(dist > 0, d / dist, 0.0)
        b_mat = -ratio
        np.fill_diagonal(b_mat, 0.0)
        np.fill_diagonal(b_mat, -b_mat.sum(axis=1))
        x = b_mat @ x / n
    x -= x.mean(axis=0)
    for k in range(2):  # a fixed orientation: the first actor on the positive side
        if x[0, k] < 0:
            x[:, k] = -x[:, k]
    x /= np.abs(x).max() or 1.0
    return {a: x[i] for i, a in enumerate(order)}


def _edge_traces(ties: pd.DataFrame, pos: Mapping[str, np.ndarray], visible: bool
                 ) -> list[dict]:
    """Ties as line segments, one trace per class (sign, frustrated), and one trace of
    invisible midpoints of the frustrated ties carrying their hover text."""
    t = ties[ties["a"].isin(pos.keys()) & ties["b"].isin(pos.keys())]
    sign = np.where(t["sign"].to_numpy() < 0, -1, 1)
    frustrated = t["frustrated"].astype(bool).to_numpy()
    a_xy = np.array([pos[a] for a in t["a"]]).reshape(-1, 2)
    b_xy = np.array([pos[b] for b in t["b"]]).reshape(-1, 2)
    traces = []
    for (sg, fr), (name, col, dash, width) in _EDGE.items():
        sel = (sign == sg) & (frustrated == fr)
        if not sel.any():
            continue
        xs = np.column_stack([a_xy[sel, 0], b_xy[sel, 0], np.full(sel.sum(), np.nan)])
        ys = np.column_stack([a_xy[sel, 1], b_xy[sel, 1], np.full(sel.sum(), np.nan)])
        traces.append({"type": "scatter", "mode": "lines", "name": name, "visible": visible,
                       "x": _coords(xs.ravel()), "y": _coords(ys.ravel()),
                       "hoverinfo": "skip", "showlegend": False,
                       "line": {"color": col, "dash": dash, "width": width}})
    if frustrated.any():
        mid = (a_xy[frustrated] + b_xy[frustrated]) / 2
        f = t[frustrated]
        text = [f"{a} – {b}: {'+' if s > 0 else '−'}{w:.2f}, frustrated"
                for a, b, s, w in zip(f["a"], f["b"], f["sign"], f["weight"], strict=True)]
        traces.append({"type": "scatter", "mode": "markers", "x": _coords(mid[:, 0]),
                       "y": _coords(mid[:, 1]), "text": text, "hoverinfo": "text",
                       "showlegend": False, "visible": visible,
                       "marker": {"size": 8, "opacity": 0}})
    return traces


def _coords(v: np.ndarray) -> list:
    """Rounded coordinates, NaN (a break between segments) as ``None``."""
    r = np.round(np.asarray(v, float), _DECIMALS)
    return [None if np.isnan(x) else float(x) for x in r]


def _node_trace(blocs: pd.DataFrame, pos: Mapping[str, np.ndarray], visible: bool) -> dict:
    b = blocs[blocs["actor"].isin(pos.keys())]
    xy = np.array([pos[a] for a in b["actor"]]).reshape(-1, 2)
    return {"type": "scatter", "mode": "markers+text", "visible": visible,
            "x": _coords(xy[:, 0]), "y": _coords(xy[:, 1]), "text": list(b["actor"]),
            "customdata": [int(k) for k in b["bloc"]],
            "hovertemplate": "%{text}: bloc %{customdata}<extra></extra>",
            "textposition": "top center", "textfont": {"size": 9}, "showlegend": False,
            "marker": {"size": 14, "color": [colour(k) for k in b["bloc"]],
                       "line": {"color": "#fff", "width": 1}}}


def network_figure(snapshots: Sequence[tuple[str, pd.DataFrame, pd.DataFrame, str]],
                   layout: Mapping[str, np.ndarray], title: str = "",
                   show: str | None = None) -> go.Figure:
    """Signed network at each snapshot: nodes coloured by bloc, positive ties solid green,
    negative dashed grey, frustrated ties thick red (hover gives their weight); a slider
    steps through the months in order.

    ``snapshots`` are ``(month, ties, blocs, caption)``: ``ties`` with columns ``a, b,
    sign, weight, frustrated``, ``blocs`` with ``actor, bloc``; the caption becomes the
    title at that step. The month ``show`` (default: the last) is shown first.
    """
    snapshots = sorted(snapshots, key=lambda s: s[0])
    months = [s[0] for s in snapshots]
    active = months.index(show) if show in months else len(months) - 1
    data: list[dict] = []
    blocks = []
    for k, (month, ties, blocs, caption) in enumerate(snapshots):
        start = len(data)
        data += _edge_traces(ties, layout, k == active)
        data.append(_node_trace(blocs, layout, k == active))
        blocks.append((month, start, len(data), caption))
    n = len(data)
    steps = [{"label": month, "method": "update",
              "args": [{"visible": [lo <= i < hi for i in range(n)]}, {"title.text": cap}]}
             for month, lo, hi, cap in blocks]
    return new_plot(
        blocks[active][3] if blocks else title, 560, data,
        xaxis={"visible": False}, yaxis={"visible": False, "scaleanchor": "x"},
        margin={"l": 10, "r": 10, "t": 44, "b": 10},
        sliders=[{"active": active, "steps": steps, "currentvalue": {"prefix": "month "},
                  "pad": {"t": 10}}] if len(steps) > 1 else [],
        annotations=[{"text": "node colour = bloc; solid = positive, dashed = negative tie; "
                      "thick red = frustrated", "xref": "paper", "yref": "paper", "x": 0,
                      "y": 0, "showarrow": False, "font": {"size": 9, "color": "#555"},
                      "xanchor": "left"}])


def frustration_figure(monthly: pd.DataFrame, marks: Sequence[tuple[str, str]] = (),
                       title: str = "") -> go.Figure:
    """Frustration index (left axis) and balance score (right axis) by month, with
    ``(month, label)`` marks (shocks).

    ``monthly`` has columns ``month, frustration, balance``.
    """
    months = monthly["month"].astype(str).to_list()
    data = [{"type": "scatter", "mode": "lines", "x": months, "name": "frustration (L)",
             "y": monthly["frustration"].astype(float).to_list(),
             "line": {"color": "#C44E52", "shape": "hvh"}},
            {"type": "scatter", "mode": "lines", "x": months, "name": "balance 1 − 2L/W",
             "y": monthly["balance"].astype(float).to_list(), "yaxis": "y2",
             "line": {"color": "#0072B2"}}]
    fig = new_plot(title, 360, data, hovermode="x unified",
                   legend={"orientation": "h", "y": -0.18},
                   yaxis={"title": {"text": "frustration (weight of frustrated ties)"}},
                   yaxis2={"title": {"text": "normalised balance"}, "range": [0, 1.02],
                           "overlaying": "y", "side": "right", "showgrid": False})
    mark_months(fig, marks, months)
    return fig


def power_figure(power: pd.DataFrame, title: str) -> go.Figure:
    """Seat share, Banzhaf and Shapley-Shubik index per party (one month), largest first."""
    p = power.sort_values("seats", ascending=False)
    parties = p["party"].astype(str).to_list()
    data = [{"type": "bar", "x": parties, "y": p[col].astype(float).to_list(), "name": label}
            for col, label in (("seat_share", "seat share"), ("banzhaf", "Banzhaf"),
                               ("shapley_shubik", "Shapley-Shubik"))]
    return new_plot(title, 340, data, barmode="group",
                    yaxis={"title": {"text": "share of power"}})
