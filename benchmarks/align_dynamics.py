"""Benchmark: balance dynamics — dX/dt = X^2 for 1,000 actors to its split; local and
constrained triad dynamics on complete graphs of 100 actors over 100 seeds.

Anchors measured in the same run:

* continuous: scipy ``solve_ivp`` (RK45, rtol 1e-6) on all 10^6 entries, computing X(t) at
  t = 0.9 t* (t* = 1/lambda_1, the blow-up), against our exact solution at the same time;
  the split itself comes 1e-8 t* before the blow-up at n = 1,000, out of reach of an
  explicit integrator: a smaller network (``--ivp-split-n``) shows what solve_ivp gives
  when told to integrate to the split time;
* triads: the plain-Python implementations of
  ``factions.engines.align.dynamics.reference`` (one update event at a time; same process),
  on ``--anchor-seeds`` seeds; the ratio is per seed.

Run: ``python benchmarks/align_dynamics.py``. BLAS is pinned to one thread (set
``OPENBLAS_NUM_THREADS`` to override): on the shared 2-core machine multi-threaded OpenBLAS
under load made a 160 x 160 product 50x slower.
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
from scipy.integrate import solve_ivp  # noqa: E402

from factions.engines.align import balance_dynamics  # noqa: E402
from factions.engines.align.dynamics.reference import ctd_python, ltd_python  # noqa: E402


def _complete(n, rng):
    s = np.where(rng.random((n, n)) < 0.5, 1.0, -1.0)
    s = np.triu(s, 1)
    return s + s.T


class _Clock:
    """Wall-clock and CPU seconds of a block (CPU: this process; the machine is shared)."""

    def __enter__(self):
        self.w, self.c = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc):
        self.wall = time.perf_counter() - self.w
        self.cpu = time.process_time() - self.c


def _x2(n):
    return lambda _t, y: (y.reshape(n, n) @ y.reshape(n, n)).ravel()


def continuous(n: int, seed: int, ivp_split_n: int) -> None:
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, size=(n, n))
    x = np.triu(x, 1)
    x = x + x.T
    balance_dynamics(x[:20, :20], "continuous", record_every=0)  # warm-up
    with _Clock() as c:
        res = balance_dynamics(x, "continuous", record_every=0)
    t_star, t_split = res.extra["blow_up_time"], res.extra["split_time"]
    print(f"continuous,n={n},to_split,ours_wall_s={c.wall:.3f},ours_cpu_s={c.cpu:.3f},"
          f"split_time={t_split:.10g},"
          f"blow_up_time={t_star:.10g},(t*-t_split)/t*={(t_star - t_split) / t_star:.3g},"
          f"blocs={np.bincount(res.blocs).tolist()}", flush=True)
    # same task for both: X(t) at t = 0.9 t*, where the solution is still smooth
    t_a = 0.9 * t_star
    with _Clock() as a:
        mine = balance_dynamics(x, "continuous", steps=1, rate=t_a, record_every=0)
    with _Clock() as b:
        sol = solve_ivp(_x2(n), (0, t_a), x.ravel(), method="RK45", rtol=1e-6, atol=1e-9)
    lam, vec = np.linalg.eigh(x)
    exact = (vec * (lam / (1 - lam * t_a))) @ vec.T
    diff = np.abs(sol.y[:, -1].reshape(n, n) - exact).max() / np.abs(exact).max()
    same = np.allclose(mine.matrix, np.clip(exact, -1, 1) * (1 - np.eye(n)), atol=1e-9)
    print(f"continuous,n={n},X(0.9 t*),ours_wall_s={a.wall:.3f},ours_cpu_s={a.cpu:.3f},"
          f"solve_ivp_wall_s={b.wall:.2f},solve_ivp_cpu_s={b.cpu:.2f},rhs_evals={sol.nfev},"
          f"ratio_cpu={b.cpu / a.cpu:.1f},ratio_wall={b.wall / a.wall:.1f},"
          f"solve_ivp_max_rel_diff={diff:.2e},ours_equals_closed_form={same}", flush=True)
    if ivp_split_n:  # the straightforward route to the split itself, on a smaller network
        m = ivp_split_n
        y0 = x[:m, :m]
        r = balance_dynamics(y0, "continuous", record_every=0)
        with _Clock() as c:
            sol = solve_ivp(_x2(m), (0, r.extra["split_time"]), y0.ravel(), method="RK45",
                            rtol=1e-6, atol=1e-9)
        sigma = np.where(r.blocs == r.blocs[0], 1.0, -1.0)
        z = sigma[:, None] * sol.y[:, -1].reshape(m, m) * sigma[None, :]
        np.fill_diagonal(z, 1.0)
        wrong = int((np.triu(z, 1) < 0).sum())
        print(f"continuous,n={m},solve_ivp_to_split,solve_ivp_wall_s={c.wall:.2f},"
              f"solve_ivp_cpu_s={c.cpu:.2f},"
              f"rhs_evals={sol.nfev},status={sol.status},ties_with_wrong_sign={wrong},"
              f"(t*-t_split)/t*={(r.extra['blow_up_time'] - r.extra['split_time']) / r.extra['blow_up_time']:.3g}",
              flush=True)


def triads(model: str, n: int, seeds: int, anchor_seeds: int, p: float) -> None:
    kw = {"p": p} if model == "local_triad" else {}
    balance_dynamics(_complete(8, np.random.default_rng(0)), model, record_every=0, **kw)
    times, outcomes = [], {}
    with _Clock() as a:
        for s in range(seeds):
            rng = np.random.default_rng(s)
            res = balance_dynamics(_complete(n, rng), model, seed=rng, record_every=0, **kw)
            key = res.status if res.status != "balanced" else \
                ("paradise" if len(set(res.blocs.tolist())) == 1 else "two cliques")
            outcomes[key] = outcomes.get(key, 0) + 1
            times.append(res.time)
    py_times = []
    with _Clock() as b:
        for s in range(anchor_seeds):
            s0 = _complete(n, np.random.default_rng(s))
            if model == "local_triad":
                py_times.append(ltd_python(s0, p, np.random.default_rng(s))[1])
            else:
                py_times.append(ctd_python(s0, np.random.default_rng(s))[1])
    per_a, per_b = a.cpu / seeds, b.cpu / anchor_seeds
    print(f"{model},n={n},p={p if model == 'local_triad' else '-'},seeds={seeds},"
          f"ours_total_wall_s={a.wall:.2f},ours_total_cpu_s={a.cpu:.2f},"
          f"ours_cpu_per_seed_s={per_a:.4f},python_cpu_per_seed_s={per_b:.2f} "
          f"({anchor_seeds} seeds),ratio_cpu={per_b / per_a:.0f},"
          f"ratio_wall={(b.wall / anchor_seeds) / (a.wall / seeds):.0f},"
          f"mean_time={np.mean(times):.3f},python_mean_time={np.mean(py_times):.3f},"
          f"outcomes={outcomes}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-continuous", type=int, default=1000)
    parser.add_argument("--n-triads", type=int, default=100)
    parser.add_argument("--seeds", type=int, default=100)
    parser.add_argument("--anchor-seeds", type=int, default=3)
    parser.add_argument("--ivp-split-n", type=int, default=200,
                        help="also integrate a network of this size to its split (0: skip)")
    parser.add_argument("--p", type=float, default=0.75, help="LTD propensity (p > 1/2 ends)")
    args = parser.parse_args()
    print(f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS')}")
    continuous(args.n_continuous, 2024, args.ivp_split_n)
    triads("local_triad", args.n_triads, args.seeds, args.anchor_seeds, args.p)
    triads("constrained_triad", args.n_triads, args.seeds, args.anchor_seeds, args.p)


if __name__ == "__main__":
    main()
