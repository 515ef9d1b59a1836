"""What the page shows of an answer: the claims table and the main plots (plotly).

The plots are the dashboard's own, drawn from the metrics: for every metric a tested claim
names, its monthly value in each named scenario the claims compare on it, the what-if in
bold, the starting scenario as written dashed, and the observations that declare they
measure that metric.
"""

from __future__ import annotations

__all__ = ["claims_table", "metric_figures", "CLAIM_VIEW_COLUMNS"]

import math

import pandas as pd
from dash import dcc, html

from factions.dashboard.answer import Answer

#: columns of the claims table, in order; optional ones are shown when present
CLAIM_VIEW_COLUMNS = [("claim", "claim"), ("test", "test"), ("lhs", "lhs"), ("rhs", "rhs"),
                      ("difference", "difference"), ("p_holds", "P(holds)"),
                      ("p_low", "P low"), ("p_high", "P high"), ("grade", "grade"),
                      ("verdict", "what-if verdict"), ("as_written", "as written"),
                      ("driver", "driver"), ("flag", "flag")]
_OPTIONAL = {"p_low", "p_high", "grade", "driver"}


def _fmt(v) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "–"
    if isinstance(v, float):
        return f"{v:.4g}"
    return str(v)


def _verdict_class(v: str) -> str:
    head = str(v).split(" ", 1)[0].rstrip(":")
    return f"verdict v-{head}"


def claims_table(claims: pd.DataFrame) -> html.Div:
    """The tested claims as a table (changed verdicts marked), the untestable ones below."""
    tested = claims[~claims["verdict"].astype(str).str.startswith("untestable")]
    untestable = claims[claims["verdict"].astype(str).str.startswith("untestable")]
    cols = [(c, t) for c, t in CLAIM_VIEW_COLUMNS
            if c in claims.columns or c not in _OPTIONAL]
    head = html.Thead(html.Tr([html.Th(t) for _, t in cols]))
    rows = []
    for _, r in tested.iterrows():
        cells = []
        for c, _ in cols:
            v = r.get(c, "")
            cls = _verdict_class(v) if c in ("verdict", "as_written") else None
            title = str(r["quote"]) if c == "claim" else None
            cells.append(html.Td(_fmt(v), className=cls, title=title))
        rows.append(html.Tr(cells, className="changed" if r.get("changed") else None,
                            **{"data-claim": str(r["claim"]),
                               "data-verdict": str(r["verdict"])}))
    n_changed = int(tested["changed"].sum()) if "changed" in tested else 0
    parts = [html.P(f"{len(tested)} tested claims; {n_changed} differ from the file as "
                    "written (marked).", id="claims-summary"),
             html.Table([head, html.Tbody(rows)], className="claims")]
    if len(untestable):
        parts.append(html.Details([
            html.Summary(f"{len(untestable)} claims the scenario cannot test"),
            html.Ul([html.Li(f"{r['claim']}: {r['verdict']}") for _, r in untestable.iterrows()])
        ]))
    return html.Div(parts)


def _claimed(ans: Answer) -> dict[str, list[str]]:
    """``{metric: [scenario ids its tested claims compare]}`` in the what-if variant."""
    out: dict[str, list[str]] = {}
    for c in ans.spec.variant.claims:
        t = c.test
        if t is None or not t.metric:
            continue
        ids = out.setdefault(t.metric, [])
        for side in (t.lhs, t.rhs):
            if side.scenario is not None and side.scenario not in ids:
                ids.append(side.scenario)
    return out


def _series(metrics: pd.DataFrame, metric: str, sid: str) -> pd.Series:
    sel = metrics[(metrics["metric"] == metric) & (metrics["scenario"] == sid)]
    if sel.empty:
        return pd.Series(dtype=float)
    return sel.groupby("month", dropna=False)["value"].mean()


def _figure(ans: Answer, metric: str, ids: list[str]) -> dict | None:
    """A plotly figure as a plain dict (drawn in the browser; no server-side validation)."""
    wid, start = ans.spec.what_if_id, ans.spec.request.start
    traces = []
    lines = [(sid, ans.metrics, sid) for sid in ids]
    lines.append((f"{start} (as written)", ans.written_metrics, start))
    monthly = False
    for label, frame, sid in lines:
        s = _series(frame, metric, sid)
        if s.empty:
            continue
        if s.index.isna().all():
            traces.append({"type": "bar", "x": [label], "y": [float(s.iloc[0])],
                           "name": label})
            continue
        monthly = True
        style = {"width": 3.5, "color": "#1f3b57"} if sid == wid and frame is ans.metrics \
            else {"dash": "dash", "color": "#888", "width": 2} if frame is not ans.metrics \
            else {"width": 1.5}
        traces.append({"type": "scatter", "mode": "lines", "x": [str(m) for m in s.index],
                       "y": [float(v) for v in s.to_numpy()], "name": label, "line": style})
    if not traces:
        return None
    if monthly:
        for obs in ans.spec.variant.observations_of(metric):
            if obs.location is None and obs.region is None:
                months = sorted(obs.series)
                traces.append({"type": "scatter", "mode": "markers", "x": months,
                               "y": [obs.series[m] for m in months],
                               "name": f"observed: {obs.id}",
                               "marker": {"size": 5, "color": "black"}})
    layout = {"title": {"text": metric, "font": {"size": 14}}, "height": 280,
              "margin": {"l": 50, "r": 10, "t": 40, "b": 30}, "uirevision": metric,
              "legend": {"font": {"size": 10}}, "paper_bgcolor": "white",
              "plot_bgcolor": "white", "xaxis": {"gridcolor": "#eee"},
              "yaxis": {"gridcolor": "#eee", "zerolinecolor": "#ddd"}}
    return {"data": traces, "layout": layout}


def metric_figures(ans: Answer) -> list:
    """One graph per metric named by a tested claim, then the engines' plotly figures."""
    graphs = []
    for metric, ids in _claimed(ans).items():
        fig = _figure(ans, metric, ids)
        if fig is not None:
            graphs.append(dcc.Graph(figure=fig, config={"displaylogo": False},
                                    className="plot", id={"kind": "plot", "metric": metric}))
    for name, fig in ans.figures.items():
        graphs.append(html.Div([html.H4(name), dcc.Graph(figure=fig, className="plot")]))
    return graphs
