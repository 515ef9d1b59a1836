"""What one draw of the main job costs, in one process, against how it ran before.

The draws of ``factions run`` on the embedded scenario are planned exactly as the main job
plans them (its primary pass runs first, into ``--out``, cached there for the next call;
the planned sweep is captured instead of sent to Dask). Then, in this process:

* **anchor** — draws ``1..K`` with every engine on every named scenario of the draws, one
  call per draw (``execute_bundle``: shared timelines, providers and ground history), as
  the main job ran them before each engine ran only where a claim reads it;
* **main job** — the same draws as the main job runs them now: each engine only on the
  named scenarios whose metrics of it a claim or the decomposition reads
  (``pairs``, :func:`factions.run.scope.claimed_pairs`); the tasks kept are the same
  tasks with the same keys and results;
* with ``--task-by-task``, also the older way: every task alone (``execute_task``), the
  ground engine's shared history off.

Draw 0 runs first, unmeasured (imports, numba caches). Prints seconds per draw of each, the
ratio anchor / main job, the time per engine and in the ground kernel, and the shared
history's statistics. A bundle gives each task what it gives alone
(``tests/run/test_sweep.py``).

Usage::

    python benchmarks/main_job_draws.py [--draws K] [--out DIR] [--task-by-task]
"""

from __future__ import annotations

import argparse
import collections
import os
import sys
import time


class _Captured(Exception):
    pass


def planned_draws(out_dir: str):
    """``(scenario, plan, options, engines, keep)`` of the main job's draws."""
    import factions.run.sweep  # noqa: F401  (the module, not the function it exports)
    from factions.run.pipeline import Pipeline
    from factions.run.plan import plan_sweep
    from factions.scenario.load import default_scenario

    sw = sys.modules["factions.run.sweep"]
    got: dict = {}

    def capture(scenario, scenario_ids=None, engine_names=None, runs=1, vary=None, seed=0,
                out_dir="", scheduler=None, workers=2, options=None, progress=None,
                draws=None, strict=None, keep=None, pairs=None, **_):
        got.update(scenario=scenario, ids=scenario_ids, names=engine_names, runs=runs,
                   seed=seed, options=options, draws=draws, keep=keep, pairs=pairs)
        raise _Captured

    real, sw.sweep = sw.sweep, capture
    try:
        Pipeline(default_scenario(), replicas=100, seed=0).run(out_dir=out_dir)
    except _Captured:
        pass
    finally:
        sw.sweep = real
    plans = [plan_sweep(got["scenario"], got["ids"], got["names"], got["runs"], None,
                        got["seed"], got["options"], got["draws"], got["keep"], pairs)
             for pairs in (got["pairs"], None)]
    return got["scenario"], plans, got["options"], got["names"], got["keep"]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--draws", type=int, default=3)
    ap.add_argument("--out", default="/tmp/factions-bench-draws")
    ap.add_argument("--task-by-task", action="store_true",
                    help="also time the draws task by task without the shared history")
    args = ap.parse_args()
    import factions.engines.ground.simulator as gsim
    import factions.run.execute as ex
    from factions.engines.ground import prefix

    t0 = time.perf_counter()
    sc, (plan, every) = (x := planned_draws(args.out))[0], x[1]
    options, names, keep = x[2:]
    sw = sys.modules["factions.run.sweep"]
    print(f"planned {len(plan.tasks)} tasks of {plan.runs} draws in "
          f"{time.perf_counter() - t0:.1f} s (primary pass included unless cached); "
          f"{len(every.tasks)} with every engine on every named scenario")
    groups = {g[0].run: g for g in sw.bundles(plan.tasks)}
    groups_every = {g[0].run: g for g in sw.bundles(every.tasks)}
    spent: dict[str, float] = collections.defaultdict(float)
    real_engine, real_advance = ex.run_engine, gsim.Simulator.advance

    def timed_engine(engine, *a, **k):
        t = time.perf_counter()
        try:
            return real_engine(engine, *a, **k)
        finally:
            spent[engine.name] += time.perf_counter() - t

    def timed_advance(self, n):
        t = time.perf_counter()
        real_advance(self, n)
        spent["ground kernel"] += time.perf_counter() - t

    ex.run_engine, gsim.Simulator.advance = timed_engine, timed_advance

    def bundle(run, which=groups):
        sw.execute_bundle(sc, [(t.engine, t.scenario, t.seed, t.params) for t in which[run]],
                          options, names, keep)

    bundle(0, groups_every)  # imports, numba caches
    k = range(1, args.draws + 1)
    if args.task_by_task:
        prefix.clear_memo()
        prefix.MEMO.max_bytes = 0
        t = time.perf_counter()
        for run in k:
            for task in groups_every[run]:
                sw.execute_task(sc, task.engine, task.scenario, task.seed, task.params,
                                options, names, False, keep)
        alone = (time.perf_counter() - t) / len(k)
        prefix.MEMO.max_bytes = prefix.MAX_BYTES
        print(f"task by task, every pair, no shared history: {alone:.2f} s per draw")
    prefix.clear_memo()
    t = time.perf_counter()
    for run in k:
        bundle(run, groups_every)
    anchor = (time.perf_counter() - t) / len(k)
    prefix.clear_memo()
    spent.clear()
    t = time.perf_counter()
    for run in k:
        bundle(run)
    bundled = (time.perf_counter() - t) / len(k)
    stats = prefix.memo_stats()
    print(f"load average {os.getloadavg()[0]:.1f}; {len(groups[1])} tasks per draw "
          f"({len(groups_every[1])} with every engine on every named scenario)")
    print(f"anchor (one call per draw, every engine on every named scenario): {anchor:.2f} s"
          " per draw")
    print(f"as the main job runs a draw (each engine where a claim reads it): {bundled:.2f} s"
          " per draw")
    print(f"ratio anchor / main job: {anchor / bundled:.2f}x")
    for name, v in sorted(spent.items(), key=lambda kv: -kv[1]):
        what = "its numba kernel" if name == "ground kernel" else "engine and null model"
        print(f"  {name:14s} {v / len(k):6.2f} s per draw ({what})")
    print(f"shared history: {stats['hits']} resumed lattice runs, {stats['months_saved']} "
          f"lattice months not rerun over {len(k)} draws, {stats['bytes'] / 2**20:.0f} MiB "
          "held")


if __name__ == "__main__":
    main()
