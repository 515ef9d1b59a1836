"""The ground engine with its mechanism neutralised: what the mapping's inputs alone say.

No lattice, no activation threshold, no arrests, no movement: per month, each lattice
group ``g`` (share ``n_g``) kills members of ``h`` at the mass-action rate
``n_g a_g pi[g, h] n_h`` of the mapping (:mod:`.mapping`: ``a_g`` whether its armed actors
are active, ``pi`` the kill probabilities from engagement, hostility and polarisation), and
its activity is its grievance mass ``n_g a_g (1 - L_g)``. Deaths, sectarian deaths, deaths
within a population and deaths of each group are sums of those rates; arrests are activity
times the security forces' density. The units are not the engine's (rates per tick of
shares, not deaths per 100,000), so the null model is only compared between scenarios or
windows of the same metric, never with a constant. On regions each region's plan (its mix,
its forces, its effects) gives its rates, weighted by residents as the engine's. Used to
grade claims (``docs/claims.md``).
"""

from __future__ import annotations

__all__ = ["ground_null"]

from collections.abc import Mapping

import numpy as np
import pandas as pd

from factions.engines.base import METRIC_COLUMNS
from factions.engines.ground.engine import parse_options
from factions.engines.ground.mapping import plan_from_timeline
from factions.engines.ground.regions import regional_plans, uses_regions


def ground_null(scenario, scenario_id: str, options: Mapping | None = None) -> pd.DataFrame:
    """Null metrics of the ground engine (see the module docs), month by month; on
    regions (:mod:`.regions`) each region's from its own plan and mix, the national ones
    their residents-weighted sums, as the engine reports them."""
    o = parse_options(options or {})
    if not uses_regions(scenario, o["regions"]):
        plan = plan_from_timeline(scenario, scenario.timeline(scenario_id), o["cop_density"],
                                  o["kill_scale"])
        return _plan_rows(plan, o)
    names, months, national, regional = None, None, None, []
    comp = None
    for rp in regional_plans(scenario, scenario_id, o):
        names, months, values = _plan_values(rp.plan, o)
        weighted = values * rp.weight
        if national is None:
            national, comp = np.zeros_like(weighted), np.zeros_like(weighted)
        # compensated (Kahan) summation over the regions, in their order
        y = weighted - comp
        t = national + y
        comp = (t - national) - y
        national = t
        for name, label in (("deaths", "region_deaths"), ("sectarian_deaths",
                                                          "region_sectarian_deaths"),
                            ("activity", "region_activity")):
            regional.append((f"{label}.{rp.region}", values[:, names.index(name)]))
    m = len(months)
    metric = np.concatenate([np.tile(np.array(names, dtype=object), m)]
                            + [np.full(m, label, dtype=object) for label, _ in regional])
    month = np.concatenate([np.repeat(np.array(months, dtype=object), len(names))]
                           + [np.array(months, dtype=object)] * len(regional))
    value = np.concatenate([national.ravel()] + [v for _, v in regional])
    return pd.DataFrame({"metric": metric, "month": month, "value": value})[METRIC_COLUMNS]


def _plan_rows(plan, o) -> pd.DataFrame:
    names, months, values = _plan_values(plan, o)
    return pd.DataFrame({"metric": np.tile(np.array(names, dtype=object), len(months)),
                         "month": np.repeat(np.array(months, dtype=object), len(names)),
                         "value": values.ravel()})[METRIC_COLUMNS]


def _plan_values(plan, o) -> tuple[list[str], list[str], np.ndarray]:
    """``(metric names, months, months x names values)`` of one plan's null rates."""
    groups = plan.groups
    n = np.array([g.share for g in groups])
    pops = [g.population for g in groups]
    k = len(groups)
    cross = np.array([[pops[i] != pops[j] for j in range(k)] for i in range(k)])
    within = {p: np.array([[pops[i] == p == pops[j] and i != j for j in range(k)]
                           for i in range(k)]) for p in dict.fromkeys(pops) if pops.count(p) > 1}
    months = plan.months
    m = len(months)
    allowed = plan.matrix("allowed")
    legit = plan.matrix("legitimacy")
    pi = (np.stack([plan.targets(mo) for mo in months]) if o["model"] == "II"
          else np.zeros((m, k, k)))
    kills = (n * allowed)[:, :, None] * pi * n[None, None, :]
    activity = (n * allowed * (1 - legit)).sum(axis=1)
    density = plan.column("cop_density") + plan.column("peacekeeper_density")
    names = ["deaths", "sectarian_deaths", "activity", "arrests",
             *[f"deaths_within.{p}" for p in within], *[f"killed.{g.id}" for g in groups]]
    values = np.column_stack([kills.sum(axis=(1, 2)), (kills * cross).sum(axis=(1, 2)),
                              activity, activity * density,
                              *[(kills * w).sum(axis=(1, 2)) for w in within.values()],
                              *[kills[:, :, j].sum(axis=1) for j in range(k)]])
    return names, months, values
