"""The report directory: a self-contained ``index.html``, ``results.json`` and CSV tables.

``index.html`` is one file that needs no network: interactive plotly figures (their JSON
and one embedded, compressed copy of plotly.js, see :mod:`factions.report.embed`), a
panel per claim (:mod:`factions.report.claims_panel`), the claimed metrics compared
across scenarios (:mod:`factions.report.compare`), the calibration behind an ensemble
(:mod:`factions.report.calibration`) and a section per engine. An engine's figures
(``EngineResult.figures()``) are shown once per figure name with a scenario selector;
a result holding the same data as an earlier scenario's reuses its figures, and the same
figure of two scenarios is stored once. Tables are written in full as CSV
under ``tables/``; the page previews the first scenario's tables and links every CSV.
"""

from __future__ import annotations

__all__ = ["write_report", "results_dict"]

import base64
import dataclasses
import hashlib
import json
import math
import pickle
import re
from pathlib import Path

import pandas as pd

from factions import __version__
from factions.report.calibration import calibration_figures
from factions.report.claims_panel import claims_section
from factions.report.compare import claim_metrics, compare_figures
from factions.report.embed import PlotRegistry
from factions.report.layout import esc, fmt, page, table_html
from factions.run.claims import claim_replicas, split_replicas
from factions.run.pipeline import RunResults

#: Rows of each table previewed in the page (the CSV has them all).
PREVIEW_ROWS = 12


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


def results_dict(run: RunResults, tables: dict | None = None) -> dict:
    """The run as JSON-ready data (NaN → null). ``tables`` maps ``id(result)`` to its
    ``tables()`` when the caller already has them."""
    tables = tables or {}
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
        "results": [_result_entry(r, tables.get(id(r))) for r in run.primary()],
    })


def _csv_name(res, name: str) -> str:
    return f"{res.engine}__{res.scenario_id}__{name}.csv"


def _result_entry(res, tables: dict | None = None) -> dict:
    """Provenance, summary and the CSV file of each table (the tables themselves are in
    ``tables/``; ``EngineResult.to_dict()`` has them inline)."""
    tables = res.tables() if tables is None else tables
    return {"engine": res.engine, "scenario_id": res.scenario_id, "seed": res.seed,
            "summary": res.summary, "degenerate": res.degenerate,
            "tables": {name: {"csv": f"tables/{_csv_name(res, name)}", "rows": len(df)}
                       for name, df in tables.items()}}


def _header(run: RunResults, engines: list[str]) -> str:
    sc = run.scenario
    nav = ["<a href='#claims'>Claims</a>", "<a href='#compare'>Scenarios compared</a>"]
    nav += [f"<a href='#engine-{esc(e)}'>{esc(e)}</a>" for e in engines]
    return (f"<h1>{esc(sc.meta.name)}</h1>"
            f"<p class=meta>Period {esc(sc.meta.start)} to {esc(sc.meta.end)} · file "
            f"{esc(sc.file)} · scenarios {esc(', '.join(run.scenario_ids))} · engines "
            f"{esc(', '.join(run.engines))} · seed {run.seed} · replicas {run.replicas} · "
            f"factions {__version__}</p><details><summary>About this scenario</summary>"
            f"<p>{esc(sc.meta.description)}</p></details><nav>{''.join(nav)}</nav>")


def _compare_section(run: RunResults, plots: PlotRegistry) -> tuple[str, dict[str, str]]:
    """Claimed metrics by scenario, ensemble figures, calibration; and metric -> anchor."""
    anchors: dict[str, str] = {}
    cards = []
    for metric, fig in compare_figures(run).items():
        users = [c.id for c in run.scenario.claims
                 if c.test is not None and c.test.metric == metric]
        caption = "Claims on this metric: " + ", ".join(
            f"<a href='#claim-{esc(c)}'>{esc(c)}</a>" for c in users)
        cards.append(plots.card(f"compare-{metric}", fig, caption=caption))
        anchors[metric] = f"card-{plots.last_id}"
    calib = {}
    post = getattr(run, "posterior", None)
    if post is not None and getattr(post, "path", ""):
        calib = calibration_figures(post.path)
    for name, fig in run.ensemble_figures.items():
        if isinstance(fig, bytes | bytearray):
            if calib:  # the calibration's PNG files: redrawn from its CSVs below
                continue
            uri = "data:image/png;base64," + base64.b64encode(bytes(fig)).decode("ascii")
            cards.append(f"<figure><img alt='{esc(name)}' src='{uri}'><figcaption "
                         f"class=meta>{esc(name)}</figcaption></figure>")
        else:
            cards.append(plots.card(f"ensemble-{name}", fig, caption=esc(name)))
    for name, fig in calib.items():
        cards.append(plots.card(f"calibration-{name}", fig,
                                caption=f"calibration {esc(name)} ({esc(post.path)})"))
    if not cards:
        return "", anchors
    intro = ("<h2 id=compare>Scenarios compared</h2><p class=meta>Each metric a claim tests, "
             "by scenario: mean over replicas, shaded 5–95 % band over replicas when there "
             "are several; the observation it is compared with dotted black. Scenarios that "
             "no claim on the metric names start hidden: click a legend entry to show it."
             "</p>")
    return intro + "".join(cards), anchors


