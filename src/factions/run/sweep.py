"""Ensembles on Dask distributed: seeded replicas, parameter grids and draws, resumable.

:func:`sweep` expands a sweep into tasks (:mod:`factions.run.plan`), skips the tasks whose
results are already in ``out_dir``, submits the others to a Dask cluster — a
``LocalCluster`` of ``workers`` single-threaded processes by default, or the scheduler at
``scheduler`` — and writes the results as Parquet parts in batches as futures complete
(:mod:`factions.run.store`). The tasks of one draw travel as one Dask task
(:func:`~factions.run.tasks.execute_bundle`), so that they share what they have in common.
A worker that dies mid-sweep loses only its running bundle: the scheduler reruns it
elsewhere (and the sweep resubmits tasks that Dask gives up on,
:func:`~factions.run.cluster.infrastructure_error`), and a result reaches the disk once
per key, so the final results are complete and unique. What a worker runs lives in
:mod:`factions.run.tasks`, the cluster's handling in :mod:`factions.run.cluster`; both are
importable from here too.
"""

from __future__ import annotations

__all__ = ["sweep", "SweepProgress", "SweepResult", "connect", "check_workers", "execute_task",
           "execute_bundle", "bundles"]

import json
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from factions.errors import EngineError
from factions.run.cluster import check_workers, close, connect, infrastructure_error
from factions.run.distributions import Distribution
from factions.run.plan import SweepPlan, SweepTask, plan_sweep
from factions.run.store import RESULT_COLUMNS, finished_keys, read_results, write_batch
from factions.run.tasks import bundles, execute_bundle, execute_task
from factions.scenario import Scenario


@dataclass
class SweepProgress:
    """Passed to the progress callback at the start, after every bundle of tasks (one
    draw's, :func:`bundles`) and at the end.

    ``total`` counts every task of the sweep, ``done`` the finished ones (including the
    ``cached`` ones found in the output directory at the start).
    """

    total: int
    done: int
    cached: int
    skipped: int = 0
    retried: int = 0
    written: int = 0
    elapsed: float = 0.0
    last: SweepTask | None = None
    finished: bool = False

    @property
    def rate(self) -> float:
        """Tasks run by this sweep per second (cached ones excluded)."""
        ran = self.done - self.cached
        return ran / self.elapsed if self.elapsed > 0 else 0.0


@dataclass
class SweepResult:
    """Results of a sweep, read back from ``out_dir`` (only this sweep's keys)."""

    plan: SweepPlan
    out_dir: Path
    metrics: pd.DataFrame
    ran: int
    cached: int
    elapsed: float
    skipped: list[tuple[str, str, str]] = field(default_factory=list)

    def ensemble(self, params: bool | Sequence[str] = True) -> pd.DataFrame:
        """Metrics joined to replicas: one row per (point, run, engine, scenario, metric,
        month), with the varied parameters' values of that replica as columns (all of
        them, ``params`` named ones only, or none for ``False`` — with hundreds of
        uncertain inputs the columns would dwarf the metrics)."""
        ok = self.metrics[self.metrics["metric"].notna()]
        keep = ["key", "metric", "month", "value"]
        rep = self.plan.replicas.merge(ok[keep], on="key", how="inner")
        table = _replica_params(self.plan) if params is not False else pd.DataFrame()
        if not table.empty and params is not True:
            table = table[["point", "run", *[c for c in params if c in table.columns]]]
        if not table.empty and table.shape[1] > 2:
            rep = rep.merge(table, on=["point", "run"], how="left")
        return rep.sort_values(["scenario", "metric", "month", "point", "run"],
                               na_position="first", kind="stable").reset_index(drop=True)

    def __getstate__(self):
        """Pickled without the cache of :meth:`replica_frames` (rebuilt on first use)."""
        state = dict(self.__dict__)
        state.pop("_frames", None)
        return state

    def replica_frames(self, point: int = 0) -> list[pd.DataFrame]:
        """One metrics frame per run at grid point ``point`` (input of
        :func:`factions.run.claims.evaluate_claims`)."""
        cache = self.__dict__.setdefault("_frames", {})
        if point not in cache:  # read by the claims, the decomposition and the report
            ens = self.ensemble(params=False)
            ens = ens[ens["point"] == point]
            cache[point] = [g[["engine", "scenario", "seed", "metric", "month", "value"]]
                            .reset_index(drop=True) for _, g in ens.groupby("run", sort=True)]
        return [f.copy() for f in cache[point]]


def _replica_params(plan: SweepPlan) -> pd.DataFrame:
    """Values of every varied parameter per (point, run), from the stochastic view."""
    rows = {}
    tasks = {t.key: t for t in plan.tasks}
    for key, p, r in plan.replicas[["key", "point", "run"]].itertuples(index=False):
        rows.setdefault((p, r), {}).update(tasks[key].params)
    if not rows or not any(rows.values()):
        return pd.DataFrame()
    recs = [{"point": p, "run": r, **v} for (p, r), v in rows.items()]
    return pd.DataFrame.from_records(recs)


