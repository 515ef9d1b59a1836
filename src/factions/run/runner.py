"""Scenario × engines → results: the spine of ``factions run``.

Every engine runs on every named scenario. Deterministic engines run once per scenario;
stochastic engines run once per replica seed (``seed, seed+1, …``), so that the claims table
can report the probability that each claim holds. Engine options are checked before any
engine starts.
"""

from __future__ import annotations

__all__ = ["RunResults", "run_all", "replica_seeds"]

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

from factions.engines import EngineResult, resolve_engines
from factions.errors import EngineError
from factions.run.claims import evaluate_claims
from factions.scenario import Scenario

METRICS_COLUMNS = ["engine", "scenario", "seed", "metric", "month", "value"]


def replica_seeds(seed: int, replicas: int) -> list[int]:
    return [seed + r for r in range(replicas)]


@dataclass
class RunResults:
    """Everything one run produced: per (engine, scenario) results, metrics and claims."""

    scenario: Scenario
    scenario_ids: list[str]
    seed: int
    replicas: int
    engines: list[str]
    results: list[EngineResult] = field(default_factory=list)
    metrics: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=METRICS_COLUMNS))
    claims: pd.DataFrame = field(default_factory=pd.DataFrame)
    skipped: list[tuple[str, str, str]] = field(default_factory=list)
    ensemble_note: str = ""
    ensemble_figures: dict = field(default_factory=dict)

    def primary(self) -> list[EngineResult]:
        """One result per (engine, scenario): the first seed's."""
        return [r for r in self.results if r.seed == self.seed]

    def summary_table(self) -> pd.DataFrame:
        rows = [{"engine": e, "scenario": sid, "summary": f"skipped: {why}"}
                for e, sid, why in self.skipped]
        for r in self.primary():
            items = ", ".join(f"{k}={_fmt(v)}" for k, v in list(r.summary.items())[:6])
            rows.append({"engine": r.engine, "scenario": r.scenario_id, "summary": items})
        return pd.DataFrame.from_records(rows, columns=["engine", "scenario", "summary"])


def _fmt(v) -> str:
    if isinstance(v, float):
        return f"{v:.4g}"
    return str(v)


def run_all(scenario: Scenario, scenario_ids: Sequence[str] | None = None,
            engines: Sequence[str] | None = None, seed: int = 0, replicas: int = 1,
            options: Mapping[str, Mapping] | None = None,
            on_task: Callable[[str, str, int], None] | None = None,
            on_start: Callable[[int], None] | None = None) -> RunResults:
    """Run ``engines`` (default: all registered) on ``scenario_ids`` (default: all).

    Parameters
    ----------
    options
        ``{engine_name: {option: value}}``; refused unless the engine is run and declares
        the option.
    on_task, on_start
        Progress hooks: ``on_start(total_tasks)`` then ``on_task(engine, scenario, seed)``
        after each task.
    """
    if replicas < 1:
        raise EngineError(f"replicas must be ≥ 1, got {replicas}")
    ids = list(scenario_ids) if scenario_ids else scenario.scenario_ids()
    for sid in ids:
        scenario.scenario_def(sid)  # raises ScenarioError naming the known ids
    chosen, options, stoch = resolve_engines(engines, options)
    seeds = replica_seeds(seed, replicas)
    tasks = [(e, sid, s) for e in chosen for sid in ids
             for s in (seeds if stoch[e.name] else seeds[:1])]
    if on_start:
        on_start(len(tasks))
    out = RunResults(scenario, ids, seed, replicas, [e.name for e in chosen])
    frames = []
    for e, sid, s in tasks:
        try:
            res = e.run(scenario, sid, s, dict(options.get(e.name, {})))
        except EngineError as exc:
            # an engine the user did not name, whose inputs this scenario lacks, is skipped
            # with its reason; an engine the user named fails the run.
            if engines:
                raise
            out.skipped.append((e.name, sid, str(exc)))
            if on_task:
                on_task(e.name, sid, s)
            continue
        out.results.append(res)
        m = res.metrics()
        if not m.empty:
            m = m.assign(engine=e.name, scenario=sid, seed=s,
                         metric=e.name + "." + m["metric"].astype(str))
            frames.append(m[METRICS_COLUMNS])
        if on_task:
            on_task(e.name, sid, s)
    if frames:
        out.metrics = pd.concat(frames, ignore_index=True)
    out.claims = evaluate_claims(scenario, _replica_frames(
        out.metrics, {n for n, v in stoch.items() if v}, seeds))
    return out


def _replica_frames(metrics: pd.DataFrame, stochastic: set[str],
                    seeds: list[int]) -> list[pd.DataFrame]:
    """Per replica seed: the stochastic engines' metrics of that seed + deterministic ones."""
    if metrics.empty:
        return [metrics]
    is_stoch = metrics["engine"].isin(stochastic)
    det = metrics[~is_stoch]
    return [pd.concat([det, metrics[is_stoch & (metrics["seed"] == s)]], ignore_index=True)
            for s in seeds]