def _engine_section(run: RunResults, engine: str, out: Path, plots: PlotRegistry,
                    whole: dict[str, str], tables: dict[int, dict]) -> str:
    parts = [f"<h2 id='engine-{esc(engine)}'>{esc(engine)}</h2>"]
    if engine in whole:
        parts.append(f"<p class=fails>Skipped: {esc(whole[engine])}</p>")
    for e, sid, why in run.skipped:
        if e == engine and engine not in whole:
            parts.append(f"<p class=meta>Skipped on <code>{esc(sid)}</code>: {esc(why)}</p>")
    results = [r for r in run.primary() if r.engine == engine]
    if not results:
        return "".join(parts)
    for r in results:
        if r.degenerate:
            parts.append(f"<p class=fails>Degenerate result on <code>{esc(r.scenario_id)}"
                         f"</code>: {esc(r.degenerate)} — claims that use it are flagged.</p>")
    figures: dict[str, list] = {}
    drawn: dict[str, tuple[str, dict]] = {}  # result's digest -> (scenario, its figures)
    for r in results:
        key = _result_digest(r)
        if key is not None and key in drawn:
            # the same data as an earlier scenario's result, so the same figures: reuse
            # them, retitled for this scenario
            src, figs = drawn[key]
            for name, fig in figs.items():
                figures.setdefault(name, []).append(
                    (r.scenario_id, fig, _retitle(fig, src, r.scenario_id)))
            continue
        figs = r.figures()
        if key is not None:
            drawn[key] = (r.scenario_id, figs)
        for name, fig in figs.items():
            figures.setdefault(name, []).append((r.scenario_id, fig))
    cards = [plots.card(f"{engine}-{name}", variants, caption=esc(name))
             for name, variants in figures.items()]
    parts.append("".join(cards))
    summaries = [(r.scenario_id, r.summary) for r in results if r.summary]
    if summaries:
        rows = "".join(f"<tr><td><code>{esc(sid)}</code></td><td>" + " · ".join(
            f"{esc(k)}: {esc(_short(v))}" for k, v in s.items()) + "</td></tr>"
            for sid, s in summaries)
        parts.append(f"<details><summary>Summary by scenario</summary><table>{rows}"
                     "</table></details>")
    parts.append(_tables(results, out, tables))
    return "".join(parts)


def _result_digest(res) -> str | None:
    """A digest of everything a result holds but its provenance (engine, scenario id,
    seed): two results with the same digest hold equal data, so draw equal figures (up
    to the scenario id in titles). Fields are hashed by their pickle, which is fast and
    never equal for unequal data (equal data pickled differently, e.g. frames with
    another memory layout, only miss a reuse). ``None`` when the result is not a
    dataclass or cannot be pickled."""
    if not dataclasses.is_dataclass(res):
        return None
    h = hashlib.sha1(type(res).__qualname__.encode("utf-8"))
    try:
        for f in dataclasses.fields(res):
            if f.name not in ("engine", "scenario_id", "seed"):
                h.update(f.name.encode("utf-8"))
                h.update(pickle.dumps(getattr(res, f.name), protocol=5))
    except (pickle.PicklingError, TypeError, AttributeError):
        return None
    return h.hexdigest()


def _retitle(fig, old: str, new: str) -> str:
    """The figure's title with the scenario id ``old`` (as a whole word) replaced."""
    title = fig.layout.title.text or ""
    return re.sub(rf"(?<![\w.-]){re.escape(old)}(?![\w-])", new, title)


