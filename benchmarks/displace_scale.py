"""Scale benchmark of the displace flow model: 1,000 locations, 10 million people, 1,000 days.

Synthetic network: locations scattered on a 2,000 km square (70% origins, 20% hosts, 10% IDP
settings), each joined to its 6 nearest neighbours; violence switches on and off in random
conflict zones; restrictions and hardship drift. Daily steps (dt = 1/30.4375 month). Both
modes are timed; the stochastic one is checked for exact conservation.

Run: ``python benchmarks/displace_scale.py [--locations 1000] [--people 1e7] [--days 1000]``
"""

from __future__ import annotations

import argparse
import platform
import time

import numpy as np
from scipy.spatial import cKDTree

from factions.engines.displace import FlowParameters, build_network, check_inputs, simulate_flows


def synthetic_case(n_loc: int, people: float, days: int, seed: int = 2024):
    rng = np.random.default_rng(seed)
    xy = rng.uniform(0, 2000, size=(n_loc, 2))
    kinds = rng.choice(["origin", "host", "idp"], size=n_loc, p=[0.7, 0.2, 0.1])
    weights = np.where(kinds == "origin", rng.lognormal(0, 1, n_loc), 0.0)
    pop = np.floor(people * weights / weights.sum())
    pop[np.argmax(weights)] += people - pop.sum()  # exactly `people` in total
    _, nn = cKDTree(xy).query(xy, k=7)
    pairs = {(min(i, j), max(i, j)) for i in range(n_loc) for j in nn[i, 1:]}
    ids = [f"loc{i:04d}" for i in range(n_loc)]
    routes = [(ids[i], ids[j], float(np.hypot(*(xy[i] - xy[j]))) + 1.0) for i, j in sorted(pairs)]
    net = build_network(ids, list(kinds), pop, routes)
    # violence: 40 conflict zones, each active for a random window, deaths per 100k per month
    violence = np.zeros((days, n_loc))
    origins = np.flatnonzero(kinds == "origin")
    for c in rng.choice(origins, size=min(40, origins.size), replace=False):
        start = rng.integers(0, max(days - 100, 1))
        length = rng.integers(60, 400)
        violence[start:start + length, c] = rng.uniform(5, 60)
    restriction = np.clip(rng.uniform(0, 0.6, n_loc) + np.linspace(0, 0.3, days)[:, None], 0, 1)
    hardship = np.clip(rng.uniform(0.1, 0.7, n_loc) + np.linspace(0, 0.2, days)[:, None], 0, 1)
    return net, check_inputs(net, violence, restriction, hardship)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--locations", type=int, default=1000)
    ap.add_argument("--people", type=float, default=1e7)
    ap.add_argument("--days", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    print(f"python {platform.python_version()}, numpy {np.__version__}, {platform.machine()}")
    t0 = time.perf_counter()
    net, inputs = synthetic_case(args.locations, args.people, args.days)
    print(f"setup: {net.n_locations} locations, {net.n_edges} directed edges, "
          f"{net.population.sum():,.0f} people, {inputs.n_steps} days: "
          f"{time.perf_counter() - t0:.2f} s")
    params = FlowParameters(violence_sensitivity=0.003, return_safety=0.02)
    dt = 1 / 30.4375
    for mode in ("expected", "stochastic"):
        rng = np.random.default_rng(args.seed)
        if mode == "stochastic":  # compile the numba kernel outside the timing
            small_net, small_inp = synthetic_case(20, 1000, 3)
            simulate_flows(small_net, small_inp, params, dt=dt, mode=mode, rng=rng)
        t0 = time.perf_counter()
        run = simulate_flows(net, inputs, params, dt=dt, mode=mode, rng=rng)
        elapsed = time.perf_counter() - t0
        totals = run.stocks.sum(axis=1)
        drift = float(np.max(np.abs(totals - totals[0])))
        moved = float(run.departures.sum())
        print(f"{mode:>10}: {elapsed:6.2f} s  ({elapsed / inputs.n_steps * 1e3:.2f} ms/day); "
              f"person-moves {moved:,.0f}; min stock {run.stocks.min():.3g}; "
              f"max |total drift| {drift:.3g}; displaced at end "
              f"{run.stocks[-1][net.kinds != 0].sum():,.0f}")


if __name__ == "__main__":
    main()
