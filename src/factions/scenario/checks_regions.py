"""Cross-section rules for regions, shared effect strengths, the calibration's targets and
the decomposition (called by :func:`factions.scenario.checks.cross_check`).

Each problem is located at the offending field: a force share or an effect naming a region
that does not exist, a month of force shares outside the period, shares that do not add
up to 1 (within 0.01), effects of one shock that share an ``id`` but not an operation, a
calibration observation that does not exist or has no month up to ``fit_until``, and a
decomposition whose mechanisms are not shocks of its scenario or whose scenarios (one per
subset of the mechanisms left out) are not all in the file.
"""

from __future__ import annotations

__all__ = ["region_problems", "decomposition_problems", "decomposition_scenarios"]

from itertools import combinations

from factions.errors import Problem
from factions.scenario.months import month_index
from factions.scenario.yamlsrc import Located


def region_problems(model, loc: Located) -> list[Problem]:
    """Force shares by region, effects' regions and shared effect ids."""
    out: list[Problem] = []
    regions = {r.id for r in model.regions}
    lo, hi = month_index(model.meta.start), month_index(model.meta.end)
    period = f"{model.meta.start}..{model.meta.end}"
    known = ", ".join(sorted(regions)) or "none (add a `regions` section)"
    for i, f in enumerate(model.forces):
        for m, shares in f.regions.items():
            path = ("forces", i, "regions", m)
            if not lo <= month_index(m) <= hi:
                out.append(loc.problem(path, f"month {m} is outside the period {period}"))
            for r in shares:
                if r not in regions:
                    out.append(loc.problem((*path, r), f"unknown region {r!r}; regions: {known}"))
            total = sum(shares.values())
            if abs(total - 1.0) > 0.01:
                out.append(loc.problem(path, f"shares sum to {total:.3f}, not 1 (+-0.01)"))
    for i, sh in enumerate(model.shocks):
        ops: dict[str, tuple[int, str]] = {}
        for j, eff in enumerate(sh.effects):
            path = ("shocks", i, "effects", j)
            for k, r in enumerate(eff.regions or []):
                if r not in regions:
                    out.append(loc.problem((*path, "regions", k),
                                           f"unknown region {r!r}; regions: {known}"))
            if eff.id is None:
                continue
            if eff.id in ops and ops[eff.id][1] != eff.op:
                first, op = ops[eff.id]
                out.append(loc.problem((*path, "id"),
                                       f"effects sharing id {eff.id!r} share one strength, so "
                                       f"they must use the same operation (effects[{first}] "
                                       f"uses {op}, this one {eff.op})"))
            ops.setdefault(eff.id, (j, eff.op))
    cal = model.calibration
    if cal is not None:
        observations = {o.id: o for o in model.observations}
        for k, oid in enumerate(cal.observations):
            obs = observations.get(oid)
            if obs is None:
                out.append(loc.problem(("calibration", "observations", k),
                                       f"unknown observation {oid!r}"))
            elif cal.fit_until and not any(m <= cal.fit_until for m in obs.series):
                out.append(loc.problem(("calibration", "observations", k),
                                       f"observation {oid!r} has no month up to fit_until "
                                       f"{cal.fit_until}: nothing to fit"))
        if cal.fit_until is not None and not lo <= month_index(cal.fit_until) <= hi:
            out.append(loc.problem(("calibration", "fit_until"),
                                   f"month {cal.fit_until} is outside the period {period}"))
    return out


def decomposition_scenarios(model) -> dict[frozenset, str | None]:
    """``{mechanisms kept: scenario id}`` for every subset of the decomposition's mechanisms:
    the scenario whose shocks are its scenario's minus the mechanisms left out (``None``
    where the file has none)."""
    spec = model.decomposition
    hist = spec.scenario or (model.meta.history or "historical")
    shocks = {s.id: frozenset(s.shocks) for s in model.scenarios}
    base = shocks.get(hist, frozenset())
    mech = list(spec.mechanisms)
    out: dict[frozenset, str | None] = {}
    for n in range(len(mech) + 1):
        for kept in combinations(mech, n):
            want = base - (frozenset(mech) - frozenset(kept))
            out[frozenset(kept)] = next((sid for sid, sh in shocks.items() if sh == want), None)
    return out


def decomposition_problems(model, loc: Located) -> list[Problem]:
    """The decomposition's scenario, mechanisms, groups, window and subset scenarios."""
    spec = model.decomposition
    if spec is None:
        return []
    out: list[Problem] = []
    lo, hi = month_index(model.meta.start), month_index(model.meta.end)
    scenarios = {s.id: s for s in model.scenarios}
    hist = spec.scenario or (model.meta.history or "historical")
    if hist not in scenarios:
        out.append(loc.problem(("decomposition", "scenario"),
                               f"unknown scenario {hist!r}: the decomposition needs a named "
                               "scenario with its mechanisms' shocks"))
        return out
    for k, m in enumerate(spec.mechanisms):
        if m not in scenarios[hist].shocks:
            out.append(loc.problem(("decomposition", "mechanisms", k),
                                   f"{m!r} is not a shock of scenario {hist!r}"))
    if len(set(spec.mechanisms)) != len(spec.mechanisms):
        out.append(loc.problem(("decomposition", "mechanisms"), "a mechanism is listed twice"))
    for name, members in spec.groups.items():
        for k, m in enumerate(members):
            if m not in spec.mechanisms:
                out.append(loc.problem(("decomposition", "groups", name, k),
                                       f"{m!r} is not one of the mechanisms"))
        if name in spec.mechanisms:
            out.append(loc.problem(("decomposition", "groups", name),
                                   f"group {name!r} has the name of a mechanism"))
    for k, m in enumerate(spec.window):
        if not lo <= month_index(m) <= hi:
            out.append(loc.problem(("decomposition", "window", k),
                                   f"month {m} is outside the period "
                                   f"{model.meta.start}..{model.meta.end}"))
    if spec.window[1] < spec.window[0]:
        out.append(loc.problem(("decomposition", "window"), "the window ends before it starts"))
    if out:
        return out
    missing = [kept for kept, sid in decomposition_scenarios(model).items() if sid is None]
    for kept in sorted(missing, key=lambda s: (len(s), sorted(s))):
        left = [m for m in spec.mechanisms if m not in kept]
        out.append(loc.problem(("decomposition", "mechanisms"),
                               f"no scenario has the shocks of {hist!r} without "
                               f"{', '.join(left)}; add one (the decomposition runs every "
                               "subset of the mechanisms)"))
    return out
