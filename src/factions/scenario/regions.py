"""Regions of a scenario: who lives where, where the forces are, and which effects apply.

A scenario's ``regions`` partition the country: each has its ``population`` (residents at
the start of the period) and its ``mix`` (the share of each of the scenario's populations
among them). A region's *timeline* (:meth:`factions.scenario.Scenario.timeline` with
``region=``) is the national one with three changes:

1. **Forces are split.** ``forces.<id>`` becomes the force's part in the region: the
   national value (after the effects without ``regions``) times the force's share there,
   ``forces[].regions`` — a step function through the given months, the first shares also
   holding before them. A force without ``regions`` is spread like the residents (the
   region's share of the country's population): an assumption, stated in the docs.
2. **Fighters are split.** ``actors.<id>.fighters`` becomes the part of the actor's
   fighters living in the region: in proportion to the residents of the actor's
   population (the population whose identity labels include the actor's identity) there,
   or to all residents for an actor of no population. Ratios between the armed actors of
   one population (what the ground engine's engagement uses) are unchanged unless a force
   with its own ``regions`` shares (an armed actor's force) enters them.
3. **The region's own effects apply.** An effect with ``regions`` applies only in the
   regional timelines of those regions (after the split, so an effect on a force changes
   the region's part); the national timeline leaves it out.

The split is done on the months × parameters frame of :mod:`factions.scenario.params`,
with plain arrays; nothing here knows any conflict.
"""

from __future__ import annotations

__all__ = ["region_populations", "population_presence", "force_shares", "split_frame",
           "national_effects", "regional_effects"]

import numpy as np
import pandas as pd

from factions.errors import Problem, ScenarioError
from factions.scenario.months import month_index


def region_populations(model) -> dict[str, float]:
    """``{region: residents}``; :class:`ScenarioError` if a region gives no population."""
    missing = [r.id for r in model.regions if r.population is None]
    if missing:
        raise ScenarioError([Problem(getattr(model, "file", "<memory>"), None, None, "regions",
                                     "regional timelines need every region's population "
                                     f"(missing: {', '.join(missing)})")])
    return {r.id: float(r.population) for r in model.regions}


def population_presence(model) -> dict[str, dict[str, float]]:
    """``{population: {region: share of that population's residents living there}}``.

    A region without a ``mix`` counts its residents in proportion to the national
    population shares. A population living nowhere gets the residents' distribution.
    """
    pops = region_populations(model)
    total = sum(pops.values())
    national = {g.id: g.share for g in model.populations}
    norm = sum(national.values()) or 1.0
    out: dict[str, dict[str, float]] = {}
    for g in model.populations:
        people = {}
        for r in model.regions:
            share = r.mix.get(g.id, 0.0) if r.mix else national[g.id] / norm
            people[r.id] = share * pops[r.id]
        s = sum(people.values())
        out[g.id] = ({k: v / s for k, v in people.items()} if s > 0 else
                     {k: v / total for k, v in pops.items()})
    return out


def force_shares(model, force, months: list[str]) -> pd.DataFrame:
    """Months × regions: the force's share in each region (rows sum to 1).

    ``force.regions`` as a step function (the first shares also hold before their month);
    without it, the regions' shares of the residents.
    """
    ids = [r.id for r in model.regions]
    pops = region_populations(model)
    total = sum(pops.values())
    if not force.regions:
        row = np.array([pops[r] / total if total > 0 else 1.0 / len(ids) for r in ids])
        return pd.DataFrame(np.tile(row, (len(months), 1)), index=months, columns=ids)
    keys = sorted(force.regions, key=month_index)
    at = np.array([month_index(k) for k in keys])
    table = np.array([[force.regions[k].get(r, 0.0) for r in ids] for k in keys])
    table /= table.sum(axis=1, keepdims=True)
    idx = np.array([month_index(m) for m in months])
    pos = np.clip(np.searchsorted(at, idx, side="right") - 1, 0, None)
    return pd.DataFrame(table[pos], index=months, columns=ids)


def _force_shares(model, force, months: list[str]) -> dict[str, np.ndarray]:
    """:func:`force_shares` by region as arrays, kept on the model per force and months
    (a scenario's forces and regions do not change once it is built)."""
    cache = getattr(model, "_derived", None)
    cache = {} if cache is None else cache
    key = ("force_shares", force.id, months[0], months[-1], len(months))
    if key not in cache:
        fs = force_shares(model, force, months)
        cache[key] = {r: fs[r].to_numpy(float) for r in fs.columns}
    return cache[key]


def split_frame(model, frame: pd.DataFrame, region: str) -> pd.DataFrame:
    """The region's part of the forces and fighters in a months × parameters frame."""
    months = frame.index.tolist()
    cols = {c: j for j, c in enumerate(frame.columns.tolist())}
    table = frame.to_numpy(dtype=float, copy=True)
    for f in model.forces:
        j = cols.get(f"forces.{f.id}")
        if j is not None:
            table[:, j] *= _force_shares(model, f, months)[region]
    presence = population_presence(model)
    pops = region_populations(model)
    everyone = pops[region] / (sum(pops.values()) or 1.0)
    owner = {}
    for g in model.populations:
        for label in g.labels:
            owner.setdefault(label, g.id)
    for a in model.actors:
        j = cols.get(f"actors.{a.id}.fighters")
        if j is not None:
            pop = owner.get(a.identity)
            table[:, j] *= presence[pop][region] if pop is not None else everyone
    return pd.DataFrame(table, index=frame.index, columns=frame.columns)


def _keep(shocks, keep) -> list:
    out = []
    for sh in shocks:
        effects = [e for e in sh.effects if keep(e)]
        if effects:
            out.append(sh.model_copy(update={"effects": effects}))
    return out


def national_effects(shocks) -> list:
    """The shocks with only their effects that apply everywhere (no ``regions``)."""
    return _keep(shocks, lambda e: e.regions is None)


def regional_effects(shocks, region: str) -> list:
    """The shocks with only their effects that name ``region``."""
    return _keep(shocks, lambda e: e.regions is not None and region in e.regions)
