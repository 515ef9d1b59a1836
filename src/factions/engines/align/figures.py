"""Figures of the alignment engine, drawn from its tables (no pyplot global state)."""

from __future__ import annotations

__all__ = ["network_figure", "frustration_figure", "power_figure"]

from collections.abc import Mapping, Sequence

import networkx as nx
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

_BLOC_COLOURS = ("#4C72B0", "#DD8452", "#55A868", "#8172B3", "#937860", "#DA8BC3", "#8C8C8C")


def network_figure(ties: pd.DataFrame, blocs: pd.DataFrame, layout: Mapping[str, np.ndarray],
                   title: str) -> Figure:
    """Signed network: nodes coloured by bloc, positive ties solid, negative dashed,
    frustrated ties drawn thick in red.

    ``ties`` has columns ``a, b, sign, weight, frustrated``; ``blocs`` has ``actor, bloc``.
    """
    fig = Figure(figsize=(8, 6.5), layout="tight")
    ax = fig.add_subplot()
    g = nx.Graph()
    g.add_nodes_from(blocs["actor"])
    for row in ties.itertuples(index=False):
        g.add_edge(row.a, row.b, sign=row.sign, weight=row.weight, frustrated=row.frustrated)
    pos = {n: layout[n] for n in g.nodes}
    for frustrated in (False, True):
        for sign, style in ((1, "solid"), (-1, "dashed")):
            edges = [(a, b) for a, b, d in g.edges(data=True)
                     if d["sign"] == sign and d["frustrated"] == frustrated]
            if not edges:
                continue
            widths = [(3.5 if frustrated else 0.6 + 1.6 * g.edges[e]["weight"]) for e in edges]
            colour = "#C44E52" if frustrated else ("#4a8f4a" if sign > 0 else "#999999")
            nx.draw_networkx_edges(g, pos, edgelist=edges, style=style, width=widths,
                                   edge_color=colour, alpha=0.9 if frustrated else 0.6, ax=ax)
    colour = {a: _BLOC_COLOURS[int(b) % len(_BLOC_COLOURS)]
              for a, b in zip(blocs["actor"], blocs["bloc"], strict=True)}
    nx.draw_networkx_nodes(g, pos, node_color=[colour[n] for n in g.nodes], node_size=420,
                           edgecolors="white", ax=ax)
    nx.draw_networkx_labels(g, pos, font_size=7, ax=ax)
    ax.set_title(title, fontsize=10)
    ax.text(0.01, 0.01, "node colour = bloc; solid = positive, dashed = negative tie; "
            "thick red = frustrated", transform=ax.transAxes, fontsize=7, color="#555555")
    ax.set_axis_off()
    return fig


def frustration_figure(monthly: pd.DataFrame, marks: Sequence[tuple[str, str]] = (),
                       title: str = "") -> Figure:
    """Frustration index and balance score by month, with shock months marked.

    ``monthly`` has columns ``month, frustration, balance``; ``marks`` are
    ``(month, label)`` pairs.
    """
    fig = Figure(figsize=(8, 4), layout="tight")
    ax = fig.add_subplot()
    x = np.arange(len(monthly))
    ax.step(x, monthly["frustration"], where="mid", color="#C44E52", label="frustration (L)")
    ax.set_ylabel("frustration index (weight of frustrated ties)")
    ax2 = ax.twinx()
    ax2.plot(x, monthly["balance"], color="#4C72B0", label="balance 1 - 2L/W")
    ax2.set_ylim(0, 1.02)
    ax2.set_ylabel("normalised balance")
    months = list(monthly["month"])
    for month, label in marks:
        if month in months:
            i = months.index(month)
            ax.axvline(i, color="#888888", lw=0.8, ls=":")
            ax.text(i, ax.get_ylim()[1], label, rotation=90, va="top", ha="right", fontsize=7)
    step = max(1, len(months) // 12)
    ax.set_xticks(x[::step], months[::step], rotation=45, fontsize=7)
    lines = ax.get_legend_handles_labels()[0] + ax2.get_legend_handles_labels()[0]
    ax.legend(lines, [ln.get_label() for ln in lines], loc="lower left", fontsize=8)
    ax.set_title(title, fontsize=10)
    return fig


def power_figure(power: pd.DataFrame, title: str) -> Figure:
    """Seat share, Banzhaf and Shapley-Shubik index per party (one month)."""
    fig = Figure(figsize=(8, 4), layout="tight")
    ax = fig.add_subplot()
    p = power.sort_values("seats", ascending=False)
    x = np.arange(len(p))
    for off, col, label in ((-0.27, "seat_share", "seat share"), (0.0, "banzhaf", "Banzhaf"),
                            (0.27, "shapley_shubik", "Shapley-Shubik")):
        ax.bar(x + off, p[col], width=0.27, label=label)
    ax.set_xticks(x, p["party"], rotation=45, ha="right", fontsize=8)
    ax.set_ylabel("share of power")
    ax.legend(fontsize=8)
    ax.set_title(title, fontsize=10)
    return fig
