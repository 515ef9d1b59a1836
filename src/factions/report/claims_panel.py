"""The claims section of the report: a tally, a summary table and a panel per claim.

Each claim's panel (``<section class="claim" id="claim-<id>" data-claim="<id>">``) shows
its quote, its test (the comparison), the median of each side and of lhs − rhs, its
verdict and probability, and — when the run has several replicas — the distribution of
lhs − rhs over the replicas (one plotly figure, the side where the claim holds shaded). It links to the
figure of the claim's metric in "Scenarios compared" (its inputs, scenario by scenario).

Columns that later versions of the claims table may carry are shown when present and
left out otherwise: ``grade`` (observed / inferred / model / encoded, a badge), ``p_low``
and ``p_high`` (an interval of P(holds)), ``driver`` (the input the verdict depends on
most), ``p_null`` and ``flip`` (see :func:`factions.run.verdicts.judge`), and any other
column beyond :data:`factions.run.claims.CLAIM_COLUMNS` as a labelled value. A per-claim
drivers table (a frame with a ``claim`` column, passed as ``drivers``: the report takes
it from ``RunResults.verdicts``) is shown under its claim.
"""

from __future__ import annotations

__all__ = ["claims_section", "claims_tally", "claim_distribution"]

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from factions.report.charts import new_plot
from factions.report.embed import PlotRegistry
from factions.report.layout import esc, fmt, table_html
from factions.run.claims import CLAIM_COLUMNS

#: Optional claim columns with their own place in the panel.
_KNOWN_EXTRA = ("grade", "p_low", "p_high", "driver")
#: Labels of other optional columns (any other column is shown under its own name).
_LABELS = {"p_null": "P(holds), null model", "flip": "verdict flips"}
#: Operators and the side of lhs − rhs where the claim holds.
_HOLDS_ABOVE = {">": True, ">=": True, "<": False, "<=": False}


def _kind(verdict: str, flag: str = "") -> str:
    if flag:
        return "other"
    return "holds" if verdict.startswith("holds") else (
        "fails" if verdict.startswith("fails") else "other")


def claims_tally(claims: pd.DataFrame) -> str:
    """One line: how many claims hold, fail, are uncertain, untested or untestable."""
    if claims.empty:
        return ""
    first = claims["verdict"].astype(str).str.split(r"[ :]", n=1, regex=True).str[0]
    counts = first.value_counts()
    order = ["holds", "fails", "uncertain", "encoded", "not", "untestable"]
    label = {"holds": "hold", "fails": "fail", "not": "not tested",
             "encoded": "encoded (hold or fail by construction)"}
    items = [f"<b>{counts[k]}</b> {label.get(k, k)}" for k in order if k in counts]
    return f"<p class=tally>{len(claims)} claims: " + " · ".join(items) + "</p>"


