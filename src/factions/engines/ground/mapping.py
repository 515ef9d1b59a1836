"""From a scenario timeline to lattice parameters, month by month (documented mapping).

The lattice has one citizen group per population group of the scenario, except that a
population hosting a *split* movement (Iraq: the Sadrist current inside the Shia
population, whose militia is the Mahdi Army) is cut in two so that intra-group violence
can be represented. For each month the mapping gives, per lattice group ``g``:

legitimacy ``L_g``
    ``1 - min(1, (1 - legitimacy) * 2 * hardship)`` of the population: Epstein's
    ``G = H (1 - L)`` with ``H ~ U(0, 1)`` rescaled by the population's hardship (0.5
    leaves Epstein's rule unchanged).
allowed ``a_g``
    1 while at least one armed actor of the group is active (the Sadr ceasefire sets
    ``actors.mahdi_army.active = 0``: the Sadrists stand down and go quiet), else 0.
engagement ``e_g``
    fighter-weighted share of the group's armed actors at war with the intervening power
    (``clip(-w(actor, power), 0, 1)``, active actors only). The Awakening flips the ties of
    the 1920 Revolution Brigades, the Islamic Army and the Sons of Iraq to the US positive,
    so most Sunni fighters stop fighting and only ISI / Baathist fighters remain engaged.
targets ``pi[g, h]``
    ``kill_scale * violence_scale * e_g * hostility(g, h) * (polarisation if g and h
    differ in identity else 1)``, clipped to [0, 1]; ``hostility`` is the strongest
    negative tie between an active armed actor of ``g`` and an armed actor of ``h``. This
    is the probability that an active member of ``g`` kills a member of ``h`` in vision
    (Epstein's Model II has 1). War on Iran (Shia ties to the US negative, Shia legitimacy
    down, polarisation up) and Workers Unite (polarisation and hardship down) act through
    these terms.
cops / peacekeepers
    security forces of the government (cops) and of the intervening state
    (peacekeepers), as densities ``cop_density * force(month) / total(first month)``, so
    that the surge raises the density.
"""

from __future__ import annotations

__all__ = ["GroupSpec", "LatticePlan", "plan_from_timeline", "SPLITS"]

from dataclasses import dataclass

import numpy as np
import pandas as pd

from factions.errors import EngineError

#: population -> (new group id, party whose seat share sizes it, its militias)
SPLITS = {"shia": ("sadrist", "sadrists", ("mahdi_army",))}
#: identity spellings of armed actors that belong to a population group
_IDENTITY_ALIAS = {"sunni_jihadist": "sunni", "baathist": "sunni"}
_ARMED_KINDS = ("militia", "government")


@dataclass(frozen=True)
class GroupSpec:
    """One lattice group: id, population it comes from, share of citizens, armed actors."""

    id: str
    population: str
    share: float
    armed: tuple[str, ...]


@dataclass
class LatticePlan:
    """Monthly lattice parameters; ``frame`` has one row per month (see module docs)."""

    groups: list[GroupSpec]
    power: str | None
    frame: pd.DataFrame

    def targets(self, month: str) -> np.ndarray:
        g = len(self.groups)
        row = self.frame.loc[month]
        return np.array([[row[f"target_{a.id}_{b.id}"] for b in self.groups]
                         for a in self.groups]).reshape(g, g)

    def vector(self, prefix: str, month: str) -> np.ndarray:
        row = self.frame.loc[month]
        return np.array([row[f"{prefix}_{g.id}"] for g in self.groups], dtype=float)


def _groups(scenario) -> list[GroupSpec]:
    pops = {p.id: p for p in scenario.populations}
    if not pops:
        raise EngineError("ground: the scenario has no populations to put on the lattice")
    actors = {a.id: a for a in scenario.actors}
    armed: dict[str, list[str]] = {p: [] for p in pops}
    for a in scenario.actors:
        ident = _IDENTITY_ALIAS.get(a.identity, a.identity)
        if ident in armed and (a.kind in _ARMED_KINDS or a.fighters):
            armed[ident].append(a.id)
    total = sum(p.share for p in pops.values())
    out = []
    for pid, pop in pops.items():
        share = pop.share / total
        split = SPLITS.get(pid)
        if split and split[1] in actors and all(m in actors for m in split[2]):
            gid, party, militias = split
            same = [a for a in scenario.actors if a.identity == pid and a.seats]
            seats = sum(a.seats for a in same)
            frac = actors[party].seats / seats if seats and actors[party].seats else 0.25
            rest = tuple(a for a in armed[pid] if a not in militias)
            out.append(GroupSpec(gid, pid, share * frac, tuple(militias)))
            out.append(GroupSpec(pid, pid, share * (1 - frac), rest))
        else:
            out.append(GroupSpec(pid, pid, share, tuple(armed[pid])))
    return out


