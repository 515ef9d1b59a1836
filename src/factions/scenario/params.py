"""The named parameters that shocks can change, their base values by month and domains.

Names are dotted paths into the scenario:

=========================================  =============================  ==============
name                                       exists when                    domain
=========================================  =============================  ==============
``actors.<id>.capability``                 always                         [0, inf)
``actors.<id>.active``                     always (base 1)                [0, 1]
``actors.<id>.fighters`` / ``.seats``      the actor gives them           [0, inf)
``positions.<actor>.<issue>.position``     a position row exists          [0, 100]
``positions.<actor>.<issue>.salience``     a position row exists          [0, 1]
``relations.<a>.<b>``                      any two distinct actors        [-1, 1]
``populations.<g>.share|legitimacy|hardship``  always                     [0, 1]
``forces.<id>``                            always                         [0, inf)
``parameters.<id>``                        always                         (-inf, inf)
``locations.<id>.restriction|hardship``    always                         [0, 1]
``locations.<id>.population``              the location gives it          [0, inf)
=========================================  =============================  ==============

A relation's value at a month is the weight of the dated tie active then (0 = no tie);
``relations.a.b`` and ``relations.b.a`` name the same tie.
"""

from __future__ import annotations

__all__ = ["ParamSpec", "parameter_specs", "canonical_param", "base_frame", "relation_key",
           "effect_param", "effect_name", "strength_index"]

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from factions.scenario.months import month_index, month_range
from factions.scenario.schema import ScenarioModel

INF = math.inf


@dataclass(frozen=True)
class ParamSpec:
    name: str
    lo: float
    hi: float


def relation_key(a: str, b: str) -> str:
    x, y = sorted((a, b))
    return f"relations.{x}.{y}"


def parameter_specs(model: ScenarioModel) -> dict[str, ParamSpec]:
    """Every parameter of the scenario except relations (which exist for any actor pair)."""
    specs: list[ParamSpec] = []
    for a in model.actors:
        specs += [ParamSpec(f"actors.{a.id}.capability", 0, INF),
                  ParamSpec(f"actors.{a.id}.active", 0, 1)]
        if a.fighters is not None:
            specs.append(ParamSpec(f"actors.{a.id}.fighters", 0, INF))
        if a.seats is not None:
            specs.append(ParamSpec(f"actors.{a.id}.seats", 0, INF))
    for p in model.positions:
        specs += [ParamSpec(f"positions.{p.actor}.{p.issue}.position", 0, 100),
                  ParamSpec(f"positions.{p.actor}.{p.issue}.salience", 0, 1)]
    for g in model.populations:
        specs += [ParamSpec(f"populations.{g.id}.{f}", 0, 1)
                  for f in ("share", "legitimacy", "hardship")]
    specs += [ParamSpec(f"forces.{f.id}", 0, INF) for f in model.forces]
    specs += [ParamSpec(f"parameters.{p.id}", -INF, INF) for p in model.parameters]
    for loc in model.locations:
        specs += [ParamSpec(f"locations.{loc.id}.restriction", 0, 1),
                  ParamSpec(f"locations.{loc.id}.hardship", 0, 1)]
        if loc.population is not None:
            specs.append(ParamSpec(f"locations.{loc.id}.population", 0, INF))
    return {s.name: s for s in specs}


def strength_index(shock, index: int) -> int:
    """The index of the effect whose strength the ``index``-th effect uses: effects of one
    shock that share an ``id`` share one strength (the first one's)."""
    eff = shock.effects[index]
    if eff.id is None:
        return index
    return next(j for j, e in enumerate(shock.effects) if e.id == eff.id)


def effect_name(shock, index: int) -> str:
    """The parameter name of a shock's ``index``-th effect strength."""
    eff = shock.effects[index]
    return f"shocks.{shock.id}.{eff.id if eff.id else index}"


def effect_param(name: str, model: ScenarioModel,
                 specs: dict[str, ParamSpec]) -> tuple[str, int, ParamSpec]:
    """Resolve ``shocks.<shock>.<effect id or index>`` to (shock id, effect index, domain).

    The domain of a ``set`` is the changed parameter's; a ``scale`` is >= 0; a ``shift``
    is unbounded.

    Raises
    ------
    KeyError
        With a message saying why the name is not an effect strength.
    """
    parts = name.split(".")
    if len(parts) != 3 or parts[0] != "shocks":
        raise KeyError(f"unknown parameter {name!r}: an effect strength is "
                       "shocks.<shock>.<effect id or index>")
    shock = next((sh for sh in model.shocks if sh.id == parts[1]), None)
    if shock is None:
        raise KeyError(f"unknown parameter {name!r}: no shock {parts[1]!r}")
    index = next((j for j, e in enumerate(shock.effects) if e.id == parts[2]), None)
    if index is None and parts[2].isdigit() and int(parts[2]) < len(shock.effects):
        index = int(parts[2])
    if index is None:
        known = ", ".join(effect_name(shock, j) for j in range(len(shock.effects)))
        raise KeyError(f"unknown parameter {name!r}: shock {shock.id!r} has effects {known}")
    eff = shock.effects[index]
    canon = effect_name(shock, index)
    if eff.op == "set":
        _, target = canonical_param(eff.param, model, specs)
        return shock.id, index, ParamSpec(canon, target.lo, target.hi)
    if eff.op == "scale":
        return shock.id, index, ParamSpec(canon, 0, INF)
    return shock.id, index, ParamSpec(canon, -INF, INF)