def claim_distribution(claim: str, op: str, reps: pd.DataFrame) -> go.Figure:
    """lhs − rhs in every replica of one claim: a histogram, each replica as a tick below
    it (hover: seed, both sides), zero marked and the side where the claim holds shaded.

    ``reps`` has the columns of :func:`factions.run.claims.claim_replicas`.
    """
    m = reps["margin"].to_numpy(float)
    fig = new_plot(f"lhs − rhs over {len(m)} replicas", height=230, bargap=0.05,
                   showlegend=False, margin={"l": 48, "r": 12, "t": 34, "b": 36})
    fig.add_trace(go.Histogram(x=m, marker={"color": "#8fb4d6"}, name="replicas",
                               hovertemplate="%{x}: %{y} replicas<extra></extra>",
                               nbinsx=min(30, max(5, len(m) // 2))))
    seeds = reps["seed"].to_numpy(float)
    text = [f"{'seed ' + str(int(s)) if np.isfinite(s) else 'replica ' + str(r)}: "
            f"lhs {fmt(a)}, rhs {fmt(b)}" for s, r, a, b in
            zip(seeds, reps["replica"], reps["lhs"], reps["rhs"], strict=True)]
    fig.add_trace(go.Scatter(x=m, y=np.zeros(len(m)), mode="markers", text=text,
                             hoverinfo="text", yaxis="y2",
                             marker={"symbol": "line-ns-open", "size": 12,
                                     "color": np.where(reps["holds"], "#2e8b2e", "#b22")}))
    lo, hi = float(min(m.min(), 0)), float(max(m.max(), 0))
    pad = 0.05 * (hi - lo or abs(hi) or 1.0)
    above = _HOLDS_ABOVE.get(op, True)
    fig.add_vrect(x0=0, x1=hi + pad if above else lo - pad, fillcolor="#2e8b2e",
                  opacity=0.07, line_width=0, layer="below")
    fig.add_vline(x=0, line={"color": "#000", "width": 1})
    fig.update_layout(xaxis={"range": [lo - pad, hi + pad], "title": {"text":
                             f"lhs − rhs (claim holds {'right' if above else 'left'} of 0)"}},
                      yaxis={"title": {"text": "replicas"}, "domain": [0.18, 1]},
                      yaxis2={"domain": [0, 0.12], "visible": False, "range": [-1, 1]})
    return fig


def _uses_model(claim) -> bool:
    t = claim.test if claim is not None else None
    return t is not None and (t.lhs.scenario is not None or t.rhs.scenario is not None)


def _extra_items(row: pd.Series) -> list[tuple[str, str]]:
    items = []
    if "driver" in row and _present(row["driver"]):
        items.append(("driver", esc(row["driver"])))
    for col, v in row.items():
        if col in CLAIM_COLUMNS or col in _KNOWN_EXTRA or not _present(v):
            continue
        items.append((esc(_LABELS.get(col, col)), esc(fmt(v))))
    return items


def _present(v) -> bool:
    if v is None:
        return False
    if isinstance(v, float) and np.isnan(v):
        return False
    return str(v) != ""


def _p_text(row: pd.Series) -> str:
    if not _present(row.get("p_holds")):
        return ""
    text = f"{row['p_holds']:.2f}"
    if _present(row.get("p_low")) and _present(row.get("p_high")):
        text += f" (90 % interval {row['p_low']:.2f}–{row['p_high']:.2f})"
    return text


def _panel(row: pd.Series, claim, reps: pd.DataFrame, drivers: pd.DataFrame | None,
           plots: PlotRegistry, metric_anchor: dict[str, str]) -> str:
    verdict = str(row["verdict"])
    flag = str(row.get("flag") or "")
    kind = _kind(verdict, flag)
    cid = str(row["claim"])
    badges = f"<span class='badge {kind}'>{esc(verdict)}</span>"
    if "grade" in row and _present(row["grade"]):
        badges += f"<span class='badge grade'>{esc(row['grade'])}</span>"
    items = []
    if _present(row.get("test")):
        items.append(("test", f"<code>{esc(row['test'])}</code>"))
        items.append(("lhs, rhs (median)", f"{esc(fmt(row['lhs']))}, {esc(fmt(row['rhs']))}"))
        items.append(("lhs − rhs (median)", esc(fmt(row["difference"]))))
    p = _p_text(row)
    if p:
        items.append(("P(holds)", f"{esc(p)} over {int(row['replicas'])} replica(s)"))
    if flag:
        items.append(("flag", esc(flag)))
    items += _extra_items(row)
    metric = claim.test.metric if claim is not None and claim.test is not None else None
    if metric and metric in metric_anchor:
        items.append(("inputs", f"<a href='#{metric_anchor[metric]}'>{esc(metric)} by "
                                "scenario</a>"))
    dl = "<dl>" + "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in items) + "</dl>"
    figure = ""
    if len(reps) > 1 and claim is not None and claim.test is not None:
        figure = plots.card(f"claim-{cid}", claim_distribution(cid, claim.test.op, reps))
    elif len(reps) == 1 and _uses_model(claim):
        figure = ("<p class=meta>One replica: no distribution to show (run with "
                  "<code>--replicas N</code>).</p>")
    elif len(reps) == 1:
        figure = "<p class=meta>A test of observations alone: one value, no replicas.</p>"
    table = ""
    if drivers is not None and not drivers.empty and "claim" in drivers:
        mine = drivers[drivers["claim"] == cid].drop(columns="claim")
        if not mine.empty:
            table = "<h4>Drivers</h4>" + table_html(mine, max_rows=20)
    return (f"<section class='claim claim-{kind}' id='claim-{esc(cid)}' "
            f"data-claim='{esc(cid)}' data-verdict='{kind}'>"
            f"<h3>{esc(cid)}{badges}</h3><blockquote>{esc(row['quote'])}</blockquote>"
            f"<div class=grid2><div>{dl}{table}</div><div>{figure}</div></div></section>")


def _summary_table(claims: pd.DataFrame) -> str:
    head = "<tr><th>claim</th><th>verdict</th><th>P(holds)</th><th>lhs − rhs</th>"
    grade = "grade" in claims.columns
    head += "<th>grade</th></tr>" if grade else "</tr>"
    rows = []
    for _, c in claims.iterrows():
        kind = _kind(str(c["verdict"]), str(c.get("flag") or ""))
        cells = (f"<td><a href='#claim-{esc(c['claim'])}'>{esc(c['claim'])}</a></td>"
                 f"<td class={kind}>{esc(c['verdict'])}</td><td>{esc(_p_text(c))}</td>"
                 f"<td>{esc(fmt(c['difference']))}</td>")
        if grade:
            cells += f"<td>{esc(c['grade'] if _present(c['grade']) else '')}</td>"
        rows.append(f"<tr>{cells}</tr>")
    return f"<table class=claims-summary>{head}{''.join(rows)}</table>"


def claims_section(claims: pd.DataFrame, scenario, replicas: pd.DataFrame,
                   plots: PlotRegistry, metric_anchor: dict[str, str] | None = None,
                   drivers: pd.DataFrame | None = None, note: str = "") -> str:
    """The whole claims section: tally, ``note``, summary table and one panel per claim.

    ``replicas`` is :func:`factions.run.claims.claim_replicas` of the run;
    ``metric_anchor`` maps a metric to the id of its figure in the page.
    """
    head = "<h2 id=claims>Claims</h2>"
    if claims.empty:
        return head + "<p>This scenario states no claims.</p>"
    by_id = {c.id: c for c in scenario.claims}
    groups = dict(tuple(replicas.groupby("claim", sort=False))) if not replicas.empty else {}
    empty = pd.DataFrame(columns=replicas.columns)
    panels = [_panel(row, by_id.get(row["claim"]), groups.get(row["claim"], empty), drivers,
                     plots, metric_anchor or {}) for _, row in claims.iterrows()]
    return (head + claims_tally(claims) + note + _summary_table(claims)
            + "<div class=claims>" + "".join(panels) + "</div>")