def _power(scenario) -> str | None:
    """The intervening state: owner of the largest force series among state actors."""
    kinds = {a.id: a.kind for a in scenario.actors}
    best, size = None, -1.0
    for f in scenario.forces:
        if kinds.get(f.actor) == "state" and f.series:
            peak = max(f.series.values())
            if peak > size:
                best, size = f.actor, peak
    return best


def plan_from_timeline(scenario, tl, cop_density: float, kill_scale: float) -> LatticePlan:
    """Lattice parameters for every month of a scenario timeline (see the module docs).

    Parameters
    ----------
    scenario : factions.scenario.Scenario
    tl : factions.scenario.Timeline
        ``scenario.timeline(scenario_id)``: the shocks already applied.
    cop_density : float
        Density of all security forces (government's + intervening state's) in the first
        month; later months scale with the forces' size.
    kill_scale : float
        Kill probability of an active, fully engaged agent facing a fully hostile group.

    Returns
    -------
    LatticePlan
        Groups, the intervening power and a months x parameters frame with columns
        ``legitimacy_<g>``, ``allowed_<g>``, ``engaged_<g>``, ``target_<g>_<h>``,
        ``cop_density`` and ``peacekeeper_density``.

    Raises
    ------
    EngineError
        The scenario has no populations.

    Notes
    -----
    ``L_g`` enters Epstein's grievance ``G = H (1 - L_g)``; ``target_<g>_<h>`` is the
    Model II kill probability (1 in Epstein's two-group runs). The mapping is a modelling
    choice, documented in ``docs/models/ground.md``; it is not fitted to data.

    References
    ----------
    .. [1] Epstein, J. M. (2002). Modeling civil violence: An agent-based computational
       approach. PNAS 99(suppl. 3), 7243-7250.
    """
    groups = _groups(scenario)
    power = _power(scenario)
    kinds = {a.id: a.kind for a in scenario.actors}
    force_kind = {f.id: kinds.get(f.actor) for f in scenario.forces}
    force_of_actor = {f.actor: f.id for f in scenario.forces}
    months = tl.months
    frame_cols = set(tl.frame().columns)

    def security(month: str) -> tuple[float, float]:
        forces = tl.forces_at(month)
        gov = sum(v for k, v in forces.items() if force_kind.get(k) == "government")
        ext = sum(v for k, v in forces.items() if force_kind.get(k) == "state")
        return gov, ext

    gov0, ext0 = security(months[0])
    total0 = gov0 + ext0
    rows = []
    for m in months:
        pops = tl.populations_at(m)
        act = tl.actors_at(m)
        forces = tl.forces_at(m)
        ties: dict[tuple[str, str], float] = {}
        for a, b, w in tl.relations_at(m):
            ties[(a, b)] = ties[(b, a)] = float(w)
        pol = tl.value("parameters.sectarian_polarisation", m) if (
            "parameters.sectarian_polarisation" in frame_cols) else 1.0
        vscale = tl.value("parameters.violence_scale", m) if (
            "parameters.violence_scale" in frame_cols) else 1.0

        fighters: dict[str, float] = {}
        active: dict[str, bool] = {}
        for g in groups:
            for a in g.armed:
                f = float(act.at[a, "fighters"]) if a in act.index else np.nan
                if np.isnan(f) and a in force_of_actor:
                    f = float(forces.get(force_of_actor[a], 0.0))
                fighters[a] = 0.0 if np.isnan(f) else f
                active[a] = a in act.index and float(act.at[a, "active"]) > 0.5

        row: dict[str, float] = {"month": m}
        engaged = {}
        for g in groups:
            p = pops.loc[g.population]
            grievance_scale = min(1.0, (1.0 - p["legitimacy"]) * 2.0 * p["hardship"])
            row[f"legitimacy_{g.id}"] = 1.0 - grievance_scale
            row[f"allowed_{g.id}"] = float(not g.armed or any(active[a] for a in g.armed))
            weight = sum(fighters[a] for a in g.armed)
            war = sum(fighters[a] * active[a] * min(1.0, max(0.0, -ties.get((a, power), 0.0)))
                      for a in g.armed)
            engaged[g.id] = war / weight if weight > 0 else 0.0
            row[f"engaged_{g.id}"] = engaged[g.id]
        for g in groups:
            for h in groups:
                if g.id == h.id:
                    row[f"target_{g.id}_{h.id}"] = 0.0
                    continue
                hostility = max([max(0.0, -ties.get((a, b), 0.0)) for a in g.armed
                                 if active[a] for b in h.armed] or [0.0])
                cross = pol if g.population != h.population else 1.0
                pi = kill_scale * vscale * engaged[g.id] * hostility * cross
                row[f"target_{g.id}_{h.id}"] = float(min(1.0, max(0.0, pi)))
        gov, ext = security(m)
        row["cop_density"] = cop_density * gov / total0 if total0 > 0 else cop_density
        row["peacekeeper_density"] = cop_density * ext / total0 if total0 > 0 else 0.0
        rows.append(row)
    return LatticePlan(groups, power, pd.DataFrame(rows).set_index("month"))
