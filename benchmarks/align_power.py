"""Benchmark: exact Banzhaf and Shapley-Shubik indices against PyPI ``powerindex``.

Random weighted majority games (weights uniform in 1..20, seeded; quota a simple majority
of the total weight) of 50 to 1,000 players. For each size: time of ours (numba, exact
multi-limb integers; best of 3 after a warm-up) and of ``powerindex`` (pure Python, one
run), the largest absolute difference between the two, and where ``powerindex`` fails.
Run: ``python benchmarks/align_power.py``. Target: >= 10x faster at 100 players.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import powerindex

from factions.engines.align import banzhaf, shapley_shubik


def _best(fn, repeat=3):
    best, out = np.inf, None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def _theirs(index, weights, quota):
    game = powerindex.Game(quota, weights=weights)
    t0 = time.perf_counter()
    try:
        if index == "banzhaf":
            game.calc_banzhaf()
            values = game.banzhaf
        else:
            game.calc_shapley_shubik()
            values = game.shapley_shubik
    except Exception as exc:  # report how powerindex fails, whatever the exception
        return time.perf_counter() - t0, None, f"{type(exc).__name__}: {exc}"
    return time.perf_counter() - t0, np.asarray(values), ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="50,100,200,500,1000")
    parser.add_argument("--ss-max", type=int, default=150,
                        help="largest game for powerindex's Shapley-Shubik (its table is n*n*q)")
    args = parser.parse_args()
    rng = np.random.default_rng(2024)
    banzhaf([1, 2, 3], 4)
    shapley_shubik([1, 2, 3], 4)  # numba warm-up
    print("index,players,quota,ours_s,powerindex_s,ratio,max_abs_diff,powerindex_error")
    for n in map(int, args.sizes.split(",")):
        weights = rng.integers(1, 21, size=n).tolist()
        quota = sum(weights) // 2 + 1
        for index, ours in (("banzhaf", banzhaf), ("shapley_shubik", shapley_shubik)):
            t_ours, v_ours = _best(lambda f=ours, w=weights, q=quota: f(w, q))
            if index == "shapley_shubik" and n > args.ss_max:
                t_th, v_th, err = float("nan"), None, f"not run (n > {args.ss_max})"
            else:
                t_th, v_th, err = _theirs(index, weights, quota)
            diff = float(np.max(np.abs(v_ours - v_th))) if v_th is not None else float("nan")
            print(f"{index},{n},{quota},{t_ours:.4f},{t_th:.3f},{t_th / t_ours:.1f},"
                  f"{diff:.2e},{err}", flush=True)
    # where powerindex breaks: float(n!) overflows beyond n = 170 (Shapley-Shubik), and
    # float(total swings) beyond ~2^1024 (Banzhaf, about 1,030 equal players)
    for index, n in (("shapley_shubik", 171), ("banzhaf", 1100)):
        weights = [1] * n
        quota = n // 2 + 1
        t_ours, v_ours = _best(lambda index=index, w=weights, q=quota:
                               (banzhaf if index == "banzhaf" else shapley_shubik)(w, q), 1)
        t_th, v_th, err = _theirs(index, weights, quota)
        diff = float(np.max(np.abs(v_ours - v_th))) if v_th is not None else float("nan")
        print(f"{index},{n} (equal weights),{quota},{t_ours:.4f},{t_th:.3f},"
              f"{t_th / t_ours:.1f},{diff:.2e},{err}; ours sum={v_ours.sum():.12f}", flush=True)


if __name__ == "__main__":
    main()
