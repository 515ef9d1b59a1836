"""What a run of the pipeline produced (:class:`RunResults`), what it planned
(:class:`PipelinePlan`), and the helpers that shape its metrics: one frame per outcome, per
replica, and the claims' flags for degenerate results."""

from __future__ import annotations

__all__ = ["PipelinePlan", "RunResults", "METRICS_COLUMNS", "replica_seeds", "metric_frame",
           "replica_frames", "flag_degenerate"]

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from factions.engines import Engine, EngineResult
from factions.run.execute import metric_rows
from factions.scenario import Scenario

METRICS_COLUMNS = ["engine", "scenario", "seed", "metric", "month", "value"]


def replica_seeds(seed: int, replicas: int) -> list[int]:
    """Seeds of the replicas: ``seed, seed + 1, …``."""
    return [seed + r for r in range(replicas)]


@dataclass
class PipelinePlan:
    """What a run will do: engines in dependency order (those that can run), their options,
    which are stochastic and strict, and the engines set aside with their reasons."""

    scenario_ids: list[str]
    engines: list[Engine]
    options: dict[str, dict]
    stochastic: dict[str, bool]
    strict: set[str]
    skipped: dict[str, str]

    @property
    def names(self) -> list[str]:
        return [e.name for e in self.engines]


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
    #: True when the whole run was read back from the cache (nothing changed)
    from_cache: bool = False
    posterior: Any = None
    ensemble: Any = None
    verdicts: dict = field(default_factory=dict)
    draws: Any = None

    def primary(self) -> list[EngineResult]:
        """One result per (engine, scenario): the base seed's."""
        return [r for r in self.results if r.seed == self.seed]

    def degenerate(self) -> list[tuple[str, str, str]]:
        """``(engine, scenario, why)`` of every degenerate primary result."""
        return [(r.engine, r.scenario_id, r.degenerate) for r in self.primary() if r.degenerate]

    def skipped_engines(self) -> dict[str, str]:
        """``{engine: reason}`` for engines skipped on every scenario (one line each)."""
        out: dict[str, str] = {}
        ran = {r.engine for r in self.results}
        for e, _, why in self.skipped:
            if e not in ran:
                out.setdefault(e, why)
        return out

    def summary_table(self) -> pd.DataFrame:
        rows = [{"engine": e, "scenario": sid, "summary": f"skipped: {why}"}
                for e, sid, why in self.skipped]
        for r in self.primary():
            items = ", ".join(f"{k}={_fmt(v)}" for k, v in list(r.summary.items())[:6])
            if r.degenerate:
                items = f"DEGENERATE ({r.degenerate}); " + items
            rows.append({"engine": r.engine, "scenario": r.scenario_id, "summary": items})
        return pd.DataFrame.from_records(rows, columns=["engine", "scenario", "summary"])


def _fmt(v) -> str:
    if isinstance(v, float):
        return f"{v:.4g}"
    return str(v)


def metric_frame(outcome, sid: str, seed: int) -> pd.DataFrame:
    m = metric_rows(outcome)
    if m.empty:
        return pd.DataFrame(columns=METRICS_COLUMNS)
    return m.assign(engine=outcome.engine, scenario=sid, seed=seed)[METRICS_COLUMNS]


def replica_frames(metrics: pd.DataFrame, stochastic: set[str],
                    seeds: list[int]) -> list[pd.DataFrame]:
    """Per replica seed: the stochastic engines' metrics of that seed + deterministic ones."""
    if metrics.empty:
        return [metrics]
    is_stoch = metrics["engine"].isin(stochastic)
    det = metrics[~is_stoch]
    return [pd.concat([det, metrics[is_stoch & (metrics["seed"] == s)]], ignore_index=True)
            for s in seeds]


def flag_degenerate(claims: pd.DataFrame, scenario: Scenario,
                     degenerate: list[tuple[str, str, str]]) -> pd.DataFrame:
    """Add a ``flag`` column: why a claim's verdict rests on a degenerate result."""
    if claims.empty:
        return claims
    bad = {(e, sid): why for e, sid, why in degenerate}
    flags = []
    for c in scenario.claims:
        t = c.test
        flag = ""
        if t is not None and t.metric:
            engine = t.metric.split(".", 1)[0]
            for side in (t.lhs, t.rhs):
                if side.scenario is not None and (engine, side.scenario) in bad:
                    flag = (f"degenerate: {engine} on {side.scenario}: "
                            f"{bad[(engine, side.scenario)]}")
                    break
        flags.append(flag)
    claims = claims.copy()
    if len(flags) == len(claims):
        claims["flag"] = pd.Series(flags, index=claims.index, dtype=object)
    return claims
