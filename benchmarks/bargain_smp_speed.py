"""SMP speed: the whole process against KTAB's ``smpc``, and the cost's growth with n.

Usage::

    python benchmarks/bargain_smp_speed.py [--sizes 40,80,160,320,640,1000] [--repeats 3]
    KTAB_SMPC=/path/to/smpc python benchmarks/bargain_smp_speed.py   # time a local KTAB too
    (KTAB_SMPC_ARGS, default ``--logmin``, are passed to it before ``--csv FILE``)

Part 1 (the issue's goal): ``python -m factions bargain --ktab-csv dummyData-aNNN.csv
--model smp --option draws=0`` as a whole process (interpreter start, imports, reading,
the SMP run, printing), for KTAB's 40, 80 and 160 actor samples in
``../shared/benchmarks/ktab``. One cold run with an empty numba cache (compiling every
kernel), then ``--repeats`` warm runs; the median warm wall time is compared with KTAB.
The KTAB anchor is a local ``smpc`` timed in this run when ``KTAB_SMPC`` names one (run as
``smpc --logmin --csv FILE`` in a scratch directory, median of the same repeats), otherwise KTAB's times recorded in
``../shared/benchmarks/ktab/SOURCES.md`` (-O2, SQLite logging off, median of 3: 2.3 s,
27 s, 361 s), labelled ``recorded`` — not measured in this run.

Part 2 (growth): ``smp_model`` in process on n = 40 ... 1000 actors (KTAB's samples up to
160, then synthetic ones drawn from the 160-actor sample's rows with a seeded generator:
capability x exp(N(0, 0.1)), position + N(0, 2), salience + N(0, 0.02)); total time, states
and time per state, and the log-log slopes against n.

The machine's load average is printed with each part: on a shared machine wall times
grow with the load, CPU times much less.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
# ../shared beside the repository (or beside the main checkout when run from a worktree)
KTAB_DIR = next((p / "shared" / "benchmarks" / "ktab" for p in (ROOT.parent, ROOT.parents[1])
                 if (p / "shared" / "benchmarks" / "ktab").is_dir()),
                Path(os.environ.get("KTAB_DATA", "/work/shared/benchmarks/ktab")))
RECORDED = {40: 2.3, 80: 27.0, 160: 361.0}  # SOURCES.md: smpc -O2, logging off, median of 3


def _child_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def _timed(cmd: list[str], env: dict, cwd=None) -> tuple[float, float]:
    c0, t0 = _child_cpu(), time.perf_counter()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, cwd=cwd)
    wall, cpu = time.perf_counter() - t0, _child_cpu() - c0
    if done.returncode != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}\n{done.stderr[-2000:]}")
    return wall, cpu


def whole_process(sizes: list[int], repeats: int, smpc: str | None) -> list[dict]:
    rows = []
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, NUMBA_CACHE_DIR=cache, PYTHONPATH=str(ROOT / "src"))
        for n in sizes:
            csv = KTAB_DIR / f"dummyData-a{n:03d}.csv"
            cmd = [sys.executable, "-m", "factions", "bargain", "--ktab-csv", str(csv),
                   "--model", "smp", "--option", "draws=0"]
            cold = _timed(cmd, env)
            warm = [_timed(cmd, env) for _ in range(repeats)]
            wall = statistics.median(w for w, _ in warm)
            cpu = statistics.median(c for _, c in warm)
            if smpc:
                extra = shlex.split(os.environ.get("KTAB_SMPC_ARGS", "--logmin"))
                with tempfile.TemporaryDirectory() as logs:  # smpc writes its log in cwd
                    ktab = statistics.median(
                        _timed([smpc, *extra, "--csv", str(csv)], dict(os.environ), logs)[0]
                        for _ in range(repeats))
                label = "measured here"
            else:
                ktab, label = RECORDED[n], "recorded (SOURCES.md)"
            rows.append({"actors": n, "cold_wall_s": cold[0], "warm_wall_s": wall,
                         "warm_cpu_s": cpu, "ktab_s": ktab, "ktab": label,
                         "speedup_wall": ktab / wall, "speedup_cpu": ktab / cpu,
                         "load": os.getloadavg()[0]})
            r = rows[-1]
            print(f"{n:5d} actors: cold {r['cold_wall_s']:.2f} s, warm {wall:.2f} s wall / "
                  f"{cpu:.2f} s CPU; KTAB {ktab:g} s ({label}): x{r['speedup_wall']:.0f} wall, "
                  f"x{r['speedup_cpu']:.0f} CPU; load {r['load']:.1f}", flush=True)
    return rows


def _inputs(n: int):
    from factions.engines.bargain import read_ktab_csv

    if n in RECORDED:
        k = read_ktab_csv(KTAB_DIR / f"dummyData-a{n:03d}.csv")
        return k.capability, k.positions, k.saliences, "KTAB sample"
    k = read_ktab_csv(KTAB_DIR / "dummyData-a160.csv")
    rng = np.random.default_rng(n)
    rows = rng.integers(0, k.capability.size, n)
    cap = k.capability[rows] * np.exp(rng.normal(0.0, 0.1, n))
    pos = np.clip(k.positions[rows] + rng.normal(0.0, 2.0, (n, 1)), 0.0, 100.0)
    sal = np.clip(k.saliences[rows] + rng.normal(0.0, 0.02, (n, 1)), 0.01, 1.0)
    return cap, pos, sal, "synthetic (seeded from the 160 sample)"


def growth(sizes: list[int]) -> list[dict]:
    sys.path.insert(0, str(ROOT / "src"))
    from factions.engines.bargain import smp_model

    cap, pos, sal, _ = _inputs(40)
    smp_model(cap, pos, sal, maxIter=1)  # load the serial kernels
    cap, pos, sal, _ = _inputs(320)
    smp_model(cap, pos, sal, maxIter=1)  # and the parallel ones
    rows = []
    for n in sizes:
        cap, pos, sal, kind = _inputs(n)
        t0, c0 = time.perf_counter(), time.process_time()
        run = smp_model(cap, pos, sal)
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        steps = run.n_states - 1
        rows.append({"actors": n, "data": kind, "states": run.n_states, "wall_s": wall,
                     "cpu_s": cpu, "wall_per_step_s": wall / steps, "cpu_per_step_s": cpu / steps,
                     "load": os.getloadavg()[0]})
        r = rows[-1]
        print(f"{n:5d} actors ({kind}): {run.n_states} states, {wall:.2f} s wall, {cpu:.2f} s "
              f"CPU, {r['wall_per_step_s'] * 1e3:.1f} ms wall per step; load {r['load']:.1f}",
              flush=True)
    ns = np.log([r["actors"] for r in rows])
    for key in ("wall_s", "cpu_s", "wall_per_step_s", "cpu_per_step_s"):
        slope = np.polyfit(ns, np.log([r[key] for r in rows]), 1)[0]
        print(f"growth of {key}: n^{slope:.2f}")
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="40,80,160,320,640,1000")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--skip-process", action="store_true")
    ap.add_argument("--skip-growth", action="store_true")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    smpc = os.environ.get("KTAB_SMPC")
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load {os.getloadavg()}")
    out = {}
    if not args.skip_process:
        print("== whole process: factions bargain --ktab-csv ... --model smp --option draws=0")
        out["process"] = whole_process([n for n in sizes if n in RECORDED], args.repeats, smpc)
    if not args.skip_growth:
        print("== growth: smp_model in process")
        out["growth"] = growth(sizes)
    res = ROOT / "benchmarks" / "results"
    res.mkdir(parents=True, exist_ok=True)
    (res / "bargain_smp_speed.json").write_text(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
