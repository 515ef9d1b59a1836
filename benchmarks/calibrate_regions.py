"""Cost of the regional ground engine and of the default (regional) calibration.

1. One ground run on the default scenario's historical scenario with the engine's default
   options: one national lattice (``regions=off``) against one lattice per region
   (``regions=auto``, the sites shared out by residents). Ratio regional / national of the
   CPU time (process time of this process; wall time printed too), median of ``--reps``.
2. The calibration's sweep (the scenario's calibration settings: prior, targets, engine
   options), one ABC generation of ``--runs`` runs, on 1 and on 2 local Dask workers
   (fresh output directories, so nothing is cached): wall time and speed-up.

Usage::

    python benchmarks/calibrate_regions.py [--reps 3] [--runs 40]

The machine is shared: the load average is printed with every figure; the speed-up of two
workers is only meaningful when a second core is free.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import numpy as np

from factions.engines import get
from factions.run.calibrate import abc_rejection
from factions.run.distributions import parse_varies
from factions.scenario import default_scenario


def _load() -> str:
    a, b, c = os.getloadavg()
    return f"load {a:.1f} {b:.1f} {c:.1f}"


def ground_cost(reps: int) -> None:
    sc = default_scenario()
    eng = get("ground")
    eng.execute(sc, "historical", 0, {"grid": 20, "seeds": 1})  # numba compiled
    eng.execute(sc, "historical", 0, {"grid": 20, "seeds": 1, "regions": "off"})
    out = {}
    for mode in ("off", "auto"):
        cpu, wall = [], []
        for r in range(reps):
            t0, c0 = time.perf_counter(), time.process_time()
            eng.execute(sc, "historical", r, {"regions": mode})
            wall.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
        out[mode] = (float(np.median(cpu)), float(np.median(wall)))
        print(f"ground run, regions={mode:4s}: CPU {out[mode][0]:.2f} s, wall "
              f"{out[mode][1]:.2f} s (median of {reps}; {_load()})")
    print(f"regional / national CPU: {out['auto'][0] / out['off'][0]:.2f}")


def calibration_speedup(runs: int) -> None:
    sc = default_scenario()
    cal = sc.calibration
    prior = parse_varies([f"{k}={v}" for k, v in cal.prior.items()])
    times = {}
    for workers in (1, 2):
        with tempfile.TemporaryDirectory() as tmp:
            t0 = time.perf_counter()
            abc_rejection(sc, prior, observations=list(cal.observations),
                          scenario_id=cal.scenario, runs=runs, accept=cal.accept,
                          distance=cal.distance, window=cal.window, fit_until=cal.fit_until,
                          seed=cal.seed, out_dir=Path(tmp), workers=workers,
                          options={k: dict(v) for k, v in cal.options.items()})
            times[workers] = time.perf_counter() - t0
        print(f"calibration sweep, {runs} runs, {workers} worker(s): {times[workers]:.1f} s "
              f"wall ({_load()})")
    print(f"speed-up 1 -> 2 workers: {times[1] / times[2]:.2f}x")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--runs", type=int, default=40)
    args = ap.parse_args()
    ground_cost(args.reps)
    calibration_speedup(args.runs)


if __name__ == "__main__":
    main()
