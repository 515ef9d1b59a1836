"""Replication tables of the balance-dynamics models (the numbers in docs/models/align.md).

Prints, for seeded random starts:

1. continuous (Marvel et al. 2011): share of harmony against the mean friendliness mu
   (40 actors, entries mu + U(-1/2, 1/2), 30 starts);
2. heider (Kulakowski et al. 2005): time to balance against N (start U(-1/2, 1/2), R = 1,
   12 starts, RK4 substep 0.005) and the fitted exponent;
3. Zachary's karate club under both continuous models;
4. local triad dynamics (Antal et al. 2005): stationary friendly density against p
   (N = 32, 64; 10 starts; time 10-30), time to paradise against N (p = 3/4, p = 1/2),
   paradise share against p on K_6 and K_9 (200 starts);
5. constrained triad dynamics: outcomes and mean time against N (random start rho0 = 1/2),
   paradise share against rho0 (N = 16, 32, 64; 100 starts).

Run: ``python benchmarks/align_dynamics_replication.py`` (several minutes).
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import networkx as nx  # noqa: E402
import numpy as np  # noqa: E402

from factions.engines.align import balance_dynamics  # noqa: E402


def _uniform(n, seed, mean=0.0, half=0.5):
    rng = np.random.default_rng(seed)
    x = mean + rng.uniform(-half, half, size=(n, n))
    x = np.triu(x, 1)
    return x + x.T


def _complete(n, rho, rng):
    s = np.where(rng.random((n, n)) < rho, 1.0, -1.0)
    s = np.triu(s, 1)
    return s + s.T


def _nblocs(res):
    return len(set(res.blocs.tolist()))


def continuous_harmony():
    print("1. continuous: harmony share vs mu (n = 40, 30 starts)")
    for mu in (0.0, 0.05, 0.1, 0.15, 0.2, 0.3, 0.45):
        h = np.mean([_nblocs(balance_dynamics(_uniform(40, s, mu), "continuous",
                                              record_every=0)) == 1 for s in range(30)])
        print(f"   mu={mu:.2f} harmony={h:.3f}")


def heider_tau():
    print("2. heider: time to balance vs N (12 starts, dt 0.005)")
    ns, tau = [10, 20, 40, 80, 160], []
    for n in ns:
        runs = [balance_dynamics(_uniform(n, s), "heider", dt=0.005, record_every=0)
                for s in range(12)]
        t = [r.time for r in runs]
        tau.append(np.mean(t))
        print(f"   N={n} balanced={sum(r.status == 'balanced' for r in runs)}/12 "
              f"tau={np.mean(t):.4f} +- {np.std(t) / np.sqrt(12):.4f}")
    for lo in (0, 1):
        slope = np.polyfit(np.log(ns[lo:]), np.log(tau[lo:]), 1)[0]
        print(f"   exponent over N={ns[lo]}..{ns[-1]}: {slope:.3f}")


def karate():
    print("3. Zachary karate club (weights/7 centred on the mean over all pairs)")
    g = nx.karate_club_graph()
    w = nx.to_numpy_array(g, weight="weight") / 7.0
    off = ~np.eye(34, dtype=bool)
    x0 = np.where(off, w - w[off].mean(), 0.0)
    hi = np.array([g.nodes[i]["club"] == "Mr. Hi" for i in range(34)])
    for model in ("continuous", "heider"):
        r = balance_dynamics(x0, model, record_every=0)
        wrong = np.flatnonzero((r.blocs == r.blocs[0]) != hi)
        print(f"   {model}: status={r.status} time={r.time:.4g} correct={34 - wrong.size}/34 "
              f"misplaced members (1-based)={(wrong + 1).tolist()} "
              f"bloc sizes={np.bincount(r.blocs).tolist()}")


def ltd():
    print("4a. LTD stationary density of friendly links (10 starts, time 10-30)")
    for p in (0.0, 0.2, 0.3, 0.4):
        target = 1 / (np.sqrt(3 * (1 - 2 * p)) + 1)
        for n in (32, 64):
            dens = []
            for s in range(10):
                rng = np.random.default_rng(s)
                r = balance_dynamics(_complete(n, 0.5, rng), "local_triad", p=p, steps=30,
                                     seed=rng)
                t = r.trajectory
                dens.append(t[t["step"] >= 10].groupby("step")["weight"].apply(
                    lambda w: (w > 0).mean()).mean())
            print(f"   p={p} N={n} rho={np.mean(dens):.4f} +- {np.std(dens) / np.sqrt(10):.4f}"
                  f" rho_inf={target:.4f}")
    print("4b. LTD time to balance vs N")
    for p, ns, k in ((0.75, (16, 32, 64, 128), 40), (0.5, (16, 32, 64), 20)):
        for n in ns:
            runs = []
            for s in range(k):
                rng = np.random.default_rng(s)
                runs.append(balance_dynamics(_complete(n, 0.5, rng), "local_triad", p=p,
                                             seed=rng, record_every=0))
            t = [r.time for r in runs]
            print(f"   p={p} N={n} T={np.mean(t):.3f} +- {np.std(t) / np.sqrt(k):.3f} "
                  f"T/lnN={np.mean(t) / np.log(n):.3f} T/N^(4/3)={np.mean(t) / n ** (4 / 3):.4f}"
                  f" paradise={sum(_nblocs(r) == 1 for r in runs)}/{k}")
    print("4c. LTD paradise share vs p (200 starts)")
    for n in (6, 9):
        row = []
        for p in (0.0, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 1.0):
            runs = []
            for s in range(200):
                rng = np.random.default_rng(s)
                runs.append(balance_dynamics(_complete(n, 0.5, rng), "local_triad", p=p,
                                             seed=rng, record_every=0, max_steps=100_000))
            assert all(r.status == "balanced" for r in runs)
            row.append(f"{p}:{np.mean([_nblocs(r) == 1 for r in runs]):.3f}")
        print(f"   N={n} " + " ".join(row))


def ctd():
    print("5a. CTD from rho0 = 1/2: outcomes and mean time to balance")
    for n in (9, 12, 16, 24, 32, 64):
        k = 200 if n <= 32 else 50
        c, t = {"paradise": 0, "two cliques": 0, "jammed": 0, "other": 0}, []
        for s in range(k):
            rng = np.random.default_rng(s)
            r = balance_dynamics(_complete(n, 0.5, rng), "constrained_triad", seed=rng,
                                 record_every=0)
            if r.status == "balanced":
                c["paradise" if _nblocs(r) == 1 else "two cliques"] += 1
                t.append(r.time)
            else:
                c["jammed" if r.status == "jammed" else "other"] += 1
        print(f"   N={n} runs={k} {c} T={np.mean(t):.3f}")
    print("5b. CTD paradise share vs rho0 (100 starts)")
    for n in (16, 32, 64):
        row = []
        for rho in (0.0, 0.4, 0.5, 0.6, 0.65, 0.7, 0.8):
            runs = []
            for s in range(100):
                rng = np.random.default_rng(s)
                runs.append(balance_dynamics(_complete(n, rho, rng), "constrained_triad",
                                             seed=rng, record_every=0))
            par = np.mean([r.status == "balanced" and _nblocs(r) == 1 for r in runs])
            jam = sum(r.status == "jammed" for r in runs)
            row.append(f"{rho}:{par:.2f}(j{jam})")
        print(f"   N={n} " + " ".join(row))


if __name__ == "__main__":
    continuous_harmony()
    heider_tau()
    karate()
    ltd()
    ctd()