def _batch_frame(items: list[tuple[SweepTask, str, str, pd.DataFrame]]) -> pd.DataFrame:
    """Rows of finished tasks in :data:`RESULT_COLUMNS` order, built column-wise (fast)."""
    import numpy as np

    sizes = [max(1, len(m)) for _, _, _, m in items]
    cols: dict[str, list] = {"metric": [], "month": [], "value": []}
    for _, _, _, m in items:
        if len(m):
            cols["metric"] += m["metric"].tolist()
            cols["month"] += m["month"].tolist()
            cols["value"] += m["value"].tolist()
        else:  # a finished task without metrics still leaves one row
            cols["metric"].append(None)
            cols["month"].append(None)
            cols["value"].append(float("nan"))

    def rep(values):
        return np.repeat(np.array(values, dtype=object), sizes)

    tasks = [t for t, _, _, _ in items]
    codes, texts = pd.factorize(np.array([t.params_json() for t in tasks], dtype=object))
    frame = pd.DataFrame({
        "key": rep([t.key for t in tasks]), "engine": rep([t.engine for t in tasks]),
        "scenario": rep([t.scenario for t in tasks]),
        "run": np.repeat(np.array([t.run for t in tasks], dtype=np.int64), sizes),
        "seed": np.repeat(np.array([t.seed for t in tasks], dtype=np.int64), sizes),
        # one JSON text per task (hundreds of drawn inputs): stored once, coded per row
        "params": pd.Categorical.from_codes(np.repeat(codes, sizes), categories=texts),
        "status": rep([s for _, s, _, _ in items]), "message": rep([m for _, _, m, _ in items]),
        "metric": np.array(cols["metric"], dtype=object),
        "month": np.array(cols["month"], dtype=object),
        "value": np.array(cols["value"], dtype=float)})
    return frame[RESULT_COLUMNS]


def sweep(scenario: Scenario, scenario_ids: Sequence[str] | None = None,
          engine_names: Sequence[str] | None = None, runs: int = 1,
          vary: Mapping[str, Distribution] | None = None, seed: int = 0,
          out_dir: str | Path = "sweep", scheduler=None, workers: int = 2,
          options: Mapping[str, Mapping] | None = None,
          progress: Callable[[SweepProgress], None] | None = None,
          draws: pd.DataFrame | None = None, batch_size: int = 50,
          batch_seconds: float = 20.0, max_retries: int = 3,
          connect_timeout: float = 5.0, strict=None, keep=None,
          expand_params: bool = True,
          pairs: Mapping[str, Sequence[str]] | None = None,
          meanwhile: Callable[[Callable[[], None]], None] | None = None) -> SweepResult:
    """Run ``runs`` seeded replicas of every engine on every named scenario on Dask.

    Parameters
    ----------
    scenario_ids, engine_names
        Default: every named scenario, every registered engine (engines that refuse the
        scenario are then skipped with their reason; a named engine that refuses it
        fails the sweep).
    runs
        Replicas per grid point; run ``r`` uses seed ``seed + r``.
    vary
        ``{parameter: distribution}`` (see :func:`~factions.run.distributions.parse_varies`):
        scenario parameters (``populations.<group>.legitimacy``) or engine options
        (``ground.threshold``). Random distributions are drawn once per run; ``grid`` and
        ``values`` axes multiply the runs.
    draws
        Explicit parameter sets (one column per parameter); run ``r`` uses row
        ``r % len(draws)`` (e.g. a posterior sample from :mod:`factions.run.calibrate`).
    out_dir
        Directory of Parquet parts; finished tasks found there are not run again.
    scheduler, workers
        A Dask scheduler address (``tcp://host:8786``) or ``Client``; otherwise a local
        cluster of ``workers`` processes.
    progress
        Called with a :class:`SweepProgress` at the start, after every task and at the end.
    keep
        Metric names (``<engine>.<metric>``) to keep from each task (with their null-model
        rows); default: all.
    pairs
        ``{engine: named scenarios}``: run each engine only there (an engine not named
        does not run; its providers still run inside its consumers' tasks); default:
        every engine on every named scenario.
    strict
        Engines that must run: one that the scenario cannot serve stops the sweep
        (default: the ``engine_names`` given; the others are skipped with their reason).
    meanwhile
        Work for this process while the cluster runs the tasks: called once, after every
        task is submitted and before the sweep waits for them, with ``poll``, a function
        that takes in whatever has finished so far (writes its parts, calls ``progress``)
        without waiting; the caller calls it between its own steps. It is also called
        (with a ``poll`` that does nothing) when every task was found in ``out_dir``. An
        exception it raises stops the sweep as a failed task would: what finished is
        written, the rest cancelled.
    batch_size, batch_seconds
        A part is written when this many tasks are waiting or this long has passed.

    Returns
    -------
    SweepResult
        This sweep's results, each task once.

    Raises
    ------
    InputError
        Bad ``runs``/``vary``/``workers``, unreachable scheduler.
    EngineError
        Unknown engine/option; a named engine refusing the scenario.
    """
    plan = plan_sweep(scenario, scenario_ids, engine_names, runs, vary, seed, options, draws,
                      keep, pairs)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    _write_settings(out, scenario, plan)
    done_keys = finished_keys(out)
    todo = [t for t in plan.tasks if t.key not in done_keys]
    cached = len(plan.tasks) - len(todo)
    state = SweepProgress(total=len(plan.tasks), done=cached, cached=cached)
    t0 = time.perf_counter()
    if progress:
        progress(state)
    if todo:
        client, owned = connect(scheduler, workers, connect_timeout)
        try:
            check_workers(client, timeout=max(connect_timeout, 30.0))
            _run_on_dask(client, scenario, plan, todo, out, state, progress, t0,
                         strict=set(engine_names or ()) if strict is None else set(strict),
                         batch_size=batch_size,
                         batch_seconds=batch_seconds, max_retries=max_retries,
                         meanwhile=meanwhile)
        finally:
            if owned:
                close(client)
    elif meanwhile is not None:
        meanwhile(lambda: None)
    state.elapsed = time.perf_counter() - t0
    state.finished = True
    if progress:
        progress(state)
    metrics = read_results(out, keys=plan.keys, expand_params=expand_params)
    skipped = metrics[metrics["status"] == "skipped"].drop_duplicates(["engine", "scenario"])
    return SweepResult(plan, out, metrics, len(todo), cached, state.elapsed,
                       list(skipped[["engine", "scenario", "message"]]
                            .itertuples(index=False, name=None)))


