"""Replication of Epstein (2002) results, seeded, several seeds, statistical tolerances.

Epstein, J. M. (2002). Modeling civil violence: An agent-based computational approach.
PNAS 99(suppl. 3), 7243-7250. Settings are the NetLogo *Rebellion* defaults that follow
the paper's Model I runs (40x40 torus, citizen density 0.7, cop density 0.04, v = v* = 7,
L = 0.82, J_max = 30, T = 0.1, k = 2.3) unless a test says otherwise.
"""

import numpy as np

from factions.engines.ground import simulate
from factions.engines.ground.outbursts import outburst_stats

SEEDS = range(5)
N_CIT = 1120  # 0.7 * 40 * 40


def _stats(rounding, seed):
    run = simulate("I", {"arrest_rounding": rounding}, 400, seed)
    return outburst_stats(run.series.active.to_numpy()[50:], N_CIT)


def test_punctuated_equilibrium_fig3_and_the_role_of_the_floor():
    # Fig. 3-4 "Punctuated equilibrium": outbursts separated by quiet periods.
    floor = [_stats("floor", s) for s in SEEDS]
    for st in floor:
        assert st["n_outbursts"] >= 5  # repeated outbursts in 350 ticks ...
        assert st["quiet_share"] >= 0.25  # ... separated by quiet ticks (<= 0.5% active)
        assert st["mean_peak"] >= 0.04  # outbursts involve several % of citizens
    # Without the floor (continuous C/A) the risk estimate never collapses: no outbursts,
    # which is why the floor is used (see simulate's Notes).
    smooth = [_stats("none", s) for s in SEEDS]
    assert np.mean([st["n_outbursts"] for st in smooth]) <= 1.0
    assert np.mean([st["n_outbursts"] for st in floor]) >= 5 * max(
        1.0, np.mean([st["n_outbursts"] for st in smooth]))


def test_sudden_legitimacy_drop_causes_outburst_salami_does_not_figs_9_10():
    # Fig. 10: a drop of legitimacy in one jump ignites a large outburst; Fig. 9: a larger
    # total drop in small increments does not (cops jail the few early actives).
    jump, salami = [], []
    for s in SEEDS:
        sched = {50: {"legitimacy": 0.7}}
        r = simulate("I", {"legitimacy": 0.9}, 250, s, sched)
        jump.append(r.series.active[50:].max())
        sched = {50 + i: {"legitimacy": 0.9 - 0.2 * (i + 1) / 100} for i in range(100)}
        r = simulate("I", {"legitimacy": 0.9}, 250, s, sched)
        salami.append(r.series.active[50:].max())
    assert min(jump) > max(salami)
    assert np.mean(jump) > 1.5 * np.mean(salami)


def test_cutting_cops_below_a_threshold_tips_into_rebellion_fig_11():
    # Fig. 11 "Cop reductions": modest cuts keep order, a cut below a threshold tips
    # the system into sustained rebellion (the response is strongly non-linear).
    def mean_active(cut):
        vals = []
        for s in range(3):
            sched = {100: {"cop_density": cut}}
            r = simulate("I", {"cop_density": 0.06}, 300, s, sched)
            vals.append(r.series.active[200:].mean() / N_CIT)
        return np.mean(vals)

    before = mean_active(0.06)
    modest = mean_active(0.03)
    deep = mean_active(0.01)
    assert before < 0.02 and modest < 0.05
    assert deep > 0.15
    assert deep - modest > 3 * (modest - before)


def _elimination_tick(run):
    s = run.series
    gone = np.flatnonzero((s.population_a.to_numpy() == 0) | (s.population_b.to_numpy() == 0))
    return int(gone[0]) if gone.size else len(s)


def test_model_ii_without_cops_ends_with_one_group_eliminated_fig_13():
    # Fig. 13 "Local ethnic cleansing to genocide": L = 0.8, no cops.
    for s in SEEDS:
        r = simulate("II", {"legitimacy": 0.8, "cop_density": 0.0}, 300, s)
        last = r.series.iloc[-1]
        assert min(last.population_a, last.population_b) == 0
        assert max(last.population_a, last.population_b) > 0.5 * 1600
        assert _elimination_tick(r) < 150


def test_peacekeepers_delay_elimination_figs_14_16():
    # Figs. 14-16: the mean waiting time to genocide grows with the peacekeeping density.
    means = []
    for density in (0.0, 0.03, 0.06):
        ticks = [_elimination_tick(simulate("II", {"peacekeeper_density": density}, 500, s))
                 for s in SEEDS]
        means.append(np.mean(ticks))
    assert means[0] < means[1] < means[2]
    assert means[2] > 3 * means[0]