def canonical_param(name: str, model: ScenarioModel,
                    specs: dict[str, ParamSpec]) -> tuple[str, ParamSpec]:
    """Resolve ``name`` to its canonical form and domain.

    Raises
    ------
    KeyError
        With a message saying why the parameter does not exist.
    """
    if name in specs:
        return name, specs[name]
    parts = name.split(".")
    if parts[0] == "relations":
        if len(parts) != 3:
            raise KeyError(f"unknown parameter {name!r}: a relation is relations.<actor>.<actor>")
        ids = {a.id for a in model.actors}
        missing = [p for p in parts[1:] if p not in ids]
        if missing:
            raise KeyError(f"unknown parameter {name!r}: no actor {missing[0]!r}")
        if parts[1] == parts[2]:
            raise KeyError(f"unknown parameter {name!r}: an actor has no tie to itself")
        key = relation_key(parts[1], parts[2])
        return key, ParamSpec(key, -1, 1)
    sections = ("actors", "positions", "relations", "populations", "forces", "parameters",
                "locations")
    if parts[0] not in sections:
        raise KeyError(f"unknown parameter {name!r}: it must start with one of "
                       + ", ".join(sections))
    prefix = ".".join(parts[:-1]) + "."
    near = sorted(s for s in specs if s.startswith(prefix))[:6]
    hint = f" (known: {', '.join(near)})" if near else ""
    raise KeyError(f"unknown parameter {name!r}{hint}")


def base_frame(model: ScenarioModel, extra_relations: set[str] = frozenset()) -> pd.DataFrame:
    """Months × parameters: the scenario's values before any shock."""
    months = month_range(model.meta.start, model.meta.end)
    idx = np.array([month_index(m) for m in months])
    cols: dict[str, np.ndarray] = {}
    n = len(months)
    for a in model.actors:
        cols[f"actors.{a.id}.capability"] = np.full(n, a.capability)
        cols[f"actors.{a.id}.active"] = np.ones(n)
        if a.fighters is not None:
            cols[f"actors.{a.id}.fighters"] = np.full(n, a.fighters)
        if a.seats is not None:
            cols[f"actors.{a.id}.seats"] = np.full(n, float(a.seats))
    for p in model.positions:
        cols[f"positions.{p.actor}.{p.issue}.position"] = np.full(n, p.position)
        cols[f"positions.{p.actor}.{p.issue}.salience"] = np.full(n, p.salience)
    # sorted: a set's order depends on the process's string hashing, and the columns'
    # order must not (a seeded run is reproducible across processes)
    rel: dict[str, np.ndarray] = {k: np.zeros(n) for k in sorted(extra_relations)}
    for r in model.relations:
        key = relation_key(r.a, r.b)
        col = rel.setdefault(key, np.zeros(n))
        lo = month_index(r.start) if r.start else -10**9
        hi = month_index(r.end) if r.end else 10**9
        mask = (idx >= lo) & (idx <= hi)
        col[mask] = r.weight
    cols.update(rel)
    for g in model.populations:
        for f in ("share", "legitimacy", "hardship"):
            cols[f"populations.{g.id}.{f}"] = np.full(n, getattr(g, f))
    for f in model.forces:
        cols[f"forces.{f.id}"] = _piecewise(f.series, idx)
    for p in model.parameters:
        cols[f"parameters.{p.id}"] = np.full(n, p.value)
    for loc in model.locations:
        cols[f"locations.{loc.id}.restriction"] = np.full(n, loc.restriction)
        cols[f"locations.{loc.id}.hardship"] = np.full(n, loc.hardship)
        if loc.population is not None:
            cols[f"locations.{loc.id}.population"] = np.full(n, loc.population)
    frame = pd.DataFrame(cols, index=pd.Index(months, name="month"))
    return frame


def _piecewise(series: dict[str, float], idx: np.ndarray) -> np.ndarray:
    """Step function through the given months; the first value also holds before it."""
    keys = sorted(series, key=month_index)
    at = np.array([month_index(k) for k in keys])
    vals = np.array([series[k] for k in keys], dtype=float)
    pos = np.searchsorted(at, idx, side="right") - 1
    return vals[np.clip(pos, 0, None)]
