"""Benchmark: exact frustration index of the 51 Correlates of War signed networks.

Data: ``../shared/benchmarks/cow/edges.csv`` (Doreian & Mrvar 2015, via signnet's cowList).
Each window is solved to proven optimality with :func:`factions.engines.align.frustration`
(AND model, HiGHS); the heuristic upper bound is reported beside it. Run from the project
root: ``python benchmarks/align_cow.py [--xor]``. Target: < 10 s in total on 2 cores.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import pandas as pd

from factions.engines.align import frustration, frustration_heuristic, signed_graph

DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "benchmarks" / "cow" / "edges.csv"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edges", default=str(DATA), help="CoW edges.csv")
    parser.add_argument("--xor", action="store_true", help="also time the plain XOR model")
    parser.add_argument("--no-reduce", action="store_true", help="solve whole graphs")
    args = parser.parse_args()
    edges = pd.read_csv(args.edges)
    # warm-up: numba compilation of the heuristic and HiGHS start-up are not timed
    frustration_heuristic(signed_graph([("a", "b", 1), ("b", "c", -1), ("a", "c", 1)]))
    rows = []
    for window, d in edges.groupby("window", sort=False):
        g = signed_graph(zip(d["from"], d["to"], d["sign"], strict=True))
        t0, c0 = time.perf_counter(), time.process_time()
        r = frustration(g, reduce=not args.no_reduce)
        seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
        t0 = time.perf_counter()
        h = frustration_heuristic(g, seed=0)
        h_seconds = time.perf_counter() - t0
        row = {"window": window, "n": g.n, "m": g.m, "negative": int((g.sign < 0).sum()),
               "frustration": r.value, "bound": r.bound, "status": r.status,
               "blocks": r.blocks, "seconds": round(seconds, 3), "cpu_seconds": round(cpu, 3),
               "heuristic": h.value, "heuristic_seconds": round(h_seconds, 3)}
        if args.xor:
            t0 = time.perf_counter()
            x = frustration(g, method="xor")
            row["xor_value"] = x.value
            row["xor_seconds"] = round(time.perf_counter() - t0, 3)
        rows.append(row)
        print(", ".join(f"{k}={v}" for k, v in row.items()), flush=True)
    df = pd.DataFrame(rows)
    print()
    print(f"windows: {len(df)}; all optimal: {(df.status == 'optimal').all()}; "
          f"value == bound everywhere: {(df.frustration == df.bound).all()}")
    print(f"exact: total {df.seconds.sum():.2f} s wall ({df.cpu_seconds.sum():.2f} s CPU), "
          f"worst {df.seconds.max():.2f} s ({df.loc[df.seconds.idxmax(), 'window']}), "
          f"median {df.seconds.median():.3f} s")
    print(f"heuristic: total {df.heuristic_seconds.sum():.2f} s; equals the optimum in "
          f"{(df.heuristic == df.frustration).sum()} of {len(df)} windows; worst excess "
          f"{(df.heuristic - df.frustration).max():.0f}")
    if args.xor:
        print(f"xor model: total {df.xor_seconds.sum():.2f} s, worst {df.xor_seconds.max():.2f} s; "
              f"agrees with AND everywhere: {(df.xor_value == df.frustration).all()}")


if __name__ == "__main__":
    main()
