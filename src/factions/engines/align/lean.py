"""The align engine's lean mode: metrics only, for the draws of an ensemble.

A draw of ``factions run`` needs only the metrics its claims read, not the tables and
figures of the report. With ``lean=true`` the engine computes, for the months listed in
option ``months`` (default: all), each month's frustration index, balance score,
triangle balance, the size of every actor's bloc and the tie metrics the claims name
(:mod:`.tie_metrics`, on the ties of :func:`.evolve.tie_series`: free ones evolved under the
scenario's dynamics) — and voting power when ``power`` is true — and nothing else (no tie strain, contributions, triads or comparisons). Option
``method`` chooses how each month's frustration is found: ``exact`` (the MIP of
:func:`~factions.engines.align.frustration`) or ``heuristic``
(:func:`~factions.engines.align.frustration_heuristic`, an upper bound, measured against the
exact optimum on the embedded scenarios' networks in ``docs/performance/align.md``). Months with the same network are computed once.
"""

from __future__ import annotations

__all__ = ["lean_align"]

import numpy as np
import pandas as pd

from factions.engines.align.balance import balance_score, triangle_balance
from factions.engines.align.evolve import tie_series
from factions.engines.align.graph import signed_graph
from factions.engines.align.heuristic import frustration_heuristic
from factions.engines.align.memo import solved
from factions.engines.align.tables import council_power
from factions.engines.align.tie_metrics import requested_values

_STRUCTURAL = ("frustration", "balance", "triangle_balance", "k_frustration", "bloc_size")


def _claimed_months(scenario, scenario_id: str, all_months: list[str]) -> set[str]:
    """The months whose blocs and frustration the claims on ``scenario_id`` read."""
    out: set[str] = set()
    for c in scenario.claims:
        t = c.test
        if t is None or not t.metric or not t.metric.startswith("align."):
            continue
        if t.metric.split(".")[1] not in _STRUCTURAL:
            continue
        for side in (t.lhs, t.rhs):
            if side.scenario != scenario_id:
                continue
            if side.window is None:
                out.update(all_months)
            else:
                out.update(m for m in all_months if side.window[0] <= m <= side.window[1])
    return out


def lean_align(scenario, scenario_id: str, seed: int, options: dict, result_cls):
    """Monthly metrics only (see the module docs); ``options`` are checked already."""
    tl = scenario.timeline(scenario_id)
    ties_t = tie_series(scenario, scenario_id, seed)
    months = [m for m in tl.months if not options["months"] or m in set(options["months"])]
    structure = _claimed_months(scenario, scenario_id, tl.months) if options["claimed"] else None
    rng = np.random.default_rng(seed)
    cache: dict[tuple, tuple] = {}
    rows, sizes = [], {}
    for mo in months:
        if structure is not None and mo not in structure:
            continue
        rel = tuple(sorted(ties_t.relations_at(mo)))
        if rel not in cache:
            if options["method"] == "heuristic":
                g = signed_graph([(a, b, w, abs(w)) for a, b, w in rel])
                fr = frustration_heuristic(g, seed=rng)
            else:  # once per network and scenario object (:mod:`.memo`)
                g, fr = solved(scenario, rel, options["time_limit"], rng)
            value, labels = fr.value, fr.labels
            lab = dict(zip(g.nodes, np.asarray(labels).tolist(), strict=True))
            cache[rel] = (value, balance_score(g, value), triangle_balance(g), lab)
        value, bal, tri, lab = cache[rel]
        rows.append({"month": mo, "frustration": value, "balance": bal, "triangle_balance": tri})
        counts = pd.Series(lab).value_counts()
        sizes.update({(mo, a): int(counts[b]) for a, b in lab.items()})
    power = {}
    if options["power"]:
        _, _, power = council_power(tl, months[-1] if months else tl.months[-1], [],
                                    options["quota"])
        power = {k: {(m, p): v for (m, p), v in d.items() if m in set(months)}
                 for k, d in power.items()}
    rows_at = [ties_t.index(m) for m in months]
    tie_metrics = {k: v[rows_at] for k, v in requested_values(scenario, ties_t.weights).items()}
    return result_cls(engine="align", scenario_id=scenario_id, seed=seed,
                      summary={"lean": True, "months": len(months),
                               "method": options["method"]},
                      month=months[-1] if months else "", k=options["k"],
                      monthly=pd.DataFrame(rows, columns=["month", "frustration", "balance",
                                                          "triangle_balance"]),
                      _bloc_sizes=sizes, _power_monthly=power, series=ties_t,
                      tie_metrics=tie_metrics, tie_months=months)
