"""Running one engine on one scenario: the single place that applies the skip rules.

Both execution paths — the in-process pass of the pipeline and the tasks of a Dask
ensemble — call :func:`run_engine`, so an engine is skipped (or refused) for the same
reasons everywhere:

* an engine whose declared needs the scenario does not meet is **skipped** with the
  reason, unless it is *strict* (the user named it, or gave it options): then the run
  stops with that reason as an :class:`~factions.errors.EngineError`;
* an engine that raises :class:`~factions.errors.FactionsError` while running is skipped
  with the message, or refused when strict.

:func:`run_chain` runs an engine after the providers of what it consumes, passing what
their results provide as ``upstream`` (engines never import each other). A provider that
declares ``provide`` and has not run in full yet is asked only for what it provides (its
cheap path: an ensemble task of a consumer does not run the whole provider).
"""

from __future__ import annotations

__all__ = ["Outcome", "run_engine", "run_chain", "metric_rows", "NULL_PREFIX"]

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from factions.engines import Engine, EngineResult, unmet_needs, upstream_of
from factions.errors import EngineError, FactionsError

#: prefix of the null-model metrics (``null:<engine>.<metric>``) beside the engine's own
NULL_PREFIX = "null:"


@dataclass
class Outcome:
    """What one engine run gave: a result, or the reason it was skipped."""

    engine: str
    scenario: str
    seed: int
    result: EngineResult | None
    skipped: str = ""
    null: pd.DataFrame | None = None
    key: str = ""

    @property
    def ok(self) -> bool:
        return self.result is not None


def run_engine(engine: Engine, scenario, scenario_id: str, seed: int,
               options: Mapping | None = None, upstream: Mapping | None = None,
               strict: bool = False) -> Outcome:
    """Run ``engine`` unless the scenario lacks what it needs (see the module docs).

    Raises
    ------
    EngineError
        ``strict`` and the engine cannot run on this scenario (needs unmet, or it refused).
    """
    reasons = unmet_needs(engine, scenario, options)
    if reasons:
        why = "; ".join(reasons)
        if strict:
            raise EngineError(f"engine {engine.name!r} cannot run on this scenario: {why}")
        return Outcome(engine.name, scenario_id, int(seed), None, why)
    try:
        result = engine.execute(scenario, scenario_id, seed, options, upstream)
        null = None if engine.null is None else engine.null(scenario, scenario_id,
                                                             engine.check_options(options))
    except FactionsError as exc:
        if strict:
            raise
        return Outcome(engine.name, scenario_id, int(seed), None, str(exc).splitlines()[0])
    return Outcome(engine.name, scenario_id, int(seed), result, null=null)


def run_chain(engine: Engine, engines: Sequence[Engine], scenario, scenario_id: str,
              seed: int, options: Mapping[str, Mapping], strict: bool = False,
              done: dict | None = None, stochastic: Mapping[str, bool] | None = None,
              cache=None) -> Outcome:
    """Run ``engine`` after the providers (among ``engines``) of what it consumes.

    ``done`` caches outcomes by (engine, scenario id, seed) across calls — the seed only
    for engines that ``stochastic`` marks as such (a deterministic provider runs once for
    every seed of its consumers); a provider that was skipped leaves its name out of
    ``upstream``. A provider with a ``provide`` function that has not run in full is asked
    for its names only (cached in ``done`` too). With a
    :class:`~factions.run.cache.ResultCache`, an outcome whose content key
    (:func:`~factions.run.cache.content_key`) is on disk is read instead of computed, and a
    computed one is stored.
    """
    done = {} if done is None else done
    upstream, upkeys = _upstream(engine, engines, scenario, scenario_id, seed, options, done,
                                 stochastic, cache)
    seeded = stochastic is None or stochastic.get(engine.name, True)
    key = _key(engine, scenario_id, seed, stochastic)
    if key not in done:
        ckey = None
        if cache is not None and cache.dir is not None:
            from factions.run.cache import content_key

            ckey = content_key(engine, scenario, scenario_id,
                               seed=int(seed) if seeded else None,
                               options=dict(options.get(engine.name) or {}), upstream=upkeys)
            hit = cache.get(ckey)
            if isinstance(hit, Outcome) and hit.engine == engine.name:
                hit.key = ckey
                done[key] = hit
                return hit
        out = run_engine(engine, scenario, scenario_id, seed, options.get(engine.name),
                         upstream, strict)
        out.key = ckey or ""
        if ckey is not None and (out.ok or not strict):
            cache.put(ckey, out)
        done[key] = out
    return done[key]


