"""Plotly helpers shared by the engines' figures and the report.

Engines draw their figures with :mod:`plotly.graph_objects` from their tables (see
:mod:`factions.engines.base`); this module holds what they share: a colour cycle, a
figure with the report's compact layout, a grid of panels, shock marks and log/linear
buttons. The report renders every figure with one shared template (:data:`TEMPLATE`), so
a figure carries no template of its own.

Speed: a report builds a few hundred figures, so figures are built from plain dicts and
lists (``go.Figure(data=[{...}], layout={...})`` validates about twice as fast as adding
``go.Scatter`` objects one by one, and lists faster than NumPy arrays), and
:func:`panels` lays out subplots directly (``plotly.subplots.make_subplots`` costs
about 0.1 s a call).
"""

from __future__ import annotations

__all__ = ["COLOURS", "TEMPLATE", "new_plot", "mark_months", "log_buttons", "colour",
           "panels", "rgba"]

from collections.abc import Iterable, Sequence

import plotly.graph_objects as go

#: The report's colour cycle (Okabe & Ito's colour-blind safe palette without black,
#: which marks observations and outcomes, extended with four more).
COLOURS = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442",
           "#8C564B", "#7F7F7F", "#17BECF", "#BCBD22", "#9467BD")

#: The one template every figure of the report is drawn with (embedded once in the page).
TEMPLATE = {"layout": {
    "font": {"family": "system-ui,-apple-system,Segoe UI,sans-serif", "size": 12,
             "color": "#222"},
    "colorway": list(COLOURS), "paper_bgcolor": "#fff", "plot_bgcolor": "#fff",
    "hovermode": "closest", "hoverlabel": {"namelength": -1},
    "xaxis": {"gridcolor": "#eee", "linecolor": "#999", "zerolinecolor": "#ccc",
              "automargin": True},
    "yaxis": {"gridcolor": "#eee", "linecolor": "#999", "zerolinecolor": "#ccc",
              "automargin": True},
    "legend": {"font": {"size": 10}},
    "title": {"font": {"size": 14}, "x": 0.01, "xanchor": "left"},
    "margin": {"l": 56, "r": 16, "t": 44, "b": 40},
}}


def rgba(hex_colour: str, alpha: float) -> str:
    """``#rrggbb`` as ``rgba(r,g,b,alpha)``."""
    h = hex_colour.lstrip("#")
    return f"rgba({int(h[0:2], 16)},{int(h[2:4], 16)},{int(h[4:6], 16)},{alpha})"


def panels(rows: int = 1, cols: int = 1, *, row_heights: Sequence[float] | None = None,
           hspace: float = 0.04, vspace: float = 0.07, share_x: bool = False,
           share_y: bool = False, titles: Sequence[str] = ()) -> tuple[dict, list[dict]]:
    """Layout of a ``rows`` x ``cols`` grid of panels, and for each panel (row by row) the
    ``{"xaxis": "x2", "yaxis": "y2"}`` a trace needs to be drawn in it.

    ``row_heights`` are relative (top row first); ``share_x`` links every x axis to the
    first (tick labels on the bottom row only), ``share_y`` every y axis; ``titles`` are
    written above the panels.
    """
    heights = list(row_heights or [1.0] * rows)
    total = sum(heights)
    usable_h = 1 - vspace * (rows - 1)
    width = (1 - hspace * (cols - 1)) / cols
    layout: dict = {}
    refs = []
    notes = []
    top = 1.0
    for r in range(rows):
        h = usable_h * heights[r] / total
        for c in range(cols):
            i = r * cols + c
            sfx = "" if i == 0 else str(i + 1)
            x0 = c * (width + hspace)
            xa = {"domain": [x0, x0 + width], "anchor": f"y{sfx}"}
            ya = {"domain": [max(0.0, top - h), top], "anchor": f"x{sfx}"}
            if share_x and i:
                xa["matches"] = "x"
            if share_x and r < rows - 1:
                xa["showticklabels"] = False
            if share_y and i:
                ya["matches"] = "y"
                if c:
                    ya["showticklabels"] = False
            layout[f"xaxis{sfx}"], layout[f"yaxis{sfx}"] = xa, ya
            refs.append({"xaxis": f"x{sfx}", "yaxis": f"y{sfx}"})
            if i < len(titles):
                notes.append({"text": titles[i], "x": x0 + width / 2, "y": top,
                              "xref": "paper", "yref": "paper", "xanchor": "center",
                              "yanchor": "bottom", "showarrow": False,
                              "font": {"size": 11}})
        top -= h + vspace
    if notes:
        layout["annotations"] = notes
    return layout, refs


def colour(i: int) -> str:
    """The ``i``-th colour of :data:`COLOURS` (cycling)."""
    return COLOURS[int(i) % len(COLOURS)]


def new_plot(title: str = "", height: int = 360, data: Sequence[dict] = (), **layout
             ) -> go.Figure:
    """A figure with the report's layout: ``title``, ``height`` in pixels, the traces
    ``data`` (dicts with a ``type``) and any further layout properties. Its template is
    left empty: the report applies :data:`TEMPLATE` once for every figure."""
    return go.Figure(data=list(data), layout={"template": {}, "title": {"text": title},
                                              "height": height, **layout})


def mark_months(fig: go.Figure, marks: Iterable[tuple[str, str]], months: Sequence[str],
                xref: str = "x") -> None:
    """Dotted vertical lines, labelled at the top, at ``(month, label)`` marks (e.g.
    shocks) on the month axis ``xref``; marks outside ``months`` are left out."""
    known = set(months)
    shapes, notes = [], []
    for month, label in marks:
        if month not in known:
            continue
        shapes.append({"type": "line", "xref": xref, "yref": "paper", "x0": month,
                       "x1": month, "y0": 0, "y1": 1,
                       "line": {"color": "#888", "width": 1, "dash": "dot"}})
        notes.append({"text": label, "xref": xref, "yref": "paper", "x": month, "y": 1,
                      "textangle": -90, "xanchor": "right", "yanchor": "top",
                      "showarrow": False, "font": {"size": 9, "color": "#666"}})
    fig.layout.shapes = tuple(fig.layout.shapes) + tuple(shapes)
    fig.layout.annotations = tuple(fig.layout.annotations) + tuple(notes)


def log_buttons(fig: go.Figure, axis: str = "yaxis", log_first: bool = False) -> None:
    """Two buttons above the plot that switch ``axis`` between a linear and a log scale."""
    order = [("log", "log scale"), ("linear", "linear scale")]
    if not log_first:
        order.reverse()
    fig.update_layout(**{axis: {"type": order[0][0]}}, updatemenus=[{
        "type": "buttons", "direction": "right", "x": 1, "xanchor": "right", "y": 1.02,
        "yanchor": "bottom", "showactive": True, "pad": {"r": 0, "t": 0},
        "font": {"size": 10},
        "buttons": [{"label": label, "method": "relayout", "args": [{f"{axis}.type": kind}]}
                    for kind, label in order]}])
