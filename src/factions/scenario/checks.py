"""Rules that relate the sections of a scenario to each other.

Each rule yields problems located at the offending field: ids that repeat, ties,
positions, routes or claims naming things that do not exist, months outside the period,
effects naming parameters that do not exist or setting values outside their domain.
"""

from __future__ import annotations

__all__ = ["cross_check"]

from collections import defaultdict

from factions.errors import Problem
from factions.scenario.checks_regions import decomposition_problems, region_problems
from factions.scenario.months import month_index
from factions.scenario.params import canonical_param, parameter_specs, relation_key
from factions.scenario.schema import ScenarioModel
from factions.scenario.yamlsrc import Located

_ID_SECTIONS = ("actors", "issues", "populations", "forces", "parameters", "regions", "locations",
                "shocks", "dynamics", "scenarios", "claims", "observations")


def cross_check(model: ScenarioModel, loc: Located) -> list[Problem]:
    """Every cross-section problem of ``model`` (empty when the scenario is consistent)."""
    out: list[Problem] = []
    lo, hi = month_index(model.meta.start), month_index(model.meta.end)
    period = f"{model.meta.start}..{model.meta.end}"

    def bad_month(path, m: str | None) -> None:
        if m is not None and not lo <= month_index(m) <= hi:
            out.append(loc.problem(path, f"month {m} is outside the period {period}"))

    for section in _ID_SECTIONS:
        seen: dict[str, int] = {}
        for i, item in enumerate(getattr(model, section) or ()):
            if item.id in seen:
                out.append(loc.problem((section, i, "id"),
                                       f"duplicate id {item.id!r} (first at {section}[{seen[item.id]}])"))
            else:
                seen[item.id] = i
    src_seen: set[str] = set()
    for i, s in enumerate(model.meta.sources):
        if s.id in src_seen:
            out.append(loc.problem(("meta", "sources", i, "id"), f"duplicate source id {s.id!r}"))
        src_seen.add(s.id)

    actors = {a.id for a in model.actors}
    issues = {x.id for x in model.issues}
    locations = {x.id for x in model.locations}
    observations = {x.id for x in model.observations}
    shocks = {x.id for x in model.shocks}
    scenarios = {x.id for x in model.scenarios}
    regions = {x.id for x in model.regions}

    pairs: set[tuple[str, str]] = set()
    for i, p in enumerate(model.positions):
        if p.actor not in actors:
            out.append(loc.problem(("positions", i, "actor"), f"unknown actor {p.actor!r}"))
        if p.issue not in issues:
            out.append(loc.problem(("positions", i, "issue"), f"unknown issue {p.issue!r}"))
        if (p.actor, p.issue) in pairs:
            out.append(loc.problem(("positions", i),
                                   f"second position of {p.actor!r} on {p.issue!r}"))
        pairs.add((p.actor, p.issue))

    spans: dict[str, list[tuple[int, int, int]]] = defaultdict(list)
    for i, r in enumerate(model.relations):
        for end in ("a", "b"):
            if getattr(r, end) not in actors:
                out.append(loc.problem(("relations", i, end), f"unknown actor {getattr(r, end)!r}"))
        if r.a == r.b:
            out.append(loc.problem(("relations", i, "b"), f"a tie from {r.a!r} to itself"))
        bad_month(("relations", i, "start"), r.start)
        bad_month(("relations", i, "end"), r.end)
        s = month_index(r.start) if r.start else lo
        e = month_index(r.end) if r.end else hi
        if e < s:
            out.append(loc.problem(("relations", i, "end"), f"ends ({r.end}) before it starts"))
            continue
        key = relation_key(r.a, r.b)
        for s2, e2, j in spans[key]:
            if s <= e2 and s2 <= e:
                out.append(loc.problem(("relations", i),
                                       f"tie {r.a}-{r.b} overlaps relations[{j}] in time; "
                                       "dated ties of one pair must not overlap"))
        spans[key].append((s, e, i))

    if model.meta.incumbent is not None and model.meta.incumbent not in actors:
        out.append(loc.problem(("meta", "incumbent"), f"unknown actor {model.meta.incumbent!r}"))
    if model.meta.history is not None and model.meta.history not in (
            scenarios or {"baseline"}):
        out.append(loc.problem(("meta", "history"), f"unknown scenario {model.meta.history!r}"))
    out += _population_problems(model, loc)

    total_share = sum(g.share for g in model.populations)
    if model.populations and total_share > 1.0 + 1e-6:
        out.append(loc.problem(("populations",), f"shares sum to {total_share:.3f} > 1"))

    for i, f in enumerate(model.forces):
        if f.actor is not None and f.actor not in actors:
            out.append(loc.problem(("forces", i, "actor"), f"unknown actor {f.actor!r}"))
        for m in f.series:
            bad_month(("forces", i, "series", m), m)
    for i, o in enumerate(model.observations):
        for m in o.series:
            bad_month(("observations", i, "series", m), m)
        if o.location is not None and o.location not in locations:
            out.append(loc.problem(("observations", i, "location"),
                                   f"unknown location {o.location!r}"))
        if o.region is not None and o.region not in regions:
            out.append(loc.problem(("observations", i, "region"), f"unknown region {o.region!r}"))
    for i, x in enumerate(model.locations):
        if x.actor is not None and x.actor not in actors:
            out.append(loc.problem(("locations", i, "actor"), f"unknown actor {x.actor!r}"))
        if x.region is not None and x.region not in regions:
            out.append(loc.problem(("locations", i, "region"), f"unknown region {x.region!r}"))
    pops = {g.id for g in model.populations}
    for i, r in enumerate(model.regions):
        for p in r.mix:
            if p not in pops:
                out.append(loc.problem(("regions", i, "mix", p), f"unknown population {p!r}"))
        if r.mix and abs(sum(r.mix.values()) - 1.0) > 0.01:
            out.append(loc.problem(("regions", i, "mix"),
                                   f"shares sum to {sum(r.mix.values()):.3f}, not 1"))

    for i, r in enumerate(model.routes):
        for end in ("a", "b"):
            if getattr(r, end) not in locations:
                out.append(loc.problem(("routes", i, end), f"unknown location {getattr(r, end)!r}"))
        if r.a == r.b:
            out.append(loc.problem(("routes", i, "b"), f"a route from {r.a!r} to itself"))

    specs = parameter_specs(model)
    for i, sh in enumerate(model.shocks):
        bad_month(("shocks", i, "month"), sh.month)
        for j, eff in enumerate(sh.effects):
            path = ("shocks", i, "effects", j)
            try:
                _, spec = canonical_param(eff.param, model, specs)
            except KeyError as exc:
                out.append(loc.problem((*path, "param"), exc.args[0]))
                continue
            bad_month((*path, "from"), eff.from_)
            bad_month((*path, "until"), eff.until)
            start = eff.from_ or sh.month
            if eff.until and month_index(eff.until) < month_index(start):
                out.append(loc.problem((*path, "until"), f"ends ({eff.until}) before it starts ({start})"))
            if eff.op == "set" and not spec.lo <= eff.amount <= spec.hi:
                out.append(loc.problem((*path, "set"),
                                       f"{eff.amount} is outside the domain [{spec.lo}, {spec.hi}] of {spec.name}"))

    out += _dynamics_problems(model, loc, bad_month)
    dyn_ids = {d.id for d in model.dynamics or ()}
    for i, sc in enumerate(model.scenarios):
        if sc.dynamics is not None and sc.dynamics not in dyn_ids:
            known = ", ".join(sorted(dyn_ids)) or "none: the file has no dynamics section"
            out.append(loc.problem(("scenarios", i, "dynamics"),
                                   f"unknown dynamics {sc.dynamics!r} (known: {known})"))
        seen_sh: set[str] = set()
        for j, s in enumerate(sc.shocks):
            if s not in shocks:
                out.append(loc.problem(("scenarios", i, "shocks", j), f"unknown shock {s!r}"))
            if s in seen_sh:
                out.append(loc.problem(("scenarios", i, "shocks", j), f"shock {s!r} listed twice"))
            seen_sh.add(s)

    cal = model.calibration
    if cal is not None:
        if cal.observation is not None and cal.observation not in observations:
            out.append(loc.problem(("calibration", "observation"),
                                   f"unknown observation {cal.observation!r}"))
        if cal.scenario is not None and cal.scenario not in (scenarios or {"baseline"}):
            out.append(loc.problem(("calibration", "scenario"),
                                   f"unknown scenario {cal.scenario!r}"))
        if cal.window:
            bad_month(("calibration", "window", 0), cal.window[0])
            bad_month(("calibration", "window", 1), cal.window[1])
            if cal.window[1] < cal.window[0]:
                out.append(loc.problem(("calibration", "window"), "the window ends before it starts"))

    out += region_problems(model, loc)
    out += decomposition_problems(model, loc)

    for i, c in enumerate(model.claims):
        if c.test is None:
            continue
        for side in ("lhs", "rhs"):
            sd = getattr(c.test, side)
            path = ("claims", i, "test", side)
            if sd.scenario is not None:
                if model.scenarios and sd.scenario not in scenarios:
                    out.append(loc.problem((*path, "scenario"), f"unknown scenario {sd.scenario!r}"))
                if c.test.metric is None:
                    out.append(loc.problem(("claims", i, "test"),
                                           "a side names a scenario, so the test needs a metric"))
            if sd.observation is not None and sd.observation not in observations:
                out.append(loc.problem((*path, "observation"),
                                       f"unknown observation {sd.observation!r}"))
            if sd.window:
                bad_month((*path, "window", 0), sd.window[0])
                bad_month((*path, "window", 1), sd.window[1])
    return out


