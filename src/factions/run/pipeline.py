"""The main job as one object: plan → engines in dependency order → ensemble → claims →
report.

:class:`Pipeline` is the one API that the command line (``factions run``), sweeps, the
dashboard and the tests use::

    from factions.run import Pipeline
    res = Pipeline(scenario, replicas=10).run(out_dir="report")

1. **Plan** (:meth:`Pipeline.plan`): the named scenarios exist; the engines exist and are
   ordered so that providers run before consumers (a cycle is an error); their options are
   checked; the scenario is checked against what the engines declare (observations'
   ``compares``, claims' metrics — located ``file:line:col`` errors); engines whose needs
   the scenario does not meet are set aside with the reason.
2. **Primary pass**: every planned engine on every scenario with the base seed, in this
   process (:func:`~factions.run.execute.run_chain`): full results, tables and figures.
3. **Ensemble**: with ``replicas > 1`` and a stochastic engine (or a posterior to draw
   from), seeded replicas on Dask (:func:`~factions.run.posterior.run_ensemble`), or in
   this process with ``local=True``. On Dask the draws are submitted as soon as the
   primary pass has what they read from it (the displacement engine's in-sample fit),
   and the rest of the pass runs here while the cluster works (``meanwhile`` of
   :func:`~factions.run.sweep.sweep`); the pass's results and their order are the same.
4. **Claims** over the replicas, each flagged when an engine it uses gave a degenerate
   result.
5. **Report** (when ``out_dir`` is given): ``index.html``, ``results.json``, tables.
"""

from __future__ import annotations

__all__ = ["Pipeline", "PipelinePlan", "RunResults", "METRICS_COLUMNS", "replica_seeds"]

from collections import deque
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from factions.engines import get as get_engine
from factions.engines import resolve_engines, unmet_needs
from factions.errors import EngineError, ScenarioError
from factions.run.checks import engine_problems
from factions.run.claims import evaluate_claims
from factions.run.decompose import decomposition_figures, with_decomposition
from factions.run.execute import run_chain
from factions.run.results import (
    METRICS_COLUMNS,
    PipelinePlan,
    RunResults,
    flag_degenerate,
    metric_frame,
    replica_frames,
    replica_seeds,
)
from factions.run.scope import claimed_metrics, ensemble_scope, scope_ready
from factions.run.verdicts import judge
from factions.scenario import Scenario

_SCENARIO_SECTIONS = ("actors.", "positions.", "relations.", "populations.", "forces.",
                      "shocks.", "parameters.", "locations.", "routes.", "dynamics.")


