"""The page around the figures: style sheet, page shell, table previews, a figures page.

Every page is one HTML file that needs nothing else: the style sheet is inline, the
figures and plotly.js are embedded by :class:`~factions.report.embed.PlotRegistry`, and
nothing is loaded from the network (the only links are to the CSV tables written beside
the page, and to anchors within it).
"""

from __future__ import annotations

__all__ = ["CSS", "page", "table_html", "figures_page", "esc", "fmt"]

import html
import math
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from factions.report.embed import PlotRegistry

CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;max-width:1180px;margin:2em auto;
padding:0 1em;color:#222;line-height:1.45}
h1{font-size:1.7em;margin-bottom:.2em} h2{border-bottom:2px solid #ddd;padding-bottom:.2em;
margin-top:2em} h3{margin-top:1.5em;color:#333}
table{border-collapse:collapse;font-size:.85em;margin:.6em 0}
td,th{border:1px solid #ddd;padding:3px 7px;vertical-align:top;text-align:left}
th{background:#f3f3f3} tr:nth-child(even){background:#fafafa}
.meta{color:#555;font-size:.92em} .holds{color:#176317;font-weight:600}
.fails{color:#a01010;font-weight:600} .other{color:#8a6d00;font-weight:600}
details{margin:.4em 0} summary{cursor:pointer;color:#245} nav a{margin-right:1em}
figure.plot-card{margin:1em 0;border:1px solid #e4e4e4;border-radius:6px;padding:.5em}
figure.plot-card select{margin:0 0 .3em .3em} div.plot{width:100%}
img{max-width:100%}
#plots-status{background:#fff3cd;border:1px solid #e0c36a;padding:.5em 1em}
.claim{border:1px solid #ddd;border-left:6px solid #bbb;border-radius:6px;margin:1em 0;
padding:.6em 1em} .claim-holds{border-left-color:#2e8b2e} .claim-fails{border-left-color:#b22}
.claim-other{border-left-color:#d4a017} .claim h3{margin:.1em 0 .3em;font-size:1.05em}
.claim blockquote{margin:.3em 0 .5em;padding-left:.8em;border-left:3px solid #ddd;color:#333}
.claim dl{display:grid;grid-template-columns:max-content 1fr;gap:.15em 1em;margin:.4em 0;
font-size:.92em} .claim dt{color:#555} .claim dd{margin:0}
.badge{display:inline-block;padding:0 .45em;border-radius:4px;background:#eee;
font-size:.8em;margin-left:.4em;vertical-align:middle}
.grid2{display:grid;grid-template-columns:repeat(auto-fit,minmax(520px,1fr));gap:0 1em}
"""


def esc(v) -> str:
    """HTML-escaped text of ``v``."""
    return html.escape(str(v))


def fmt(v, digits: int = 4) -> str:
    """A short number: ``digits`` significant digits, thousands separated; empty for
    NaN/None; other values as text."""
    if v is None or isinstance(v, float) and math.isnan(v):
        return ""
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, int | float):
        if v != 0 and (abs(v) >= 1e9 or abs(v) < 1e-3):
            return f"{v:.{digits - 1}e}"
        if abs(v) >= 1e4:
            return f"{v:,.0f}"
        return f"{v:.{digits}g}"
    return str(v)


def table_html(df: pd.DataFrame, max_rows: int = 12) -> str:
    """The first ``max_rows`` rows of ``df`` as a small HTML table (numbers shortened);
    says how many rows are left out."""
    shown = df.head(max_rows)
    cells = "".join(f"<th>{esc(c)}</th>" for c in shown.columns)
    rows = ["<tr>" + "".join(f"<td>{esc(fmt(v))}</td>" for v in r) + "</tr>"
            for r in shown.itertuples(index=False)]
    more = (f"<p class=meta>{len(df) - max_rows} more rows in the CSV.</p>"
            if len(df) > max_rows else "")
    return f"<table><tr>{cells}</tr>{''.join(rows)}</table>{more}"


def page(title: str, body: str, plots: PlotRegistry) -> str:
    """A whole HTML document: ``body`` plus the figures' specs, template, plotly bundle
    and runtime (once), and a status line that the runtime fills if drawing fails."""
    status = ("<p id=plots-status hidden></p><noscript><p>The figures need JavaScript."
              "</p></noscript>") if len(plots) else ""
    return (f"<!doctype html><html lang=en><head><meta charset=utf-8>"
            f"<meta name=viewport content='width=device-width,initial-scale=1'>"
            f"<title>{esc(title)}</title><style>{CSS}</style></head><body>"
            f"{status}{body}{plots.scripts()}</body></html>")


def figures_page(title: str, figures: Mapping[str, object], path: str | Path,
                 intro: str = "") -> Path:
    """Write one self-contained HTML page of plotly ``figures`` (``{name: figure}``), one
    card each, to ``path``; returns the path."""
    plots = PlotRegistry()
    cards = "".join(plots.card(name, fig, caption=esc(name)) for name, fig in figures.items())
    body = f"<h1>{esc(title)}</h1>" + (f"<p class=meta>{esc(intro)}</p>" if intro else "")
    path = Path(path)
    path.write_text(page(title, body + cards, plots), encoding="utf-8")
    return path
