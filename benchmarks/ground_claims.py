"""Ground engine on every scenario of the shipped Iraq scenario: IBC fit and the claims.

Runs ``run_ground`` for each scenario id (same seed, ``--seeds`` replicates each) and
prints the correlation with IBC and, for each claim whose metric is ``ground.*``, the
two windowed aggregates and whether the claimed inequality holds in the mean over
replicates and in how many single replicates. Used to fill ``docs/models/ground.md``.

Run: ``python benchmarks/ground_claims.py --seeds 5``.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from factions.engines.ground import run_ground
from factions.scenario import default_scenario


def _window(frame, metric, window, agg):
    lo, hi = window
    sel = frame[(frame.month >= lo) & (frame.month <= hi)][metric]
    return float(getattr(np, agg)(sel))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--grid", default="80x80")
    a = ap.parse_args()
    sc = default_scenario()
    opts = {"seeds": a.seeds, "grid": a.grid}
    results = {}
    t0 = time.perf_counter()
    for sid in sc.scenario_ids():
        results[sid] = run_ground(sc, sid, a.seed, opts)
        fit = dict(zip(results[sid].fit.statistic, results[sid].fit.value, strict=True))
        print(f"{sid:24s} pearson {fit.get('pearson', float('nan')):.3f} "
              f"spearman {fit.get('spearman', float('nan')):.3f} "
              f"mean deaths/100k {results[sid].monthly.deaths.mean():.1f}")
    print(f"({len(results)} scenarios x {a.seeds} seeds, grid {a.grid}: "
          f"{time.perf_counter() - t0:.0f} s)")
    for claim in sc.claims:
        test = claim.test
        if test is None or not str(test.metric).startswith("ground."):
            continue
        metric = test.metric.split(".", 1)[1]
        lhs, rhs = test.lhs, test.rhs
        if lhs.scenario not in results or rhs.scenario not in results:
            continue
        left = _window(results[lhs.scenario].monthly, metric, lhs.window, test.agg)
        right = _window(results[rhs.scenario].monthly, metric, rhs.window, test.agg)
        holds = left < right if test.op == "<" else left > right
        bl, br = results[lhs.scenario].by_seed, results[rhs.scenario].by_seed
        wins = 0
        for r in range(a.seeds):
            x = _window(bl[bl.seed_index == r], metric, lhs.window, test.agg)
            y = _window(br[br.seed_index == r], metric, rhs.window, test.agg)
            wins += (x < y) if test.op == "<" else (x > y)
        print(f"{claim.id:28s} {metric:20s} {test.agg} {lhs.scenario}{tuple(lhs.window)} "
              f"= {left:.2f} {test.op} {rhs.scenario}{tuple(rhs.window)} = {right:.2f}: "
              f"{'holds' if holds else 'fails'} (in {wins}/{a.seeds} replicates)")


if __name__ == "__main__":
    main()
