"""What the draws of an ensemble run (:func:`ensemble_scope`): the named scenarios and
engines the claims read, each engine only where a claim reads it (:func:`claimed_pairs`),
the metrics kept (:func:`claimed_metrics`), lean options, and when the primary pass has
what the draws need from it (:func:`scope_ready`)."""

from __future__ import annotations

__all__ = ["ensemble_scope", "claimed_pairs", "claimed_metrics", "scope_ready"]

from factions.run.results import PipelinePlan, RunResults


def scope_ready(plan: PipelinePlan, out: RunResults, queue: list) -> bool:
    """Whether the primary pass has what :func:`ensemble_scope` reads: the displacement
    engine's in-sample fit (its first calibrated primary result, in task order), or no
    displacement task is left that could give it."""
    if "displace" not in plan.names or not plan.options.get("displace", {}).get(
            "calibrate", True):
        return True
    if any(r.engine == "displace" and r.summary.get("calibrated") for r in out.primary()):
        return True
    return not any(e.name == "displace" for e, *_ in queue)


def ensemble_scope(scenario, plan: PipelinePlan, out: RunResults
                    ) -> tuple[list[str], list[str], dict[str, dict], dict[str, list[str]]]:
    """What the draws run: the named scenarios and engines the claims need (and the
    providers of what those engines consume), each engine only on the named scenarios
    whose metrics of it are read (:func:`claimed_pairs`), with options for metrics-only
    work.

    * an engine with a ``lean`` declaration runs with the options it gives for the claimed
      metrics (e.g. bargain: no perturbed draws, only the models read);
    * align runs in lean mode (metrics only) on the months of its claims' windows (blocs and
      frustration of a named scenario only where its own claims read them), with
      voting power only when a claim names it;
    * the displacement engine does not refit its flow parameters in every draw: it takes
      the ones the primary run fitted to the observed stocks (an in-sample fit of the
      file's values), so its claims are graded *inferred*.
    """
    from factions.engines import upstream_of
    from factions.run.decompose import source_engine

    claims = [c.test for c in scenario.claims if c.test and c.test.metric]
    needed = {source_engine(t.metric, scenario) for t in claims}
    by_name = {e.name: e for e in plan.engines}
    todo = [by_name[n] for n in needed if n in by_name]
    while todo:
        for provider in upstream_of(todo.pop(), plan.engines).values():
            if provider not in needed:
                needed.add(provider)
                todo.append(by_name[provider])
    names = [n for n in plan.names if n in needed]
    sids = {s.scenario for t in claims for s in (t.lhs, t.rhs) if s.scenario is not None}
    if scenario.decomposition is not None and any(
            t.metric.startswith("decompose.") for t in claims):
        from factions.scenario.checks_regions import decomposition_scenarios

        sids |= set(decomposition_scenarios(scenario).values())
    ids = [sid for sid in plan.scenario_ids if sid in sids] or plan.scenario_ids
    pairs = claimed_pairs(scenario, claims, ids, names)
    options = {k: dict(v) for k, v in plan.options.items()}
    claimed = claimed_metrics(scenario)
    for name in names:  # engines that can compute only the claimed metrics
        if by_name[name].lean is not None:
            read = [m.split(".", 1)[1] for m in claimed if m.startswith(f"{name}.")]
            given = options.setdefault(name, {})
            for k, v in by_name[name].lean(read, given).items():
                given.setdefault(k, v)
    if "align" in names:
        windows = [s.window for t in claims if t.metric.startswith("align.")
                   for s in (t.lhs, t.rhs) if s.scenario is not None]
        months = None
        if windows and all(w is not None for w in windows):
            months = sorted({m for w in windows for m in scenario.months() if w[0] <= m <= w[1]})
        power = any(t.metric.startswith(("align.banzhaf", "align.shapley")) for t in claims)
        options.setdefault("align", {}).update(
            {"lean": True, "power": power, "claimed": True,
             **({"months": months} if months else {})})
    if "displace" in names and options.get("displace", {}).get("calibrate", True):
        fit = next((r for r in out.primary() if r.engine == "displace"
                    and r.summary.get("calibrated")), None)
        if fit is not None:
            fixed = {row.parameter: float(row.value) for row in fit.parameters.itertuples()
                     if row.fitted_in_sample}
            options.setdefault("displace", {}).update({"calibrate": False, **fixed})
    return ids, names, options, pairs


def claimed_pairs(scenario, tests, ids: list[str], names: list[str]) -> dict[str, list[str]]:
    """``{engine: named scenarios}``: where the draws run each engine — on the named
    scenarios whose metrics of that engine a claim (or the decomposition) reads. A
    provider (align's ties for ground) still runs wherever a consumer runs, inside that
    consumer's chain; it is only not run, and its metrics not kept, where nobody reads it.
    """
    from factions.run.decompose import source_engine

    where: dict[str, set[str]] = {n: set() for n in names}
    for t in tests:
        engine = source_engine(t.metric, scenario)
        for side in (t.lhs, t.rhs):
            if side.scenario is not None and engine in where:
                where[engine].add(side.scenario)
    if scenario.decomposition is not None:
        from factions.scenario.checks_regions import decomposition_scenarios

        engine = scenario.decomposition.metric.split(".", 1)[0]
        if engine in where:
            where[engine] |= set(decomposition_scenarios(scenario).values())
    return {n: [sid for sid in ids if sid in where[n]] for n in names if where[n]}


def claimed_metrics(scenario) -> list[str]:
    """The metrics the claims name (what an ensemble keeps of every task), and those the
    decomposition reads."""
    from factions.run.decompose import needed_metrics

    return sorted({c.test.metric for c in scenario.claims if c.test and c.test.metric}
                  | set(needed_metrics(scenario)))
