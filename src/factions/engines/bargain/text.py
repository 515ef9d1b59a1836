"""Plain-text rendering of a :class:`BargainResult` for the console (CLI ``factions bargain``)."""

from __future__ import annotations

__all__ = ["format_result"]

import numpy as np

from factions.engines.bargain.engine import BargainResult, IssueForecast

_MARKS = {"compromise": "C", "median": "M", "nash": "N", "expected_utility": "E", "smp": "S",
          "exchange": "X"}


def _scale_line(it: IssueForecast, width: int) -> list[str]:
    d = it.data
    low, span = d.scale[0], d.span
    col = np.clip(np.round((d.position - low) / span * (width - 1)).astype(int), 0, width - 1)
    order = np.argsort(-d.weight, kind="stable")
    lines = []
    axis = ["-"] * width
    for name, f in it.forecasts.items():
        k = int(np.clip(round((f.outcome - low) / span * (width - 1)), 0, width - 1))
        axis[k] = _MARKS.get(name, "?")
    lines.append(f"  {d.scale[0]:g} |" + "".join(axis) + f"| {d.scale[1]:g}")
    for i in order:
        row = [" "] * width
        row[col[i]] = "o"
        lines.append(f"  {'':>{len(f'{d.scale[0]:g}')}} |" + "".join(row)
                     + f"| {d.names[i]} (x={d.position[i]:g}, c*s={d.weight[i]:.3g})")
    return lines


def format_result(res: BargainResult, width: int = 50, max_rounds: int = 12) -> str:
    """Per issue: actors on the scale, a table comparing models, outcomes over rounds.

    On the axis line each model's outcome is marked by a letter (C compromise, M median,
    N nash, E expected_utility, S smp, X exchange; the later model wins a shared column).
    """
    out = []
    head = f"bargain: scenario {res.scenario_id}"
    if res.month:
        head += f", month {res.month}"
    out.append(head + f", default model {res.default_model}")
    for it in res.issues:
        out.append("")
        out.append(f"{it.issue}: {it.name}")
        out.extend(_scale_line(it, width))
        out.append(f"  {'model':<18}{'outcome':>9}{'rounds':>8}")
        for name, f in it.forecasts.items():
            mark = " *" if name == res.default_model else ""
            out.append(f"  {name:<18}{f.outcome:>9.2f}{f.rounds:>8}{mark}")
        if it.distribution is not None:
            u = it.distribution
            out.append(f"  {u.model} under perturbed inputs: median {u.median:.2f}, "
                       f"{int(100 * u.level)}% interval [{u.low:.2f}, {u.high:.2f}] "
                       f"({u.draws.size} draws)")
        for name, f in it.forecasts.items():
            if f.rounds > 0:
                vals = " ".join(f"{v:.1f}" for v in f.outcomes[: max_rounds + 1])
                more = " ..." if f.rounds > max_rounds else ""
                out.append(f"  {name} outcome by round: {vals}{more}")
    if res.smp_run is not None:
        out.extend(_smp_history(res.smp_run))
    return "\n".join(out)


def _smp_history(run, max_actors: int = 40, max_states: int = 30) -> list[str]:
    """KTAB's closing report: each actor's position per state, then its winning chance."""
    T = run.n_states
    out = ["", f"smp: {T} states ({run.stopped}); options "
           + ", ".join(f"{k}={v}" for k, v in run.options.ktab().items())]
    cut = " ..." if T > max_states else ""
    shown = run.names[:max_actors]
    out.append("History of actor positions over time:")
    for a, name in enumerate(shown):
        for k, dim in enumerate(run.dimensions):
            vals = " ".join(f"{v:5.1f}" for v in run.positions[:max_states, a, k])
            out.append(f"  {name}, {dim}: {vals}{cut}")
    out.append("History of actors' winning probabilities:")
    for a, name in enumerate(shown):
        vals = " ".join(f"{v:.4f}" for v in run.win_prob[:max_states, a])
        out.append(f"  {name}, prob: {vals}{cut}")
    if len(run.names) > max_actors:
        out.append(f"  ... {len(run.names) - max_actors} more actors (--json or --db has them all)")
    return out
