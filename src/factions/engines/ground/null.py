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
    frames = []
    for rp in regional_plans(scenario, scenario_id, o):
        rows = _plan_rows(rp.plan, o)
        frames.append(rows.assign(value=rows["value"] * rp.weight))
        for name, regional in (("deaths", "region_deaths"), ("sectarian_deaths",
                                                             "region_sectarian_deaths"),
                               ("activity", "region_activity")):
            sel = rows[rows["metric"] == name]
            frames.append(sel.assign(metric=f"{regional}.{rp.region}"))
    out = pd.concat(frames, ignore_index=True)
    national = ~out["metric"].str.startswith("region_")
    summed = (out[national].groupby(["metric", "month"], sort=False, as_index=False)["value"]
              .sum())
    return pd.concat([summed, out[~national]], ignore_index=True)[METRIC_COLUMNS]


def _plan_rows(plan, o) -> pd.DataFrame:
    groups = plan.groups
    n = np.array([g.share for g in groups])
    pops = [g.population for g in groups]
    k = len(groups)
    cross = np.array([[pops[i] != pops[j] for j in range(k)] for i in range(k)])
    within = {p: np.array([[pops[i] == p == pops[j] and i != j for j in range(k)]
                           for i in range(k)]) for p in dict.fromkeys(pops) if pops.count(p) > 1}
    months = list(plan.frame.index)
    m = len(months)
    allowed = plan.frame[[f"allowed_{g.id}" for g in groups]].to_numpy(float)
    legit = plan.frame[[f"legitimacy_{g.id}" for g in groups]].to_numpy(float)
    pi = (np.stack([plan.targets(mo) for mo in months]) if o["model"] == "II"
          else np.zeros((m, k, k)))
    kills = (n * allowed)[:, :, None] * pi * n[None, None, :]
    activity = (n * allowed * (1 - legit)).sum(axis=1)
    density = (plan.frame["cop_density"].to_numpy(float)
               + plan.frame["peacekeeper_density"].to_numpy(float))
    names = ["deaths", "sectarian_deaths", "activity", "arrests",
             *[f"deaths_within.{p}" for p in within], *[f"killed.{g.id}" for g in groups]]
    values = np.column_stack([kills.sum(axis=(1, 2)), (kills * cross).sum(axis=(1, 2)),
                              activity, activity * density,
                              *[(kills * w).sum(axis=(1, 2)) for w in within.values()],
                              *[kills[:, :, j].sum(axis=1) for j in range(k)]])
    return pd.DataFrame({"metric": np.tile(np.array(names, dtype=object), m),
                         "month": np.repeat(np.array(months, dtype=object), len(names)),
                         "value": values.ravel()})[METRIC_COLUMNS]
