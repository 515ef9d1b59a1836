"""Benchmark: the ground engine against Mesa's own Epstein example, in one process.

Three parts (``--part speed|large|stats|all``):

speed  Same settings (Mesa's defaults: 40x40 torus, citizen density 0.7, cop density 0.074,
       v = v* = 7 von Neumann, L = 0.8, J_max = 1000, T = 0.1, k = 2.3, movement, and
       Mesa's ``round`` of C/A) in both; prints agent-steps per second and the ratio.
large  A 1000x1000 lattice (~740,000 agents, vision 7) for 100 ticks.
stats  Several seeds of each model on Mesa's defaults and on a rebellion-prone setting
       (cop density 0.04, L = 0.82, J_max = 30): mean share active, share jailed and
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


#: a second, rebellion-prone setting (NetLogo Rebellion defaults) run by both models
ACTIVE_SETTING = {"cop_density": 0.04, "legitimacy": 0.82, "max_jail_term": 30}


def run_mesa(steps: int, seed: int, **overrides):
    from mesa.examples.advanced.epstein_civil_violence.model import EpsteinCivilViolence

    model = EpsteinCivilViolence(seed=seed, max_iters=10**9, **overrides)
    n_agents = len(model.agents)
    rows = []
    t0, c0 = time.perf_counter(), time.process_time()
    for _ in range(steps):
        model.step()
        rows.append((model.ACTIVE, model.ARRESTED, model.QUIET))
    return np.array(rows), n_agents, (time.perf_counter() - t0, time.process_time() - c0)


def part_speed(mesa_steps: int, ticks: int, repeats: int) -> None:
    """Rates from CPU time (process_time) and wall time; CPU time is robust to a busy host.

    Mesa and our kernel run alternately ``repeats`` times (Mesa ``mesa_steps`` steps, ours
    ``ticks`` ticks, seeds 1, 2, ...); each round gives a ratio, and the medians are
    printed last.
    """
    simulate("I", MESA_DEFAULTS, 2, seed=1)  # compile (cached afterwards)
    rounds = []
    for rep in range(repeats):
        _, n_mesa, (wall_m, cpu_m) = run_mesa(mesa_steps, seed=1 + rep)
        t0, c0 = time.perf_counter(), time.process_time()
        run = simulate("I", MESA_DEFAULTS, ticks, seed=1 + rep)
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        n_ours = int(run.series.population.iloc[0] + run.series.cops.iloc[0])
        mesa_rate, ours_rate = n_mesa * mesa_steps / cpu_m, n_ours * ticks / cpu
        rounds.append((mesa_rate, ours_rate, ours_rate / mesa_rate,
                       (n_ours * ticks / wall) / (n_mesa * mesa_steps / wall_m)))
        print(f"[speed] round {rep + 1}: mesa {n_mesa} agents x {mesa_steps} steps, cpu "
              f"{cpu_m:.2f} s ({mesa_rate:,.0f} agent-steps/s); ours {n_ours} x {ticks}, cpu "
              f"{cpu:.2f} s ({ours_rate:,.0f} agent-steps/s, {1e9 / ours_rate:.0f} ns each); "
              f"ratio {ours_rate / mesa_rate:.0f}x cpu, {rounds[-1][3]:.0f}x wall")
    med = np.median(np.array(rounds), axis=0)
    print(f"[speed] median of {repeats}: mesa {med[0]:,.0f} agent-steps/s (cpu), ours "
          f"{med[1]:,.0f}; ratio ours/mesa = {med[2]:.0f}x (cpu time), {med[3]:.0f}x "
          "(wall time)")


def part_large(ticks: int) -> None:
    params = {"width": 1000, "height": 1000}
    t0, c0 = time.perf_counter(), time.process_time()
    run = simulate("I", params, ticks, seed=1)
    dt, cpu = time.perf_counter() - t0, time.process_time() - c0
    n = int(run.series.population.iloc[0] + run.series.cops.iloc[0])
    print(f"[large] 1000x1000, {n:,} agents, vision 7, {ticks} ticks: wall {dt:.1f} s, "
          f"cpu {cpu:.1f} s ({n * ticks / cpu:,.0f} agent-steps/s cpu); final active "
          f"{run.series.active.iloc[-1]:,}, jailed {run.series.jailed.iloc[-1]:,}")


def part_stats(seeds: int, steps: int, burn: int) -> None:
    n_cit = round(0.7 * 1600)
    for label, overrides in (("mesa defaults", {}), ("rebellion-prone", ACTIVE_SETTING)):
        for name in ("mesa", "ours_round", "ours_floor"):
            acts, jails, bursts = [], [], []
            for seed in range(seeds):
                if name == "mesa":
                    rows, _, _ = run_mesa(steps, seed, **overrides)
                    active, jailed = rows[:, 0], rows[:, 1]
                    pop = rows[0].sum()
                else:
                    params = dict(MESA_DEFAULTS, arrest_rounding=name.split("_")[1],
                                  **overrides)
                    s = simulate("I", params, steps, seed).series
                    active, jailed, pop = s.active.to_numpy(), s.jailed.to_numpy(), n_cit
                acts.append(active[burn:].mean() / pop)
                jails.append(jailed[burn:].mean() / pop)
                bursts.append(outburst_stats(active[burn:], pop)["n_outbursts"])
            print(f"[stats] {label:15s} {name:10s} share active {np.mean(acts):.4f} +- "
                  f"{np.std(acts):.4f} | share jailed {np.mean(jails):.3f} +- "
                  f"{np.std(jails):.3f} | outbursts {np.mean(bursts):.1f} +- "
                  f"{np.std(bursts):.1f}  ({seeds} seeds, ticks {burn}..{steps})")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--part", default="all", choices=["speed", "large", "stats", "all"])
    ap.add_argument("--mesa-steps", type=int, default=30)
    ap.add_argument("--ticks", type=int, default=3000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--large-ticks", type=int, default=100)
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--stats-steps", type=int, default=300)
    ap.add_argument("--burn", type=int, default=50)
    a = ap.parse_args()
    if a.part in ("speed", "all"):
        part_speed(a.mesa_steps, a.ticks, a.repeats)
    if a.part in ("large", "all"):
        part_large(a.large_ticks)
    if a.part in ("stats", "all"):
        part_stats(a.seeds, a.stats_steps, a.burn)


if __name__ == "__main__":
    main()
