"""What one draw of the main job costs, in one process: bundled against task by task.

The draws of ``factions run`` on the embedded scenario are planned exactly as the main job
plans them (its primary pass runs first, into ``--out``, cached there for the next call;
the planned sweep is captured instead of sent to Dask). Then, in this process:

* **anchor** — draws ``1..K`` task by task (``execute_task``: every engine on every named
  scenario alone, the ground engine's shared history off), as the main job ran them before
  one Dask task per draw;
* **bundled** — the same draws as the main job runs them now (``execute_bundle``: one call
  per draw, shared timelines, providers and ground history).

Draw 0 runs first, unmeasured (imports, numba caches). Prints seconds per draw of each, the
ratio anchor / bundled, the time per engine and in the ground kernel, and the shared
history's statistics. Both give identical results (``tests/run/test_sweep.py``).

Usage::

    python benchmarks/main_job_draws.py [--draws K] [--out DIR]
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
                draws=None, strict=None, keep=None, **_):
        got.update(scenario=scenario, ids=scenario_ids, names=engine_names, runs=runs,
                   seed=seed, options=options, draws=draws, keep=keep)
        raise _Captured

    real, sw.sweep = sw.sweep, capture
    try:
        Pipeline(default_scenario(), replicas=100, seed=0).run(out_dir=out_dir)
    except _Captured:
        pass
    finally:
        sw.sweep = real
    plan = plan_sweep(got["scenario"], got["ids"], got["names"], got["runs"], None,
                      got["seed"], got["options"], got["draws"], got["keep"])
    return got["scenario"], plan, got["options"], got["names"], got["keep"]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--draws", type=int, default=3)
    ap.add_argument("--out", default="/tmp/factions-bench-draws")
    args = ap.parse_args()
    import factions.engines.ground.simulator as gsim
    import factions.run.execute as ex
    from factions.engines.ground import prefix

    t0 = time.perf_counter()
    sc, plan, options, names, keep = planned_draws(args.out)
    sw = sys.modules["factions.run.sweep"]
    print(f"planned {len(plan.tasks)} tasks of {plan.runs} draws in "
          f"{time.perf_counter() - t0:.1f} s (primary pass included unless cached)")
    groups = {g[0].run: g for g in sw.bundles(plan.tasks)}
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

    def bundle(run):
        sw.execute_bundle(sc, [(t.engine, t.scenario, t.seed, t.params) for t in groups[run]],
                          options, names, keep)

    bundle(0)  # imports, numba caches
    k = range(1, args.draws + 1)
    prefix.clear_memo()
    prefix.MEMO.max_bytes = 0
    t = time.perf_counter()
    for run in k:
        for task in groups[run]:
            sw.execute_task(sc, task.engine, task.scenario, task.seed, task.params, options,
                            names, False, keep)
    anchor = (time.perf_counter() - t) / len(k)
    prefix.MEMO.max_bytes = prefix.MAX_BYTES
    prefix.clear_memo()
    spent.clear()
    t = time.perf_counter()
    for run in k:
        bundle(run)
    bundled = (time.perf_counter() - t) / len(k)
    stats = prefix.memo_stats()
    print(f"load average {os.getloadavg()[0]:.1f}; {len(groups[1])} tasks per draw")
    print(f"anchor (task by task, no shared history): {anchor:.2f} s per draw")
    print(f"bundled (as the main job runs a draw):    {bundled:.2f} s per draw")
    print(f"ratio anchor / bundled: {anchor / bundled:.2f}x")
    for name, v in sorted(spent.items(), key=lambda kv: -kv[1]):
        what = "its numba kernel" if name == "ground kernel" else "engine and null model"
        print(f"  {name:14s} {v / len(k):6.2f} s per draw ({what})")
    print(f"shared history: {stats['hits']} resumed lattice runs, {stats['months_saved']} "
          f"lattice months not rerun over {len(k)} draws, {stats['bytes'] / 2**20:.0f} MiB "
          "held")


if __name__ == "__main__":
    main()
