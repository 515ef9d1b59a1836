"""Figures of evolving ties (plotly), drawn from a :class:`~factions.engines.channels.TieSeries`.

* :func:`blocs_by_month_figure` — each actor's bloc in every month (a heat map: actors by
  months, blocs matched from month to month), the dynamics' first month and shocks marked;
* :func:`typed_vs_emergent_figure` — the ties the dynamics moved most: the emergent tie
  (solid) beside the typed one (dotted) month by month;
* :func:`network_steps_figure` — the network every few months (a slider), ties coloured by
  what set them: data (fixed), a shock, or the dynamics (free).
"""

from __future__ import annotations

__all__ = ["evolution_figures", "blocs_by_month_figure", "typed_vs_emergent_figure",
           "network_steps_figure"]

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go

from factions.engines.channels import TieSeries

_BLOC = ("#4C72B0", "#DD8452", "#55A868", "#8172B3", "#937860", "#DA8BC3")
_CLASS = {"data": ("fixed (data)", "#9a9a9a"), "shock": ("set by a shock", "#E08E0B"),
          "free+": ("free, positive", "#2E8B57"), "free-": ("free, negative", "#C44E52")}


def evolution_figures(ts: TieSeries, monthly_blocs: Mapping[str, Mapping[str, int]],
                      scenario_id: str, marks: Sequence[tuple[str, str]] = ()) -> dict:
    """The three figures of a dynamic scenario, by name."""
    start = int(np.argmax(ts.free.any(axis=(1, 2)))) if ts.free.any() else 0
    return {
        "blocs_by_month": blocs_by_month_figure(
            ts, monthly_blocs, f"{scenario_id}: blocs by month ({ts.model} dynamics from "
                               f"{ts.months[start]})", marks),
        "ties_typed_vs_emergent": typed_vs_emergent_figure(
            ts, f"{scenario_id}: ties the dynamics moved most (solid) against their typed "
                "values (dotted)"),
        "network_evolution": network_steps_figure(
            ts, monthly_blocs, f"{scenario_id}: the network as it evolves"),
    }


def _matched(ts: TieSeries, monthly_blocs) -> np.ndarray:
    """(n, T) bloc of each actor by month, renumbered to overlap the month before most."""
    from factions.engines.align.engine import match_blocs

    out = np.full((len(ts.actors), len(ts.months)), np.nan)
    prev = None
    for k, mo in enumerate(ts.months):
        labels = dict(monthly_blocs.get(mo, {}))
        if not labels:
            continue
        labels = labels if prev is None else match_blocs(prev, labels)
        prev = labels
        for i, a in enumerate(ts.actors):
            if a in labels:
                out[i, k] = labels[a]
    return out


def blocs_by_month_figure(ts: TieSeries, monthly_blocs, title: str,
                          marks: Sequence[tuple[str, str]] = ()) -> go.Figure:
    """Heat map of the bloc of every actor (rows) in every month (columns); blank: the
    actor has no tie that month. Dashed lines: the dynamics' first month and shocks."""
    z = _matched(ts, monthly_blocs)
    k = int(np.nanmax(z)) + 1 if np.isfinite(z).any() else 1
    scale = []
    for b in range(k):
        c = _BLOC[b % len(_BLOC)]
        scale += [[b / k, c], [(b + 1) / k, c]]
    fig = go.Figure(go.Heatmap(z=z, x=list(ts.months), y=list(ts.actors), zmin=0, zmax=k,
                               colorscale=scale, showscale=False, xgap=1, ygap=1,
                               hovertemplate="%{y} %{x}: bloc %{z}<extra></extra>"))
    start = int(np.argmax(ts.free.any(axis=(1, 2)))) if ts.free.any() else None
    lines = ([(ts.months[start], "dynamics")] if start is not None else []) + list(marks)
    for mo, label in lines:
        if mo in ts.months:  # a categorical axis: a shape and an annotation, not add_vline
            fig.add_shape(type="line", x0=mo, x1=mo, y0=0, y1=1, xref="x", yref="paper",
                          line=dict(dash="dash", color="#444", width=1))
            fig.add_annotation(x=mo, y=1, xref="x", yref="paper", text=label,
                               showarrow=False, yanchor="bottom", font=dict(size=9))
    fig.update_layout(title=title, height=max(320, 16 * len(ts.actors) + 120), width=900,
                      margin=dict(l=130, r=20, t=60, b=50), yaxis_autorange="reversed")
    return fig


