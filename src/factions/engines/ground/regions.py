"""The ground engine on regions: one lattice per region, sized by its residents.

Design choice: a region is its own torus, not a part of one shared lattice. The kernel's
forces and parameters are per lattice (one count of cops, one legitimacy per group), so
separate lattices are what lets troop density, population mix and the timing of shocks
differ by region without touching the kernel; agents do not cross regions (no violence
or flight between regions on the lattice — displacement between regions is the
displacement engine's business). To keep the cost of a run that of one national lattice,
the sites of the ``grid`` option are shared out among the regions in proportion to their
residents: region ``r`` gets a square of side ``round(sqrt(w_r W H))`` (at least
``2 max(v, v*) + 1`` so that vision does not wrap round the torus, and at least the
``region_min_side`` option), so the total is W·H up to that rounding and the floor.

On region ``r``'s lattice (see :mod:`factions.engines.ground.mapping` for the mapping
itself, applied to the region's timeline, :meth:`Scenario.timeline` with ``region=``):

* the citizen groups have the region's ``mix`` (a movement keeps its share of its
  population);
* the forces are the region's part (``forces[].regions``), and their density is
  ``cop_density`` times the forces per resident there over the national forces per
  resident in the first month;
* the effects that name the region apply there only (e.g. the month an armed group turns
  in that region).

Deaths are counted per 100,000 lattice citizens in each region (``region_deaths.<r>``);
the national figures are the residents-weighted means of the regional ones, so that
``deaths`` is still per 100,000 people of the country.
"""

from __future__ import annotations

__all__ = ["RegionPlan", "regional_plans", "lattice_sides", "uses_regions", "region_groups",
           "regional_fit"]

from dataclasses import dataclass, replace

import numpy as np

from factions.engines.ground.mapping import (
    GroupSpec,
    LatticePlan,
    lattice_groups,
    plan_from_timeline,
)


@dataclass
class RegionPlan:
    """One region's lattice: id, share of the country's residents, side, monthly plan."""

    region: str
    weight: float
    side: int
    plan: LatticePlan


def uses_regions(scenario, mode: str) -> bool:
    """Whether the engine runs per region: ``mode`` ``"auto"`` when the scenario has at
    least two regions and every one gives its population and mix; ``"off"`` never."""
    if mode == "off":
        return False
    regions = scenario.regions
    return len(regions) >= 2 and all(r.population and r.mix for r in regions)


def region_groups(scenario, region) -> list[GroupSpec]:
    """The lattice groups with the region's shares: its mix of populations, each
    population cut by its movements as nationally."""
    groups = lattice_groups(scenario)
    per_pop: dict[str, float] = {}
    for g in groups:
        per_pop[g.population] = per_pop.get(g.population, 0.0) + g.share
    out = [replace(g, share=region.mix.get(g.population, 0.0) * g.share / per_pop[g.population]
                   if per_pop[g.population] > 0 else 0.0) for g in groups]
    total = sum(g.share for g in out)
    return [replace(g, share=g.share / total) for g in out] if total > 0 else out


def lattice_sides(weights, sites: int, min_side: int) -> list[int]:
    """Side of each region's square lattice: ``round(sqrt(w * sites))``, at least
    ``min_side``."""
    return [max(int(min_side), int(round(np.sqrt(w * sites)))) for w in weights]


def regional_plans(scenario, scenario_id: str, options: dict, evolved=None
                   ) -> list[RegionPlan]:
    """Every region's lattice plan for one named scenario (see the module docs);
    ``evolved`` (the align engine's ties, optional) moves every region's ties by what the
    dynamics changed (:func:`~factions.engines.ground.mapping.plan_from_timeline`)."""
    pops = np.array([float(r.population) for r in scenario.regions])
    weights = pops / pops.sum()
    w, h = options["grid"]
    floor = max(int(options["region_min_side"]),
                2 * max(int(options["vision"]), int(options["cop_vision"])) + 1)
    sides = lattice_sides(weights, w * h, floor)
    national = scenario.timeline(scenario_id)
    kinds = {f.id: scenario.force_role(f) for f in scenario.forces}
    first = national.forces_at(national.months[0])
    total0 = sum(v for k, v in first.items() if kinds.get(k) in ("police", "intervention"))
    out = []
    for region, wt, side in zip(scenario.regions, weights, sides, strict=True):
        tl = scenario.timeline(scenario_id, region=region.id)
        plan = plan_from_timeline(scenario, tl, options["cop_density"], options["kill_scale"],
                                  groups=region_groups(scenario, region),
                                  reference=total0 * wt, evolved=evolved)
        out.append(RegionPlan(region.id, float(wt), side, plan))
    return out


def regional_fit(scenario, monthly, plans: list[RegionPlan]):
    """Each region's model deaths against its observed series (``compares: ground.deaths``
    with ``region:``), with one scale factor for all regions.

    Adds to ``monthly`` the columns ``region_observed.<r>`` and ``region_deaths_scaled.<r>``
    (model deaths per 100,000 times the region's residents / 100,000 times the one factor
    that makes the model's total over the regions and common months the observed total:
    one mapping from lattice to people for the whole country, so that the regions' levels
    are compared too). Returns rows ``statistic`` (``pearson.<r>``, ``spearman.<r>``,
    ``region_scale_factor``), ``value``, ``n_months``.
    """
    import pandas as pd
    from scipy import stats

    rows = []
    residents = {r.id: float(r.population) for r in scenario.regions}
    observed = {o.region: o for o in scenario.observations
                if o.compares == "ground.deaths" and o.region is not None}
    months = monthly["month"].tolist()
    added: dict[str, np.ndarray] = {}
    sim_total = obs_total = 0.0
    for rp in plans:
        ob = observed.get(rp.region)
        ser = (np.array([np.nan if ob.series.get(m) is None else float(ob.series[m])
                         for m in months]) if ob is not None else np.full(len(months), np.nan))
        added[f"region_observed.{rp.region}"] = ser
        both = ~np.isnan(ser)
        if both.sum() >= 3:
            sim = monthly[f"region_deaths.{rp.region}"].to_numpy(float)[both]
            obs = ser[both]
            sim_total += float(np.sum(sim * residents[rp.region] / 1e5))
            obs_total += float(np.sum(obs))
            if np.ptp(sim) > 0 and np.ptp(obs) > 0:
                n = int(both.sum())
                rows.append((f"pearson.{rp.region}", float(stats.pearsonr(sim, obs)[0]), n))
                rows.append((f"spearman.{rp.region}", float(stats.spearmanr(sim, obs)[0]), n))
    factor = obs_total / sim_total if sim_total > 0 else np.nan
    for rp in plans:
        added[f"region_deaths_scaled.{rp.region}"] = (
            monthly[f"region_deaths.{rp.region}"].to_numpy(float) * residents[rp.region] / 1e5
            * factor)
    # the observed columns first, then the scaled ones, as one block of new columns
    monthly[list(added)] = np.column_stack(list(added.values()))
    if sim_total > 0:
        rows.append(("region_scale_factor", float(factor), len(monthly)))
    return pd.DataFrame.from_records(rows, columns=["statistic", "value", "n_months"])
