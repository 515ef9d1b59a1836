"""ABC calibration of the ground engine to the IBC monthly deaths 2007-08 (Iraq scenario).

Usage::

    python benchmarks/sweep_calibrate_iraq.py [--runs 200] [--accept 0.1] [--workers 2]
        [--grid 60] [--out /tmp/factions-abc] [--compare 40]

Draws ``--runs`` parameter sets from the prior below (one seed each), runs the ground engine
on ``historical`` through the sweep machinery, keeps the ``--accept`` fraction closest to
IBC by the ``shape`` distance (the lattice's death rate is in a stylised unit, so the time
profile is fitted and the level by one scale factor), prints the posterior table, the
hindcast and its Spearman correlation, then (``--compare N``) reruns every scenario that a
ground-engine claim compares with N posterior draws and prints those claims with their
probabilities.
"""

from __future__ import annotations

import argparse
import time

PRIOR = {
    "ground.kill_scale": "uniform(0.03,0.4)",
    "ground.threshold": "uniform(0.02,0.3)",
    "ground.cop_density": "uniform(0.01,0.08)",
    "parameters.sectarian_polarisation": "uniform(0.3,1.0)",
}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=200)
    ap.add_argument("--accept", type=float, default=0.1)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--grid", type=int, default=60)
    ap.add_argument("--compare", type=int, default=40)
    ap.add_argument("--out", default="/tmp/factions-abc")
    args = ap.parse_args()

    import pandas as pd

    from factions.run.calibrate import abc_rejection, posterior_sweep
    from factions.run.distributions import parse_varies
    from factions.run.summaries import sweep_claims
    from factions.run.sweep import connect
    from factions.scenario import default_scenario

    pd.set_option("display.width", 160)
    pd.set_option("display.max_columns", 20)
    sc = default_scenario()
    prior = parse_varies(f"{k}={v}" for k, v in PRIOR.items())
    options = {"ground": {"grid": args.grid, "seeds": 1}}
    client, _ = connect(None, workers=args.workers)
    try:
        t = time.perf_counter()
        abc = abc_rejection(sc, prior, observation="ibc_deaths", metric="ground.deaths",
                            runs=args.runs, accept=args.accept, distance="shape",
                            window=("2007-01", "2008-12"), seed=2007, options=options,
                            out_dir=f"{args.out}/abc", scheduler=client)
        print(f"ABC: {args.runs} runs in {time.perf_counter() - t:.0f} s, "
              f"{int(abc.runs['accepted'].sum())} accepted, epsilon {abc.epsilon:.3f}")
        cols = ["parameter", "prior", "post_median", "post_low", "post_high", "prior_median"]
        print(abc.posterior[cols].round(3).to_string(index=False))
        print(f"\nhindcast Spearman rho = {abc.spearman:.3f} (p = {abc.spearman_p:.2g})")
        print(abc.hindcast.round(1).to_string(index=False))
        if args.compare:
            t = time.perf_counter()
            ids = sorted({side.scenario for c in sc.claims if c.test is not None
                          and (c.test.metric or "").startswith("ground.")
                          for side in (c.test.lhs, c.test.rhs) if side.scenario})
            post = posterior_sweep(sc, abc, runs=args.compare, scenario_ids=ids, seed=1,
                                   out_dir=f"{args.out}/posterior", scheduler=client,
                                   options=options)
            claims = sweep_claims(sc, post)
            claims = claims[claims["test"].str.contains("ground.", regex=False)]
            print(f"\nposterior sweep: {len(post.plan.tasks)} runs in "
                  f"{time.perf_counter() - t:.0f} s")
            print(claims[["claim", "test", "difference", "p_holds", "replicas", "verdict"]]
                  .round(3).to_string(index=False))
    finally:
        client.close()
        client._factions_cluster.close()


if __name__ == "__main__":
    main()
