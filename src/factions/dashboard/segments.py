"""One named scenario of a what-if, run by the pipeline and cached on its own.

A what-if and its *as written* reference share most named scenarios (every scenario but
the what-if itself, while no input is moved), so results are kept per named scenario — a
*segment* — under a key that hashes everything the engines read: the file's content without its
claims (engines never read them), the segment's named scenario (and its shocks when it is
the what-if, which the file does not hold), the moved inputs, the engine options, the seed
and the replicas.
Claims are then answered over the segments with the pipeline's own
:func:`~factions.run.evaluate_claims`, replica by replica as :class:`~factions.run.Pipeline`
does with ``local=True``.
"""

from __future__ import annotations

__all__ = ["Segment", "segment_key", "content_digest", "run_segment", "combine_claims",
           "claimed_metrics", "light_options",
           "LIGHT_GROUND"]

import hashlib
import json
import threading
import time
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

from factions.engines import get, resolve_engines, unmet_needs
from factions.errors import EngineError
from factions.run import Pipeline, evaluate_claims, replica_seeds
from factions.scenario import Scenario

#: ground options of an interactive run (the command line's defaults: 80 × 80, 3 seeds)
LIGHT_GROUND = {"grid": [40, 40], "seeds": 1}
FORMAT = 1


@dataclass
class Segment:
    """What one named scenario gave: its metrics (columns of ``RunResults.metrics``), the
    engines skipped and degenerate on it, notes, run time and, kept in memory only, the
    engines' interactive (plotly) figures."""

    scenario_id: str
    metrics: pd.DataFrame
    skipped: list[tuple[str, str, str]] = field(default_factory=list)
    degenerate: list[tuple[str, str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    figures: dict = field(default_factory=dict)


def light_options(sc: Scenario) -> dict[str, dict]:
    """Engine options of an interactive run: :data:`LIGHT_GROUND` when ``ground`` can run on
    ``sc`` (options make an engine strict, so none are given to one that cannot)."""
    try:
        ground = get("ground")
    except EngineError:
        return {}
    if unmet_needs(ground, sc, LIGHT_GROUND):
        return {}
    return {"ground": dict(LIGHT_GROUND)}


def _canonical(obj) -> str:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), default=str)


_DIGESTS: OrderedDict[int, tuple[Scenario, str]] = OrderedDict()
_DIGEST_LOCK = threading.Lock()


def content_digest(sc: Scenario) -> str:
    """SHA-256 of what the engines read of ``sc``: its content without the claims
    (remembered for the last few scenarios, which the dashboard asks about again and
    again)."""
    with _DIGEST_LOCK:
        hit = _DIGESTS.get(id(sc))
        if hit is not None and hit[0] is sc:
            return hit[1]
    digest = hashlib.sha256(sc.model_dump_json(exclude={"claims"}).encode()).hexdigest()
    with _DIGEST_LOCK:
        _DIGESTS[id(sc)] = (sc, digest)  # the reference keeps id(sc) from being reused
        while len(_DIGESTS) > 8:
            _DIGESTS.popitem(last=False)
    return digest


def segment_key(digest: str, scenario_id: str, shocks: Sequence[str] | None,
                overrides: Mapping[str, float], options: Mapping, seed: int,
                replicas: int) -> str:
    """Stable hash of one segment's inputs (see the module docs).

    ``digest`` is :func:`content_digest` of the file's scenario; ``shocks`` the shocks of
    a named scenario that is not in the file (the what-if), ``None`` for the file's own.
    """
    from factions import __version__

    text = _canonical({"format": FORMAT, "factions": __version__, "content": digest,
                       "scenario": scenario_id, "shocks": shocks,
                       "overrides": dict(overrides), "options": options,
                       "seed": int(seed), "replicas": int(replicas)})
    return hashlib.sha256(text.encode()).hexdigest()[:32]


#: engines whose figures were found not to be plotly figures (their figures are not drawn
#: again: drawing them costs seconds and the page can only show plotly figures)
_STATIC_FIGURES: set[str] = set()


def _plotly_figures(res) -> dict:
    """The engines' figures that are plotly figures; others are closed and left out."""
    out = {}
    for r in res.primary():
        if r.engine in _STATIC_FIGURES:
            continue
        for name, fig in r.figures().items():
            if type(fig).__module__.startswith("plotly"):
                out[f"{r.engine}: {name}"] = fig
                continue
            _STATIC_FIGURES.add(r.engine)
            if hasattr(fig, "savefig"):
                import matplotlib.pyplot as plt

                plt.close(fig)
    return out


def run_segment(sc: Scenario, scenario_id: str, options: Mapping, seed: int = 0,
                replicas: int = 1, progress=None, figures: bool = False) -> Segment:
    """Run every engine on one named scenario with :class:`~factions.run.Pipeline`
    (in this process, no posterior, no report)."""
    t0 = time.perf_counter()
    pipe = Pipeline(sc, [scenario_id], None, options, seed=seed, replicas=replicas,
                    posterior=None, local=True)
    res = pipe.run(progress=progress)
    return Segment(scenario_id, res.metrics.reset_index(drop=True),
                   [tuple(s) for s in res.skipped], [tuple(d) for d in res.degenerate()],
                   list(pipe.notes), time.perf_counter() - t0,
                   _plotly_figures(res) if figures else {})


def _flags(sc: Scenario, claims: pd.DataFrame, degenerate) -> pd.DataFrame:
    """The ``flag`` column: why a verdict rests on a degenerate engine result."""
    bad = {(e, sid): why for e, sid, why in degenerate}
    flags = []
    for c in sc.claims:
        flag = ""
        t = c.test
        if t is not None and t.metric:
            engine = t.metric.split(".", 1)[0]
            for side in (t.lhs, t.rhs):
                if side.scenario is not None and (engine, side.scenario) in bad:
                    flag = f"degenerate: {engine} on {side.scenario}: " \
                           f"{bad[(engine, side.scenario)]}"
                    break
        flags.append(flag)
    if len(flags) == len(claims):
        claims = claims.copy()
        claims["flag"] = pd.Series(flags, index=claims.index, dtype=object)
    return claims


def claimed_metrics(sc: Scenario) -> set[str]:
    """The metrics the claims of ``sc`` name (the only ones claims read)."""
    return {c.test.metric for c in sc.claims if c.test is not None and c.test.metric}


def combine_claims(sc: Scenario, segments: list[Segment], options: Mapping, seed: int,
                   replicas: int) -> pd.DataFrame:
    """The claims of ``sc`` over the segments' metrics, one replica per seed (only the
    metrics the claims name are handed on: the claims read no others)."""
    named = claimed_metrics(sc)
    frames = [m for m in (s.metrics[s.metrics["metric"].isin(named)] for s in segments)
              if not m.empty]
    metrics = pd.concat(frames, ignore_index=True) if frames else None
    if metrics is None:
        return evaluate_claims(sc, [pd.DataFrame(columns=["scenario", "metric", "month",
                                                          "value"])])
    _, _, stoch = resolve_engines(None, options)
    stochastic = {e for e, v in stoch.items() if v}
    is_stoch = metrics["engine"].isin(stochastic)
    seeds = replica_seeds(seed, replicas) if replicas > 1 and is_stoch.any() else [seed]
    det = metrics[~is_stoch]
    reps = [pd.concat([det, metrics[is_stoch & (metrics["seed"] == s)]], ignore_index=True)
            for s in seeds]
    claims = evaluate_claims(sc, reps)
    degenerate = [d for s in segments for d in s.degenerate]
    return _flags(sc, claims, degenerate)
