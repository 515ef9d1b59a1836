"""The report directory: a self-contained ``index.html``, ``results.json`` and CSV tables.

The HTML embeds every figure as a PNG data URI, so the file can be mailed or archived
alone. Tables are written in full as CSV; the HTML shows the first rows of each.
"""

from __future__ import annotations

__all__ = ["write_report", "results_dict"]

import base64
import html
import json
import math
from pathlib import Path

import pandas as pd

from factions import __version__
from factions.report.compare import compare_figures
from factions.report.plots import figure_data_uri
from factions.run.pipeline import RunResults

_MAX_ROWS = 40
#: Figures drawn per engine for scenarios after the first (all are drawn for the first);
#: every table is still written in full as CSV.
_FIGURES_OTHER_SCENARIOS = 1

_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;max-width:1100px;margin:2em auto;
padding:0 1em;color:#222;line-height:1.45}
h1{font-size:1.7em;margin-bottom:.2em} h2{border-bottom:2px solid #ddd;padding-bottom:.2em;margin-top:2em}
h3{margin-top:1.5em;color:#333} table{border-collapse:collapse;font-size:.85em;margin:.6em 0}
td,th{border:1px solid #ddd;padding:3px 7px;vertical-align:top} th{background:#f3f3f3}
tr:nth-child(even){background:#fafafa} .meta{color:#555} .holds{color:#176317;font-weight:600}
.fails{color:#a01010;font-weight:600} .other{color:#8a6d00} img{max-width:100%}
details{margin:.4em 0} summary{cursor:pointer;color:#245}
nav a{margin-right:1em}
"""


def _json_default(o):
    if isinstance(o, float) and (math.isnan(o) or math.isinf(o)):
        return None
    if hasattr(o, "item"):
        return o.item()
    return str(o)


def _clean(o):
    if isinstance(o, float) and (math.isnan(o) or math.isinf(o)):
        return None
    if isinstance(o, dict):
        return {str(k): _clean(v) for k, v in o.items()}
    if isinstance(o, list | tuple):
        return [_clean(v) for v in o]
    if hasattr(o, "item") and not isinstance(o, str):
        return _clean(o.item())
    return o


def results_dict(run: RunResults) -> dict:
    """The run as JSON-ready data (NaN → null)."""
    sc = run.scenario
    return _clean({
        "factions_version": __version__,
        "scenario": {"name": sc.meta.name, "file": sc.file, "start": sc.meta.start,
                     "end": sc.meta.end},
        "scenarios": run.scenario_ids, "engines": run.engines, "seed": run.seed,
        "replicas": run.replicas, "ensemble": run.ensemble_note,
        "claims": run.claims.to_dict(orient="records"),
        "skipped": [{"engine": e, "scenario": s, "reason": w} for e, s, w in run.skipped],
        "skipped_engines": run.skipped_engines(),
        "degenerate": [{"engine": e, "scenario": s, "reason": w}
                       for e, s, w in run.degenerate()],
        "results": [_result_entry(r) for r in run.primary()],
    })


def _result_entry(res) -> dict:
    """Provenance, summary and the CSV file of each table (the tables themselves are in
    ``tables/``; ``EngineResult.to_dict()`` has them inline)."""
    return {"engine": res.engine, "scenario_id": res.scenario_id, "seed": res.seed,
            "summary": res.summary, "degenerate": res.degenerate,
            "tables": {name: {"csv": f"tables/{res.engine}__{res.scenario_id}__{name}.csv",
                              "rows": len(df)} for name, df in res.tables().items()}}


def _table_html(df: pd.DataFrame) -> str:
    shown = df.head(_MAX_ROWS)
    more = f"<p class=meta>{len(df) - _MAX_ROWS} more rows in the CSV.</p>" if len(df) > _MAX_ROWS else ""
    return shown.to_html(index=False, border=0, na_rep="", float_format=lambda v: f"{v:.4g}") + more


def _claims_tally(claims: pd.DataFrame) -> str:
    """One line: how many claims hold, fail, are uncertain, untested or untestable."""
    if claims.empty:
        return ""
    first = claims["verdict"].astype(str).str.split(r"[ :]", n=1, regex=True).str[0]
    counts = first.value_counts()
    order = ["holds", "fails", "uncertain", "encoded", "not", "untestable"]
    label = {"holds": "hold", "fails": "fail", "not": "not tested",
             "encoded": "encoded (hold or fail by construction)"}
    items = [f"<b>{counts[k]}</b> {label.get(k, k)}" for k in order if k in counts]
    return f"<p>{len(claims)} claims: " + " · ".join(items) + "</p>"


def _claims_html(claims: pd.DataFrame) -> str:
    if claims.empty:
        return "<p>This scenario states no claims.</p>"
    rows = []
    for _, c in claims.iterrows():
        v = str(c["verdict"])
        cls = "holds" if v.startswith("holds") else "fails" if v.startswith("fails") else "other"
        p = "" if pd.isna(c["p_holds"]) else f"{c['p_holds']:.2f}"
        d = "" if pd.isna(c["difference"]) else f"{c['difference']:.4g}"
        if c.get("flag"):
            v += f" — {c['flag']}"
            cls = "other"
        rows.append(f"<tr><td>{html.escape(c['claim'])}</td><td><q>{html.escape(c['quote'])}</q></td>"
                    f"<td>{html.escape(str(c['test']))}</td><td>{d}</td><td>{p}</td>"
                    f"<td class={cls}>{html.escape(v)}</td></tr>")
    return ("<table><tr><th>claim</th><th>quote</th><th>test</th><th>lhs − rhs</th>"
            "<th>P(holds)</th><th>verdict</th></tr>" + "".join(rows) + "</table>")


def write_report(run: RunResults, out: str | Path) -> Path:
    """Write ``index.html``, ``results.json`` and ``tables/*.csv`` under ``out``."""
    out = Path(out)
    (out / "tables").mkdir(parents=True, exist_ok=True)
    sc = run.scenario
    parts = [f"<!doctype html><html><head><meta charset=utf-8><title>factions — "
             f"{html.escape(sc.meta.name)}</title><style>{_CSS}</style></head><body>",
             f"<h1>{html.escape(sc.meta.name)}</h1>",
             f"<p class=meta>Period {sc.meta.start} to {sc.meta.end} · file {html.escape(sc.file)}"
             f" · scenarios {', '.join(run.scenario_ids)} · engines {', '.join(run.engines)}"
             f" · seed {run.seed} · replicas {run.replicas} · factions {__version__}</p>",
             f"<details><summary>About this scenario</summary><p>"
             f"{html.escape(sc.meta.description)}</p></details>"]
    nav = ["<a href='#claims'>Claims</a>", "<a href='#compare'>Scenarios compared</a>"] + [f"<a href='#{e}'>{e}</a>" for e in run.engines]
    parts.append("<nav>" + "".join(nav) + "</nav>")
    note = (f"<p class=meta>{html.escape(run.ensemble_note)}</p>" if run.ensemble_note else
            "<p class=meta>One replica per scenario: P(holds) is 0 or 1. Run with "
            "<code>--replicas N</code> for probabilities.</p>")
    parts.append("<h2 id=claims>Claims</h2>" + _claims_tally(run.claims) + note
                 + _claims_html(run.claims))
    run.claims.to_csv(out / "tables" / "claims.csv", index=False)
    comparison = {**compare_figures(run), **run.ensemble_figures}
    if comparison:
        parts.append("<h2 id=compare>Scenarios compared</h2><p class=meta>Each metric a claim "
                     "tests, by scenario: mean over replicas, shaded 5–95 % band over "
                     "replicas when there are several; observations dotted black.</p>")
        for name, fig in comparison.items():
            uri = ("data:image/png;base64," + base64.b64encode(fig).decode("ascii")
                   if isinstance(fig, bytes) else figure_data_uri(fig, dpi=80))
            parts.append(f"<figure><img alt='{html.escape(name)}' src='{uri}'>"
                         f"<figcaption class=meta>{html.escape(name)}</figcaption></figure>")
    first_id = run.scenario_ids[0]
    whole = run.skipped_engines()
    for engine in dict.fromkeys([*run.engines, *whole]):
        parts.append(f"<h2 id={engine}>{html.escape(engine)}</h2>")
        if engine in whole:
            parts.append(f"<p class=fails>Skipped: {html.escape(whole[engine])}</p>")
        for e, sid, why in run.skipped:
            if e == engine and engine not in whole:
                parts.append(f"<p class=meta>Skipped on <code>{html.escape(sid)}</code>: "
                             f"{html.escape(why)}</p>")
        for res in (r for r in run.primary() if r.engine == engine):
            parts.append(f"<h3>{html.escape(engine)} — scenario <code>{html.escape(res.scenario_id)}</code></h3>")
            if res.degenerate:
                parts.append(f"<p class=fails>Degenerate result: {html.escape(res.degenerate)}"
                             " — claims that use it are flagged.</p>")
            if res.summary:
                parts.append("<p class=meta>" + " · ".join(
                    f"{html.escape(str(k))}: {html.escape(_short(v))}" for k, v in res.summary.items()) + "</p>")
            figures = list(res.figures().items())
            if res.scenario_id != first_id and len(figures) > _FIGURES_OTHER_SCENARIOS:
                parts.append(f"<p class=meta>{len(figures)} figures; the first "
                             f"{_FIGURES_OTHER_SCENARIOS} are shown (all are shown for "
                             f"<code>{html.escape(first_id)}</code>).</p>")
                figures = figures[:_FIGURES_OTHER_SCENARIOS]
            for name, fig in figures:
                parts.append(f"<figure><img alt='{html.escape(name)}' src='{figure_data_uri(fig, dpi=80)}'>"
                             f"<figcaption class=meta>{html.escape(name)}</figcaption></figure>")
            for name, df in res.tables().items():
                fname = f"{engine}__{res.scenario_id}__{name}.csv"
                df.to_csv(out / "tables" / fname, index=False)
                parts.append(f"<details><summary>{html.escape(name)} ({len(df)} rows, "
                             f"<code>tables/{html.escape(fname)}</code>)</summary>{_table_html(df)}</details>")
    sources = "".join(f"<li><b>{html.escape(s.id)}</b>: {html.escape(s.citation)}</li>"
                      for s in sc.meta.sources)
    if sources:
        parts.append(f"<h2>Sources</h2><ul>{sources}</ul>")
    parts.append("</body></html>")
    (out / "index.html").write_text("\n".join(parts), encoding="utf-8")
    (out / "results.json").write_text(json.dumps(results_dict(run), indent=1, default=_json_default),
                                      encoding="utf-8")
    return out


def _short(v) -> str:
    if isinstance(v, float):
        return f"{v:.4g}"
    return str(v)