def _write_settings(out: Path, scenario: Scenario, plan: SweepPlan) -> None:
    info = {"scenario": scenario.meta.name, "file": str(scenario.file), "runs": plan.runs,
            "seed": plan.seed, "engines": plan.engines, "scenario_ids": plan.scenario_ids,
            "vary": {k: v.describe() for k, v in plan.vary.items()},
            "options": plan.options, "tasks": len(plan.tasks)}
    tmp = out / ".sweep.json.tmp"
    tmp.write_text(json.dumps(info, indent=2, default=str))
    tmp.replace(out / "sweep.json")


def _run_on_dask(client, scenario, plan, todo, out, state, progress, t0, *, strict,
                 batch_size, batch_seconds, max_retries, meanwhile=None) -> None:
    from distributed import as_completed

    shipped = scenario.with_base({})  # a fresh copy: no cached timelines to ship
    sc_future = client.scatter(shipped, broadcast=True, hash=False)
    attempts: dict[str, int] = {}
    owner: dict = {}

    def submit(group: list[SweepTask]):
        n = attempts.get(group[0].key, 0)
        fut = client.submit(execute_bundle, sc_future,
                            [(t.engine, t.scenario, t.seed, t.params) for t in group],
                            plan.options, plan.engines, plan.keep,
                            key=f"factions-{group[0].key}-{n}", pure=False)
        owner[fut.key] = group
        return fut

    pending: list[tuple] = []
    last_flush = time.perf_counter()
    # one Dask task per draw: its tasks share timelines, providers' results and history
    first = [submit(group) for group in bundles(todo)]
    # results are fetched concurrently on the client's event loop, not one round trip
    # per task in this loop
    ac = as_completed(first, with_results=True)

    def flush():
        nonlocal last_flush
        if pending:
            write_batch(out, _batch_frame(pending))
            state.written += len(pending)
            pending.clear()
        last_flush = time.perf_counter()

    def take(fut, value):
        nonlocal sc_future
        group = owner.pop(fut.key)
        if fut.status != "finished":
            exc = value if isinstance(value, BaseException) else None
            fut.release()
            if exc is not None and not infrastructure_error(exc):
                raise exc
            key = group[0].key
            attempts[key] = attempts.get(key, 0) + 1
            if attempts[key] > max_retries:
                t = group[0]
                raise EngineError(f"task {t.engine}/{t.scenario}/seed {t.seed} "
                                  f"failed {attempts[key]} times on the cluster: "
                                  f"{exc!r}")
            if sc_future.status != "finished":
                sc_future = client.scatter(shipped, broadcast=True, hash=False)
            state.retried += 1
            ac.add(submit(group))
            return
        fut.release()
        for task, (status, message, m) in zip(group, value, strict=True):
            if status == "skipped":
                if task.engine in strict:
                    raise EngineError(f"engine {task.engine!r} on scenario "
                                      f"{task.scenario!r}: {message}")
                state.skipped += 1
            pending.append((task, status, message, m))
            state.done += 1
            state.last = task
        state.elapsed = time.perf_counter() - t0
        if len(pending) >= batch_size or time.perf_counter() - last_flush >= batch_seconds:
            flush()
        if progress:
            progress(state)

    def poll():
        """Take in the bundles finished so far, without waiting."""
        while ac.has_ready():
            take(*next(ac))

    try:
        if meanwhile is not None:
            meanwhile(poll)
        for fut, value in ac:
            take(fut, value)
    finally:
        flush()  # whatever finished is kept, even when the sweep stops on an error
        for f in list(ac.futures) if hasattr(ac, "futures") else []:
            f.cancel()