def _dynamics_problems(model: ScenarioModel, loc: Located, bad_month) -> list[Problem]:
    """Pairs naming known actors (or ``*``), no self-pairs, ``from`` in the period. The
    model name and its own options are the align engine's to check
    (:func:`factions.run.checks.engine_problems`)."""
    out: list[Problem] = []
    actors = {a.id for a in model.actors}
    for i, d in enumerate(model.dynamics or ()):
        path = ("dynamics", i)
        bad_month((*path, "from"), d.from_)
        for field in ("free", "fixed"):
            for j, pair in enumerate(getattr(d, field)):
                for k, who in enumerate(pair):
                    if who != "*" and who not in actors:
                        out.append(loc.problem((*path, field, j, k), f"unknown actor {who!r} "
                                                                     "(an actor id or '*')"))
                if pair[0] == pair[1] and pair[0] != "*":
                    out.append(loc.problem((*path, field, j), f"a tie from {pair[0]!r} to "
                                                              "itself"))
    return out


def _population_problems(model: ScenarioModel, loc: Located) -> list[Problem]:
    """Identity labels in one population only; movements naming existing armed actors of
    their population; movement ids distinct from population ids."""
    out: list[Problem] = []
    actors = {a.id: a for a in model.actors}
    owner: dict[str, str] = {}
    pop_ids = {g.id for g in model.populations}
    group_ids: dict[str, tuple] = {}
    for i, g in enumerate(model.populations):
        for j, label in enumerate(g.labels):
            path = ("populations", i, "identities", j - 1) if j else ("populations", i, "identity")
            if label in owner and owner[label] != g.id:
                out.append(loc.problem(path, f"identity label {label!r} already belongs to "
                                             f"population {owner[label]!r}"))
            owner.setdefault(label, g.id)
        total = 0.0
        for j, mv in enumerate(g.movements):
            path = ("populations", i, "movements", j)
            total += mv.share
            if mv.id in pop_ids or mv.id in group_ids:
                out.append(loc.problem((*path, "id"), f"movement id {mv.id!r} is already used "
                                                     "by a population or another movement"))
            group_ids[mv.id] = path
            if mv.party is not None and mv.party not in actors:
                out.append(loc.problem((*path, "party"), f"unknown actor {mv.party!r}"))
            for k, m in enumerate(mv.militias):
                if m not in actors:
                    out.append(loc.problem((*path, "militias", k), f"unknown actor {m!r}"))
                elif actors[m].identity not in g.labels:
                    out.append(loc.problem((*path, "militias", k),
                                           f"actor {m!r} has identity {actors[m].identity!r}, "
                                           f"not one of population {g.id!r} "
                                           f"({', '.join(g.labels)})"))
        if total >= 1.0:
            out.append(loc.problem(("populations", i, "movements"),
                                   f"movement shares sum to {total:g}; they must leave part of "
                                   "the population outside the movements (< 1)"))
    return out
