"""From a scenario timeline to lattice parameters, month by month (documented mapping).

The lattice has one citizen group per population of the scenario, except that a
population with *movements* (``populations[].movements``: a movement inside the
population with its own militia) is cut into one group per movement plus one for the
rest, so that violence inside a community can be represented. An armed actor belongs to
the population whose identity labels (``identity`` and ``identities``) include its own
identity. For each month the mapping gives, per lattice group ``g``:

legitimacy ``L_g``
    ``1 - min(1, (1 - legitimacy) * 2 * hardship)`` of the population: Epstein's
    ``G = H (1 - L)`` with ``H ~ U(0, 1)`` rescaled by the population's hardship (0.5
    leaves Epstein's rule unchanged).
allowed ``a_g``
    1 while at least one armed actor of the group is active (a shock setting
    ``actors.<militia>.active = 0`` — a ceasefire — makes its group stand down), else 0;
    1 for a group without armed actors.
engagement ``e_g``
    fighter-weighted share of the group's active armed actors at war with the
    *incumbent* (``clip(-w(actor, incumbent), 0, 1)``): the actor whose rule the armed
    groups contest, ``meta.incumbent``, by default the owner of the largest
    intervention force, else of the largest police force, else the first government actor.
    A shock that turns a group's armed actors' ties to the incumbent positive
    disengages their fighters.
targets ``pi[g, h]``
    ``kill_scale * violence_scale * e_g * hostility(g, h) * (polarisation if g and h
    belong to different populations else 1)``, clipped to [0, 1]; ``hostility`` is the
    strongest negative tie between an active armed actor of ``g`` and an armed actor of
    ``h``. This is the probability that an active member of ``g`` kills a member of ``h``
    in vision (Epstein's Model II has 1). ``polarisation`` and ``violence_scale`` are the
    scenario parameters ``parameters.sectarian_polarisation`` and
    ``parameters.violence_scale`` when it defines them (else 1), so shocks act through them.
cops / peacekeepers
    the scenario's police forces (cops) and intervention forces (peacekeepers)
    (``forces[].role``, by default by the owner's kind), as densities
    ``cop_density * force(month) / total(first month)``, so that a surge raises the density.
"""

from __future__ import annotations

__all__ = ["GroupSpec", "LatticePlan", "plan_from_timeline", "lattice_groups", "incumbent"]

from dataclasses import dataclass

import numpy as np
import pandas as pd

from factions.errors import EngineError

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


def lattice_groups(scenario) -> list[GroupSpec]:
    """The lattice's groups: per population, one per movement, then the rest.

    Raises
    ------
    EngineError
        The scenario has no populations.
    """
    pops = {p.id: p for p in scenario.populations}
    if not pops:
        raise EngineError("ground: the scenario has no populations to put on the lattice")
    armed: dict[str, list[str]] = {p: [] for p in pops}
    for a in scenario.actors:
        pop = scenario.population_of(a.identity)
        if pop is not None and (a.kind in _ARMED_KINDS or a.fighters):
            armed[pop].append(a.id)
    total = sum(p.share for p in pops.values())
    out = []
    for pid, pop in pops.items():
        share = pop.share / total
        taken: set[str] = set()
        rest = 1.0
        for mv in pop.movements:
            out.append(GroupSpec(mv.id, pid, share * mv.share, tuple(mv.militias)))
            taken.update(mv.militias)
            rest -= mv.share
        out.append(GroupSpec(pid, pid, share * rest if pop.movements else share,
                             tuple(a for a in armed[pid] if a not in taken)))
    return out


def incumbent(scenario) -> str | None:
    """The actor whose rule the armed groups contest: ``meta.incumbent``, else the owner of
    the largest intervention force, else of the largest police force, else the first
    government actor (``None`` if there is none)."""
    if scenario.meta.incumbent:
        return scenario.meta.incumbent
    for role in ("intervention", "police"):
        best, size = None, -1.0
        for f in scenario.forces:
            if f.actor is not None and scenario.force_role(f) == role and f.series:
                peak = max(f.series.values())
                if peak > size:
                    best, size = f.actor, peak
        if best is not None:
            return best
    return next((a.id for a in scenario.actors if a.kind == "government"), None)


def plan_from_timeline(scenario, tl, cop_density: float, kill_scale: float,
                       evolved=None) -> LatticePlan:
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
    evolved : factions.engines.channels.TieSeries, optional
        The ties month by month as the align engine publishes them (free ties evolved under
        the scenario's dynamics); default: the timeline's own ties.

    Returns
    -------
    LatticePlan
        Groups, the incumbent and a months x parameters frame with columns
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
    groups = lattice_groups(scenario)
    power = incumbent(scenario)
    force_kind = {f.id: scenario.force_role(f) for f in scenario.forces}
    force_of_actor = {f.actor: f.id for f in scenario.forces}
    months = tl.months
    frame_cols = set(tl.frame().columns)

    def security(month: str) -> tuple[float, float]:
        forces = tl.forces_at(month)
        gov = sum(v for k, v in forces.items() if force_kind.get(k) == "police")
        ext = sum(v for k, v in forces.items() if force_kind.get(k) == "intervention")
        return gov, ext

    gov0, ext0 = security(months[0])
    total0 = gov0 + ext0
    rows = []
    for m in months:
        pops = tl.populations_at(m)
        act = tl.actors_at(m)
        forces = tl.forces_at(m)
        ties: dict[tuple[str, str], float] = {}
        for a, b, w in (tl if evolved is None else evolved).relations_at(m):
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
