"""What a what-if request needs run, and its answer once every segment is at hand.

:func:`plan_request` turns a checked :class:`~factions.dashboard.whatif.WhatIf` into the
segments it needs: those of the what-if variant and those of the file as written.
:func:`answer` assembles the claims table and metrics from the cache; it returns ``None``
while a segment is missing, so that a change whose segments are all cached is answered at
once, without a run.
"""

from __future__ import annotations

__all__ = ["RunSpec", "Answer", "plan_request", "answer", "SEED"]

from dataclasses import dataclass, field

import pandas as pd

from factions.dashboard.cache import SegmentCache
from factions.dashboard.segments import (
    claimed_metrics,
    combine_claims,
    content_digest,
    light_options,
    segment_key,
)
from factions.dashboard.whatif import WhatIf, as_written, what_if_variant
from factions.scenario import Scenario

#: the seed of every dashboard run (replica r uses SEED + r)
SEED = 0


@dataclass
class Need:
    """One segment: its key, the scenario to run and the named scenario."""

    key: str
    scenario: Scenario
    scenario_id: str
    what_if: bool = False


@dataclass
class RunSpec:
    """The segments of a what-if (``what_if``) and of its reference (``written``)."""

    request: WhatIf
    variant: Scenario
    written: Scenario
    what_if_id: str
    options: dict
    what_if: list[Need]
    written_needs: list[Need]

    def needs(self) -> list[Need]:
        """Every segment, each key once, the what-if's first."""
        seen: dict[str, Need] = {}
        for n in self.what_if + self.written_needs:
            seen.setdefault(n.key, n)
        return list(seen.values())

    def missing(self, cache: SegmentCache) -> list[Need]:
        return [n for n in self.needs() if cache.get(n.key) is None]


@dataclass
class Answer:
    """The claims of the what-if next to the claims as written, and the metrics the claims
    name in both."""

    spec: RunSpec
    claims: pd.DataFrame
    metrics: pd.DataFrame
    written_metrics: pd.DataFrame
    notes: list[str] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)
    figures: dict = field(default_factory=dict)
    seconds: float = 0.0


def plan_request(sc: Scenario, w: WhatIf) -> RunSpec:
    """The segments that answer ``w`` on ``sc`` (see the module docs)."""
    options = light_options(sc)
    variant, wid, ids = what_if_variant(sc, w)
    written, written_ids = as_written(sc, w.start)
    over = w.overrides

    digest = content_digest(sc)

    def key(sid, o):
        shocks = list(w.shocks) if sid == wid else None
        return segment_key(digest, sid, shocks, o, options, SEED, w.replicas)

    what = [Need(key(sid, over), variant, sid, sid == wid) for sid in ids]
    ref = [Need(key(sid, {}), written, sid) for sid in written_ids]
    return RunSpec(w, variant, written, wid, options, what, ref)


def _claims(spec: RunSpec, what, ref) -> pd.DataFrame:
    w = spec.request
    claims = combine_claims(spec.variant, what, spec.options, SEED, w.replicas)
    written = combine_claims(spec.written, ref, spec.options, SEED, w.replicas)
    claims = claims.copy()
    claims["as_written"] = written["verdict"].to_numpy()
    claims["p_as_written"] = written["p_holds"].to_numpy()
    same = (claims["verdict"] == claims["as_written"]) & (
        (claims["p_holds"] == claims["p_as_written"])
        | (claims["p_holds"].isna() & claims["p_as_written"].isna()))
    claims["changed"] = ~same
    return claims


def _concat(segs, named: set[str]) -> pd.DataFrame:
    frames = [m for m in (s.metrics[s.metrics["metric"].isin(named)] for s in segs)
              if not m.empty]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        columns=["engine", "scenario", "seed", "metric", "month", "value"])


def answer(spec: RunSpec, cache: SegmentCache) -> Answer | None:
    """The answer from cached segments, or ``None`` while one is missing."""
    what = [cache.get(n.key) for n in spec.what_if]
    ref = [cache.get(n.key) for n in spec.written_needs]
    if any(s is None for s in what + ref):
        return None
    skipped: dict[str, str] = {}
    ran = {e for s in what for e in s.metrics["engine"].unique()} if what else set()
    for s in what:
        for e, _, why in s.skipped:
            if e not in ran:
                skipped.setdefault(e, why)
    notes = list(dict.fromkeys(n for s in what + ref for n in s.notes))
    figures = next((s.figures for s, n in zip(what, spec.what_if, strict=True) if n.what_if),
                   {})
    named = claimed_metrics(spec.variant)
    return Answer(spec, _claims(spec, what, ref), _concat(what, named), _concat(ref, named),
                  notes, skipped, figures, sum(s.seconds for s in what + ref))