def _key(engine: Engine, scenario_id: str, seed: int, stochastic) -> tuple:
    seeded = stochastic is None or stochastic.get(engine.name, True)
    return (engine.name, scenario_id, int(seed) if seeded else None)


def _upstream(engine, engines, scenario, scenario_id, seed, options, done, stochastic,
              cache=None) -> tuple[dict, dict]:
    """``{name: object}`` of what ``engine`` consumes, from its providers among ``engines``,
    and ``{name: content key}`` of the providers' results (``""`` without a cache)."""
    by_name = {e.name: e for e in engines}
    upstream, upkeys = {}, {}
    for name, pname in upstream_of(engine, engines).items():
        provider = by_name[pname]
        key = _key(provider, scenario_id, seed, stochastic)
        if key not in done and provider.provide is not None:
            pkey = ("provide", *key)
            if pkey not in done:
                done[pkey] = _provide(provider, engines, scenario, scenario_id, seed, options,
                                      done, stochastic, cache)
            provided, upkeys[name] = done[pkey]
            if provided is not None and name in provided:
                upstream[name] = provided[name]
            continue
        out = run_chain(provider, engines, scenario, scenario_id, seed, options, False, done,
                        stochastic, cache)
        if out.ok:
            upstream[name] = out.result.provided(name)
        upkeys[name] = getattr(out, "key", "")
    return upstream, upkeys


def _provide(provider: Engine, engines, scenario, scenario_id, seed, options, done,
             stochastic, cache=None) -> tuple[dict | None, str]:
    """The provider's cheap path, under the same skip rules as a full run (``None``:
    skipped), and the content key a full run of the provider would have (``""`` without a
    cache)."""
    opts = options.get(provider.name)
    ups, upkeys = _upstream(provider, engines, scenario, scenario_id, seed, options, done,
                            stochastic, cache)
    ckey = ""
    if cache is not None and cache.dir is not None:
        from factions.run.cache import content_key

        seeded = stochastic is None or stochastic.get(provider.name, True)
        ckey = content_key(provider, scenario, scenario_id,
                           seed=int(seed) if seeded else None, options=dict(opts or {}),
                           upstream=upkeys)
    if unmet_needs(provider, scenario, opts):
        return None, ckey
    try:
        return dict(provider.provide(scenario, scenario_id, int(seed),
                                     provider.check_options(opts),
                                     {k: v for k, v in ups.items() if k in provider.consumes})
                    ), ckey
    except FactionsError:
        return None, ckey


def metric_rows(outcome: Outcome, keep=None) -> pd.DataFrame:
    """``metric, month, value`` of an outcome: ``<engine>.<metric>`` rows, then the null
    model's as ``null:<engine>.<metric>``; only the metrics in ``keep`` if given."""
    cols = ["metric", "month", "value"]
    if not outcome.ok:
        return pd.DataFrame(columns=cols)
    frames = []
    for prefix, m in ((f"{outcome.engine}.", outcome.result.metrics()),
                      (f"{NULL_PREFIX}{outcome.engine}.", outcome.null)):
        if m is None or m.empty:
            continue
        m = m.assign(metric=prefix + m["metric"].astype(str))
        if keep is not None:
            bare = m["metric"].str.removeprefix(NULL_PREFIX)
            m = m[bare.isin(keep)]
        frames.append(m[cols])
    if not frames:
        return pd.DataFrame(columns=cols)
    out = pd.concat(frames, ignore_index=True)
    out["month"] = [None if pd.isna(x) else str(x) for x in out["month"]]
    out["value"] = pd.to_numeric(out["value"], errors="coerce").astype(float)
    return out
