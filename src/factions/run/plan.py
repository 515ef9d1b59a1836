"""What a sweep runs: tasks keyed by (engine, scenario, parameters, seed) with a stable hash.

A sweep over ``runs`` replicas, a grid of points and random draws expands into
*replicas* — one per (grid point, run) — and each replica needs one task per
(engine, named scenario). Run ``r`` uses seed ``seed + r`` (as
:func:`factions.run.runner.replica_seeds`) and the parameter draws of run ``r``
(:func:`factions.run.distributions.draw_params`), shared by every named scenario, so that
scenarios are compared under common random numbers.

A task's key hashes everything its result depends on: the factions version, the scenario
content, the engine, its options, the named scenario, the parameters *that engine sees* (scenario parameters
and that engine's own options) and, for stochastic engines only, the seed. Replicas that
need the same result share one task (e.g. a deterministic engine when only a stochastic
engine's option varies), and a task already in the output directory is not run again.
"""

from __future__ import annotations

__all__ = ["SweepTask", "SweepPlan", "plan_sweep", "task_key", "scenario_digest",
           "SCENARIO_PREFIXES"]

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

from factions.engines import resolve_engines, upstream_of
from factions.errors import InputError, ScenarioError
from factions.run.distributions import Distribution, draw_params, grid_points
from factions.run.runner import replica_seeds
from factions.scenario import Scenario

SCENARIO_PREFIXES = ("actors.", "positions.", "relations.", "populations.", "forces.", "shocks.",
                     "parameters.", "locations.", "routes.", "dynamics.")
KEY_VERSION = 1


@dataclass(frozen=True)
class SweepTask:
    """One engine run: ``params`` are the varied values this engine sees."""

    key: str
    engine: str
    scenario: str
    run: int
    seed: int
    params: dict = field(hash=False)
    stochastic: bool = False

    def params_json(self) -> str:
        return _canonical(self.params)


@dataclass
class SweepPlan:
    """Tasks to run and how they map to replicas (``replicas``: key, engine, scenario,
    point, run, seed; one row per replica and engine/scenario)."""

    tasks: list[SweepTask]
    replicas: pd.DataFrame
    points: list[dict]
    runs: int
    seed: int
    engines: list[str]
    scenario_ids: list[str]
    vary: dict[str, Distribution]
    options: dict[str, dict]
    stochastic: dict[str, bool]
    keep: list[str] | None = None

    @property
    def keys(self) -> list[str]:
        return [t.key for t in self.tasks]


def _canonical(obj) -> str:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), default=str)


def scenario_digest(scenario: Scenario) -> str:
    """SHA-256 of the scenario's validated content (not of its file name).

    Fields left empty (``None``) are not part of it, so that a new optional field of the
    format does not change the digest of files that do not use it."""
    return hashlib.sha256(scenario.model_dump_json(exclude_none=True).encode()).hexdigest()


def task_key(digest: str, engine: str, scenario_id: str, params: Mapping, seed: int | None,
             options: Mapping, keep=None) -> str:
    """Stable hash of a task (the same on every machine and Python run); ``digest`` is the
    content digest of what the task's engine reads on its named scenario."""
    from factions import __version__

    text = _canonical({"v": KEY_VERSION, "factions": __version__,
                       "scenario_content": digest, "engine": engine,
                       "scenario": scenario_id, "params": dict(params), "seed": seed,
                       "options": dict(options),
                       **({"keep": sorted(keep)} if keep is not None else {})})
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _check_vary_names(scenario: Scenario, names: Sequence[str], engines) -> None:
    by_name = {e.name: e for e in engines}
    for name in names:
        if name.startswith(SCENARIO_PREFIXES):
            try:
                scenario.with_base({name: 0.0})
            except ScenarioError as exc:
                msg = exc.problems[0].message if exc.problems else str(exc)
                raise InputError(f"--vary {name}: {msg}") from None
            continue
        head, _, opt = name.partition(".")
        if head in by_name and opt in {o.name for o in by_name[head].options}:
            continue
        if head in by_name:
            accepted = ", ".join(sorted(o.name for o in by_name[head].options)) or "none"
            raise InputError(f"--vary {name}: engine {head!r} has no option {opt!r}; "
                             f"accepted: {accepted}")
        raise InputError(f"--vary {name}: not a scenario parameter (actors.*, positions.*, "
                         "relations.*, populations.*, forces.*, parameters.*, locations.*, "
                         "shocks.<shock>.<effect>, dynamics.<id>.rate|inertia) "
                         "nor an option <engine>.<option> of an engine being run")


def _chain(engine, engines) -> list[str]:
    """``engine`` and, transitively, the providers of what it consumes among ``engines``."""
    out, todo = [engine.name], [engine]
    by_name = {e.name: e for e in engines}
    while todo:
        for provider in upstream_of(todo.pop(), engines).values():
            if provider not in out:
                out.append(provider)
                todo.append(by_name[provider])
    return out


