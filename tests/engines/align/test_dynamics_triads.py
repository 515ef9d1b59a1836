"""Local and constrained triad dynamics (Antal, Krapivsky & Redner 2005) on complete
graphs: the exact chain, the stationary density, paradise versus two cliques, jammed
states."""

import numpy as np
import pytest

from factions.engines.align import balance_dynamics
from factions.engines.align.dynamics import imbalanced_triangles
from factions.engines.align.dynamics.reference import ctd_python, ltd_python, triad_chain


def _complete(n, rho, rng):
    """Complete graph, each tie friendly (+1) with probability rho, else unfriendly (-1)."""
    s = np.where(rng.random((n, n)) < rho, 1.0, -1.0)
    s = np.triu(s, 1)
    return s + s.T


def _run(n, model, seed, rho=0.5, **kw):
    rng = np.random.default_rng(seed)
    return balance_dynamics(_complete(n, rho, rng), model, seed=rng, record_every=0, **kw)


def _blocs(res):
    return len(set(res.blocs.tolist()))


@pytest.mark.parametrize("model,n,p", [("local_triad", 4, 0.3), ("constrained_triad", 5, 0.5)])
def test_kernel_against_the_exact_markov_chain(model, n, p):
    """Absorption probabilities into each balanced state and the mean absorption time
    (clock: M updates per unit) from the exact chain over all 2^M sign states."""
    chain = triad_chain(n, model, p)
    s0 = -np.ones((n, n)) if n == 4 else _complete(n, 0.5, np.random.default_rng(4))
    np.fill_diagonal(s0, 0)
    c0 = chain.index(s0)
    col = {a: k for k, a in enumerate(chain.absorbing)}
    runs = 3000
    counts, times = np.zeros(chain.absorbing.size), []
    for seed in range(runs):
        res = balance_dynamics(s0, model, p=p, seed=seed, record_every=0) \
            if model == "local_triad" else balance_dynamics(s0, model, seed=seed, record_every=0)
        counts[col[chain.index(res.matrix)]] += 1
        times.append(res.time)
    prob = chain.absorption[c0]
    sd = np.sqrt(prob * (1 - prob) / runs)
    assert np.all(np.abs(counts / runs - prob) <= 4 * sd + 1e-12)
    assert abs(np.mean(times) - chain.mean_time[c0]) <= 4 * np.std(times) / np.sqrt(runs)


@pytest.mark.parametrize("p", [0.0, 0.2, 0.4])
def test_ltd_stationary_density_of_friendly_links(p):
    """For p < 1/2 the density of friendly links settles at rho_inf = 1/(sqrt(3(1-2p)) + 1)
    (the stationary point of the rate equation d rho/dt = 3 rho^2 (1-rho)(2p-1) +
    (1-rho)^3 of [AKR05]); a finite network stays there for a time that grows
    exponentially with N. N = 48, 8 starts, time 10-30 averaged."""
    target = 1 / (np.sqrt(3 * (1 - 2 * p)) + 1)
    dens = []
    for seed in range(8):
        rng = np.random.default_rng(seed)
        res = balance_dynamics(_complete(48, 0.5, rng), "local_triad", p=p, steps=30,
                               seed=rng)
        t = res.trajectory
        dens.append(t[t["step"] >= 10].groupby("step")["weight"].apply(
            lambda w: (w > 0).mean()).mean())
    assert res.status == "steps"  # still not absorbed: the quasi-stationary state
    assert abs(np.mean(dens) - target) < 0.01


