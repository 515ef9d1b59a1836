"""Sweep throughput (runs/s) with 1 and 2 Dask workers on ground-engine runs.

Usage::

    python benchmarks/sweep_scaling.py [--runs 24] [--grid 80] [--seeds 1] [--workers 1 2]

Each configuration starts a ``LocalCluster`` (single-threaded worker processes), warms every
worker up (imports, numba kernels, the scattered scenario) with one small run, then times a
sweep of ``--runs`` seeded ground-engine runs of the default Iraq scenario (``historical``)
into a fresh directory — the wall time from submission to the last Parquet part written.
Cluster start-up and shut-down are reported apart, with the mean compute time of a task
on the workers (Dask task stream) and the 1-minute load average before each measurement
(the machine may be shared). Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time


def _one(workers: int, runs: int, options: dict, scenario) -> dict:
    from distributed import get_task_stream

    from factions.run.sweep import connect, execute_task, sweep

    t0 = time.perf_counter()
    client, _ = connect(None, workers=workers)
    started = time.perf_counter() - t0
    try:
        warm = {**options, "grid": 20, "burn_in": 5}
        client.run(execute_task, scenario, "ground", "historical", 0, {}, warm)
        load = os.getloadavg()[0]
        with tempfile.TemporaryDirectory() as out, get_task_stream(client) as ts:
            # scatter + first submission are inside the timed region, as in real use
            t1 = time.perf_counter()
            res = sweep(scenario, ["historical"], ["ground"], runs=runs, seed=1000,
                        out_dir=out, scheduler=client, options={"ground": options})
            wall = time.perf_counter() - t1
            assert res.ran == runs, res.ran
        compute = [sum(s["stop"] - s["start"] for s in t["startstops"]
                       if s["action"] == "compute") for t in ts.data
                   if str(t["key"]).startswith("factions-")]
    finally:
        t2 = time.perf_counter()
        client.close()
        client._factions_cluster.close()
        stopped = time.perf_counter() - t2
    return {"workers": workers, "runs": runs, "wall_s": wall, "runs_per_s": runs / wall,
            "startup_s": started, "shutdown_s": stopped, "load": load,
            "task_s": sum(compute) / max(1, len(compute))}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=24)
    ap.add_argument("--grid", type=int, default=80)
    ap.add_argument("--seeds", type=int, default=1)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = ap.parse_args()
    from factions.engines import get
    from factions.scenario import default_scenario

    sc = default_scenario()
    options = {"grid": args.grid, "seeds": args.seeds}
    get("ground").run(sc, "historical", 0, options)  # JIT / cache load
    t = time.perf_counter()
    get("ground").run(sc, "historical", 1, options)
    serial = time.perf_counter() - t
    print(f"machine: {os.cpu_count()} CPUs; ground run in this process (after JIT): "
          f"{serial:.2f} s with options {options}")
    rows = [_one(w, args.runs, options, sc) for w in args.workers]
    base = rows[0]["runs_per_s"]
    print("\n| workers | runs | wall (s) | runs/s | speed-up | mean task compute (s) "
          "| load avg before | cluster start (s) | stop (s) |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['workers']} | {r['runs']} | {r['wall_s']:.1f} | {r['runs_per_s']:.3f} | "
              f"{r['runs_per_s'] / base:.2f}× | {r['task_s']:.2f} | {r['load']:.2f} | "
              f"{r['startup_s']:.1f} | {r['shutdown_s']:.1f} |")


if __name__ == "__main__":
    main()