class Pipeline:
    """The main job on one scenario file (see the module docs).

    Parameters
    ----------
    scenario
        A checked :class:`~factions.scenario.Scenario`.
    scenario_ids
        Named scenarios to run (default: all).
    engines
        Engines to run (default: all registered; those whose needs the scenario does not
        meet are skipped with the reason). Naming an engine makes it strict: if it cannot
        run, the run stops with the reason.
    options
        ``{engine: {option: value}}``; giving options to an engine also makes it strict.
    seed, replicas
        Replica (draw) ``r`` uses seed ``seed + r``; ``replicas`` > 1 makes the claims'
        probabilities shares of draws.
    vary_inputs
        Each draw also takes a joint sample of the scenario's uncertain inputs
        (:func:`~factions.run.draws.draw_table`; ranges in the file and default bands of
        assumptions), so the claims' probabilities carry the inputs' uncertainty.
    posterior
        ``"auto"`` (the calibration shipped with an embedded scenario, if it was fitted on
        this very content), ``None`` / ``"none"``, a calibration directory, or a
        :class:`~factions.run.posterior.Posterior`; replica ``r`` then takes its ``r``-th
        parameter set.
    workers, scheduler
        Local Dask worker processes, or the address of a running scheduler.
    local
        Run the replicas in this process instead of on Dask.
    """

    def __init__(self, scenario: Scenario, scenario_ids: Sequence[str] | None = None,
                 engines: Sequence[str] | None = None,
                 options: Mapping[str, Mapping] | None = None, *, seed: int = 0,
                 replicas: int = 1, posterior: Any = "auto", workers: int = 2,
                 scheduler: str | None = None, local: bool = False,
                 vary_inputs: bool = True):
        if int(replicas) != replicas or replicas < 1:
            raise EngineError(f"replicas must be a whole number >= 1, got {replicas}")
        self.scenario = scenario
        self.scenario_ids = list(scenario_ids) if scenario_ids else None
        self.engine_names = list(engines) if engines else None
        self.options = {k: dict(v) for k, v in (options or {}).items()}
        self.seed, self.replicas = int(seed), int(replicas)
        self.posterior, self.workers, self.scheduler = posterior, workers, scheduler
        self.local = local
        self.vary_inputs = vary_inputs
        self.notes: list[str] = []

    # -- 1. plan --------------------------------------------------------------------------
    def plan(self) -> PipelinePlan:
        """Check everything and decide what runs (see the module docs).

        Raises
        ------
        ScenarioError
            An unknown named scenario; observations or claims the engines cannot serve.
        EngineError
            An unknown engine or option, a bad option value, a dependency cycle, or a
            strict engine whose needs the scenario does not meet.
        """
        sc = self.scenario
        ids = self.scenario_ids or sc.scenario_ids()
        for sid in ids:
            sc.scenario_def(sid)  # raises ScenarioError naming the known ids
        chosen, options, stoch = resolve_engines(self.engine_names, self.options)
        problems = engine_problems(sc)
        if problems:
            raise ScenarioError(problems)
        strict = set(self.engine_names or ()) | {e for e, o in options.items() if o}
        skipped: dict[str, str] = {}
        runnable = []
        for e in chosen:
            reasons = unmet_needs(e, sc, options.get(e.name))
            if reasons and e.name in strict:
                raise EngineError(f"engine {e.name!r} cannot run on this scenario: "
                                  + "; ".join(reasons))
            if reasons:
                skipped[e.name] = "; ".join(reasons)
            else:
                runnable.append(e)
        return PipelinePlan(ids, runnable, options, stoch, strict, skipped)

    # -- 2.-5. run ------------------------------------------------------------------------
    def run(self, out_dir: str | Path | None = None, progress=None) -> RunResults:
        """Run the plan; write the report under ``out_dir`` if given.

        ``progress`` (optional) receives ``start(total)``, ``task(engine, scenario, seed)``
        for the primary pass and ``sweep(state)`` (a
        :class:`~factions.run.sweep.SweepProgress`) for the ensemble.
        """
        from factions.run.cache import ResultCache, run_lock

        with run_lock(out_dir):
            cache = ResultCache(None if out_dir is None else Path(out_dir) / "cache")
            key = self.run_key() if cache.dir is not None else ""
            if key:
                hit = cache.get(key)
                if isinstance(hit, RunResults):
                    if not (Path(out_dir) / "index.html").exists():
                        from factions.report.html import write_report

                        write_report(hit, Path(out_dir))
                    hit.from_cache = True
                    return hit
            out = self._run(out_dir, progress, cache)
            if key:
                cache.put(key, out)
            return out

    def run_key(self) -> str:
        """Content key of the whole run: the package's code, the scenario file's content
        (claims included), the named scenarios, engines, options, seed, number of draws,
        whether inputs are drawn, the scheduler's kind and the posterior's content. Two
        runs with equal keys give equal results, so a rerun returns the stored one."""
        import hashlib
        import json

        from factions.run.cache import code_digest
        from factions.run.plan import scenario_digest
        from factions.run.posterior import Posterior, resolve_posterior

        post, _ = resolve_posterior(self.posterior, self.scenario)
        post_digest = None
        if isinstance(post, Posterior):
            post_digest = hashlib.sha256(pd.util.hash_pandas_object(
                post.draws, index=True).to_numpy().tobytes() + json.dumps(
                post.options, sort_keys=True, default=str).encode()).hexdigest()
        parts = {"kind": "run", "code": code_digest(),
                 "scenario": scenario_digest(self.scenario), "ids": self.scenario_ids, "engines": self.engine_names,
                 "options": self.options, "seed": self.seed, "replicas": self.replicas,
                 "vary_inputs": self.vary_inputs, "local": self.local,
                 "posterior": post_digest}
        text = json.dumps(parts, sort_keys=True, default=str, separators=(",", ":"))
        return "run-" + hashlib.sha256(text.encode()).hexdigest()[:32]

    def _run(self, out_dir, progress, cache) -> RunResults:
        plan = self.plan()
        out = RunResults(self.scenario, plan.scenario_ids, self.seed, 1, plan.names)
        out.skipped = [(e, sid, why) for e, why in plan.skipped.items()
                       for sid in plan.scenario_ids]
        seeds = replica_seeds(self.seed, self.replicas)
        varied = self.vary_inputs and bool(self.scenario.uncertain_inputs())
        ensemble = self.replicas > 1 and (varied or any(plan.stochastic[e.name]
                                                        for e in plan.engines))
        local = ensemble and self.local
        draws = None
        if local and varied:
            from factions.run.draws import draw_table

            draws = draw_table(self.scenario, self.replicas, self.seed)
        in_process = seeds if local else seeds[:1]
        tasks = [(e, sid, r, s) for sid in plan.scenario_ids for e in plan.engines
                 for r, s in enumerate(in_process)
                 if r == 0 or plan.stochastic[e.name] or draws is not None]
        if progress is not None:
            progress.start(len(tasks))
        done: dict = {}
        variants: dict[int, Scenario] = {}
        on_dask = ensemble and not self.local
        primary_frames = []  # the metrics of this process's runs (on Dask the draws' replace them)

        def step(e, sid, r, s):
            sc = self.scenario
            if draws is not None and r > 0:  # draw 0 is the file's own values
                if r not in variants:
                    row = draws.iloc[r].to_dict()
                    variants[r] = self.scenario.with_base(row)
                sc = variants[r]
            o = run_chain(e, plan.engines, sc, sid, s, plan.options,
                          strict=e.name in plan.strict, done=done if r == 0 else {},
                          stochastic=plan.stochastic, cache=cache if r == 0 else None)
            if o.ok:
                out.results.append(o.result)
                if not on_dask:
                    primary_frames.append(metric_frame(o, sid, s))
            else:
                out.skipped.append((e.name, sid, o.skipped))
            if progress is not None:
                progress.task(e.name, sid, s)

        queue = deque(tasks)
        if on_dask:
            # the draws need from the primary pass only the displacement engine's fit
            # (ensemble_scope): run the pass in order until it is there, then let the
            # cluster run the draws while this process runs the rest of the pass
            while queue and not scope_ready(plan, out, queue):
                step(*queue.popleft())

            def meanwhile(poll):
                while queue:
                    step(*queue.popleft())
                    poll()

            frames, draws, post = self._ensemble(out, plan, out_dir, progress, meanwhile)
            fitted = self._fitted(out, post)
        else:
            for t in queue:
                step(*t)
            if primary_frames:
                out.metrics = pd.concat(primary_frames, ignore_index=True)
            fitted = self._fitted(out, None)
            out.replicas = len(in_process)
            stoch = set(plan.names) if draws is not None else \
                {n for n, v in plan.stochastic.items() if v}
            frames = with_decomposition(self.scenario,
                                        replica_frames(out.metrics, stoch, in_process))
            out.claims = evaluate_claims(self.scenario, frames)
            if not ensemble:
                out.ensemble_note = ("Every engine run is deterministic and no input is "
                                     "drawn: one replica answers the claims."
                                     if self.replicas > 1 else "")
        if draws is not None and local:
            draws = draws.copy()
            draws.iloc[0] = [x.value for x in self.scenario.uncertain_inputs()]
        out.claims, out.verdicts = judge(
            self.scenario, frames, out.claims, draws=draws, fitted=fitted,
            null_relative={e.name: e.null_relative for e in plan.engines}, seed=self.seed)
        out.claims = flag_degenerate(out.claims, self.scenario, out.degenerate())
        out.ensemble_figures.update(decomposition_figures(self.scenario, out.metrics))
        out.draws = draws
        if out_dir is not None:
            from factions.report.html import write_report

            write_report(out, Path(out_dir))
        return out

    def _fitted(self, out: RunResults, post) -> set[str]:
        """Engines that ran with parameters fitted to data: those a posterior sets, and
        the displacement engine when it fitted its flow parameters."""
        fitted = {r.engine for r in out.primary() if r.summary.get("calibrated")}
        if post is not None:
            fitted |= set(post.options)
            fitted |= {c.split(".", 1)[0] for c in post.draws.columns
                       if not c.startswith(_SCENARIO_SECTIONS)}
            if any(c.startswith(_SCENARIO_SECTIONS) for c in post.draws.columns):
                fitted |= {e for e in out.engines if any(
                    get_engine(e).reads_param(c, self.scenario) for c in post.draws.columns
                    if c.startswith(_SCENARIO_SECTIONS))}
        return fitted

    def _ensemble(self, out: RunResults, plan: PipelinePlan, out_dir, progress,
                  meanwhile=None) -> tuple:
        from factions.run.draws import draw_table
        from factions.run.posterior import resolve_posterior, run_ensemble

        post, note = resolve_posterior(self.posterior, self.scenario)
        if note:
            self.notes.append(note)
        draws = None
        if self.vary_inputs:
            draws = draw_table(self.scenario, self.replicas, self.seed, post)
        ens_dir = Path(out_dir or ".factions-ensemble") / "ensemble"
        ids, names, options, pairs = ensemble_scope(self.scenario, plan, out)
        claims, metrics, ens = run_ensemble(
            self.scenario, ids, names, self.seed, self.replicas,
            options, post, ens_dir, workers=self.workers, scheduler=self.scheduler,
            progress=None if progress is None else progress.sweep, strict=plan.strict,
            draws=draws, keep=claimed_metrics(self.scenario), judged=False, pairs=pairs,
            meanwhile=meanwhile)
        out.ensemble = ens
        out.claims, out.metrics, out.replicas, out.posterior = claims, metrics, self.replicas, post
        stochastic = [n for n in plan.names if plan.stochastic[n]]
        where = f"scheduler {self.scheduler}" if self.scheduler else \
            f"{self.workers} local Dask workers"
        n_in = 0 if draws is None else sum(1 for c in draws.columns
                                           if post is None or c not in post.draws.columns)
        note = (f"Claims over {self.replicas} draws (seeds {self.seed}.."
                f"{self.seed + self.replicas - 1} of the stochastic engines "
                f"{', '.join(stochastic) or '(none)'}"
                + (f"; a joint Latin-hypercube sample of {n_in} uncertain inputs" if n_in else "")
                + f"), run on {where}; results in {ens_dir}.")
        if post is not None:
            m = post.meta
            note += (f" Each replica takes the next of {len(post.draws)} posterior parameter "
                     f"sets of the calibration in {post.path} ({m.get('metric')} against "
                     f"{m.get('observation')}, {m.get('method', 'ABC')}, hindcast Spearman "
                     f"{m.get('spearman', float('nan')):.2f}) and its engine options "
                     f"{post.options}.")
        out.ensemble_note = note
        out.ensemble_figures = _tornados(self.scenario, ens, plan.scenario_ids[0], stochastic,
                                         [] if post is None else list(post.draws.columns))
        if post is not None:  # the calibration behind the replicas: its hindcast and posterior
            for name in ("hindcast", "posterior", "validation"):
                png = Path(post.path) / f"{name}.png"
                if png.exists():
                    out.ensemble_figures[f"calibration {name} ({post.path})"] = png.read_bytes()
        return with_decomposition(self.scenario, ens.replica_frames()), draws, post


def _tornados(sc, ens, scenario_id: str, engines: list[str], varied=()) -> dict:
    """Tornado charts of the claimed metrics of stochastic engines against the varied
    (posterior) parameters, on the first scenario; none when nothing varied."""
    from factions.report.compare import claim_metrics
    from factions.run.summaries import sensitivity, tornado_chart

    if not any(t.params for t in ens.plan.tasks) or not (set(ens.plan.vary) | set(varied)):
        return {}
    metrics = [m for m in claim_metrics(sc) if m.split(".", 1)[0] in engines]
    table = ens.ensemble(params=sorted(set(ens.plan.vary) | set(varied)))
    sens = sensitivity(table[table["scenario"] == scenario_id], metrics=metrics)
    figs = {}
    for m in metrics:
        if sens.loc[sens["metric"] == m, "spearman"].notna().any():
            figs[f"sensitivity of {m} [{scenario_id}]"] = tornado_chart(sens, m, scenario_id)
    return figs
