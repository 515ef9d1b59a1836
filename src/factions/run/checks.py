"""The scenario checked against what the engines declare (located problems).

:mod:`factions.scenario` checks a file on its own; here, the parts that depend on the
engines: every observation's ``compares`` names a quantity an engine declares (with a
``location`` of the right kind where the quantity is per location, and none otherwise);
no two observations claim the same quantity at the same place; an observation with a
``region`` measures a quantity with a regional form; every claim's metric is one that its
engine (or the decomposition, ``decompose.*``) reports on this scenario; and each engine's
own ``checks`` (e.g. the align engine's of the ``dynamics`` section: a model that exists,
its options).
"""

from __future__ import annotations

__all__ = ["engine_problems"]

from factions.engines import available, metric_declared, observables
from factions.errors import Problem


def engine_problems(scenario) -> list[Problem]:
    """Every problem of ``scenario`` against the registered engines (empty when none)."""
    out: list[Problem] = []
    known = observables()
    kinds = {loc.id: loc.kind for loc in scenario.locations}
    seen: dict[tuple, int] = {}
    for i, o in enumerate(scenario.observations):
        if o.compares is None:
            continue
        spec = known.get(o.compares)
        if spec is None:
            out.append(scenario.problem_at(
                ("observations", i, "compares"),
                f"unknown quantity {o.compares!r}; engines compare: {', '.join(sorted(known))}"))
            continue
        if spec.location_kinds is None and o.location is not None:
            out.append(scenario.problem_at(("observations", i, "location"),
                                           f"{o.compares} is not per location; remove it"))
        if spec.location_kinds is not None:
            if o.location is None:
                out.append(scenario.problem_at(
                    ("observations", i), f"{o.compares} needs a location (one of kind "
                                         f"{' or '.join(spec.location_kinds)})"))
            elif o.location in kinds and kinds[o.location] not in spec.location_kinds:
                out.append(scenario.problem_at(
                    ("observations", i, "location"),
                    f"location {o.location!r} is of kind {kinds[o.location]}; {o.compares} "
                    f"needs {' or '.join(spec.location_kinds)}"))
        if o.region is not None and spec.regional is None:
            out.append(scenario.problem_at(("observations", i, "region"),
                                           f"{o.compares} has no regional form; remove the "
                                           "region or compare another quantity"))
        key = (o.compares, o.location, o.region)
        if key in seen:
            out.append(scenario.problem_at(
                ("observations", i, "compares"),
                f"observations[{seen[key]}] already measures {o.compares}"
                + (f" at {o.location}" if o.location else "")
                + (f" in region {o.region}" if o.region else "")))
        seen.setdefault(key, i)
    cal = scenario.calibration
    if cal is not None:
        from factions.errors import FactionsError
        from factions.run.distributions import parse_varies

        for name, dist in cal.prior.items():
            try:
                parse_varies([f"{name}={dist}"])
            except FactionsError as exc:
                out.append(scenario.problem_at(("calibration", "prior", name), str(exc)))
        why = metric_declared(cal.metric, scenario)
        if why:
            out.append(scenario.problem_at(("calibration", "metric"), why))
    for i, c in enumerate(scenario.claims):
        if c.test is not None and c.test.metric:
            why = _metric_problem(c.test.metric, scenario)
            if why:
                out.append(scenario.problem_at(("claims", i, "test", "metric"), why))
    dec = scenario.decomposition
    if dec is not None:
        why = metric_declared(dec.metric, scenario)
        if why:
            out.append(scenario.problem_at(("decomposition", "metric"), why))
    for engine in available():
        if engine.checks is not None:
            out += engine.checks(scenario)
    return out


def _metric_problem(metric: str, scenario) -> str | None:
    """Why a claim's metric is unknown: an engine's, or the decomposition's
    (``decompose.*``, :mod:`factions.run.decompose`)."""
    from factions.run.decompose import ENGINE, decomposition_metrics

    head, _, name = metric.partition(".")
    if head != ENGINE:
        return metric_declared(metric, scenario)
    names = decomposition_metrics(scenario)
    if not names:
        return (f"metric {metric!r} needs a `decomposition` section (the mechanisms whose "
                "shares it reports)")
    if name in names:
        return None
    shown = ", ".join(names[:10]) + (", …" if len(names) > 10 else "")
    return f"the decomposition reports no metric {name!r} (it reports: {shown})"