def _tables(results, out: Path, tables: dict[int, dict]) -> str:
    """Write every table as CSV; previews of the first scenario's, links to all."""
    links: dict[str, list[str]] = {}
    previews = []
    for i, r in enumerate(results):
        for name, df in tables[id(r)].items():
            fname = _csv_name(r, name)
            df.to_csv(out / "tables" / fname, index=False)
            links.setdefault(name, []).append(
                f"<a href='tables/{esc(fname)}' title='{esc(r.scenario_id)}'>{len(df)}</a>")
            if i == 0:
                previews.append(f"<details><summary>{esc(name)} ({len(df)} rows, <code>"
                                f"tables/{esc(fname)}</code>)</summary>"
                                f"{table_html(df, PREVIEW_ROWS)}</details>")
    head = "".join(f"<th>{esc(r.scenario_id)}</th>" for r in results)
    rows = "".join(f"<tr><td>{esc(name)}</td>" + "".join(f"<td>{c}</td>" for c in cells)
                   + "</tr>" for name, cells in links.items())
    return (f"<details><summary>Tables of <code>{esc(results[0].scenario_id)}</code>"
            f"</summary>{''.join(previews)}</details><details><summary>Every table as CSV "
            f"(rows; one column per scenario)</summary><table><tr><th>table</th>{head}</tr>"
            f"{rows}</table></details>")


def write_report(run: RunResults, out: str | Path) -> Path:
    """Write ``index.html``, ``results.json`` and ``tables/*.csv`` under ``out``."""
    out = Path(out)
    (out / "tables").mkdir(parents=True, exist_ok=True)
    sc = run.scenario
    plots = PlotRegistry()
    whole = run.skipped_engines()
    engines = list(dict.fromkeys([*run.engines, *whole]))
    compare, anchors = _compare_section(run, plots)
    note = (f"<p class=meta>{esc(run.ensemble_note)}</p>" if run.ensemble_note else
            "<p class=meta>One replica per scenario: P(holds) is 0 or 1. Run with "
            "<code>--replicas N</code> for probabilities.</p>")
    m = run.metrics
    if m is not None and not m.empty:  # only the claimed metrics: the split is per value
        m = m[m["metric"].isin(claim_metrics(sc))]
    reps = claim_replicas(sc, split_replicas(m, run.replicas))
    claims = claims_section(run.claims, sc, reps, plots, anchors, drivers=_drivers(run),
                            note=note)
    run.claims.to_csv(out / "tables" / "claims.csv", index=False)
    body = [_header(run, engines), claims, compare]
    from factions.report.calibration_tables import calibration_tables

    for title, df in calibration_tables(run).items():
        body.append(f"<h3>{esc(title)}</h3>{table_html(df)}")
    tables = {id(r): r.tables() for r in run.primary()}
    body += [_engine_section(run, e, out, plots, whole, tables) for e in engines]
    sources = "".join(f"<li><b>{esc(s.id)}</b>: {esc(s.citation)}</li>"
                      for s in sc.meta.sources)
    if sources:
        body.append(f"<h2 id=sources>Sources</h2><ul>{sources}</ul>")
    (out / "index.html").write_text(page(f"factions — {sc.meta.name}", "".join(body), plots),
                                    encoding="utf-8")
    (out / "results.json").write_text(json.dumps(results_dict(run, tables), indent=1,
                                                 default=_json_default), encoding="utf-8")
    return out


def _drivers(run: RunResults) -> pd.DataFrame | None:
    """Every claim's drivers table (``RunResults.verdicts[claim]["drivers"]``, see
    :func:`factions.run.verdicts.judge`) in one frame with a ``claim`` column."""
    verdicts = getattr(run, "verdicts", None) or {}
    frames = [d["drivers"].assign(claim=cid) for cid, d in verdicts.items()
              if isinstance(d, dict) and isinstance(d.get("drivers"), pd.DataFrame)
              and not d["drivers"].empty]
    return pd.concat(frames, ignore_index=True) if frames else None


def _short(v) -> str:
    if isinstance(v, float):
        return fmt(v)
    if isinstance(v, dict):
        return ", ".join(f"{k}={_short(x)}" for k, x in v.items())
    if isinstance(v, list | tuple):
        return ", ".join(_short(x) for x in v)
    return str(v)
