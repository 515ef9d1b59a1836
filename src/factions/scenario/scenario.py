"""A validated scenario with its timelines."""

from __future__ import annotations

__all__ = ["Scenario"]

from functools import cached_property

from pydantic import PrivateAttr

from factions.errors import Problem, ScenarioError
from factions.scenario.months import month_range
from factions.scenario.params import (
    base_frame,
    canonical_param,
    effect_param,
    parameter_specs,
    strength_index,
)
from factions.scenario.regions import national_effects, regional_effects, split_frame
from factions.scenario.schema import ScenarioModel
from factions.scenario.timeline import Timeline, apply_effects
from factions.scenario.uncertain import uncertain_inputs

IMPLICIT_SCENARIO = "baseline"
#: dynamics fields that draws and sweeps may vary, with the domain their values are clipped to
_DYNAMICS_FIELDS = {"rate": (1e-9, float("inf")), "inertia": (0.0, 0.999)}


class Scenario(ScenarioModel):
    """A whole conflict system, checked field by field and across sections.

    Build one with :func:`factions.scenario.load_scenario` or
    :func:`factions.scenario.default_scenario`; ask for the month-by-month parameters of a
    named scenario (a set of shocks) with :meth:`timeline`.
    """

    _file: str = PrivateAttr(default="<memory>")
    _timelines: dict = PrivateAttr(default_factory=dict)
    #: values derived from the scenario by other modules (e.g. forces' regional shares),
    #: dropped with the timelines when :meth:`with_base` makes a changed copy
    _derived: dict = PrivateAttr(default_factory=dict)
    _located: object = PrivateAttr(default=None)
    _embedded: str | None = PrivateAttr(default=None)
    _effects: dict = PrivateAttr(default_factory=dict)
    _bands: dict = PrivateAttr(default_factory=dict)

    def __getstate__(self):
        """Pickled without the caches derived from the data (timelines, memos): they are
        rebuilt on first use, and can be far larger than the scenario itself."""
        state = super().__getstate__()
        private = dict(state.get("__pydantic_private__") or {})
        private["_timelines"], private["_derived"] = {}, {}
        state["__pydantic_private__"] = private
        return state

    @property
    def file(self) -> str:
        return self._file

    @property
    def embedded(self) -> str | None:
        """The name of the embedded scenario this is (``None`` for a user's file)."""
        return self._embedded

    def months(self) -> list[str]:
        return month_range(self.meta.start, self.meta.end)

    def scenario_ids(self) -> list[str]:
        """The named scenarios; a file without a ``scenarios`` section has one, ``baseline``."""
        return [s.id for s in self.scenarios] or [IMPLICIT_SCENARIO]

    def _find(self, section: str, item_id: str):
        """The entry of ``section`` with this id (ids are unique: checked at load)."""
        for item in getattr(self, section):
            if item.id == item_id:
                return item
        return None

    def _get(self, section: str, item_id: str, what: str):
        item = self._find(section, item_id)
        if item is None:
            raise KeyError(f"no {what} {item_id!r}")
        return item

    def actor(self, actor_id: str):
        return self._get("actors", actor_id, "actor")

    def shock(self, shock_id: str):
        return self._get("shocks", shock_id, "shock")

    def observation(self, obs_id: str):
        return self._get("observations", obs_id, "observation")

    def history_id(self) -> str:
        """The scenario of what happened, that fits to data use: ``meta.history``, else a
        scenario called ``historical``, else the first one."""
        if self.meta.history:
            return self.meta.history
        ids = self.scenario_ids()
        return "historical" if "historical" in ids else ids[0]

    def observations_of(self, quantity: str, location: str | None = None) -> list:
        """The observations that declare ``compares: quantity`` (and this ``location``)."""
        return [o for o in self.observations
                if o.compares == quantity and (location is None or o.location == location)]

    def population_of(self, identity: str) -> str | None:
        """The population whose identity labels include ``identity`` (``None``: none)."""
        for g in self.populations:
            if identity in g.labels:
                return g.id
        return None

    def force_role(self, force) -> str:
        """``police``, ``intervention`` or ``combatant``: the force's ``role``, else by its
        actor's kind (government: police; state: intervention; otherwise combatant)."""
        if force.role is not None:
            return force.role
        kind = next((a.kind for a in self.actors if a.id == force.actor), None)
        return {"government": "police", "state": "intervention"}.get(kind, "combatant")

    def dynamics_of(self, scenario_id: str):
        """The ``dynamics`` entry a named scenario uses (``None``: every tie fixed)."""
        sdef = self.scenario_def(scenario_id)
        if sdef is None or sdef.dynamics is None:
            return None
        return next(d for d in self.dynamics or () if d.id == sdef.dynamics)

    def uncertain_inputs(self) -> list:
        """Every uncertain input: ranges given in the file, and the default bands of
        judgements whose source is an assumption or an approximation (see
        :mod:`factions.scenario.uncertain`)."""
        if "_uncertain" not in self.__dict__:
            self.__dict__["_uncertain"] = uncertain_inputs(self, self._bands)
        return self.__dict__["_uncertain"]

    def problem_at(self, path: tuple, message: str) -> Problem:
        """A :class:`Problem` located at ``path`` in the file this scenario was read from."""
        if self._located is not None:
            return self._located.problem(path, message)
        return Problem(self._file, None, None, ".".join(map(str, path)), message)

    def scenario_def(self, scenario_id: str):
        found = self._find("scenarios", scenario_id)
        if found is not None:
            return found
        if not self.scenarios and scenario_id == IMPLICIT_SCENARIO:
            return None
        raise ScenarioError([Problem(self._file, None, None, "scenarios",
                                     f"unknown scenario {scenario_id!r}; this file has: "
                                     + ", ".join(self.scenario_ids()))])

    @cached_property
    def _base(self):
        specs = parameter_specs(self)
        touched = set()
        for sh in self.shocks:
            for eff in sh.effects:
                name, _ = canonical_param(eff.param, self, specs)
                if name.startswith("relations."):
                    touched.add(name)
        return base_frame(self, touched), specs

    def with_base(self, overrides: dict[str, float]) -> Scenario:
        """A copy with base values or effect strengths replaced.

        Used by sweeps, calibration and the uncertainty of verdicts: a parameter name
        (``{"populations.<group>.legitimacy": 0.5}``) sets its value for every month
        before the shocks apply; an effect strength (``shocks.<shock>.<effect id or
        index>``) replaces the amount that effect sets, shifts or scales by. Unknown names
        raise :class:`ScenarioError`; values are clipped to their domain.
        """
        base, specs = self._base
        base = base.copy()
        effects = dict(self._effects)
        problems = []
        static: dict[str, float] = {}
        for name, value in overrides.items():
            try:
                if name.startswith("shocks."):
                    sid, j, spec = effect_param(name, self, specs)
                    effects[(sid, j)] = min(max(float(value), spec.lo), spec.hi)
                    continue
                if (name.startswith(("routes.", "dynamics."))
                        or ".movements." in name):
                    static[name] = float(value)
                    continue
                if name.startswith("relations.") and name.count(".") == 3:
                    key, mask = self._dated_tie(name)
                    base.loc[mask, key] = min(max(float(value), -1.0), 1.0)
                    continue
                key, spec = canonical_param(name, self, specs)
            except KeyError as exc:
                problems.append(Problem(self._file, None, None, name, exc.args[0]))
                continue
            base[key] = min(max(float(value), spec.lo), spec.hi)
        update = self._static_update(static, problems) if static else {}
        if problems:
            raise ScenarioError(problems)
        clone = self.model_copy(update=update)
        clone._file = self._file
        clone._embedded = self._embedded
        clone._located = self._located
        clone._timelines = {}
        clone._derived = {}
        clone._effects = effects
        clone._bands = self._bands
        clone.__dict__["_base"] = (base, specs)
        clone.__dict__.pop("_uncertain", None)
        clone.__dict__.pop("_static_digest", None)
        return clone

    def _dated_tie(self, name: str):
        """``relations.<x>.<y>.<k>``: the base-frame column and the months of the pair's
        ``k``-th dated tie (in file order)."""
        from factions.scenario.months import month_index

        _, x, y, k = name.split(".")
        pair = [r for r in self.relations if {r.a, r.b} == {x, y}]
        if not k.isdigit() or int(k) >= len(pair):
            raise KeyError(f"unknown parameter {name!r}: the pair {x}-{y} has "
                           f"{len(pair)} dated tie(s)")
        r = pair[int(k)]
        idx = [month_index(m) for m in self.months()]
        lo = month_index(r.start) if r.start else -10**9
        hi = month_index(r.end) if r.end else 10**9
        mask = [lo <= i <= hi for i in idx]
        return f"relations.{min(x, y)}.{max(x, y)}", mask

    def _static_update(self, static: dict[str, float], problems: list) -> dict:
        """``model_copy`` updates for route distances and movement shares."""
        routes = list(self.routes)
        pops = list(self.populations)
        dyns = list(self.dynamics or ())
        for name, value in static.items():
            parts = name.split(".")
            if parts[0] == "dynamics" and len(parts) == 3 and parts[2] in _DYNAMICS_FIELDS:
                j = next((i for i, d in enumerate(dyns) if d.id == parts[1]), None)
                if j is not None:
                    lo, hi = _DYNAMICS_FIELDS[parts[2]]
                    dyns[j] = dyns[j].model_copy(update={parts[2]: min(max(value, lo), hi)})
                    continue
            if parts[0] == "routes" and len(parts) == 4 and parts[3] == "distance_km":
                j = next((i for i, r in enumerate(routes)
                          if {r.a, r.b} == {parts[1], parts[2]}), None)
                if j is not None:
                    routes[j] = routes[j].model_copy(update={"distance_km": max(value, 1e-6)})
                    continue
            if parts[0] == "populations" and len(parts) == 5 and parts[2] == "movements":
                i = next((i for i, g in enumerate(pops) if g.id == parts[1]), None)
                mv = None if i is None else next(
                    (j for j, m in enumerate(pops[i].movements) if m.id == parts[3]), None)
                if mv is not None and parts[4] == "share":
                    moves = list(pops[i].movements)
                    moves[mv] = moves[mv].model_copy(
                        update={"share": min(max(value, 1e-6), 1 - 1e-6)})
                    pops[i] = pops[i].model_copy(update={"movements": moves})
                    continue
            problems.append(Problem(self._file, None, None, name,
                                    f"unknown parameter {name!r}"))
        out = {"routes": routes, "populations": pops}
        if self.dynamics is not None:
            out["dynamics"] = dyns
        return out

    def shock_as_run(self, shock_id: str):
        """The shock with any effect strengths replaced by :meth:`with_base`."""
        shock = self.shock(shock_id)
        changed = {j: v for (sid, j), v in self._effects.items() if sid == shock_id}
        if not changed:
            return shock
        effects = []
        for j, e in enumerate(shock.effects):
            k = strength_index(shock, j)  # effects sharing an id share one strength
            effects.append(e.model_copy(update={e.op: changed[k]}) if k in changed else e)
        return shock.model_copy(update={"effects": effects})

    def region_ids(self) -> list[str]:
        return [r.id for r in self.regions]

    def timeline(self, scenario_id: str | None = None, region: str | None = None) -> Timeline:
        """Parameters month by month under ``scenario_id`` (default: the first scenario).

        With ``region``: the region's timeline (its part of the forces and fighters, and
        the effects that name it; see :mod:`factions.scenario.regions`). The national
        timeline leaves out effects that apply only in some regions.
        """
        scenario_id = scenario_id or self.scenario_ids()[0]
        key = scenario_id if region is None else (scenario_id, region)
        if key not in self._timelines:
            if region is not None and region not in self.region_ids():
                raise KeyError(f"no region {region!r}; this scenario has: "
                               + (", ".join(self.region_ids()) or "none"))
            sdef = self.scenario_def(scenario_id)
            shocks = [self.shock_as_run(s) for s in sdef.shocks] if sdef else []
            base, specs = self._base
            if region is None:
                frame = apply_effects(base, national_effects(shocks), specs, self)
            else:  # the national frame (computed once) split, then the region's effects
                frame = split_frame(self, self.timeline(scenario_id)._frame, region)
                frame = apply_effects(frame, regional_effects(shocks, region), specs, self)
            self._timelines[key] = Timeline(self, scenario_id, frame, shocks, region)
        return self._timelines[key]
