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
    1 while at least one armed actor of the group is active (``actors.<id>.active`` > 0;
    a shock setting ``actors.<militia>.active = 0`` — a ceasefire — makes its group stand
    down), else 0; 1 for a group without armed actors.
engagement ``e_g``
    fighter-weighted share of the group's armed actors at war with the *incumbent*, each
    actor's fighters counted at its activity level ``actors.<id>.active`` in [0, 1] (a
    partial ceasefire that leaves a share of a militia fighting sets it between 0 and 1):
    ``sum_a f_a act_a clip(-w(a, incumbent), 0, 1) / sum_a f_a``; the actor whose rule the armed
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
    On a region's lattice (:mod:`factions.engines.ground.regions`) ``force(month)`` is the
    region's part and ``total(first month)`` the national total times the region's share
    of the residents, so the density follows the forces per resident.
"""

from __future__ import annotations

__all__ = ["GroupSpec", "LatticePlan", "plan_from_timeline", "lattice_groups", "incumbent"]

from dataclasses import dataclass

import numpy as np
import pandas as pd

from factions.errors import EngineError
from factions.scenario.params import relation_key

_ARMED_KINDS = ("militia", "government")


@dataclass(frozen=True)
class GroupSpec:
    """One lattice group: id, population it comes from, share of citizens, armed actors."""

    id: str
    population: str
    share: float
    armed: tuple[str, ...]


class LatticePlan:
    """Monthly lattice parameters: one array per parameter over the months (see the
    module docs for the names); :attr:`frame` shows them as months x parameters."""

    def __init__(self, groups: list[GroupSpec], power: str | None, months: list[str],
                 columns: dict[str, np.ndarray]):
        self.groups = groups
        self.power = power
        self.months = list(months)
        self._columns = columns
        self._row = {m: i for i, m in enumerate(self.months)}
        ids = [g.id for g in groups]
        self._targets = (np.stack([columns[f"target_{a}_{b}"] for a in ids for b in ids],
                                  axis=1).reshape(len(self.months), len(ids), len(ids))
                         if ids else np.zeros((len(self.months), 0, 0)))
        self._vectors: dict[str, np.ndarray] = {}
        self._frame: pd.DataFrame | None = None

    @property
    def frame(self) -> pd.DataFrame:
        """Months x parameters (built on first use; do not modify)."""
        if self._frame is None:
            self._frame = pd.DataFrame(self._columns, index=pd.Index(self.months, name="month"))
        return self._frame

    def column(self, name: str) -> np.ndarray:
        """One parameter over the months (a copy)."""
        return np.array(self._columns[name], dtype=float)

    def matrix(self, prefix: str) -> np.ndarray:
        """Months x groups of ``<prefix>_<group>`` (e.g. ``legitimacy``; a copy)."""
        if prefix not in self._vectors:
            self._vectors[prefix] = np.column_stack(
                [self._columns[f"{prefix}_{g.id}"] for g in self.groups]).astype(float)
        return self._vectors[prefix].copy()

    def targets(self, month: str) -> np.ndarray:
        return self._targets[self._row[month]].copy()

    def vector(self, prefix: str, month: str) -> np.ndarray:
        if prefix not in self._vectors:
            self.matrix(prefix)
        return self._vectors[prefix][self._row[month]].copy()


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
                       groups: list[GroupSpec] | None = None,
                       reference: float | None = None,
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
    groups : list of GroupSpec, optional
        The lattice groups (default :func:`lattice_groups`; a region's lattice passes its
        own shares).
    reference : float, optional
        The security forces that make the density ``cop_density`` (default: all police
        and intervention forces of the timeline's first month).
    evolved : factions.engines.channels.TieSeries, optional
        The ties month by month as the align engine publishes them (free ties evolved under
        the scenario's dynamics). Each tie of ``tl`` moves by what the dynamics changed,
        ``w_tl + (w_evolved - w_typed)`` clipped to [-1, 1]: on the national timeline that
        is the evolved tie itself; on a region's it keeps the region's own ties. Default:
        the timeline's own ties.

    Returns
    -------
    LatticePlan
        Groups, the incumbent and, month by month (``.frame`` as a table), the parameters
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
    groups = lattice_groups(scenario) if groups is None else groups
    power = incumbent(scenario)
    months = tl.months
    n = len(months)
    at, table = tl.table()

    def column(name: str, default: float) -> np.ndarray:
        return table[:, at[name]].copy() if name in at else np.full(n, default)

    if evolved is not None and list(evolved.months) != months:
        raise EngineError(f"the evolved ties cover {evolved.months[0]}..{evolved.months[-1]}, "
                          f"not the timeline's {months[0]}..{months[-1]}")

    ties: dict[tuple[str, str], np.ndarray] = {}

    def tie(a: str, b: str | None) -> np.ndarray:  # read only; computed once per pair
        if b is None or a == b:
            return np.zeros(n)
        if (a, b) not in ties:
            own = column(relation_key(a, b), 0.0)
            if evolved is not None and a in evolved.actors and b in evolved.actors:
                own = np.clip(own + evolved.tie(a, b) - evolved.tie(a, b, typed=True),
                              -1.0, 1.0)
            ties[(a, b)] = own
        return ties[(a, b)]

    forces = {f.id: column(f"forces.{f.id}", 0.0) for f in scenario.forces}
    role = {f.id: scenario.force_role(f) for f in scenario.forces}
    force_of_actor = {f.actor: f.id for f in scenario.forces}
    gov = sum((v for k, v in forces.items() if role[k] == "police"), np.zeros(n))
    ext = sum((v for k, v in forces.items() if role[k] == "intervention"), np.zeros(n))
    total0 = gov[0] + ext[0] if reference is None else float(reference)
    pol = column("parameters.sectarian_polarisation", 1.0)
    vscale = column("parameters.violence_scale", 1.0)

    fighters: dict[str, np.ndarray] = {}
    level: dict[str, np.ndarray] = {}
    for a in dict.fromkeys(a for g in groups for a in g.armed):
        f = column(f"actors.{a}.fighters", np.nan)
        if a in force_of_actor:
            f = np.where(np.isnan(f), forces[force_of_actor[a]], f)
        fighters[a] = np.nan_to_num(f, nan=0.0)
        level[a] = np.clip(column(f"actors.{a}.active", 0.0), 0.0, 1.0)

    cols: dict[str, np.ndarray] = {}
    engaged = {}
    for g in groups:
        grievance_scale = np.minimum(1.0, (1.0 - column(f"populations.{g.population}.legitimacy",
                                                        0.0))
                                     * 2.0 * column(f"populations.{g.population}.hardship", 0.0))
        cols[f"legitimacy_{g.id}"] = 1.0 - grievance_scale
        cols[f"allowed_{g.id}"] = (np.ones(n) if not g.armed else
                                   np.any([level[a] > 0 for a in g.armed], axis=0).astype(float))
        weight = sum((fighters[a] for a in g.armed), np.zeros(n))
        war = sum((fighters[a] * level[a] * np.clip(-tie(a, power), 0.0, 1.0) for a in g.armed),
                  np.zeros(n))
        engaged[g.id] = np.divide(war, weight, out=np.zeros(n), where=weight > 0)
        cols[f"engaged_{g.id}"] = engaged[g.id]
    for g in groups:
        for h in groups:
            if g.id == h.id:
                cols[f"target_{g.id}_{h.id}"] = np.zeros(n)
                continue
            hostility = np.zeros(n)
            for a in g.armed:
                for b in h.armed:
                    hostility = np.maximum(hostility, np.where(
                        level[a] > 0, np.maximum(0.0, -tie(a, b)), 0.0))
            cross = pol if g.population != h.population else 1.0
            pi = kill_scale * vscale * engaged[g.id] * hostility * cross
            cols[f"target_{g.id}_{h.id}"] = np.minimum(1.0, np.maximum(0.0, pi))
    cols["cop_density"] = cop_density * gov / total0 if total0 > 0 else np.full(n, cop_density)
    cols["peacekeeper_density"] = (cop_density * ext / total0 if total0 > 0 else np.zeros(n))
    return LatticePlan(groups, power, months, cols)
