"""Speed of one expected-utility round: vectorised numpy vs a pure-Python loop.

The loop version (:func:`factions.engines.bargain.eu_reference.eu_round_loop`) computes
the same equations with explicit loops (O(n^3) for the win probabilities); the
vectorised version (:func:`factions.engines.bargain.eu_round`) uses sorted prefix sums
(O(n^2 log n)). Both are checked to agree on each size before timing is reported.

Usage: ``python benchmarks/bargain_speed.py [--sizes 100,200,400,1000] [--loop-max 400]``
The loop is timed only up to ``--loop-max`` actors (at 1,000 actors it would take many
minutes on a shared 2-core machine); the ratio at larger n is not extrapolated here.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from factions.engines.bargain import eu_round
from factions.engines.bargain.eu_reference import eu_round_loop


def best_of(func, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        func()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="100,200,400,1000")
    ap.add_argument("--loop-max", type=int, default=400)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)
    print("| actors | numpy round (s) | loop round (s) | loop / numpy |")
    print("|---|---|---|---|")
    for n in (int(v) for v in args.sizes.split(",")):
        x = rng.uniform(0, 100, n).round(1)  # rounding creates ties, as in real data
        c, s = rng.uniform(0.1, 2.0, n), rng.uniform(0.0, 1.0, n)
        t_np = best_of(lambda x=x, c=c, s=s: eu_round(x, c, s, 100.0), repeat=3)
        if n <= args.loop_max:
            t0 = time.perf_counter()
            ref = eu_round_loop(list(x), list(c), list(s), 100.0)
            t_loop = time.perf_counter() - t0
            vec = eu_round(x, c, s, 100.0)
            assert np.allclose(vec["x"], ref["x"]) and np.allclose(vec["eu"], np.array(ref["eu"]))
            print(f"| {n} | {t_np:.4f} | {t_loop:.2f} | {t_loop / t_np:.0f} |")
        else:
            print(f"| {n} | {t_np:.4f} | not run | - |")


if __name__ == "__main__":
    main()
