"""The scenario digest: the scenario's own tables and timeline, under one named scenario.

No model: it reports what the file says and what the shocks do to it month by month, so
that every other engine's output can be read against it. Its metrics are the scenario's
parameters themselves (``digest.forces.<force>``, ``digest.populations.<group>.legitimacy``)
so that claims can test the inputs (e.g. "the surge raised troop levels") — such a claim
tests an input, not a model, and is graded accordingly.
"""

from __future__ import annotations

__all__ = ["DigestResult", "run_digest", "digest_metrics"]

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from factions.engines.base import EngineResult
from factions.engines.options import check_options
from factions.scenario import Scenario

_METRIC_PREFIXES = ("forces.", "populations.", "parameters.", "locations.")


@dataclass
class DigestResult(EngineResult):
    actors: pd.DataFrame = field(default_factory=pd.DataFrame)
    ties: pd.DataFrame = field(default_factory=pd.DataFrame)
    shocks: pd.DataFrame = field(default_factory=pd.DataFrame)
    timeline: pd.DataFrame = field(default_factory=pd.DataFrame)
    changes: pd.DataFrame = field(default_factory=pd.DataFrame)
    observations: pd.DataFrame = field(default_factory=pd.DataFrame)

    def tables(self) -> dict[str, pd.DataFrame]:
        return {"actors": self.actors, "ties": self.ties, "shocks": self.shocks,
                "changes": self.changes, "observations": self.observations}

    def metrics(self) -> pd.DataFrame:
        cols = [c for c in self.timeline.columns if c.startswith(_METRIC_PREFIXES)]
        long = self.timeline[cols].reset_index().melt(id_vars="month", var_name="metric",
                                                      value_name="value")
        ties = self.ties_by_month()
        return pd.concat([long[["metric", "month", "value"]], ties], ignore_index=True)

    def ties_by_month(self) -> pd.DataFrame:
        rel = self.timeline[[c for c in self.timeline.columns if c.startswith("relations.")]]
        recs = []
        for month, row in rel.iterrows():
            v = row.to_numpy()
            recs += [{"metric": "ties_positive", "month": month, "value": float((v > 0).sum())},
                     {"metric": "ties_negative", "month": month, "value": float((v < 0).sum())}]
        return pd.DataFrame.from_records(recs, columns=["metric", "month", "value"])

    def figures(self):
        """Plotly figures: ``timeline`` (forces and shocks) and ``observations``."""
        from factions.engines.digest.figures import observations_figure, timeline_figure

        figs = {"timeline": timeline_figure(self.timeline, self.shocks,
                                            f"Forces and shocks — {self.scenario_id}"),
                "observations": observations_figure(self.observations,
                                                    [str(m) for m in self.timeline.index])}
        return {k: v for k, v in figs.items() if v is not None}


def run_digest(scenario: Scenario, scenario_id: str, seed: int = 0,
               options: Mapping | None = None, upstream: Mapping | None = None
               ) -> DigestResult:
    """Tables of the scenario under ``scenario_id``: actors, ties, shocks, changes, data.

    ``changes`` lists, for every parameter a shock moves, its value before the first shock
    month and at the end of the period, against the no-shock baseline.
    """
    check_options("digest", (), options)
    tl = scenario.timeline(scenario_id)
    frame = tl.frame()
    first = scenario.months()[0]
    actors = tl.actors_at(first).reset_index()
    meta = pd.DataFrame.from_records(
        [{"actor": a.id, "name": a.name, "kind": a.kind, "identity": a.identity,
          "source": a.source} for a in scenario.actors])
    actors = meta.merge(actors, on="actor")
    ties = pd.DataFrame.from_records(
        [{"a": r.a, "b": r.b, "weight": r.weight, "kind": r.kind, "start": r.start or first,
          "end": r.end or scenario.months()[-1], "source": r.source} for r in scenario.relations],
        columns=["a", "b", "weight", "kind", "start", "end", "source"])
    shocks = pd.DataFrame.from_records(
        [{"shock": s.id, "name": s.name, "month": s.month, "hypothetical": s.hypothetical,
          "effects": "; ".join(_describe(e) for e in s.effects), "source": s.source}
         for s in tl.shocks],
        columns=["shock", "name", "month", "hypothetical", "effects", "source"])
    base = scenario._base[0]
    changes = []
    for col in frame.columns:
        b = base[col].to_numpy() if col in base.columns else np.zeros(len(frame))
        v = frame[col].to_numpy()
        diff = np.nonzero(~np.isclose(b, v))[0]
        if diff.size:
            changes.append({"parameter": col, "from_month": frame.index[diff[0]],
                            "baseline_end": float(b[-1]), "scenario_end": float(v[-1]),
                            "max_abs_change": float(np.max(np.abs(v - b)))})
    changes_df = pd.DataFrame.from_records(
        changes, columns=["parameter", "from_month", "baseline_end", "scenario_end",
                          "max_abs_change"])
    obs = pd.DataFrame.from_records(
        [{"observation": o.id, "month": m, "value": v, "unit": o.unit}
         for o in scenario.observations for m, v in sorted(o.series.items())],
        columns=["observation", "month", "value", "unit"])
    n_neg = sum(1 for *_, w in tl.relations_at(scenario.months()[-1]) if w < 0)
    summary = {"actors": len(scenario.actors), "ties": len(scenario.relations),
               "shocks": len(tl.shocks), "parameters_changed": len(changes),
               "negative_ties_at_end": n_neg}
    return DigestResult(engine="digest", scenario_id=scenario_id, seed=seed, summary=summary,
                        actors=actors, ties=ties, shocks=shocks, timeline=frame,
                        changes=changes_df, observations=obs)


def _describe(e) -> str:
    s = f"{e.param} {e.op} {e.amount:g}"
    if e.from_:
        s += f" from {e.from_}"
    if e.ramp:
        s += f" over {e.ramp} months"
    if e.until:
        s += f" until {e.until}"
    return s


def digest_null(scenario, scenario_id: str, options: Mapping | None = None) -> pd.DataFrame:
    """The digest has no mechanism: its null model is itself (its metrics are the inputs),
    so every claim on a digest metric is graded *encoded*."""
    return run_digest(scenario, scenario_id, 0, options).metrics()


def digest_metrics(scenario) -> list[str]:
    """The metric names the engine reports: the scenario's own parameters."""
    return [f"{p}*" for p in _METRIC_PREFIXES] + ["ties_positive", "ties_negative"]
