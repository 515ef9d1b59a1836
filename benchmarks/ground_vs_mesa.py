"""Benchmark: the ground engine against Mesa's own Epstein example, in one process.

Three parts (``--part speed|large|stats|all``):

speed  Same settings (Mesa's defaults: 40x40 torus, citizen density 0.7, cop density 0.074,
       v = v* = 7 von Neumann, L = 0.8, J_max = 1000, T = 0.1, k = 2.3, movement, and
       Mesa's ``round`` of C/A) in both; prints agent-steps per second and the ratio.
large  A 1000x1000 lattice (~740,000 agents, vision 7) for 100 ticks.
stats  Several seeds of each model on Mesa's defaults: mean share active, share jailed and
       number of outbursts (hysteresis detector of ``factions.engines.ground.outbursts``).

Requires ``mesa`` (bench extra). Run: ``python benchmarks/ground_vs_mesa.py --part all``.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from factions.engines.ground import simulate
from factions.engines.ground.outbursts import outburst_stats

MESA_DEFAULTS = {"width": 40, "height": 40, "citizen_density": 0.7, "cop_density": 0.074,
                 "vision": 7, "cop_vision": 7, "legitimacy": 0.8, "max_jail_term": 1000,
                 "threshold": 0.1, "k": 2.3, "movement": True,
                 "neighbourhood": "von_neumann", "arrest_rounding": "round"}


def run_mesa(steps: int, seed: int):
    from mesa.examples.advanced.epstein_civil_violence.model import EpsteinCivilViolence

    model = EpsteinCivilViolence(seed=seed, max_iters=10**9)
    n_agents = len(model.agents)
    rows = []
    t0 = time.perf_counter()
    for _ in range(steps):
        model.step()
        rows.append((model.ACTIVE, model.ARRESTED, model.QUIET))
    dt = time.perf_counter() - t0
    return np.array(rows), n_agents, dt


def part_speed(mesa_steps: int, ticks: int) -> None:
    _, n_mesa, dt_mesa = run_mesa(mesa_steps, seed=1)
    mesa_rate = n_mesa * mesa_steps / dt_mesa
    simulate("I", MESA_DEFAULTS, 2, seed=1)  # compile (cached afterwards)
    t0 = time.perf_counter()
    run = simulate("I", MESA_DEFAULTS, ticks, seed=1)
    dt = time.perf_counter() - t0
    n_ours = int(run.series.population.iloc[0] + run.series.cops.iloc[0])
    ours_rate = n_ours * ticks / dt
    print(f"[speed] mesa : {n_mesa} agents x {mesa_steps} steps in {dt_mesa:.2f} s = "
          f"{mesa_rate:,.0f} agent-steps/s")
    print(f"[speed] ours : {n_ours} agents x {ticks} ticks in {dt:.2f} s = "
          f"{ours_rate:,.0f} agent-steps/s")
    print(f"[speed] ratio ours/mesa = {ours_rate / mesa_rate:.0f}x")


def part_large(ticks: int) -> None:
    params = {"width": 1000, "height": 1000}
    t0 = time.perf_counter()
    run = simulate("I", params, ticks, seed=1)
    dt = time.perf_counter() - t0
    n = int(run.series.population.iloc[0] + run.series.cops.iloc[0])
    print(f"[large] 1000x1000, {n:,} agents, vision 7, {ticks} ticks: {dt:.1f} s "
          f"({n * ticks / dt:,.0f} agent-steps/s); final active {run.series.active.iloc[-1]:,}, "
          f"jailed {run.series.jailed.iloc[-1]:,}")


def part_stats(seeds: int, steps: int, burn: int) -> None:
    n_cit = round(0.7 * 1600)
    table = {}
    for name in ("mesa", "ours_round", "ours_floor"):
        acts, jails, bursts = [], [], []
        for seed in range(seeds):
            if name == "mesa":
                rows, _, _ = run_mesa(steps, seed)
                active, jailed = rows[:, 0], rows[:, 1]
                pop = rows[0].sum()
            else:
                params = dict(MESA_DEFAULTS, arrest_rounding=name.split("_")[1])
                s = simulate("I", params, steps, seed).series
                active, jailed, pop = s.active.to_numpy(), s.jailed.to_numpy(), n_cit
            acts.append(active[burn:].mean() / pop)
            jails.append(jailed[burn:].mean() / pop)
            bursts.append(outburst_stats(active[burn:], pop)["n_outbursts"])
        table[name] = (acts, jails, bursts)
        print(f"[stats] {name:10s} share active {np.mean(acts):.4f} +- {np.std(acts):.4f} | "
              f"share jailed {np.mean(jails):.3f} +- {np.std(jails):.3f} | "
              f"outbursts {np.mean(bursts):.1f} +- {np.std(bursts):.1f}  "
              f"({seeds} seeds, ticks {burn}..{steps})")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--part", default="all", choices=["speed", "large", "stats", "all"])
    ap.add_argument("--mesa-steps", type=int, default=30)
    ap.add_argument("--ticks", type=int, default=3000)
    ap.add_argument("--large-ticks", type=int, default=100)
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--stats-steps", type=int, default=300)
    ap.add_argument("--burn", type=int, default=50)
    a = ap.parse_args()
    if a.part in ("speed", "all"):
        part_speed(a.mesa_steps, a.ticks)
    if a.part in ("large", "all"):
        part_large(a.large_ticks)
    if a.part in ("stats", "all"):
        part_stats(a.seeds, a.stats_steps, a.burn)


if __name__ == "__main__":
    main()
