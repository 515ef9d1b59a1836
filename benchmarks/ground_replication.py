"""Numbers behind the replication tests of Epstein (2002), printed for the docs.

Same settings and seeds as ``tests/engines/ground/test_replication.py`` plus a few
extra points (cop-density scan, more peacekeeper densities). Run:
``python benchmarks/ground_replication.py``.
"""

from __future__ import annotations

import numpy as np

from factions.engines.ground import simulate
from factions.engines.ground.outbursts import outburst_stats

SEEDS = range(5)
N_CIT = 1120


def punctuated() -> None:
    for rounding in ("floor", "round", "none"):
        st = [outburst_stats(simulate("I", {"arrest_rounding": rounding}, 400, s)
                             .series.active.to_numpy()[50:], N_CIT) for s in SEEDS]
        print(f"[Figs 3-4] {rounding:5s} outbursts {np.mean([d['n_outbursts'] for d in st]):.1f}"
              f" (min {min(d['n_outbursts'] for d in st):.0f}), quiet share "
              f"{np.mean([d['quiet_share'] for d in st]):.2f} (min "
              f"{min(d['quiet_share'] for d in st):.2f}), mean peak "
              f"{np.mean([d['mean_peak'] for d in st]):.3f}")


def legitimacy() -> None:
    jump, salami = [], []
    for s in SEEDS:
        r = simulate("I", {"legitimacy": 0.9}, 250, s, {50: {"legitimacy": 0.7}})
        jump.append(int(r.series.active[50:].max()))
        sched = {50 + i: {"legitimacy": 0.9 - 0.2 * (i + 1) / 100} for i in range(100)}
        r = simulate("I", {"legitimacy": 0.9}, 250, s, sched)
        salami.append(int(r.series.active[50:].max()))
    print(f"[Figs 9-10] peak actives, jump {jump}, salami {salami}")


def cops() -> None:
    for cut in (0.06, 0.03, 0.02, 0.01):
        vals = [simulate("I", {"cop_density": 0.06}, 300, s, {100: {"cop_density": cut}})
                .series.active[200:].mean() / N_CIT for s in range(3)]
        print(f"[Fig 11] cut 0.06 -> {cut}: mean active share {np.mean(vals):.4f}")


def elimination() -> None:
    for density in (0.0, 0.02, 0.03, 0.04, 0.06):
        ticks = []
        for s in SEEDS:
            ser = simulate("II", {"peacekeeper_density": density}, 500, s).series
            gone = np.flatnonzero((ser.population_a.to_numpy() == 0)
                                  | (ser.population_b.to_numpy() == 0))
            ticks.append(int(gone[0]) if gone.size else 500)
        print(f"[Figs 13-16] peacekeepers {density}: ticks to extinction {ticks} "
              f"(500 = none), mean {np.mean(ticks):.0f}")


if __name__ == "__main__":
    punctuated()
    legitimacy()
    cops()
    elimination()