def _chain_digest(engine, engines, scenario, scenario_id: str) -> str:
    """Content digest of what ``engine`` (and the providers it consumes) read on
    ``scenario_id`` (:func:`factions.run.cache.content_key`, without seed and options)."""
    from factions.run.cache import content_key

    by_name = {e.name: e for e in engines}
    ups = {n: content_key(by_name[n], scenario, scenario_id, seed=None, options={})
           for n in _chain(engine, engines)[1:]}
    return content_key(engine, scenario, scenario_id, seed=None, options={}, upstream=ups)


def _check_numeric(name: str, value) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        raise InputError(f"--vary {name}: scenario parameters take numbers, "
                         f"got {value!r}") from None


def plan_sweep(scenario: Scenario, scenario_ids: Sequence[str] | None = None,
               engine_names: Sequence[str] | None = None, runs: int = 1,
               vary: Mapping[str, Distribution] | None = None, seed: int = 0,
               options: Mapping[str, Mapping] | None = None,
               draws: pd.DataFrame | None = None, keep=None,
               pairs: Mapping[str, Sequence[str]] | None = None) -> SweepPlan:
    """Expand a sweep into tasks. See :func:`factions.run.sweep.sweep` for the parameters.

    Raises
    ------
    InputError
        ``runs`` < 1, an unknown varied parameter, a non-numeric scenario parameter value.
    EngineError
        Unknown engine or option.
    ScenarioError
        Unknown named scenario.
    """
    if int(runs) != runs or runs < 1:
        raise InputError(f"--runs must be a whole number ≥ 1, got {runs}")
    runs = int(runs)
    ids = list(scenario_ids) if scenario_ids else scenario.scenario_ids()
    for sid in ids:
        scenario.scenario_def(sid)
    if pairs is not None:
        for name, where in pairs.items():
            for sid in where:
                if sid not in ids:
                    raise InputError(f"pairs: engine {name!r} on {sid!r}, which is not "
                                     "among the sweep's named scenarios")
    engines, options, stoch = resolve_engines(engine_names, options)
    vary = dict(vary or {})
    draw_cols = [] if draws is None else [str(c) for c in draws.columns]
    if draws is not None and draws.empty:
        raise InputError("draws: the table of parameter draws is empty")
    overlap = set(draw_cols) & set(vary)
    if overlap:
        raise InputError(f"--vary {sorted(overlap)[0]}: given both as a distribution and in draws")
    _check_vary_names(scenario, sorted(vary) + draw_cols, engines)
    digests = {(e.name, sid): _chain_digest(e, engines, scenario, sid)
               for e in engines for sid in ids}
    names = set(vary) | set(draw_cols)
    read_by = {e.name: {k for k in names if k.startswith(SCENARIO_PREFIXES)
                        and e.reads_param(k, scenario)} for e in engines}
    points = grid_points(vary)
    seeds = replica_seeds(seed, runs)
    draw_rows = None if draws is None else draws.to_dict(orient="records")
    tasks: dict[str, SweepTask] = {}
    rows = []
    for p, point in enumerate(points):
        for r, s in enumerate(seeds):
            values = {**point, **draw_params(vary, seed, r)}
            if draw_rows is not None:
                values.update(draw_rows[r % len(draw_rows)])
            for k in list(values):
                if k.startswith(SCENARIO_PREFIXES):
                    values[k] = _check_numeric(k, values[k])
                elif hasattr(values[k], "item"):  # numpy scalar → Python
                    values[k] = values[k].item()
            for e in engines:
                chain = _chain(e, engines)
                seen = {k: v for k, v in values.items()
                        if any(k in read_by[n] for n in chain)
                        or any(k.startswith(n + ".") for n in chain)}
                opts = {n: options.get(n, {}) for n in chain} if len(chain) > 1 else \
                    options.get(e.name, {})
                task_seed = s if stoch[e.name] else seed
                for sid in ids if pairs is None else [i for i in ids
                                                      if i in pairs.get(e.name, ())]:
                    key = task_key(digests[(e.name, sid)], e.name, sid, seen,
                                   task_seed if stoch[e.name] else None, opts, keep)
                    if key not in tasks:
                        tasks[key] = SweepTask(key, e.name, sid, r, task_seed, seen,
                                               stoch[e.name])
                    rows.append((key, e.name, sid, p, r, s))
    replicas = pd.DataFrame.from_records(
        rows, columns=["key", "engine", "scenario", "point", "run", "seed"])
    return SweepPlan(list(tasks.values()), replicas, points, runs, seed,
                     [e.name for e in engines], ids, vary, options,
                     stoch, None if keep is None else sorted(keep))