def typed_vs_emergent_figure(ts: TieSeries, title: str, top: int = 8) -> go.Figure:
    """The ``top`` ties whose emergent value ends farthest from the typed one."""
    moved = ts.moves()
    moved = moved[moved["by_dynamics"]].head(top)
    fig = go.Figure()
    for c, r in enumerate(moved.itertuples(index=False)):
        colour = _BLOC[c % len(_BLOC)] if c < len(_BLOC) else None
        label = f"{r.a}–{r.b}"
        fig.add_trace(go.Scatter(x=list(ts.months), y=np.round(ts.tie(r.a, r.b), 3),
                                 name=label, legendgroup=label, line=dict(color=colour)))
        fig.add_trace(go.Scatter(x=list(ts.months), y=np.round(ts.tie(r.a, r.b, typed=True), 3),
                                 name=f"{label} typed", legendgroup=label, showlegend=False,
                                 line=dict(color=colour, dash="dot")))
    fig.update_layout(title=title, yaxis=dict(title="tie weight", range=[-1.05, 1.05]),
                      height=420, width=900, margin=dict(l=60, r=20, t=60, b=50))
    return fig


def _layout(ts: TieSeries) -> np.ndarray:
    """Actors placed by classical scaling of tie distances (1 - mean tie over the months):
    allies close, enemies apart; the same place in every step. Deterministic."""
    w = ts.weights.mean(axis=0)
    d = 1.0 - w
    np.fill_diagonal(d, 0.0)
    n = d.shape[0]
    j = np.eye(n) - 1.0 / n
    vals, vecs = np.linalg.eigh(-0.5 * j @ (d ** 2) @ j)
    top = np.argsort(vals)[::-1][:2]
    x = vecs[:, top] * np.sqrt(np.clip(vals[top], 1e-12, None))
    for c in range(2):
        if x[0, c] < 0:
            x[:, c] = -x[:, c]
    return np.round(x / (np.abs(x).max() or 1.0), 3)


def network_steps_figure(ts: TieSeries, monthly_blocs, title: str, every: int = 3
                         ) -> go.Figure:
    """The network every ``every`` months from the month before the dynamics start (a
    slider step each): nodes coloured by bloc, ties by what set them (see module docs)."""
    pos = _layout(ts)
    free_any = ts.free.any(axis=(1, 2))
    first = max(int(np.argmax(free_any)) - 1, 0) if free_any.any() else 0
    picks = list(range(first, len(ts.months), every))
    if picks[-1] != len(ts.months) - 1:
        picks.append(len(ts.months) - 1)
    blocs = _matched(ts, monthly_blocs)
    n = len(ts.actors)
    iu, ju = np.triu_indices(n, 1)
    fig = go.Figure()
    per_step = len(_CLASS) + 1
    for s, k in enumerate(picks):
        w = ts.weights[k, iu, ju]
        cls = np.where(ts.shocked[k, iu, ju], "shock",
                       np.where(ts.free[k, iu, ju], np.where(w > 0, "free+", "free-"), "data"))
        for key, (name, colour) in _CLASS.items():
            sel = (cls == key) & (np.abs(w) >= 0.05)
            xs = np.column_stack([pos[iu[sel], 0], pos[ju[sel], 0], np.full(sel.sum(), np.nan)])
            ys = np.column_stack([pos[iu[sel], 1], pos[ju[sel], 1], np.full(sel.sum(), np.nan)])
            fig.add_trace(go.Scatter(x=xs.ravel(), y=ys.ravel(), mode="lines", name=name,
                                     line=dict(color=colour, width=1.2), opacity=0.6,
                                     hoverinfo="skip", visible=s == len(picks) - 1,
                                     legendgroup=key, showlegend=s == len(picks) - 1))
        colours = [_BLOC[int(b) % len(_BLOC)] if np.isfinite(b) else "#cccccc"
                   for b in blocs[:, k]]
        fig.add_trace(go.Scatter(x=pos[:, 0], y=pos[:, 1], mode="markers+text",
                                 text=list(ts.actors), textposition="top center",
                                 textfont=dict(size=8), marker=dict(size=11, color=colours),
                                 name="actors (colour: bloc)", hoverinfo="text",
                                 visible=s == len(picks) - 1, showlegend=False))
    steps = []
    for s, k in enumerate(picks):
        vis = [False] * (per_step * len(picks))
        vis[s * per_step:(s + 1) * per_step] = [True] * per_step
        steps.append(dict(method="update", label=ts.months[k], args=[{"visible": vis}]))
    fig.update_layout(title=title, height=620, width=900, margin=dict(l=20, r=20, t=60, b=20),
                      xaxis=dict(visible=False), yaxis=dict(visible=False, scaleanchor="x"),
                      sliders=[dict(active=len(picks) - 1, steps=steps,
                                    currentvalue=dict(prefix="month "))])
    return fig