def test_ltd_above_one_half_reaches_paradise_in_a_time_growing_like_log_n():
    """p > 1/2: every start reaches paradise (all friendly) and the mean time grows
    logarithmically with N (T_N ~ ln N in [AKR05]); measured T/ln N = 1.44, 1.42, 1.35
    at N = 16, 32, 64 with 40 starts each (p = 3/4)."""
    mean = {}
    for n in (16, 32, 64):
        runs = [_run(n, "local_triad", s, p=0.75) for s in range(30)]
        assert all(r.status == "balanced" and _blocs(r) == 1 for r in runs)
        mean[n] = np.mean([r.time for r in runs])
    ratio = [mean[n] / np.log(n) for n in mean]
    assert max(ratio) / min(ratio) < 1.2
    assert 1.0 < mean[64] / mean[16] < 1.6  # slower than N^(1/3) (which would give 1.59)


def test_ltd_final_state_paradise_or_two_cliques_against_p():
    """A finite network always falls into a balanced state [AKR05]: paradise or two
    cliques. On K_9 (200 starts each) the fate flips around p = 1/2: measured paradise
    share 0.00 at p = 0.3, 0.86 at p = 0.5, 0.995 at p = 0.7."""
    share = {}
    for p in (0.3, 0.7):
        runs = [_run(9, "local_triad", s, p=p, max_steps=100_000) for s in range(200)]
        assert all(r.status == "balanced" and r.balanced for r in runs)
        share[p] = np.mean([_blocs(r) == 1 for r in runs])
    assert share[0.3] <= 0.02 and share[0.7] >= 0.97


def test_ctd_quickly_reaches_a_balanced_or_jammed_state():
    """CTD (the number of imbalanced triads never increases) 'quickly reaches a balanced
    final state' [AKR05]: from random starts every run ends balanced or jammed, in a time
    that grows slower than N^(1/2) (measured means 1.30, 1.79, 2.26 at N = 16, 32, 64)."""
    mean = {}
    for n in (16, 32, 64):
        runs = [_run(n, "constrained_triad", s) for s in range(30)]
        assert all(r.status in ("balanced", "jammed") and r.converged for r in runs)
        done = [r.time for r in runs if r.status == "balanced"]
        mean[n] = np.mean(done)
        for r in runs:  # energy never goes up
            assert r.extra["imbalanced_triads"] <= imbalanced_triangles(r.initial)
    assert mean[16] < mean[32] < mean[64] < 2 * mean[16]


def test_jammed_states_are_strict_local_minima():
    """Jammed states (imbalanced, yet every single reversal adds imbalanced triads) trap CTD.
    The first jammed end state among random starts on K_9 is checked by brute force."""
    for seed in range(400):
        res = _run(9, "constrained_triad", seed)
        if res.status == "jammed":
            break
    else:
        pytest.fail("no jammed state in 400 runs on K_9")
    x = np.sign(res.matrix)
    e0 = imbalanced_triangles(x)
    assert e0 > 0 and not res.balanced
    for i in range(9):
        for j in range(i + 1, 9):
            y = x.copy()
            y[i, j] = y[j, i] = -y[i, j]
            assert imbalanced_triangles(y) > e0
    _, _, jammed = ctd_python(x, np.random.default_rng(0), max_time=10)
    assert jammed


def test_python_references_agree_with_the_kernels_in_distribution():
    """The plain-Python anchors used by the benchmark: same process, mean times within
    4 standard errors (LTD p = 3/4 to paradise on K_10; CTD on K_8), 150 runs each."""
    k_ltd = [_run(10, "local_triad", s, p=0.75).time for s in range(150)]
    p_ltd = [ltd_python(_complete(10, 0.5, np.random.default_rng(s)), 0.75,
                        np.random.default_rng(10_000 + s))[1] for s in range(150)]
    k_ctd = [_run(8, "constrained_triad", s).time for s in range(150)]
    p_ctd = [ctd_python(_complete(8, 0.5, np.random.default_rng(s)),
                        np.random.default_rng(10_000 + s))[1] for s in range(150)]
    for a, b in ((k_ltd, p_ltd), (k_ctd, p_ctd)):
        se = np.sqrt(np.var(a) / len(a) + np.var(b) / len(b))
        assert abs(np.mean(a) - np.mean(b)) < 4 * se
